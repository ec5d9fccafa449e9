"""Camera frame sources and the feed that shares them (QR scanner, document camera).

Two layers:

- A :class:`FrameSource` is the raw, blocking camera: ``open()``, ``read()`` one frame, ``close()``.
  It is used by one thread only. Implementations: ``devices.camera.capture.VideoCaptureSource``
  (an OpenCV ``VideoCapture``: device index, V4L2 path, RTSP/HTTP URL or video file) and
  ``devices.camera.sim.SimFrameSource`` (a folder of images, a video file, or a drawn page).
- A :class:`CameraFeed` (``devices.camera.feed.CameraFeed``) runs a source on its own thread and
  keeps only the newest frame: stale frames are dropped, never queued. Consumers take the
  full-resolution newest frame on demand (:meth:`CameraFeed.latest`, :meth:`CameraFeed.wait_next`)
  or a small preview made on the feed's thread (:meth:`CameraFeed.preview`), so the GUI thread
  never resizes a frame. When the source fails (unplugged, stream dropped, file ended) the feed
  closes it and reopens it every ``reconnect_interval_s`` until it works again, reporting each
  state change to its listeners.

A document camera uses it like this (on its own device worker)::

    feed = CameraFeed(VideoCaptureSource("/dev/video2", width=2592, height=1944), name="doccam")
    feed.start()
    frame = feed.wait_next(after_seq=0, timeout_s=2.0)   # the newest full-resolution frame
    jpeg = cv2.imencode(".jpg", frame.image)[1]
    small = feed.preview()                               # BGR, at most preview_width wide
    feed.stop()

Frames are BGR ``uint8`` arrays of shape (h, w, 3). A frame handed out is never written to again
by the feed (a new array is made for each frame), so a consumer may keep it without copying, but
must not modify it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from devices.errors import DeviceError, DeviceOfflineError
from common.i18n import N_


class CameraUnavailableError(DeviceOfflineError):
    """The camera cannot be opened or stopped delivering (unplugged, stream down, file gone)."""

    default = N_("The camera is not connected.")


class CameraError(DeviceError):
    default = N_("The camera is not working right now.")


class FrameSource(Protocol):
    """A blocking camera, used by one thread at a time.

    - ``open()`` raises :class:`CameraUnavailableError` when the camera is not there.
    - ``read(timeout_s)`` returns the next BGR frame, or ``None`` when none came in time
      (a transient gap); it raises :class:`CameraUnavailableError` when the camera is gone
      (the feed then closes and reopens it).
    - ``close()`` is idempotent and never raises.
    """

    def open(self) -> None: ...
    def read(self, timeout_s: float) -> np.ndarray | None: ...
    def close(self) -> None: ...


@dataclass(frozen=True)
class Frame:
    """One frame of a feed: ``seq`` counts up from 1 for every frame the source delivered."""

    image: np.ndarray = field(repr=False)
    seq: int
    timestamp: float  # time.monotonic() when it was read

    @property
    def size(self) -> tuple[int, int]:
        return self.image.shape[1], self.image.shape[0]


class FeedState(enum.Enum):
    STOPPED = "stopped"
    CONNECTING = "connecting"  # opening the source (first time or after a failure)
    STREAMING = "streaming"
    UNAVAILABLE = "unavailable"  # the source failed; retrying every reconnect_interval_s


@dataclass(frozen=True)
class FeedStateChanged:
    state: FeedState
    reason: str = ""  # technical detail for the log, not for citizens
