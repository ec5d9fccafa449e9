"""Refused cases that carried a provisional number: so the number leads somewhere.

A terminal gives every case a provisional number before sending it; one accepted offline is
on the citizen's receipt. When the backend refuses such a case (any 4xx but a conflict with a
case it holds), the refusal is kept against the number: the error's code, its message in both
languages, the fields it named, what to do now, the terminal and the time. Of the person only
a keyed hash of the applicant's and the agent's ID numbers is kept (HMAC-SHA256 under a key
made once per database), so that the citizen who identifies later finds the refusal among their
cases, while the table alone names no one. ``GET /cases?provisional_number=`` answers with the
refusal, ``GET /cases?id_number=`` lists the person's refusals, and the number is spent: a later
case carrying it is refused (409 ``provisional_number_refused``).

A refusal the terminal put right at once is not the person's refused application: the citizen (or the clerk) was
there, corrected what was named, and the same application (its ``application_id``, from the same terminal) arrived
and was taken under a new number. Nor is one the person put right at a later visit: a case refused on arrival is kept
as their draft, which carries its ``application_id``, and the case made from it carries it again, from whichever
terminal, naming them. The refusal is then marked superseded by that case, and ``GET /cases?id_number=`` leaves it
out; asked by its own number it still answers, and the number stays spent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sandbox.store import Store

TABLE = """CREATE TABLE IF NOT EXISTS refusals (provisional_number TEXT PRIMARY KEY, terminal_id TEXT NOT NULL,
    code TEXT NOT NULL, message_zh TEXT NOT NULL, message_en TEXT NOT NULL, fields TEXT NOT NULL, at TEXT NOT NULL,
    people TEXT NOT NULL DEFAULT '[]', service_code TEXT NOT NULL DEFAULT '', application_id TEXT NOT NULL DEFAULT '',
    superseded_by TEXT NOT NULL DEFAULT '')"""
KEY_TABLE = "CREATE TABLE IF NOT EXISTS refusal_key (id INTEGER PRIMARY KEY CHECK (id = 1), key BLOB NOT NULL)"
ADVICE_ZH = "该申请未被受理，无需等待。请携带身份证件和材料，在自助终端重新申请，或到窗口出示此临时编号咨询。"
ADVICE_EN = ("This application was not accepted; there is nothing to wait for. Please apply again at a terminal "
             "with your ID card and materials, or show this provisional number at a service window.")


class Refusals:
    def __init__(self, store: Store) -> None:
        self._store = store
        with store.tx() as db:
            db.execute(TABLE)
            columns = {row[1] for row in db.execute("PRAGMA table_info(refusals)")}
            for column in ("service_code", "application_id", "superseded_by"):  # each missing from an older file
                if column not in columns:
                    db.execute(f"ALTER TABLE refusals ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
            db.execute(KEY_TABLE)
            db.execute("INSERT OR IGNORE INTO refusal_key VALUES (1, ?)", (secrets.token_bytes(32),))
        self._key = bytes(store._one("SELECT key FROM refusal_key WHERE id = 1")["key"])

    def person_key(self, id_number: str) -> str:
        return hmac.new(self._key, id_number.upper().encode(), hashlib.sha256).hexdigest()

    def record(self, provisional_number: str, terminal_id: str, code: str, message_zh: str, message_en: str,
               fields: dict[str, Any], people: list[str] = (), service_code: str = "", application_id: str = "") -> None:
        """Keep the first refusal of a number (a resend is refused as spent and not recorded again); ``people``:
        the ID numbers the case named (applicant, agent), kept only as keyed hashes; ``service_code``: the
        service the case applied for, when it named one the backend knows, so the citizen sees which it was;
        ``application_id``: the application it was, for ``supersede``."""
        from sandbox.store import now_iso

        keys = sorted({self.person_key(p) for p in people})
        with self._store.tx() as db:
            try:
                db.execute("INSERT INTO refusals (provisional_number, terminal_id, code, message_zh, message_en, "
                           "fields, at, people, service_code, application_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           (provisional_number, terminal_id, code, message_zh, message_en,
                            json.dumps({k: str(v) for k, v in fields.items()}, ensure_ascii=False), now_iso(),
                            json.dumps(keys), service_code, application_id))
            except sqlite3.IntegrityError:
                pass  # the first refusal stands

    def supersede(self, application_id: str, terminal_id: str, case_number: str, people: list[str] = ()) -> None:
        """The same application taken as ``case_number``: its refusals were put right. From the terminal that sent
        the refused case, or from any terminal for a case that names a person the refusal named (``people``: the
        new case's applicant and agent; the application continued from its saved draft at the next visit). The id
        is a random one the backend gives only to the person's own terminal, with their draft."""
        if not application_id:
            return
        keys = {self.person_key(p) for p in people}
        with self._store.tx() as db:
            for row in db.execute("SELECT provisional_number, terminal_id, people FROM refusals WHERE "
                                  "application_id = ? AND superseded_by = ''", (application_id,)).fetchall():
                if row["terminal_id"] == terminal_id or keys & set(json.loads(row["people"])):
                    db.execute("UPDATE refusals SET superseded_by = ? WHERE provisional_number = ?",
                               (case_number, row["provisional_number"]))

    def of(self, provisional_number: str) -> dict[str, Any] | None:
        row = self._store._one("SELECT * FROM refusals WHERE provisional_number = ?", provisional_number)
        return self._view(row) if row is not None else None

    def of_person(self, id_number: str) -> list[dict[str, Any]]:
        """The refusals of cases that named this person (as applicant or agent), newest first."""
        rows = self._store._all("SELECT r.* FROM refusals r, json_each(r.people) p WHERE p.value = ? "
                                "AND r.superseded_by = '' ORDER BY r.at DESC", self.person_key(id_number))
        return [self._view(row) for row in rows]

    def _view(self, row: Any) -> dict[str, Any]:
        service = self._store.service(row["service_code"]) if row["service_code"] else None
        return {"provisional_number": row["provisional_number"], "terminal_id": row["terminal_id"],
                "code": row["code"], "message_zh": row["message_zh"], "message_en": row["message_en"],
                "fields": json.loads(row["fields"]), "advice_zh": ADVICE_ZH, "advice_en": ADVICE_EN,
                "refused_at": row["at"], "service_code": row["service_code"] if service else "",
                "service_name_zh": service.get("name_zh", "") if service else "",
                "service_name_en": service.get("name_en", "") if service else ""}
