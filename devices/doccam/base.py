"""The document camera interface: capture one page as JPEG bytes, and a live view for the screen.

:meth:`DocumentCamera.latest_view` is what a preview on the GUI thread reads: the device's worker
(or the feed's thread) makes each :class:`PreviewView` and swaps it in whole, so reading it takes no
lock that work could hold and never waits on the device.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from common.i18n import N_, Text, text
from devices.base import Device
from devices.errors import DeviceError

if TYPE_CHECKING:
    import numpy as np


MSG_NO_CARD_COPY = N_("This camera cannot copy ID cards. Please scan each side as a page.")


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


class CaptureState(enum.Enum):
    """Where auto-capture stands (see :mod:`devices.doccam.autocapture`)."""

    SEARCHING = "searching"
    STEADYING = "steadying"
    CAPTURE = "capture"      # take the full-resolution picture now (reported once)
    REMOVE = "remove"        # captured: waiting for the page to go or change


@dataclass(frozen=True, eq=False)
class PreviewView:
    """One frame of the live preview and what the camera made of it.

    ``image`` is a downscaled BGR copy (uint8, read-only) owned by this view; ``quad`` the page's
    corners in that image's pixels (top left, top right, bottom right, bottom left) or None when no
    page is seen; ``advice`` what the citizen should do; ``state`` the auto-capture state; ``steady``
    the page is found, still and sharp (ready, or being captured); ``auto_capture`` whether the
    device takes the picture by itself; ``seq`` the frame's number in the feed; ``at`` when the page
    was looked for (``time.monotonic()``).
    """

    image: np.ndarray = field(repr=False)
    quad: np.ndarray | None
    advice: Text
    state: CaptureState
    steady: bool
    auto_capture: bool
    seq: int
    at: float


class DocumentCamera(Device):
    kind = "document_camera"

    def latest_view(self) -> PreviewView | None:
        """The newest live view, or None when there is none (no camera, not streaming, no preview).

        Any thread, never blocks: it returns what was last computed and never calls the worker.
        Asking also tells the device that a preview is being watched (see the driver)."""
        return None

    def capture(self, timeout_s: float | None = None) -> CapturedPage:
        return self._worker.call(self._capture, timeout_s=timeout_s or self.call_timeouts.capture_s)

    def capture_card(self, timeout_s: float | None = None) -> Any:
        """One side of an ID card laid on the desk, flattened to true size (an image for :meth:`id_card_copy`)."""
        raise CaptureError(text(MSG_NO_CARD_COPY))

    def id_card_copy(self, front: Any, back: Any) -> CapturedPage:
        """Both sides of an ID card on one A4 page at true size (the copy a counter makes)."""
        raise CaptureError(text(MSG_NO_CARD_COPY))

    def _capture(self) -> CapturedPage:
        raise NotImplementedError
