"""The serial SAM driver against the protocol simulator on a real pty: what a citizen and the staff see.

Every card type, every status word and every fault ends in an event or a device state with a
plain-language message; nothing here mocks the serial port.
"""

from __future__ import annotations

import logging

import pytest

from devices.health import DeviceState
from devices.idcard import errors as e
from devices.idcard import frames as f
from devices.idcard.base import CardRead, ReadFailed
from devices.idcard.samples import SAMPLES, sample_appended_address, sample_identity
from devices.idcard.serial_link import NOT_CONNECTED
from devices.idcard.serial_sam import NOT_ANSWERING
from common.masking import mask_id_number
from tests.idcard_rig import rig, wait_for  # noqa: F401 (rig is a fixture)

READABLE = [s for s in SAMPLES if s != "expired"]


# -- every card type -------------------------------------------------------------------------


@pytest.mark.parametrize("sample", READABLE)
def test_every_card_type_is_read_once_per_placement_and_its_removal_reported(rig, sample):
    r = rig()
    event = r.place(sample)
    assert isinstance(event, CardRead)
    identity, expected = event.identity, sample_identity(sample)
    assert (identity.card_type, identity.name, identity.id_number) == (expected.card_type, expected.name,
                                                                      expected.id_number)
    assert (identity.name_en, identity.pass_number, identity.renewal_count) == (
        expected.name_en, expected.pass_number, expected.renewal_count)
    assert len(identity.raw) == 256 + 1024 and identity.photo[:2] == b"BM"
    r.after_polls()  # with the card still there
    assert r.kinds() == ["CardRead"] and r.sim.commands["read text and photo"] == 1
    r.sim.remove_card()
    wait_for(lambda: len(r.events) == 2)
    assert r.kinds() == ["CardRead", "CardRemoved"]
    assert r.reader.health.snapshot().counters["cards_read"] == 1


def test_a_resident_card_brings_its_appended_address(rig):
    identity = rig().place("resident_long_term").identity
    assert identity.appended_address == sample_appended_address("resident_long_term") != ""
    assert identity.valid_to is None  # 长期


def test_another_card_placed_without_a_removal_seen_is_a_new_placement(rig):
    r = rig()
    r.place("resident")
    second = r.place("hmt_residence", count=3)
    assert r.kinds() == ["CardRead", "CardRemoved", "CardRead"]
    assert second.identity.pass_number == "H12345678"


# -- cards that must be refused --------------------------------------------------------------


@pytest.mark.parametrize("sample, error", [
    ("expired", e.ExpiredCardError), ("wrong_check_digit", e.InvalidIdNumberError),
    ("impossible_date", e.ImpossibleDateError), ("unknown_type", e.UnknownCardTypeError),
])
def test_refused_cards_give_one_plain_message_per_placement(rig, sample, error):
    r = rig()
    event = r.place(sample)
    assert isinstance(event, ReadFailed) and event.message.msgid == error.default
    r.after_polls()  # with the card still there: not refused again
    assert r.kinds() == ["ReadFailed"]
    r.sim.remove_card()
    r.after_polls()
    assert r.kinds() == ["ReadFailed"]  # no removal of a card never read
    assert isinstance(r.place(sample, count=2), ReadFailed)


def test_an_expired_card_is_refused_in_the_citizens_language(rig):
    assert "过有效期" in rig().place("expired").message.render("zh_CN")


# -- every status word -----------------------------------------------------------------------


@pytest.mark.parametrize("sw3", sorted(f.STATUS_WORDS))
def test_every_status_word_on_the_read_reaches_the_citizen_as_its_meaning(rig, sw3):
    r = rig()
    r.sim.script(0x30, 0x01, sw3)
    event = r.place("resident")
    assert isinstance(event, ReadFailed) and event.message.msgid == f.STATUS_WORDS[sw3][1]
    assert r.reader.health.state is DeviceState.READY


def test_a_failed_select_is_a_plain_message(rig):
    r = rig()
    r.sim.script(0x20, 0x02, 0x81)
    event = r.place("resident")
    assert isinstance(event, ReadFailed) and event.message.msgid == e.CardSelectError.default


def test_a_failing_security_module_is_a_device_error_not_a_citizen_error(rig):
    r = rig()
    r.sim.inject("sam_failure")
    r.state(DeviceState.ERROR)
    assert r.reader.health.snapshot().reason.msgid == e.SamSelfTestError.default
    r.sim.place_card("resident")
    r.after_polls()
    assert r.events == []  # the citizen's screen is not interrupted; the staff see the device state
    result = r.reader.self_test()
    assert not result.ok and result.message.msgid == e.SamSelfTestError.default
    r.sim.inject("clear")
    wait_for(lambda: r.events)
    assert r.kinds() == ["CardRead"] and r.reader.health.state is DeviceState.READY


def test_a_security_module_failing_at_start_is_reset_once(rig):
    r = rig(start_sim=False)
    r.sim.inject("sam_failure")
    r.sim.start()
    r.state(DeviceState.ERROR)
    assert r.sim.commands["reset SAM"] >= 1


# -- faults on the line ----------------------------------------------------------------------


def test_garbage_on_the_line_is_skipped_and_the_card_read(rig):
    r = rig()
    r.sim.inject("garbage")
    assert isinstance(r.place("foreigner_2023"), CardRead)
    assert r.reader.health.snapshot().counters["skipped_bytes"] > 0


def test_a_wrong_checksum_is_retried_then_reported(rig):
    r = rig()
    r.sim.inject("bad_checksum")
    event = r.place("resident")
    assert isinstance(event, ReadFailed) and event.message.msgid == e.DamagedReplyError.default
    assert r.reader.health.snapshot().counters["read_retries"] == 2
    r.sim.inject("clear")
    r.sim.remove_card()
    assert isinstance(r.place("resident", count=2), CardRead)


def test_a_slow_reader_within_the_timeout_still_reads(rig):
    r = rig(slow_s=0.3, read_timeout_s=1.0)
    r.sim.inject("slow")
    assert isinstance(r.place("hmt_residence"), CardRead)


def test_a_reader_slower_than_the_timeout_is_reported_not_waited_for(rig):
    r = rig(slow_s=0.5, read_timeout_s=0.25)
    r.sim.inject("slow")
    event = r.place("resident")
    assert isinstance(event, ReadFailed) and event.message.msgid == e.ReaderTooSlowError.default


def test_a_card_removed_mid_read_asks_the_citizen_to_place_it_again(rig):
    r = rig()
    r.sim.inject("removed_mid_read")
    event = r.place("resident")
    assert isinstance(event, ReadFailed) and event.message.msgid == e.CardMovedError.default
    r.after_polls()
    assert r.kinds() == ["ReadFailed"] and not r.sim.card_present
    assert isinstance(r.place("resident", count=2), CardRead)


def test_a_read_error_asks_the_citizen_to_try_again(rig):
    event = (r := rig()).sim.inject("read_error") or r.place("resident")
    assert isinstance(event, ReadFailed) and "重试" in event.message.render("zh_CN")


# -- the reader itself: unplugged, baud rates, silence ---------------------------------------


def test_an_unplugged_reader_goes_offline_and_comes_back_when_plugged_in(rig):
    r = rig()
    r.place("resident")
    r.sim.inject("unplugged")
    r.state(DeviceState.OFFLINE)
    wait_for(lambda: len(r.events) == 2)
    assert r.kinds() == ["CardRead", "CardRemoved"]
    assert r.reader.health.snapshot().reason.msgid == NOT_CONNECTED
    assert not r.reader.self_test().ok
    r.sim.inject("clear")
    r.state(DeviceState.READY)
    wait_for(lambda: len(r.events) == 3)  # the card still lies there: read again after the reader returns
    assert r.kinds() == ["CardRead", "CardRemoved", "CardRead"]


def test_a_reader_missing_at_start_is_offline_until_it_appears(rig):
    r = rig(start_sim=False)
    wait_for(lambda: r.reader.health.snapshot().reason is not None)
    assert r.reader.health.state is DeviceState.OFFLINE
    assert r.reader.health.snapshot().reason.msgid == NOT_CONNECTED
    r.sim.start()
    r.state(DeviceState.READY)
    assert isinstance(r.place("resident"), CardRead)


def test_the_driver_falls_back_to_9600_baud(rig):
    r = rig(sim_baudrate=9600)
    r.state(DeviceState.READY)
    assert r.reader.baudrate == 9600
    assert isinstance(r.place("foreigner_2017"), CardRead)
    result = r.reader.self_test()
    assert result.ok and result.details["baudrate"] == "9600"


def test_a_reader_at_no_configured_baud_rate_is_reported_as_not_answering(rig):
    r = rig(sim_baudrate=57600)
    wait_for(lambda: r.reader.health.snapshot().reason is not None)
    assert r.reader.health.state is DeviceState.OFFLINE
    assert r.reader.health.snapshot().reason.msgid == NOT_ANSWERING
    assert rig(sim_baudrate=57600, baudrates="57600").reader is not None


def test_a_reader_that_falls_silent_is_closed_and_reopened(rig):
    r = rig()
    r.state(DeviceState.READY)
    r.sim.baudrate = 57600  # from now on it hears only noise, and says nothing
    r.state(DeviceState.OFFLINE)
    r.sim.baudrate = 115200
    r.state(DeviceState.READY)
    assert isinstance(r.place("resident"), CardRead)


def test_self_test_reports_the_security_module(rig):
    result = rig().reader.self_test()
    assert result.ok and result.details["sam_id"] == "0501000031323334353637383930aa55"


# -- privacy ---------------------------------------------------------------------------------


def test_card_data_is_never_logged_and_the_receive_buffer_is_zeroed(rig, caplog):
    caplog.set_level(logging.DEBUG)
    r = rig()
    for count, sample in enumerate(READABLE, 1):
        r.sim.remove_card()
        r.place(sample, count=2 * count - 1)
        wait_for(lambda: r.reader.health.state is DeviceState.READY)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for sample in READABLE:
        identity = sample_identity(sample)
        for secret in (identity.name, identity.id_number, identity.name_en, identity.address, identity.pass_number):
            assert not secret or secret not in logged, sample
        assert mask_id_number(identity.id_number) not in logged  # not even masked: the driver logs no numbers
    r.reader.stop()
    assert not any(r.reader._link._buffer)


def test_an_identity_read_from_a_card_wipes_to_nothing(rig):
    identity = rig().place("hmt_residence").identity
    raw, photo = identity.raw, identity.photo
    identity.wipe()
    assert len(raw) == len(photo) == 0
    assert identity.id_number == identity.name == identity.pass_number == "" and identity.birth_date is None
