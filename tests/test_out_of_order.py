"""A terminal whose disk takes no writes (worn out and remounted read-only, or full) shows that it is out of order,
in both languages, instead of ending at start for kiosk supervise to start again and again over the bare desktop
(kiosk/disk_check.py, ui/out_of_order.py). The disks are real tmpfs mounts (tests run as root)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from kiosk.disk_check import unwritable
from tests.small_disk import fill, tmpfs
from ui.out_of_order import OutOfOrder


def test_a_read_only_or_full_disk_is_said_and_a_good_one_is_not(tmp_path):
    assert unwritable(tmp_path / "data") is None and (tmp_path / "data").is_dir()
    assert list((tmp_path / "data").iterdir()) == []  # the probe is not left behind
    with tmpfs(tmp_path / "ro", "1m") as mount:
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True, timeout=10)
        assert unwritable(mount) == f"{mount}: Read-only file system"
        assert unwritable(mount / "data") == f"{mount / 'data'}: Read-only file system"  # not even made
    with tmpfs(tmp_path / "full", "64k") as mount:
        fill(mount)
        assert unwritable(mount) == f"{mount}: No space left on device"


def test_the_screen_says_so_in_both_languages_and_ends_once_the_disk_takes_writes(qtbot, tmp_path):
    with tmpfs(tmp_path / "ro", "1m") as mount:
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True, timeout=10)
        screen = OutOfOrder(mount, unwritable(mount) or "", recheck_s=0.1)
        qtbot.addWidget(screen)
        screen.resize(1280, 800)
        screen.show()
        words = [label.text() for label in screen.lines]
        assert words == ["暂停服务", "本终端暂时无法保存任何信息。请使用其他终端，或联系大厅工作人员。", "Out of order",
                         "This terminal cannot store anything right now. Please use another terminal, or ask the hall "
                         "staff."]
        assert "Read-only file system" in screen.staff.text() and "kiosk doctor" in screen.staff.text()
        screen.grab().save(str(tmp_path / "out-of-order.png"))
        qtbot.wait(400)
        assert screen.isVisible() and not screen.writable_again  # still read-only: still out of order
        subprocess.run(["mount", "-o", "remount,rw", str(mount)], check=True, timeout=10)
        qtbot.waitUntil(lambda: screen.writable_again and not screen.isVisible(), timeout=5000)


def test_kiosk_run_on_a_read_only_disk_stays_up_out_of_order(tmp_path):
    with tmpfs(tmp_path / "data", "1m") as mount:
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True, timeout=10)
        site = tmp_path / "site.toml"
        site.write_text(f'[terminal]\ndemo = true\n[paths]\ndata_dir = "{mount}"\n[backend]\nurl = "http://127.0.0.1:9"\n')
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        run = subprocess.Popen([sys.executable, "-m", "entry", "run", "--config", str(site), "--windowed"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(4)
            assert run.poll() is None, run.communicate()  # before: "kiosk: run failed: OSError ... kiosk.log"
        finally:
            run.terminate()
            _out, err = run.communicate(timeout=10)
        assert "out of order: the terminal cannot write to its disk" in err and "Read-only file system" in err
        assert "Traceback" not in err


def test_kiosk_doctor_fails_the_disk(tmp_path):
    from entry.doctor import Findings, check_disk
    from kiosk.config import load_config

    with tmpfs(tmp_path / "data", "1m") as mount:
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True, timeout=10)
        findings = Findings()
        check_disk(load_config(environ={}, overrides={"paths": {"data_dir": str(mount)}}), findings)
        assert findings.failed == 1 and findings.lines[0].startswith(
            f"FAIL  disk: cannot write: {mount}: Read-only file system; the terminal is out of order until it can")
