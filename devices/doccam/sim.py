"""A simulated document camera: the real driver over simulated frames.

Without a folder it plays pages on desks drawn in memory (:mod:`devices.doccam.scenes`), each
held still for a while, so auto-capture and the whole capture pipeline run as on a real camera;
with a folder it plays those images (``devices.camera.sim.SimFrameSource``).

Faults: ``unplugged`` pulls the cable (the feed's source fails, the health turns offline, captures
fail at once, the preview has no view) until cleared; ``no_frame`` makes captures fail; ``hang``
makes a capture hold the worker until cleared (callers' timeouts, and a preview that must not
freeze, are tested with it).
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from devices.base import FaultInjection
from devices.camera.base import CameraUnavailableError, FrameSource
from devices.camera.sim import SimFrameSource
from devices.doccam.base import CapturedPage, CaptureError
from devices.doccam.camera import CameraDocumentCamera, CameraDocumentCameraOptions
from devices.doccam.scenes import render_scene
from devices.health import SelfTestResult
from devices.worker import on_worker
from common.i18n import text


@dataclass(frozen=True)
class SimDocumentCameraOptions:
    folder: str = ""  # images of pages on desks; empty: pages on desks drawn in memory
    mode: str = "colour"
    auto_capture: bool = False
    still_s: float = 1.0  # how long a page lies still before it is taken (the camera driver's own option)
    page_s: float = 2.0  # how long the simulated hand leaves each drawn page under the camera

    def __post_init__(self) -> None:
        if not 0.0 <= self.still_s <= 30.0:
            raise ValueError(f"still_s: {self.still_s} is not between 0 and 30 seconds")
        if not 0.2 <= self.page_s <= 60.0:
            raise ValueError(f"page_s: {self.page_s} is not between 0.2 and 60 seconds")


SCENE_FPS = 15.0


@functools.lru_cache(maxsize=8)
def _scene(seed: int, size: tuple[int, int]) -> np.ndarray:
    """A calm desk for the simulator (a still, sharp page, as a citizen lays it), drawn once per
    process: every simulated camera of a process (a test run opens hundreds) shows the same pages."""
    frame = render_scene(seed, size, background=("wood", "light_grey", "dark_mat")[seed % 3], calm=True).frame
    frame.setflags(write=False)  # shared: a reader gets a copy
    return frame


class SceneFrameSource:
    """Pages on desks drawn in memory from seeds, each shown for ``frames_per_page`` reads."""

    def __init__(self, seeds: tuple[int, ...] = (3, 8, 14), size: tuple[int, int] = (1920, 1080),
                 frames_per_page: int = 30, fps: float = 15.0) -> None:
        self._seeds, self._size, self._per = seeds, size, frames_per_page
        self._n = 0
        self._interval_s = 1.0 / fps if fps > 0 else 0.0
        self._next_due = 0.0

    def open(self) -> None:
        self._n = 0
        # Every page drawn before the first frame, as a real camera's scene is there when it opens.
        # Drawn at each page's first frame instead, mid-stream, each drawing (about 0.3 s of CPU, most
        # of it PIL's text) held the interpreter away from the terminal's GUI thread for tens of ms.
        for seed in self._seeds:
            _scene(seed, self._size)
        self._next_due = time.monotonic()

    def read(self, timeout_s: float) -> np.ndarray | None:
        # Paced like a real camera (a 1080p document camera gives about 15 frames a second): unpaced,
        # the feed thread copied a 6 MB frame as fast as it could and kept a core busy.
        delay = self._next_due - time.monotonic()
        if delay > 0:
            time.sleep(min(delay, timeout_s))
        self._next_due = max(self._next_due + self._interval_s, time.monotonic() - self._interval_s)
        seed = self._seeds[(self._n // self._per) % len(self._seeds)]
        self._n += 1
        return _scene(seed, self._size).copy()

    def close(self) -> None:
        pass  # the scenes are the simulator's world, not anything a citizen laid down: kept


class Cable:
    """A frame source behind a cable that can be pulled: while ``pulled()`` it fails as an unplugged
    camera does (the feed closes it, reports it unavailable and tries again)."""

    def __init__(self, source: FrameSource, pulled: Callable[[], bool]) -> None:
        self._source, self._pulled = source, pulled

    def open(self) -> None:
        if self._pulled():
            raise CameraUnavailableError(detail="simulated: unplugged")
        self._source.open()

    def read(self, timeout_s: float) -> np.ndarray | None:
        if self._pulled():
            raise CameraUnavailableError(detail="simulated: unplugged")
        return self._source.read(timeout_s)

    def close(self) -> None:
        self._source.close()


HANG_LIMIT_S = 60.0  # a hung capture gives up after this long even if nobody clears the fault


class SimDocumentCamera(CameraDocumentCamera, FaultInjection):
    faults = ("no_frame", "unplugged", "hang")

    def __init__(self, name: str = "document_camera", folder: Path | None = None,
                 options: CameraDocumentCameraOptions | None = None, source: FrameSource | None = None,
                 page_s: float = 2.0) -> None:
        FaultInjection.__init__(self)
        if source is None:
            source = SimFrameSource(folder) if folder is not None else SceneFrameSource(
                frames_per_page=max(2, round(page_s * SCENE_FPS)), fps=SCENE_FPS)
        CameraDocumentCamera.__init__(self, name, options or CameraDocumentCameraOptions(auto_capture=False),
                                      Cable(source, lambda: self.fault("unplugged")))

    @on_worker
    def _capture(self) -> CapturedPage:
        deadline = time.monotonic() + HANG_LIMIT_S
        while self.fault("hang") and time.monotonic() < deadline:
            time.sleep(0.02)
        if self.fault("unplugged"):
            raise CaptureError(text("The document camera is not connected."))
        if self.fault("no_frame"):
            raise CaptureError()
        return super()._capture()

    @on_worker
    def _self_test(self) -> SelfTestResult:
        ok = not self.fault("unplugged")
        return SelfTestResult(self.name, ok, text("Simulated document camera is ready.") if ok
                              else text("The document camera is not connected."))
