"""A QR scanner that is a camera: frames from a :class:`CameraFeed`, decoded on the device worker."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from devices.camera.base import FeedState, FeedStateChanged, FrameSource
from devices.camera.capture import VideoCaptureSource
from devices.camera.feed import CameraFeed
from devices.camera.sim import SimFrameSource
from devices.health import DeviceState, SelfTestResult
from devices.qr.base import CodeScanned, PresentationTracker, QrScanner
from devices.qr.tracking import TrackingDecoder
from devices.worker import on_worker
from common.i18n import text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CameraQrScannerOptions:
    source: str = "0"              # device index, V4L2 path (/dev/video0), rtsp:// or http:// URL, or a video file
    width: int = 1280              # asked of the camera; 0 leaves its default
    height: int = 720
    fps: float = 0.0
    fourcc: str = ""               # e.g. "MJPG" for full rate at full resolution on USB cameras
    gone_after_s: float = 1.0      # a code missing this long counts as taken away (then reported again)
    reconnect_interval_s: float = 1.0
    preview_width: int = 320


@dataclass(frozen=True)
class SimCameraQrScannerOptions:
    folder: str = ""               # a folder of images or a video file; empty: a drawn page (no code)
    fps: float = 10.0
    frames_per_image: int = 10     # each image of a folder stays in view this many frames
    gone_after_s: float = 0.5
    preview_width: int = 320


class CameraQrScanner(QrScanner):
    """Decodes only the newest frame (older ones are dropped by the feed), reports each code once
    per presentation, and follows the feed's state: offline while the camera is unplugged, ready
    again when the feed has reconnected."""

    def __init__(self, name: str, source: FrameSource, *, gone_after_s: float = 1.0,
                 reconnect_interval_s: float = 1.0, preview_width: int = 320, read_timeout_s: float = 1.0) -> None:
        super().__init__(name, poll_interval_s=0.005)
        self.feed = CameraFeed(source, name=name, reconnect_interval_s=reconnect_interval_s,
                               preview_width=preview_width, read_timeout_s=read_timeout_s)
        self.feed.events.subscribe(self._on_feed)
        self._tracker = PresentationTracker(gone_after_s)
        self._decoder = TrackingDecoder()
        self._last_seq = 0
        self.frames_decoded = 0

    @classmethod
    def from_options(cls, name: str, o: CameraQrScannerOptions) -> "CameraQrScanner":
        source = VideoCaptureSource(o.source, width=o.width, height=o.height, fps=o.fps, fourcc=o.fourcc)
        return cls(name, source, gone_after_s=o.gone_after_s, reconnect_interval_s=o.reconnect_interval_s,
                   preview_width=o.preview_width)

    @classmethod
    def simulated(cls, name: str, o: SimCameraQrScannerOptions, data_dir: Path | None = None) -> "CameraQrScanner":
        folder = Path(o.folder).expanduser() if o.folder else None
        if folder is not None and not folder.is_absolute() and data_dir is not None:
            folder = data_dir / folder
        source = SimFrameSource(folder, fps=o.fps, frames_per_image=o.frames_per_image)
        return cls(name, source, gone_after_s=o.gone_after_s, preview_width=o.preview_width)

    def preview(self) -> np.ndarray | None:
        return self.feed.preview()

    def _on_feed(self, event: FeedStateChanged) -> None:  # on the feed's thread
        if event.state == FeedState.STREAMING:
            self.health.set_state(DeviceState.READY)
        elif event.state == FeedState.UNAVAILABLE:
            self.health.count("camera_lost")
            self.health.set_state(DeviceState.OFFLINE, text("The QR code camera is not connected."))

    @on_worker
    def _open(self) -> None:
        self.feed.start()

    @on_worker
    def _close(self) -> None:
        self.feed.stop()

    @on_worker
    def _poll(self) -> None:
        frame = self.feed.wait_next(self._last_seq, timeout_s=0.1)
        if frame is None:
            return
        self._last_seq = frame.seq
        results = self._decoder.decode(frame.image)
        self.frames_decoded += 1
        by_text = {r.text: r for r in results}
        for new in self._tracker.update(list(by_text), now=frame.timestamp):
            result = by_text[new]
            self.health.count("codes_scanned")
            self.events.emit(CodeScanned(result.text, result.raw, result.corners, source="camera"))

    @on_worker
    def _self_test(self) -> SelfTestResult:
        frame = self.feed.wait_next(self._last_seq, timeout_s=2.0) or self.feed.latest()
        if frame is None or time.monotonic() - frame.timestamp > 3.0:
            return SelfTestResult(self.name, False, text("The QR code camera is not connected."))
        width, height = frame.size
        return SelfTestResult(self.name, True, text("The QR code camera is working."),
                              {"resolution": f"{width}x{height}", "reconnects": str(self.feed.reconnects)})
