"""Why an item of the queue stopped for staff (refused by the backend, damaged, given up, held), in staff's language.

An item's reason is stored in its row (``last_error``) as a key and its fields, as JSON behind ``PREFIX``, so the
maintenance screen says it in the language it shows when it is shown, and the log and ``kiosk queue list`` say it
in English. A refusal keeps the backend's own words in both of its languages. Stored as English text, a refusal
read "principal_not_registered: The ID number and name of the person you act for do not match the register" on the
Chinese maintenance screen (the demo's picture 136).

Anything stored otherwise (a retry's technical reason, a row written by an earlier version, a field that will not
read) is shown as it was stored: a reason is never lost for being unreadable.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from common.backend_errors import RejectedError, ServerText
from common.i18n import Text, plural_text, text

PREFIX = "reason:"
FIELD_CHARS = 120  # each field kept short, so the stored reason stays within the row's 500 characters

REASONS: dict[str, Callable[[dict[str, Any]], Text]] = {  # each reason's message, from its fields
    "refused": lambda f: text("{said} ({status} {code})", **f),
    "malformed": lambda f: text("malformed {kind}: it cannot be sent", **f),
    "gave_up": lambda f: plural_text("gave up after {attempts} attempt: {detail}",
                                     "gave up after {attempts} attempts: {detail}", int(f["attempts"]), **f),
    "number_taken": lambda f: text("held: the backend holds another application under provisional number {number}; "
                                   "this one is kept, not delivered (staff: resolve it with the backend)", **f),
    "case_not_delivered": lambda f: text("not sent: case {number}, which this waits behind, was not delivered "
                                         "(staff: `kiosk queue retry --dead` sends both again, in order)", **f),
    "conflict": lambda f: text("held: 409 {code}: the backend refused this item and did not name a case that is "
                               "provably this application; it is kept, not delivered (staff: resolve it with the "
                               "backend)", **f),
}


def _short(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _short(v) for k, v in value.items()}
    return value if isinstance(value, int) else str(value)[:FIELD_CHARS]


def stored(key: str, **fields: Any) -> str:
    """The reason ``key`` (one of ``REASONS``) with its fields, as kept in the row."""
    if key not in REASONS:
        raise ValueError(f"unknown queue reason {key!r}")
    return PREFIX + json.dumps({"key": key, "fields": {k: _short(v) for k, v in fields.items()}}, ensure_ascii=False)


def refused(exc: RejectedError) -> str:
    """A permanent refusal: the backend's words in both languages, its status and code."""
    return stored("refused", status=exc.status or 400, code=exc.code or "-",
                  said={"zh": exc.message_zh or exc.message_en, "en": exc.message_en or exc.message_zh})


def read(kept: str) -> Text:
    """The stored reason as a message shown in the language active when it is rendered."""
    if kept.startswith(PREFIX):
        try:
            found = json.loads(kept[len(PREFIX):])
            message, fields = REASONS[found["key"]], dict(found["fields"])
            said = fields.get("said")
            if said is not None:
                fields["said"] = ServerText("", zh=str(said.get("zh", "")), en=str(said.get("en", "")))
            return message(fields)
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError):
            pass
    return ServerText("", zh=kept, en=kept)  # as it was stored, in either language


def english(kept: str) -> str:
    """The stored reason in English, for the log and the console."""
    return read(kept).render("en")
