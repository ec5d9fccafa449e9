"""The sandbox's SQLite store: the catalogue, cases and idempotency records."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from importlib import resources
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS services (code TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cases (
    case_number TEXT PRIMARY KEY,
    service_code TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    applicant_id TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    submitted_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY,
    digest TEXT NOT NULL,
    response TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


def seed_services() -> list[dict[str, Any]]:
    return json.loads(resources.files("sandbox").joinpath("data/services.json").read_text("utf-8"))


class Store:
    """One SQLite file (or ``:memory:``), used from the server's threads under one lock."""

    def __init__(self, path: Path | str) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        with self._lock:
            if self._db.execute("SELECT COUNT(*) FROM services").fetchone()[0] == 0:
                for service in seed_services():
                    self._db.execute("INSERT INTO services VALUES (?, ?)",
                                     (service["code"], json.dumps(service, ensure_ascii=False)))

    def close(self) -> None:
        self._db.close()

    def services(self) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute("SELECT body FROM services ORDER BY code").fetchall()
        return [json.loads(r["body"]) for r in rows]

    def service(self, code: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT body FROM services WHERE code = ?", (code,)).fetchone()
        return json.loads(row["body"]) if row else None

    def create_case(self, key: str, digest: str, body: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """Store a case once per idempotency key. Returns (response, replayed); raises KeyError on a key clash."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute("SELECT digest, response FROM idempotency WHERE key = ?", (key,)).fetchone()
                if row is not None:
                    self._db.execute("COMMIT")
                    if row["digest"] != digest:
                        raise KeyError(key)
                    return json.loads(row["response"]), True
                now = dt.datetime.now().astimezone()
                day = now.strftime("%Y%m%d")
                counter = f"case:{day}"
                self._db.execute("INSERT INTO counters VALUES (?, 0) ON CONFLICT(name) DO NOTHING", (counter,))
                self._db.execute("UPDATE counters SET value = value + 1 WHERE name = ?", (counter,))
                seq = self._db.execute("SELECT value FROM counters WHERE name = ?", (counter,)).fetchone()[0]
                case_number = f"SQ{day}{seq:05d}"
                service = json.loads(self._db.execute("SELECT body FROM services WHERE code = ?",
                                                      (body["service_code"],)).fetchone()["body"])
                response = {"case_number": case_number, "status": "submitted",
                            "submitted_at": now.isoformat(timespec="seconds"),
                            "promised_days": service.get("promised_days", 0)}
                self._db.execute("INSERT INTO cases VALUES (?, ?, ?, ?, ?, ?, ?)",
                                 (case_number, body["service_code"], body["terminal_id"],
                                  body["applicant"]["id_number"], json.dumps(body, ensure_ascii=False),
                                  "submitted", response["submitted_at"]))
                self._db.execute("INSERT INTO idempotency VALUES (?, ?, ?)", (key, digest, json.dumps(response)))
                self._db.execute("COMMIT")
                return response, False
            except KeyError:
                raise
            except Exception:
                self._db.execute("ROLLBACK")
                raise

    def case(self, case_number: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT case_number, service_code, status, submitted_at FROM cases "
                                   "WHERE case_number = ?", (case_number,)).fetchone()
        return dict(row) if row else None

    def cases_count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
