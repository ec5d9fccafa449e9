"""The document camera interface: capture one page as JPEG bytes."""

from __future__ import annotations

from dataclasses import dataclass, field

from common.i18n import N_, Text
from devices.base import Device
from devices.errors import DeviceError


class CaptureError(DeviceError):
    default = N_("The page could not be captured. Please lay it flat under the camera and try again.")


@dataclass
class CapturedPage:
    """One captured page: JPEG bytes (a bytearray, so :meth:`wipe` can zero it) and what it is.

    ``dpi`` is the page's effective resolution (0 when the page was not found and the whole frame
    was kept); ``mode`` the enhancement; ``advice`` what the user could fix for a better copy.
    """

    jpeg: bytearray = field(repr=False)
    width: int
    height: int
    dpi: float = 0.0
    mode: str = ""
    sharpness: float = 0.0
    glare: float = 0.0
    rotated: int = 0                  # degrees turned clockwise to make it upright
    marked: bool = False              # carries the clerk's verification mark
    advice: list[Text] = field(default_factory=list)

    @property
    def size_mm(self) -> tuple[float, float]:
        if not self.dpi:
            return (0.0, 0.0)
        return (self.width / self.dpi * 25.4, self.height / self.dpi * 25.4)

    def wipe(self) -> None:
        self.jpeg[:] = b"\x00" * len(self.jpeg)
        del self.jpeg[:]


class DocumentCamera(Device):
    kind = "document_camera"

    def capture(self, timeout_s: float = 10.0) -> CapturedPage:
        return self._worker.call(self._capture, timeout_s=timeout_s)

    def _capture(self) -> CapturedPage:
        raise NotImplementedError
