"""What an outbox item holds besides a case: one table of marked kinds, one way to mark and to read them.

Most items are cases. The others wait in the same queue, stored and encrypted before anyone is told,
and the sync worker sends them with the same bounded backoff; a refusal is a dead letter with the
backend's reason, a transient failure waits for the next try. Each is sealed as ``{KEY: body}``: a
case's payload never has one of these keys (``CaseIn`` forbids unknown fields), and the marker is
authenticated with the rest, so an item cannot be turned from one kind into another.

- ``evaluation`` (``EvaluationIn`` JSON): a case accepted offline rated by its provisional number. It
  is queued under the same applicant as the case, so it goes only after the case's item is no longer
  pending; "already evaluated" is delivery (docs/api/payloads.md, "Evaluations").
- ``ticket_confirmation`` (``{"ticket_id", "licence_id"}``): a licence printed. Without it the ticket
  stays ``issued`` until it expires and the licence is printable a second time. It is queued under the
  licence, not the citizen, so it never waits behind a case of theirs; a ticket confirmed before is
  delivery.
- ``consent_withdrawal`` (``ConsentWithdrawal.payload()``): consent withdrawn (PIPL art. 15) while the
  backend was away. It is queued under the citizen, after any case of theirs still queued, as the
  withdrawn screen says; the backend records one withdrawal per ``withdrawal_key``.
- ``decision`` (``{"provisional_number", "staff_token", "decision", "legal_reason", "note", "decided_at"}``,
  and ``received`` with an acceptance): the window's acceptance or refusal (不予受理) of a case that went
  into the queue because the backend was away at it or just after it (kiosk/workflows/clerk.py,
  kiosk/workflows/clerk_refusal.py). Queued under the same applicant as the case, so it goes only after
  the case's item; sent on the provisional number with the clerk's staff token (sealed with the rest), so
  the backend records it in the clerk's name, checking the token as of the time decided (a sign-in that
  expired before the backend came back still serves). The same decision recorded before is delivery;
  another decision standing, or a token not valid when the clerk decided, is a dead letter staff see
  (``kiosk queue list``, the heartbeat's ``queue.dead``).
- ``draft_deletion`` (``{"draft_id"}``): a saved application that became a case, deleted at the backend
  (kiosk/drafts.py, ``Submitter.discard_draft``). Queued under the applicant, so it goes only after their
  case's item: deleted at once, the draft would be gone while its case still waited on this terminal; never
  deleted (the backend away at the moment, as before), it would be offered again at the next visit and could
  make a second case. A draft gone already is delivery. ``after`` (optional) is the case's provisional
  number: a case the backend refused on arrival keeps its draft, for the citizen to put right and continue
  (the refusal's advice is to apply again: docs/api/payloads.md, "A refused offline case").

- ``draft_save`` (a ``DraftIn`` as ``BackendClient.save_draft_payload`` takes it, its pages the item's attachments): an
  incomplete application saved with a one-time notice while the backend was away (kiosk/drafts.py, ``keep``), or a
  case the backend refused on arrival with no one at the terminal to hear it (``SyncWorker(on_refused=...)``,
  ``kiosk.drafts.kept_when_refused``), so what the applicant provided reaches the backend for their next visit. Queued under the person who saved it; a save
  replaces the draft whole, so one sent twice is one draft.

An item behind a case under its provisional number (``follows``: an evaluation, a decision, a draft's deletion) is
not sent while that case is not delivered: when the case stopped (refused or given up, held because the backend
holds another application under its number, quarantined), the item stops with it as a dead letter saying so.
Sent, a decision or an evaluation would reach the case the backend holds under that number, which may be someone
else's; a draft would be deleted while its case was never made. Retrying the dead letters sends them in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from common.domain import Attachment
from offline_queue.delivery import Deliverer


@dataclass(frozen=True)
class ItemKind:
    key: str                                        # the sealed payload's one key
    what: str                                       # for the log: "an evaluation"
    send: Callable[[Deliverer, dict[str, Any], list[Attachment]], Any]  # the backend call that delivers it
    valid: Callable[[dict[str, Any]], bool] = lambda _body: True
    follows: Callable[[dict[str, Any]], Any] = lambda _body: ""  # the provisional number of the case it is behind

    def queued(self, body: dict[str, Any]) -> dict[str, Any]:
        """The outbox body that holds ``body`` as this kind."""
        return {self.key: body}


def _names_a_ticket(body: dict[str, Any]) -> bool:
    return isinstance(body.get("ticket_id"), str) and bool(body["ticket_id"])


def _a_decision(body: dict[str, Any]) -> bool:
    return all(isinstance(body.get(key), str) and body[key] for key in ("provisional_number", "staff_token",
                                                                        "decision"))


EVALUATION = ItemKind("evaluation", "an evaluation", lambda backend, body, _files: backend.send_evaluation_payload(body),
                      follows=lambda body: body.get("provisional_number"))
TICKET_CONFIRMATION = ItemKind("ticket_confirmation", "a print ticket's confirmation",
                               lambda backend, body, _files: backend.confirm_ticket(body["ticket_id"]),
                               _names_a_ticket)
CONSENT_WITHDRAWAL = ItemKind("consent_withdrawal", "a consent withdrawal",
                              lambda backend, body, _files: backend.send_withdrawal_payload(body))
DECISION = ItemKind("decision", "a window's decision",
                    lambda backend, body, _files: backend.send_decision_payload(body),
                    _a_decision, follows=lambda body: body.get("provisional_number"))
DRAFT_DELETION = ItemKind("draft_deletion", "a saved application's deletion",
                          lambda backend, body, _files: backend.delete_draft(body["draft_id"]),
                          lambda body: isinstance(body.get("draft_id"), str) and bool(body["draft_id"]),
                          follows=lambda body: body.get("after"))
DRAFT_SAVE = ItemKind("draft_save", "a saved application",
                      lambda backend, body, files: bool(backend.save_draft_payload(body, files)),  # not its echo
                      lambda body: isinstance(body.get("id_number"), str) and isinstance(body.get("service_code"), str))
KINDS = {kind.key: kind for kind in (EVALUATION, TICKET_CONFIRMATION, CONSENT_WITHDRAWAL, DECISION, DRAFT_DELETION,
                                     DRAFT_SAVE)}


def ticket_confirmation(ticket_id: str, licence_id: str) -> dict[str, Any]:
    """The outbox body that confirms a print ticket."""
    return TICKET_CONFIRMATION.queued({"ticket_id": ticket_id, "licence_id": licence_id})


def marked(body: Any) -> tuple[ItemKind, dict[str, Any]] | None:
    """The kind and body an outbox body holds, or None for a case (anything without exactly one known key)."""
    if isinstance(body, dict) and len(body) == 1:
        ((key, inner),) = body.items()
        kind = KINDS.get(key)
        if kind is not None and isinstance(inner, dict):
            return kind, inner
    return None
