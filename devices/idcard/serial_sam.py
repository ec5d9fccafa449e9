"""``SerialSamIdReader``: second-generation ID-card readers over serial or USB-serial (the SAM protocol).

It polls on its own worker: find card (``20 01``); a found card is selected (``20 02``) and read
(``30 01``, then ``30 03`` for an appended address), once per placement. Readers differ in what
"find" answers while a card that was read lies there. Most answer "not found" (``80``), and select
still succeeds; once a reader has shown it is one of those (asked once right after a read, until it
is reconnected), a card that answers "found" again was reset by leaving the field, and is a new
placement. Others keep answering "found" (``9F``): the card is then selected and read again,
and its data compared (a keyed digest, held in memory only) with the card of this placement; the
same card is not reported again, another card is (its predecessor's removal first). A failed read
is reported once per placement too. A placement ends when "find" and select both say no card for
``lift_polls`` polls in a row: :class:`CardRemoved` is reported, and the next card found is a new
placement. On a reader that keeps answering ``9F`` each poll costs a whole read (about 0.1 s at
115200 baud, up to a second on slow readers), which delays noticing a lift by as much.

Every read has a deadline. Garbage on the line is skipped. A damaged reply (a wrong checksum or
length, or one broken off after its header) is told from silence: its own counter
(``damaged_replies``; silence is ``silent_replies``) and, when replies keep arriving damaged, its own
reason ("sent a damaged answer", not "does not answer"). A damaged or incomplete card read is
retried once (select and read again); a card gone by then was moved during the read. On open, and
after the reader was unplugged, the configured baud rates are tried in order with a SAM status
request.
"""

from __future__ import annotations

import codecs
import enum
import hashlib
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Callable

from devices.errors import DeviceError, DeviceOfflineError, DeviceTimeoutError
from devices.health import DeviceState, SelfTestResult
from devices.idcard import frames as f
from devices.idcard.base import CardRead, CardRemoved, IdCardError, IdCardReader, ReadFailed
from devices.idcard.errors import (CardMovedError, CardSelectError, DamagedReplyError, ReaderStatusError,
                                   ReaderTooSlowError)
from devices.idcard.photo import PhotoDecoder
from devices.idcard.serial_link import NOT_CONNECTED, ReplyTimeoutError, SerialLink
from devices.idcard.text_block import parse_text_block
from devices.worker import on_worker
from common.domain import CardType, Identity
from common.i18n import N_, text

log = logging.getLogger(__name__)

NOT_ANSWERING = N_("The ID card reader does not answer.")
DAMAGED_ANSWERS = N_("The ID card reader sent a damaged answer.")
APPENDED_ADDRESS_LEN = 70


def parse_baudrates(value: str | list | tuple) -> tuple[int, ...]:
    """``"115200, 9600"``, ``[115200, 9600]`` or ``(115200,)`` -> ``(115200, 9600)``."""
    items = value.split(",") if isinstance(value, str) else list(value)
    try:
        rates = tuple(int(str(item).strip()) for item in items if str(item).strip())
    except ValueError:
        raise ValueError(f"baudrates: expected whole numbers, got {value!r}") from None
    if not rates or any(rate <= 0 for rate in rates):
        raise ValueError(f"baudrates: expected one or more positive baud rates, got {value!r}")
    return rates


@dataclass(frozen=True)
class SerialSamIdReaderOptions:
    port: str = "/dev/ttyUSB0"
    baudrates: str | list | tuple = (115200, 9600)  # tried in this order
    reply_timeout_s: float = 1.0       # SAM status, find and select
    read_timeout_s: float = 3.0        # the card read
    gap_timeout_s: float = 0.25        # silence within a reply that has begun: the reply is broken off
    poll_interval_s: float = 0.15
    reconnect_interval_s: float = 1.0
    max_timeouts: int = 3              # silent or damaged replies in a row before the port is closed and reopened
    lift_polls: int = 2                # polls in a row without the card before its placement ends
    read_appended_address: bool = True
    photo_decoder: str = ""            # the vendor's photo library (libwlt.so); empty: a placeholder photo
    photo_decoder_symbol: str = "unpack"
    photo_decoder_mode: int = 602

    def __post_init__(self) -> None:
        object.__setattr__(self, "baudrates", parse_baudrates(self.baudrates))
        for name in ("reply_timeout_s", "read_timeout_s", "gap_timeout_s", "poll_interval_s", "reconnect_interval_s"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name}: must be above 0")
        if self.max_timeouts < 1:
            raise ValueError("max_timeouts: must be at least 1")
        if self.lift_polls < 1:
            raise ValueError("lift_polls: must be at least 1")


class Presence(enum.Enum):
    NONE = "none"        # no card, or it was taken away
    READ = "read"        # read and reported; waiting for its removal
    FAILED = "failed"    # its read failed and was reported; waiting for it to be placed again


# Which replies belong to which command: anything else on the line is a stray frame and skipped.
_SHAPES: dict[tuple[int, int], Callable[[f.Reply], bool]] = {
    (0x20, 0x01): lambda r: len(r.data) == (4 if r.sw3 == f.SW_CARD_FOUND else 0),
    (0x20, 0x02): lambda r: len(r.data) == (8 if r.sw3 == f.SW_SUCCESS else 0),
    (0x12, 0xFF): lambda r: len(r.data) == (16 if r.sw3 == f.SW_SUCCESS else 0),
    (0x30, 0x01): lambda r: (len(r.data) > 4) == (r.sw3 == f.SW_SUCCESS),
    (0x30, 0x10): lambda r: (len(r.data) > 6) == (r.sw3 == f.SW_SUCCESS),
}


def _expected_shape(command: f.Command) -> Callable[[f.Reply], bool]:
    return _SHAPES.get((command.code, command.para), lambda r: len(r.data) == 0 or r.sw3 == f.SW_SUCCESS)


class SerialSamIdReader(IdCardReader):
    def __init__(self, name: str = "id_reader", options: SerialSamIdReaderOptions = SerialSamIdReaderOptions()) -> None:
        super().__init__(name, poll_interval_s=options.poll_interval_s)
        self.options = options
        self._link = SerialLink(options.port)
        self._decoder = PhotoDecoder(options.photo_decoder, options.photo_decoder_symbol, options.photo_decoder_mode)
        self._presence = Presence.NONE
        self._card_digest: bytes | None = None   # this placement's card data, keyed digest; None: not known
        self._read_digest: bytes | None = None   # the digest of the data the last read received
        self._digest_key = secrets.token_bytes(16)
        self._misses = 0                         # polls in a row without the placed card
        self._quiet_reader = False               # "find" answered "not found" while a read card lay there
        self._baudrate: int | None = None
        self._timeouts = 0
        self._damaged = 0                        # of those, damaged replies
        self._next_connect = 0.0
        self._frame: memoryview | None = None

    @property
    def baudrate(self) -> int | None:
        """The baud rate the reader answered at, once connected."""
        return self._baudrate

    # -- the exchange: one command, its reply -------------------------------------------------

    def _transact(self, command: f.Command, timeout_s: float | None = None) -> f.Reply:
        """Send ``command``; return its reply with the frame still in the receive buffer."""
        deadline = time.monotonic() + (timeout_s or self.options.reply_timeout_s)
        self._link.discard()
        self._link.write(f.build_command(command))
        accept = _expected_shape(command)
        while True:
            skipped = self._link.garbage_bytes
            try:
                frame = self._link.read_frame(deadline, self.options.gap_timeout_s)
            except ReplyTimeoutError as exc:
                if exc.received < f.HEADER_LEN:
                    self.health.count("silent_replies")
                    raise
                self.health.count("damaged_replies")  # a reply that began and broke off
                raise f.FrameTruncatedError(detail=exc.detail) from None
            finally:
                if self._link.garbage_bytes != skipped:
                    self.health.count("skipped_bytes", self._link.garbage_bytes - skipped)
            try:
                reply = f.parse_reply(frame)
            except f.FrameError:
                self.health.count("bad_frames")
                if not self._link.skip_false_start(frame):
                    self.health.count("damaged_replies")
                    raise
                continue  # a preamble-like run in garbage: another frame is already arriving
            if accept(reply):
                self._timeouts = self._damaged = 0
                self._frame = frame
                return reply
            self.health.count("stray_frames")
            self._link.release(frame)

    def _done(self) -> None:
        """Zero and drop the frame of the last reply."""
        frame = self._frame
        if frame is not None:
            self._frame = None
            self._link.release(frame)

    def _command(self, command: f.Command, expected: int = f.SW_SUCCESS, timeout_s: float | None = None) -> f.Reply:
        reply = self._transact(command, timeout_s)
        if reply.sw3 != expected:
            self._done()
            raise f.status_error(reply.sw3)
        return reply

    # -- connection ----------------------------------------------------------------------------

    @on_worker
    def _open(self) -> None:
        self._connect()

    @on_worker
    def _close(self) -> None:
        self._link.close()
        self._baudrate = None

    def _connect(self) -> bool:
        """Open the port and find the baud rate the reader answers at."""
        self.health.count("connect_attempts")
        self._next_connect = time.monotonic() + self.options.reconnect_interval_s
        try:
            self._link.open(self.options.baudrates[0])
            damaged = False
            for rate in self.options.baudrates:
                self._link.set_baudrate(rate)
                try:
                    status = self._transact(f.SAM_STATUS)
                except DeviceTimeoutError:
                    continue
                except f.FrameError:
                    damaged = True
                    continue
                self._done()
                self._baudrate, self._timeouts, self._damaged, self._quiet_reader = rate, 0, 0, False
                self._end_placement()
                log.info("%s: reader answers at %d baud", self.name, rate)
                self._sam_state(status.sw3)
                return True
        except DeviceOfflineError as exc:
            log.info("%s: %s", self.name, exc.detail)
            self._link.close()
            self.health.set_state(DeviceState.OFFLINE, text(NOT_CONNECTED))
            return False
        self._link.close()
        rates = ", ".join(map(str, self.options.baudrates))
        if damaged:
            log.warning("%s: only damaged answers at %s baud", self.name, rates)
            self.health.set_state(DeviceState.ERROR, text(DAMAGED_ANSWERS))
        else:
            log.warning("%s: no answer at %s baud", self.name, rates)
            self.health.set_state(DeviceState.OFFLINE, text(NOT_ANSWERING))
        return False

    def _sam_state(self, sw3: int) -> None:
        """READY when the security module is fine; else reset it once, and ERROR if that does not help."""
        if sw3 != f.SW_SUCCESS:
            try:
                self._command(f.RESET_SAM)
                self._done()
                sw3 = self._transact(f.SAM_STATUS).sw3
                self._done()
            except (ReaderStatusError, DeviceTimeoutError, f.FrameError):
                pass
        if sw3 == f.SW_SUCCESS:
            self.health.set_state(DeviceState.READY)
        else:
            self.health.set_state(DeviceState.ERROR, f.status_error(sw3).message)

    def _disconnected(self, reason: str, damaged: bool = False) -> None:
        log.warning("%s: reader lost (%s)", self.name, reason)
        self._link.close()
        self._baudrate = None
        self._next_connect = time.monotonic() + self.options.reconnect_interval_s
        if self._presence is Presence.READ:
            self.events.emit(CardRemoved())
        self._end_placement()
        if damaged:
            self.health.set_state(DeviceState.ERROR, text(DAMAGED_ANSWERS))
        else:
            self.health.set_state(DeviceState.OFFLINE, text(NOT_CONNECTED))

    def _end_placement(self) -> None:
        self._presence, self._card_digest, self._misses = Presence.NONE, None, 0

    # -- polling -------------------------------------------------------------------------------

    @on_worker
    def _poll(self) -> None:
        if not self._link.is_open:
            if time.monotonic() < self._next_connect or not self._connect():
                return
        try:
            self._poll_card()
        except DeviceOfflineError as exc:
            self._disconnected(exc.detail)
        except (DeviceTimeoutError, f.FrameError) as exc:
            self._timeouts += 1
            self._damaged += isinstance(exc, f.FrameError)
            self.health.count("reply_errors")
            if self._timeouts >= self.options.max_timeouts:
                self._disconnected(f"{self._timeouts} bad or missing replies in a row, {self._damaged} damaged "
                                   f"({type(exc).__name__})", damaged=self._damaged > 0)
        except ReaderStatusError as exc:
            log.warning("%s: reader reports %s", self.name, exc.detail)
            self.health.set_state(DeviceState.ERROR, exc.message)
        finally:
            self._done()
            self.health.count("polls")  # a finished look at the reader, with whatever it reported already emitted

    def _poll_card(self) -> None:
        found = self._transact(f.FIND_CARD)
        self._done()
        if found.sw3 == f.SW_CARD_FOUND:
            self._misses = 0
            self._card_found()
            return
        if found.sw3 != 0x80:
            raise f.status_error(found.sw3)
        if self.health.state is DeviceState.ERROR:
            self.health.set_state(DeviceState.READY)
        if self._presence is Presence.NONE:
            return
        selected = self._transact(f.SELECT_CARD)
        self._done()
        if selected.sw3 == f.SW_SUCCESS:
            self._misses, self._quiet_reader = 0, True
            return
        self._misses += 1
        if self._misses >= self.options.lift_polls:
            if self._presence is Presence.READ:
                self.events.emit(CardRemoved())
            self._end_placement()

    def _card_found(self) -> None:
        """"Find" answered "found": a new placement, or the card of this one on a reader that keeps saying so."""
        if self._quiet_reader:
            self._new_placement()  # the card had gone quiet: answering again, it left the field and came back
        placed = self._presence
        if placed is Presence.NONE:
            self.health.set_state(DeviceState.BUSY)
        self._read_digest = None
        try:
            identity = self._read_card(same_as=self._card_digest if placed is not Presence.NONE else None)
        except DeviceOfflineError as exc:
            if placed is Presence.NONE:
                self._presence = Presence.FAILED
                self.events.emit(ReadFailed(exc.message))
            raise
        except IdCardError as exc:
            if placed is not Presence.NONE and self._read_digest in (None, self._card_digest):
                self.health.count("same_card_errors")  # this placement's outcome was reported already
                return
            self._new_placement()
            self._presence, self._card_digest = Presence.FAILED, self._read_digest
            self.health.count("read_errors")
            log.warning("%s: card not read: %s (%s)", self.name, type(exc).__name__, exc.detail)
            self.health.set_state(DeviceState.READY)
            self.events.emit(ReadFailed(exc.message))
            return
        if identity is None:
            self.health.count("same_card_found")  # read again and found unchanged: not reported again
            return
        self._new_placement()
        self._presence, self._card_digest = Presence.READ, self._read_digest
        self._learn_find_after_read()
        self.health.count("cards_read")
        log.info("%s: read a %s card", self.name, identity.card_type.value)
        self.health.set_state(DeviceState.READY)
        self.events.emit(CardRead(identity))

    def _learn_find_after_read(self) -> None:
        """Right after a read: does "find" go quiet while the card lies there (most readers), or keep saying "found"?"""
        if self._quiet_reader:
            return
        try:
            found = self._transact(f.FIND_CARD)
            self._done()
            if found.sw3 == 0x80:
                selected = self._transact(f.SELECT_CARD)
                self._done()
                self._quiet_reader = selected.sw3 == f.SW_SUCCESS
        except (DeviceTimeoutError, DeviceOfflineError, f.FrameError) as exc:
            log.debug("%s: find after a read not answered (%s); the next poll asks again", self.name, exc.detail)
        if self._quiet_reader:
            log.info("%s: after a read, find answers \"not found\" while the card lies there", self.name)

    def _new_placement(self) -> None:
        """Another card than the one of this placement: the one read before was taken away."""
        if self._presence is Presence.READ:
            self.events.emit(CardRemoved())
        self._end_placement()

    def _read_card(self, same_as: bytes | None = None) -> Identity | None:
        """Select and read, once more after a damaged or incomplete reply; None when its data digest is ``same_as``."""
        transport_error: Exception | None = None
        for _attempt in range(2):
            try:
                self._command(f.SELECT_CARD)
                self._done()
                return self._read_identity(same_as)
            except CardSelectError:
                if transport_error is not None:
                    raise CardMovedError(detail="card gone after an incomplete reply") from None
                raise
            except (f.FrameError, DeviceTimeoutError) as exc:
                transport_error = exc
                self.health.count("read_retries")
        if isinstance(transport_error, f.FrameError):
            raise DamagedReplyError(detail=f"damaged reply, twice ({type(transport_error).__name__})")
        raise ReaderTooSlowError(detail="no whole reply in time, twice")

    def _read_identity(self, same_as: bytes | None) -> Identity | None:
        reply = self._command(f.READ_TEXT_PHOTO, timeout_s=self.options.read_timeout_s)
        try:
            self._read_digest = hashlib.blake2b(reply.data, key=self._digest_key, digest_size=16).digest()
            if self._read_digest == same_as:
                return None
            parts = f.split_card_data(reply.data)
            identity = parse_text_block(parts.text)
            identity.raw = bytearray(parts.text)
            identity.raw += parts.photo
            identity.photo = self._decoder.decode(parts.photo)
        finally:
            self._done()
        if identity.card_type is CardType.RESIDENT and self.options.read_appended_address:
            identity.appended_address = self._appended_address()
        return identity

    def _appended_address(self) -> str:
        """The address endorsement, or "" when the card has none (``91``) or the reader cannot say."""
        try:
            reply = self._transact(f.READ_APPENDED_ADDRESS)
        except (DeviceTimeoutError, f.FrameError):
            return ""
        try:
            if reply.sw3 != f.SW_SUCCESS or not reply.data:
                return ""
            address, _ = codecs.utf_16_le_decode(reply.data[:APPENDED_ADDRESS_LEN], "replace", True)
            return address.rstrip(" \x00")
        finally:
            self._done()

    # -- maintenance ---------------------------------------------------------------------------

    @on_worker
    def _self_test(self) -> SelfTestResult:
        if not self._link.is_open and not self._connect():
            return SelfTestResult(self.name, False, self.health.snapshot().reason or text(NOT_CONNECTED))
        try:
            status = self._transact(f.SAM_STATUS)
            self._done()
            if status.sw3 != f.SW_SUCCESS:
                return SelfTestResult(self.name, False, f.status_error(status.sw3).message)
            sam = self._command(f.SAM_ID)
            sam_id = bytes(sam.data).hex()
            self._done()
        except DeviceOfflineError as exc:
            self._disconnected(exc.detail)
            return SelfTestResult(self.name, False, exc.message)
        except f.FrameError:
            return SelfTestResult(self.name, False, text(DAMAGED_ANSWERS))
        except DeviceTimeoutError:
            return SelfTestResult(self.name, False, text(NOT_ANSWERING))
        except DeviceError as exc:
            return SelfTestResult(self.name, False, exc.message)
        counters = self.health.snapshot().counters
        return SelfTestResult(self.name, True, text("The ID card reader and its security module are working."),
                              {"baudrate": str(self._baudrate), "sam_id": sam_id, "port": self.options.port,
                               **{name: str(counters.get(name, 0)) for name in ("damaged_replies", "silent_replies")}})
