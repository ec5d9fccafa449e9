"""``kiosk bench queue-pages``: a whole case with its scanned pages enqueued durably, as the kiosk submits it.

Issue 15 asks that a case with 10 pages of about 1 MB each be in the offline queue, durably, in
under a second. Each trial is one ``Submitter``-shaped step on the real queue: the provisional
number, then ``Outbox.enqueue`` of the case JSON with its pages (each page sealed with AES-256-GCM
and fsynced, then the row), timed from the call to its return. Pages are random bytes (JPEGs do
not compress further, so random data is a fair stand-in for their size and for the cipher's work).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from pathlib import Path

TARGET_MS = 1000.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cases", type=int, default=30, help="cases to enqueue, one after another")
    parser.add_argument("--pages", type=int, default=10, help="pages per case")
    parser.add_argument("--page-kb", type=int, default=1024, help="size of each page in KiB")
    parser.add_argument("--cipher", choices=("AES-256-GCM", "SM4-GCM"), default="AES-256-GCM")
    parser.add_argument("--dir", type=Path, help="where to write (default: a temporary directory, removed)")


def run(args: argparse.Namespace) -> int:
    import shutil

    from common.domain import Attachment
    from entry.bench import median, percentile
    from offline_queue.crypto import Sealer
    from offline_queue.outbox import Outbox, QueueLimits
    from offline_queue.sequence import ProvisionalSequence

    if args.cases < 1 or args.pages < 1 or args.page_kb < 1:
        print("kiosk bench queue-pages: --cases, --pages and --page-kb must be at least 1")
        return 2
    root = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bench-queue-pages-"))
    outbox = Outbox(root / "queue", Sealer(os.urandom(32), args.cipher), b"bench",
                    limits=QueueLimits(min_free_mb=0, max_items=10**7, max_mb=10**7))
    sequence = ProvisionalSequence(root / "sequence.dat", "BENCH-T1")
    body = {"application_id": "x" * 32, "service_code": "GJJ-004", "terminal_id": "BENCH-T1",
            "applicant": {"type": "person", "id_number": "330106199003071236", "name": "张测试", "card_type": "resident"},
            "form": {"amount": 50000, "phone": "13800000001"}}
    pages = [Attachment(f"M2-{n}.jpg", "image/jpeg", os.urandom(args.page_kb * 1024)) for n in range(1, args.pages + 1)]
    times: list[float] = []
    try:
        for _ in range(args.cases):
            began = time.perf_counter()
            number = sequence.next()
            outbox.enqueue(dict(body, provisional_number=number), uuid.uuid4().hex, "330106199003071236", number, pages)
            times.append((time.perf_counter() - began) * 1000)
        stored = len(outbox.items(("pending",)))
    finally:
        outbox.close()
        if not args.dir:
            shutil.rmtree(root, ignore_errors=True)
    total_mb = args.pages * args.page_kb / 1024
    p50, p95, worst = median(times), percentile(times, 95), max(times)
    print(f"kiosk bench queue-pages: {args.cases} cases of {args.pages} pages x {args.page_kb} KiB "
          f"({total_mb:.1f} MiB a case, {args.cipher}), each enqueued durably (sealed, fsynced) on {root}")
    print(f"  enqueue ms: median {p50:.0f}, p95 {p95:.0f}, worst {worst:.0f}; {stored} cases in the queue")
    verdict = "PASS" if p95 < TARGET_MS else "FAIL"
    print(f"case_with_pages_ms  {p95:.0f}  (target p95 < {TARGET_MS:.0f})  {verdict}")
    return 0 if verdict == "PASS" else 1
