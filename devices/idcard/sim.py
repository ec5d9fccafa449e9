"""A simulated reader: a card is placed and removed on command; faults on command."""

from __future__ import annotations

import time
from dataclasses import dataclass

from devices.base import FaultInjection
from devices.health import DeviceState, SelfTestResult
from devices.idcard.base import CardRead, CardRemoved, IdCardError, IdCardReader, ReadFailed
from devices.idcard.samples import SAMPLES, sample_identity
from devices.worker import on_worker
from kiosk.i18n import text


@dataclass(frozen=True)
class SimIdReaderOptions:
    read_delay_s: float = 0.05


class SimIdReader(IdCardReader, FaultInjection):
    faults = ("read_error", "unplugged", "slow")

    def __init__(self, name: str = "id_reader", options: SimIdReaderOptions = SimIdReaderOptions()) -> None:
        IdCardReader.__init__(self, name)
        FaultInjection.__init__(self)
        self._options = options
        self._placed: str | None = None
        self._reported = False

    # Commands (any thread).
    def place_card(self, sample: str = "resident") -> None:
        if sample not in SAMPLES:
            raise ValueError(f"unknown sample card {sample!r}; known: {', '.join(SAMPLES)}")
        self._worker.submit(self._place, sample)

    def remove_card(self) -> None:
        self._worker.submit(self._place, None)

    @on_worker
    def _place(self, sample: str | None) -> None:
        if sample is not None and self._placed is not None and self._reported:
            self._reported = False  # a new placement without a removal in between: report the removal first
            self.events.emit(CardRemoved())
        self._placed = sample
        if sample is not None:
            self._reported = False

    @on_worker
    def _open(self) -> None:
        self.health.set_state(DeviceState.READY)

    @on_worker
    def _poll(self) -> None:
        if self.fault("unplugged"):
            self.health.set_state(DeviceState.OFFLINE, text("The ID card reader is not connected."))
            return
        if self.health.state is DeviceState.OFFLINE:
            self.health.set_state(DeviceState.READY)
        if self._placed is None:
            if self._reported:
                self._reported = False
                self.events.emit(CardRemoved())
            return
        if self._reported:
            return
        self._reported = True
        self.health.set_state(DeviceState.BUSY)
        try:
            time.sleep(2.0 if self.fault("slow") else self._options.read_delay_s)
            if self.fault("read_error"):
                self.clear("read_error")
                raise IdCardError()
            identity = sample_identity(self._placed)
        except IdCardError as exc:
            self.health.count("read_errors")
            self.events.emit(ReadFailed(exc.message))
        else:
            self.health.count("cards_read")
            self.events.emit(CardRead(identity))
        finally:
            self.health.set_state(DeviceState.READY)

    @on_worker
    def _self_test(self) -> SelfTestResult:
        if self.fault("unplugged"):
            return SelfTestResult(self.name, False, text("The ID card reader is not connected."))
        return SelfTestResult(self.name, True, text("Simulated ID card reader is ready."))
