"""A camera feed: one thread reads a frame source and keeps only the newest frame."""

from __future__ import annotations

import logging
import threading
import time

import cv2
import numpy as np

from devices.camera.base import CameraUnavailableError, FeedState, FeedStateChanged, Frame, FrameSource
from devices.events import Listeners

log = logging.getLogger(__name__)


def downscale(image: np.ndarray, max_width: int) -> np.ndarray:
    """``image`` shrunk (area interpolation) to at most ``max_width`` pixels wide; a new array."""
    h, w = image.shape[:2]
    if w <= max_width:
        return image.copy()
    scale = max_width / w
    return cv2.resize(image, (max_width, max(1, round(h * scale))), interpolation=cv2.INTER_AREA)


class CameraFeed:
    """Runs ``source`` on its own thread; hands out the newest frame, a preview, and state changes.

    ``reconnect_interval_s``: how long to wait before reopening a failed source.
    ``max_gaps``: this many consecutive empty reads in a row count as a failure (a camera that
    stays open but delivers nothing). ``preview_width``: the preview's width in pixels, 0 for none.
    """

    def __init__(self, source: FrameSource, *, name: str = "camera", read_timeout_s: float = 1.0,
                 reconnect_interval_s: float = 1.0, max_gaps: int = 5, preview_width: int = 320,
                 min_frame_interval_s: float = 0.0) -> None:
        self.name = name
        self.events: Listeners[FeedStateChanged] = Listeners(f"{name} feed")
        self._source = source
        self._read_timeout_s = read_timeout_s
        self._reconnect_interval_s = reconnect_interval_s
        self._max_gaps = max_gaps
        self._preview_width = preview_width
        self._min_frame_interval_s = min_frame_interval_s
        self._cond = threading.Condition()
        self._frame: Frame | None = None
        self._preview: np.ndarray | None = None
        self._seq = 0
        self._state = FeedState.STOPPED
        self._running = threading.Event()
        self._thread: threading.Thread | None = None
        self.reconnects = 0

    # -- consumers (any thread) ------------------------------------------------------------------
    @property
    def state(self) -> FeedState:
        return self._state

    def latest(self) -> Frame | None:
        """The newest full-resolution frame, or None before the first one."""
        with self._cond:
            return self._frame

    def wait_next(self, after_seq: int, timeout_s: float) -> Frame | None:
        """The newest frame with ``seq > after_seq``, waiting at most ``timeout_s``; None if none came.

        Frames that arrived in between are skipped: a slow consumer always gets the newest one.
        """
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while self._frame is None or self._frame.seq <= after_seq:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._running.is_set():
                    return None
                self._cond.wait(remaining)
            return self._frame

    def preview(self) -> np.ndarray | None:
        """A downscaled copy of the newest frame (BGR), made on the feed's thread; None before one."""
        with self._cond:
            return self._preview

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._running.set()
        self._thread = threading.Thread(target=self._loop, name=f"camera-{self.name}", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        thread = self._thread
        if thread is None:
            return
        self._running.clear()
        with self._cond:
            self._cond.notify_all()
        if thread is not threading.current_thread():
            thread.join(timeout_s)
            if thread.is_alive():
                log.warning("%s: feed did not stop within %.1f s", self.name, timeout_s)
        self._thread = None

    def __enter__(self) -> "CameraFeed":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the feed's thread -----------------------------------------------------------------------
    def _set_state(self, state: FeedState, reason: str = "") -> None:
        if state == self._state:
            return
        log.info("%s: feed %s -> %s%s", self.name, self._state.value, state.value, f" ({reason})" if reason else "")
        self._state = state
        self.events.emit(FeedStateChanged(state, reason))

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while self._running.is_set() and time.monotonic() < deadline:
            time.sleep(min(0.05, max(0.0, deadline - time.monotonic())))

    def _loop(self) -> None:
        first = True
        while self._running.is_set():
            self._set_state(FeedState.CONNECTING)
            try:
                self._source.open()
            except Exception as exc:
                self._source.close()
                self._set_state(FeedState.UNAVAILABLE, str(exc) or type(exc).__name__)
                self._sleep(self._reconnect_interval_s)
                continue
            if not first:
                self.reconnects += 1
            first = False
            reason = self._stream()
            self._source.close()
            if self._running.is_set():
                self._set_state(FeedState.UNAVAILABLE, reason)
                self._sleep(self._reconnect_interval_s)
        self._source.close()
        self._set_state(FeedState.STOPPED)
        with self._cond:
            self._cond.notify_all()

    def _stream(self) -> str:
        """Read frames until the source fails or the feed stops; returns why it ended."""
        gaps = 0
        while self._running.is_set():
            started = time.monotonic()
            try:
                image = self._source.read(self._read_timeout_s)
            except CameraUnavailableError as exc:
                return exc.detail or "camera gone"
            except Exception as exc:  # a driver bug must not kill the thread: treat as unplugged
                log.exception("%s: frame source failed", self.name)
                return f"{type(exc).__name__}: {exc}"
            if image is None or image.size == 0:
                gaps += 1
                if gaps >= self._max_gaps:
                    return f"no frame in {gaps} reads"
                continue
            gaps = 0
            self._set_state(FeedState.STREAMING)
            preview = downscale(image, self._preview_width) if self._preview_width else None
            with self._cond:
                self._seq += 1
                self._frame = Frame(image, self._seq, time.monotonic())
                self._preview = preview
                self._cond.notify_all()
            if self._min_frame_interval_s:
                self._sleep(self._min_frame_interval_s - (time.monotonic() - started))
        return "stopped"
