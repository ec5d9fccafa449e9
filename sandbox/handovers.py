"""Licence hand-overs at the window (领证): one record per licence, however often a terminal asks.

A hand-over is asked with an ``Idempotency-Key`` made once per licence per applicant's visit: asked again
under it from the same terminal with the same content (a lost answer, a receipt printed again), the backend
answers the hand-over it recorded; other content under the key is a conflict. A licence handed over once
is not handed over again under another key (409 ``already_handed_over``), and is no longer listed as ready.
"""

from __future__ import annotations

import json
import secrets
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sandbox.store import Store

KEYS_TABLE = """CREATE TABLE IF NOT EXISTS handover_keys (idempotency_key TEXT NOT NULL, terminal_id TEXT NOT NULL,
    handover_id TEXT NOT NULL, PRIMARY KEY (idempotency_key, terminal_id))"""


class HandoverConflict(Exception):
    """Other content under a key that holds a hand-over, or a licence handed over already under another key."""

    def __init__(self, reason: str, handover_id: str) -> None:
        super().__init__(reason)
        self.reason, self.handover_id = reason, handover_id


class Handovers:
    def __init__(self, store: Store) -> None:
        self._store = store
        with store.tx() as db:
            db.execute(KEYS_TABLE)

    def record(self, body: dict[str, Any], staff_id: str, idempotency_key: str | None,
               terminal_id: str) -> tuple[str, str, bool]:
        """(handover id, recorded at, replayed). HandoverConflict ``idempotency_conflict`` or ``already_handed_over``."""
        from sandbox.store import now_iso

        with self._store.tx() as db:
            if idempotency_key:
                row = db.execute("SELECT h.handover_id, h.body FROM handover_keys k JOIN handovers h USING (handover_id) "
                                 "WHERE k.idempotency_key = ? AND k.terminal_id = ?",
                                 (idempotency_key, terminal_id)).fetchone()
                if row is not None:
                    held = json.loads(row["body"])
                    if {k: held.get(k) for k in body} != body:
                        raise HandoverConflict("idempotency_conflict", row["handover_id"])
                    return row["handover_id"], held["at"], True
            earlier = self.of_licence(body["licence_id"], db)
            if earlier is not None:
                raise HandoverConflict("already_handed_over", earlier)
            handover_id, at = "HO-" + secrets.token_hex(6), now_iso()
            db.execute("INSERT INTO handovers VALUES (?, ?)",
                       (handover_id, json.dumps(dict(body, staff_id=staff_id, terminal_id=terminal_id, at=at),
                                                ensure_ascii=False)))
            if idempotency_key:
                db.execute("INSERT INTO handover_keys VALUES (?, ?, ?)", (idempotency_key, terminal_id, handover_id))
        return handover_id, at, False

    def of_licence(self, licence_id: str, db: Any = None) -> str | None:
        """The hand-over id of ``licence_id``, if it was handed over."""
        query = "SELECT handover_id FROM handovers WHERE json_extract(body, '$.licence_id') = ?"
        if db is not None:
            row = db.execute(query, (licence_id,)).fetchone()
        else:
            row = self._store._one(query, licence_id)
        return row["handover_id"] if row else None

    def count(self, licence_id: str) -> int:
        return self._store._one("SELECT COUNT(*) AS n FROM handovers WHERE json_extract(body, '$.licence_id') = ?",
                                licence_id)["n"]
