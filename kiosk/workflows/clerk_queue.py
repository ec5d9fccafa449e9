"""The window calls the hall's queue tickets (叫号): "Call next", "Call again", "No-show".

A mix-in of ``ClerkDesk``, for a window with a number (``terminal.window_number``; 0: no queue here).
A window may serve some of the hall's queue categories only (``terminal.queue_categories``, "A,B" or "B";
empty: all): its calls ask for the oldest ticket of those (``categories`` of POST /queue/call) and the
waiting it shows counts those alone (GET /queue?category=...), so a window of B never says 12 wait when all
12 are A's; the backend's remote configuration may change them (``set_queue_categories``). "Call next" ends the matter in hand as "Next applicant" does, then asks the backend on the task runner
(POST /queue/call with the clerk's staff token) for the oldest waiting ticket, called to this window: its
number is shown on the desk and on the screen facing the applicant (请 A012 号到 3 号窗口), audited
``ticket_called``. The call carries an ``Idempotency-Key`` made once per call the clerk asks for and kept
until an answer comes: tapping again after a lost answer or an outage asks under the same key, and the
backend answers the ticket it called then, so nobody in the queue is skipped (docs/api/payloads.md, "The
hall's queue"). "Call again" announces the same ticket once more (``ticket_recalled``); "No-show" finishes
it as such (``ticket_no_show``) when nobody came, before any card is read. Otherwise the ticket is finished
as served when the matter it was called for ends (the next applicant, a sign-out, the next call), audited
``ticket_served``: on the task runner, and if that finish is lost the backend finishes the window's ticket
as served at its next call.

A ticket carries nothing of the person, so nothing here is personal data; still, the ticket goes with the
matter it was called for. Without the queue (the backend away, signed in offline without a token) the
clerk is told plainly and serves whoever stands at the window by reading their card, as before: the
queue never stops the desk. Its work runs beside the desk's (``queue_busy``, not ``busy``): a card read
while a call is on its way is not lost.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from common.backend_errors import BackendError, OfflineError, ServerError
from common.i18n import text
from kiosk.workflows.citizen import Notice
from kiosk.staff_words import staff_message

if TYPE_CHECKING:
    from kiosk.workflows.clerk import ClerkDesk

log = logging.getLogger(__name__)


def categories_served(setting: str) -> tuple[str, ...]:
    """``terminal.queue_categories`` ("A,B"; checked at start) as the categories a call and a count name."""
    return tuple(dict.fromkeys(c for c in setting.split(",") if c))


@dataclass(frozen=True)
class CalledTicket:
    """The ticket this window called: its number (A012), how often it was announced, and the window."""

    number: str
    window: int
    calls: int = 1

    @classmethod
    def of(cls, answer: dict[str, Any], window: int) -> "CalledTicket":
        return cls(str(answer["ticket_number"]), window, int(answer.get("calls") or 1))


class DeskQueue:
    """What ``ClerkDesk`` adds to call the hall's queue; ``_init_queue`` is called from its constructor."""

    def _init_queue(self, window_number: int, categories: tuple[str, ...] = ()) -> None:
        self.window_number = window_number  # 0: this window calls no tickets
        self.queue_categories = categories  # the categories this window calls and counts; (): all
        self.called_ticket: CalledTicket | None = None  # the ticket called to this window, until finished
        self.queue_waiting: int | None = None  # today's tickets waiting, as last heard; None: not known
        self.queue_busy = False  # a call, recall or no-show on its way
        self._call_key: str | None = None  # the call asked for and not yet answered: asked again under it
        self._call_categories: tuple[str, ...] = categories  # and the categories it named: asked again with them
        self._counting = False  # a count of the waiting on its way
        self._count_again = False  # asked for while one was on its way (it may predate a call): asked once more

    @property
    def calls_tickets(self) -> bool:
        return self.window_number > 0

    def can_call(self: "ClerkDesk") -> bool:
        return self.calls_tickets and self.staff is not None and not self.busy and not self.queue_busy

    def can_recall(self: "ClerkDesk") -> bool:
        return self.can_call() and self.called_ticket is not None

    def can_mark_no_show(self: "ClerkDesk") -> bool:
        """Nobody came: only before an applicant's card is read (whoever's card it is, someone came)."""
        return self.can_recall() and self.identity is None

    def _queue_token(self: "ClerkDesk") -> str:
        return (self.staff or {}).get("token", "")

    def _queue_work(self: "ClerkDesk", work: Callable[[], Any], done: Callable[[Any], None], action: str) -> None:
        """``work`` on the task runner beside the desk's own; its failure said plainly, the desk going on."""
        staff = self.staff
        self.queue_busy = True
        self._changed()

        def finished(result: Any) -> None:
            self.queue_busy = False
            if self.staff is staff:  # else: signed out meanwhile; the next call finishes what this one left
                done(result)
            self._changed()

        def failed(exc: BaseException) -> None:
            self.queue_busy = False
            log.info("desk: %s failed (%s)", action, type(exc).__name__)
            if self.staff is staff:
                self._audit_step(f"{action}_failed", type(exc).__name__)
                self._queue_notice(self._queue_unreachable(exc))
            self._changed()

        self._tasks.run(work, finished, failed)

    def _queue_notice(self: "ClerkDesk", notice: Notice) -> None:
        if not self.busy:  # a decision on its way keeps its own notice
            self.notice = notice

    @staticmethod
    def _queue_unreachable(exc: BaseException) -> Notice:
        if isinstance(exc, (OfflineError, ServerError)):  # away, or unwell: either way no call
            return Notice(text("The queue system cannot be reached, so no ticket was called. Serve the applicant at "
                               'the window by reading their ID card; tap "Call next" again later.'))
        return Notice(text("The queue system did not call a ticket: {reason} Serve the applicant at the window by "
                           "reading their ID card.", reason=staff_message(exc)))

    # -- the clerk's buttons ----------------------------------------------------------------------

    def call_next(self: "ClerkDesk") -> None:
        """The matter in hand ends (its ticket served), then the next waiting ticket is called to this window."""
        if not self.can_call():
            return
        self.next_applicant()  # nothing of the last applicant remains; their ticket is finished as served
        token = self._queue_token()
        if not token:
            self._queue_notice(Notice(text("Signed in offline: tickets cannot be called. Serve the applicant at "
                                           "the window by reading their ID card.")))
            self._changed()
            return
        if self._call_key is None:  # asked again: the same call, under the same key with the same categories,
            # even when the backend changed this window's categories meanwhile (another body under a key it knows)
            self._call_key, self._call_categories = uuid.uuid4().hex, self.queue_categories
        key, categories = self._call_key, self._call_categories
        window, backend = self.window_number, self._backend

        def called(answer: dict[str, Any] | None) -> None:
            self._call_key = None
            if answer is None:
                self.queue_waiting = 0
                self._queue_notice(Notice(text("No one is waiting in the queue."), error=False))
                return
            ticket = CalledTicket.of(answer, window)
            self.called_ticket = ticket
            self._audit_step("ticket_called", f"{ticket.number} window {window}")
            self._queue_notice(Notice(text("Ticket {number} called to window {window}.", number=ticket.number,
                                           window=window), error=False))
            self.count_waiting()

        self._queue_work(lambda: backend.call_queue_ticket(token, window, key, categories), called, "ticket_call")

    def call_again(self: "ClerkDesk") -> None:
        ticket = self.called_ticket
        if ticket is None or not self.can_recall():
            return
        token, backend = self._queue_token(), self._backend

        def recalled(answer: dict[str, Any]) -> None:
            if self.called_ticket is not None and self.called_ticket.number == ticket.number:
                self.called_ticket = CalledTicket.of(answer, ticket.window)
            self._audit_step("ticket_recalled", f"{ticket.number} window {ticket.window}")
            self._queue_notice(Notice(text("Ticket {number} called again.", number=ticket.number), error=False))

        self._queue_work(lambda: backend.recall_queue_ticket(token, ticket.number, ticket.window), recalled,
                         "ticket_recall")

    def no_show(self: "ClerkDesk") -> None:
        """Nobody came for the ticket: finished as a no-show; the clerk calls the next."""
        ticket = self.called_ticket
        if ticket is None or not self.can_mark_no_show():
            return
        token, backend = self._queue_token(), self._backend

        def skipped(_answer: dict[str, Any]) -> None:
            if self.called_ticket is not None and self.called_ticket.number == ticket.number:
                self.called_ticket = None
            self._audit_step("ticket_no_show", f"{ticket.number} window {ticket.window}")
            self._queue_notice(Notice(text('Ticket {number} did not come; tap "Call next".', number=ticket.number),
                                      error=False))
            self.count_waiting()

        self._queue_work(lambda: backend.finish_queue_ticket(token, ticket.number, ticket.window, "no_show"),
                         skipped, "ticket_no_show")

    def set_queue_categories(self: "ClerkDesk", categories: tuple[str, ...]) -> None:
        """The backend's remote configuration changed the categories this window serves: the next call and count
        name them, and the waiting is counted again at once (a count on its way is asked once more). A call whose
        answer was lost is asked again with the categories it named."""
        if categories == self.queue_categories:
            return
        self.queue_categories = categories
        log.info("desk: queue categories now %s", ",".join(categories) or "all")
        self.count_waiting()

    def count_waiting(self: "ClerkDesk") -> None:
        """How many wait, asked on the task runner (the window's timer asks now and then); unknown when away."""
        if not self.calls_tickets or self.staff is None:
            return
        if self._counting:  # a count asked before a call may answer from before it: asked again when it is back
            self._count_again = True
            return
        self._counting, self._count_again = True, False
        backend, staff, categories = self._backend, self.staff, self.queue_categories

        def counted(waiting: int) -> None:
            self._counting = False
            if self.staff is not staff:  # signed out meanwhile (kiosk bench window-monkey, seed 4)
                return
            if self.queue_waiting != waiting:
                self.queue_waiting = waiting
                self._changed()
            if self._count_again:
                self.count_waiting()

        def not_counted(exc: BaseException) -> None:
            self._counting = False
            log.info("desk: queue not counted (%s)", type(exc).__name__)
            if self.staff is staff and self.queue_waiting is not None:
                self.queue_waiting = None
                self._changed()

        self._tasks.run(lambda: backend.queue_waiting(categories), counted, not_counted)

    # -- the matter's end ---------------------------------------------------------------------------

    def _finish_called_ticket(self: "ClerkDesk") -> None:
        """The matter the ticket was called for ended: served. Sent on the task runner; a finish that does not
        arrive is done by the backend at this window's next call."""
        ticket, self.called_ticket = self.called_ticket, None
        token = self._queue_token()
        if ticket is None or not token:
            return
        self._audit_step("ticket_served", f"{ticket.number} window {ticket.window}")
        backend = self._backend

        def not_finished(exc: BaseException) -> None:
            level = logging.INFO if isinstance(exc, BackendError) else logging.WARNING
            log.log(level, "desk: ticket %s not finished (%s); the next call finishes it", ticket.number,
                    type(exc).__name__)

        self._tasks.run(lambda: backend.finish_queue_ticket(token, ticket.number, ticket.window, "served"),
                        lambda _answer: None, not_finished)

    def _forget_queue(self) -> None:
        """Signed out: the count goes (the next clerk's window asks again); a call asked is not remembered."""
        self.queue_waiting, self._call_key, self._count_again = None, None, False
