"""``kiosk supervise`` over the real terminal (``kiosk run``, offscreen): it beats, a frozen one (SIGSTOP:
its GUI thread turns no more, and it cannot act on SIGTERM) is killed and started again, the restart
is recorded and named in the new terminal's log, and SIGTERM to the supervisor stops both."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from entry.bench.restart import hung_reader
from tests.small_disk import fill, tmpfs
from tests.test_supervisor import process_gone

FREEZE_S = 5
HELD_S = 10  # supervisor.device_held_s and stable_s: the least each may be
DISK_LOOK_S = 5  # supervisor.disk_look_s: the least it may be


def _site(tmp_path: Path, extra: str = "", supervisor: str = "") -> Path:
    site = tmp_path / "site.toml"
    site.write_text(extra + f"""
[terminal]
id = "KIOSK-SUPERVISED"
language = "en"
[backend]
url = "http://127.0.0.1:9"
retries = 0
[paths]
data_dir = "{tmp_path / 'data'}"
[logging]
console = false
[supervisor]
freeze_s = {FREEZE_S}
start_s = 90
stop_s = 2
device_held_s = {HELD_S}
stable_s = {HELD_S}
{supervisor}
""")
    return site


def _until(what, timeout_s: float, why: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(why)


def _supervise(tmp_path: Path, extra: str = "", supervisor: str = "") -> tuple[subprocess.Popen, Path]:
    """``kiosk supervise`` offscreen over the site file (``extra``: sections before its own; ``supervisor``: lines
    of its [supervisor] section); its stderr (the supervisor's log, and the terminals') in a file."""
    err = tmp_path / "supervise.err"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("DISPLAY", None)
    env.pop("MALLOC_ARENA_MAX", None)  # the terminal sets its own (kiosk/allocator.py)
    with err.open("w") as stderr:
        supervisor = subprocess.Popen([sys.executable, "-m", "entry", "supervise", "--config",
                                       str(_site(tmp_path, extra, supervisor)),
                                       "--windowed"], env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    return supervisor, err


def _logged(log: Path) -> str:
    """The terminal's log, its rotated files included: a run across midnight starts a new file (it failed so once)."""
    return "".join(path.read_text() for path in sorted(log.parent.glob(log.name + "*")))


def _children(err: Path) -> list[int]:
    return [int(pid) for pid in re.findall(r"terminal started \(process (\d+)\)", err.read_text())]


def test_a_frozen_terminal_is_killed_started_again_and_the_restart_recorded(tmp_path):
    supervisor, err = _supervise(tmp_path)
    log = tmp_path / "data" / "logs" / "kiosk.log"
    record = tmp_path / "data" / "maintenance" / "restarts.json"
    try:
        [first] = _until(lambda: _children(err), 30, "the supervisor started no terminal")
        _until(lambda: "running under kiosk supervise" in _logged(log), 60,
               "the terminal did not start under the supervisor")
        time.sleep(FREEZE_S + 3)  # beating: no freeze said, no restart
        assert _children(err) == [first] and not record.exists()

        os.kill(first, signal.SIGSTOP)  # frozen as a deadlock freezes it, and deaf to SIGTERM
        children = _until(lambda: _children(err)[1:] and _children(err), FREEZE_S + 30,
                          "the frozen terminal was not started again")
        second = children[1]
        assert process_gone(first)
        restarts = json.loads(record.read_text())["restarts"]
        assert [(r["reason"], r["detail"]) for r in restarts] == [("froze", f"no sign of life for {FREEZE_S} s")]
        assert restarts[0]["ran_s"] > FREEZE_S
        _until(lambda: _logged(log).count("running under kiosk supervise") == 2, 60,
               "the second terminal did not start")
        assert "the last restart: " in _logged(log) and f"froze: no sign of life for {FREEZE_S} s" in _logged(log)
        text = err.read_text()
        assert f"(process {first}) froze: no sign of life for {FREEZE_S} s" in text
        assert "did not stop within 2 s of SIGTERM: killed" in text

        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(20) == 0
        assert process_gone(second)
        assert len(json.loads(record.read_text())["restarts"]) == 1  # a stop asked for is no restart
        assert "Traceback" not in err.read_text()
    finally:
        _end_all(supervisor, err)


def test_a_disk_that_fills_under_the_running_terminal_has_it_out_of_order_until_it_takes_writes(tmp_path):
    """kiosk/disk_watch.py, under the real supervisor: the data folder's disk (a real tmpfs) filled to the last byte
    while the kiosk waits at home; within disk_look_s the supervisor starts it afresh, the start shows that it is out
    of order (and stays so while the disk is full), and once room is made it ends and the terminal comes back. A
    disk gone read-only takes the same path (tests/test_out_of_order.py): a tmpfs the terminal holds files open on
    for writing cannot be remounted read-only (EBUSY), and a full one refuses the same writes."""
    with tmpfs(tmp_path / "data", "64m") as mount:
        supervisor, err = _supervise(tmp_path, supervisor=f"disk_look_s = {DISK_LOOK_S}")
        log = mount / "logs" / "kiosk.log"
        try:
            [first] = _until(lambda: _children(err), 30, "the supervisor started no terminal")
            _until(lambda: "long-lived objects set aside" in _logged(log), 90,  # its services built and started
                   "the terminal did not start under the supervisor")
            filler = fill(mount)
            _until(lambda: _children(err)[1:], 60, "the terminal whose disk filled was not started afresh")
            assert process_gone(first) or _ended(first)
            said = err.read_text()
            assert f"(process {first}) says its disk refuses writes, and nobody uses it: starting it afresh" in said
            _until(lambda: "out of order: the terminal cannot write to its disk" in err.read_text(), 60,
                   "the new start did not show that it is out of order")
            time.sleep(DISK_LOOK_S + 2)
            assert len(_children(err)) == 2  # still full: still out of order, not started again and again
            filler.unlink()
            _until(lambda: _children(err)[2:], DISK_LOOK_S + 30, "the out-of-order screen did not end")
            _until(lambda: _logged(log).count("running under kiosk supervise") == 2, 60,
                   "the terminal did not come back")
            restarts = json.loads((mount / "maintenance" / "restarts.json").read_text())["restarts"]
            assert restarts[-1]["reason"] == "exited" and restarts[-1]["detail"] == "exited with status 0"
            said = err.read_text()
            assert "disk" in [r["reason"] for r in restarts] or "restart record" in said  # full: maybe unwritten
            supervisor.send_signal(signal.SIGTERM)
            assert supervisor.wait(30) == 0
            assert "Traceback" not in err.read_text(), err.read_text()
        finally:
            _end_all(supervisor, err)


def _end_all(supervisor: subprocess.Popen, err: Path) -> None:
    """A test that failed leaves no supervisor or terminal behind."""
    if supervisor.poll() is None:
        supervisor.kill()
        supervisor.wait(10)
    for pid in _children(err):
        if not _ended(pid):
            os.kill(pid, signal.SIGKILL)


def _ended(pid: int) -> bool:
    """Gone, or a zombie nobody has reaped yet (its parent, the supervisor, killed)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in "ZX"
    except (FileNotFoundError, ProcessLookupError):
        return True


def test_a_killed_supervisor_takes_its_terminal_with_it(tmp_path):
    """Started again (systemd), a supervisor starts a terminal of its own: the old one must not keep the devices."""
    supervisor, err = _supervise(tmp_path)
    log = tmp_path / "data" / "logs" / "kiosk.log"
    child = 0
    try:
        [child] = _until(lambda: _children(err), 30, "the supervisor started no terminal")
        _until(lambda: "running under kiosk supervise" in _logged(log), 60,
               "the terminal did not start under the supervisor")
        assert "allocator: MALLOC_ARENA_MAX=2" in _logged(log)  # kiosk run set glibc first (kiosk/allocator.py)
        supervisor.kill()
        supervisor.wait(10)
        _until(lambda: _ended(child), 30, "the terminal outlived its supervisor")
        assert "kiosk supervise is gone" in _logged(log)
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
        if child and not _ended(child):
            os.kill(child, signal.SIGKILL)


def test_a_reader_stuck_in_its_library_has_the_idle_terminal_started_afresh(tmp_path):
    """The ID card reader's vendor library (the C stand-in, built to never return from its find call) holds the
    reader's thread from its first poll: past supervisor.device_held_s (the device calls' waits set short enough for
    its least, 10 s, to be the bound) the kiosk, at home, is started afresh, the restart recorded as a device's. The
    reader marked in error meanwhile: tests/test_held_devices.py."""
    supervisor, err = _supervise(tmp_path, hung_reader(tmp_path))
    log = tmp_path / "data" / "logs" / "kiosk.log"
    record = tmp_path / "data" / "maintenance" / "restarts.json"
    try:
        [first] = _until(lambda: _children(err), 30, "the supervisor started no terminal")
        _until(lambda: _children(err)[1:], 120, "the terminal with its reader held was not started afresh")
        assert process_gone(first) or _ended(first)
        [restart] = json.loads(record.read_text())["restarts"]
        assert (restart["reason"], restart["detail"]) == ("device", "a device held by a call that never returned")
        assert restart["ran_s"] >= HELD_S
        assert "nobody uses it: starting it afresh" in err.read_text()
        _until(lambda: "device: a device held by a call that never returned" in _logged(log), 60,
               "the second terminal did not log the restart")
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(30) == 0
        assert "Traceback" not in err.read_text()
    finally:
        _end_all(supervisor, err)
