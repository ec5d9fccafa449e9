"""``kiosk bench queue-corrupt --flips N``: flip one random bit of a queue database; nothing lost or altered in silence.

A queue holding pending items with attachments is built once and closed (its log folded
into the database file). Each trial copies it, flips one random bit of ``queue.sqlite3``,
and starts the queue as a terminal would: opens it (a database moved aside is imported
back, as staff would with ``kiosk queue import``), then lets the sync worker deliver
everything due to a recording backend. Each item then counts as:

- intact: delivered once, with its body, idempotency key and attachments unchanged;
- quarantined: not delivered, held aside in the queue with a reason staff can read;
- moved aside: in a database moved aside at start (reported as ``recovered_from``) that
  the import could not take back, with the import's reason;
- silently lost: none of these (still pending and never due, or gone without a word);
- silently altered: delivered with anything changed, or delivered twice.

A start fails when opening the queue, the import or a sync pass raises. The exit status
is 1 on any silent loss or alteration and on any failed start.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

KEY = bytes(range(32))
SECRET = b"applicant-secret"
OUTCOMES = ("intact", "quarantined", "moved aside", "silently lost", "silently altered")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--flips", type=int, default=300)
    parser.add_argument("--items", type=int, default=10, help="pending items in the queue, each with attachments")
    parser.add_argument("--seed", type=int, default=13)


class RecordingBackend:
    """A Deliverer that takes everything and remembers exactly what it was sent."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, Any], str, list[tuple[str, str, bytes]]]] = []

    def health(self) -> dict:
        return {"status": "ok"}

    def submit_payload(self, body, idempotency_key, attachments=()):
        from common.domain import Submitted

        self.received.append((json.loads(json.dumps(body)), idempotency_key,
                              [(a.name, a.mime, bytes(a.data)) for a in attachments]))
        return Submitted(f"SQ{len(self.received):013d}", "submitted", "", 0, body.get("provisional_number"))


def _open(root: Path):
    from offline_queue.crypto import Sealer
    from offline_queue.outbox import Outbox, QueueLimits

    return Outbox(root, Sealer(KEY), SECRET, limits=QueueLimits(min_free_mb=0))


def build_queue(root: Path, items: int, rng: random.Random) -> dict[str, tuple]:
    """A closed queue of pending items with attachments; returns what each item must arrive as."""
    from common.domain import Attachment

    box = _open(root)
    originals = {}
    for n in range(items):
        key = f"corrupt-bench-key-{n:04d}"
        number = f"P-BENCH-T1-20261127-{n + 1:05d}-Q"
        body = {"application_id": f"app-{n:04d}" + "0" * 24, "service_code": "GT-001", "form": {"n": n},
                "applicant": {"id_number": f"33010619900307{n:04d}", "name": "张测试"}, "provisional_number": number}
        attachments = [Attachment(f"M{n}-{i}.jpg", "image/jpeg", rng.randbytes(rng.randint(200, 3000)))
                       for i in range(1 + n % 2)]
        item = box.enqueue(body, key, f"applicant-{n % 4}", number, attachments)
        originals[item] = (body, key, [(a.name, a.mime, a.data) for a in attachments])
    box.close()
    return originals


def trial(pristine: Path, work: Path, originals: dict[str, tuple], rng: random.Random) -> tuple[Counter, bool, str]:
    """One flipped bit: (outcome per item, whether the start failed, a note)."""
    from offline_queue.sync import SyncPolicy, SyncWorker

    shutil.copytree(pristine, work)
    db = work / "queue.sqlite3"
    data = bytearray(db.read_bytes())
    offset = rng.randrange(len(data))
    data[offset] ^= 1 << rng.randrange(8)
    db.write_bytes(bytes(data))
    outcomes: Counter = Counter()
    backend = RecordingBackend()
    box = None
    problems: list[str] = []
    try:
        box = _open(work)
        if box.recovered_from is not None:
            _imported, problems = box.import_(box.recovered_from)
        sync = SyncWorker(box, backend, SyncPolicy(base_delay_s=0.01, max_delay_s=0.02))
        for _ in range(len(originals) + 2):  # one item per applicant a pass
            if not sync.run_once():
                break
    except Exception as exc:  # a failed start or read: the thing this bench exists to catch
        if box is not None:
            box.close()
        return outcomes, True, f"byte {offset}: {type(exc).__name__}: {exc}"
    delivered = Counter(key for _body, key, _files in backend.received)
    # A flipped bit in an id can leave a valid-looking id: the row is then quarantined under it (it does
    # not authenticate), and stands for the original that is no longer found by its own id.
    strays = [i for i in box.items(("quarantined",)) if i.id not in originals and i.last_error]
    lost: list[str] = []
    for item_id, (body, key, files) in originals.items():
        sent = [(b, f) for b, k, f in backend.received if k == key]
        state = box.item(item_id)
        if sent:
            intact = len(sent) == 1 and sent[0][0] == body and sent[0][1] == files
            outcomes["intact" if intact else "silently altered"] += 1
        elif state is not None and state.state == "quarantined" and state.last_error:
            outcomes["quarantined"] += 1
        elif state is None and box.recovered_from is not None and problems:
            outcomes["moved aside"] += 1
        elif state is None and strays:
            strays.pop()
            outcomes["quarantined"] += 1
        else:
            outcomes["silently lost"] += 1
            lost.append(f"item {item_id} silently lost "
                        f"({'gone' if state is None else f'{state.state}, {state.last_error!r}'})")
    strangers = sum(n for key, n in delivered.items() if key not in {k for _b, k, _f in originals.values()})
    outcomes["silently altered"] += strangers  # sent under a key no item had
    box.close()
    silent = outcomes["silently lost"] or outcomes["silently altered"]
    return outcomes, False, f"byte {offset}: {dict(outcomes)} {lost[:1]} import: {problems[:2]}" if silent else ""


def run_flips(flips: int, items: int = 10, seed: int = 13, workdir: Path | None = None) -> dict[str, Any]:
    rng = random.Random(seed)
    work = Path(workdir or tempfile.mkdtemp(prefix="queue-corrupt-"))
    pristine = work / "pristine"
    originals = build_queue(pristine, items, rng)
    totals: Counter = Counter()
    flips_with_silent, failed_starts, notes = 0, 0, []
    for n in range(flips):
        outcomes, failed, note = trial(pristine, work / f"trial-{n}", originals, rng)
        shutil.rmtree(work / f"trial-{n}", ignore_errors=True)
        totals.update(outcomes)
        failed_starts += failed
        if note:
            notes.append(note)
        if outcomes["silently lost"] or outcomes["silently altered"]:
            flips_with_silent += 1
    shutil.rmtree(work, ignore_errors=True)
    return {"flips": flips, "items": items, "totals": {k: totals[k] for k in OUTCOMES},
            "flips_with_silent": flips_with_silent, "failed_starts": failed_starts, "notes": notes}


def run(args: argparse.Namespace) -> int:
    logging.disable(logging.CRITICAL)  # every quarantine logs an error; the tally below is the report
    began = time.monotonic()
    result = run_flips(args.flips, args.items, args.seed)
    totals = result["totals"]
    print(f"queue corruption: {result['flips']} single-bit flips of a queue database holding {result['items']} "
          f"pending items with attachments (seed {args.seed})")
    print("items over all flips: " + ", ".join(f"{k} {totals[k]}" for k in OUTCOMES))
    print(f"flips that silently lost or altered an item: {result['flips_with_silent']}; "
          f"starts or reads that raised: {result['failed_starts']}")
    for note in result["notes"][:10]:
        print(f"  {note}")
    print(f"{time.monotonic() - began:.0f} s")
    ok = result["flips_with_silent"] == 0 and result["failed_starts"] == 0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1
