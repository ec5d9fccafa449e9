"""One terminal per data folder (kiosk/instance_lock.py): a second ``kiosk run`` on the same folder waits for the
first to end and takes over, or ends with its own status; it never opens the devices the first one holds."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from kiosk.instance_lock import LOCK_FILE, AnotherTerminal, hold, holder


def test_a_second_holder_is_refused_naming_the_first_and_takes_it_once_it_is_let_go(tmp_path):
    first = hold(tmp_path)
    try:
        assert holder(tmp_path / LOCK_FILE) == os.getpid()
        started = time.monotonic()
        with pytest.raises(AnotherTerminal) as refused:
            hold(tmp_path, wait_s=0.3)
        assert refused.value.pid == os.getpid() and time.monotonic() - started >= 0.3
        assert f"another terminal (process {os.getpid()}) runs on this data folder" == str(refused.value)
    finally:
        os.close(first)
    second = hold(tmp_path, wait_s=0.0)
    os.close(second)
    assert oct((tmp_path / LOCK_FILE).stat().st_mode & 0o777) == "0o600"


def test_a_terminal_still_ending_is_waited_for(tmp_path):
    first = hold(tmp_path)
    threading.Timer(0.5, os.close, args=(first,)).start()
    second = hold(tmp_path, wait_s=10.0)
    os.close(second)


def test_a_dead_holder_leaves_nothing_to_clear(tmp_path):
    """The kernel lets go of a killed process's lock: no stale file blocks the next start."""
    child = subprocess.Popen([sys.executable, "-c", "import sys, time; from pathlib import Path; "
                              "from kiosk.instance_lock import hold; hold(Path(sys.argv[1])); print('held', flush=True); "
                              "time.sleep(60)", str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "held"
        with pytest.raises(AnotherTerminal) as refused:
            hold(tmp_path, wait_s=0.0)
        assert refused.value.pid == child.pid
    finally:
        child.kill()
        child.wait(10)
    os.close(hold(tmp_path, wait_s=0.0))


def test_a_second_kiosk_run_on_the_same_folder_waits_for_the_first_and_then_takes_over(tmp_path, sandbox):
    site = tmp_path / "site.toml"
    site.write_text(f'[terminal]\nid = "KIOSK-TWICE"\nlanguage = "en"\n[backend]\nurl = "{sandbox.url}"\nretries = 0\n'
                    f'[paths]\ndata_dir = "{tmp_path / "data"}"\n[logging]\nconsole = false\n')
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    log = tmp_path / "data" / "logs" / "kiosk.log"

    def run() -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "entry", "run", "--config", str(site), "--windowed"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def starts() -> int:
        return log.read_text().count("starting OneTrip") if log.exists() else 0

    def until(what, within_s: float) -> None:
        deadline = time.monotonic() + within_s
        while not what():
            assert time.monotonic() < deadline
            time.sleep(0.1)

    first = run()
    second = None
    try:
        until(lambda: starts() == 1, 60)
        second = run()
        time.sleep(5)
        assert second.poll() is None and starts() == 1  # waiting: it opened nothing of the first one's
        first.terminate()
        assert first.wait(30) == 0  # closed in order (ui/stop_signals.py)
        until(lambda: starts() == 2, 30)  # the first gone within WAIT_S: the second takes over
        assert second.poll() is None
        assert holder(tmp_path / "data" / LOCK_FILE) == second.pid
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(10)
