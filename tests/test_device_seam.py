import threading
import time

import pytest

from devices.errors import DeviceTimeoutError
from devices.health import DeviceState
from devices.idcard.base import CardRead, CardRemoved, ReadFailed
from devices.idcard.sim import SimIdReader
from devices.qr.sim import SimQrScanner
from devices.worker import DeviceWorker


def wait_for(predicate, timeout_s=3.0):
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


@pytest.fixture
def reader():
    device = SimIdReader()
    events = []
    device.events.subscribe(events.append)
    device.start()
    yield device, events
    device.stop()


def test_a_card_is_read_once_per_placement_and_its_removal_reported(reader):
    device, events = reader
    device.place_card("resident")
    wait_for(lambda: events)
    polls = device.health.snapshot().counters.get("polls", 0)
    # three polls begun and finished with the card still there (the counter goes up as a poll ends)
    wait_for(lambda: device.health.snapshot().counters.get("polls", 0) >= polls + 4)
    assert len(events) == 1 and isinstance(events[0], CardRead)
    assert events[0].identity.name == "张测试"
    device.remove_card()
    wait_for(lambda: len(events) == 2)
    assert isinstance(events[1], CardRemoved)
    assert device.health.snapshot().counters["cards_read"] == 1


def test_faults_give_plain_messages_and_states(reader):
    device, events = reader
    device.inject("read_error")
    device.place_card("resident")
    wait_for(lambda: events)
    assert isinstance(events[0], ReadFailed)
    assert "重试" in events[0].message.render("zh_CN")
    device.inject("unplugged")
    wait_for(lambda: device.health.state is DeviceState.OFFLINE)
    assert not device.self_test().ok
    device.inject("clear")
    wait_for(lambda: device.health.state is DeviceState.READY)


def test_health_listeners_see_every_transition(reader):
    device, _ = reader
    seen = []
    device.health.subscribe(lambda h: seen.append(h.state))
    device.inject("unplugged")
    wait_for(lambda: DeviceState.OFFLINE in seen)
    device.inject("clear")
    wait_for(lambda: seen[-1] is DeviceState.READY)


def test_worker_times_out_instead_of_hanging():
    worker = DeviceWorker("slow")
    worker.start()
    try:
        release = threading.Event()
        with pytest.raises(DeviceTimeoutError):
            worker.call(release.wait, 5, timeout_s=0.1)
        release.set()
        assert worker.call(lambda: 42, timeout_s=1) == 42
    finally:
        worker.stop()


def test_a_call_behind_a_job_that_overran_its_wait_fails_within_the_grace_not_its_own_timeout(monkeypatch):
    """A clerk's second "Scan" on a hung document camera waited its 10 s again behind the first one's job (window
    monkey, seed 804): now it waits for that job at most the grace, and once the device lets go, calls run again."""
    monkeypatch.setattr("devices.worker.OVERDUE_GRACE_S", 0.3)
    worker = DeviceWorker("hung")
    worker.start()
    try:
        release = threading.Event()
        with pytest.raises(DeviceTimeoutError):
            worker.call(release.wait, 30, timeout_s=0.1)  # running when its caller gives up: the worker is held
        began = time.monotonic()
        with pytest.raises(DeviceTimeoutError, match="still held by a call that overran"):
            worker.call(lambda: 42, timeout_s=20)
        assert time.monotonic() - began < 5  # the grace (0.3 s), not its own 20 s
        release.set()  # the device lets go
        assert worker.call(lambda: 43, timeout_s=5) == 43
        # a job that ends within the grace: the next call waits for it and runs
        slow = threading.Event()
        with pytest.raises(DeviceTimeoutError):
            worker.call(slow.wait, 30, timeout_s=0.05)
        threading.Timer(0.1, slow.set).start()
        assert worker.call(lambda: 44, timeout_s=5) == 44
    finally:
        release.set()
        worker.stop()


def test_a_worker_stopped_behind_a_hung_job_ends_cleanly_with_a_timed_out_call_still_queued():
    """Found by the window monkey (a document camera hung, then the window closed): the job a timed-out call had
    cancelled was still queued when the worker stopped, and failing it raised InvalidStateError in the thread."""
    worker = DeviceWorker("hung")
    worker.start()
    thread = worker._thread
    seen: list[BaseException] = []
    previous = threading.excepthook
    threading.excepthook = lambda args: seen.append(args.exc_value)
    try:
        release = threading.Event()
        hung = worker.submit(release.wait, 5)  # the device hangs on this one
        with pytest.raises(DeviceTimeoutError):
            worker.call(lambda: 42, timeout_s=0.1)  # queued behind it, given up, cancelled
        waiting = worker.submit(lambda: 43)  # queued behind it too, still waited on
        stopper = threading.Thread(target=worker.stop, args=(5.0,))
        stopper.start()
        release.set()
        stopper.join(6)
        thread.join(6)
        assert hung.result(timeout=1) is True
        with pytest.raises(Exception, match="stopped"):
            waiting.result(timeout=1)  # told, not left waiting
    finally:
        threading.excepthook = previous
    assert not thread.is_alive()
    assert seen == []


def test_device_io_runs_only_on_its_own_worker():
    device = SimIdReader()
    with pytest.raises(AssertionError, match="must run on its device worker"):
        device._poll()


def test_qr_simulator_reports_presented_codes():
    scanner = SimQrScanner()
    codes = []
    scanner.events.subscribe(codes.append)
    scanner.start()
    try:
        scanner.present("OTR1:SQ2026112700001")
        wait_for(lambda: codes)
        assert codes[0].text == "OTR1:SQ2026112700001"
    finally:
        scanner.stop()
