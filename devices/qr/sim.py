"""A simulated scanner: a code is presented on command."""

from __future__ import annotations

from dataclasses import dataclass

from devices.base import FaultInjection
from devices.health import DeviceState, SelfTestResult
from devices.qr.base import CodeScanned, QrScanner
from devices.worker import on_worker
from common.i18n import text


@dataclass(frozen=True)
class SimQrScannerOptions:
    pass


class SimQrScanner(QrScanner, FaultInjection):
    faults = ("unplugged",)

    def __init__(self, name: str = "qr_scanner") -> None:
        QrScanner.__init__(self, name)
        FaultInjection.__init__(self)

    def present(self, payload: str) -> None:
        self._worker.submit(self._scan, payload)

    @on_worker
    def _scan(self, payload: str) -> None:
        if self.fault("unplugged"):
            self.health.set_state(DeviceState.OFFLINE, text("The QR code scanner is not connected."))
            return
        self.health.count("codes_scanned")
        self.events.emit(CodeScanned(payload, payload.encode("utf-8"), source="sim"))

    @on_worker
    def _open(self) -> None:
        self.health.set_state(DeviceState.READY)

    @on_worker
    def _self_test(self) -> SelfTestResult:
        ok = not self.fault("unplugged")
        return SelfTestResult(self.name, ok, text("Simulated QR code scanner is ready.") if ok
                              else text("The QR code scanner is not connected."))
