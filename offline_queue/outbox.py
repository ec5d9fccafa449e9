"""The outbox: SQLite (WAL, synchronous=FULL) for records, encrypted files for attachments.

``enqueue`` returns only once the item is durable. Attachments are written
first (temporary name, fsync, rename, directory fsync), then the row in one
transaction; a crash in between leaves an orphan directory that the start-up
sweep removes. A database that fails its check at start (SQLite's integrity
check, or the markers of offline_queue/recovery.py: a missing or empty file, a
lost write-ahead log) is moved aside with its attachments, and a fresh queue
starts (``recovered_from`` says where; ``import_`` takes its items back).

Each row's fixed metadata is bound to its sealed payload (offline_queue/rows.py),
so a damaged row is quarantined with the reason when it is read, never delivered
altered, and never stops the rows after it; start-up never fails on one.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import orjson

from common.domain import Attachment
from common.errors import OneTripError
from common.i18n import N_, Text, text
from common.private_files import FILE_MODE, private_dir
from offline_queue import recovery, staff_reasons, transfer
from offline_queue.crypto import NONCE, TAG, Sealer, TamperedError
from offline_queue.durable import DiskFullError, fsync_dir, sweep_temporaries, write_durably
from offline_queue.rows import (AAD_ROW, COLUMNS, OPEN_STATES, STATES, ItemState, OutboxItem, decode_text, finite,
                                id_problem, payload_aad, row_aad, state_problem)

log = logging.getLogger(__name__)

PENDING, DELIVERED, DEAD, QUARANTINED, HELD = (ItemState.PENDING, ItemState.DELIVERED, ItemState.DEAD,
                                               ItemState.QUARANTINED, ItemState.HELD)
_OPEN = ", ".join(f"'{s.value}'" for s in OPEN_STATES)  # for SQL: the enum is the one place states are spelled
SEAL_OVERHEAD = 2 + NONCE + TAG  # a sealed blob's header, nonce and tag (crypto.py)
SQLITE_FULL = 13
CANNOT_STORE_SQLITE = (SQLITE_FULL, 8, 10)  # SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR
CANNOT_STORE_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO)
_INSERT = ("INSERT INTO items (id, applicant, idempotency_key, provisional_number, state, next_attempt_at, created_at, "
           f"size, files, payload, aad) VALUES (?1, ?2, ?3, ?4, '{PENDING.value}', ?5, ?5, ?6, ?7, ?8, {AAD_ROW})")
MAX_ITEM_BYTES = 1 << 40  # a size past this is damage, not an item (it must not fill the quota)

SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    seq INTEGER PRIMARY KEY,            -- the rowid: enqueue order, no extra index to write
    id TEXT NOT NULL UNIQUE,
    applicant TEXT NOT NULL,            -- keyed hash of the applicant's ID number, for per-applicant order
    idempotency_key TEXT NOT NULL,
    provisional_number TEXT,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,      -- pending: when to try next; dead, held, quarantined: when it stopped
    created_at REAL NOT NULL,
    delivered_at REAL,
    case_number TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    size INTEGER NOT NULL,
    files TEXT NOT NULL DEFAULT '[]',   -- attachment metadata: [{idx, name, mime, size}] (no personal data)
    payload BLOB,                       -- sealed; NULL once purged
    aad INTEGER NOT NULL DEFAULT 1      -- what the payload is bound to (rows.py): 2, the row's fixed metadata
);
"""


def _schema_columns() -> list[tuple[str, str, int, int]]:
    """(name, type, not null, primary key) of each column, as SQLite reports them for SCHEMA."""
    db = sqlite3.connect(":memory:")
    try:
        db.executescript(SCHEMA)
        return [(r[1], r[2], r[3], r[5]) for r in db.execute("PRAGMA table_info(items)")]
    finally:
        db.close()


_SCHEMA_COLUMNS = _schema_columns()  # a flipped bit in the stored schema text renames or retypes a column


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
    idempotency_key: str = ""             # as authenticated with the payload: send under this one
    provisional_number: str | None = None

    def wipe(self) -> None:
        for buf in self.buffers:
            buf[:] = b"\x00" * len(buf)
        self.buffers.clear()
        self.attachments.clear()
        self.body.clear()


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
        self.damaged_rows = 0  # rows quarantined as damaged at this start
        private_dir(root)
        self._files = root / "attachments"
        self._db_path = root / "queue.sqlite3"
        self._markers = recovery.OpenMarkers(root)
        sweep_temporaries(root)
        self._db = self._open_checked()
        private_dir(self._files)
        self._check_rows()
        if self.damaged_rows or self._has_quarantined():  # a damaged row's scans may be named by its true id
            log.warning("queue: quarantined items present; attachments no row names are kept, not swept")
        else:
            self._sweep_orphans()
        self._count_open()

    # -- opening, corruption ---------------------------------------------------------------

    @property
    def sealer(self) -> Sealer:
        """The terminal's sealer (its queue key): what else it keeps sealed on disk uses it too."""
        return self._sealer

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(str(self._db_path), check_same_thread=False, isolation_level=None, timeout=10)
        for path in (self._db_path, *(self._db_path.with_name(self._db_path.name + s) for s in ("-wal", "-shm"))):
            if path.exists():  # SQLite makes its -wal and -shm with the database's mode: 0600 from here on
                os.chmod(path, FILE_MODE)
        db.row_factory = sqlite3.Row
        db.text_factory = decode_text  # a damaged byte in one row must not make a whole query raise
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA secure_delete=ON")  # freed pages (purged payloads) are zeroed
        return db

    def _check_database(self, db: sqlite3.Connection, fresh: bool) -> None:
        """SQLite's integrity check (indexes too: a damaged id index hides rows from lookups); raises when it fails.

        An index that alone disagrees with its table is rebuilt from the table (REINDEX), not thrown away.
        """
        problems = [r[0] for r in db.execute("PRAGMA integrity_check(20)")]
        if problems != ["ok"] and all("index" in p for p in problems):
            log.warning("queue: rebuilding indexes (%s)", problems[0])
            db.execute("REINDEX")
            problems = [r[0] for r in db.execute("PRAGMA integrity_check(20)")]
        if problems != ["ok"]:
            raise sqlite3.DatabaseError("; ".join(problems)[:300])
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "items" not in tables:
            if not fresh and (self.root / recovery.INITIALISED).exists():
                raise sqlite3.DatabaseError("the items table is missing")
            return
        columns = [(r[1], r[2], r[3], r[5]) for r in db.execute("PRAGMA table_info(items)")]
        if columns[:len(_SCHEMA_COLUMNS)] != _SCHEMA_COLUMNS[:len(columns)] or len(columns) < len(_SCHEMA_COLUMNS) - 1:
            raise sqlite3.DatabaseError(f"the items table is not as written: {columns}"[:300])

    def _open_checked(self) -> sqlite3.Connection:
        reason = recovery.damage(self.root, self._db_path, self._files, self._markers)
        if reason is not None:
            self.recovered_from = recovery.move_aside(self.root, self._db_path, self._files, reason)
        db = None
        try:
            db = self._connect()
            self._check_database(db, fresh=self.recovered_from is not None)
            self._create_schema(db)
        except sqlite3.DatabaseError as exc:
            if db is not None:
                db.close()
            self.recovered_from = recovery.move_aside(self.root, self._db_path, self._files, str(exc))
            db = self._connect()
            self._create_schema(db)
        self._markers.claim()
        recovery.mark_initialised(self.root)
        return db

    @staticmethod
    def _create_schema(db: sqlite3.Connection) -> None:
        db.executescript(SCHEMA)
        if "aad" not in {r[1] for r in db.execute("PRAGMA table_info(items)")}:  # a queue from before
            db.execute("ALTER TABLE items ADD COLUMN aad INTEGER NOT NULL DEFAULT 1")

    def _check_rows(self) -> None:
        """Quarantine rows whose state or id cannot be one the outbox wrote; repair attempts and retry times."""
        with self._lock:
            rows = self._db.execute("SELECT seq, id, state FROM items").fetchall()
            for row in rows:
                problem = state_problem(row["state"]) or id_problem(row["id"])
                if problem is not None:
                    self._quarantine_row(row["seq"], problem)
                    self.damaged_rows += 1
            self._db.execute(f"UPDATE items SET attempts = 0 WHERE state IN ({_OPEN}) "
                             "AND (typeof(attempts) != 'integer' OR attempts < 0)")
            self._db.execute(f"UPDATE items SET next_attempt_at = ? WHERE state IN ({_OPEN}) "
                             "AND typeof(next_attempt_at) NOT IN ('integer', 'real')", (self._clock(),))

    def _has_quarantined(self) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM items WHERE state = ? LIMIT 1",
                                    (QUARANTINED.value,)).fetchone() is not None

    def _quarantine_row(self, seq: int, reason: str) -> None:
        with self._lock:
            self._db.execute("UPDATE items SET state = ?, last_error = ?, next_attempt_at = ? WHERE seq = ?",
                             (QUARANTINED.value, reason[:500], self._clock(), seq))
        log.error("queue: row %s quarantined: %s", seq, reason)

    def _attachment_path(self, item_id: str, idx: int) -> Path:
        return self._files / f"{item_id}.{idx}.bin"

    def _attachment_files(self, item_id: str) -> list[Path]:
        """The item's attachment files on disk. Matched by name, not by a glob: pathlib compiles each new
        glob pattern to a regular expression, and every item's id made a new one (re keeps 512)."""
        prefix = f"{item_id}."
        return sorted(p for p in self._files.iterdir() if p.name.startswith(prefix) and p.name.endswith(".bin"))

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
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN typeof(size) = 'integer' AND size BETWEEN 0 AND ? "
                f"THEN size ELSE 0 END), 0) FROM items WHERE state IN ({_OPEN})", (MAX_ITEM_BYTES,)).fetchone()

    def close(self) -> None:
        with self._lock:
            self._db.close()
        self._markers.release()

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
        body_bytes = orjson.dumps(body)  # UTF-8 JSON, as json.loads reads it
        size = len(body_bytes) + SEAL_OVERHEAD + sum(len(a.data) for a in attachments)
        self._check_room(size)
        now = self._clock()
        files = json.dumps([{"idx": i, "name": a.name, "mime": a.mime, "size": len(a.data)}
                            for i, a in enumerate(attachments)]) if attachments else "[]"
        applicant = self.applicant_key(applicant_id)
        sealed = self._sealer.seal(body_bytes, row_aad(item_id, applicant, idempotency_key, provisional_number, now,
                                                       size, files))
        written: list[Path] = []
        try:
            if attachments:
                for idx, att in enumerate(attachments):
                    path = self._attachment_path(item_id, idx)
                    written.append(path)
                    write_durably(path, self._sealer.seal_chunks(att.data, f"{item_id}:{idx}".encode()),
                                  sync_dir=False)
                fsync_dir(self._files)  # one directory fsync covers every rename above
            with self._lock:  # one INSERT, one commit: the row is the moment the item exists
                self._db.execute(_INSERT, (item_id, applicant, idempotency_key, provisional_number, now, size, files,
                                           sealed))
                self._open_items += 1
                self._open_bytes += size
                self._written_since += size
        except (DiskFullError, sqlite3.OperationalError, OSError) as exc:
            for path in written:
                try:
                    path.unlink(missing_ok=True)
                except OSError:  # a read-only disk keeps what it has; sweep_temporaries and recovery see to it
                    pass
            # a disk that cannot store (full, or read-only or failing: a worn disk remounted read-only on its
            # errors): the caller's own way round (the case straight to the backend), not a failure of its own
            full = (isinstance(exc, DiskFullError) or getattr(exc, "sqlite_errorcode", None) in CANNOT_STORE_SQLITE
                    or getattr(exc, "errno", 0) in CANNOT_STORE_ERRNOS)
            if full:
                raise QueueFullError(text(FULL_MESSAGE), f"the disk cannot store the item: {exc}") from None
            raise
        log.info("queue: stored item %s (%d bytes, %d attachments)", item_id, size, len(attachments))
        return item_id

    # -- reading and state changes ---------------------------------------------------------------

    def item(self, item_id: str) -> OutboxItem | None:
        with self._lock:
            row = self._db.execute(f"SELECT {COLUMNS} FROM items WHERE id = ?", (item_id,)).fetchone()
        return OutboxItem.from_row(row) if row else None

    def pending_for(self, applicant_id: str) -> int:
        """How many items of this applicant (an ID number, or the key an item was queued under) wait to be sent."""
        with self._lock:
            row = self._db.execute("SELECT COUNT(*) FROM items WHERE applicant = ? AND state = ?",
                                   (self.applicant_key(applicant_id), PENDING.value)).fetchone()
        return int(row[0])

    def first_under(self, provisional_number: str, item_id: str) -> OutboxItem | None:
        """The first item under ``provisional_number`` queued before item ``item_id`` under the same applicant (the
        case, when one was: what waits behind a case under its number is queued after it), or None when none is
        kept (never queued here, or purged)."""
        with self._lock:
            row = self._db.execute(f"SELECT {COLUMNS} FROM items WHERE provisional_number = ?1 AND applicant = "
                                   "(SELECT applicant FROM items WHERE id = ?2) AND seq < "
                                   "(SELECT seq FROM items WHERE id = ?2) ORDER BY seq LIMIT 1",
                                   (provisional_number, item_id)).fetchone()
        return OutboxItem.from_row(row) if row else None

    def items(self, states: Iterable[str] = STATES, limit: int = 1000) -> list[OutboxItem]:
        states = tuple(str(s) for s in states)
        marks = ",".join("?" * len(states))
        with self._lock:
            rows = self._db.execute(f"SELECT {COLUMNS} FROM items WHERE state IN ({marks}) ORDER BY seq LIMIT ?",
                                    (*states, limit)).fetchall()
        return [OutboxItem.from_row(r) for r in rows]

    def due(self, limit: int = 20, horizon_s: float = 86400.0) -> list[OutboxItem]:
        """The next item of each applicant, if its time has come, oldest first (order per applicant is kept).

        A retry time more than ``horizon_s`` ahead was not set by a backoff from now: the clock was set
        back since (or the value is damaged), and the item is due rather than stuck for that long.
        """
        now = self._clock()
        with self._lock:
            rows = self._db.execute(
                f"SELECT {COLUMNS} FROM items i WHERE state = ?1 AND seq = "
                "(SELECT MIN(seq) FROM items j WHERE j.applicant = i.applicant AND j.state = ?1) "
                "AND (next_attempt_at <= ?2 OR next_attempt_at > ?3 OR next_attempt_at IS NULL) ORDER BY seq LIMIT ?4",
                (PENDING.value, now, now + horizon_s, limit)).fetchall()
        return [OutboxItem.from_row(r) for r in rows]

    def next_due_at(self) -> float | None:
        with self._lock:
            row = self._db.execute("SELECT MIN(next_attempt_at) FROM items WHERE state = ?",
                                   (PENDING.value,)).fetchone()
        return row[0] if finite(row[0]) else None

    def load(self, item_id: str) -> Payload:
        """Decrypt an item for sending, its metadata authenticated with it.

        Raises TamperedError, with the reason, for anything that keeps it from being sent as it was
        stored (the caller quarantines it): no payload, metadata or payload that does not
        authenticate, an attachment missing, damaged or of the wrong size.
        """
        with self._lock:
            row = self._db.execute("SELECT id, applicant, idempotency_key, provisional_number, created_at, size, "
                                   "files, payload, aad FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None or row["payload"] is None:
            raise TamperedError("the item has no payload")
        payload = Payload({}, [])
        try:
            try:
                body_bytes = bytearray(self._sealer.open(bytes(row["payload"]), payload_aad(row)))
            except TamperedError as exc:
                raise TamperedError(f"the payload or its row's metadata does not authenticate ({exc})") from None
            payload.buffers.append(body_bytes)
            payload.body = json.loads(body_bytes)
            payload.idempotency_key, payload.provisional_number = row["idempotency_key"], row["provisional_number"]
            for meta in json.loads(row["files"]):
                idx, name, mime, size = meta["idx"], meta["name"], meta["mime"], meta.get("size")
                try:
                    blob = self._attachment_path(item_id, int(idx)).read_bytes()
                except OSError:
                    raise TamperedError(f"attachment {idx} is missing") from None
                try:
                    data = bytearray(self._sealer.open(blob, f"{item_id}:{idx}".encode()))
                except TamperedError as exc:
                    raise TamperedError(f"attachment {idx} does not authenticate ({exc})") from None
                payload.buffers.append(data)
                if size is not None and size != len(data):
                    raise TamperedError(f"attachment {idx} has {len(data)} bytes, {size} were stored")
                payload.attachments.append(Attachment(str(name), str(mime), bytes(data)))
        except TamperedError:
            payload.wipe()
            raise
        except Exception as exc:  # anything else wrong with a row is damage to that item, not to the queue
            payload.wipe()
            raise TamperedError(f"the item does not read ({type(exc).__name__}: {exc})"[:300]) from None
        return payload

    def _leave_open(self, item_id: str) -> None:
        with self._lock:
            row = self._db.execute("SELECT state, size FROM items WHERE id = ?", (item_id,)).fetchone()
            if row is not None and row["state"] in OPEN_STATES:
                self._open_items -= 1
                self._open_bytes -= row["size"] if isinstance(row["size"], int) and row["size"] <= MAX_ITEM_BYTES else 0

    def _settle(self, item_id: str, what: str, sql: str, *args: Any) -> bool:
        """Record what a delivery attempt came to (``what``, for the log), on an item still pending; False when it is
        not. The attempt ran without the lock (a request takes seconds), so the item may have moved meanwhile: staff
        held or quarantined it, or it was deleted. What moved it stands; the attempt's outcome is not written over
        it."""
        with self._lock:
            changed = self._db.execute(f"UPDATE items SET {sql} WHERE id = ? AND state = ?",
                                       (*args, item_id, PENDING.value)).rowcount == 1
        if not changed:
            log.warning("queue: item %s was no longer pending; %s not recorded over its state", item_id, what)
        return changed

    def _stop(self, item_id: str, state: ItemState, reason: str, attempted: bool = True) -> bool:
        """A pending item stopped in ``state`` with ``reason``; the time it stopped in next_attempt_at, from which its
        retention period counts."""
        attempts = "attempts = attempts + 1, " if attempted else ""
        return self._settle(item_id, f"its move to {state.value}", f"state = ?, {attempts}last_error = ?, "
                            "next_attempt_at = ?", state.value, reason[:500], self._clock())

    def mark_delivered(self, item_id: str, case_number: str, purge: bool = True) -> None:
        """The backend holds the item as ``case_number``: recorded whatever state the item reached meanwhile, since
        that is now the truth about it (a held or quarantined copy of a delivered case would be sent twice)."""
        with self._lock:
            self._leave_open(item_id)
            self._db.execute("UPDATE items SET state = ?, case_number = ?, delivered_at = ?, last_error = '' "
                             "WHERE id = ?", (DELIVERED.value, case_number, self._clock(), item_id))
        if purge:
            self._purge_payload(item_id)

    def mark_retry(self, item_id: str, reason: str, delay_s: float) -> bool:
        return self._settle(item_id, "its retry", "attempts = attempts + 1, next_attempt_at = ?, last_error = ?",
                            self._clock() + delay_s, reason[:500])

    def mark_dead(self, item_id: str, reason: str) -> bool:
        stopped = self._stop(item_id, DEAD, reason)
        if stopped:
            log.warning("queue: item %s moved to dead letters: %s", item_id, staff_reasons.english(reason))
        return stopped

    def hold(self, item_id: str, reason: str) -> bool:
        """Keep the item, payload and all, out of delivery until staff decide (``reason`` says what happened)."""
        stopped = self._stop(item_id, HELD, reason)
        if stopped:
            log.error("queue: item %s held for staff: %s", item_id, staff_reasons.english(reason))
        return stopped

    def quarantine(self, item_id: str, reason: str) -> bool:
        """Set a pending item aside for good (it does not read); an item in any other state keeps it."""
        stopped = self._stop(item_id, QUARANTINED, reason, attempted=False)
        if stopped:
            log.error("queue: item %s quarantined: %s", item_id, reason)
        return stopped

    def discard_dead(self, item_id: str) -> bool:
        """A dead letter the applicant put right in person (refused while they waited at the terminal, corrected and
        submitted again): deleted, row and scans, so that nobody sends it again and nothing of theirs stays for its
        retention period. False, and nothing deleted, when the item is not a dead letter (staff put it back in line,
        or it is gone)."""
        if id_problem(item_id) is not None:
            return False
        with self._lock:
            deleted = self._db.execute("DELETE FROM items WHERE id = ? AND state = ?", (item_id, DEAD.value)).rowcount
            self._count_open()
        if deleted:
            for path in self._attachment_files(item_id):
                path.unlink(missing_ok=True)
            log.info("queue: dead letter %s deleted: put right and submitted again", item_id)
        return deleted == 1

    def retry(self, item_id: str | None = None, dead: bool = False) -> int:
        """Staff: put one item (pending, dead or held), or every dead letter, back in line now."""
        with self._lock:
            if item_id is not None:
                cur = self._db.execute("UPDATE items SET state = ?1, next_attempt_at = ?2 WHERE id = ?3 "
                                       "AND state IN (?1, ?4, ?5)",
                                       (PENDING.value, self._clock(), item_id, DEAD.value, HELD.value))
            elif dead:
                cur = self._db.execute("UPDATE items SET state = ?, next_attempt_at = ? WHERE state = ?",
                                       (PENDING.value, self._clock(), DEAD.value))
            else:
                return 0
            return cur.rowcount  # every open state counts against the quota: no change

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
                "SELECT id FROM items WHERE state = ? AND payload IS NOT NULL AND delivered_at <= ?",
                (DELIVERED.value, now - older_than_s))]
        for item_id in ids:
            self._purge_payload(item_id)
        with self._lock:
            self._db.execute("DELETE FROM items WHERE state = ? AND delivered_at < ?",
                             (DELIVERED.value, now - keep_metadata_days * 86400))
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return len(ids)

    def purge_stopped(self, state: ItemState, older_than_s: float, stamped_since: float = 0.0) -> int:
        """Delete items that stopped in ``state`` (dead, quarantined) more than ``older_than_s`` ago, rows and scans.

        Their period counts from when they stopped (``next_attempt_at`` is set then); a row whose time does not
        read as a number, is before ``stamped_since`` (stamped by a clock that was wrong: a dead clock battery's
        2000) or is more than a day ahead of now (a clock that was ahead) is counted from now, so it is kept a whole
        period rather than deleted at once, or kept for decades.
        """
        now = self._clock()
        with self._lock:
            self._db.execute("UPDATE items SET next_attempt_at = ? WHERE state = ? "
                             "AND (typeof(next_attempt_at) NOT IN ('integer', 'real') OR next_attempt_at < ? "
                             "OR next_attempt_at > ?)", (now, state.value, stamped_since, now + 86400.0))
            ids = [r["id"] for r in self._db.execute("SELECT id FROM items WHERE state = ? AND next_attempt_at <= ?",
                                                     (state.value, now - older_than_s))]
            self._db.execute("DELETE FROM items WHERE state = ? AND next_attempt_at <= ?",
                             (state.value, now - older_than_s))
            self._count_open()
        for item_id in ids:
            if isinstance(item_id, str) and id_problem(item_id) is None:
                for path in self._attachment_files(item_id):
                    path.unlink(missing_ok=True)
        if ids:
            log.info("queue: %d %s item(s) deleted after their retention period", len(ids), state.value)
        return len(ids)

    def stopped(self, state: ItemState) -> tuple[int, float | None]:
        """How many items are in ``state`` and when the first of them stopped (for what retention keeps)."""
        with self._lock:
            count, first = self._db.execute("SELECT COUNT(*), MIN(next_attempt_at) FROM items WHERE state = ?",
                                            (state.value,)).fetchone()
        return count, first if finite(first) else None

    # -- status -----------------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        with self._lock:
            counts = {s.value: 0 for s in STATES}
            for row in self._db.execute("SELECT state, COUNT(*) AS n FROM items GROUP BY state"):
                if row["state"] in counts:
                    counts[row["state"]] = row["n"]
            oldest = self._db.execute("SELECT MIN(created_at) FROM items WHERE state = ?",
                                      (PENDING.value,)).fetchone()[0]
            staff = self._db.execute("SELECT state, provisional_number, last_error FROM items WHERE state IN (?, ?) "
                                     "ORDER BY seq DESC LIMIT 20", (DEAD.value, HELD.value)).fetchall()
        aside = self.recovered_from or self.moved_aside()
        return {"counts": counts, "oldest_age_s": max(0.0, round(self._clock() - oldest, 1)) if finite(oldest) else 0.0,
                "recovered_from": str(aside) if aside else None,
                # what staff act on, newest first: the number the citizen holds and why (no personal data)
                "for_staff": [{"state": str(r["state"]), "provisional_number": str(r["provisional_number"] or ""),
                               "reason": staff_reasons.read(str(r["last_error"]))} for r in staff]}

    def moved_aside(self) -> Path | None:
        """The newest damaged database still kept beside the queue (this start's or an earlier one's), if any.

        It stays reported until staff have imported what it holds and removed the folder.
        """
        folders = sorted(p for p in self.root.glob(recovery.ASIDE_PREFIX + "*") if p.is_dir())
        return folders[-1] if folders else None

    # -- export and import (still encrypted) ------------------------------------------------------

    def export(self, target: Path) -> int:
        """Copy every undelivered item, still sealed, into ``target`` for manual transfer."""
        target.mkdir(parents=True, exist_ok=True)
        exported = 0
        with self._lock:
            rows = self._db.execute(f"SELECT * FROM items WHERE state IN ({_OPEN}) "
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
        """Take undelivered items from an export folder or a moved-aside queue (``corrupt-*``), sealed under
        this terminal's key. Each is taken once (by id), only if it and its attachments authenticate.
        Returns (imported, problems)."""
        if (source / "queue.sqlite3").exists():
            records = transfer.read_database(source / "queue.sqlite3")
        elif (source / "items.jsonl").exists():
            records = transfer.read_export(source)
        else:
            return 0, [f"{source}: neither an export (items.jsonl) nor a moved-aside queue (queue.sqlite3)"]
        imported, problems = 0, []
        for record in records:
            if record.problem:
                problems.append(f"{record.where}: {record.problem}")
                continue
            try:
                if self._import_one(record.fields, record.attachments_dir):
                    imported += 1
            except TamperedError as exc:
                problems.append(f"{record.where}: not importable ({exc})")
        return imported, problems

    def _import_one(self, fields: dict[str, Any], attachments_dir: Path) -> bool:
        """Verify one record and store it; False when this queue has it already. TamperedError when it is not ours."""
        try:
            item_id = fields["id"]
            if id_problem(item_id) is not None or not isinstance(fields["payload"], (bytes, bytearray)):
                raise TamperedError("damaged record")
            self._sealer.open(bytes(fields["payload"]), payload_aad(fields))  # same key, untampered
            metas = json.loads(fields["files"])
            blobs = []
            for meta in metas:
                name = f"{item_id}.{int(meta['idx'])}.bin"
                blob = (attachments_dir / name).read_bytes()
                self._sealer.open(blob, f"{item_id}:{meta['idx']}".encode())
                blobs.append((name, blob))
        except TamperedError:
            raise
        except Exception as exc:  # a missing file, a field of the wrong shape: this record only
            raise TamperedError(f"{type(exc).__name__}: {exc}"[:200]) from None
        if self.item(item_id) is not None:
            return False
        for name, blob in blobs:
            write_durably(self._files / name, blob, sync_dir=False)
        fsync_dir(self._files)
        state = fields["state"] if fields["state"] in (DEAD.value, HELD.value) else PENDING.value
        size = fields["size"] if isinstance(fields["size"], int) else 0
        with self._lock:
            self._db.execute(
                "INSERT INTO items (id, applicant, idempotency_key, provisional_number, state, attempts, "
                "next_attempt_at, created_at, size, files, payload, last_error, aad) "
                "VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)",
                (item_id, fields["applicant"], fields["idempotency_key"], fields["provisional_number"], state,
                 self._clock(), fields["created_at"], fields["size"], fields["files"], bytes(fields["payload"]),
                 str(fields.get("last_error") or ""), fields["aad"]))
            self._open_items += 1
            self._open_bytes += min(max(size, 0), MAX_ITEM_BYTES)
        log.info("queue: imported item %s (%s)", item_id, state)
        return True
