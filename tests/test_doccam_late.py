"""The document camera built late (kiosk run): nothing heavy until the terminal is usable, then the
real simulated driver behind the same interface."""

import threading

import pytest

from devices.doccam.late import LateDocumentCamera
from devices.health import DeviceState
from devices.registry import build_device


def test_it_waits_for_the_terminal_then_builds_and_behaves_as_the_driver(tmp_path):
    usable = threading.Event()
    built = []

    def build():
        built.append(build_device("document_camera", "sim", {}, tmp_path))
        return built[-1]

    camera = LateDocumentCamera("document_camera", build, after=usable)
    camera.start()
    try:
        assert camera.health.state is DeviceState.OFFLINE
        assert camera.health.snapshot().reason.render("en") == "The document camera is starting."
        with pytest.raises(AttributeError, match="still starting"):
            camera.inject("unplugged")
        assert built == []  # still waiting for the terminal
        usable.set()
        page = camera.capture(timeout_s=30)  # waits behind the build on the worker
        assert built and page.jpeg[:2] == b"\xff\xd8"
        assert camera.health.state is built[0].health.state
        assert camera.self_test(timeout_s=30).ok
        camera.inject("unplugged")  # a simulator's control, through to the driver
        assert not camera.self_test(timeout_s=30).ok
    finally:
        camera.stop()
