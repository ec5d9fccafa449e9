"""A device held by a call that never returns (kiosk/held_devices.py): how long its worker has been held, the device
marked in error for staff and the hall while it is, its health put back once it lets go. The supervisor's side:
tests/test_supervisor.py; the beat that says so: tests/test_signs_of_life.py."""

from __future__ import annotations

import threading
import time

import pytest

from devices.doccam.late import LateDocumentCamera
from devices.doccam.sim import SimDocumentCamera
from devices.errors import DeviceTimeoutError
from common.i18n import text
from devices.health import DeviceState, HealthTracker
from devices.worker import DeviceWorker
from kiosk.heartbeat import Heartbeat
from devices.call_timeouts import CallTimeouts
from kiosk.held_devices import MSG_HELD, HeldDevices, held_bound_s


def wait_for(what, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not what():
        assert time.monotonic() < deadline, "not in time"
        time.sleep(0.02)


def test_a_worker_says_how_long_its_running_job_has_run_and_nothing_between_jobs():
    worker = DeviceWorker("slow")
    worker.start()
    try:
        assert worker.held_s() == 0.0
        release = threading.Event()
        job = worker.submit(release.wait, 10)
        wait_for(lambda: worker.held_s() > 0)
        assert worker.held_s(time.monotonic() + 100) >= 100
        release.set()
        assert job.result(timeout=5) is True
        wait_for(lambda: worker.held_s() == 0.0)
        assert worker.call(lambda: 7, timeout_s=5) == 7 and worker.held_s() == 0.0
    finally:
        release.set()
        worker.stop()


@pytest.fixture
def hung_camera():
    """The document camera built late, as ``kiosk run`` builds it, its simulator hanging every capture."""
    usable = threading.Event()
    usable.set()  # the rest of the terminal is up: the driver is built at once
    camera = LateDocumentCamera("document_camera", SimDocumentCamera, after=usable)
    camera.start()
    wait_for(lambda: camera.health.state is DeviceState.READY)
    camera.inject("hang")
    yield camera
    camera.inject("clear")
    camera.stop()


def test_a_capture_that_never_returns_marks_the_camera_in_error_until_it_lets_go(hung_camera, make_config,
                                                                                 monkeypatch):
    monkeypatch.setattr("kiosk.held_devices.LOOK_EVERY_S", 0.05)
    camera = hung_camera
    held = HeldDevices([camera], bound_s=2.0)  # well past the capture's 0.2 s wait, however slow the machine
    heartbeat = Heartbeat(None, make_config(), [camera])
    with pytest.raises(DeviceTimeoutError):
        camera.capture(timeout_s=0.2)  # the caller gives up; the driver's capture goes on
    assert held.look() == () and not held.any() and camera.health.state is DeviceState.READY  # not yet past it
    held.start()
    try:
        wait_for(lambda: camera.health.state is DeviceState.ERROR)  # the watcher's own look
        assert held.any() and camera.held_s() >= 2.0
        [report] = heartbeat.status()["devices"]
        assert report == {"name": "document_camera", "state": "error",
                          "reason": "The device has stopped answering. The terminal will start again when nobody "
                                    "is using it."}
        assert camera.health.snapshot().reason.msgid == MSG_HELD
        camera.inject("clear")  # the device lets go: the capture returns
        wait_for(lambda: camera.health.state is DeviceState.READY)
    finally:
        held.stop()
    assert camera.held_s() == 0.0 and held.look() == () and not held.any()
    assert camera.health.snapshot().reason is None


def test_a_health_the_driver_sets_while_held_stays_under_the_mark_and_shows_once_it_lets_go(hung_camera, caplog):
    camera = hung_camera
    held = HeldDevices([camera], bound_s=0.3)
    told = []
    camera.health.subscribe(told.append)
    with pytest.raises(DeviceTimeoutError):
        camera.capture(timeout_s=0.2)
    wait_for(lambda: held.look() == ("document_camera",))
    assert "holds the device's thread" in caplog.text and camera.health.held
    camera.health.set_state(DeviceState.READY)  # the camera's feed, on a thread of its own, streams on
    assert camera.health.state is DeviceState.ERROR and camera.health.snapshot().reason.msgid == MSG_HELD
    assert held.look() == ("document_camera",) and camera.health.state is DeviceState.ERROR
    camera.health.set_state(DeviceState.OFFLINE)  # what the driver found when its call came back
    assert [h.state for h in told] == [DeviceState.ERROR]  # the feed's states were never shown
    camera.inject("clear")
    wait_for(lambda: camera.held_s() == 0.0)
    assert held.look() == ()
    assert camera.health.state is DeviceState.OFFLINE and not camera.health.held
    assert "the call that held the device has returned" in caplog.text


def test_a_hold_keeps_what_the_driver_sets_from_any_thread_and_shows_the_last_on_release():
    health = HealthTracker("reader", DeviceState.READY)
    shown = []
    health.subscribe(lambda h: shown.append((h.state, h.reason)))
    busy = threading.Event()

    def feed():
        while not busy.is_set():
            health.set_state(DeviceState.BUSY)
            health.set_state(DeviceState.READY)

    thread = threading.Thread(target=feed)
    thread.start()
    try:
        health.hold(text(MSG_HELD))
        for _ in range(200):  # however the feed's states fall around the hold, ERROR is what shows
            assert health.state is DeviceState.ERROR
            time.sleep(0.0005)
    finally:
        busy.set()
        thread.join(5)
    assert health.state is DeviceState.ERROR and (DeviceState.ERROR, text(MSG_HELD)) in shown
    health.release()
    assert health.state is DeviceState.READY and shown[-1] == (DeviceState.READY, None)
    health.release()  # not held: nothing changes
    assert health.state is DeviceState.READY and not health.held


def test_the_bound_is_never_less_than_twice_the_longest_call_a_caller_waits_for():
    assert held_bound_s(120.0, CallTimeouts()) == 120.0  # the longest, a licence's print, 60 s
    assert held_bound_s(120.0, CallTimeouts(document_print_s=300.0)) == 600.0
    assert held_bound_s(900.0, CallTimeouts(document_print_s=300.0)) == 900.0


def test_the_watcher_goes_on_after_a_look_that_failed(hung_camera, monkeypatch, caplog):
    monkeypatch.setattr("kiosk.held_devices.LOOK_EVERY_S", 0.05)
    camera = hung_camera
    asked = []
    real_held_s = camera.held_s

    def failing_once(now=None):
        asked.append(now)
        if len(asked) == 1:
            raise RuntimeError("a driver's bug")
        return real_held_s(now)

    camera.held_s = failing_once
    held = HeldDevices([camera], bound_s=0.3)
    with pytest.raises(DeviceTimeoutError):
        camera.capture(timeout_s=0.1)
    held.start()
    try:
        wait_for(lambda: camera.health.state is DeviceState.ERROR)
    finally:
        held.stop()
    assert "held devices: a look failed" in caplog.text and len(asked) >= 2
