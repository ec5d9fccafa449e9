"""An outbox row: its states, its metadata as read, and what authenticates it.

A row's fixed metadata (id, applicant key, idempotency key, provisional number, creation
time, size and attachment list) is the associated data of its sealed payload (``row_aad``),
so a changed bit in any of them makes the payload fail to open and the item is quarantined
with the reason, never delivered under another key or number. The fields that change as an
item moves (state, attempts, next attempt) are checked for their type and range when read;
a value that cannot be one the outbox wrote is repaired (attempts, next attempt) or, for a
state, quarantines the row.

Rows written before this scheme (``aad`` = 1) are authenticated by their item id alone.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

from offline_queue import staff_reasons


class ItemState(str, Enum):
    PENDING = "pending"          # waiting to be delivered
    DELIVERED = "delivered"      # the backend holds it (payload purged)
    DEAD = "dead"                # refused by the backend, or given up on: staff may retry
    QUARANTINED = "quarantined"  # damaged on this terminal: cannot be read or authenticated
    HELD = "held"                # the backend holds another case under its provisional number: staff decide

    def __str__(self) -> str:
        return self.value


STATES = tuple(ItemState)
OPEN_STATES = (ItemState.PENDING, ItemState.DEAD, ItemState.QUARANTINED, ItemState.HELD)  # count against quota
_STATE_VALUES = {s.value for s in ItemState}

AAD_ITEM_ID, AAD_ROW = 1, 2  # what a row's payload is bound to: its id only (older rows), or its fixed metadata
_ITEM_ID = re.compile(r"[0-9a-f]{32}")


def row_aad(item_id: Any, applicant: Any, idempotency_key: Any, provisional_number: Any, created_at: Any,
            size: Any, files: Any) -> bytes:
    """The associated data that binds a payload to its row's fixed metadata (any type change shows)."""
    return repr((item_id, applicant, idempotency_key, provisional_number, created_at, size, files)).encode()


def payload_aad(row: Any) -> bytes:
    """The associated data for a row as read (a mapping with the fixed columns and ``aad``)."""
    version = row["aad"]
    if version == AAD_ROW:
        return row_aad(row["id"], row["applicant"], row["idempotency_key"], row["provisional_number"],
                       row["created_at"], row["size"], row["files"])
    if version == AAD_ITEM_ID and isinstance(row["id"], str):
        return row["id"].encode("utf-8", "surrogateescape")
    raise ValueError(f"unknown authentication scheme {version!r}")


def decode_text(raw: bytes) -> str:
    """SQLite text as read: a damaged byte must not make the whole query raise (it then fails authentication)."""
    return raw.decode("utf-8", "surrogateescape")


def state_problem(state: Any) -> str | None:
    return None if isinstance(state, str) and state in _STATE_VALUES else f"damaged row: unknown state {state!r:.40}"


def id_problem(item_id: Any) -> str | None:
    return None if isinstance(item_id, str) and _ITEM_ID.fullmatch(item_id) else f"damaged row: bad id {item_id!r:.40}"


def finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class OutboxItem:
    id: str
    seq: int
    state: str
    attempts: int
    next_attempt_at: float
    created_at: float
    delivered_at: float | None
    case_number: str | None
    provisional_number: str | None
    idempotency_key: str
    last_error: str  # why it stopped or waits, in English (offline_queue/staff_reasons.py)
    size: int
    has_payload: bool

    @classmethod
    def from_row(cls, row: Any) -> "OutboxItem":
        """The item as read; values of the wrong type are shown as read (load() authenticates what is sent)."""
        attempts = row["attempts"] if isinstance(row["attempts"], int) and row["attempts"] >= 0 else 0
        created = row["created_at"] if finite(row["created_at"]) else 0.0
        next_at = row["next_attempt_at"] if finite(row["next_attempt_at"]) else 0.0
        return cls(str(row["id"]), row["seq"], str(row["state"]), attempts, next_at, created,
                   row["delivered_at"] if finite(row["delivered_at"]) else None,
                   row["case_number"] if isinstance(row["case_number"], str) else None,
                   row["provisional_number"] if isinstance(row["provisional_number"], str) else None,
                   str(row["idempotency_key"]), staff_reasons.english(str(row["last_error"])),
                   row["size"] if finite(row["size"]) else 0, bool(row["has_payload"]))


COLUMNS = ("id, seq, state, attempts, next_attempt_at, created_at, delivered_at, case_number, provisional_number, "
           "idempotency_key, last_error, size, payload IS NOT NULL AS has_payload")
