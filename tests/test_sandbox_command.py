"""``kiosk sandbox --db FILE`` with a file it cannot use: one plain line and exit status 2, no server started."""

import os
import subprocess
import sys

from entry.cli import main


def _sandbox(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "entry", "sandbox", "--port", "0", *args], capture_output=True,
                          text=True, timeout=60, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))


def test_a_database_in_a_folder_that_does_not_exist_is_named(tmp_path):
    missing = tmp_path / "no-such-folder" / "hall.db"
    run = _sandbox("--db", str(missing))
    assert run.returncode == 2, run.stderr
    assert run.stderr.strip() == f"kiosk: sandbox: no folder {missing.parent} for the database {missing}"
    assert not missing.parent.exists()


def test_a_file_that_is_not_a_database_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "hall.db"
    garbage = b"not sqlite" + bytes(range(256)) * 16
    path.write_bytes(garbage)
    run = _sandbox("--db", str(path))
    assert run.returncode == 2, run.stderr
    assert run.stderr.strip() == f"kiosk: sandbox: cannot use {path} as its database (file is not a database)"
    assert "Traceback" not in run.stderr and run.stdout == ""
    assert path.read_bytes() == garbage


def test_a_keeping_period_for_drafts_that_is_no_number_of_days_is_refused(tmp_path, capsys):
    """As a process once (the other refusals here are run so); each value through the command's own ``main``."""
    path = tmp_path / "hall.db"
    refused = "kiosk: sandbox: draft_keep_days must be more than 0 and at most 3650"
    run = _sandbox("--db", str(path), "--draft-keep-days", "nan")
    assert run.returncode == 2 and run.stderr.strip() == refused, run.stderr
    for days in ("0", "-3", "inf", "4000"):
        assert main(["sandbox", "--port", "0", "--db", str(path), "--draft-keep-days", days]) == 2, days
        assert capsys.readouterr().err.strip() == refused, days
    assert not path.exists()
