"""The outbox: SQLite (WAL, synchronous=FULL) for records, encrypted files for attachments.

``enqueue`` returns only once the item is durable. Attachments are written
first (temporary name, fsync, rename, directory fsync), then the row in one
transaction; a crash in between leaves an orphan directory that the start-up
sweep removes. A database that fails its check at start is moved aside with
its attachments, and a fresh queue starts (``recovered_from`` says where).
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import orjson

from common.domain import Attachment
from common.errors import OneTripError
from common.i18n import N_, Text, text
from offline_queue.crypto import Sealer, TamperedError
from offline_queue.durable import DiskFullError, fsync_dir, sweep_temporaries, write_durably

log = logging.getLogger(__name__)

PENDING, DELIVERED, DEAD, QUARANTINED = "pending", "delivered", "dead", "quarantined"
STATES = (PENDING, DELIVERED, DEAD, QUARANTINED)

SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    seq INTEGER PRIMARY KEY,            -- the rowid: enqueue order, no extra index to write
    id TEXT NOT NULL UNIQUE,
    applicant TEXT NOT NULL,            -- keyed hash of the applicant's ID number, for per-applicant order
    idempotency_key TEXT NOT NULL,
    provisional_number TEXT,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    created_at REAL NOT NULL,
    delivered_at REAL,
    case_number TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    size INTEGER NOT NULL,
    files TEXT NOT NULL DEFAULT '[]',   -- attachment metadata: [{idx, name, mime, size}] (no personal data)
    payload BLOB                        -- sealed; NULL once purged
);
"""


class QueueFullError(OneTripError):
    """The queue will not take a new item (disk or quota); ``message`` is for the citizen."""

    def __init__(self, message: Text, detail: str) -> None:
        super().__init__(message, detail=detail)


FULL_MESSAGE = N_("This terminal cannot store applications right now. Please ask the hall staff for help.")


@dataclass(frozen=True)
class QueueLimits:
    min_free_mb: float = 200.0
    max_items: int = 2000
    max_mb: float = 2048.0


@dataclass
class Payload:
    """A decrypted item, for sending. ``wipe`` zeroes the buffers once it has been sent."""

    body: dict[str, Any]
    attachments: list[Attachment]
    buffers: list[bytearray] = field(default_factory=list, repr=False)

    def wipe(self) -> None:
        for buf in self.buffers:
            buf[:] = b"\x00" * len(buf)
        self.buffers.clear()
        self.attachments.clear()
        self.body.clear()


@dataclass(frozen=True)
class OutboxItem:
    id: str
    seq: int
    state: str
    attempts: int
    next_attempt_at: float
    created_at: float
    delivered_at: float | None
    case_number: str | None
    provisional_number: str | None
    idempotency_key: str
    last_error: str
    size: int
    has_payload: bool

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "OutboxItem":
        return cls(row["id"], row["seq"], row["state"], row["attempts"], row["next_attempt_at"], row["created_at"],
                   row["delivered_at"], row["case_number"], row["provisional_number"], row["idempotency_key"],
                   row["last_error"], row["size"], row["has_payload"])


_COLUMNS = ("id, seq, state, attempts, next_attempt_at, created_at, delivered_at, case_number, provisional_number, "
            "idempotency_key, last_error, size, payload IS NOT NULL AS has_payload")


class Outbox:
    def __init__(self, root: Path, sealer: Sealer, applicant_secret: bytes, *, limits: QueueLimits = QueueLimits(),
                 clock=time.time) -> None:
        self.root = root
        self._sealer = sealer
        self._applicant_secret = applicant_secret
        self.limits = limits
        self._clock = clock
        self._lock = threading.RLock()
        self._free_read_at, self._free_at_read, self._written_since = -1e9, 0, 0
        self.recovered_from: Path | None = None
        root.mkdir(parents=True, exist_ok=True)
        self._files = root / "attachments"
        self._db_path = root / "queue.sqlite3"
        sweep_temporaries(root)
        self._db = self._open_checked()
        self._files.mkdir(exist_ok=True)
        self._sweep_orphans()
        self._count_open()

    # -- opening, corruption ---------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(str(self._db_path), check_same_thread=False, isolation_level=None, timeout=10)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA secure_delete=ON")  # freed pages (purged payloads) are zeroed
        return db

    def _open_checked(self) -> sqlite3.Connection:
        try:
            db = self._connect()
            result = db.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                db.close()
                raise sqlite3.DatabaseError(result)
            db.executescript(SCHEMA)
            return db
        except sqlite3.DatabaseError as exc:
            self.recovered_from = self._move_aside(str(exc))
            db = self._connect()
            db.executescript(SCHEMA)
            return db

    def _move_aside(self, reason: str) -> Path:
        target = self.root / f"corrupt-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
        target.mkdir()
        for name in (self._db_path.name, self._db_path.name + "-wal", self._db_path.name + "-shm"):
            if (self.root / name).exists():
                os.rename(self.root / name, target / name)
        if self._files.exists():
            os.rename(self._files, target / "attachments")
        (target / "REASON.txt").write_text(f"queue database failed its check at start: {reason}\n", "utf-8")
        fsync_dir(self.root)
        log.error("queue: database failed its check (%s); moved aside to %s, starting a fresh queue", reason, target)
        return target

    def _attachment_path(self, item_id: str, idx: int) -> Path:
        return self._files / f"{item_id}.{idx}.bin"

    def _attachment_files(self, item_id: str) -> list[Path]:
        return sorted(self._files.glob(f"{item_id}.*.bin"))

    def _sweep_orphans(self) -> None:
        with self._lock:
            known = {r["id"] for r in self._db.execute("SELECT id FROM items WHERE payload IS NOT NULL")}
        orphans = {p.name.split(".")[0] for p in self._files.iterdir() if p.name.split(".")[0] not in known}
        for path in self._files.iterdir():
            if path.name.split(".")[0] in orphans:
                path.unlink(missing_ok=True)
        for item_id in orphans:
            log.info("queue: removed attachments of an item that never committed (%s)", item_id)

    def _count_open(self) -> None:
        """Tallies of what counts against the quota, kept in memory so enqueue does not scan the table."""
        with self._lock:
            self._open_items, self._open_bytes = self._db.execute(
                "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM items "
                "WHERE state IN ('pending', 'dead', 'quarantined')").fetchone()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- enqueue -----------------------------------------------------------------------------

    def applicant_key(self, id_number: str) -> str:
        """A keyed hash of the ID number (BLAKE2b in its keyed mode, a MAC), so rows keep order without it."""
        return hashlib.blake2b(id_number.encode(), key=self._applicant_secret, digest_size=16).hexdigest()

    def _free_bytes(self, new_bytes: int) -> int:
        """Free disk space, read at most once a second or per 8 MB written (what we wrote since is subtracted)."""
        now = time.monotonic()
        if now - self._free_read_at > 1.0 or self._written_since > 8 * 1024 * 1024:
            try:
                self._free_at_read = shutil.disk_usage(self.root).free
            except OSError as exc:
                raise QueueFullError(text(FULL_MESSAGE), f"cannot read free disk space: {exc}") from None
            self._free_read_at, self._written_since = now, 0
        return self._free_at_read - self._written_since

    def _check_room(self, new_bytes: int) -> None:
        if (self._free_bytes(new_bytes) - new_bytes) / (1024 * 1024) < self.limits.min_free_mb:
            raise QueueFullError(text(FULL_MESSAGE), f"free disk under {self.limits.min_free_mb} MB")
        count, size = self._open_items, self._open_bytes
        if count >= self.limits.max_items or (size + new_bytes) / (1024 * 1024) > self.limits.max_mb:
            raise QueueFullError(text(FULL_MESSAGE), f"queue quota reached ({count} items, {size} bytes)")

    def enqueue(self, body: dict[str, Any], idempotency_key: str, applicant_id: str,
                provisional_number: str | None = None, attachments: Iterable[Attachment] = ()) -> str:
        """Store an item durably and return its id; raises QueueFullError (nothing stored) when there is no room."""
        attachments = list(attachments)
        item_id = os.urandom(16).hex()  # as random as uuid4().hex, without building a UUID object
        sealed = self._sealer.seal(orjson.dumps(body), item_id.encode())  # UTF-8 JSON, as json.loads reads it
        size = len(sealed) + sum(len(a.data) for a in attachments)
        self._check_room(size)
        written: list[Path] = []
        try:
            if attachments:
                for idx, att in enumerate(attachments):
                    path = self._attachment_path(item_id, idx)
                    written.append(path)
                    write_durably(path, self._sealer.seal_chunks(att.data, f"{item_id}:{idx}".encode()),
                                  sync_dir=False)
                fsync_dir(self._files)  # one directory fsync covers every rename above
            now = self._clock()
            files = json.dumps([{"idx": i, "name": a.name, "mime": a.mime, "size": len(a.data)}
                                for i, a in enumerate(attachments)]) if attachments else "[]"
            with self._lock:  # one INSERT, one commit: the row is the moment the item exists
                self._db.execute(
                    "INSERT INTO items (id, applicant, idempotency_key, provisional_number, state, next_attempt_at, "
                    "created_at, size, files, payload) VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5, ?6, ?7, ?8)",
                    (item_id, self.applicant_key(applicant_id), idempotency_key, provisional_number, now, size, files,
                     sealed))
                self._open_items += 1
                self._open_bytes += size
                self._written_since += size
        except (DiskFullError, sqlite3.OperationalError, OSError) as exc:
            for path in written:
                path.unlink(missing_ok=True)
            full = isinstance(exc, DiskFullError) or "full" in str(exc) or getattr(exc, "errno", 0) == errno.ENOSPC
            if full:
                raise QueueFullError(text(FULL_MESSAGE), f"disk full while storing: {exc}") from None
            raise
        log.info("queue: stored item %s (%d bytes, %d attachments)", item_id, size, len(attachments))
        return item_id

    # -- reading and state changes ---------------------------------------------------------------

    def item(self, item_id: str) -> OutboxItem | None:
        with self._lock:
            row = self._db.execute(f"SELECT {_COLUMNS} FROM items WHERE id = ?", (item_id,)).fetchone()
        return OutboxItem.from_row(row) if row else None

    def items(self, states: Iterable[str] = STATES, limit: int = 1000) -> list[OutboxItem]:
        states = tuple(states)
        marks = ",".join("?" * len(states))
        with self._lock:
            rows = self._db.execute(f"SELECT {_COLUMNS} FROM items WHERE state IN ({marks}) ORDER BY seq LIMIT ?",
                                    (*states, limit)).fetchall()
        return [OutboxItem.from_row(r) for r in rows]

    def due(self, limit: int = 20) -> list[OutboxItem]:
        """The next item of each applicant, if its time has come, oldest first (order per applicant is kept)."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM items i WHERE state = 'pending' AND seq = "
                "(SELECT MIN(seq) FROM items j WHERE j.applicant = i.applicant AND j.state = 'pending') "
                "AND next_attempt_at <= ? ORDER BY seq LIMIT ?", (self._clock(), limit)).fetchall()
        return [OutboxItem.from_row(r) for r in rows]

    def next_due_at(self) -> float | None:
        with self._lock:
            row = self._db.execute("SELECT MIN(next_attempt_at) FROM items WHERE state = 'pending'").fetchone()
        return row[0]

    def load(self, item_id: str) -> Payload:
        """Decrypt an item for sending. TamperedError when it does not authenticate (the caller quarantines)."""
        with self._lock:
            row = self._db.execute("SELECT payload, files FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None or row["payload"] is None:
            raise TamperedError("the item has no payload")
        metas = json.loads(row["files"])
        body_bytes = bytearray(self._sealer.open(row["payload"], item_id.encode()))
        try:
            body = json.loads(body_bytes)
        except ValueError:
            raise TamperedError("the payload is not JSON") from None
        payload = Payload(body, [], [body_bytes])
        for meta in metas:
            path = self._attachment_path(item_id, meta["idx"])
            try:
                blob = path.read_bytes()
            except OSError:
                payload.wipe()
                raise TamperedError(f"attachment {meta['idx']} is missing") from None
            data = bytearray(self._sealer.open(blob, f"{item_id}:{meta['idx']}".encode()))
            payload.buffers.append(data)
            payload.attachments.append(Attachment(meta["name"], meta["mime"], bytes(data)))
        return payload

    def _leave_open(self, item_id: str) -> None:
        with self._lock:
            row = self._db.execute("SELECT state, size FROM items WHERE id = ?", (item_id,)).fetchone()
            if row is not None and row["state"] in (PENDING, DEAD, QUARANTINED):
                self._open_items -= 1
                self._open_bytes -= row["size"]

    def _update(self, item_id: str, sql: str, *args: Any) -> None:
        with self._lock:
            self._db.execute(f"UPDATE items SET {sql} WHERE id = ?", (*args, item_id))

    def mark_delivered(self, item_id: str, case_number: str, purge: bool = True) -> None:
        self._leave_open(item_id)
        self._update(item_id, "state = ?, case_number = ?, delivered_at = ?, last_error = ''",
                     DELIVERED, case_number, self._clock())
        if purge:
            self._purge_payload(item_id)

    def mark_retry(self, item_id: str, reason: str, delay_s: float) -> None:
        self._update(item_id, "attempts = attempts + 1, next_attempt_at = ?, last_error = ?",
                     self._clock() + delay_s, reason[:500])

    def mark_dead(self, item_id: str, reason: str) -> None:
        self._update(item_id, "state = ?, attempts = attempts + 1, last_error = ?", DEAD, reason[:500])
        log.warning("queue: item %s moved to dead letters: %s", item_id, reason)

    def quarantine(self, item_id: str, reason: str) -> None:
        self._update(item_id, "state = ?, last_error = ?", QUARANTINED, reason[:500])
        log.error("queue: item %s quarantined: %s", item_id, reason)

    def retry(self, item_id: str | None = None, dead: bool = False) -> int:
        """Staff: put one item, or every dead letter, back in line now."""
        with self._lock:
            if item_id is not None:
                cur = self._db.execute("UPDATE items SET state = 'pending', next_attempt_at = ? WHERE id = ? "
                                       "AND state IN ('pending', 'dead')", (self._clock(), item_id))
            elif dead:
                cur = self._db.execute("UPDATE items SET state = 'pending', next_attempt_at = ? WHERE state = 'dead'",
                                       (self._clock(),))
            else:
                return 0
            return cur.rowcount  # pending, dead and quarantined all count against the quota: no change

    # -- retention ---------------------------------------------------------------------------------

    def _purge_payload(self, item_id: str) -> None:
        with self._lock:
            self._db.execute("UPDATE items SET payload = NULL, files = '[]' WHERE id = ?", (item_id,))
        for path in self._attachment_files(item_id):
            path.unlink(missing_ok=True)

    def purge_delivered(self, older_than_s: float = 0.0, keep_metadata_days: float = 30.0) -> int:
        """Clear delivered payloads older than ``older_than_s``; drop their metadata after the retention period."""
        now = self._clock()
        with self._lock:
            ids = [r["id"] for r in self._db.execute(
                "SELECT id FROM items WHERE state = 'delivered' AND payload IS NOT NULL AND delivered_at <= ?",
                (now - older_than_s,))]
        for item_id in ids:
            self._purge_payload(item_id)
        with self._lock:
            self._db.execute("DELETE FROM items WHERE state = 'delivered' AND delivered_at < ?",
                             (now - keep_metadata_days * 86400,))
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return len(ids)

    # -- status -----------------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        with self._lock:
            counts = {s: 0 for s in STATES}
            for row in self._db.execute("SELECT state, COUNT(*) AS n FROM items GROUP BY state"):
                counts[row["state"]] = row["n"]
            oldest = self._db.execute("SELECT MIN(created_at) FROM items WHERE state = 'pending'").fetchone()[0]
        return {"counts": counts, "oldest_age_s": round(self._clock() - oldest, 1) if oldest else 0.0,
                "recovered_from": str(self.recovered_from) if self.recovered_from else None}

    # -- export and import (still encrypted) ------------------------------------------------------

    def export(self, target: Path) -> int:
        """Copy every undelivered item, still sealed, into ``target`` for manual transfer."""
        target.mkdir(parents=True, exist_ok=True)
        exported = 0
        with self._lock:
            rows = self._db.execute("SELECT * FROM items WHERE state IN ('pending', 'dead', 'quarantined') "
                                    "AND payload IS NOT NULL ORDER BY seq").fetchall()
        lines = []
        for row in rows:
            record = {k: row[k] for k in row.keys() if k not in ("payload", "files")}
            record["payload"] = row["payload"].hex()
            record["attachments"] = json.loads(row["files"])
            lines.append(json.dumps(record))
            for path in self._attachment_files(row["id"]):
                shutil.copy2(path, target / path.name)
            exported += 1
        write_durably(target / "items.jsonl", ("\n".join(lines) + "\n").encode())
        return exported

    def import_(self, source: Path) -> tuple[int, list[str]]:
        """Take items exported by a terminal with the same key. Returns (imported, problems)."""
        imported, problems = 0, []
        try:
            lines = (source / "items.jsonl").read_text("utf-8").splitlines()
        except OSError as exc:
            return 0, [f"{source / 'items.jsonl'}: {exc.strerror}"]
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                sealed = bytes.fromhex(record["payload"])
                self._sealer.open(sealed, record["id"].encode())  # same key, untampered
            except (ValueError, KeyError, TamperedError) as exc:
                problems.append(f"line {number}: not importable ({type(exc).__name__})")
                continue
            if self.item(record["id"]) is not None:
                continue
            for meta in record["attachments"]:
                name = f"{record['id']}.{meta['idx']}.bin"
                write_durably(self._files / name, (source / name).read_bytes(), sync_dir=False)
            fsync_dir(self._files)
            with self._lock:
                self._db.execute(
                    "INSERT INTO items (id, applicant, idempotency_key, provisional_number, state, attempts, "
                    "next_attempt_at, created_at, size, files, payload, last_error) VALUES (?, ?, ?, ?, 'pending', ?, "
                    "?, ?, ?, ?, ?, ?)", (record["id"], record["applicant"], record["idempotency_key"],
                                          record["provisional_number"], record["attempts"], self._clock(),
                                          record["created_at"], record["size"], json.dumps(record["attachments"]),
                                          sealed, record.get("last_error", "")))
                self._open_items += 1
                self._open_bytes += record["size"]
            imported += 1
        return imported, problems
