"""What the sync worker needs of a backend: eight calls, not the whole client.

``kiosk.backend.client.BackendClient`` satisfies it; so can a test double or another transport.
Failures are raised as the contract's typed errors (``common.backend_errors``).
"""

from __future__ import annotations

from typing import Any, Iterable, Protocol

from common.domain import Attachment, EvaluationRecorded, Submitted


class Deliverer(Protocol):
    def health(self) -> Any:
        """A cheap probe; raises ``OfflineError`` while the backend is away."""

    def submit_payload(self, body: dict[str, Any], idempotency_key: str,
                       attachments: Iterable[Attachment] = ()) -> Submitted:
        """Send one queued case; the same key twice never makes two cases.

        A 409 is a ``RejectedError`` whose ``code`` says which conflict: ``idempotency_conflict``
        (other content under this key; ``fields["case_number"]`` names the case the key holds) or
        ``provisional_number_taken`` (another application holds the provisional number).
        """

    def send_evaluation_payload(self, body: dict[str, Any]) -> EvaluationRecorded:
        """Send one queued evaluation (``EvaluationIn`` JSON, offline_queue/item_kinds.py). A matter rated
        before is an answer (``already_evaluated``), not an error; a refusal is a ``RejectedError``."""

    def send_withdrawal_payload(self, body: dict[str, Any]) -> Any:
        """Send one queued consent withdrawal (``ConsentWithdrawal.payload()``, offline_queue/item_kinds.py);
        the same ``withdrawal_key`` twice is recorded once. A refusal is a ``RejectedError``."""

    def send_decision_payload(self, body: dict[str, Any]) -> Any:
        """Send one queued window decision (offline_queue/item_kinds.py, ``decision``) on its case's provisional
        number; the same decision recorded before is an answer, another standing a ``RejectedError``."""

    def delete_draft(self, draft_id: str) -> bool:
        """Delete a saved application that became a case (offline_queue/item_kinds.py); one already gone answers
        False, not an error."""

    def save_draft_payload(self, body: dict[str, Any], attachments: Iterable[Attachment] = ()) -> Any:
        """Save one queued draft (``DraftIn`` and its pages, offline_queue/item_kinds.py); a save replaces the draft
        whole. A refusal is a ``RejectedError``."""

    def confirm_ticket(self, ticket_id: str) -> Any:
        """Consume a print ticket (offline_queue/item_kinds.py): the licence was printed. A ticket
        confirmed before answers as confirmed; a released or unknown one is a ``RejectedError``."""
