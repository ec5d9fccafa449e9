"""One case for the applicant's matter at the window, however often the clerk tries (nothing sent twice).

A mix-in of ``ClerkDesk``. Accepting and not accepting both submit the applicant's application and then
record a decision on the case. When anything after the submission fails (the answer lost, the decision not
recorded), the clerk tries again: a new ``Application`` there would carry a new idempotency key and the
backend would open a second case. So the desk keeps the application it made for the matter (the applicant
and the service in hand) and submits that one again: same idempotency key, same case (docs/api/payloads.md,
"Idempotent submissions"). It is forgotten with the applicant (next applicant, signing out, another card) and
made anew when the clerk chooses another service. A printer failing after a decision is not such a failure:
the decision stands and its papers are printed again (kiosk/workflows/clerk_documents.py).

The desk also remembers which decision it asked the backend to record on that case: once it asked for
one (its answer may have been lost, so it may stand recorded), the other is not asked on the same case,
so a refusal left unrecorded cannot be turned into an acceptance of the same case by a second tap,
nor the other way round; the clerk is told plainly and the next applicant starts afresh.

The decision is recorded within what is left of the wait the hall gives a person for a delivery
(``queue.deliver_wait_s``, counted from the tap): a slow backend used it on the case, then took as long again on
the decision (15 + 20 s at the defaults). Once that is spent, or the answer does not come in what is left, the
decision goes into the queue behind its case, as when the backend is away (:func:`decide_in_time`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from common.backend_errors import OfflineError, RejectedError
from common.domain import Application
from common.errors import OneTripError
from common.i18n import N_

if TYPE_CHECKING:
    from kiosk.backend.client import BackendClient
    from kiosk.submission import Submitter
    from kiosk.workflows.clerk import ClerkDesk

log = logging.getLogger(__name__)

def decide_in_time(backend: BackendClient, submitter: Submitter, began: float, number: str, token: str,
                   decision: str, **fields: Any) -> None:
    """On the worker: ``backend.decide`` on a case the backend has, within what is left of the applicant's wait
    since ``began`` (``Submitter.wait_left``). OfflineError when nothing is left or the answer does not come in it:
    the caller queues the decision behind its case, as when the backend is away; a decision the backend recorded all
    the same is answered ``already_decided`` when the queue sends it."""
    left = submitter.wait_left(began)
    if not left:
        raise OfflineError(detail=f"{number}: its delivery took the {submitter.deliver_timeout_s:g} s a person waits; "
                                  f"the decision is queued")
    backend.decide(number, token, decision, within_s=left, **fields)


class DecidedOtherwiseError(OneTripError):
    default = N_("A different decision on this application was already sent to the service system, so this one "
                 "is not. Finish the matter as it was decided.")


@dataclass
class MatterCase:
    """The application submitted for the matter in hand, and the decision this desk asked for on its case."""

    application: Application
    decision: str = ""  # "accepted" or "not_accepted" once asked (set on the worker while the desk is busy)
    refused_items: list[str] = field(default_factory=list)  # dead letters of its tries the backend refused

    def ask(self, decision: str) -> None:
        """Before a decision is sent: refused (DecidedOtherwiseError) when the other one was asked already."""
        if self.decision and self.decision != decision:
            raise DecidedOtherwiseError(detail=f"asked {self.decision}, now {decision}")
        self.decision = decision


class DeskCase:
    """What ``ClerkDesk`` adds to keep one case for the matter in hand."""

    _kept_case: MatterCase | None = None

    def _matter_case(self: "ClerkDesk") -> MatterCase:
        """The matter's case: the one kept, or a new application when there is none for this applicant and service."""
        assert self.identity is not None and self.service is not None
        kept = self._kept_case
        if kept is None or kept.application.service.code != self.service.code \
                or kept.application.applicant is not self.identity or kept.application.company is not self.company:
            # for a company, the kiosk's company case (kiosk/workflows/clerk_company.py); the same matter in another
            # company's name, or the company looked up again, keeps its refused tries to put right
            same = kept is not None and kept.application.applicant is self.identity \
                and kept.application.service.code == self.service.code
            application = Application(self.service, self.identity, self._terminal_id, company=self.company)
            if same and kept and _credit_code(kept.application) == _credit_code(application):
                application.id = kept.application.id  # the same application put right: its refusals superseded
            kept = self._kept_case = MatterCase(application,
                                                refused_items=list(kept.refused_items) if same and kept else [])
        return kept

    def _case_refused(self, exc: BaseException) -> None:
        """A try of the matter's case refused while the applicant waits: its dead letter is deleted once the clerk
        puts the matter right and its case goes (:meth:`_case_went`); left for staff when the matter ends so."""
        if isinstance(exc, RejectedError) and exc.queued_item and self._kept_case is not None:
            self._kept_case.refused_items.append(exc.queued_item)

    def _case_went(self: "ClerkDesk") -> None:
        """The matter's case was submitted (accepted or not): the refused tries before it are no one's business."""
        kept = self._kept_case
        if kept is None or not kept.refused_items:
            return
        refused, kept.refused_items, submitter = kept.refused_items, [], self._submitter
        self._tasks.run(lambda: submitter.discard_refused(refused), lambda _n: None,
                        lambda exc: log.info("desk: refused items not discarded: %s", type(exc).__name__))

    def _forget_case(self) -> None:
        self._kept_case = None

    @property
    def decision(self) -> str:
        """The decision asked on the matter's case: "accepted", "not_accepted", or "" (none yet, or accepted by a
        clerk signed in offline, whose acceptance records no decision); the customer-facing screen says which."""
        return self._kept_case.decision if self._kept_case is not None else ""


def _credit_code(application: Application) -> str:
    """The company an application is in the name of ("" for a person's own): the same one, looked up again, keeps
    the application; another company's is another application."""
    return application.company.credit_code if application.company is not None else ""
