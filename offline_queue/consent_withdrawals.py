"""A consent withdrawal made offline waits in the outbox until the backend has it.

A citizen may withdraw consent (PIPL art. 15) while the service system is away. The terminal then
keeps the withdrawal (stored, encrypted, before the citizen is told) and the sync worker sends it
with the queue's bounded backoff; the backend records one withdrawal per ``withdrawal_key`` however
often it arrives, so a resend after a lost answer is delivery. It is queued under the citizen, so it
goes after any case of theirs still queued: what was submitted before is still delivered, as the
withdrawn screen says. Its sealed payload is ``{"consent_withdrawal": <ConsentWithdrawalIn JSON>}``:
neither a case (``CaseIn`` forbids unknown fields) nor an evaluation or a print confirmation has
that key, and the marker is authenticated with the rest.
"""

from __future__ import annotations

from typing import Any

KEY = "consent_withdrawal"


def queued(withdrawal_payload: dict[str, Any]) -> dict[str, Any]:
    """The outbox body that holds a consent withdrawal (``ConsentWithdrawal.payload()``)."""
    return {KEY: withdrawal_payload}


def withdrawal_in(body: Any) -> dict[str, Any] | None:
    """The withdrawal an outbox body holds, or None for anything else."""
    if isinstance(body, dict) and len(body) == 1 and isinstance(body.get(KEY), dict):
        return body[KEY]
    return None
