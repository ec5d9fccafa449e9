"""The clerk's desk prints a decision's papers: its receipt slip on the window's receipt printer and its formal A4
document (kiosk/window_documents.py) on the document printer.

A mix-in of ``ClerkDesk``. After a decision is recorded (accepted, a one-time notice issued, not accepted) the desk
hands its papers to the task runner, which prints them (the GUI thread never waits), and the step ends with the
decision's own message and what came of each paper. A printer failing does not undo the decision: the case stands
accepted, the notice issued, and the desk says so, audited as decided. The clerk is told plainly which paper did not
print and why, and the papers not printed are offered again ("Print again"): printing again prints only, the
decision is never recorded twice. A receipt printer that tells nothing of itself may not have printed: the clerk is
asked to look. What waits to be printed again holds only what its paper shows (the applicant masked) and is
forgotten with the applicant. A window without a document printer prints only its receipt slips.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from common.i18n import Text, language, text
from devices.docprinter.base import DocumentPrinter
from devices.receipt.document import ReceiptDocument
from kiosk.window_documents import NAMES, Matter, WindowDocument, job_title, render
from kiosk.workflows.citizen import Notice
from kiosk.staff_words import staff_message

if TYPE_CHECKING:
    from kiosk.workflows.clerk import ClerkDesk

log = logging.getLogger(__name__)

# What became of one paper: printed (True), printed by a printer that tells nothing of itself (False), failed
Came = bool | BaseException


@dataclass(frozen=True)
class Printed:
    """What became of a decision's papers; None: that paper was not printed this time."""

    slip: Came | None
    document: Came | None


def _print(work: Callable[[], bool]) -> Came:
    """One paper printed on the task runner: whatever its printer raises is what became of it, not the task's
    failure, so the other paper is still printed."""
    try:
        return work()
    except Exception as exc:  # noqa: BLE001 - said to the clerk plainly (staff_message), audited by its type
        return exc


class DeskDocuments:
    """What ``ClerkDesk`` adds to print its papers; ``_init_documents`` is called from its constructor."""

    def _init_documents(self: "ClerkDesk", printer: DocumentPrinter | None, hall: str, hall_id: str = "") -> None:
        self._document_printer, self._hall = printer, hall
        self._hall_id = hall_id  # this hall's id: a copy is printed here only of what this hall decided or issued
        self.unprinted: WindowDocument | None = None  # an A4 document the printer failed: offered again
        self.unprinted_slip: ReceiptDocument | None = None  # a receipt slip the printer failed: offered again
        self._after_print: Notice | None = None  # the decision's own message, said once its papers are printed
        # the last matter's papers never printed (its number, their names, whether its A4 is one): said once
        self._papers_left: tuple[str, tuple[Text, ...], bool] | None = None

    def has_document_printer(self) -> bool:
        return self._document_printer is not None

    @property
    def papers_held(self) -> bool:
        """A decision's papers are being printed or wait to be printed again: the desk keeps the decided layout."""
        return self._after_print is not None

    def can_print_again(self: "ClerkDesk") -> bool:
        from kiosk.workflows.clerk import Desk

        return (self.step is Desk.DONE and not self.busy and self._after_print is not None
                and (self.unprinted is not None or self.unprinted_slip is not None))

    def _matter(self: "ClerkDesk") -> Matter:
        """What every document names, from the matter in hand (only while there is one)."""
        assert self.identity is not None and self.service is not None
        return Matter(self._hall or self._terminal_id, self.actor, self.service, self.identity.masked_name,
                      self.identity.masked_id, dt.datetime.now(), self.company,  # a company's: named (clerk_company.py)
                      str((self.staff or {}).get("name", "")))

    def _print_papers(self: "ClerkDesk", done: Notice, document: WindowDocument,
                      slip: ReceiptDocument | None = None) -> None:
        """Print the decision's ``slip`` and ``document`` (the latter only with a document printer), then end the
        matter's step with ``done`` (what was decided) and what came of each paper."""
        self.unprinted = document if self._document_printer is not None else None
        self.unprinted_slip, self._after_print = slip, done
        self._print_held()

    def _print_held(self: "ClerkDesk") -> None:
        from kiosk.workflows.clerk import Desk

        slip, document, done = self.unprinted_slip, self.unprinted, self._after_print
        receipts, documents, lang = self._printer, self._document_printer, language()
        if slip is None and (document is None or documents is None):
            self._after_print = None
            self._go(Desk.DONE, done)
            return
        self._go(Desk.WORKING)

        def print_slip() -> bool:
            return receipts.print_receipt(slip).status_known

        def print_document() -> bool:
            documents.print_pdf(render(document, lang), job_title(document))
            return True

        def work() -> Printed:
            return Printed(None if slip is None else _print(print_slip),
                           None if document is None or documents is None else _print(print_document))

        self._print_tasks.run(work, self._papers_printed, self._papers_failed)  # never holding a backend call's worker

    def _papers_printed(self: "ClerkDesk", printed: Printed) -> None:
        from kiosk.workflows.clerk import Desk

        done = self._after_print
        if done is None:  # the applicant went meanwhile (cannot while busy): nothing to say it of
            log.warning("desk: papers printed with nothing held")
            return
        said, failed = done.message, False
        for came, paper, held in ((printed.slip, self._slip_paper(), "unprinted_slip"),
                                  (printed.document, self._document_paper(), "unprinted")):
            if came is None or paper is None:
                continue
            said = self._said(said, came, *paper)
            if isinstance(came, BaseException):
                failed = True
            else:
                setattr(self, held, None)  # printed: no longer offered again
        if failed:
            said = text('{done} Press "Print again" once the printer is ready.', done=said)
        else:
            self._after_print = None
        self._go(Desk.DONE, Notice(said, error=done.error or failed,
                                   check=printed.slip is False and not failed and not done.error))

    def _slip_paper(self) -> tuple[Text, str] | None:
        """The receipt slip held (its name, its title), or None."""
        return (text("receipt slip"), self.unprinted_slip.title) if self.unprinted_slip is not None else None

    def _document_paper(self) -> tuple[Text, str] | None:
        """The A4 document held (its name, its job title), or None."""
        document = self.unprinted
        return (text(NAMES[type(document)]), job_title(document)) if document is not None else None

    def _said(self: "ClerkDesk", said: Text, came: Came, paper: Text, title: str) -> Text:
        """``said`` and what became of one paper, which is audited (printed or not, by its title and the failure's
        type)."""
        if isinstance(came, BaseException):
            self._audit_step("document_not_printed", f"{title} {type(came).__name__}")
            return text("{done} The {document} did not print: {reason}", done=said, document=paper,
                        reason=staff_message(came))
        self._audit_step("document_printed", title)
        return text("{done} The {document} is printed.", done=said, document=paper) if came else \
            text("{done} Please check that the {document} was printed.", done=said, document=paper)

    def _papers_failed(self: "ClerkDesk", exc: BaseException) -> None:
        """Printing raised past ``_print`` (it should not): the decision stands, its papers are offered again."""
        from kiosk.workflows.clerk import Desk

        done = self._after_print
        log.warning("desk: printing the papers failed (%s)", type(exc).__name__)
        if done is None:
            return
        self._go(Desk.DONE, Notice(text('{done} Press "Print again" once the printer is ready.', done=done.message)))

    def print_again(self: "ClerkDesk") -> None:
        """The papers the printers failed, printed again (only printed: the decision stands recorded)."""
        if self.can_print_again():
            held = [paper for paper in (self._slip_paper(), self._document_paper()) if paper is not None]
            self._audit_step("print_again", " + ".join(title for _name, title in held))
            self._print_held()

    def _forget_documents(self: "ClerkDesk") -> None:
        """The matter ends: papers still held are audited ``papers_never_printed`` and said at the next applicant
        (their decision stands recorded), as a hand-over receipt is (kiosk/workflows/clerk_handover.py)."""
        left = [paper for paper in (self._slip_paper(), self._document_paper()) if paper is not None]
        if left and self._after_print is not None:  # called before the matter's result is cleared
            log.warning("desk: the papers of %s were never printed", self.result)  # a case or notice number
            self._audit_step("papers_never_printed", " + ".join(title for _name, title in left))
            self._papers_left = (self.result, tuple(name for name, _title in left), self.unprinted is not None)
        self.unprinted = self.unprinted_slip = self._after_print = None

    def _papers_never_printed(self) -> Text | None:
        """Once, at the next applicant: the papers the last matter left unprinted."""
        left, self._papers_left = self._papers_left, None
        if left is None:
            return None
        number, names, document = left
        named = names[0] if len(names) == 1 else text("{first} and {second}", first=names[0], second=names[1])
        # not named by its number: nothing of the last applicant's matter shows at the next (the audit trail has it)
        if number in ("", "-"):  # a notice the backend did not confirm
            return text("The {papers} of the last matter were never printed.", papers=named)
        if document:  # its copy: by the case number on the applicant's slip (kiosk/workflows/clerk_copy.py)
            return text("The {papers} of the last matter were never printed. Its decision is recorded in the service "
                        "system: a copy of its document can be printed by the case number below.", papers=named)
        return text("The {papers} of the last matter were never printed. Its decision is recorded in the service "
                    "system.", papers=named)
