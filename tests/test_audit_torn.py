"""The audit trail after a write the terminal did not finish: a power cut mid-line, a disk that filled up mid-line.

Before: the next entry was appended to the torn bytes, the two made one unreadable line, that entry was missing from
the trail on disk, and ``kiosk audit verify`` said the trail had been edited, a false alarm after every such stop.
A failed write (a full disk) left the entries after it on disk with a gap: "entry N was removed"."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from common.audit_chain import Tamper, audit_key
from entry.cli import main
from kiosk.audit import AuditTrail, report_text, verify_file
from kiosk.audit_tail import TORN_SUFFIX
from tests.small_disk import fill, tmpfs

KEY = audit_key(bytes(range(32)))


def entries(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


def trail_of(path: Path, steps: int) -> None:
    trail = AuditTrail(path, KEY)
    for i in range(steps):
        trail.record("XH0001", "card_read", f"3301**********{i:04d}")
    trail.close()


def power_cut_mid_line(path: Path, keep: int) -> bytes:
    """The trail as a stop leaves it while its last entry was being appended: only ``keep`` of the entry's bytes
    reached the disk, and its seal (written after the entry's fsync) still names the entry before."""
    trail_of(path, 4)
    sealed = path.with_suffix(".seal").read_bytes()
    trail = AuditTrail(path, KEY)
    trail.record("XH0001", "accepted", "SQ2026120700042")
    trail.close()
    lines = path.read_bytes().splitlines(keepends=True)
    torn = lines[-1][:keep]
    path.write_bytes(b"".join(lines[:-1]) + torn)
    path.with_suffix(".seal").write_bytes(sealed)
    return torn


@pytest.mark.parametrize("keep", [1, 40, 200])
def test_a_line_cut_by_a_power_cut_is_set_aside_and_the_trail_goes_on_intact(tmp_path, keep):
    path = tmp_path / "audit" / "trail.jsonl"
    torn = power_cut_mid_line(path, keep)
    report, _ = verify_file(path, KEY)  # staff look before the terminal starts again
    assert report.ok and report.entries == 4 and report.torn_bytes == keep
    said = report_text(report, verify_file(path, KEY)[1]).render("en")
    assert "4 entries, intact" in said and f"({keep} byte" in said and "did not finish" in said

    trail = AuditTrail(path, KEY)
    first = trail.record("XH0001", "sign_in", "after the power cut")
    trail.close()
    lines = entries(path)  # every line reads
    assert [e["seq"] for e in lines] == [0, 1, 2, 3, 4, 5]
    assert lines[4]["action"] == "audit_torn_tail" and f"{keep} bytes" in lines[4]["detail"]
    assert lines[5] == first
    assert path.with_name(path.name + TORN_SUFFIX).read_bytes() == torn
    assert os.stat(path.with_name(path.name + TORN_SUFFIX)).st_mode & 0o777 == 0o600
    report, _ = verify_file(path, KEY)
    assert report.ok and report.entries == 6 and report.torn_bytes == 0


def test_the_command_says_intact_with_the_unfinished_line(tmp_path, capsys):
    key_file = tmp_path / "signing.key"
    key_file.write_text(bytes(range(32)).hex())
    site = tmp_path / "site.toml"
    site.write_text(f'[terminal]\nid = "T-AUDIT"\n[paths]\ndata_dir = "{tmp_path / "data"}"\n'
                    f'[backend]\nsigning_key_file = "{key_file}"\n')
    path = tmp_path / "data" / "audit" / "trail.jsonl"
    power_cut_mid_line(path, 40)
    assert main(["audit", "--config", str(site), "verify", str(path)]) == 0
    out = capsys.readouterr().out
    assert "4 entries, intact" in out and "40 bytes" in out


def test_a_whole_entry_that_lost_only_its_line_ending_is_kept(tmp_path):
    path = tmp_path / "audit" / "trail.jsonl"
    trail_of(path, 3)
    path.write_bytes(path.read_bytes()[:-1])  # the newline never reached the disk; the seal names the entry
    trail = AuditTrail(path, KEY)
    trail.record("XH0001", "sign_out")
    trail.close()
    assert [e["seq"] for e in entries(path)] == [0, 1, 2, 3]
    assert not path.with_name(path.name + TORN_SUFFIX).exists()
    assert verify_file(path, KEY)[0].ok


def test_a_sealed_entry_cut_short_is_not_set_aside_but_reported(tmp_path):
    """Bytes of an entry the seal counts are not a write left unfinished: the trail was cut after it was written.
    The terminal keeps what is there, goes on on a line of its own, and the check says what was lost."""
    path = tmp_path / "audit" / "trail.jsonl"
    trail_of(path, 4)
    data = path.read_bytes()
    path.write_bytes(data[:-30])
    trail = AuditTrail(path, KEY)
    trail.record("XH0001", "sign_in")
    trail.close()
    assert not path.with_name(path.name + TORN_SUFFIX).exists()
    assert path.read_bytes().startswith(data[:-30] + b"\n")
    report, _ = verify_file(path, KEY)
    assert not report.ok and report.finding.kind is Tamper.EDITED and report.finding.seq == 3


@pytest.fixture
def small_disk(tmp_path):
    with tmpfs(tmp_path / "small", "64k") as mount:
        yield mount


def test_a_disk_full_mid_line_leaves_no_torn_line_and_the_entries_are_written_once_it_has_room(small_disk, caplog):
    path = small_disk / "audit" / "trail.jsonl"
    trail = AuditTrail(path, KEY)
    detail = "3301**********1234 " * 10
    line = len(json.dumps(trail.record("XH0001", "card_read", detail), ensure_ascii=False).encode()) + 1
    trail.flush()
    for _ in range(40):  # until the next entry would begin in the file's last page and end past it
        if 1 <= 4096 - path.stat().st_size % 4096 < line - 1:
            break
        trail.record("XH0001", "card_read", detail)
        trail.flush()
    else:
        raise AssertionError("no entry ends past a page")
    filler = fill(small_disk)
    size = path.stat().st_size
    stuck = [trail.record("XH0001", "accepted", detail) for _ in range(3)]
    trail.flush()
    assert "could not write the trail" in caplog.text
    assert path.stat().st_size == size  # what part of the line the disk took was taken back
    assert trail.unsent()[-3:] == stuck  # while the disk refuses them, the backend is their copy
    filler.unlink()
    after = trail.record("XH0001", "sign_out")
    trail.flush()
    trail.close()
    lines = entries(path)
    assert lines[-4:] == [*stuck, after]
    assert [e["seq"] for e in lines] == list(range(len(lines)))
    assert verify_file(path, KEY)[0].ok


def test_a_step_is_pushed_only_once_it_is_on_disk(tmp_path):
    """A push right after a step (record_and_push) sent it while the writer was still at its fsync: a power cut then
    left the backend holding an entry the disk did not, the trail chained another in its place, and the backend
    refused every push after (chain broken) until staff came. The push now waits for the step's write and sends
    only what is on disk."""
    import threading

    path = tmp_path / "audit" / "trail.jsonl"
    trail = AuditTrail(path, KEY)
    trail.record("XH0001", "sign_in")
    trail.flush()
    assert [e["seq"] for e in trail.unsent()] == [0]
    held = threading.Event()
    trail._writer.submit(held.wait, 10)  # the writer busy (a slow disk's fsync)
    entry = trail.record("XH0001", "accepted", "SQ2026120700042")
    assert [e["seq"] for e in trail.unsent()] == [0]  # not on disk: not to be pushed
    assert len(entries(path)) == 1
    held.set()
    trail.wait_written()
    assert trail.unsent()[-1] == entry and len(entries(path)) == 2
    trail.close()


@pytest.mark.parametrize("damage", ["missing", "unreadable", "cut"])
def test_a_lost_seal_or_a_cut_tail_found_on_opening_is_carried_by_the_trail_itself(tmp_path, damage):
    """The seal is written again after the next entry, over what opening found: the log said it, and then nothing
    did. The trail's next entry now says it (as it does for a torn line)."""
    path = tmp_path / "audit" / "trail.jsonl"
    trail_of(path, 4)
    seal = path.with_suffix(".seal")
    if damage == "missing":
        seal.unlink()
    elif damage == "unreadable":
        seal.write_bytes(b"\x00garbled")
    else:
        path.write_bytes(b"".join(path.read_bytes().splitlines(keepends=True)[:3]))
    report, _ = verify_file(path, KEY)
    assert not report.ok and report.finding.kind is Tamper.TRUNCATED  # as staff would find it before the start
    trail = AuditTrail(path, KEY)
    trail.record("XH0001", "sign_in")
    trail.close()
    written = entries(path)
    action = "audit_tail_cut" if damage == "cut" else "audit_seal_lost"
    assert [e["action"] for e in written[-2:]] == [action, "sign_in"]
    assert (damage if damage != "cut" else "its tail was cut") in written[-2]["detail"]
    report, _ = verify_file(path, KEY)
    assert report.ok  # sealed again: the finding is the trail's entry now
