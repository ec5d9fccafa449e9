"""The clerk's desk prints the window's formal A4 documents (kiosk/window_documents.py) on the document printer.

A mix-in of ``ClerkDesk``: after a decision is recorded (accepted, a one-time notice issued, not accepted)
the desk hands its document to the task runner, which renders it and prints it (the GUI thread never
waits). A printer that fails is told to the clerk plainly, the decision's own message kept, and the
document is offered again ("Print again"): printing again prints only, the decision is never recorded
twice. The document waiting to be printed again holds only what its paper shows (the applicant masked)
and is forgotten with the applicant. A window without a document printer prints only its receipts.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from common.i18n import language, text
from devices.docprinter.base import DocumentPrinter
from kiosk.window_documents import NAMES, Matter, WindowDocument, job_title, render
from kiosk.workflows.citizen import Notice, user_message

if TYPE_CHECKING:
    from kiosk.workflows.clerk import ClerkDesk

log = logging.getLogger(__name__)


class DeskDocuments:
    """What ``ClerkDesk`` adds to print its A4 documents; ``_init_documents`` is called from its constructor."""

    def _init_documents(self: "ClerkDesk", printer: DocumentPrinter | None, hall: str) -> None:
        self._document_printer, self._hall = printer, hall
        self.unprinted: WindowDocument | None = None  # a document the printer failed: offered again
        self._after_print: Notice | None = None  # the decision's own message, said once it is printed

    def has_document_printer(self) -> bool:
        return self._document_printer is not None

    def _matter(self: "ClerkDesk") -> Matter:
        """What every document names, from the matter in hand (only while there is one)."""
        assert self.identity is not None and self.service is not None
        return Matter(self._hall or self._terminal_id, self.actor, self.service, self.identity.masked_name,
                      self.identity.masked_id, dt.datetime.now(), self.company,  # a company's: named (clerk_company.py)
                      str((self.staff or {}).get("name", "")))

    def _print_document(self: "ClerkDesk", document: WindowDocument, done: Notice) -> None:
        """Print ``document``, then end the matter's step with ``done`` (what was decided, said of the receipt at most:
        whether the document printed is added here); straight to ``done`` without a printer."""
        from kiosk.workflows.clerk import Desk

        printer = self._document_printer
        if printer is None:
            self._go(Desk.DONE, done)
            return
        self.unprinted, self._after_print = document, done
        self._go(Desk.WORKING)
        lang = language()
        self._tasks.run(lambda: printer.print_pdf(render(document, lang), job_title(document)),
                        self._document_printed, self._document_failed)

    def _document_printed(self: "ClerkDesk", job: str) -> None:
        from kiosk.workflows.clerk import Desk

        document, done = self.unprinted, self._after_print
        self.unprinted = self._after_print = None
        self._audit_step("document_printed", job_title(document) if document is not None else "")
        if document is None or done is None:
            self._go(Desk.DONE, done)
            return
        self._go(Desk.DONE, Notice(text("{done} The {document} is printed.", done=done.message,
                                        document=text(NAMES[type(document)])), error=done.error))

    def _document_failed(self: "ClerkDesk", exc: BaseException) -> None:
        from kiosk.workflows.clerk import Desk

        document, done = self.unprinted, self._after_print
        if document is None or done is None:  # the applicant went meanwhile (cannot while busy): nothing to offer
            log.warning("desk: a document failed with nothing held to print again (%s)", type(exc).__name__)
            return
        self._audit_step("document_not_printed", f"{job_title(document)} {type(exc).__name__}")
        self._go(Desk.DONE, Notice(text("{done} The {document} did not print: {reason} Press “Print again” once the "
                                        "printer is ready.", done=done.message, document=text(NAMES[type(document)]),
                                        reason=user_message(exc))))

    def print_again(self: "ClerkDesk") -> None:
        """The document the printer failed, printed again (only printed: its decision stands recorded)."""
        from kiosk.workflows.clerk import Desk

        if self.step is Desk.DONE and not self.busy and self.unprinted is not None and self._after_print is not None:
            self._audit_step("print_again", job_title(self.unprinted))
            self._print_document(self.unprinted, self._after_print)

    def _forget_documents(self) -> None:
        self.unprinted = self._after_print = None
