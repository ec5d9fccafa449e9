"""Frames from an OpenCV ``VideoCapture``: a device index, a V4L2 path, an RTSP/HTTP URL or a video file."""

from __future__ import annotations

import logging
import os
import time

import cv2
import numpy as np

from devices.camera.base import CameraUnavailableError

log = logging.getLogger(__name__)


def parse_target(target: int | str) -> int | str:
    """``"0"`` -> 0 (a device index); anything else (path, URL) unchanged."""
    if isinstance(target, str) and target.strip().isdigit():
        return int(target.strip())
    return target


def _is_stream_url(target: int | str) -> bool:
    return isinstance(target, str) and "://" in target


class VideoCaptureSource:
    """One ``cv2.VideoCapture``; used from one thread (the feed's).

    ``width``/``height``/``fps``: asked of the camera on open (0: leave as is; cameras pick the
    nearest mode they have). ``fourcc`` (e.g. ``"MJPG"``) lets USB cameras deliver full resolution
    at full rate. A video file is played at its own frame rate when ``realtime`` (the simulator's
    use) and ends like an unplug: the feed reopens it, so it loops.
    """

    def __init__(self, target: int | str, *, width: int = 0, height: int = 0, fps: float = 0.0,
                 fourcc: str = "", realtime: bool = True, open_timeout_s: float = 5.0) -> None:
        self.target = parse_target(target)
        self._width, self._height, self._fps, self._fourcc = width, height, fps, fourcc
        self._realtime = realtime
        self._open_timeout_s = open_timeout_s
        self._cap: cv2.VideoCapture | None = None
        self._is_file = False
        self._frame_interval_s = 0.0
        self._next_due = 0.0

    def __repr__(self) -> str:
        return f"VideoCaptureSource({self.target!r})"

    def open(self) -> None:
        self.close()
        target = self.target
        self._is_file = isinstance(target, str) and not _is_stream_url(target) and not target.startswith("/dev/")
        if self._is_file and not os.path.exists(target):
            raise CameraUnavailableError(detail=f"{target}: no such file")
        if isinstance(target, str) and target.startswith("/dev/") and not os.path.exists(target):
            raise CameraUnavailableError(detail=f"{target}: no such device")
        params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, int(self._open_timeout_s * 1000)]
        cap = cv2.VideoCapture(target, cv2.CAP_ANY, params)
        if not cap.isOpened():
            cap.release()
            raise CameraUnavailableError(detail=f"{target!r}: VideoCapture could not open it")
        if self._fourcc:
            cap.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter_fourcc(*self._fourcc[:4].ljust(4)))
        if self._width:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, self._width)
        if self._height:
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self._height)
        if self._fps:
            cap.set(cv2.CAP_PROP_FPS, self._fps)
        if not self._is_file:
            cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # a live camera: keep the driver's queue short
        file_fps = cap.get(cv2.CAP_PROP_FPS) if self._is_file else 0.0
        self._frame_interval_s = 1.0 / file_fps if self._realtime and file_fps and file_fps < 1000 else 0.0
        self._next_due = time.monotonic()
        self._cap = cap

    def read(self, timeout_s: float) -> np.ndarray | None:
        cap = self._cap
        if cap is None:
            raise CameraUnavailableError(detail="not open")
        if self._frame_interval_s:
            delay = self._next_due - time.monotonic()
            if delay > 0:
                time.sleep(min(delay, timeout_s))
            self._next_due = max(self._next_due + self._frame_interval_s, time.monotonic() - self._frame_interval_s)
        ok, frame = cap.read()
        if not ok or frame is None:
            # For a file, the end; for a camera or stream, it was unplugged or dropped. Either way the
            # feed reopens us. (V4L2 blocks in read() until its own timeout, then returns False.)
            raise CameraUnavailableError(detail=f"{self.target!r}: {'end of file' if self._is_file else 'no frame'}")
        if frame.ndim == 2:
            frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
        return frame

    def close(self) -> None:
        cap, self._cap = self._cap, None
        if cap is not None:
            try:
                cap.release()
            except Exception:  # never raise from close
                log.debug("release failed", exc_info=True)
