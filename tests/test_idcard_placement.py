"""One read per placement whatever "find" answers after a read, and damaged replies told from silence.

Readers differ: after a card was read, most answer "find" with ``80`` while it lies there, some keep
answering ``9F``. The simulator on a real pty answers either way; each test counts the events over a
bounded number of polls the simulator answered.
"""

from __future__ import annotations

import pytest

from devices.health import DeviceState
from devices.idcard import errors as e
from devices.idcard.base import CardRead, ReadFailed
from devices.idcard.serial_link import NOT_CONNECTED
from devices.idcard.serial_sam import DAMAGED_ANSWERS, NOT_ANSWERING
from tests.idcard_rig import rig, wait_for  # noqa: F401 (rig is a fixture)

BOTH = pytest.mark.parametrize("find_after_read", ["80", "9F"])


@BOTH
def test_a_card_lying_on_the_reader_is_read_once_until_it_is_lifted(rig, find_after_read):
    r = rig(find_after_read=find_after_read)
    assert isinstance(r.place("resident"), CardRead)
    finds = r.sim.commands["find card"]
    r.after_polls(8)  # with the card still there
    assert r.sim.commands["find card"] >= finds + 8  # each of those polls was answered by the reader
    assert r.kinds() == ["CardRead"] and r.reader.health.snapshot().counters["cards_read"] == 1
    r.sim.remove_card()
    wait_for(lambda: len(r.events) == 2)
    assert r.kinds() == ["CardRead", "CardRemoved"]
    r.after_polls(3)
    assert len(r.events) == 2  # a lift is reported once
    assert isinstance(r.place("resident", count=3), CardRead)  # lifted and placed again: a new placement
    r.after_polls(6)
    assert r.kinds() == ["CardRead", "CardRemoved", "CardRead"]


@BOTH
def test_another_card_laid_on_without_a_lift_seen_is_read(rig, find_after_read):
    r = rig(find_after_read=find_after_read)
    r.place("resident")
    second = r.place("hmt_residence", count=3)
    assert r.kinds() == ["CardRead", "CardRemoved", "CardRead"]
    assert second.identity.pass_number == "H12345678"
    r.after_polls(6)
    assert len(r.events) == 3


@BOTH
def test_a_refused_card_lying_on_the_reader_is_refused_once(rig, find_after_read):
    r = rig(find_after_read=find_after_read)
    r.refused_once("expired", e.ExpiredCardError.default)
    r.sim.remove_card()
    r.after_polls(3)
    assert isinstance(r.place("expired", count=2), ReadFailed)


def test_a_reader_answering_found_after_a_read_still_reports_the_lift_promptly(rig):
    r = rig(find_after_read="9F")
    r.place("resident")
    r.after_polls(2)
    r.sim.remove_card()
    polls = r.polls()
    wait_for(lambda: len(r.events) == 2)
    assert r.polls() <= polls + 4  # two polls without the card, give or take the one under way


# -- damaged replies are not silence ----------------------------------------------------------


@pytest.mark.parametrize("fault", ["damaged", "truncated"])
def test_damaged_replies_have_their_own_reason_and_counter(rig, fault):
    r = rig(baudrates="115200", gap_timeout_s=0.1)
    r.state(DeviceState.READY)
    r.sim.inject(fault)
    wait_for(lambda: r.reader.health.snapshot().reason is not None)
    health = r.reader.health.snapshot()
    assert health.state is DeviceState.ERROR and health.reason.msgid == DAMAGED_ANSWERS
    assert health.reason.render("zh_CN") != DAMAGED_ANSWERS  # said in Chinese too
    assert health.counters["damaged_replies"] >= 3 and health.counters.get("silent_replies", 0) == 0
    result = r.reader.self_test()
    assert not result.ok and result.message.msgid == DAMAGED_ANSWERS
    r.sim.inject("clear")
    r.state(DeviceState.READY)
    assert int(r.reader.self_test().details["damaged_replies"]) >= 3  # what maintenance's self-test reports
    assert isinstance(r.place("resident"), CardRead)


def test_a_reader_sending_damaged_replies_from_the_start_is_not_called_silent(rig):
    r = rig(start_sim=False)
    r.sim.inject("damaged")
    r.sim.start()
    wait_for(lambda: r.reader.health.snapshot().reason is not None)  # the port is missing at first
    wait_for(lambda: r.reader.health.snapshot().reason.msgid != NOT_CONNECTED)  # then the reader is there
    health = r.reader.health.snapshot()
    assert health.reason.msgid == DAMAGED_ANSWERS != NOT_ANSWERING and health.counters["damaged_replies"] > 0


def test_a_silent_reader_counts_silence_not_damage(rig):
    r = rig(baudrates="115200", reply_timeout_s=0.15)
    r.state(DeviceState.READY)
    r.sim.baudrate = 57600  # from now on it hears only noise, and says nothing
    wait_for(lambda: r.reader.health.snapshot().reason is not None
             and r.reader.health.snapshot().reason.msgid == NOT_ANSWERING)
    counters = r.reader.health.snapshot().counters
    assert counters["silent_replies"] >= 3 and counters.get("damaged_replies", 0) == 0


def test_a_damaged_card_read_is_counted_and_the_citizen_told(rig):
    r = rig()
    r.sim.inject("bad_checksum")
    event = r.place("resident")
    assert isinstance(event, ReadFailed) and event.message.msgid == e.DamagedReplyError.default
    assert r.reader.health.snapshot().counters["damaged_replies"] == 2
    assert r.reader.health.state is DeviceState.READY  # the reader works; the card is to be placed again
