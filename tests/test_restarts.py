"""The supervisor's record of restarts (kiosk/restarts.py): kept, bounded, summarised, and a damaged file
read as empty without a raise; ``kiosk doctor``'s line from it."""

from __future__ import annotations

import json
import stat
import time

import pytest

from entry.doctor import Findings, check_restarts
from kiosk.config import Config, PathsConfig
from kiosk.restarts import DAY_S, FILE, KEEP, Reason, Restart, RestartLog

NOW = 1_796_000_000.0


def test_restarts_are_kept_newest_last_bounded_and_private(tmp_path):
    record = RestartLog(tmp_path)
    for i in range(KEEP + 7):
        record.add(Restart(NOW + i, Reason.CRASHED, f"ended by SIGSEGV #{i}", 12.5))
    kept = record.recent()
    assert len(kept) == KEEP
    assert kept[0].detail == "ended by SIGSEGV #7" and kept[-1].detail == f"ended by SIGSEGV #{KEEP + 6}"
    assert stat.S_IMODE((tmp_path / FILE).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / FILE).parent.stat().st_mode) == 0o700
    assert not list((tmp_path / FILE).parent.glob("*.tmp"))


def test_the_summary_counts_the_last_day_and_names_the_last(tmp_path):
    record = RestartLog(tmp_path)
    assert record.summary(NOW) == {"last_24h": 0, "last_reason": "", "last_at": ""}
    record.add(Restart(NOW - DAY_S - 5, Reason.EXITED, "exited with status 1", 3.0))
    record.add(Restart(NOW - 3600, Reason.CRASHED, "ended by SIGABRT", 400.0))
    record.add(Restart(NOW - 60, Reason.FROZE, "no sign of life for 30 s", 5000.0))
    summary = record.summary(NOW)
    assert summary["last_24h"] == 2 and summary["last_reason"] == "froze"
    assert summary["last_at"] == Restart(NOW - 60, Reason.FROZE, "", 0).when()
    assert summary["last_at"].endswith("+00:00")


@pytest.mark.parametrize("text", [
    "",
    "{",
    "[1, 2]",
    '{"restarts": "many"}',
    '{"restarts": [{"at": NaN, "reason": "froze", "detail": "x", "ran_s": 1}]}',
    '{"restarts": [{"at": Infinity, "reason": "froze", "detail": "x", "ran_s": 1}]}',
    '{"restarts": [{"at": 1e400, "reason": "froze", "detail": "x", "ran_s": 1}]}',
    '{"restarts": [{"at": 5, "reason": "bored", "detail": "x", "ran_s": 1}]}',
    '{"restarts": [{"at": true, "reason": "froze", "detail": "x", "ran_s": 1}]}',
    '{"restarts": [{"at": -5, "reason": "froze", "detail": "x", "ran_s": 1}]}',
    '{"restarts": [{"at": 5, "reason": "froze", "detail": 7, "ran_s": 1}]}',
    '{"restarts": [null, "x", 3]}',
])
def test_a_damaged_record_reads_as_empty_and_the_next_restart_is_kept(tmp_path, text):
    path = tmp_path / FILE
    path.parent.mkdir(parents=True)
    path.write_text(text)
    record = RestartLog(tmp_path)
    assert record.recent() == []
    assert record.summary(NOW)["last_24h"] == 0
    record.add(Restart(NOW, Reason.FROZE, "no sign of life for 30 s", 40.0))
    assert [r.reason for r in record.recent()] == [Reason.FROZE]
    assert json.loads(path.read_text())["restarts"][0]["reason"] == "froze"


def test_a_good_entry_beside_damaged_ones_is_kept(tmp_path):
    path = tmp_path / FILE
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"restarts": [{"at": NOW, "reason": "crashed", "detail": "ended by SIGKILL",
                                              "ran_s": 9}, {"at": "yesterday"}]}))
    assert [r.detail for r in RestartLog(tmp_path).recent()] == ["ended by SIGKILL"]


def test_a_folder_that_refuses_the_record_is_logged_not_raised(tmp_path, caplog):
    (tmp_path / "maintenance").write_text("a file where the folder should be")
    RestartLog(tmp_path).add(Restart(NOW, Reason.FROZE, "no sign of life for 30 s", 40.0))
    assert "cannot be written" in caplog.text and "no sign of life for 30 s" in caplog.text


def _config(tmp_path) -> Config:
    return Config(paths=PathsConfig(data_dir=str(tmp_path)))


def test_doctor_says_none_or_lists_the_day_s_restarts_with_where_the_stacks_are(tmp_path):
    findings = Findings()
    check_restarts(_config(tmp_path), findings, now=NOW)
    assert findings.lines == ["OK    restarts: none in the last 24 hours"] and findings.warned == 0

    record = RestartLog(tmp_path)
    record.add(Restart(NOW - 2 * DAY_S, Reason.CRASHED, "ended by SIGSEGV", 30.0))
    for i in range(7):
        record.add(Restart(NOW - 600 + i, Reason.FROZE if i % 2 else Reason.EXITED, f"event {i}", 100.0 + i))
    findings = Findings()
    check_restarts(_config(tmp_path), findings, now=NOW)
    assert findings.warned == 1 and findings.failed == 0
    assert findings.lines[0].startswith("WARN  restarts: 7 in the last 24 hours (3 after a freeze; record: ")
    listed = [line for line in findings.lines if "event" in line]
    assert len(listed) == 5 and "event 6" in listed[-1] and "event 2" in listed[0]
    assert findings.lines[-1].endswith("logs/freeze-stacks.txt")
    assert not any("SIGSEGV" in line for line in findings.lines)  # two days ago: not today's


def test_restart_times_are_wall_clock_utc(tmp_path):
    restart = Restart(time.time(), Reason.EXITED, "exited with status 0", 1.0)
    assert restart.when().endswith("+00:00") and "exited: exited with status 0 (after 1 s)" in restart.line()


def test_every_reason_the_supervisor_records_is_one_the_contract_names():
    """The heartbeat's restarts.last_reason: the terminal's reasons, the client's codec and the sandbox's model agree
    (a reason added to one alone was read as none, or refused by the backend)."""
    import typing

    from kiosk.backend.codec import RESTART_REASONS
    from sandbox.models import RestartStatus

    ours = {"", *(reason.value for reason in Reason)}
    assert set(RESTART_REASONS) == ours
    assert set(typing.get_args(RestartStatus.model_fields["last_reason"].annotation)) == ours
