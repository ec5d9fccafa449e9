"""The simulated social security card reader: the real PC/SC driver over a simulated PC/SC context.

:class:`PcscSsCardReader` runs unchanged; only its context is this module's, one reader whose card
answers from :class:`~devices.sscard.model.SsCardModel` (the APDUs the driver sends are the ones a
real card gets). ``place_card``, ``remove_card`` and ``inject`` drive it, as the demo's keys and the
journey tests do. The tests of the driver itself run against a real ``pcscd`` with vpcd
(tests/pcsc_rig.py); this is for the demo and the journeys, which need no PC/SC service.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from smartcard import scard

from devices.base import FaultInjection
from devices.pcsc import scard as pcsc
from devices.pcsc.diagnostics import PcscReport, ReaderReport
from devices.pcsc.virtual_card import MODEL_ATR
from devices.sscard.model import Answer, SsCardModel
from devices.sscard.pcsc_reader import PcscSsCardReader, PcscSsCardReaderOptions
from devices.sscard.samples import sample_card

READER = "OneTrip simulated PC/SC reader 00 00"


@dataclass(frozen=True)
class SimSsCardReaderOptions:
    poll_interval_s: float = 0.1
    settle_s: float = 0.1
    answer: str = "get_response"    # how the card hands out data: direct, get_response (61xx) or wrong_le (6Cxx)

    def __post_init__(self) -> None:
        if self.answer not in {a.value for a in Answer}:
            raise ValueError(f"answer: expected one of {', '.join(a.value for a in Answer)}, got {self.answer!r}")


class _Slot(FaultInjection):
    """The simulated reader's slot, shared by every context made on it."""

    faults = ("service_down", "unplugged", "pulled_mid_read", "error_card")

    def __init__(self, answer: Answer) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.answer = answer
        self.model: SsCardModel | None = None
        self.events = 0                  # PC/SC's event counter, in the state's high 16 bits


class _SimCard:
    def __init__(self, slot: _Slot) -> None:
        self._slot = slot
        self._sent = 0

    def transmit(self, command: bytes) -> bytes:
        slot = self._slot
        with slot.lock:
            model = slot.model
            self._sent += 1
            if model is None or (slot.fault("pulled_mid_read") and self._sent > 3):
                slot.model = None
                slot.events += 1
                raise pcsc.CardGoneError(scard.SCARD_W_REMOVED_CARD, "SCardTransmit")
            if slot.fault("error_card"):
                return b"\x6f\x00"
            return model(command)

    def disconnect(self) -> None:
        pass


class _SimContext:
    def __init__(self, slot: _Slot) -> None:
        if slot.fault("service_down"):
            raise pcsc.ServiceGoneError(scard.SCARD_E_NO_SERVICE, "SCardEstablishContext")
        self._slot = slot

    def _check(self) -> None:
        if self._slot.fault("service_down"):
            raise pcsc.ServiceGoneError(scard.SCARD_E_INVALID_HANDLE, "SCardListReaders")

    def readers(self) -> list[str]:
        self._check()
        return [] if self._slot.fault("unplugged") else [READER]

    def states(self, readers: list[str]) -> list[pcsc.ReaderState]:
        self._check()
        with self._slot.lock:
            present = self._slot.model is not None
            bits = (scard.SCARD_STATE_PRESENT if present else scard.SCARD_STATE_EMPTY) | (self._slot.events << 16)
        return [pcsc.ReaderState(r, bits, MODEL_ATR if present else b"") for r in readers]

    def connect(self, reader: str) -> _SimCard:
        self._check()
        with self._slot.lock:
            if self._slot.model is None:
                raise pcsc.CardGoneError(scard.SCARD_E_NO_SMARTCARD, "SCardConnect")
        return _SimCard(self._slot)

    def release(self) -> None:
        pass


class SimSsCardReader(PcscSsCardReader):
    faults = _Slot.faults

    def __init__(self, name: str = "ss_card_reader", options: SimSsCardReaderOptions = SimSsCardReaderOptions()) -> None:
        self._slot = _Slot(Answer(options.answer))
        super().__init__(name, PcscSsCardReaderOptions(poll_interval_s=options.poll_interval_s,
                                                       settle_s=options.settle_s, reconnect_interval_s=0.3),
                         context=lambda: _SimContext(self._slot))

    # Commands (any thread), as the demo and the tests use them.
    def place_card(self, sample: str = "resident") -> None:
        with self._slot.lock:
            self._slot.model = SsCardModel(sample_card(sample), answer=self._slot.answer)
            self._slot.events += 1

    def remove_card(self) -> None:
        with self._slot.lock:
            self._slot.model = None
            self._slot.events += 1

    def inject(self, fault: str) -> None:
        self._slot.inject(fault)

    def _diagnose(self) -> PcscReport:
        if self._slot.fault("service_down"):
            return PcscReport(False, "not running: simulated", ())
        if self._slot.fault("unplugged"):
            return PcscReport(True, "running (simulated)", ())
        with self._slot.lock:
            present = self._slot.model is not None
        return PcscReport(True, "running (simulated)", (ReaderReport(
            READER, ("present",) if present else ("empty",), MODEL_ATR if present else b""),))
