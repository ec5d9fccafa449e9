"""The running terminal's look at its disk (kiosk/disk_watch.py): a real tmpfs remounted read-only under it, then
writable again; the heartbeat says it, and the hall's list marks it (tests/test_hall_terminals.py). What the
supervisor does with it: tests/test_supervisor.py and tests/test_supervise_terminal.py."""

from __future__ import annotations

import logging
import os
import subprocess
import threading
import time

from kiosk.disk_check import unwritable
from kiosk.disk_watch import LOOK_BYTES, DiskWatch
from kiosk.heartbeat import Heartbeat
from tests.small_disk import fill, tmpfs


def _remount(mount, how: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{how}", str(mount)], check=True, timeout=10)


def test_a_disk_remounted_read_only_is_found_said_once_and_let_go_once_it_takes_writes(tmp_path, caplog):
    with tmpfs(tmp_path / "data", "1m") as mount:
        watch = DiskWatch(mount, every_s=60.0, clock=lambda: 7.0)
        assert watch.look() is None and not watch.refused and watch.since is None
        _remount(mount, "ro")
        with caplog.at_level(logging.INFO, logger="kiosk.disk_watch"):
            assert watch.look() == f"{mount}: Read-only file system"
            assert watch.look() == f"{mount}: Read-only file system"
            assert watch.refused and watch.since == 7.0
            _remount(mount, "rw")
            assert watch.look() is None and not watch.refused and watch.since is None
        said = [r.getMessage() for r in caplog.records]
        assert len(said) == 2 and "cannot write to its disk" in said[0] and "Read-only file system" in said[0]
        assert said[1] == "disk: the terminal can write to its disk again"
        assert watch.looks == 4 and list(mount.iterdir()) == []  # the probe is never left behind


def test_a_full_disk_is_refused_too(tmp_path):
    with tmpfs(tmp_path / "data", "64k") as mount:
        filler = fill(mount)
        watch = DiskWatch(mount, every_s=60.0)
        assert watch.look() == f"{mount}: No space left on device"
        filler.unlink()
        assert watch.look() is None


def test_a_disk_with_less_room_than_a_start_needs_is_refused_though_its_small_writes_pass(tmp_path):
    """The watch's 4 KiB write passed on a disk with 20 KiB free, where the start's 64 KiB check after any restart
    failed: the terminal ran until it restarted, then stood out of order. The free room is asked too."""
    with tmpfs(tmp_path / "data", "1m") as mount:
        filler = fill(mount)
        size = filler.stat().st_size
        os.truncate(filler, size - 24 * 1024)  # 24 KiB back: the 4 KiB write fits, a start's 64 KiB does not
        watch = DiskWatch(mount, every_s=60.0)
        problem = watch.look()
        assert problem is not None and "KiB free, less than the 64 KiB a start needs" in problem
        assert unwritable(mount, LOOK_BYTES) is None and unwritable(mount) is not None  # as the start would find it
        os.truncate(filler, size - 128 * 1024)
        assert watch.look() is None


def test_the_watch_s_thread_looks_on_its_own_and_survives_a_check_that_raises(tmp_path, caplog):
    answers = iter([RuntimeError("a bug"), "disk gone", None])
    looked = threading.Event()

    def check(_path):
        answer = next(answers, None)
        if isinstance(answer, Exception):
            raise answer
        if answer is None:
            looked.set()
        return answer

    watch = DiskWatch(tmp_path, every_s=0.02, check=check)
    with caplog.at_level(logging.ERROR, logger="kiosk.disk_watch"):
        watch.start()
        try:
            assert looked.wait(5)
        finally:
            watch.stop()
    assert watch.looks >= 3 and not watch.refused
    assert any("the write check failed" in r.getMessage() for r in caplog.records)
    assert any("disk gone" in r.getMessage() for r in caplog.records)


def test_stop_does_not_wait_for_a_look_a_failing_disk_holds(tmp_path):
    held = threading.Event()

    def check(_path):
        held.set()
        time.sleep(30)  # a failing disk's fsync
        return None

    watch = DiskWatch(tmp_path, every_s=0.01, check=check)
    watch.start()
    assert held.wait(5)
    started = time.monotonic()
    watch.stop()
    assert time.monotonic() - started < 3


def test_the_heartbeat_says_whether_the_disk_takes_writes(tmp_path, make_config):
    config = make_config()
    answers = iter(["read-only", None])
    watch = DiskWatch(tmp_path, every_s=60.0, check=lambda _p: next(answers))
    heartbeat = Heartbeat(None, config, [], disk=watch)
    assert heartbeat.status()["disk_writable"] is True  # not looked at yet: the start's check passed
    watch.look()
    assert heartbeat.status()["disk_writable"] is False
    watch.look()
    assert heartbeat.status()["disk_writable"] is True
    assert Heartbeat(None, config, []).status()["disk_writable"] is True  # nobody looks: nothing refused


def test_a_log_file_the_disk_refuses_is_said_once_on_stderr_without_a_traceback(tmp_path, capsys):
    from kiosk.logging_setup import JsonLinesFormatter, PrivateRotatingFileHandler

    with tmpfs(tmp_path / "logs", "64k") as mount:
        handler = PrivateRotatingFileHandler(mount / "kiosk.log", maxBytes=1 << 20, backupCount=2, encoding="utf-8")
        handler.setFormatter(JsonLinesFormatter())
        log = logging.getLogger("tests.disk_watch.full")
        log.propagate, log.level = False, logging.INFO
        log.addHandler(handler)
        try:
            log.info("before")
            filler = fill(mount)
            for n in range(200):  # more than the stream's buffer: the disk is asked
                log.info("refused %d %s", n, "x" * 100)
            said = capsys.readouterr().err
            assert said.count("\n") == 1 and "cannot be written (No space left on device)" in said, said
            assert "Traceback" not in said and handler.lost > 0
            filler.unlink()
            log.info("after")
            said = capsys.readouterr().err
            assert said.startswith(f"kiosk log: {mount / 'kiosk.log'} takes records again; ") and "were lost" in said
            assert handler.lost == 0
            assert '"msg": "after"' in (mount / "kiosk.log").read_text()
        finally:
            log.removeHandler(handler)
            handler.close()


def test_a_log_file_that_cannot_be_opened_stops_no_start_and_its_records_go_to_stderr(tmp_path, capsys, terminal_log):
    """A log file the terminal cannot open (left root's 0600 by a command run as root, a folder in its place) made
    ``configure_logging`` raise, and every start of ``kiosk run`` ended at once (kiosk bench data-damage). Now it is
    said once, the records go to stderr meanwhile, and the file takes them once it can."""
    folder = tmp_path / "logs"
    (folder / "kiosk.log").mkdir(parents=True)
    path = terminal_log(folder)
    logging.getLogger("tests.unopened").warning("while it cannot be opened")
    said = capsys.readouterr().err
    assert said.startswith(f"kiosk log: {path} cannot be opened (Is a directory); records go to stderr"), said
    assert "while it cannot be opened" in said and "Traceback" not in said and said.count("kiosk log:") == 1
    path.rmdir()  # put right
    logging.getLogger("tests.unopened").warning("once it can")
    said = capsys.readouterr().err
    assert "takes records again; 1 were on stderr only" in said and "once it can" in said
    assert '"msg": "once it can"' in path.read_text()
