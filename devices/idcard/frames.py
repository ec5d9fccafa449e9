"""The SAM reader protocol's frames, as pure functions (GA 467 family: CVR-100, SS628, iDR210, ...).

A frame is ``AA AA AA 96 69``, a 2-byte big-endian length that covers everything after it, the
body, and an XOR checksum over the length and body. Commands carry ``CMD PARA [data]``; replies
carry ``SW1 SW2 SW3 [data]``, SW3 being the status (``90`` success, ``9F`` card found, else an
error)::

    find card   AA AA AA 96 69 00 03 20 01 22
    card found  AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97

Nothing here does I/O; the driver and the simulator share these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Union

from devices.errors import ProtocolError
from devices.idcard import errors as e
from common.i18n import N_, text

PREAMBLE = b"\xAA\xAA\xAA\x96\x69"
HEADER_LEN = len(PREAMBLE) + 2
MIN_BODY = 4          # a reply's SW1 SW2 SW3 and checksum (a command's 3 bytes are checked separately)
MAX_BODY = 0x0A00     # the largest real reply (text, photo, two fingerprints) is 0x090A

SW_SUCCESS = 0x90
SW_CARD_FOUND = 0x9F

TEXT_LEN = 256
PHOTO_LEN = 1024

Buffer = Union[bytes, bytearray, memoryview]


class Command(NamedTuple):
    code: int
    para: int
    name: str


# Reset is 10 FF in the CVR-100 family and most vendor SDKs; a few sources give 01 FF (see the issue notes).
RESET_SAM = Command(0x10, 0xFF, "reset SAM")
SAM_STATUS = Command(0x11, 0xFF, "SAM status")
SAM_ID = Command(0x12, 0xFF, "SAM id")
FIND_CARD = Command(0x20, 0x01, "find card")
SELECT_CARD = Command(0x20, 0x02, "select card")
READ_TEXT_PHOTO = Command(0x30, 0x01, "read text and photo")
READ_TEXT_PHOTO_FINGERPRINT = Command(0x30, 0x10, "read text, photo and fingerprints")
READ_APPENDED_ADDRESS = Command(0x30, 0x03, "read appended address")

COMMANDS = (RESET_SAM, SAM_STATUS, SAM_ID, FIND_CARD, SELECT_CARD, READ_TEXT_PHOTO,
            READ_TEXT_PHOTO_FINGERPRINT, READ_APPENDED_ADDRESS)


class FrameError(ProtocolError):
    """A frame that cannot be trusted: wrong preamble, length or checksum."""


class FramePreambleError(FrameError):
    pass


class FrameLengthError(FrameError):
    pass


class FrameChecksumError(FrameError):
    pass


class FrameTruncatedError(FrameError):
    """A reply that began (its header arrived) and broke off."""


# SW3 -> (typed error, plain-language meaning). The meanings are what a citizen or clerk reads.
STATUS_WORDS: dict[int, tuple[type[e.ReaderStatusError], str]] = {
    0x80: (e.CardNotFoundError, N_("No ID card was found on the reader.")),
    0x81: (e.CardSelectError, e.CardSelectError.default),
    0x91: (e.NoContentError, e.NoContentError.default),
    0x10: (e.ReaderRejectedCommandError,
           N_("The card reader received a damaged request from the terminal. Please try again.")),
    0x11: (e.ReaderRejectedCommandError,
           N_("The card reader received a request of the wrong length. Please try again.")),
    0x21: (e.ReaderRejectedCommandError,
           N_("The card reader does not know the terminal's request. Please ask the hall staff.")),
    0x23: (e.ReaderUnauthorizedError, e.ReaderUnauthorizedError.default),
    0x24: (e.UnknownStatusError, N_("The card reader met an error it could not identify. Please try again.")),
    0x31: (e.CardAuthenticationError,
           N_("The ID card did not accept the card reader's security module. Please ask the hall staff for help.")),
    0x32: (e.CardAuthenticationError, e.CardAuthenticationError.default),
    0x33: (e.CardVerificationError, e.CardVerificationError.default),
    0x40: (e.UnknownCardTypeError, e.UnknownCardTypeError.default),
    0x41: (e.CardReadError, e.CardReadError.default),
    0x47: (e.ReaderCardLinkError, e.ReaderCardLinkError.default),
    0x60: (e.SamSelfTestError, e.SamSelfTestError.default),
    0x66: (e.SamUnauthorizedError, e.SamUnauthorizedError.default),
}


def xor_checksum(data: Buffer) -> int:
    value = 0
    for byte in data:
        value ^= byte
    return value


def _frame(body: Buffer) -> bytearray:
    length = len(body) + 1
    out = bytearray(PREAMBLE)
    out += length.to_bytes(2, "big")
    out += body
    out.append(xor_checksum(memoryview(out)[len(PREAMBLE):]))
    return out


def build_command(command: Command, data: Buffer = b"") -> bytes:
    """``build_command(FIND_CARD)`` -> ``AA AA AA 96 69 00 03 20 01 22``."""
    return bytes(_frame(bytes((command.code, command.para)) + bytes(data)))


def build_reply(sw3: int, data: Buffer = b"", *, sw1: int = 0, sw2: int = 0) -> bytearray:
    """A reader's reply (the simulator's side). A bytearray, so card data in it can be zeroed."""
    body = bytearray((sw1, sw2, sw3))
    body += data
    try:
        return _frame(body)
    finally:
        body[:] = bytes(len(body))


@dataclass(frozen=True)
class Scan:
    """Where a frame sits in a receive buffer.

    ``start``: bytes before it are garbage and may be dropped. ``end``: the offset past the
    checksum when the whole frame is present, else None. ``needed``: at least this many more
    bytes must arrive before scanning again can make progress.
    """

    start: int
    end: int | None
    needed: int


def _partial_preamble(buf: Buffer, end: int) -> int:
    """Length of the longest tail of ``buf[:end]`` that could begin a preamble."""
    for keep in range(min(len(PREAMBLE) - 1, end), 0, -1):
        if buf[end - keep:end] == PREAMBLE[:keep]:
            return keep
    return 0


def scan(buf: Buffer, *, end: int | None = None, min_body: int = MIN_BODY) -> Scan:
    """Find the first plausible frame in ``buf[:end]``, skipping garbage (resynchronisation).

    Works in place on a bytes or bytearray buffer (no copy of card data is made).
    """
    data = buf if isinstance(buf, (bytes, bytearray)) else bytes(buf)
    size = len(data) if end is None else end
    offset = 0
    while True:
        at = data.find(PREAMBLE, offset, size)
        if at < 0:
            keep = _partial_preamble(data, size)
            return Scan(size - keep, None, HEADER_LEN - keep)
        if size < at + HEADER_LEN:
            return Scan(at, None, at + HEADER_LEN - size)
        length = (data[at + 5] << 8) | data[at + 6]
        if not min_body <= length <= MAX_BODY:
            offset = at + 1  # a preamble-like run inside garbage: look further
            continue
        stop = at + HEADER_LEN + length
        if size < stop:
            return Scan(at, None, stop - size)
        return Scan(at, stop, 0)


@dataclass(frozen=True)
class Reply:
    sw1: int
    sw2: int
    sw3: int
    data: memoryview  # a view into the frame: no copy of card data

    @property
    def ok(self) -> bool:
        return self.sw3 in (SW_SUCCESS, SW_CARD_FOUND)


def _checked_body(frame: Buffer, min_body: int) -> memoryview:
    view = memoryview(frame)
    if bytes(view[:len(PREAMBLE)]) != PREAMBLE:
        raise FramePreambleError(detail="frame does not start with AA AA AA 96 69")
    if len(view) < HEADER_LEN + min_body:
        raise FrameLengthError(detail=f"frame of {len(view)} bytes is too short")
    length = (view[5] << 8) | view[6]
    if length != len(view) - HEADER_LEN:
        raise FrameLengthError(detail=f"length field {length} but {len(view) - HEADER_LEN} bytes follow it")
    if xor_checksum(view[len(PREAMBLE):-1]) != view[-1]:
        raise FrameChecksumError(detail="checksum mismatch")
    return view[HEADER_LEN:-1]


def parse_reply(frame: Buffer) -> Reply:
    body = _checked_body(frame, MIN_BODY)
    return Reply(body[0], body[1], body[2], body[3:])


def parse_command(frame: Buffer) -> tuple[int, int, memoryview]:
    """``(CMD, PARA, data)`` of a command frame (the simulator's side)."""
    body = _checked_body(frame, 3)
    return body[0], body[1], body[2:]


def status_error(sw3: int) -> e.ReaderStatusError:
    """The typed error, with its plain-language meaning, for a status word."""
    found = STATUS_WORDS.get(sw3)
    if found is None:
        return e.UnknownStatusError(status=sw3)
    cls, meaning = found
    return cls(text(meaning), status=sw3)


def check(reply: Reply, expected: int = SW_SUCCESS) -> Reply:
    if reply.sw3 != expected:
        raise status_error(reply.sw3)
    return reply


@dataclass(frozen=True)
class CardData:
    """The parts of a read reply: views into the frame, never copies."""

    text: memoryview
    photo: memoryview
    fingerprint: memoryview


def split_card_data(data: memoryview, *, with_fingerprint: bool = False) -> CardData:
    """Split a ``30 01`` (or ``30 10``) reply's data into text, photo and fingerprint."""
    lengths = 3 if with_fingerprint else 2
    head = 2 * lengths
    if len(data) < head:
        raise FrameLengthError(detail="read reply too short for its length fields")
    sizes = [(data[2 * i] << 8) | data[2 * i + 1] for i in range(lengths)]
    if with_fingerprint is False:
        sizes.append(0)
    text_len, photo_len, fp_len = sizes
    if head + text_len + photo_len + fp_len != len(data):
        raise FrameLengthError(detail=f"read reply carries {len(data)} bytes, its length fields say "
                                      f"{head + text_len + photo_len + fp_len}")
    text_end = head + text_len
    photo_end = text_end + photo_len
    return CardData(data[head:text_end], data[text_end:photo_end], data[photo_end:])


def card_data_reply(text_block: Buffer, photo: Buffer, fingerprint: Buffer | None = None) -> bytearray:
    """A whole ``30 01`` reply (``30 10`` when ``fingerprint`` is given), for the simulator."""
    data = bytearray(len(text_block).to_bytes(2, "big") + len(photo).to_bytes(2, "big"))
    if fingerprint is not None:
        data += len(fingerprint).to_bytes(2, "big")
    data += text_block
    data += photo
    if fingerprint is not None:
        data += fingerprint
    try:
        return build_reply(SW_SUCCESS, data)
    finally:
        data[:] = bytes(len(data))
