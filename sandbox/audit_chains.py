"""Each terminal's audit chain as the backend holds it: every pushed entry checked under the terminal's key.

An entry is taken only when its MAC checks under the terminal's chain key (``common.audit_chain``,
derived from the key the terminal signs its requests with), its ``seq`` is the next one and its
``prev_mac`` is the head held. An entry already held, sent again unchanged, is skipped (a retry after
a lost answer). The first entry that does neither is refused with those after it (``AuditRefused``,
naming the entry, why, and the head held, the entries before it taken), so the terminal can go on
from there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from common.audit_chain import Head, audit_key, mac_matches, well_formed

if TYPE_CHECKING:
    from sandbox.store import Store

# A new table: the old unkeyed chains (table "audit") are not continued.
TABLE = """CREATE TABLE IF NOT EXISTS audit_chain (terminal_id TEXT NOT NULL, seq INTEGER NOT NULL,
    mac TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (terminal_id, seq))"""


@dataclass
class AuditRefused(Exception):
    seq: int
    reason: str  # "mac", "link" or "rewrite"
    held: Head


class AuditChains:
    def __init__(self, store: Store) -> None:
        self._store = store
        with store.tx() as db:
            db.execute(TABLE)

    def head(self, terminal_id: str) -> Head:
        row = self._store._one("SELECT seq, mac FROM audit_chain WHERE terminal_id = ? ORDER BY seq DESC LIMIT 1",
                               terminal_id)
        return Head(row["seq"] + 1, row["mac"]) if row else Head(0, "")

    def add(self, terminal_id: str, signing_key: bytes, entries: list[dict[str, Any]]) -> tuple[int, Head]:
        """Take the entries that extend the chain; (how many were new, the head now held)."""
        key = audit_key(signing_key)
        refused: AuditRefused | None = None
        with self._store.tx() as db:
            row = db.execute("SELECT seq, mac FROM audit_chain WHERE terminal_id = ? ORDER BY seq DESC LIMIT 1",
                             (terminal_id,)).fetchone()
            held = Head(row["seq"] + 1, row["mac"]) if row else Head(0, "")
            accepted = 0
            for entry in entries:
                reason = self._fault(db, terminal_id, key, held, entry)
                if reason == "held":
                    continue  # a resend of what we hold
                if reason:
                    refused = AuditRefused(int(entry.get("seq", -1)), reason, held)
                    break
                db.execute("INSERT INTO audit_chain VALUES (?, ?, ?, ?)",
                           (terminal_id, entry["seq"], entry["mac"], json.dumps(entry, ensure_ascii=False)))
                held, accepted = Head(entry["seq"] + 1, entry["mac"]), accepted + 1
        if refused is not None:
            raise refused
        return accepted, held

    @staticmethod
    def _fault(db, terminal_id: str, key: bytes, held: Head, entry: dict[str, Any]) -> str:
        """Why ``entry`` cannot extend the chain held ("mac", "rewrite", "link"), "held" for a resend, "" when it can."""
        if not well_formed(entry) or not mac_matches(key, entry):
            return "mac"
        if entry["seq"] < held.count:
            old = db.execute("SELECT mac FROM audit_chain WHERE terminal_id = ? AND seq = ?",
                             (terminal_id, entry["seq"])).fetchone()
            return "held" if old is not None and old["mac"] == entry["mac"] else "rewrite"
        if entry["seq"] != held.count or entry["prev_mac"] != held.head:
            return "link"
        return ""
