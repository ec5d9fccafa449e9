"""A damaged queue is never taken for an empty one: detected, moved aside, its attachments kept, staff told."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.app import terminal_status
from kiosk.restarts import Reason, Restart, RestartLog
from tests.backend_helpers import client_for
from tests.queue_helpers import SCAN, enqueue, fast_sync, outbox

ROOT = Path(__file__).resolve().parent.parent
BODY = {"application_id": "b" * 32, "applicant": {"id_number": "330106199003071236", "name": "张测试"}}

# A terminal that stores two more items and dies before closing: they are only in the write-ahead log.
DIES_WITH_THE_LOG_OPEN = """
import os, sys
from pathlib import Path
from tests.queue_helpers import SCAN, outbox
box = outbox(Path(sys.argv[1]))
for n in range(2):
    box.enqueue({"n": n}, f"key-late-{n:04d}", "C", None, [SCAN])
os._exit(0)
"""


def die_with_the_log_open(root: Path) -> None:
    subprocess.run([sys.executable, "-c", DIES_WITH_THE_LOG_OPEN, str(root)], check=True, cwd=ROOT, timeout=60)


@pytest.mark.parametrize("damage", ["empty", "missing"])
def test_an_empty_or_missing_database_file_is_not_taken_for_an_empty_queue(tmp_path, damage):
    box = outbox(tmp_path)
    item = box.enqueue(BODY, "key-00000001", "A", None, [SCAN])
    box.close()
    db = tmp_path / "queue.sqlite3"
    if damage == "empty":
        db.write_bytes(b"")
    else:
        db.unlink()
    box = outbox(tmp_path)
    assert box.recovered_from is not None
    assert (box.recovered_from / "attachments" / f"{item}.0.bin").exists()  # kept, not swept as an orphan
    reason = (box.recovered_from / "REASON.txt").read_text()
    assert ("empty (0 bytes)" if damage == "empty" else "missing") in reason
    assert box.status()["recovered_from"] == str(box.recovered_from)
    box.enqueue(BODY, "key-00000002", "A")  # the fresh queue works


def test_a_lost_write_ahead_log_is_detected_and_the_moved_aside_queue_delivered_exactly_once(sandbox, tmp_path):
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    numbers = [f"P-T-TEST-20261127-0004{n}-Q" for n in range(2)]
    earlier = [enqueue(box, client, number, [SCAN]) for number in numbers]
    box.close()  # these two are in the database file itself
    die_with_the_log_open(tmp_path)
    wal = tmp_path / "queue.sqlite3-wal"
    assert wal.exists()
    wal.unlink()
    box = outbox(tmp_path)
    assert box.recovered_from is not None
    assert "write-ahead log" in (box.recovered_from / "REASON.txt").read_text()
    assert len(list((box.recovered_from / "attachments").iterdir())) == 4  # the lost items' scans are kept too
    imported, problems = box.import_(box.recovered_from)
    assert (imported, problems) == (2, [])
    sync = fast_sync(box, client)
    while box.due():  # one item per applicant and pass: order per applicant is kept
        sync.run_once()
    assert [box.item(i).state for i in earlier] == ["delivered", "delivered"]
    assert box.import_(box.recovered_from) == (0, [])  # once only
    for number in numbers:
        assert len([c for c in sandbox.store.cases_of("330106199003071236") if c["provisional_number"] == number]) == 1


def test_a_moved_aside_item_that_was_delivered_before_the_damage_is_not_delivered_twice(sandbox, tmp_path):
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    item = enqueue(box, client, "P-T-TEST-20261127-00051-Q")
    box.close()
    stale = (tmp_path / "queue.sqlite3").read_bytes()  # a copy from before the delivery
    box = outbox(tmp_path)
    fast_sync(box, client).run_once()
    assert box.item(item).state == "delivered"
    box.close()
    aside = tmp_path / "restored"
    aside.mkdir()
    (aside / "queue.sqlite3").write_bytes(stale)
    box = outbox(tmp_path)
    assert box.import_(aside) == (0, [])  # this queue has it already
    other = outbox(tmp_path / "other")
    assert other.import_(aside)[0] == 1
    fast_sync(other, client).run_once()  # sent again under its own idempotency key: a replay, not a new case
    assert other.item(item).case_number == box.item(item).case_number
    assert len([c for c in sandbox.store.cases_of("330106199003071236")
                if c["provisional_number"] == "P-T-TEST-20261127-00051-Q"]) == 1


def test_clean_stops_and_crashes_with_the_log_kept_are_not_taken_for_damage(tmp_path):
    box = outbox(tmp_path)
    first = box.enqueue(BODY, "key-00000001", "A", None, [SCAN])
    box.close()
    box = outbox(tmp_path)
    assert box.recovered_from is None
    box.close()
    die_with_the_log_open(tmp_path)
    box = outbox(tmp_path)  # the log is there: SQLite replays it
    assert box.recovered_from is None and len(box.items(("pending",))) == 3
    box.close()
    assert outbox(tmp_path).recovered_from is None and box.item is not None
    assert not list((tmp_path / "open").iterdir()) or all(p.name.startswith(f"{os.getpid()}-")
                                                           for p in (tmp_path / "open").iterdir())
    assert outbox(tmp_path).load(first).attachments[0].data == SCAN.data


def test_the_heartbeat_reports_quarantined_held_and_where_a_queue_was_moved_aside(services, sandbox):
    services.queue.sync.stop()  # else its worker may send an item before the test sets it aside (it did, flakily)
    box = services.queue.outbox
    bad = box.enqueue(BODY, "key-00000001", "A")
    box.quarantine(bad, "test: damaged")
    held = box.enqueue(BODY, "key-00000002", "B")
    box.hold(held, "test: held")
    box.recovered_from = box.root / "corrupt-20261127-120000-abcdef"
    restarts = RestartLog(services.config.data_dir)
    restarts.add(Restart(time.time() - 60, Reason.FROZE, "no sign of life for 30 s", 4000.0))
    status = {"version": "0.1.0", "mode": "kiosk", "devices": [], "free_disk_mb": 5000.0,
              **terminal_status(services.queue, services.audit, restarts)}
    services.backend.heartbeat(status)
    held_by_backend = sandbox.store.terminal(services.config.terminal.id)
    assert held_by_backend["restarts"]["last_24h"] == 1 and held_by_backend["restarts"]["last_reason"] == "froze"
    queue = held_by_backend["queue"]
    assert (queue["quarantined"], queue["held"], queue["dead"]) == (1, 1, 0)
    assert queue["recovered_from"].endswith("corrupt-20261127-120000-abcdef")


def test_staff_see_and_import_a_moved_aside_queue_with_the_cli(tmp_path):
    from kiosk.config import load_config
    from kiosk.queue_setup import open_outbox

    config = load_config(environ={}, overrides={"paths": {"data_dir": str(tmp_path)}, "queue": {"min_free_mb": 0}})
    box = open_outbox(config)
    items = [box.enqueue(BODY, f"key-0000000{n}", "A", None, [SCAN]) for n in range(2)]
    box.close()
    db = tmp_path / "queue" / "queue.sqlite3"
    header = bytearray(db.read_bytes())
    header[36:40] = (3).to_bytes(4, "big")  # a freelist count that is not true: the integrity check fails
    db.write_bytes(bytes(header))
    box = open_outbox(config)  # the kiosk starts: the database is moved aside, a fresh one begins
    aside = box.recovered_from
    assert aside is not None and box.items() == []
    box.close()
    env = dict(os.environ, KIOSK_PATHS__DATA_DIR=str(tmp_path), KIOSK_QUEUE__MIN_FREE_MB="0")
    run = lambda *a: subprocess.run([sys.executable, "-m", "entry", "queue", *a], capture_output=True, text=True,
                                    env=env, timeout=60, cwd=ROOT)
    status = run("status")
    assert status.returncode == 0 and f"kiosk queue import {aside}" in status.stdout
    imported = run("import", str(aside))
    assert "2 item(s) imported" in imported.stdout and "integrity check" in imported.stdout  # and said so
    assert "0 item(s) imported" in run("import", str(aside)).stdout  # once only
    assert "Traceback" not in status.stderr + imported.stderr
    box = open_outbox(config)
    box.hold(box.enqueue(BODY, "key-00000009", "B"), "held: the backend holds another application")
    listing = run("list", "--state", "held")
    assert "held: the backend holds another application" in listing.stdout
    assert {i.id for i in box.items(("pending",))} == set(items)


def test_a_lost_log_is_seen_after_a_reboot_that_gave_the_terminal_its_old_pid_again(tmp_path):
    box = outbox(tmp_path)
    box.enqueue(BODY, "key-00000001", "A", None, [SCAN])
    box.close()
    # what a crash before the reboot left: a marker with the pid this process now has, and its log then lost
    (tmp_path / "open" / f"{os.getpid()}-0123456789ab-deadbeef").write_bytes(b"")
    box = outbox(tmp_path)
    assert box.recovered_from is not None and "write-ahead log" in (box.recovered_from / "REASON.txt").read_text()


@pytest.mark.parametrize("damage", ["empty", "cut", "folder"])
def test_a_damaged_queue_key_is_set_aside_the_terminal_starts_and_its_items_are_held_for_staff(
        sandbox, make_config, caplog, damage):
    """A key file cut short (a disk that filled as it was first written) or damaged made every start fail, the
    terminal started again and again for good (kiosk/queue_setup.py ``master_key``). Now it is set aside, a new key
    is made, what was queued under the old one is quarantined on delivery (kept, said to staff), and the doctor names
    the key set aside."""
    import logging

    from entry.doctor import Findings, check_queue
    from kiosk.queue_setup import build_queue, damaged_keys, key_path
    from offline_queue.outbox import ItemState

    config = make_config(sandbox.url)
    queue = build_queue(config, client_for(sandbox.url))
    item = queue.outbox.enqueue(BODY, "key-00000001", "A", None, [SCAN])
    queue.close()
    key = key_path(config)
    if damage == "folder":
        key.unlink()
        key.mkdir()
    else:
        key.write_bytes(b"" if damage == "empty" else key.read_bytes()[:16])
    with caplog.at_level(logging.ERROR, logger="kiosk.queue_setup"):
        queue = build_queue(config, client_for(sandbox.url))
    try:
        [aside] = damaged_keys(config)
        assert key.is_file() and len(key.read_bytes()) == 32 and (key.stat().st_mode & 0o777) == 0o600
        said = " ".join(r.getMessage() for r in caplog.records)
        assert f"set aside as {aside.name} and a new key made" in said
        assert queue.sync.run_once() == 0
        held = queue.outbox.item(item)
        assert held.state == ItemState.QUARANTINED and "cannot load" in held.last_error  # kept, for staff
        enqueue(queue.outbox, client_for(sandbox.url), "P-T-TEST-20261208-00051-K", [SCAN])
        assert queue.sync.run_once() == 1  # the new key seals and opens: a case queued since is delivered
    finally:
        queue.close()
    findings = Findings()
    check_queue(config, findings)
    [line] = findings.lines
    assert line.startswith("WARN  offline queue:") and f"a damaged key was set aside as {aside}" in line, line
    assert damaged_keys(config) == [aside]  # the doctor's look opened the queue and set nothing more aside
