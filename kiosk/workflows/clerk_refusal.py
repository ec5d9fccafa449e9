"""The clerk does not accept an application (不予受理): the case is submitted as an acceptance's is, the decision
``not_accepted`` recorded with its legal reason, and the decision document printed on A4.

A mix-in of ``ClerkDesk``. A refusal is a decision the backend records (POST /cases/{case_number}/decision,
``legal_reason`` required), so it needs the backend: signed in offline, or with the case only queued
under a provisional number, the clerk is told the refusal is not recorded and nothing is printed. The
application is kept for the applicant's matter (kiosk/workflows/clerk_case.py), so trying again submits under the same idempotency
key and reaches the same case; a decision whose answer was lost ("already decided" on the next try)
is the one this desk made. Once recorded, the document follows (kiosk/workflows/clerk_documents.py):
a printer failure offers printing again, never a second decision.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from common.backend_errors import RejectedError
from common.domain import EvaluationKey
from common.errors import OneTripError
from common.i18n import N_, text
from kiosk.refusal_reasons import Refusal, RefusalReason
from kiosk.window_documents import RefusalDecision
from kiosk.workflows.citizen import Notice

if TYPE_CHECKING:
    from kiosk.workflows.clerk import ClerkDesk

log = logging.getLogger(__name__)


class RefusalNotRecordedError(OneTripError):
    default = N_("The service system cannot be reached, so the refusal is not recorded and nothing was printed. "
                 "Try again when it is back.")


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
        token = (self.staff or {}).get("token", "")
        if not token:
            self._go(Desk.CHECKING, Notice(text("Signed in offline: a refusal must be recorded by the service system. "
                                                "Sign in again when it can be reached.")))
            return
        case = self._matter_case()  # one case for the matter, however often tried (kiosk/workflows/clerk_case.py)
        application, backend, submitter = case.application, self._backend, self._submitter
        self._go(Desk.WORKING)

        def work() -> str:
            outcome = submitter.submit(application)
            if outcome.provisional:
                raise RefusalNotRecordedError(detail=f"case queued as {outcome.number}")
            case.ask("not_accepted")
            try:
                backend.decide(outcome.number, token, "not_accepted", legal_reason=refusal.legal_reason(),
                               note=refusal.note)
            except RejectedError as exc:
                if exc.code != "already_decided":
                    raise
                log.info("desk: %s was decided by the try whose answer was lost", outcome.number)
            return outcome.number

        self._tasks.run(work, lambda number: self._refused(number, refusal), self._failed)

    def _refused(self: "ClerkDesk", number: str, refusal: Refusal) -> None:
        self.result = number
        self._offer_rating(EvaluationKey.case(number))
        self._audit_step("not_accepted", f"{number} {refusal.reason.value}")
        if self.has_document_printer():
            done = Notice(text("Not accepted: the decision on {number} is recorded.", number=number), error=False)
        else:
            done = Notice(text("Not accepted: the decision on {number} is recorded. This window has no document "
                               "printer: print the decision at another window.", number=number))
        self._print_document(RefusalDecision(self._matter(), number, refusal), done)
