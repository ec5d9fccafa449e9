"""The window prints again a past decision's formal A4 document, by its case number (补打).

A decision stands whatever its papers come to (kiosk/workflows/clerk_documents.py): when the A4 printer
failed and the applicant went, the desk forgets the document with the rest of their matter. The applicant
comes back with their receipt slip, or the hall's office finds the case: with no applicant in hand, the
clerk types the case number (or a wedge scanner types the slip's code, ``OTR1:<number>``) and the desk
prints a copy made from the backend's record of the decision (kiosk/decision_copy.py). The copy is
audited ``decision_copy_printed`` with its title. The number shows on the clerk's screen only until the
next card is read, as a matter's own result does.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from common import provisional
from common.domain import RecordedDecision
from common.i18n import language, text
from kiosk.decision_copy import document_of
from kiosk.payloads import PayloadKind, classify, is_case_number
from kiosk.window_documents import NAMES, AcceptanceNotice, RefusalDecision, job_title, render
from kiosk.workflows.citizen import Notice, user_message

if TYPE_CHECKING:
    from kiosk.workflows.clerk import ClerkDesk

log = logging.getLogger(__name__)


def case_number_typed(typed: str) -> str | None:
    """A case (or provisional) number as typed or scanned from a receipt's code; None when it is neither."""
    said = typed.strip()
    if is_case_number(said.upper()) or provisional.is_valid(said.upper()):
        return said.upper()
    found = classify(said)
    if found.kind is PayloadKind.RECEIPT:
        return found.fields.get("case_number") or found.fields.get("provisional_number")
    return None


class DeskCopy:
    def can_print_copy(self: "ClerkDesk") -> bool:
        """Between applicants, with an A4 printer: a copy is no applicant's matter, so none may be in hand."""
        from kiosk.workflows.clerk import Desk

        return (self.step is Desk.WAITING and self.identity is None and self.staff is not None
                and self.has_document_printer() and not self.busy)

    def print_copy(self: "ClerkDesk", typed: str) -> None:
        from kiosk.workflows.clerk import Desk

        if not self.can_print_copy():
            return
        number = case_number_typed(typed)
        if number is None:
            self._go(Desk.WAITING, Notice(text("That is not a case number. Type it as the receipt shows it, "
                                               "for example SQ2026112600018, or scan the receipt's code.")))
            return
        token, documents = (self.staff or {}).get("token", ""), self._document_printer
        hall, lang, known = self._hall or self._terminal_id, language(), {s.code: s for s in self.catalogue}
        backend = self._backend
        self._go(Desk.WORKING)

        def work() -> tuple[RecordedDecision, str]:
            record = backend.decision_of(number, token)
            if not record.has_document:
                return record, ""
            service = known.get(record.service_code) or backend.service(record.service_code)
            document = document_of(record, service, hall, dt.datetime.now())
            if document is None or documents is None:  # has_document and can_print_copy said otherwise
                raise RuntimeError("no document, or no A4 printer, for a decision's copy")
            title = job_title(document) + "-copy"
            documents.print_pdf(render(document, lang), title)
            return record, title

        self._tasks.run(work, self._copy_printed, self._copy_failed)

    def _copy_printed(self: "ClerkDesk", done: tuple[RecordedDecision, str]) -> None:
        from kiosk.workflows.clerk import Desk

        record, title = done
        if not title:  # "incomplete": its paper is the one-time notice, asked for again with the applicant
            self._go(Desk.WAITING, Notice(text(
                "Case {number} was found incomplete: its paper is the one-time notice, which is issued again "
                "when the applicant comes with their card.", number=record.case_number), error=False))
            return
        self._audit_step("decision_copy_printed", title)
        kind = AcceptanceNotice if record.decision == "accepted" else RefusalDecision
        self._go(Desk.WAITING, Notice(text("A copy of the {document} of case {number} is printed.",
                                           document=text(NAMES[kind]), number=record.case_number), error=False))

    def _copy_failed(self: "ClerkDesk", exc: BaseException) -> None:
        from kiosk.workflows.clerk import Desk

        log.warning("desk: a decision's copy was not printed (%s: %s)", type(exc).__name__,
                    getattr(exc, "detail", "") or "")
        self._audit_step("decision_copy_failed", type(exc).__name__)
        self._go(Desk.WAITING if self.staff is not None else Desk.SIGNED_OUT,
                 Notice(text("No copy was printed: {reason}", reason=user_message(exc))))
