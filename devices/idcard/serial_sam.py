"""``SerialSamIdReader``: second-generation ID-card readers over serial or USB-serial (the SAM protocol).

It polls on its own worker: find card (``20 01``); a found card is selected (``20 02``) and read
(``30 01``, then ``30 03`` for an appended address), once per placement, by the rules shared with
the SDK driver (``devices/idcard/placement.py``: readers that go quiet after a read and readers
that keep answering "found"). On a reader that keeps answering ``9F`` each poll costs a whole read
(about 0.1 s at 115200 baud, up to a second on slow readers), which delays noticing a lift by as much.

Every read has a deadline. Garbage on the line is skipped. A damaged reply (a wrong checksum or
length, or one broken off after its header) is told from silence: its own counter
(``damaged_replies``; silence is ``silent_replies``) and, when replies keep arriving damaged, its own
reason ("sent a damaged answer", not "does not answer"). A damaged or incomplete card read is
retried once (select and read again); a card gone by then was moved during the read. On open, and
after the reader was unplugged, the configured baud rates are tried in order with a SAM status
request.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable

from devices.errors import DeviceError, DeviceOfflineError, DeviceTimeoutError
from devices.health import DeviceState, SelfTestResult
from devices.idcard import frames as f
from devices.idcard.base import IdCardReader
from devices.idcard.errors import (CardMovedError, CardSelectError, DamagedReplyError, ReaderStatusError,
                                   ReaderTooSlowError)
from devices.idcard.placement import CardReadOptions, Placements
from devices.idcard.serial_link import NOT_CONNECTED, ReplyTimeoutError, SerialLink
from devices.idcard.text_block import appended_address, parse_text_block
from devices.worker import on_worker
from common.domain import CardType, Identity
from common.i18n import N_, text

log = logging.getLogger(__name__)

NOT_ANSWERING = N_("The ID card reader does not answer.")
DAMAGED_ANSWERS = N_("The ID card reader sent a damaged answer.")


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
class SerialSamIdReaderOptions(CardReadOptions):
    port: str = "/dev/ttyUSB0"
    baudrates: str | list | tuple = (115200, 9600)  # tried in this order
    reply_timeout_s: float = 1.0       # SAM status, find and select
    read_timeout_s: float = 3.0        # the card read
    gap_timeout_s: float = 0.25        # silence within a reply that has begun: the reply is broken off
    poll_interval_s: float = 0.15
    reconnect_interval_s: float = 1.0
    max_timeouts: int = 3              # silent or damaged replies in a row before the port is closed and reopened

    def __post_init__(self) -> None:
        object.__setattr__(self, "baudrates", parse_baudrates(self.baudrates))
        self.check(("reply_timeout_s", "read_timeout_s", "gap_timeout_s", "poll_interval_s", "reconnect_interval_s"),
                   ("max_timeouts",))


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
        self._decoder = options.decoder()
        self._placements = Placements(name, self.health, self.events, self, options.lift_polls)
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
                self._baudrate, self._timeouts, self._damaged = rate, 0, 0
                self._placements.connected()
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
        self._placements.lost()
        if damaged:
            self.health.set_state(DeviceState.ERROR, text(DAMAGED_ANSWERS))
        else:
            self.health.set_state(DeviceState.OFFLINE, text(NOT_CONNECTED))

    # -- polling -------------------------------------------------------------------------------

    @on_worker
    def _poll(self) -> None:
        if not self._link.is_open:
            if time.monotonic() < self._next_connect or not self._connect():
                return
        try:
            self._placements.poll()
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

    # -- the card link (devices/idcard/placement.py) --------------------------------------------

    def find_card(self) -> int:
        found = self._transact(f.FIND_CARD)
        self._done()
        return found.sw3

    def select_card(self) -> int:
        selected = self._transact(f.SELECT_CARD)
        self._done()
        return selected.sw3

    def read_card(self, seen: Callable[..., bool]) -> Identity | None:
        """Select and read, once more after a damaged or incomplete reply; None when ``seen`` knows its data."""
        transport_error: Exception | None = None
        for _attempt in range(2):
            try:
                self._command(f.SELECT_CARD)
                self._done()
                return self._read_identity(seen)
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

    def _read_identity(self, seen: Callable[..., bool]) -> Identity | None:
        reply = self._command(f.READ_TEXT_PHOTO, timeout_s=self.options.read_timeout_s)
        try:
            if seen(reply.data):
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
            return appended_address(reply.data)
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
