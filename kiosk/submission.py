"""Submitting a case so that it is never lost: into the outbox first, then straight on if the backend answers.

Every application is stored durably (encrypted) with a provisional number before
anything is sent. If the backend takes it at once, the citizen gets the official
case number; if not, the receipt carries the provisional number and the sync
worker delivers the case later, exactly once (same idempotency key).
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from kiosk.backend.client import BackendClient
from common.backend_errors import BackendError, RejectedError
from common.domain import Application, Attachment, ConsentWithdrawal, Evaluation, EvaluationKeyKind
from common.i18n import text
from offline_queue.item_kinds import (CONSENT_WITHDRAWAL, DECISION, DRAFT_DELETION, DRAFT_SAVE, EVALUATION,
                                      ticket_confirmation)
from offline_queue.outbox import FULL_MESSAGE, QueueFullError
from kiosk.queue_setup import Queue

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    number: str                 # the official case number, or the provisional one
    provisional: bool
    provisional_number: str
    promised_days: int = 0
    submitted_at: str = ""

MIN_CALL_S = 0.5  # less than this left of a person's wait: a call that follows the delivery is not tried (50 ms well)


class Submitter:
    def __init__(self, queue: Queue, backend: BackendClient, deliver_timeout_s: float = 15.0) -> None:
        self._queue = queue
        self._backend = backend
        self._deliver_timeout_s = deliver_timeout_s

    @property
    def deliver_timeout_s(self) -> float:
        """How long a person waits for a delivery before what they sent stands queued (``queue.deliver_wait_s``)."""
        return self._deliver_timeout_s

    def wait_left(self, began: float) -> float:
        """What is left of that wait since ``began`` (``time.monotonic()`` at the person's tap), for a call that
        follows the delivery (a window's decision, a notice's draft); 0 when less than :data:`MIN_CALL_S` is left:
        the call is then queued without being tried."""
        left = self._deliver_timeout_s - (time.monotonic() - began)
        return left if left >= MIN_CALL_S else 0.0

    def submit(self, application: Application, attachments: Iterable[Attachment] = ()) -> Outcome:
        """Blocking (fsync, network): call from a worker, never from the GUI thread.

        When the terminal cannot store the case (a full disk for the queue or for the sequence
        file's reservation, or the queue's quota), nothing can wait offline: the case is sent
        straight to the backend, and only if that fails too is the citizen told to ask the staff.
        """
        attachments = list(attachments)
        try:
            provisional = self._queue.sequence.next()
        except OSError as exc:  # DiskFullError included: no number can be promised durably
            full = QueueFullError(text(FULL_MESSAGE), f"cannot reserve provisional numbers: {exc}")
            return self._send_directly(application, application.payload(), "", attachments, full)
        payload = dict(application.payload(), provisional_number=provisional)
        try:
            item_id = self._queue.outbox.enqueue(payload, application.idempotency_key,
                                                 application.applicant.id_number, provisional, attachments)
        except QueueFullError as full:
            return self._send_directly(application, payload, provisional, attachments, full)
        try:
            sent = self._queue.sync.deliver_now(item_id, self._deliver_timeout_s)
        except RejectedError as refused:
            refused.queued_item = item_id  # a dead letter now, unless the applicant puts it right (discard_refused)
            raise
        if sent is not None:
            return Outcome(sent.case_number, False, provisional, sent.promised_days, sent.submitted_at)
        self._queue.sync.notify()
        log.info("submission: accepted offline as %s", provisional)
        return Outcome(provisional, True, provisional, application.service.promised_days)

    def discard_refused(self, item_ids: Sequence[str]) -> int:
        """Dead letters of cases refused while their applicant waited, now put right and submitted again (or queued):
        deleted, so that staff do not send the refused version again and its pages do not wait out their retention.
        Returns how many were. Blocking (disk): call from a worker."""
        return sum(1 for item_id in item_ids if item_id and self._queue.outbox.discard_dead(item_id))

    def queue_evaluation(self, evaluation: Evaluation, applicant_id_number: str) -> str:
        """An evaluation of a case accepted offline (its key the provisional number) into the outbox, behind
        that case: ``applicant_id_number`` is the one the case was queued under (``application.applicant``),
        so the sync worker sends it after the case. Returns the item id. Blocking (fsync): call from a worker.
        QueueFullError when the terminal cannot store it; ValueError for one the backend would refuse."""
        problem = evaluation.problem()
        if evaluation.key.kind is not EvaluationKeyKind.PROVISIONAL:
            problem = "only an evaluation by provisional number waits behind its case"
        if problem:
            raise ValueError(f"evaluation: {problem}")
        item_id = self._queue.outbox.enqueue(EVALUATION.queued(evaluation.payload()), uuid.uuid4().hex, applicant_id_number,
                                             evaluation.key.value)
        self._queue.sync.notify()
        log.info("submission: evaluation of %s queued behind its case", evaluation.key.value)
        return item_id

    def queue_decision(self, provisional_number: str, applicant_id_number: str, staff_token: str, decision: str, *,
                       legal_reason: str = "", note: str = "", decided_at: str = "",
                       received: Sequence[str] = ()) -> str:
        """A window's decision on a case that went into the queue (``provisional_number``), behind that case:
        queued under the applicant it was queued under, so the sync worker sends it after the case
        (offline_queue/item_kinds.py, ``decision``). Returns the item id. Blocking (fsync): call from a worker.
        QueueFullError when the terminal cannot store it."""
        body = {"provisional_number": provisional_number, "staff_token": staff_token, "decision": decision,
                "legal_reason": legal_reason, "note": note, "decided_at": decided_at or None}
        if received:  # an acceptance: the materials the clerk received, for its notice's copy
            body["received"] = list(received)
        item_id = self._queue.outbox.enqueue(DECISION.queued(body), uuid.uuid4().hex, applicant_id_number,
                                             provisional_number)
        self._queue.sync.notify()
        log.info("submission: decision %s on %s queued behind its case", decision, provisional_number)
        return item_id

    def discard_draft(self, draft_id: str, applicant_id_number: str, after: str = "") -> None:
        """A saved application that became a case: its deletion into the outbox under the applicant the case was
        queued under, so the sync worker sends it after the case (at once when the case is delivered already).
        ``after`` is the case's provisional number: when the backend refuses that case on arrival, the draft is
        kept for the citizen to put right and send again (offline_queue/item_kinds.py). Blocking (fsync): call
        from a worker. Never raises: when the queue cannot store it, it is sent directly, and failing that the
        draft expires on its own (logged)."""
        body = {"draft_id": draft_id, **({"after": after} if after else {})}
        try:
            self._queue.outbox.enqueue(DRAFT_DELETION.queued(body), uuid.uuid4().hex, applicant_id_number)
            self._queue.sync.notify()
            return
        except Exception as exc:  # QueueFullError, or the store failing: nothing can wait, so straight on
            detail = exc.detail if isinstance(exc, QueueFullError) else type(exc).__name__
            log.warning("submission: draft %s not queued for deletion (%s): deleted directly", draft_id[:8], detail)
        try:
            self._backend.delete_draft(draft_id)
        except BackendError as exc:
            log.warning("submission: draft %s not deleted (%s): it expires on its own", draft_id[:8],
                        type(exc).__name__)

    def queue_draft(self, body: dict[str, Any], pages: Sequence[Attachment]) -> str:
        """An incomplete application the backend could not save now (``DraftIn`` and its pages, kiosk/drafts.py) into
        the outbox, under the person who saved it, until the backend is back. Returns the item id. Blocking (fsync):
        call from a worker. QueueFullError when the terminal cannot store it."""
        item_id = self._queue.outbox.enqueue(DRAFT_SAVE.queued(body), uuid.uuid4().hex, str(body["id_number"]),
                                             None, list(pages))
        self._queue.sync.notify()
        log.info("submission: a saved application of %s queued until the backend is back", body.get("service_code"))
        return item_id

    def waiting_for(self, id_number: str) -> bool:
        """Whether anything of this person waits in the outbox to be sent (a case, a saved application, a rating):
        what they do next that must come after it (a consent withdrawal) is queued behind it, not sent past it."""
        return self._queue.outbox.pending_for(id_number) > 0

    def queue_withdrawal(self, withdrawal: ConsentWithdrawal) -> str:
        """A consent withdrawal the backend could not take now into the outbox, under the citizen, so the sync
        worker sends it after any case of theirs still queued (offline_queue/item_kinds.py). Returns the
        item id. Blocking (fsync): call from a worker. QueueFullError when the terminal cannot store it."""
        item_id = self._queue.outbox.enqueue(CONSENT_WITHDRAWAL.queued(withdrawal.payload()), withdrawal.key,
                                             withdrawal.id_number)
        self._queue.sync.notify()
        log.info("submission: consent withdrawal %s queued until the backend is back", withdrawal.key[:8])
        return item_id

    def confirm_print(self, ticket_id: str, licence_id: str) -> bool:
        """A licence printed: its ticket's confirmation into the outbox first, then sent at once if the backend
        answers; else the sync worker sends it with bounded backoff, so the licence never prints twice.
        True when the backend has it now. Blocking (fsync, network): call from a worker. Never raises: the licence
        is in the citizen's hand. When the queue cannot store it (no room, a failing store), it is sent directly;
        failing that, logged (the ticket stays issued until it expires)."""
        try:
            item_id = self._queue.outbox.enqueue(ticket_confirmation(ticket_id, licence_id),
                                                 uuid.uuid4().hex, licence_id)
        except Exception as exc:  # QueueFullError, or the store failing: nothing can wait, so straight on
            detail = exc.detail if isinstance(exc, QueueFullError) else f"{type(exc).__name__}: {exc}"
            log.warning("submission: cannot store the confirmation of ticket %s (%s); sending it directly",
                        ticket_id, detail)
            try:
                self._backend.confirm_ticket(ticket_id)
            except BackendError as failed:
                log.error("submission: licence %s printed, its ticket %s not confirmed (%s): it could print again "
                          "once the ticket expires", licence_id, ticket_id, failed.detail)
                return False
            return True
        if self._queue.sync.deliver_now(item_id, self._deliver_timeout_s) is not None:
            return True
        self._queue.sync.notify()
        log.info("submission: confirmation of ticket %s queued (licence %s printed)", ticket_id, licence_id)
        return False

    def _send_directly(self, application: Application, payload: dict, provisional: str,
                       attachments: list[Attachment], full: QueueFullError) -> Outcome:
        log.warning("submission: cannot store the case (%s); trying the backend directly", full.detail)
        try:  # nothing can wait offline, but an online submission still works
            sent = self._backend.submit_payload(payload, application.idempotency_key, attachments)
        except BackendError:
            raise full from None
        return Outcome(sent.case_number, False, provisional, sent.promised_days, sent.submitted_at)
