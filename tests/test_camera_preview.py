"""The document camera's live preview on screen: the simulated camera (pages on desks drawn in
memory, the real driver and page finder), a frame with the page outlined, the camera pulled out,
a capture that holds the device's worker, and the timer that runs only while the preview is shown."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from devices.doccam.base import CaptureState
from devices.doccam.camera import VIEW_STALE_S, PageCaptured
from devices.doccam.late import LateDocumentCamera
from devices.doccam.sim import SimDocumentCamera
from ui.capture import STEADY, CameraPreview
from ui.theme import Theme, stylesheet


@pytest.fixture
def camera():
    device = SimDocumentCamera()  # auto_capture off, as the kiosk's configuration builds it
    device.start()
    yield device
    device.stop()


@pytest.fixture
def shown(qtbot):
    hosts = []

    def show(preview: CameraPreview) -> CameraPreview:
        host = QWidget()
        QVBoxLayout(host).addWidget(preview)
        qtbot.addWidget(host)
        host.resize(960, 640)
        host.show()
        qtbot.waitExposed(host)
        hosts.append(host)
        return preview

    yield show
    for host in hosts:
        host.hide()


def test_the_preview_shows_the_page_outlined_in_green_once_it_lies_still(camera, shown, qtbot):
    events = []
    camera.events.subscribe(events.append)
    preview = shown(CameraPreview(camera))
    qtbot.waitUntil(lambda: preview.view is not None and preview.view.quad is not None, timeout=10000)
    assert preview.timer.isActive() and not preview.offline
    view = preview.view
    height, width = view.image.shape[:2]
    assert (width, height) == (960, 540) and not view.image.flags.writeable
    assert ((view.quad >= 0) & (view.quad <= (width, height))).all()
    outline = preview.outline()
    box = preview.frame.target()
    assert outline is not None and outline.size() == 4
    assert all(box.adjusted(-1, -1, 1, 1).contains(p) for p in outline)
    assert preview.advice.text()
    # Without auto-capture the page that lies still is shown ready (green), never taken by itself.
    qtbot.waitUntil(lambda: preview.view is not None and preview.view.steady, timeout=10000)
    assert preview.outline_colour() == STEADY
    assert preview.view.state is CaptureState.STEADYING and not preview.view.auto_capture
    assert preview.view.advice.render("en") == "Page found. Keep it still."
    assert not any(isinstance(e, PageCaptured) for e in events)


def test_a_pulled_camera_shows_not_connected_and_comes_back(camera, shown, qtbot):
    preview = shown(CameraPreview(camera))
    qtbot.waitUntil(lambda: preview.frames_shown > 0, timeout=10000)
    with qtbot.waitSignal(preview.offline_changed, timeout=5000) as went:
        camera.inject("unplugged")
    assert went.args == [True] and preview.offline and preview.view is None
    assert preview.frame.message == "高拍仪未连接。" and preview.outline() is None
    with qtbot.waitSignal(preview.offline_changed, timeout=10000) as back:
        camera.inject("clear")
    assert back.args == [False]
    qtbot.waitUntil(lambda: preview.view is not None, timeout=10000)


def test_no_camera_or_one_still_starting_is_shown_as_such(shown, qtbot, tmp_path):
    nothing = shown(CameraPreview(None))
    assert nothing.offline and nothing.frame.message == "高拍仪未连接。"
    starting = LateDocumentCamera("document_camera", SimDocumentCamera, after=threading.Event())
    preview = shown(CameraPreview(starting))  # never started: its driver does not exist
    assert starting.latest_view() is None
    assert preview.offline and preview.frame.message == "高拍仪正在启动。"


def test_a_capture_that_holds_the_worker_does_not_freeze_the_preview(camera, shown, qtbot):
    preview = shown(CameraPreview(camera))
    qtbot.waitUntil(lambda: preview.view is not None and preview.view.quad is not None, timeout=10000)
    camera.inject("hang")
    result = {}
    capturing = threading.Thread(target=lambda: result.update(page=camera.capture(timeout_s=60)))
    capturing.start()
    try:
        # The worker is held: its last look at the page grows old while the feed's frames keep coming.
        qtbot.waitUntil(lambda: preview.view is not None and time.monotonic() - preview.view.at > 2 * VIEW_STALE_S,
                        timeout=5000)
        frames, looked_at = preview.frames_shown, preview.view.at
        qtbot.waitUntil(lambda: preview.frames_shown >= frames + 5, timeout=5000)
        assert capturing.is_alive() and preview.view.at == looked_at  # still held, yet new frames shown
        assert preview.view.quad is not None and not preview.offline
    finally:
        camera.clear("hang")
        capturing.join(60)
    assert result["page"].jpeg[:2] == b"\xff\xd8"


def test_the_timer_runs_only_while_the_preview_is_shown(camera, shown, qtbot):
    preview = shown(CameraPreview(camera))
    assert preview.timer.isActive()
    preview.parentWidget().hide()
    assert not preview.timer.isActive()
    frames = preview.frames_shown
    preview.parentWidget().show()
    assert preview.timer.isActive()
    qtbot.waitUntil(lambda: preview.frames_shown > frames, timeout=10000)


def test_the_preview_fits_the_window_with_a_title_thumbnails_and_buttons(qtbot, camera, no_application_style):
    heights = {}
    for elderly in (False, True):
        host = QWidget()
        host.setStyleSheet(stylesheet(Theme(elderly=elderly)))
        column = QVBoxLayout(host)
        column.setContentsMargins(48, 32, 48, 32)
        column.setSpacing(16)
        title = QLabel("Lay page 1 of 2 under the camera")
        title.setObjectName("title")
        column.addWidget(title)
        column.addWidget(CameraPreview(camera), 1)
        strip = QHBoxLayout()
        for _ in range(4):
            thumbnail = QLabel()
            thumbnail.setFixedSize(84, 112)
            strip.addWidget(thumbnail)
        column.addLayout(strip)
        buttons = QHBoxLayout()
        for name in ("Back", "Retake", "Take the picture", "Continue"):
            buttons.addWidget(QPushButton(name))
        column.addLayout(buttons)
        qtbot.addWidget(host)
        host.ensurePolished()  # the host's style on every child now, not at the first show
        need = host.minimumSizeHint()
        heights[elderly] = need.height()
        assert need.width() <= 1280 and need.height() <= 800 - 110, (elderly, need)  # header and footer: 110
    assert heights[True] > heights[False]  # large text did apply
