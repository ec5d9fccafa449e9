"""A citizen takes a number for the hall's windows (取号) at the kiosk's home screen, printed on the receipt printer.

A mix-in of ``CitizenSession``, offered where the hall wants its kiosks to hand out numbers
(``terminal.queue_tickets = "on"``; many halls have a dispenser of their own). No identification: a ticket
carries nothing of the person (docs/api/payloads.md, "The hall's queue"). Offered too on the result after the
one-time notice (the matter goes on at the windows), once a session, the number then taken for the service
(its category's queue: ``market`` under B), and likewise on the guide of a service this terminal
cannot take (no kind of applicant it serves: "This service cannot be applied for at this terminal"). On the
task runner the ticket is taken (POST /queue/tickets, category A at home, under an ``Idempotency-Key`` made for
the tap: the client's retry after a lost answer gets the same number), then printed on the print worker
(``kiosk.tasks.InTurn``); home then says the number and how many wait before
it. Printer down: the number is taken all the same, so home says it plainly to remember (the window calls
it whatever the paper). The backend away: nothing is taken, and home says to ask at the service desk.
The number said on home goes after ``terminal.home_notice_s`` (60 s; ui/kiosk_view.py), touches or not, and
at once when another citizen starts: the next citizen does not take it for theirs; the paper is the copy.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from common.i18n import language, text
from devices.errors import DeviceError
from kiosk.receipts import queue_ticket_receipt
from kiosk.tasks import InTurn

if TYPE_CHECKING:
    from kiosk.workflows.citizen import CitizenSession

log = logging.getLogger(__name__)
KIOSK_CATEGORY = "A"  # the hall's general queue (sandbox/hall_queue.py): the kiosk does not know the matter


class TicketNotPrinted(Exception):
    """The ticket was taken; its paper did not print (``cause``)."""

    def __init__(self, number: str, ahead: int, cause: DeviceError) -> None:
        super().__init__(number)
        self.number, self.ahead, self.cause = number, ahead, cause


class SessionTicket:
    def ticket_offered(self: "CitizenSession") -> bool:
        """Where a number can be taken: at home, and once in a session on the result after the one-time notice
        (the matter goes on at the windows: something is missing, or only the window can take it)."""
        from kiosk.workflows.citizen import Step

        if self.step is Step.HOME:
            return True
        if self.step is Step.GUIDE:  # a service the terminal cannot take: its number, as after the notice
            return self.service is not None and not self.apply_options() and not self.ticket_number
        return (self.step is Step.DONE and self.receipt is None and self._notice_attempt is not None
                and self.application is not None and not self.ticket_number)

    def take_queue_ticket(self: "CitizenSession") -> None:
        from kiosk.workflows.citizen import Notice, Step, user_message  # the session's module mixes this in

        if self.busy or not self.ticket_offered():
            return
        where = self.step
        # after the notice, or on the guide of a service the terminal cannot take, the service is known: the
        # backend queues it under its category (market: B)
        service_code = (self.application.service.code if where is Step.DONE and self.application else
                        self.service.code if where is Step.GUIDE and self.service else None)
        category = None if service_code else KIOSK_CATEGORY
        backend, printer, terminal_id, lang = self._backend, self._printer, self._terminal_id, language()
        key = uuid.uuid4().hex  # one per tap: a second tap is a second number, the client's retry the same one
        self.busy = True
        self._changed()

        def work() -> tuple[str, int]:
            ticket = backend.take_queue_ticket(category=category, service_code=service_code, idempotency_key=key)
            return str(ticket["ticket_number"]), int(ticket.get("waiting_ahead") or 0)

        def print_it(ticket: tuple[str, int]) -> tuple[str, int, bool]:
            number, ahead = ticket
            try:
                printed = printer.print_receipt(queue_ticket_receipt(number, ahead, terminal_id, lang))
            except DeviceError as exc:
                raise TicketNotPrinted(number, ahead, exc) from exc
            return number, ahead, printed.status_known

        def taken(result: tuple[str, int, bool]) -> None:
            number, ahead, print_known = result
            self.busy = False
            if where is not Step.HOME:
                self.ticket_number = number  # one number per session; the paper is the citizen's copy
            log.info("session: queue ticket %s taken (%d ahead)", number, ahead)
            if not print_known:  # a printer that tells nothing of itself: the ticket may not have come out
                self._go(where, Notice(text("Your number is {number}. Please check that its ticket was printed; if "
                                            "it was not, please remember the number. It will be called to a "
                                            "window.", number=number), error=False, check=True))
                return
            self._go(where, Notice(text("Your number is {number}, printed below. Please wait until it is called "
                                        "to a window.", number=number), error=False))

        def failed(exc: BaseException) -> None:
            self.busy = False
            if isinstance(exc, TicketNotPrinted):
                if where is not Step.HOME:
                    self.ticket_number = exc.number
                log.warning("session: queue ticket %s not printed (%s)", exc.number, type(exc.cause).__name__)
                self._go(where, Notice(text("Your number is {number}; its ticket did not print, so please "
                                            "remember it. It will be called to a window.", number=exc.number)))
                return
            log.info("session: no queue ticket (%s)", type(exc).__name__)
            self._go(where, Notice(text("No number could be taken just now: {reason} Please ask at the service "
                                        "desk.", reason=user_message(exc))))

        self._background(work, taken, failed, InTurn(self._desk_tasks, self._print_tasks, print_it))
