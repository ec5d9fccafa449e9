"""Undelivered items out of a queue and into another, still sealed: export folders and moved-aside databases.

``read_export`` reads a folder made by ``Outbox.export`` (``items.jsonl`` and the
attachment files); ``read_database`` reads a queue database that was moved aside
as damaged (``corrupt-*/queue.sqlite3`` with its ``-wal`` and ``attachments/``),
row by row, so one unreadable row or page costs that row, not the rest. It reads a
copy: the moved-aside folder stays as it was found. Each yields records for
``Outbox.import_``, which takes a record only if its payload and every attachment
authenticate under this terminal's key, and only once (by item id); delivery
then goes under the item's own idempotency key, so an item that had in fact been
delivered before the damage is answered as a replay, not made a second case.
"""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from offline_queue.rows import AAD_ITEM_ID, ItemState, decode_text

log = logging.getLogger(__name__)

IMPORTED_STATES = (ItemState.PENDING, ItemState.DEAD, ItemState.HELD)
FIELDS = ("id", "applicant", "idempotency_key", "provisional_number", "state", "attempts", "created_at", "size",
          "files", "payload", "last_error", "aad")


@dataclass
class Record:
    """One item as found in the source, with where its attachment files are; ``problem`` when unreadable."""

    where: str
    fields: dict[str, Any]
    attachments_dir: Path
    problem: str = ""


def read_export(source: Path) -> Iterator[Record]:
    try:
        lines = (source / "items.jsonl").read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        yield Record(str(source / "items.jsonl"), {}, source, f"cannot read: {exc}")
        return
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            fields = {k: record.get(k) for k in FIELDS}
            fields["payload"] = bytes.fromhex(record["payload"])
            fields["files"] = json.dumps(record["attachments"])
            fields["aad"] = record.get("aad", AAD_ITEM_ID)
            fields["state"] = ItemState.PENDING.value
            yield Record(f"line {number}", fields, source)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            yield Record(f"line {number}", {}, source, f"not importable ({type(exc).__name__})")


def read_database(db_file: Path) -> Iterator[Record]:
    """Rows of a moved-aside database that were not delivered; each read on its own (a damaged page costs a row)."""
    attachments = db_file.parent / "attachments"
    with tempfile.TemporaryDirectory(prefix="queue-import-", dir=db_file.parent) as tmp:
        copy = Path(tmp) / db_file.name
        try:
            shutil.copyfile(db_file, copy)
            wal = db_file.with_name(db_file.name + "-wal")
            if wal.exists():
                shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
            db = sqlite3.connect(str(copy), timeout=5)
            db.text_factory = decode_text
            db.row_factory = sqlite3.Row
            try:
                check = [r[0] for r in db.execute("PRAGMA integrity_check(5)")]
            except sqlite3.Error as exc:
                check = [str(exc)]
            if check != ["ok"]:  # a damaged page can hide rows from every query: say so, keep the folder
                yield Record(str(db_file), {}, attachments,
                             f"the database fails its integrity check ({'; '.join(check)[:200]}): rows on damaged "
                             f"pages may not be readable; keep this folder")
            seqs: list[int] = []
            try:
                seqs.extend(r[0] for r in db.execute("SELECT seq FROM items ORDER BY seq"))
            except sqlite3.Error as exc:  # a damaged page: the rows listed before it are still read
                yield Record(str(db_file), {}, attachments, f"rows after {seqs[-1] if seqs else 0} unreadable ({exc})")
        except (OSError, sqlite3.Error) as exc:
            yield Record(str(db_file), {}, attachments, f"cannot read the database: {exc}")
            return
        try:
            try:
                columns = {r[1] for r in db.execute("PRAGMA table_info(items)")}
            except sqlite3.Error as exc:
                yield Record(str(db_file), {}, attachments, f"cannot read the table's columns: {exc}")
                return
            wanted = ", ".join(f if f in columns else f"{AAD_ITEM_ID} AS aad" if f == "aad" else f"NULL AS {f}"
                               for f in FIELDS)
            for seq in seqs:
                try:
                    row = db.execute(f"SELECT {wanted} FROM items WHERE seq = ?", (seq,)).fetchone()
                except sqlite3.Error as exc:
                    yield Record(f"row {seq}", {}, attachments, f"unreadable ({exc})")
                    continue
                if row is None:
                    yield Record(f"row {seq}", {}, attachments, "listed but not found (a damaged page)")
                    continue
                if row["state"] in (ItemState.DELIVERED.value, ItemState.QUARANTINED.value):
                    continue
                if row["state"] not in {s.value for s in IMPORTED_STATES} or row["payload"] is None:
                    yield Record(f"row {seq}", {}, attachments, f"damaged (state {row['state']!r:.20}, "
                                                                f"payload {'absent' if row['payload'] is None else 'there'})")
                    continue
                yield Record(f"row {seq}", dict(row), attachments)
        finally:
            db.close()
