"""The camera loop: a real video file (cv2.VideoWriter), newest frame only, once per presentation, reconnect."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from devices.camera.base import CameraUnavailableError, FeedState
from devices.camera.capture import VideoCaptureSource
from devices.camera.feed import CameraFeed
from devices.camera.sim import SimFrameSource, synthetic_page
from devices.health import DeviceState
from devices.qr.base import PresentationTracker
from devices.qr.camera import CameraQrScanner, SimCameraQrScannerOptions
from devices.registry import build_device, validate_options
from entry.bench.qr_corpus import qr_matrix, render

A = "OTR1:SQ2026112700042"
B = "ZLBID1:ZLB-Q5M2K7XP4DWR8N3TY6HJ9VCB"
W, H = 640, 480


def frame_with(code_text: str | None) -> np.ndarray:
    frame = np.full((H, W, 3), 170, np.uint8)
    if code_text:
        code = render(qr_matrix(code_text, "utf-8", False, "M"), 5.0)
        y, x = (H - code.shape[0]) // 2, (W - code.shape[1]) // 2
        frame[y:y + code.shape[0], x:x + code.shape[1]] = code[:, :, None]
    return frame


def write_video(path: Path, scenes: list[tuple[str | None, int]], fps: float = 50.0) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (W, H))
    assert writer.isOpened()
    for text, frames in scenes:
        image = frame_with(text)
        for _ in range(frames):
            writer.write(image)
    writer.release()
    return path


def wait_for(condition, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


class Recorder:
    def __init__(self, scanner) -> None:
        self.texts: list[str] = []
        self.states: list[DeviceState] = []
        self._lock = threading.Lock()
        scanner.events.subscribe(self._code)
        scanner.health.subscribe(lambda h: self.states.append(h.state))

    def _code(self, event) -> None:
        with self._lock:
            self.texts.append(event.text)


@pytest.fixture
def scanners():
    started = []
    yield started
    for scanner in started:
        scanner.stop()


def test_each_presentation_is_reported_once_and_the_file_end_reconnects(tmp_path, scanners):
    video = write_video(tmp_path / "hall.avi", [(A, 25), (None, 25), (A, 25), (B, 25), (None, 10)])
    scanner = CameraQrScanner("qr", VideoCaptureSource(str(video)), gone_after_s=0.2, reconnect_interval_s=0.05)
    recorder = Recorder(scanner)
    scanners.append(scanner)
    scanner.start()
    # The end of the file reads like an unplug: the feed reopens it and the codes come round again.
    wait_for(lambda: len(recorder.texts) >= 4)
    assert recorder.texts[:4] == [A, A, B, A]
    assert scanner.feed.reconnects >= 1
    assert DeviceState.OFFLINE in recorder.states and recorder.states[-1] is DeviceState.READY
    # It decoded fewer frames than the file has: it only ever takes the newest.
    assert scanner.frames_decoded <= scanner.feed.latest().seq


def test_a_missing_source_is_offline_until_it_appears(tmp_path, scanners):
    video = tmp_path / "later.avi"
    scanner = CameraQrScanner("qr", VideoCaptureSource(str(video)), gone_after_s=0.2, reconnect_interval_s=0.05)
    recorder = Recorder(scanner)
    scanners.append(scanner)
    scanner.start()
    wait_for(lambda: scanner.health.snapshot().reason is not None)
    assert scanner.health.state is DeviceState.OFFLINE
    assert scanner.health.snapshot().reason.render("en") == "The QR code camera is not connected."
    assert not scanner.self_test(timeout_s=5).ok
    write_video(tmp_path / "tmp.avi", [(B, 30)]).rename(video)
    wait_for(lambda: B in recorder.texts)
    assert scanner.health.state is DeviceState.READY
    assert scanner.self_test(timeout_s=5).ok


def test_unplugged_mid_stream_then_plugged_back(tmp_path, scanners):
    video = write_video(tmp_path / "cam.avi", [(A, 40), (None, 10)])
    scanner = CameraQrScanner("qr", VideoCaptureSource(str(video)), gone_after_s=0.1, reconnect_interval_s=0.05)
    recorder = Recorder(scanner)
    scanners.append(scanner)
    scanner.start()
    wait_for(lambda: A in recorder.texts)
    away = video.rename(tmp_path / "away.avi")
    wait_for(lambda: scanner.feed.state is FeedState.UNAVAILABLE and scanner.health.state is DeviceState.OFFLINE)
    seen = len(recorder.texts)
    away.rename(video)
    wait_for(lambda: len(recorder.texts) > seen)
    assert recorder.texts[-1] == A and scanner.health.state is DeviceState.READY


class CountingSource:
    """A camera that makes frames as fast as asked, each stamped with its number."""

    def __init__(self) -> None:
        self.count = 0

    def open(self) -> None:
        pass

    def read(self, timeout_s: float) -> np.ndarray:
        self.count += 1
        frame = np.zeros((480, 640, 3), np.uint8)
        frame[0, 0, 0] = self.count % 256
        time.sleep(0.001)
        return frame

    def close(self) -> None:
        pass


def test_a_slow_consumer_gets_the_newest_frame_and_stale_ones_are_dropped():
    with CameraFeed(CountingSource(), preview_width=160) as feed:
        first = feed.wait_next(0, timeout_s=5)
        assert first is not None
        wait_for(lambda: feed.latest().seq >= first.seq + 5)
        second = feed.wait_next(first.seq, timeout_s=5)
        assert second.seq >= first.seq + 5  # the frames in between were never handed out
        assert second.image[0, 0, 0] == second.seq % 256
        preview = feed.preview()
        assert preview.shape[1] == 160 and preview is feed.preview()  # made on the feed thread, not on call
        assert feed.state is FeedState.STREAMING
    assert feed.state is FeedState.STOPPED


class FlakySource(CountingSource):
    """Unplugged after every 3 frames; plugged back on the next open."""

    def __init__(self) -> None:
        super().__init__()
        self.opens = 0

    def open(self) -> None:
        self.opens += 1

    def read(self, timeout_s: float) -> np.ndarray:
        if self.count and self.count % 3 == 0 and self.count // 3 >= self.opens:
            raise CameraUnavailableError(detail="unplugged")
        return super().read(timeout_s)


def test_the_feed_reconnects_after_every_unplug():
    source = FlakySource()
    states = []
    feed = CameraFeed(source, reconnect_interval_s=0.01)
    feed.events.subscribe(lambda e: states.append(e.state))
    with feed:
        wait_for(lambda: feed.reconnects >= 3)
    assert states.count(FeedState.UNAVAILABLE) >= 3
    assert states[-1] is FeedState.STOPPED


def test_presentation_tracker_counts_only_missing_frames():
    tracker = PresentationTracker(gone_after_s=1.0)
    assert tracker.update([A], now=0.0) == [A]
    assert tracker.update([A], now=0.5) == []
    assert tracker.update([], now=1.0) == []          # a blurred frame or two
    assert tracker.update([A, B], now=1.2) == [B]     # A was seen 0.7 s ago: still the same presentation
    assert tracker.update([], now=3.0) == []          # both gone now
    assert tracker.update([B], now=3.1) == [B]        # shown again: reported again
    assert tracker.update([B, B], now=3.2) == []


def test_the_simulated_camera_plays_a_folder_of_images(tmp_path, scanners):
    folder = tmp_path / "frames"
    folder.mkdir()
    cv2.imwrite(str(folder / "1.png"), frame_with(A))
    cv2.imwrite(str(folder / "2.png"), frame_with(None))
    cv2.imwrite(str(folder / "3.png"), frame_with(B))
    # each image stays 0.5 s (25 frames at 50 fps): a loaded machine decoding a frame in 100 ms still sees every
    # image (at 5 frames an image, 0.1 s, B was missed now and then under load 4-8)
    options = validate_options("qr_scanner", "sim_camera", {"folder": "frames", "fps": 50.0, "frames_per_image": 25,
                                                            "gone_after_s": 0.2}, "devices.qr_scanner")
    scanner = build_device("qr_scanner", "sim_camera", options, tmp_path)
    recorder = Recorder(scanner)
    scanners.append(scanner)
    scanner.start()
    wait_for(lambda: len(recorder.texts) >= 3)
    assert recorder.texts[:3] == [A, B, A]
    assert scanner.preview().shape[1] == 320


def test_the_simulated_source_plays_a_video_and_still_draws_a_page(tmp_path):
    video = write_video(tmp_path / "demo.avi", [(A, 3)])
    source = SimFrameSource(video, loop=False)
    source.open()
    frames = [source.read(1.0) for _ in range(3)]
    assert all(f.shape == (H, W, 3) for f in frames)
    with pytest.raises(CameraUnavailableError):
        source.read(1.0)
    source.close()
    drawn = SimFrameSource(None)
    drawn.open()
    assert drawn.read(1.0).shape == synthetic_page().shape


def test_camera_and_serial_drivers_are_in_the_registry(tmp_path):
    camera = validate_options("qr_scanner", "camera", {"source": "/dev/video7", "width": 1920, "height": 1080,
                                                        "fourcc": "MJPG"}, "devices.qr_scanner")
    device = build_device("qr_scanner", "camera", camera, tmp_path)
    assert isinstance(device, CameraQrScanner)
    serial = validate_options("qr_scanner", "serial", {"port": "/dev/ttyUSB3", "baudrate": 115200}, "devices.qr_scanner")
    assert build_device("qr_scanner", "serial", serial, tmp_path).options.baudrate == 115200
    assert isinstance(SimCameraQrScannerOptions(), SimCameraQrScannerOptions)
