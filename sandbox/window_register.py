"""The hall's register of its window terminals: which terminals may say a clerk checked paper at the counter.

A case from a window may name materials whose paper its clerk checked and keeps (``counter_checked``), in place of
pages scanned or licences; the backend then takes those materials as brought. That is a terminal's word, so the
backend takes it only from a terminal its hall registered as a window. The register is the hall's, kept on the
backend (its administrator's act, here ``kiosk sandbox --window ID`` or ``POST /control/windows/{id}``): a terminal
does not get into it by saying so, as its enrolment's ``mode`` does. A case that names ``counter_checked`` from any
other terminal is refused (403 ``not_a_window``), whether the case came at once or from an offline queue; a clerk's
staff token is not asked for, because a clerk signed in offline has none (kiosk/staff_sign_in.py).

The register is only as strong as the terminals' keys: a terminal is known by the key that signs its requests. The
sandbox's demo keys follow from the terminal id, so here it keeps out a kiosk that tries, not an impostor.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sandbox.store import Store

TERMINAL_ID = re.compile(r"[A-Za-z0-9-]{1,32}")  # as a terminal enrols (sandbox/models.py, EnrolIn)
TABLE = """CREATE TABLE IF NOT EXISTS window_register (terminal_id TEXT PRIMARY KEY, registered_at TEXT NOT NULL)"""


class WindowRegister:
    def __init__(self, store: Store) -> None:
        self._store = store
        with store.tx() as db:
            db.execute(TABLE)

    def register(self, terminal_id: str) -> bool:
        """Register a window; False when it already was. ValueError for an id no terminal can have."""
        from sandbox.store import now_iso

        if not isinstance(terminal_id, str) or not TERMINAL_ID.fullmatch(terminal_id):
            raise ValueError(f"{terminal_id!r} is not a terminal id (1-32 letters, digits or dashes)")
        with self._store.tx() as db:
            return db.execute("INSERT OR IGNORE INTO window_register VALUES (?, ?)",
                              (terminal_id, now_iso())).rowcount == 1

    def remove(self, terminal_id: str) -> bool:
        """Take a terminal off the register (it is no longer a window); False when it was not on it."""
        with self._store.tx() as db:
            return db.execute("DELETE FROM window_register WHERE terminal_id = ?", (terminal_id,)).rowcount == 1

    def is_window(self, terminal_id: str) -> bool:
        return self._store._one("SELECT 1 FROM window_register WHERE terminal_id = ?", terminal_id) is not None
