"""Maintenance on the command line is audited too (issue 20, item 3), and the keyed chain never forks:
``kiosk queue retry | export | import | purge-delivered`` write the trail themselves when no terminal
runs, and leave their entry in the spool for the running terminal's trail when one does (it holds the
lock). The commands run as real processes of the installed ``kiosk`` command."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import logging
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from entry.cli import main
from kiosk.app import terminal_status
from kiosk.restarts import RestartLog
from kiosk.audit import AuditTrail, TrailBusyError, record_or_spool, report_text
from kiosk.audit_spool import Request, spool_request
from tests import test_audit_chain

KEY = test_audit_chain.KEY
site = test_audit_chain.site  # the fixture: a site file naming the terminal's data dir and signing key
KIOSK = Path(sys.executable).with_name("kiosk")  # the installed command beside the venv's python
USER = getpass.getuser()


@pytest.fixture
def trail_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "audit" / "trail.jsonl"


def kiosk(site: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    result = subprocess.run([str(KIOSK), "queue", "--config", str(site), *args], capture_output=True, text=True,
                            env=env, timeout=60)
    assert "Traceback" not in result.stderr
    return result


def lines_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def verified(site: Path, path: Path, capsys) -> str:
    assert main(["audit", "--config", str(site), "verify", str(path)]) == 0
    return capsys.readouterr().out


def spooled(path: Path) -> list[Path]:
    folder = path.parent / "spool"
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.exists() else []


def test_with_no_terminal_running_the_command_writes_a_verifiable_entry(site, trail_path, tmp_path, capsys):
    done = kiosk(site, "retry", "--dead")
    assert done.returncode == 0 and f"recorded in the audit trail as console:{USER}" in done.stdout
    export = kiosk(site, "export", str(tmp_path / "usb"), "--staff", "XH0004")
    assert export.returncode == 0
    entries = lines_of(trail_path)
    assert [(e["actor"], e["action"], e["detail"]) for e in entries] == [
        (f"console:{USER}", "queue_retry", "dead letters: 0 back in line"),
        (f"console:{USER} (says XH0004)", "queue_export", "0 item(s) to folder usb")]
    assert "2 entries, intact" in verified(site, trail_path, capsys)
    assert spooled(trail_path) == []
    # the command let go of the trail: a terminal opens it at once
    AuditTrail(trail_path, KEY, lock_wait_s=0).close()


def test_a_failed_action_is_recorded_as_failed_with_its_error_class(site, trail_path, tmp_path, capsys):
    (tmp_path / "a-file").write_text("not a folder")
    failed = kiosk(site, "export", str(tmp_path / "a-file" / "usb"))
    assert failed.returncode == 1 and "queue failed: NotADirectoryError" in failed.stderr
    (entry,) = lines_of(trail_path)
    assert entry["action"] == "queue_export" and entry["detail"] == "failed: NotADirectoryError"
    verified(site, trail_path, capsys)


def test_status_and_list_record_nothing_and_a_bad_staff_id_is_refused_plainly(site, trail_path):
    assert kiosk(site, "status").returncode == 0 and kiosk(site, "list").returncode == 0
    refused = kiosk(site, "retry", "--dead", "--staff", "X" * 40)
    assert refused.returncode == 2 and "a staff id is 1 to 32 printable characters" in refused.stderr
    assert not trail_path.exists()


def test_with_the_terminal_running_the_command_spools_and_the_terminal_chains_it(site, trail_path, tmp_path,
                                                                                  capsys):
    terminal = AuditTrail(trail_path, KEY)  # the running terminal: it holds the lock while open
    try:
        terminal.record("XH0001", "maintenance_sign_in")
        done = kiosk(site, "purge-delivered", "--staff", "XH0004")
        assert done.returncode == 0 and "left for the running terminal's audit trail" in done.stdout
        (request,) = spooled(trail_path)
        assert stat.S_IMODE(request.stat().st_mode) == 0o600
        assert stat.S_IMODE(request.parent.stat().st_mode) == 0o700
        asked = json.loads(request.read_text("utf-8"))
        terminal.flush()
        assert len(terminal.recent) == 1  # nothing written behind the open trail's back
        terminal.record("XH0001", "self_tests")  # a step recorded: the spool is looked at after it
        terminal.flush()
        assert [(e["actor"], e["action"]) for e in terminal.recent] == [
            ("XH0001", "maintenance_sign_in"), ("XH0001", "self_tests"),
            (f"console:{USER} (says XH0004)", "queue_purge_delivered")]
        assert terminal.recent[2]["at"] == asked["at"]  # when the action happened
        assert spooled(trail_path) == []
        terminal.record("XH0001", "maintenance_sign_out")
    finally:
        terminal.close()
    assert [e["action"] for e in lines_of(trail_path)] == ["maintenance_sign_in", "self_tests",
                                                           "queue_purge_delivered", "maintenance_sign_out"]
    assert "4 entries, intact" in verified(site, trail_path, capsys)


def test_the_heartbeat_has_an_idle_terminal_chain_the_spool(services, sandbox):
    audit = services.audit
    path = services.config.data_dir / "audit" / "trail.jsonl"
    at = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert record_or_spool(path, services.backend.audit_key, Request(at, "console:kiosk", "queue_retry",
                                                                     "dead letters: 2 back in line")) is not None
    assert audit.recent == []
    terminal_status(services.queue, audit, RestartLog(services.config.data_dir))  # what each heartbeat reports
    audit.flush()
    assert [e["at"] for e in audit.recent] == ["2026-12-01T09:30:00+08:00"]
    assert audit.verify().ok and spooled(path) == []


def test_a_damaged_spool_file_is_moved_aside_and_the_chain_goes_on(site, trail_path, capsys, caplog):
    terminal = AuditTrail(trail_path, KEY)
    try:
        folder = trail_path.parent / "spool"
        folder.mkdir(mode=0o700)
        (folder / "00000000000000000001-1-damaged.json").write_bytes(b'{"at": "yesterday", "actor":')
        (folder / "00000000000000000002-1-notes.txt").write_text("not a request: left alone")
        spool_request(folder, Request(dt.datetime.now().astimezone(), "console:kiosk", "queue_import",
                                      "1 item(s) from folder usb, 0 not imported"))
        with caplog.at_level(logging.WARNING, logger="kiosk.audit"):
            terminal.take_spooled()
            terminal.flush()
        assert [(e["actor"], e["action"]) for e in terminal.recent] == [
            ("audit", "audit_spool_rejected"), ("console:kiosk", "queue_import")]
        assert terminal.recent[0]["detail"] == "00000000000000000001-1-damaged.json moved aside"
        assert (folder / "rejected" / "00000000000000000001-1-damaged.json").exists()
        assert [p.name for p in spooled(trail_path)] == ["00000000000000000002-1-notes.txt"]
        assert any("does not read; moved aside" in r.getMessage() for r in caplog.records)
        terminal.record("XH0001", "self_tests")
    finally:
        terminal.close()
    assert "3 entries, intact" in verified(site, trail_path, capsys)


def test_the_lock_is_held_while_open_and_released_on_close(trail_path):
    first = AuditTrail(trail_path, KEY)
    first.record("XH0001", "sign_in")
    first.flush()  # its look at the spool done: a late one took the console's request below (seen under load)
    with pytest.raises(TrailBusyError):
        AuditTrail(trail_path, KEY, lock_wait_s=0)
    left = record_or_spool(trail_path, KEY, Request(dt.datetime.now().astimezone(), "console:kiosk",
                                                    "queue_retry", "dead letters: 0 back in line"))
    assert left is not None and left.exists()
    first.close()
    second = AuditTrail(trail_path, KEY, lock_wait_s=0)  # opening takes what was left meanwhile, first
    try:
        second.record("XH0001", "sign_out")
        second.flush()
        assert [e["action"] for e in second.recent] == ["sign_in", "queue_retry", "sign_out"]
        assert second.verify().ok and not left.exists()
    finally:
        second.close()


def test_a_terminal_opening_behind_a_held_lock_neither_waits_nor_loses_a_step(trail_path):
    """The terminal's GUI thread builds its trail: the lock is taken and the trail read on the writer
    thread, so a console command holding the lock at that moment holds up nothing."""
    holder = AuditTrail(trail_path, KEY)  # a console command writing the trail at this moment
    holder.record("console:kiosk", "queue_retry")
    terminal = AuditTrail(trail_path, KEY, in_background=True)  # returns while the lock is still held
    try:
        assert terminal.record("XH0001", "maintenance_sign_in") is None  # kept until the trail is open
        assert not terminal.busy
        holder.close()
        terminal.flush()
        assert [e["action"] for e in terminal.recent] == ["queue_retry", "maintenance_sign_in"]
        assert terminal.verify().ok
    finally:
        terminal.close()


def test_a_second_terminal_on_the_same_data_folder_spools_its_steps_and_says_so(trail_path):
    first = AuditTrail(trail_path, KEY)
    second = AuditTrail(trail_path, KEY, lock_wait_s=0, in_background=True)
    try:
        second.flush()
        assert second.busy
        assert second.record("XH0002", "maintenance_sign_in") is None
        second.flush()
        assert len(spooled(trail_path)) == 1  # left for the holder, which chains it after its next step
        report, acknowledged, busy = second.check()
        assert busy and "Another program holds the audit trail" in report_text(report, acknowledged, busy).render("en")
        first.record("XH0001", "sign_out")
        first.flush()
        assert [(e["actor"], e["action"]) for e in first.recent] == [
            ("XH0001", "sign_out"), ("XH0002", "maintenance_sign_in")]
        first.close()
        second.take_spooled()  # what each heartbeat does: a busy trail tries the lock again
        second.flush()
        assert not second.busy and len(second.recent) == 2
        second.record("XH0002", "maintenance_sign_out")
        second.flush()
        assert second.verify().ok and len(second.recent) == 3
    finally:
        second.close()
        first.close()


def test_closing_a_trail_before_it_opened_leaves_its_steps_in_the_spool(trail_path):
    """A terminal shut down while another process holds the trail stops waiting for the lock at once (it waited
    out the whole lock wait, 10 s by default), its steps kept for the holder."""
    holder = AuditTrail(trail_path, KEY)
    terminal = AuditTrail(trail_path, KEY, lock_wait_s=60, in_background=True)
    terminal.record("XH0001", "sign_in")
    closing = threading.Thread(target=terminal.close)
    closing.start()  # the writer waits for the lock; close tells it to stop waiting
    closing.join(timeout=30)
    assert not closing.is_alive()  # the holder still holds the lock
    assert len(spooled(trail_path)) == 1
    holder.close()
    reopened = AuditTrail(trail_path, KEY)
    try:
        reopened.flush()
        assert [e["action"] for e in reopened.recent] == ["sign_in"]
    finally:
        reopened.close()


def test_a_request_chained_just_before_the_terminal_died_is_not_chained_again(site, trail_path, capsys, caplog):
    """The entry was written and the terminal died before it deleted the request: at the next start the request
    is recognised as the trail's last entry and deleted; a later request is chained as usual."""
    terminal = AuditTrail(trail_path, KEY)
    folder = trail_path.parent / "spool"
    try:
        terminal.record("XH0001", "sign_in")
        terminal.flush()  # the spool pass after that record is over: nothing takes the next request until asked
        spool_request(folder, Request(dt.datetime.now().astimezone(), "console:kiosk", "queue_retry", "item 7"))
        (request,) = spooled(trail_path)
        left_behind = request.read_bytes()
        terminal.take_spooled()
        terminal.flush()
        assert [e["action"] for e in terminal.recent] == ["sign_in", "queue_retry"] and not spooled(trail_path)
    finally:
        terminal.close()
    request.write_bytes(left_behind)  # as if the terminal had died between writing the entry and deleting this
    spool_request(folder, Request(dt.datetime.now().astimezone(), "console:kiosk", "queue_purge", "0 item(s)"))
    with caplog.at_level(logging.WARNING, logger="kiosk.audit"):
        again = AuditTrail(trail_path, KEY)
        try:
            again.flush()
            assert [e["action"] for e in again.recent] == ["sign_in", "queue_retry", "queue_purge"]
            assert not spooled(trail_path)
        finally:
            again.close()
    assert any("not chained again" in r.getMessage() for r in caplog.records)
    assert "3 entries, intact" in verified(site, trail_path, capsys)


def test_a_command_run_as_another_account_than_the_terminals_is_refused_plainly(site, trail_path, tmp_path):
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    os.chown(data, 65534, 65534)  # the terminal's account owns the data folder; this test runs as another
    try:
        result = kiosk(site, "status")
        assert result.returncode == 2
        assert "run this as the terminal's user" in result.stderr and "sudo -u" in result.stderr
        assert list(data.iterdir()) == []  # nothing written that the terminal could not read
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}, "QT_QPA_PLATFORM": "offscreen"}
        for command in (["run", "--windowed"], ["supervise", "--windowed"]):  # a first start as root: its queue key
            started = subprocess.run([str(KIOSK), *command, "--config", str(site)], capture_output=True, text=True,
                                     env=env, timeout=60)  # and log root's, and every start after it failed
            assert started.returncode == 2 and "run this as the terminal's user" in started.stderr, started.stderr
        doctor = subprocess.run([str(KIOSK), "doctor", "--no-devices", "--config", str(site)], capture_output=True,
                                text=True, env=env, timeout=120)
        assert "WARN  offline queue: not opened: " in doctor.stdout and "Traceback" not in doctor.stderr, doctor.stdout
        assert list(data.iterdir()) == []
    finally:
        os.chown(data, os.getuid(), os.getgid())
    assert kiosk(site, "status").returncode == 0


def test_a_trail_that_cannot_be_read_has_its_steps_spooled_and_said_until_it_can_be(trail_path, caplog):
    """A folder in the trail's place (or a file the terminal may not read): the failure stayed in the writer thread's
    future, the trail "opening" for good, every step held in memory only and nothing said. Now the steps go to the
    spool as while another process holds the trail, it is said once, and each step and heartbeat tries again."""
    import logging

    trail_path.parent.mkdir(parents=True, exist_ok=True)
    trail_path.mkdir()
    with caplog.at_level(logging.ERROR, logger="kiosk.audit"):
        terminal = AuditTrail(trail_path, KEY, in_background=True)
        try:
            assert terminal.record("XH0001", "sign_in") is None
            terminal.flush()
            assert terminal.record("XH0001", "card_read", "3301**********1236") is None
            terminal.take_spooled()  # a heartbeat: tried again, still a folder
            terminal.flush()
            assert len(spooled(trail_path)) == 2  # on disk, for the trail once it reads
            said = [r.getMessage() for r in caplog.records if "cannot be read" in r.getMessage()]
            assert len(said) == 1 and "IsADirectoryError" in said[0] and "spool" in said[0], said
            from common.i18n import set_language
            from kiosk.audit import TrailUnreadableError

            with pytest.raises(TrailUnreadableError) as unreadable:  # maintenance's check, said plainly
                terminal.check()
            set_language("en")
            assert unreadable.value.message.render().startswith("The audit trail cannot be read")
            set_language("zh_CN")
            assert unreadable.value.message.render().startswith("审计记录无法读取")
            trail_path.rmdir()  # staff put it right
            terminal.take_spooled()
            terminal.flush()
            assert [e["action"] for e in terminal.recent] == ["sign_in", "card_read"] and spooled(trail_path) == []
            terminal.record("XH0001", "sign_out")
            terminal.flush()
            assert terminal.verify().ok and len(terminal.recent) == 3
        finally:
            terminal.close()
