"""Reprints of a case's documents at a terminal: each one recorded, so a hall can see how often a
receipt was printed again, where and when (a receipt reprint is marked as such on paper too)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sandbox.store import Store

TABLE = """CREATE TABLE IF NOT EXISTS reprints (reprint_id TEXT PRIMARY KEY, case_number TEXT NOT NULL,
    document TEXT NOT NULL, terminal_id TEXT NOT NULL, at TEXT NOT NULL)"""


class Reprints:
    def __init__(self, store: Store) -> None:
        self._store = store
        with store.tx() as db:
            db.execute(TABLE)

    def record(self, case_number: str, document: str, terminal_id: str) -> dict[str, Any]:
        from sandbox.store import now_iso

        reprint_id, at = "RP-" + secrets.token_hex(6), now_iso()
        with self._store.tx() as db:
            db.execute("INSERT INTO reprints VALUES (?, ?, ?, ?, ?)", (reprint_id, case_number, document, terminal_id, at))
            count = db.execute("SELECT COUNT(*) FROM reprints WHERE case_number = ? AND document = ?",
                               (case_number, document)).fetchone()[0]
        return {"reprint_id": reprint_id, "case_number": case_number, "document": document, "count": count,
                "terminal_id": terminal_id, "at": at}

    def of(self, case_number: str) -> list[dict[str, Any]]:
        return [dict(r) for r in self._store._all("SELECT * FROM reprints WHERE case_number = ? ORDER BY at",
                                                  case_number)]
