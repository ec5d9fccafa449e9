"""``kiosk bench audit-open``: the memory a window's audit trail takes to open, and keeps, after a year.

A window writes about ten audit entries a matter; at 100 matters a day a year's trail holds some 100,000
entries (30 MB on disk). The trail is written here with genuine keyed entries (``common.audit_chain``), the
backend's acknowledgement of them all beside it, and opened as the terminal opens it (``kiosk.audit.AuditTrail``).
Python's heap is traced across the open: its peak, what stays held once open, and the seconds it took. Until
session 50 the whole trail was parsed into memory and kept there for the process's life. Then the check staff run
(maintenance's "Check the audit trail", ``kiosk audit verify``), traced the same way: it too parsed the whole trail.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import tracemalloc
from pathlib import Path

from common.audit_chain import VERSION, entry_mac, seal_mac


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--entries", type=int, default=100_000, help="entries in the trail (a year of a window)")


def write_trail(path: Path, key: bytes, count: int) -> str:
    """A keyed trail of ``count`` entries at ``path``, all acknowledged by the backend; returns its head."""
    head = ""
    with path.open("w", encoding="utf-8") as fh:
        for seq in range(count):
            entry = {"v": VERSION, "seq": seq, "at": "2026-12-06T10:00:00+08:00", "actor": "XH0001",
                     "action": "card_read", "detail": f"3301**********1236 matter {seq // 10}", "prev_mac": head}
            entry["mac"] = head = entry_mac(key, entry)
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
    path.with_suffix(".ack").write_text(json.dumps({"count": count, "head": head}))
    path.with_suffix(".seal").write_text(json.dumps({"count": count, "head": head, "mac": seal_mac(key, count, head)}))
    return head


def run(args: argparse.Namespace) -> int:
    from kiosk.audit import AuditTrail, verify_file

    key = bytes(range(32))
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as folder:
        path = Path(folder) / "trail.jsonl"
        head = write_trail(path, key, args.entries)
        size_mb = path.stat().st_size / 1e6
        tracemalloc.start()
        began = time.perf_counter()
        trail = AuditTrail(path, key)
        took = time.perf_counter() - began
        held, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        try:
            ok = trail.written().count == args.entries and trail.head == head and trail.sent == args.entries
            kept = len(trail.recent)
        finally:
            trail.close()
        tracemalloc.start()
        began = time.perf_counter()
        report, _acknowledged = verify_file(path, key)
        checked_s = time.perf_counter() - began
        _held, check_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        ok = ok and report.ok and report.entries == args.entries
    print(f"audit trail of {args.entries:,} entries ({size_mb:.1f} MB): "
          f"opened in {took:.2f} s, Python's heap peaked at {peak / 1e6:.1f} MB and holds {held / 1e6:.2f} MB once "
          f"open ({kept} entries kept in memory); checked in {checked_s:.2f} s, the heap's peak {check_peak / 1e6:.1f} MB "
          f"({'intact' if report.ok else 'NOT intact'}); {'its head and count as written' if ok else 'WRONG'}")
    return 0 if ok else 1
