"""Evaluations (好差评), one per matter: a case, a one-time notice, or a printed licence.

An evaluation names its matter by exactly one key (``EvaluationIn``): ``case_number``,
``provisional_number`` (a case the terminal accepted offline), ``notice_number`` (a one-time
notice, GZ...) or ``licence_id`` (a licence printed at a terminal; the licence, not the print
ticket, since a ticket released after a jam is replaced by another for the same print).

An evaluation by provisional number may come before its case (the terminal's queue sends
what it can): it is kept under the number and belongs to the case as soon as a case with that
number is stored; the case is looked up on every read, so nothing has to run when the case
arrives. A case is one matter whichever of its two numbers rated it: a second evaluation
for it, by either number, is refused with the first one's level. The comment is stored and
never logged.
"""

from __future__ import annotations

import secrets
import sqlite3
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sandbox.store import Store

TABLE = """CREATE TABLE IF NOT EXISTS evaluations (evaluation_id TEXT PRIMARY KEY, key_kind TEXT NOT NULL,
    key TEXT NOT NULL, case_number TEXT, provisional_number TEXT, level INTEGER NOT NULL, reason_code TEXT,
    comment TEXT NOT NULL, channel TEXT NOT NULL, terminal_id TEXT NOT NULL, at TEXT NOT NULL,
    UNIQUE (key_kind, key))"""
KEYS = ("case_number", "provisional_number", "notice_number", "licence_id")
REASON_CODES = ("long_wait", "hard_to_use", "unclear_materials", "device_fault", "staff_attitude", "other")


class AlreadyEvaluated(Exception):
    def __init__(self, level: int, recorded_at: str) -> None:
        super().__init__(level)
        self.level, self.recorded_at = level, recorded_at


class Evaluations:
    def __init__(self, store: Store) -> None:
        self._store = store
        with store.tx() as db:
            columns = {r["name"] for r in db.execute("PRAGMA table_info(evaluations)")}
            if columns and "key_kind" not in columns:  # one per case, keyed by its case number only
                db.execute("ALTER TABLE evaluations RENAME TO evaluations_before_keys")
                db.execute(TABLE)
                db.execute("INSERT INTO evaluations SELECT evaluation_id, 'case_number', case_number, case_number, "
                           "NULL, json_extract(body, '$.level'), NULL, COALESCE(json_extract(body, '$.reason'), ''), "
                           "COALESCE(json_extract(body, '$.channel'), 'kiosk'), '', json_extract(body, '$.at') "
                           "FROM evaluations_before_keys")
                db.execute("DROP TABLE evaluations_before_keys")
            db.execute(TABLE)

    @staticmethod
    def _first(db: sqlite3.Connection, case_number: str | None, provisional: str | None,
               kind: str, key: str) -> sqlite3.Row | None:
        """An evaluation already recorded for this matter, by its key or by either number of its case."""
        clauses, args = ["(key_kind = ? AND key = ?)"], [kind, key]
        if case_number:
            clauses.append("case_number = ?")
            args.append(case_number)
        if provisional:
            clauses.append("provisional_number = ?")
            args.append(provisional)
        return db.execute(f"SELECT level, at FROM evaluations WHERE {' OR '.join(clauses)}", args).fetchone()

    def add(self, kind: str, key: str, body: dict[str, Any], terminal_id: str,
            case: dict[str, Any] | None) -> dict[str, Any]:
        """Record one; ``case``: the case the key names (for a provisional number, None until it arrives).

        AlreadyEvaluated when the matter has one."""
        from sandbox.store import now_iso

        case_number = case["case_number"] if case else None
        provisional = (case or {}).get("provisional_number") or (key if kind == "provisional_number" else None)
        with self._store.tx() as db:
            first = self._first(db, case_number, provisional, kind, key)
            if first is not None:
                raise AlreadyEvaluated(first["level"], first["at"])
            evaluation_id, at = "EV-" + secrets.token_hex(6), now_iso()
            db.execute("INSERT INTO evaluations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (evaluation_id, kind, key, case_number, provisional, body["level"], body.get("reason_code"),
                        body.get("comment", ""), body.get("channel", "kiosk"), terminal_id, at))
        return {"evaluation_id": evaluation_id, "recorded_at": at, "case_number": case_number}

    def of_case(self, case_number: str, provisional_number: str | None) -> dict[str, Any] | None:
        """The evaluation that belongs to a case, whichever number it came under (for staff and tests)."""
        row = self._store._one("SELECT * FROM evaluations WHERE case_number = ? OR (provisional_number IS NOT NULL "
                               "AND provisional_number = ?)", case_number, provisional_number or "")
        return dict(row, case_number=case_number) if row else None

    def by_key(self, kind: str, key: str) -> dict[str, Any] | None:
        row = self._store._one("SELECT * FROM evaluations WHERE key_kind = ? AND key = ?", kind, key)
        return dict(row) if row else None
