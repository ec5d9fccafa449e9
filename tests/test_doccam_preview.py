"""The document camera's live view (DocumentCamera.latest_view) without Qt: computed by the worker
once a preview asks, with or without auto-capture; None from the late wrapper until its driver exists."""

from __future__ import annotations

import threading
import time

from devices.doccam.base import CaptureState, PreviewView
from devices.doccam.camera import CameraDocumentCameraOptions, PageCaptured
from devices.doccam.late import LateDocumentCamera
from devices.doccam.sim import SimDocumentCamera
from devices.registry import build_device


def wait_for(condition, timeout_s: float = 15.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def test_the_late_camera_has_no_view_until_its_driver_exists_then_the_driver_s(tmp_path):
    usable = threading.Event()
    camera = LateDocumentCamera("document_camera", lambda: build_device("document_camera", "sim", {}, tmp_path),
                                after=usable)
    camera.start()
    try:
        assert camera.latest_view() is None
        usable.set()
        view = wait_for(camera.latest_view)
        assert isinstance(view, PreviewView) and view.image.shape == (540, 960, 3)
        assert not view.auto_capture  # the kiosk's simulated camera takes pictures only when asked
    finally:
        camera.stop()


def test_with_auto_capture_the_view_follows_the_page_through_its_capture():
    camera = SimDocumentCamera(options=CameraDocumentCameraOptions(auto_capture=True, still_s=0.3))
    captured = threading.Event()
    camera.events.subscribe(lambda e: captured.set() if isinstance(e, PageCaptured) else None)
    camera.start()
    try:
        states = set()

        def taken():
            view = camera.latest_view()
            if view is not None:
                states.add(view.state)
                assert view.auto_capture and (view.quad is not None or view.state is CaptureState.SEARCHING)
            return captured.is_set() and CaptureState.REMOVE in states

        wait_for(taken, 30)
        assert CaptureState.STEADYING in states
    finally:
        camera.stop()
