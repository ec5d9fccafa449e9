"""What the citizen's session makes of each card and each reader fault, with the configured "sim" reader.

The reader's events are wired to the session the way ``ui.bridge`` and the main window wire them,
minus Qt: a card read identifies the citizen, a failed read becomes the notice on the card screen.
"""

import time

import pytest

from devices.health import DeviceState
from devices.idcard import errors as e
from devices.idcard.base import CardRead, ReadFailed
from kiosk.app import build_services
from kiosk.tasks import SyncTaskRunner
from kiosk.workflows.citizen import Step


def wait_for(predicate, timeout_s: float = 6.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


@pytest.fixture
def kiosk(make_config):
    services = build_services(make_config(devices={"id_reader": {"type": "sim", "pace": False}}), SyncTaskRunner())
    reader = services.devices.id_reader
    session = services.new_citizen_session()
    read = []

    def bridge(event) -> None:
        if isinstance(event, CardRead):
            read.append(event.identity)
            session.card_read(event.identity)
        elif isinstance(event, ReadFailed):
            session.card_failed(event.message)

    reader.events.subscribe(bridge)
    reader.start()
    wait_for(lambda: reader.health.state is DeviceState.READY)
    session.start_with_card()
    session.agree_consent()
    yield reader, session, read
    reader.stop()
    services.stop()


def settled(session) -> bool:
    return session.step is Step.IDENTIFIED or session.notice is not None


@pytest.mark.parametrize("sample, masked", [
    ("resident", "张**"), ("hmt_residence", "陈**"), ("foreigner_2017", "样**"), ("foreigner_2023", "测***"),
])
def test_every_card_type_identifies_the_citizen_and_is_wiped_at_the_end(kiosk, sample, masked):
    reader, session, read = kiosk
    reader.place_card(sample)
    wait_for(lambda: settled(session))
    assert session.step is Step.IDENTIFIED and session.identity.masked_name == masked
    raw = read[0].raw
    session.finish()
    assert session.identity is None and len(raw) == 0 and read[0].id_number == ""


@pytest.mark.parametrize("sample, fault, expected", [
    ("expired", None, "该身份证已过有效期"),
    ("wrong_check_digit", None, e.InvalidIdNumberError.default),
    ("impossible_date", None, e.ImpossibleDateError.default),
    ("unknown_type", None, e.UnknownCardTypeError.default),
    ("resident", "read_error", "重试"),
    ("resident", "bad_checksum", e.DamagedReplyError.default),
    ("resident", "removed_mid_read", e.CardMovedError.default),
])
def test_refused_cards_and_failed_reads_leave_the_citizen_a_plain_notice(kiosk, sample, fault, expected):
    reader, session, read = kiosk
    if fault:
        reader.inject(fault)
    reader.place_card(sample)
    wait_for(lambda: settled(session))
    assert session.step is Step.READ_CARD and session.identity is None and read == []
    assert session.notice.error
    shown = session.notice.message
    assert expected in (shown.msgid, shown.render("zh_CN")) or expected in shown.render("zh_CN")


def test_garbage_on_the_line_does_not_reach_the_citizen(kiosk):
    reader, session, _ = kiosk
    reader.inject("garbage")
    reader.place_card("resident")
    wait_for(lambda: settled(session))
    assert session.step is Step.IDENTIFIED and session.notice is None


def test_an_unplugged_reader_is_shown_to_the_staff_and_the_citizen_can_still_leave(kiosk):
    reader, session, _ = kiosk
    reader.inject("unplugged")
    wait_for(lambda: reader.health.state is DeviceState.OFFLINE)
    reader.place_card("resident")
    attempts = reader.health.snapshot().counters.get("connect_attempts", 0)
    # an attempt to open the port, begun after the card was placed, has failed (the next one has begun)
    wait_for(lambda: reader.health.snapshot().counters.get("connect_attempts", 0) >= attempts + 2)
    assert reader.health.state is DeviceState.OFFLINE
    assert session.step is Step.READ_CARD and session.identity is None
    assert reader.health.snapshot().reason.render("zh_CN") == "身份证阅读器未连接。"
    session.end("back")
    assert session.step is Step.HOME
    reader.inject("clear")
    wait_for(lambda: reader.health.state is DeviceState.READY)
