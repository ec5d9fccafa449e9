"""SIGTERM (kiosk supervise stopping the terminal, systemd at the hall's closing time) and SIGINT close the terminal
in order (ui/stop_signals.py): before, Python's default ended the process at once, the audit trail's entries still
waiting for their writer thread with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest


def _until(what, within_s: float) -> None:
    deadline = time.monotonic() + within_s
    while not what():
        assert time.monotonic() < deadline
        time.sleep(0.1)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_kiosk_run_asked_to_stop_closes_in_order_and_ends_with_status_0(tmp_path, sandbox, signum):
    site = tmp_path / "site.toml"
    site.write_text(f'[terminal]\nid = "KIOSK-STOP"\nmode = "window"\nlanguage = "en"\n[backend]\nurl = "{sandbox.url}"\n'
                    f'retries = 0\n[paths]\ndata_dir = "{tmp_path / "data"}"\n[logging]\nconsole = false\n')
    log = tmp_path / "data" / "logs" / "kiosk.log"
    run = subprocess.Popen([sys.executable, "-m", "entry", "run", "--config", str(site), "--windowed"],
                           env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
    try:
        _until(lambda: log.exists() and "long-lived objects set aside" in log.read_text(), 90)  # started
        run.send_signal(signum)
        assert run.wait(30) == 0
    finally:
        if run.poll() is None:
            run.kill()
            run.wait(10)
    said = log.read_text()
    assert f"asked to stop ({signal.Signals(signum).name}): the terminal closes in order" in said
    assert said.rstrip().splitlines()[-1].endswith('"msg": "the terminal closed in order"}')
    assert "Traceback" not in run.stderr.read()
