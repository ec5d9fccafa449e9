"""The social security card through a real PC/SC stack: pcscd, vpcd, a virtual card (tests/pcsc_rig.py).

The driver under test is the terminal's own (devices/sscard/pcsc_reader.py), talking to libpcsclite;
what it survives here is what pyscard's own monitors do not: pcscd restarting under it and the reader
going away.
"""

from __future__ import annotations

import pytest

from common.domain import CardType
from devices.health import DeviceState
from devices.idcard.base import CardRead, ReadFailed
from devices.pcsc.diagnostics import snapshot
from devices.pcsc.virtual_card import MODEL_ATR, CardBehaviour
from devices.sscard.errors import FileNotFoundOnCardError, SsCardError
from devices.sscard.model import Answer, SsCardModel
from devices.sscard.pcsc_reader import PcscSsCardReader, PcscSsCardReaderOptions
from devices.sscard.samples import sample_card
from devices.pcsc.scard import CardGoneError
from tests.pcsc_rig import wait_for


@pytest.fixture(scope="module")
def stack(pcsc_stack):
    return pcsc_stack


class Watched:
    def __init__(self, reader: PcscSsCardReader) -> None:
        self.reader = reader
        self.events: list = []
        reader.events.subscribe(self.events.append)

    def kinds(self) -> list[str]:
        return [type(e).__name__ for e in self.events]

    def wait_events(self, count: int) -> None:
        wait_for(lambda: len(self.events) >= count, what=f"{count} events")

    def state(self, state: DeviceState, timeout_s: float = 10.0) -> None:
        wait_for(lambda: self.reader.health.state is state, timeout_s, what=f"state {state.value}")

    def after_polls(self, count: int = 3) -> None:
        counters = self.reader.health.snapshot().counters
        start = counters.get("polls", 0)
        wait_for(lambda: self.reader.health.snapshot().counters.get("polls", 0) >= start + 1 + count)


@pytest.fixture
def watched(stack):
    stack.restart()  # every test starts with a fresh pcscd and the reader in it
    reader = PcscSsCardReader("ss_card_reader", PcscSsCardReaderOptions(
        reader=stack.reader, poll_interval_s=0.05, settle_s=0.1, reconnect_interval_s=0.2))
    w = Watched(reader)
    reader.start()
    w.state(DeviceState.READY)
    yield w
    reader.stop()


@pytest.mark.parametrize("answer", list(Answer))
def test_the_card_is_read_once_through_pcscd_and_its_removal_reported(stack, watched, answer):
    card = stack.insert(SsCardModel(sample_card("resident"), answer=answer))
    watched.wait_events(1)
    (event,) = watched.events
    assert isinstance(event, CardRead)
    identity = event.identity
    expected = sample_card("resident")
    assert (identity.id_number, identity.name, identity.card_type) == (expected.number, "张测试", CardType.SOCIAL_SECURITY)
    assert (identity.gender, identity.nation, identity.birth_date) == ("男", "汉", expected.birth_date)
    assert identity.valid_to == expected.expiry_date
    watched.after_polls(5)
    assert watched.kinds() == ["CardRead"]  # left in the reader: not read again
    card.remove()
    watched.wait_events(2)
    assert watched.kinds() == ["CardRead", "CardRemoved"]


def test_a_first_generation_card_keeps_its_gender_in_another_record(stack, watched):
    stack.insert(SsCardModel(sample_card("first_generation")))
    watched.wait_events(1)
    assert watched.events[0].identity.gender == "男"


def test_a_card_answering_errors_is_reported_once_in_plain_words(stack, watched):
    card = stack.insert(lambda command: b"", behaviour=CardBehaviour(error_sw=0x6F00))
    watched.wait_events(1)
    watched.after_polls(5)
    assert watched.kinds() == ["ReadFailed"]
    assert watched.events[0].message.msgid == SsCardError.default
    card.remove()
    watched.after_polls(3)
    assert watched.kinds() == ["ReadFailed"]  # nothing was read, so nothing is reported removed


def test_a_card_without_the_social_security_application_is_named(stack, watched):
    stack.insert(lambda command: b"", behaviour=CardBehaviour(error_sw=0x6A82))
    watched.wait_events(1)
    assert watched.events[0].message.msgid == FileNotFoundOnCardError.default


def test_a_card_pulled_out_mid_read_says_so_and_the_next_insertion_reads(stack, watched):
    model = SsCardModel(sample_card("resident"), answer=Answer.GET_RESPONSE)
    stack.insert(model, behaviour=CardBehaviour(pull_after=6))
    watched.wait_events(1)
    assert isinstance(watched.events[0], ReadFailed)
    assert watched.events[0].message.msgid == CardGoneError.default
    assert watched.reader.health.state is DeviceState.READY
    stack.insert(SsCardModel(sample_card("resident")))
    watched.wait_events(2)
    assert watched.kinds() == ["ReadFailed", "CardRead"]


def test_pcscd_restarting_under_the_running_monitor(stack, watched):
    card = stack.insert(SsCardModel(sample_card("resident")))
    watched.wait_events(1)
    stack.stop()
    watched.state(DeviceState.OFFLINE)
    assert watched.kinds() == ["CardRead", "CardRemoved"]  # what happened to the card meanwhile, no one knows
    assert watched.reader.health.snapshot().reason.msgid == "The smart card service is not running."
    card.remove()
    stack.start()
    watched.state(DeviceState.READY)
    stack.insert(SsCardModel(sample_card("resident_long_term")))
    watched.wait_events(3)
    assert watched.events[2].identity.name == "李样例"
    assert watched.reader.health.snapshot().counters["service_lost"] >= 1


def test_the_reader_removed_with_a_card_in_it_and_plugged_back(stack, watched):
    card = stack.insert(SsCardModel(sample_card("resident")))
    watched.wait_events(1)
    card.remove()
    stack.unplug_reader()  # pcscd comes back without it
    watched.state(DeviceState.OFFLINE)
    wait_for(lambda: watched.reader.health.snapshot().reason.msgid == "The card reader is not connected.")
    assert watched.kinds() == ["CardRead", "CardRemoved"]
    result = watched.reader.self_test()
    assert not result.ok and result.details["pcsc_readers"] == "0"
    assert result.message.msgid == "The social security card reader is not connected."
    watched.after_polls(5)
    assert watched.reader.health.state is DeviceState.OFFLINE  # said once, and it stays so
    stack.plug_reader()
    watched.state(DeviceState.READY)
    stack.insert(SsCardModel(sample_card("resident")))
    watched.wait_events(3)
    assert watched.kinds() == ["CardRead", "CardRemoved", "CardRead"]


def test_diagnostics_show_the_service_the_readers_their_state_and_the_atr(stack, watched):
    report = snapshot()
    assert report.service_running and report.service.startswith("running (pid ")
    assert [r.reader for r in report.readers][:1] == [stack.reader]
    assert "empty" in report.readers[0].states
    card = stack.insert(SsCardModel(sample_card("resident")))
    watched.wait_events(1)
    report = snapshot()
    first = report.readers[0]
    assert "present" in first.states and first.atr == MODEL_ATR
    assert "3B 6A 00 00" in report.details()["pcsc_reader_1"]
    result = watched.reader.self_test()
    assert result.ok and result.details["pcsc_service"].startswith("running")
    card.remove()
    stack.stop()
    report = snapshot()
    assert not report.service_running and "not running" in report.service and report.readers == ()
