"""Refused cases that carried a provisional number: so the number leads somewhere.

A terminal gives every case a provisional number before sending it; one accepted offline is
on the citizen's receipt. When the backend refuses such a case (any 4xx but a conflict with a
case it holds), the refusal is kept against the number: the error's code, its message in both
languages, the fields it named, what to do now, the terminal and the time. Nothing about the
person is kept. ``GET /cases?provisional_number=`` then answers with the refusal, and the
number is spent: a later case carrying it is refused (409 ``provisional_number_refused``).
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sandbox.store import Store

TABLE = """CREATE TABLE IF NOT EXISTS refusals (provisional_number TEXT PRIMARY KEY, terminal_id TEXT NOT NULL,
    code TEXT NOT NULL, message_zh TEXT NOT NULL, message_en TEXT NOT NULL, fields TEXT NOT NULL, at TEXT NOT NULL)"""
ADVICE_ZH = "该申请未被受理，无需等待。请携带身份证件和材料，在自助终端重新申请，或到窗口出示此临时编号咨询。"
ADVICE_EN = ("This application was not accepted; there is nothing to wait for. Please apply again at a terminal "
             "with your ID card and materials, or show this provisional number at a service window.")


class Refusals:
    def __init__(self, store: Store) -> None:
        self._store = store
        with store.tx() as db:
            db.execute(TABLE)

    def record(self, provisional_number: str, terminal_id: str, code: str, message_zh: str, message_en: str,
               fields: dict[str, Any]) -> None:
        """Keep the first refusal of a number (a resend is refused as spent and not recorded again)."""
        from sandbox.store import now_iso

        with self._store.tx() as db:
            try:
                db.execute("INSERT INTO refusals VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (provisional_number, terminal_id, code, message_zh, message_en,
                            json.dumps({k: str(v) for k, v in fields.items()}, ensure_ascii=False), now_iso()))
            except sqlite3.IntegrityError:
                pass  # the first refusal stands

    def of(self, provisional_number: str) -> dict[str, Any] | None:
        row = self._store._one("SELECT * FROM refusals WHERE provisional_number = ?", provisional_number)
        if row is None:
            return None
        return {"provisional_number": row["provisional_number"], "terminal_id": row["terminal_id"],
                "code": row["code"], "message_zh": row["message_zh"], "message_en": row["message_en"],
                "fields": json.loads(row["fields"]), "advice_zh": ADVICE_ZH, "advice_en": ADVICE_EN,
                "refused_at": row["at"]}
