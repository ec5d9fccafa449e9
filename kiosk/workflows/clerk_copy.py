"""The window prints again a past decision's formal A4 document, by its case number (补打).

A decision stands whatever its papers come to (kiosk/workflows/clerk_documents.py): when the A4 printer
failed and the applicant went, the desk forgets the document with the rest of their matter. The applicant
comes back with their receipt slip, or the hall's office finds the case: with no applicant in hand, the
clerk types the case number (or a wedge scanner types the slip's code, ``OTR1:<number>``) and the desk
prints a copy made from the backend's record of the decision (kiosk/decision_copy.py). The copy is
audited ``decision_copy_printed`` with its title. The number shows on the clerk's screen only until the
next card is read, as a matter's own result does.

A one-time notice (a matter found incomplete, at a window or a kiosk) is printed again the same way by its own
number, ``GZ...``, as the notice shows it; a case decided incomplete tells the clerk its notice's number.
A copy names this hall above the seal, so what another hall decided or issued (the record's ``hall_id``) is not
printed here: the clerk is told which hall prints it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from common import provisional
from common.i18n import language, text
from kiosk.decision_copy import document_of, notice_document_of
from kiosk.payloads import PayloadKind, classify, is_case_number, is_notice_number
from kiosk.tasks import InTurn
from kiosk.window_documents import NAMES, AcceptanceNotice, OneTimeNoticeA4, WindowDocument, job_title, render
from kiosk.workflows.citizen import Notice
from kiosk.staff_words import staff_message

if TYPE_CHECKING:
    from kiosk.workflows.clerk import ClerkDesk

log = logging.getLogger(__name__)


def number_typed(typed: str) -> str | None:
    """A case (or provisional) number, or a one-time notice's, as typed or scanned from a receipt's code; None when it
    is none of them."""
    said = typed.strip()
    if is_case_number(said.upper()) or provisional.is_valid(said.upper()) or is_notice_number(said.upper()):
        return said.upper()
    found = classify(said)
    if found.kind is PayloadKind.RECEIPT:
        return found.fields.get("case_number") or found.fields.get("provisional_number")
    return None


@dataclass(frozen=True)
class Copied:
    """What was printed again: the case's (or notice's) number and the job's title ("" when nothing was: the
    decision has no document of its own, ``incomplete``, with its notice's number when the record names it; or it
    is another hall's)."""

    number: str
    title: str
    notice_number: str = ""
    kind: type = AcceptanceNotice
    other_hall: str = ""  # decided or issued at that hall: not printed here


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
        number = number_typed(typed)
        if number is None:
            self._go(Desk.WAITING, Notice(text("That is not a case or notice number. Type it as the paper shows it, "
                                               "for example SQ2026112600018 or GZ2026112600003, or scan the "
                                               "receipt's code.")))
            return
        token, documents = (self.staff or {}).get("token", ""), self._document_printer
        hall, lang, known = self._hall or self._terminal_id, language(), {s.code: s for s in self.catalogue}
        backend, ours = self._backend, self._hall_id

        def elsewhere(hall_id: str) -> bool:
            """Decided or issued at another hall: its copy is that hall's to print, under its own seal."""
            return bool(hall_id and ours and hall_id != ours)

        self._go(Desk.WORKING)

        def work() -> Copied | tuple[WindowDocument, str]:
            """The record looked up on the backend's worker: its document and the number shown, or what was found
            instead (another hall's, or no document), which prints nothing."""
            document: WindowDocument | None
            if is_notice_number(number):
                notice = backend.notice_of(number, token)
                if elsewhere(notice.hall_id):
                    return Copied(notice.number, "", other_hall=notice.hall_id, kind=OneTimeNoticeA4)
                service = known.get(notice.service_code) or backend.service(notice.service_code)
                document, shown = notice_document_of(notice, service, hall, dt.datetime.now()), notice.number
            else:
                record = backend.decision_of(number, token)
                if elsewhere(record.hall_id):
                    return Copied(record.case_number, "", other_hall=record.hall_id)
                if not record.has_document:
                    return Copied(record.case_number, "", record.notice_number)
                service = known.get(record.service_code) or backend.service(record.service_code)
                document, shown = document_of(record, service, hall, dt.datetime.now()), record.case_number
            if document is None or documents is None:  # has_document and can_print_copy said otherwise
                raise RuntimeError("no document, or no A4 printer, for a copy")
            return document, shown

        def print_it(found: Copied | tuple[WindowDocument, str]) -> Copied:  # on the print worker
            if isinstance(found, Copied):
                return found
            document, shown = found
            if documents is None:  # looked at above; the type does not carry it here
                raise RuntimeError("no A4 printer for a copy")
            title = job_title(document) + "-copy"
            documents.print_pdf(render(document, lang), title)
            return Copied(shown, title, kind=type(document))

        InTurn(self._desk_tasks, self._print_tasks, print_it).run(work, self._copy_printed, self._copy_failed)

    def _copy_printed(self: "ClerkDesk", done: "Copied") -> None:
        from kiosk.workflows.clerk import Desk

        if done.other_hall:
            self._audit_step("decision_copy_failed", f"other_hall {done.number}")
            said = text("One-time notice {number} was issued at another service hall ({hall}): a copy is printed "
                        "there, under that hall's seal.", number=done.number, hall=done.other_hall) \
                if done.kind is OneTimeNoticeA4 else \
                text("Case {number} was decided at another service hall ({hall}): a copy of its document is printed "
                     "there, under that hall's seal.", number=done.number, hall=done.other_hall)
            self._go(Desk.WAITING, Notice(said))
            return
        if not done.title:  # "incomplete": its paper is the one-time notice, printed by the notice's number
            said = text("Case {number} was found incomplete: its paper is one-time notice {notice}. Type that number "
                        "to print it again.", number=done.number, notice=done.notice_number) if done.notice_number \
                else text("Case {number} was found incomplete: its paper is the one-time notice, which is issued "
                          "again when the applicant comes with their card.", number=done.number)
            self._go(Desk.WAITING, Notice(said, error=False))
            return
        self._audit_step("decision_copy_printed", done.title)
        if done.kind is OneTimeNoticeA4:
            said = text("A copy of one-time notice {number} is printed.", number=done.number)
        else:
            said = text("A copy of the {document} of case {number} is printed.", document=text(NAMES[done.kind]),
                        number=done.number)
        self._go(Desk.WAITING, Notice(said, error=False))

    def _copy_failed(self: "ClerkDesk", exc: BaseException) -> None:
        from kiosk.workflows.clerk import Desk

        log.warning("desk: a decision's copy was not printed (%s: %s)", type(exc).__name__,
                    getattr(exc, "detail", "") or "")
        self._audit_step("decision_copy_failed", type(exc).__name__)
        self._go(Desk.WAITING if self.staff is not None else Desk.SIGNED_OUT,
                 Notice(text("No copy was printed: {reason}", reason=staff_message(exc))))
