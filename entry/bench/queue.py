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
    parser.add_argument("--cases", type=int, default=400, help="1 KB cases per side and trial")
    parser.add_argument("--attachments", type=int, default=150, help="1 MB attachments per side and trial")
    parser.add_argument("--trials", type=int, default=5,
                        help="independent trials; the verdict is each ratio's median over them (fsync times on a "
                             "shared virtual disk swing by 2x from minute to minute)")
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

    def attachment(self, data: bytes, body: bytes) -> None:
        from offline_queue.durable import write_durably

        item = uuid.uuid4().hex
        write_durably(self.files / f"{item}.bin", data)
        self.db.execute("INSERT INTO items VALUES (?, ?)", (item, body))


def unsealed_attachments(sealer):
    """A diagnostic: the queue with attachment encryption switched off, to show what the rest of it costs."""

    class Unsealed(type(sealer)):
        def seal_chunks(self, plaintext: bytes, associated: bytes, chunk: int = 256 * 1024):
            view = memoryview(plaintext)  # the same pieces as the sealed stream, just not encrypted
            for start in range(0, len(view), chunk):
                yield view[start:start + chunk]

    return Unsealed(sealer.master, sealer.algorithm)


def run(args: argparse.Namespace) -> int:
    from entry.bench import median, percentile
    from common.domain import Attachment
    from offline_queue.crypto import Sealer
    from offline_queue.outbox import Outbox, QueueLimits
    from offline_queue.sequence import ProvisionalSequence

    root = Path(args.dir or tempfile.mkdtemp(prefix="bench-queue-"))
    outbox = Outbox(root / "queue", Sealer(os.urandom(32), args.cipher), b"bench",
                    limits=QueueLimits(min_free_mb=0, max_items=10**7, max_mb=10**7))
    plain = Outbox(root / "queue-plain", unsealed_attachments(Sealer(os.urandom(32), args.cipher)), b"bench",
                   limits=QueueLimits(min_free_mb=0, max_items=10**7, max_mb=10**7))
    sequence = ProvisionalSequence(root / "sequence.dat", "BENCH-T1")
    baseline = Baseline(root / "baseline")
    body = {"application_id": "x" * 32, "service_code": "GT-001", "terminal_id": "BENCH-T1",
            "applicant": {"type": "person", "id_number": "330106199003071236", "name": "张测试", "card_type": "resident"},
            "form": {"business_scope": "零售" * 90}}
    body_bytes = __import__("json").dumps(body, ensure_ascii=False).encode()
    scan = os.urandom(1024 * 1024)

    # The idempotency key is an input, like the body: the app creates it with the Application, long
    # before the submission, so making it is no part of an enqueue.
    keys = iter([uuid.uuid4().hex for _ in range(5 + args.trials * (args.cases + 2 * args.attachments))])

    def ours_case() -> None:
        number = sequence.next()  # issued in the submission, right before the enqueue: counted
        outbox.enqueue(dict(body, provisional_number=number), next(keys), "330106199003071236", number)

    def ours_attachment(queue: Outbox = outbox) -> None:
        number = sequence.next()
        queue.enqueue(dict(body, provisional_number=number), next(keys), "330106199003071236", number,
                      [Attachment("M2-1.jpg", "image/jpeg", scan)])

    def measure(sides: list[tuple[str, callable]], count: int, block: int) -> dict[str, list[float]]:
        """``count`` items per side, in blocks of ``block`` items of one side at a time.

        Throughput is a sustained rate, so each side runs in blocks where every item follows one of
        its own; the order of the sides rotates every cycle (AB BA ..., or ABC BCA CAB ...) so that
        drift in the disk's speed falls on all of them alike. Item by item interleaving was tried
        first: an fsync right after another file's fsync costs up to twice as much here, so the
        result depended on who went second.
        """
        times: dict[str, list[float]] = {name: [] for name, _ in sides}
        cycle = 0
        while len(times[sides[0][0]]) < count:
            n = min(block, count - len(times[sides[0][0]]))
            order = sides[cycle % len(sides):] + sides[:cycle % len(sides)]
            for name, fn in order:
                for _ in range(n):
                    began = time.perf_counter()
                    fn()
                    times[name].append(time.perf_counter() - began)
            cycle += 1
        return times

    for warm in (ours_case, lambda: baseline.case(body_bytes)):
        for _ in range(5):
            warm()
    print(f"durable enqueue on {root} ({args.cipher}, {len(body_bytes)} byte case JSON, 1 MiB attachment), "
          f"{args.trials} trials of {args.cases} cases and {args.attachments} attachments per side")
    print(f"{'trial':<6} {'workload':<16} {'side':<9} {'items/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6}")
    ratios: dict[str, list[float]] = {"1 KB case": [], "1 MB attachment": []}
    for trial in range(1, args.trials + 1):
        cases = measure([("queue", ours_case), ("baseline", lambda: baseline.case(body_bytes))], args.cases, 50)
        files = measure([("queue", ours_attachment), ("baseline", lambda: baseline.attachment(scan, body_bytes)),
                         ("unsealed", lambda: ours_attachment(plain))], args.attachments, 25)
        for label, times in (("1 KB case", cases), ("1 MB attachment", files)):
            rate = {side: len(values) / sum(values) for side, values in times.items()}
            ratios[label].append(rate["queue"] / rate["baseline"])
            for side in times:
                ms = [v * 1000 for v in times[side]]
                shown = f"{ratios[label][-1]:>6.2f}" if side == "queue" else ""
                print(f"{trial:<6} {label:<16} {side:<9} {rate[side]:>9.1f} {median(ms):>8.2f} "
                      f"{percentile(ms, 99):>8.2f} {shown}")
    verdicts = {}
    for label, values in ratios.items():
        verdicts[label] = median(values)
        print(f"{label}: throughput ratio queue/baseline = {verdicts[label]:.2f} (median of "
              f"{', '.join(f'{v:.2f}' for v in values)}; target >= 0.8)")
    print("(unsealed: the queue with attachment encryption switched off, a diagnostic; the gap between it and "
          "'queue' is the AES-GCM/SM4-GCM pass over the scan)")
    outbox.close()
    plain.close()
    return 0 if all(r >= 0.8 for r in verdicts.values()) else 1
