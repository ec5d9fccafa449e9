"""The document camera interface: capture one page as JPEG bytes."""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.i18n import N_
from devices.base import Device
from devices.errors import DeviceError


class CaptureError(DeviceError):
    default = N_("The page could not be captured. Please lay it flat under the camera and try again.")


@dataclass
class CapturedPage:
    jpeg: bytearray = field(repr=False)
    width: int
    height: int

    def wipe(self) -> None:
        self.jpeg[:] = b"\x00" * len(self.jpeg)
        del self.jpeg[:]


class DocumentCamera(Device):
    kind = "document_camera"

    def capture(self, timeout_s: float = 10.0) -> CapturedPage:
        return self._worker.call(self._capture, timeout_s=timeout_s)

    def _capture(self) -> CapturedPage:
        raise NotImplementedError
