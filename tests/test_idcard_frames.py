"""The SAM protocol's frames: pure building, scanning and parsing, against the bytes public sources show."""

import pytest

from devices.errors import DeviceError
from devices.idcard import errors as e
from devices.idcard import frames as f
from devices.idcard.samples import sample_photo, sample_text_block


def hexbytes(text: str) -> bytes:
    return bytes.fromhex(text)


@pytest.mark.parametrize("command, wire", [
    (f.FIND_CARD, "AA AA AA 96 69 00 03 20 01 22"),
    (f.SELECT_CARD, "AA AA AA 96 69 00 03 20 02 21"),
    (f.READ_TEXT_PHOTO, "AA AA AA 96 69 00 03 30 01 32"),
    (f.READ_TEXT_PHOTO_FINGERPRINT, "AA AA AA 96 69 00 03 30 10 23"),
    (f.READ_APPENDED_ADDRESS, "AA AA AA 96 69 00 03 30 03 30"),
    (f.SAM_STATUS, "AA AA AA 96 69 00 03 11 FF ED"),
    (f.SAM_ID, "AA AA AA 96 69 00 03 12 FF EE"),
    (f.RESET_SAM, "AA AA AA 96 69 00 03 10 FF EC"),
])
def test_commands_are_built_byte_for_byte(command, wire):
    assert f.build_command(command) == hexbytes(wire)
    code, para, data = f.parse_command(hexbytes(wire))
    assert (code, para, bytes(data)) == (command.code, command.para, b"")


@pytest.mark.parametrize("wire, sw3, data_len", [
    ("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97", 0x9F, 4),               # card found
    ("AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C", 0x90, 8),   # card selected
    ("AA AA AA 96 69 00 04 00 00 80 84", 0x80, 0),                           # no card
    ("AA AA AA 96 69 00 04 00 00 81 85", 0x81, 0),                           # select failed
    ("AA AA AA 96 69 00 04 00 00 90 94", 0x90, 0),                           # SAM fine
    ("AA AA AA 96 69 00 04 00 00 60 64", 0x60, 0),                           # SAM self-test failed
    ("AA AA AA 96 69 00 04 00 00 41 45", 0x41, 0),                           # read failed
])
def test_replies_seen_on_real_readers_parse(wire, sw3, data_len):
    reply = f.parse_reply(hexbytes(wire))
    assert (reply.sw1, reply.sw2, reply.sw3, len(reply.data)) == (0, 0, sw3, data_len)
    assert f.build_reply(sw3, bytes(data_len)) == hexbytes(wire)


def test_a_full_read_is_1295_bytes_with_text_and_photo_lengths():
    frame = f.card_data_reply(sample_text_block("resident"), sample_photo("resident"))
    assert len(frame) == 1295
    assert frame[:14] == hexbytes("AA AA AA 96 69 05 08 00 00 90 01 00 04 00")
    parts = f.split_card_data(f.parse_reply(frame).data)
    assert (len(parts.text), len(parts.photo), len(parts.fingerprint)) == (256, 1024, 0)
    assert bytes(parts.text) == bytes(sample_text_block("resident"))


def test_a_read_with_fingerprints_carries_a_third_length():
    frame = f.card_data_reply(sample_text_block(), sample_photo(), fingerprint=bytes(512))
    assert len(frame) == 1295 + 2 + 512
    parts = f.split_card_data(f.parse_reply(frame).data, with_fingerprint=True)
    assert (len(parts.text), len(parts.photo), len(parts.fingerprint)) == (256, 1024, 512)


@pytest.mark.parametrize("data", [b"\x01\x00\x04", b"\x01\x00\x04\x00" + bytes(1000), b"\x00\x10\x00\x10" + bytes(33)])
def test_read_replies_with_inconsistent_lengths_are_refused(data):
    with pytest.raises(f.FrameLengthError):
        f.split_card_data(memoryview(data))


@pytest.mark.parametrize("wire, error", [
    ("AA AA AA 96 68 00 04 00 00 90 94", f.FramePreambleError),
    ("AA AA AA 96 69 00 04 00 00 90 95", f.FrameChecksumError),
    ("AA AA AA 96 69 00 05 00 00 90 94", f.FrameLengthError),
    ("AA AA AA 96 69 00 03 00 93", f.FrameLengthError),
    ("AA AA AA 96 69", f.FrameLengthError),
])
def test_damaged_frames_raise_typed_protocol_errors(wire, error):
    with pytest.raises(error) as raised:
        f.parse_reply(hexbytes(wire))
    assert isinstance(raised.value, DeviceError) and raised.value.message.msgid


FOUND = "AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97"


@pytest.mark.parametrize("stream, start, end, needed", [
    (FOUND, 0, 15, 0),
    ("00 FF 13 " + FOUND, 3, 18, 0),                                   # garbage first
    ("AA AA 00 " + FOUND, 3, 18, 0),                                   # half a preamble in the garbage
    ("AA AA AA 96 69 FF FF 42 " + FOUND, 8, 23, 0),                     # a false preamble: absurd length
    ("AA AA AA 96 69 00 02 " + FOUND, 7, 22, 0),                        # a false preamble: too short a body
    ("AA AA AA 96 69 00 08 00 00", 0, None, 6),                        # the rest has not arrived
    ("12 34 AA AA", 2, None, 5),                                       # a preamble may be starting
    ("12 34 56", 3, None, 7),                                          # nothing yet
    ("", 0, None, 7),
])
def test_scanning_skips_garbage_and_waits_for_whole_frames(stream, start, end, needed):
    found = f.scan(bytearray(hexbytes(stream)))
    assert (found.start, found.end, found.needed) == (start, end, needed)


def test_scanning_respects_the_end_of_the_filled_part():
    buffer = bytearray(hexbytes(FOUND) + bytes(100))
    assert f.scan(buffer, end=10).end is None and f.scan(buffer, end=15).end == 15


@pytest.mark.parametrize("sw3", sorted(f.STATUS_WORDS))
def test_every_status_word_maps_to_a_typed_error_with_a_plain_meaning(sw3):
    cls, meaning = f.STATUS_WORDS[sw3]
    error = f.status_error(sw3)
    assert type(error) is cls and isinstance(error, e.ReaderStatusError)
    assert error.status == sw3 and error.message.msgid == meaning
    assert meaning.endswith(".") and "SW" not in meaning  # a sentence for people, not a code
    with pytest.raises(cls):
        f.check(f.parse_reply(f.build_reply(sw3)))


def test_the_issue_lists_exactly_these_status_words():
    assert set(f.STATUS_WORDS) == {0x80, 0x81, 0x91, 0x10, 0x11, 0x21, 0x23, 0x24, 0x31, 0x32, 0x33,
                                   0x40, 0x41, 0x47, 0x60, 0x66}


def test_an_unknown_status_word_is_still_typed():
    error = f.status_error(0x55)
    assert isinstance(error, e.UnknownStatusError) and error.status == 0x55
    assert f.check(f.parse_reply(f.build_reply(0x9F, bytes(4))), f.SW_CARD_FOUND).sw3 == 0x9F


def test_replies_are_bytearrays_so_card_data_can_be_zeroed():
    reply = f.card_data_reply(sample_text_block(), sample_photo())
    assert isinstance(reply, bytearray)
    reply[:] = bytes(len(reply))
    assert not any(reply)
