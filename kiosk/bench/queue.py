"""``kiosk bench queue``: durable enqueue throughput and latency against a bare baseline.

Both sides do the same durable steps on the same disk, in the same run, interleaved:

- baseline, case: one SQLite insert (WAL, synchronous=FULL) of the 1 KB JSON;
- baseline, attachment: write the 1 MB file to a temporary name, fsync, rename, fsync the
  directory, then the row;
- queue: ``Outbox.enqueue`` with encryption (AES-256-GCM by default), the provisional
  number and the queue's bookkeeping (quota check, per-applicant key, metadata).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cases", type=int, default=300, help="1 KB cases per side")
    parser.add_argument("--attachments", type=int, default=60, help="1 MB attachments per side")
    parser.add_argument("--cipher", choices=("AES-256-GCM", "SM4-GCM"), default="AES-256-GCM")
    parser.add_argument("--dir", type=Path, help="where to write (default: a temporary directory)")


class Baseline:
    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.files = root / "files"
        self.files.mkdir(exist_ok=True)
        self.db = sqlite3.connect(str(root / "baseline.sqlite3"), isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("CREATE TABLE IF NOT EXISTS items (id TEXT PRIMARY KEY, body BLOB)")

    def case(self, body: bytes) -> None:
        self.db.execute("INSERT INTO items VALUES (?, ?)", (uuid.uuid4().hex, body))

    def attachment(self, data: bytes) -> None:
        from offline_queue.durable import write_durably

        item = uuid.uuid4().hex
        write_durably(self.files / f"{item}.bin", data)
        self.db.execute("INSERT INTO items VALUES (?, ?)", (item, b"{}"))


def run(args: argparse.Namespace) -> int:
    from kiosk.bench import median, percentile
    from kiosk.domain import Attachment
    from offline_queue.crypto import Sealer
    from offline_queue.outbox import Outbox, QueueLimits
    from offline_queue.sequence import ProvisionalSequence

    root = Path(args.dir or tempfile.mkdtemp(prefix="bench-queue-"))
    outbox = Outbox(root / "queue", Sealer(os.urandom(32), args.cipher), b"bench",
                    limits=QueueLimits(min_free_mb=0, max_items=10**7, max_mb=10**7))
    sequence = ProvisionalSequence(root / "sequence.json", "BENCH-T1")
    baseline = Baseline(root / "baseline")
    body = {"application_id": "x" * 32, "service_code": "GT-001", "terminal_id": "BENCH-T1",
            "applicant": {"type": "person", "id_number": "330106199003071236", "name": "张测试", "card_type": "resident"},
            "form": {"business_scope": "零售" * 90}}
    body_bytes = __import__("json").dumps(body, ensure_ascii=False).encode()
    scan = os.urandom(1024 * 1024)

    def ours_case() -> None:
        number = sequence.next()
        outbox.enqueue(dict(body, provisional_number=number), uuid.uuid4().hex, "330106199003071236", number)

    def ours_attachment() -> None:
        number = sequence.next()
        outbox.enqueue(dict(body, provisional_number=number), uuid.uuid4().hex, "330106199003071236", number,
                       [Attachment("M2-1.jpg", "image/jpeg", scan)])

    def measure(pairs: list[tuple[str, callable]], rounds: int) -> dict[str, list[float]]:
        times: dict[str, list[float]] = {name: [] for name, _ in pairs}
        for round_ in range(rounds):
            # Interleaved, and the order flips every round: an fsync right after another file's fsync
            # costs more on this file system, so neither side may always go second.
            for name, fn in (pairs if round_ % 2 == 0 else pairs[::-1]):
                began = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - began)
        return times

    for warm in (ours_case, lambda: baseline.case(body_bytes)):
        for _ in range(5):
            warm()
    cases = measure([("queue", ours_case), ("baseline", lambda: baseline.case(body_bytes))], args.cases)
    files = measure([("queue", ours_attachment), ("baseline", lambda: baseline.attachment(scan))], args.attachments)
    print(f"durable enqueue on {root} ({args.cipher}, {len(body_bytes)} byte case JSON, 1 MiB attachment)")
    print(f"{'workload':<22} {'side':<9} {'items/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
    ratios = {}
    for label, times in (("1 KB case", cases), ("1 MB attachment", files)):
        rate = {}
        for side in ("queue", "baseline"):
            values = times[side]
            rate[side] = len(values) / sum(values)
            ms = [v * 1000 for v in values]
            print(f"{label:<22} {side:<9} {rate[side]:>9.1f} {median(ms):>8.2f} {percentile(ms, 99):>8.2f}")
        ratios[label] = rate["queue"] / rate["baseline"]
    for label, ratio in ratios.items():
        print(f"{label}: throughput ratio queue/baseline = {ratio:.2f} (target >= 0.8)")
    outbox.close()
    return 0 if all(r >= 0.8 for r in ratios.values()) else 1
