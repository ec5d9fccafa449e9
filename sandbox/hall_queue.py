"""The hall's queue (叫号): tickets taken at a terminal or the ticket dispenser, called by the windows.

A ticket is a number of its queue category for the day (``A012``: category A, the 12th of the day), the
service it was taken for when one was named, and nothing of the person: a ticket stands for whoever holds
the paper. Its life: ``waiting`` -> ``called`` (to one window; called again as often as the clerk asks)
-> ``served`` or ``no_show``. Numbers count from 1 each day per category, and every ticket of an earlier
day is expired: never called, never finished, not counted as waiting (the hall closes at night).

Nothing is done twice by a retry:

- taking a ticket under an ``Idempotency-Key`` from the same terminal answers the ticket that key took
  (a dispenser's retry after a lost answer prints the same number, not a second one);
- calling under an ``Idempotency-Key`` from the same terminal answers the ticket that key called, however
  often asked: a window's retry after a lost answer does not skip the citizen it called;
- a window calls one ticket at a time: calling the next finishes the one it called before as ``served``
  when its clerk had not finished it (a finish lost on the way is healed by the next call);
- finishing a finished ticket with the same outcome answers it again; with the other, 409.

The day is the sandbox's local date, read through ``clock`` (tests move it past midnight).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from sandbox.store import Store

TABLES = """
CREATE TABLE IF NOT EXISTS queue_tickets (day TEXT NOT NULL, number TEXT NOT NULL, category TEXT NOT NULL,
    service_code TEXT, status TEXT NOT NULL, window INTEGER, calls INTEGER NOT NULL DEFAULT 0,
    issued REAL NOT NULL, called REAL, finished REAL, terminal_id TEXT NOT NULL, PRIMARY KEY (day, number));
CREATE TABLE IF NOT EXISTS queue_keys (kind TEXT NOT NULL, idempotency_key TEXT NOT NULL, terminal_id TEXT NOT NULL,
    day TEXT NOT NULL, number TEXT NOT NULL, digest TEXT NOT NULL,
    PRIMARY KEY (kind, idempotency_key, terminal_id));
"""

# The hall's queue categories: a letter each. A ticket taken for a service is of its service category's queue.
CATEGORIES = {"A": ("综合受理", "General services"), "B": ("企业开办", "Business start-up")}
SERVICE_CATEGORY_QUEUE = {"market": "B"}  # every other service category queues under A
WAITING, CALLED, SERVED, NO_SHOW = "waiting", "called", "served", "no_show"
FINISHED = (SERVED, NO_SHOW)


class QueueConflict(Exception):
    """``idempotency_conflict`` (other content under a key), ``not_called_here`` (a ticket this window did not
    call), ``already_finished`` (finished with the other outcome)."""

    def __init__(self, reason: str, status: str = "") -> None:
        super().__init__(reason)
        self.reason, self.status = reason, status


def queue_of(service_category: str) -> str:
    return SERVICE_CATEGORY_QUEUE.get(service_category, "A")


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")


class HallQueue:
    def __init__(self, store: Store, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self.clock = clock
        with store.tx() as db:
            for statement in TABLES.split(";"):  # executescript would commit the transaction
                if statement.strip():
                    db.execute(statement)

    def _today(self) -> tuple[str, float]:
        """(the day's key, when it ends): tickets expire at the end of the day they were taken."""
        now = dt.datetime.fromtimestamp(self.clock())
        end = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time())
        return now.strftime("%Y%m%d"), end.timestamp()

    def _ticket(self, row: Any, db: Any) -> dict[str, Any]:
        day, expires = self._today()
        ahead = db.execute("SELECT COUNT(*) FROM queue_tickets WHERE day = ? AND category = ? AND status = ? "
                           "AND issued < ?", (row["day"], row["category"], WAITING, row["issued"])).fetchone()[0] \
            if row["status"] == WAITING else 0
        if row["day"] != day:  # of an earlier day (a replay): expired
            expires = dt.datetime.combine(dt.datetime.strptime(row["day"], "%Y%m%d").date() + dt.timedelta(days=1),
                                          dt.time()).timestamp()
        return {"ticket_number": row["number"], "category": row["category"], "service_code": row["service_code"],
                "status": row["status"] if row["day"] == day or row["status"] in FINISHED else "expired",
                "waiting_ahead": ahead, "window": row["window"], "calls": row["calls"],
                "issued_at": _iso(row["issued"]), "called_at": _iso(row["called"]) if row["called"] else None,
                "finished_at": _iso(row["finished"]) if row["finished"] else None, "expires_at": _iso(expires)}

    def _keyed(self, db: Any, kind: str, key: str | None, terminal_id: str, digest: str) -> Any:
        """The ticket a key already answered for (None when the key is new); QueueConflict for other content."""
        if not key:
            return None
        row = db.execute("SELECT day, number, digest FROM queue_keys WHERE kind = ? AND idempotency_key = ? AND "
                         "terminal_id = ?", (kind, key, terminal_id)).fetchone()
        if row is None:
            return None
        if row["digest"] != digest:
            raise QueueConflict("idempotency_conflict")
        return db.execute("SELECT * FROM queue_tickets WHERE day = ? AND number = ?",
                          (row["day"], row["number"])).fetchone()

    def take(self, category: str, service_code: str | None, terminal_id: str,
             idempotency_key: str | None = None) -> tuple[dict[str, Any], bool]:
        """A new ticket of ``category``: (the ticket, replayed)."""
        digest = json.dumps([category, service_code])
        with self._store.tx() as db:
            held = self._keyed(db, "take", idempotency_key, terminal_id, digest)
            if held is not None:
                return self._ticket(held, db), True
            day, _ = self._today()
            number = f"{category}{self._store.next_number(db, f'queue:{day}:{category}'):03d}"
            db.execute("INSERT INTO queue_tickets (day, number, category, service_code, status, issued, terminal_id) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)", (day, number, category, service_code, WAITING, self.clock(),
                                                        terminal_id))
            if idempotency_key:
                db.execute("INSERT INTO queue_keys VALUES ('take', ?, ?, ?, ?, ?)",
                           (idempotency_key, terminal_id, day, number, digest))
            row = db.execute("SELECT * FROM queue_tickets WHERE day = ? AND number = ?", (day, number)).fetchone()
            return self._ticket(row, db), False

    def call(self, window: int, categories: list[str], terminal_id: str,
             idempotency_key: str | None = None) -> dict[str, Any] | None:
        """The next waiting ticket of ``categories`` (all when empty), called to ``window``; None when no one
        waits. The window's ticket called before and not finished is finished as served."""
        digest = json.dumps([window, sorted(categories)])
        with self._store.tx() as db:
            held = self._keyed(db, "call", idempotency_key, terminal_id, digest)
            if held is not None:
                return self._ticket(held, db)
            day, _ = self._today()
            wanted = sorted(categories) or sorted(CATEGORIES)
            marks = ",".join("?" * len(wanted))
            row = db.execute(f"SELECT * FROM queue_tickets WHERE day = ? AND status = ? AND category IN ({marks}) "
                             "ORDER BY issued, number LIMIT 1", (day, WAITING, *wanted)).fetchone()
            if row is None:
                return None
            now = self.clock()
            db.execute("UPDATE queue_tickets SET status = ?, finished = ? WHERE day = ? AND status = ? AND window = ?",
                       (SERVED, now, day, CALLED, window))
            db.execute("UPDATE queue_tickets SET status = ?, window = ?, calls = 1, called = ? WHERE day = ? AND "
                       "number = ?", (CALLED, window, now, day, row["number"]))
            if idempotency_key:
                db.execute("INSERT INTO queue_keys VALUES ('call', ?, ?, ?, ?, ?)",
                           (idempotency_key, terminal_id, day, row["number"], digest))
            called = db.execute("SELECT * FROM queue_tickets WHERE day = ? AND number = ?",
                                (day, row["number"])).fetchone()
            return self._ticket(called, db)

    def _todays(self, db: Any, number: str) -> Any:
        """Today's ticket ``number``: None when there is none (unknown, or of an earlier day: expired)."""
        day, _ = self._today()
        return db.execute("SELECT * FROM queue_tickets WHERE day = ? AND number = ?", (day, number)).fetchone()

    def recall(self, number: str, window: int) -> dict[str, Any] | None:
        """The ticket called again to ``window`` (it must be this window's, and not finished)."""
        with self._store.tx() as db:
            row = self._todays(db, number)
            if row is None:
                return None
            if row["status"] != CALLED or row["window"] != window:
                raise QueueConflict("not_called_here", row["status"])
            db.execute("UPDATE queue_tickets SET calls = calls + 1, called = ? WHERE day = ? AND number = ?",
                       (self.clock(), row["day"], number))
            return self._ticket(db.execute("SELECT * FROM queue_tickets WHERE day = ? AND number = ?",
                                           (row["day"], number)).fetchone(), db)

    def finish(self, number: str, window: int, outcome: str) -> dict[str, Any] | None:
        """``served`` or ``no_show``; the same outcome again answers the ticket as it stands."""
        with self._store.tx() as db:
            row = self._todays(db, number)
            if row is None:
                return None
            if row["status"] in FINISHED:
                if row["status"] != outcome or row["window"] != window:
                    raise QueueConflict("already_finished", row["status"])
                return self._ticket(row, db)
            if row["status"] != CALLED or row["window"] != window:
                raise QueueConflict("not_called_here", row["status"])
            db.execute("UPDATE queue_tickets SET status = ?, finished = ? WHERE day = ? AND number = ?",
                       (outcome, self.clock(), row["day"], number))
            return self._ticket(db.execute("SELECT * FROM queue_tickets WHERE day = ? AND number = ?",
                                           (row["day"], number)).fetchone(), db)

    def waiting(self, categories: list[str]) -> dict[str, int]:
        """Today's waiting tickets by category (every category, 0 included)."""
        day, _ = self._today()
        counts = {c: 0 for c in sorted(categories) or sorted(CATEGORIES)}
        for row in self._store._all("SELECT category, COUNT(*) AS n FROM queue_tickets WHERE day = ? AND status = ? "
                                    "GROUP BY category", day, WAITING):
            if row["category"] in counts:
                counts[row["category"]] = row["n"]
        return counts
