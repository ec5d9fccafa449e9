"""A simulated document camera over the simulated frame source."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2

from devices.base import FaultInjection
from devices.camera.sim import SimFrameSource
from devices.doccam.base import CapturedPage, CaptureError, DocumentCamera
from devices.health import DeviceState, SelfTestResult
from devices.worker import on_worker
from kiosk.i18n import text


@dataclass(frozen=True)
class SimDocumentCameraOptions:
    folder: str = ""  # images of pages on desks; empty: a drawn page


class SimDocumentCamera(DocumentCamera, FaultInjection):
    faults = ("no_frame", "unplugged")

    def __init__(self, name: str = "document_camera", folder: Path | None = None) -> None:
        DocumentCamera.__init__(self, name)
        FaultInjection.__init__(self)
        self._source = SimFrameSource(folder)

    @on_worker
    def _open(self) -> None:
        self._source.open()
        self.health.set_state(DeviceState.READY)

    @on_worker
    def _close(self) -> None:
        self._source.close()

    @on_worker
    def _capture(self) -> CapturedPage:
        if self.fault("unplugged"):
            raise CaptureError(text("The document camera is not connected."))
        frame = None if self.fault("no_frame") else self._source.read(timeout_s=2.0)
        if frame is None:
            raise CaptureError()
        ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 85])
        if not ok:
            raise CaptureError()
        self.health.count("pages_captured")
        return CapturedPage(bytearray(jpeg.tobytes()), frame.shape[1], frame.shape[0])

    @on_worker
    def _self_test(self) -> SelfTestResult:
        ok = not self.fault("unplugged")
        return SelfTestResult(self.name, ok, text("Simulated document camera is ready.") if ok
                              else text("The document camera is not connected."))
