"""The clerk does not accept an application (不予受理): the case is submitted as an acceptance's is, the decision
``not_accepted`` recorded with its legal reason, and the decision document printed on A4.

A mix-in of ``ClerkDesk``. A refusal is a decision the backend records (POST /cases/{case_number}/decision,
``legal_reason`` required) in the clerk's name, so it needs the clerk's staff token: signed in offline, the
clerk is told before anything is submitted, so nothing waits to arrive undecided. The application is kept for
the applicant's matter (kiosk/workflows/clerk_case.py), so trying again submits under the same idempotency key
and reaches the same case; a decision whose answer was lost ("already decided" on the next try) is the one this
desk made.

When the backend goes away between sign-in and the refusal, the case goes into the offline queue under a
provisional number, as every case does. It must not then reach the backend undecided, as if it were
waiting for a decision the applicant was already given: the refusal itself is queued behind the case, under
the same applicant, with the clerk's token, the reason and the time decided (offline_queue/item_kinds.py,
``decision``), and the sync worker delivers it after the case, on the provisional number (docs/api/payloads.md,
"Window decisions"). The same when the backend takes the case but goes away before the decision: the decision
is queued on the case's provisional number, which the backend resolves to the case. The decision document is
printed with the provisional number when the case itself waits, as an acceptance's notice is. A decision that
cannot even be queued (the queue full, or a case sent without a provisional number) is said as not recorded:
the clerk tries again.
Once recorded or queued, the document follows (kiosk/workflows/clerk_documents.py): a printer failure offers
printing again, never a second decision.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import TYPE_CHECKING

from common.backend_errors import OfflineError, RejectedError, ServerError
from common.domain import EvaluationKey
from common.errors import OneTripError
from common.i18n import N_, text
from kiosk.refusal_reasons import Refusal, RefusalReason
from kiosk.submission import Outcome
from kiosk.workflows.clerk_case import decide_in_time
from kiosk.window_documents import RefusalDecision
from kiosk.workflows.citizen import Notice
from offline_queue.outbox import QueueFullError

if TYPE_CHECKING:
    from kiosk.workflows.clerk import ClerkDesk

log = logging.getLogger(__name__)


class RefusalNotRecordedError(OneTripError):
    default = N_("The service system cannot be reached and the refusal could not be kept to send later, so it is "
                 "not recorded and nothing was printed. Try again.")


class DeskRefusal:
    """What ``ClerkDesk`` adds to refuse an application."""

    def refuse(self: "ClerkDesk", reason: RefusalReason, note: str = "") -> None:
        from kiosk.workflows.clerk import Desk

        if self.step is not Desk.CHECKING or self.busy or self.identity is None or self.service is None:
            return
        refusal = Refusal.of(reason, note)
        if not refusal.complete():
            self._go(Desk.CHECKING, Notice(text("Write the reason for not accepting in the note.")))
            return
        if self.applicant_problem() is not None:  # a company's matter without its company (clerk_company.py)
            self._go(Desk.CHECKING, Notice(self.applicant_problem()))
            return
        token = (self.staff or {}).get("token", "")
        if not token:
            self._go(Desk.CHECKING, Notice(text("Signed in offline: a refusal must be recorded by the service system. "
                                                "Sign in again when it can be reached.")))
            return
        case = self._matter_case()  # one case for the matter, however often tried (kiosk/workflows/clerk_case.py)
        application, backend, submitter = case.application, self._backend, self._submitter
        # the form as far as it was typed: a matter not accepted need not have it complete, and the backend takes a
        # case sent to be refused without checking it (docs/api/payloads.md, "Window decisions")
        application.form, application.refusing = self._form_submission(only_right=True), True
        self._go(Desk.WORKING)

        def work() -> tuple[Outcome, bool]:
            """(the case's outcome, whether the decision was queued)."""
            began = time.monotonic()
            outcome = submitter.submit(application)
            case.ask("not_accepted")
            decided_at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
            if not outcome.provisional:
                try:  # within what is left of the applicant's wait, else queued (kiosk/workflows/clerk_case.py)
                    decide_in_time(backend, submitter, began, outcome.number, token, "not_accepted",
                                   legal_reason=refusal.legal_reason(), note=refusal.note)
                    return outcome, False
                except RejectedError as exc:
                    if exc.code != "already_decided":
                        raise
                    log.info("desk: %s was decided by the try whose answer was lost", outcome.number)
                    return outcome, False
                except (OfflineError, ServerError) as exc:
                    log.info("desk: the backend took %s, then went away (%s): its refusal is queued",
                             outcome.number, type(exc).__name__)
            if not outcome.provisional_number:  # sent straight (the queue could not take it): nothing to queue behind
                raise RefusalNotRecordedError(detail=f"{outcome.number}: no provisional number to queue behind")
            try:
                submitter.queue_decision(outcome.provisional_number, application.applicant.id_number, token,
                                         "not_accepted", legal_reason=refusal.legal_reason(), note=refusal.note,
                                         decided_at=decided_at)
            except QueueFullError as exc:
                raise RefusalNotRecordedError(detail=f"{outcome.number}: {exc.detail}") from exc
            return outcome, True

        self._desk_tasks.run(work, lambda done: self._refused(*done, refusal), self._failed)

    def _refused(self: "ClerkDesk", outcome: Outcome, queued: bool, refusal: Refusal) -> None:
        number, provisional = outcome.number, outcome.provisional
        self.result = number
        self._case_went()  # tries refused before it: their dead letters deleted (clerk_case.py)
        self._draft_submitted(outcome)  # a saved application continued here became this case (clerk_drafts.py)
        self._offer_rating(EvaluationKey.case(number))
        self._audit_step("not_accepted_queued" if queued else "not_accepted", f"{number} {refusal.reason.value}")
        if queued and provisional:
            recorded = text("Not accepted: {number} and the decision wait in this terminal's queue and reach the "
                            "service system in that order when it is back.", number=number)
        elif queued:
            # the backend took the case, then was away or too slow for the decision (clerk_case.decide_in_time)
            recorded = text("Not accepted: the service system has {number}; the decision waits in this terminal's "
                            "queue and is sent as soon as the service system answers.", number=number)
        else:
            recorded = text("Not accepted: the decision on {number} is recorded.", number=number)
        if self.has_document_printer():
            done = Notice(recorded, error=False)
        else:
            done = Notice(text("{done} This window has no document printer: print the decision at another window.",
                               done=recorded))
        self._print_papers(done, RefusalDecision(self._matter(), number, refusal, provisional))
