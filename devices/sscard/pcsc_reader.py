"""``PcscSsCardReader``: the social security card in a PC/SC reader, behind the ID-card reader interface.

Its worker polls PC/SC with a zero timeout (:mod:`devices.pcsc.scard`): the readers, then the chosen
reader's state. A card that has lain in the reader for ``settle_s`` (contacts bounce, and a reader
reports a card before it has powered it up) is connected in shared mode (other programs may use
the reader too), read (:func:`devices.sscard.reading.read_identity`: 61xx and 6Cxx followed, status
words typed) and reported once per insertion: :class:`CardRead`, or :class:`ReadFailed` with a plain
reason. Taking it out reports :class:`CardRemoved` after a read.

When ``pcscd`` stops or restarts, every call on the old context fails (``SCARD_E_NO_SERVICE``, then
``SCARD_E_INVALID_HANDLE`` even once the new pcscd is up): the context is released and a new one
made every ``reconnect_interval_s``, the device OFFLINE meanwhile. When the reader goes from the
list (unplugged, or a pcscd that came back without it), the device is OFFLINE until it is back. A card
that was read and reported is reported removed in both cases, since no one can tell what happened
to it meanwhile.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from common.i18n import N_, text
from devices.errors import DeviceError
from devices.health import DeviceState, SelfTestResult
from devices.idcard.base import CardRead, CardRemoved, IdCardReader, ReadFailed
from devices.pcsc import scard as pcsc
from devices.sscard.reading import read_identity
from devices.worker import on_worker

if TYPE_CHECKING:
    from devices.pcsc.diagnostics import PcscReport

log = logging.getLogger(__name__)

NO_READER = N_("The social security card reader is not connected.")
PULLED_WINDOW_S = 0.3  # after a failed read, how long the reader is watched for the card leaving


@dataclass(frozen=True)
class PcscSsCardReaderOptions:
    reader: str = ""                  # a part of the reader's name; empty: the first reader PC/SC lists
    poll_interval_s: float = 0.2
    settle_s: float = 0.3             # a new card lies this long before it is read
    reconnect_interval_s: float = 1.0 # a new PC/SC context this often while the service is gone

    def __post_init__(self) -> None:
        for name in ("poll_interval_s", "reconnect_interval_s"):
            value = getattr(self, name)
            if not value > 0:  # NaN fails too
                raise ValueError(f"{name}: must be above 0")
        if not 0 <= self.settle_s <= 5:
            raise ValueError("settle_s: must be between 0 and 5 seconds")


class PcscSsCardReader(IdCardReader):
    kind = "ss_card_reader"

    def __init__(self, name: str = "ss_card_reader", options: PcscSsCardReaderOptions = PcscSsCardReaderOptions(),
                 *, context: Callable[[], pcsc.Context] = pcsc.Context) -> None:
        super().__init__(name, poll_interval_s=options.poll_interval_s)
        self.options = options
        self._new_context = context           # the simulator's stands in for PC/SC's
        self._context: pcsc.Context | None = None
        self._told_missing = False            # "no reader" was said since the last context or reader
        self._next_connect = 0.0
        self._reader: str | None = None       # the reader in use
        self._inserted_at: float | None = None  # when this card was first seen
        self._reported = False                # this insertion was reported (read or failed)
        self._read = False                    # ... and it was read

    # -- connection ------------------------------------------------------------------------------

    @on_worker
    def _open(self) -> None:
        self._connect()

    @on_worker
    def _close(self) -> None:
        self._drop_context()

    def _connect(self) -> bool:
        self._next_connect = time.monotonic() + self.options.reconnect_interval_s
        self.health.count("connect_attempts")
        try:
            self._context = self._new_context()
        except pcsc.PcscError as exc:
            log.info("%s: no PC/SC context (%s)", self.name, exc.detail)
            self.health.set_state(DeviceState.OFFLINE, exc.message)
            return False
        log.info("%s: PC/SC context made", self.name)
        self._told_missing = False
        return True

    def _drop_context(self) -> None:
        context, self._context = self._context, None
        if context is not None:
            context.release()

    def _lost(self, error: pcsc.PcscError) -> None:
        """The service or the reader went away: end the insertion; for the service, a new context."""
        if isinstance(error, pcsc.ServiceGoneError):
            self.health.count("service_lost")
            log.warning("%s: PC/SC service lost (%s)", self.name, error.detail)
            self._drop_context()
            self._next_connect = time.monotonic() + self.options.reconnect_interval_s
        else:
            self.health.count("reader_lost")
            log.warning("%s: reader %s lost (%s)", self.name, self._reader, error.detail)
        self._reader = None
        self._end_insertion()
        self.health.set_state(DeviceState.OFFLINE, error.message)

    # -- polling ---------------------------------------------------------------------------------

    @on_worker
    def _poll(self) -> None:
        try:
            if self._context is None and (time.monotonic() < self._next_connect or not self._connect()):
                return
            state = self._reader_state()
            if state is not None:
                self._follow(state)
        except (pcsc.ServiceGoneError, pcsc.ReaderGoneError) as exc:
            self._lost(exc)
        finally:
            self.health.count("polls")  # a finished look at the reader, with whatever it reported already emitted

    def _reader_state(self) -> pcsc.ReaderState | None:
        assert self._context is not None
        readers = self._context.readers()
        wanted = self.options.reader
        chosen = next((r for r in readers if wanted in r), None)
        if chosen is None:
            if self._reader is not None or not self._told_missing:
                self._told_missing = True
                raise pcsc.ReaderGoneError(0, f"no reader matching {wanted!r} among {len(readers)}")
            return None
        self._told_missing = False
        if chosen != self._reader:
            log.info("%s: using reader %s", self.name, chosen)
            self._reader = chosen
            self._end_insertion()
        (state,) = self._context.states([chosen])
        if state.unavailable:
            raise pcsc.ReaderGoneError(0, f"reader state {','.join(state.names)}")
        if self.health.state is not DeviceState.READY:
            self.health.set_state(DeviceState.READY)
        return state

    def _follow(self, state: pcsc.ReaderState) -> None:
        if not state.present:
            self._end_insertion()
            return
        if self._reported:
            return
        now = time.monotonic()
        if self._inserted_at is None:
            self._inserted_at = now
        if now - self._inserted_at < self.options.settle_s:
            return
        if state.mute:
            self._failed(pcsc.CardMuteError(0, "reader reports the card mute"))
            return
        self._read_card()

    def _read_card(self) -> None:
        assert self._context is not None and self._reader is not None
        try:
            card = self._context.connect(self._reader)
        except pcsc.CardGoneError:
            self._inserted_at = None  # gone before we could talk to it: nothing to report
            return
        except (pcsc.CardMuteError, pcsc.CardBusyError) as exc:
            self._failed(exc)
            return
        try:
            identity = read_identity(card.transmit)
        except (pcsc.ServiceGoneError, pcsc.ReaderGoneError):
            raise
        except DeviceError as exc:
            card.disconnect()
            self._failed(self._pulled_out(exc))
            return
        finally:
            card.disconnect()
        self.health.count("cards_read")
        self._reported = self._read = True
        log.info("%s: card read (%s)", self.name, identity.card_type.value)
        self.events.emit(CardRead(identity))

    def _pulled_out(self, error: DeviceError) -> DeviceError:
        """A read that failed because the card left: readers differ in how that shows (vpcd answers
        an empty response with success, CCID readers ``SCARD_W_REMOVED_CARD``, some a status word),
        so the reader's own state is asked, for a moment, whether the card is still there."""
        if isinstance(error, pcsc.CardGoneError):
            return error
        assert self._context is not None and self._reader is not None
        deadline = time.monotonic() + PULLED_WINDOW_S
        while True:
            (state,) = self._context.states([self._reader])
            if not state.present:
                return pcsc.CardGoneError(0, f"card gone after: {error.detail or type(error).__name__}")
            if time.monotonic() >= deadline:
                return error
            time.sleep(0.02)

    def _failed(self, error: DeviceError) -> None:
        self.health.count("failed_reads")
        log.warning("%s: read failed: %s", self.name, error.detail or type(error).__name__)
        self._reported = True
        self.events.emit(ReadFailed(error.message))

    def _end_insertion(self) -> None:
        if self._read:
            self.events.emit(CardRemoved())
        self._inserted_at, self._reported, self._read = None, False, False

    # -- self-test -------------------------------------------------------------------------------

    def _diagnose(self) -> PcscReport:
        from devices.pcsc.diagnostics import snapshot

        return snapshot()

    @on_worker
    def _self_test(self) -> SelfTestResult:
        report = self._diagnose()
        ok = report.service_running and any(self.options.reader in r.reader for r in report.readers)
        if ok:
            message = text(N_("Social security card reader ready."))
        else:
            message = text(NO_READER) if report.service_running else pcsc.ServiceGoneError().message
        return SelfTestResult(self.name, ok, message, report.details())
