"""A licence's print confirmed durably: the confirmation waits in the outbox until the backend has it.

A licence printed at a terminal is consumed on the backend by ``POST /print-tickets/{id}/confirm``.
If that call fails (the backend away, a lost answer) and nothing sends it again, the ticket stays
``issued`` until it expires, and then the licence is printable a second time. So the confirmation
is an outbox item (stored, encrypted, before it is sent) and the sync worker delivers it with the
queue's bounded backoff; the backend answers a confirmation it already has as done, so a resend
after a lost answer is delivery. Its sealed payload is ``{"ticket_confirmation": {"ticket_id",
"licence_id"}}``: neither a case (``CaseIn`` forbids unknown fields) nor an evaluation has that
key, and the marker is authenticated with the rest. The item is queued under the licence, not the
citizen, so it never waits behind a case of theirs still queued.
"""

from __future__ import annotations

from typing import Any

KEY = "ticket_confirmation"


def queued(ticket_id: str, licence_id: str) -> dict[str, Any]:
    """The outbox body that holds a print ticket's confirmation."""
    return {KEY: {"ticket_id": ticket_id, "licence_id": licence_id}}


def ticket_in(body: Any) -> str | None:
    """The ticket id an outbox body confirms, or None for anything else."""
    if isinstance(body, dict) and len(body) == 1 and isinstance(body.get(KEY), dict):
        ticket_id = body[KEY].get("ticket_id")
        return ticket_id if isinstance(ticket_id, str) and ticket_id else None
    return None
