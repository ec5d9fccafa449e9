"""``kiosk supervise``'s loop (kiosk/supervisor.py) over real child processes that behave as a terminal
can fail: a few signs of life then none and deaf to SIGTERM, SIGABRT, an exit status, no first sign at
all, a program that cannot be started. The terminal itself under the supervisor:
tests/test_supervise_terminal.py."""

from __future__ import annotations

import os
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from kiosk.config import SupervisorConfig
from kiosk.liveness import STACKS_FILE
from kiosk.restarts import Reason, RestartLog
from kiosk.supervisor import Supervisor, device_run_s, disk_run_s, ending, restart_delay

CHILD = textwrap.dedent('''
    import os, signal, sys, time
    from pathlib import Path
    from kiosk.liveness import LivenessPipe, dump_stacks_on_signal

    state, plan, log_dir = Path(sys.argv[1]), sys.argv[2].split(","), Path(sys.argv[3])
    n = int(state.read_text()) if state.exists() else 0

    def write(path, text):  # whole or not at all: the test reads these while this process may be killed
        (path.parent / (path.name + ".tmp")).write_text(text)
        os.replace(path.parent / (path.name + ".tmp"), path)

    write(state.parent / f"pid-{n}", str(os.getpid()))  # first: a start counted has its process id written
    write(state, str(n + 1))
    step = plan[min(n, len(plan) - 1)]
    pipe = LivenessPipe.from_environment()
    stacks = dump_stacks_on_signal(log_dir)

    def beat(times):
        for _ in range(times):
            pipe.beat()
            time.sleep(0.1)

    def stuck_in_the_event_loop():
        while True:
            time.sleep(1)

    if step == "hang":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        beat(3)
        stuck_in_the_event_loop()
    elif step == "abort":
        beat(2)
        os.abort()
    elif step == "exit3":
        beat(2)
        sys.exit(3)
    elif step == "silent":
        time.sleep(600)
    elif step == "live":
        while True:
            beat(1)
    elif step == "fat":  # grown large: in use for a while (busy beats), then nobody uses it (idle beats)
        fat = bytearray(120_000_000)
        fat[::4096] = b"x" * len(fat[::4096])  # touched: resident
        beat(30)
        while True:
            pipe.beat(idle=True)
            time.sleep(0.1)
    elif step == "held":  # a device held by a call that never returned: first while in use, then nobody uses it
        for _ in range(30):
            pipe.beat(idle=False, held=True)  # in use: a beat says nothing of the device
            time.sleep(0.1)
        while True:
            pipe.beat(idle=True, held=True)
            time.sleep(0.1)
    elif step == "disk":  # its disk refuses writes: first while in use, then nobody uses it
        for _ in range(30):
            pipe.beat(idle=False, disk=True)  # in use: a beat says nothing of the disk
            time.sleep(0.1)
        while True:
            pipe.beat(idle=True, disk=True)
            time.sleep(0.1)
    elif step == "flaky-disk":  # refuses writes from the start, nobody using it: the start's check passed each time
        while True:
            pipe.beat(idle=True, disk=True)
            time.sleep(0.05)
    elif step == "wedged":  # held from the start, nobody using it: a device that hangs again in each new terminal
        while True:
            pipe.beat(idle=True, held=True)
            time.sleep(0.1)
''')


def _settings(**changes) -> SupervisorConfig:
    values = dict(freeze_s=1.0, start_s=20.0, stop_s=1.0, stable_s=100.0, max_delay_s=0.2, max_resident_mb=65536)
    values.update(changes)
    return SupervisorConfig(**values)


class Rig:
    def __init__(self, tmp_path: Path, plan: str, settings: SupervisorConfig, argv: list[str] | None = None) -> None:
        script = tmp_path / "child.py"
        script.write_text(CHILD)
        self.state = tmp_path / "starts"
        self.log_dir = tmp_path / "logs"
        self.record = RestartLog(tmp_path / "data")
        root = str(Path(__file__).resolve().parents[1])
        env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
        argv = argv or [sys.executable, str(script), str(self.state), plan, str(self.log_dir)]
        self.supervisor = Supervisor(argv, settings, self.record, self.log_dir, env=env)
        self.returned: list[int] = []
        self.thread = threading.Thread(target=lambda: self.returned.append(self.supervisor.run()), daemon=True)
        self.thread.start()

    def until(self, what, timeout_s: float = 40.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not what():
            assert time.monotonic() < deadline, "the supervisor did not get there in time"
            time.sleep(0.05)

    def stop(self) -> None:
        self.supervisor.stop()
        self.thread.join(15)
        assert not self.thread.is_alive() and self.returned == [0]

    def pid(self, n: int) -> int:
        return int((self.state.parent / f"pid-{n}").read_text())


def process_gone(pid: int) -> bool:
    """No process ``pid`` (ended and reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_silent_terminal_a_crash_and_an_exit_each_restart_it_and_are_recorded(tmp_path):
    rig = Rig(tmp_path, "hang,abort,exit3,live", _settings())
    try:
        rig.until(lambda: rig.supervisor.starts == 4 and rig.state.read_text() == "4")
        beats = rig.supervisor.beats
        rig.until(lambda: rig.supervisor.beats >= beats + 3)  # the fourth keeps beating, and is left running
        assert rig.supervisor.child is not None and rig.supervisor.child.poll() is None
        assert len(rig.record.recent()) == 3
    finally:
        rig.stop()
    restarts = rig.record.recent()
    assert [(r.reason, r.detail) for r in restarts] == [
        (Reason.FROZE, "no sign of life for 1 s"), (Reason.CRASHED, "ended by SIGABRT"),
        (Reason.EXITED, "exited with status 3")]
    assert all(r.ran_s > 0 for r in restarts)
    stacks = (rig.log_dir / STACKS_FILE).read_text()
    assert f"process {rig.pid(0)}: no sign of life for 1 s; its threads' stacks follow" in stacks
    assert "in stuck_in_the_event_loop" in stacks  # faulthandler's dump of the frozen child
    assert process_gone(rig.pid(0))  # deaf to SIGTERM: killed
    assert process_gone(rig.pid(3))  # the supervisor stopped: its terminal stopped with it
    assert len(rig.record.recent()) == 3  # a stop is not a restart


def test_no_first_sign_of_life_within_the_start_time_is_a_freeze(tmp_path):
    rig = Rig(tmp_path, "silent,live", _settings(start_s=1.0, freeze_s=5.0))
    try:
        rig.until(lambda: rig.supervisor.starts == 2 and rig.supervisor.beats > 0)
    finally:
        rig.stop()
    [restart] = rig.record.recent()
    assert restart.reason is Reason.FROZE and restart.detail == "no first sign of life within 1 s of its start"
    assert process_gone(rig.pid(0)) and process_gone(rig.pid(1))


def test_a_terminal_grown_too_large_is_started_afresh_only_once_nobody_uses_it(tmp_path, monkeypatch):
    """120 MB against a bound of 50 (the configuration's least is 500: constructed here without it): in use for 3 s,
    left alone, then idle, it is stopped and started again at once; a terminal within its bound is left alone."""
    import kiosk.supervisor

    monkeypatch.setattr(kiosk.supervisor, "MEMORY_LOOK_S", 0.2)
    rig = Rig(tmp_path, "fat,live", _settings(stable_s=1.0, max_resident_mb=50))
    try:
        rig.until(lambda: rig.supervisor.starts == 2 and rig.state.read_text() == "2")
        beats = rig.supervisor.beats
        rig.until(lambda: rig.supervisor.beats >= beats + 20)  # the second, small, beats on and is left running
        assert rig.supervisor.child is not None and rig.supervisor.child.poll() is None
    finally:
        rig.stop()
    [restart] = rig.record.recent()
    assert restart.reason is Reason.MEMORY and restart.detail.startswith("resident memory ")
    assert restart.detail.endswith(" MB above 50 MB") and 120 <= int(restart.detail.split()[2]) < 400
    assert restart.ran_s >= 3.0  # not while it was in use
    assert process_gone(rig.pid(0))


def test_a_terminal_with_a_device_held_is_started_afresh_only_once_nobody_uses_it(tmp_path):
    """Held while in use for 3 s, then idle: stopped and started again at once, the reason recorded; a terminal
    beating idle with no device held is left running."""
    rig = Rig(tmp_path, "held,live", _settings(stable_s=1.0))
    try:
        rig.until(lambda: rig.supervisor.starts == 2 and rig.state.read_text() == "2")
        beats = rig.supervisor.beats
        rig.until(lambda: rig.supervisor.beats >= beats + 20)
        assert rig.supervisor.child is not None and rig.supervisor.child.poll() is None
    finally:
        rig.stop()
    [restart] = rig.record.recent()
    assert (restart.reason, restart.detail) == (Reason.DEVICE, "a device held by a call that never returned")
    assert restart.ran_s >= 3.0  # not while it was in use
    assert process_gone(rig.pid(0))


def test_a_device_that_hangs_again_in_each_new_terminal_doubles_the_run_before_each_restart(tmp_path):
    rig = Rig(tmp_path, "wedged,wedged,wedged,live", _settings(stable_s=1.0))
    try:
        rig.until(lambda: rig.supervisor.starts == 4 and rig.state.read_text() == "4")
    finally:
        rig.stop()
    runs = [r.ran_s for r in rig.record.recent()]
    assert [r.reason for r in rig.record.recent()] == [Reason.DEVICE] * 3
    # stable_s, then doubled for each in a row (without the doubling the third came after 1 s and its start's time)
    assert runs[0] >= 1 and runs[1] >= 2 and runs[2] >= 4, runs
    assert rig.supervisor.device_restarts == 3


@pytest.mark.parametrize("in_a_row, run_s", [(0, 300), (1, 600), (2, 1200), (6, 19200), (40, 19200)])
def test_the_run_asked_before_a_restart_for_a_held_device_doubles_up_to_64_times_stable_s(in_a_row, run_s):
    assert device_run_s(300.0, in_a_row) == run_s


def test_a_terminal_whose_disk_refuses_writes_is_started_afresh_at_once_once_nobody_uses_it(tmp_path):
    """Refused while in use for 3 s, then idle: started afresh at once (its start shows that it is out of order:
    tests/test_supervise_terminal.py), not after stable_s as a held device is; the reason recorded as planned."""
    rig = Rig(tmp_path, "disk,live", _settings(stable_s=60.0))
    try:
        rig.until(lambda: rig.supervisor.starts == 2 and rig.state.read_text() == "2")
    finally:
        rig.stop()
    [restart] = rig.record.recent()
    assert (restart.reason, restart.detail) == (Reason.DISK, "its disk refused writes")
    assert 3.0 <= restart.ran_s < 30.0  # not while in use; not after stable_s (60 s)
    assert process_gone(rig.pid(0))


def test_a_disk_the_start_passes_and_the_terminal_then_refuses_doubles_the_run_before_each_restart(tmp_path):
    rig = Rig(tmp_path, "flaky-disk,flaky-disk,flaky-disk,live", _settings(stable_s=3.0))
    try:
        rig.until(lambda: rig.supervisor.starts == 4 and rig.state.read_text() == "4")
    finally:
        rig.stop()
    runs = [r.ran_s for r in rig.record.recent()]
    assert [r.reason for r in rig.record.recent()] == [Reason.DISK] * 3
    assert runs[0] < 3 and runs[1] >= 3 and runs[2] >= 6, runs  # at once, then stable_s, then doubled
    assert rig.supervisor.disk_restarts == 3


@pytest.mark.parametrize("in_a_row, run_s", [(0, 0), (1, 300), (2, 600), (7, 19200), (40, 19200)])
def test_the_run_asked_before_a_restart_for_the_disk_is_none_then_doubles_from_stable_s(in_a_row, run_s):
    assert disk_run_s(300.0, in_a_row) == run_s


def test_a_program_that_cannot_start_is_tried_again_and_again_with_a_delay(tmp_path):
    rig = Rig(tmp_path, "", _settings(max_delay_s=0.3), argv=[str(tmp_path / "no-such-kiosk")])
    try:
        rig.until(lambda: len(rig.record.recent()) >= 3)
    finally:
        rig.stop()
    restarts = rig.record.recent()
    assert {r.reason for r in restarts} == {Reason.UNSTARTABLE}
    assert "cannot start" in restarts[0].detail and "No such file" in restarts[0].detail
    assert restarts[2].at - restarts[0].at >= 0.5  # waited between tries (0.3 s each): no spinning
    assert rig.supervisor.starts == 0


def test_stopping_while_the_terminal_starts_ends_it_at_once_and_records_nothing(tmp_path):
    rig = Rig(tmp_path, "silent", _settings(start_s=300.0))
    rig.until(lambda: rig.state.exists())
    started = time.monotonic()
    rig.stop()
    assert time.monotonic() - started < 5
    assert process_gone(rig.pid(0)) and rig.record.recent() == []


@pytest.mark.parametrize("short_runs, delay", [(0, 0.0), (1, 1.0), (2, 2.0), (3, 4.0), (6, 32.0), (7, 60.0),
                                               (500, 60.0)])
def test_the_delay_doubles_for_short_runs_in_a_row_up_to_its_bound(short_runs, delay):
    assert restart_delay(short_runs, 60.0) == delay


def test_an_exit_status_is_named_for_staff():
    assert ending(-9) == (Reason.CRASHED, "ended by SIGKILL")
    assert ending(-11) == (Reason.CRASHED, "ended by SIGSEGV")
    assert ending(0) == (Reason.EXITED, "exited with status 0")
    assert ending(2) == (Reason.EXITED, "exited with status 2")
    assert ending(-200)[0] is Reason.CRASHED
