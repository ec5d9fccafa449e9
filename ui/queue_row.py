"""The window's queue row (叫号): "Call next" with how many wait, and once a ticket is called and nobody has come
yet, "No-show" and "Call again" (how many wait is then said in the applicant's box with the ticket called). The desk does the work on its task runner (kiosk/workflows/clerk_queue.py);
the row shows only what the desk holds, and asks it to count the waiting every ``terminal.queue_poll_s`` while
a clerk is signed in. The ticket called is said in the applicant's box (``applicant_prompt``), where the clerk
looks for whom to serve. Hidden at a window without a number (``terminal.window_number`` 0).

In the clerk's column under the applicant, one row of buttons: the other column has no height to spare, and
a row of its own with a title and three buttons grew the window to 1306x900 in large English (the window
fits 1280x800: tests/test_window_queue_ui.py)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QWidget

from common.i18n import _, ngettext
from kiosk.workflows.clerk import ClerkDesk
from ui.widgets import button


def applicant_prompt(desk: ClerkDesk) -> str:
    """The applicant's box before a card is read: the ticket called, if one is, with how many wait, and the card
    asked for."""
    ticket = desk.called_ticket
    if ticket is None:
        return _("Ask the applicant to place their ID card on the reader.")
    if desk.queue_waiting is None:
        return _("Ticket {number} called. Ask its holder to place their ID card on the reader.").format(
            number=ticket.number)
    # the count lives in "Call next", hidden until the holder comes: said here meanwhile
    return ngettext("Ticket {number} called, {n} waiting. Ask its holder to place their ID card on the reader.",
                    "Ticket {number} called, {n} waiting. Ask its holder to place their ID card on the reader.",
                    desk.queue_waiting).format(number=ticket.number, n=desk.queue_waiting)


def call_next_text(desk: ClerkDesk) -> str:
    if desk.queue_waiting is None:
        return _("Call next")
    return ngettext("Call next ({n} waiting)", "Call next ({n} waiting)", desk.queue_waiting).format(
        n=desk.queue_waiting)


class QueueRow(QWidget):
    def __init__(self, desk: ClerkDesk, poll_s: float = 15.0) -> None:
        super().__init__()
        self._desk = desk
        self.call_next = button("primary", desk.call_next)
        self.call_again = button("", desk.call_again)
        self.no_show = button("", desk.no_show)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.no_show, 1)
        row.addWidget(self.call_again, 1)
        row.addWidget(self.call_next, 1)
        self.poll = QTimer(self)
        self.poll.setInterval(int(poll_s * 1000))
        self.poll.timeout.connect(desk.count_waiting)

    def set_poll(self, poll_s: float) -> None:
        """``terminal.queue_poll_s`` set by the backend's remote configuration: a running poll starts again with it."""
        self.poll.setInterval(int(poll_s * 1000))

    def show_desk(self, desk: ClerkDesk) -> None:
        on = desk.calls_tickets and desk.staff is not None
        if on and not self.poll.isActive():
            self.poll.start()
            QTimer.singleShot(0, desk.count_waiting)  # at once on sign-in (not inside this refresh), then every poll
        elif not on:
            self.poll.stop()
        waiting_for_holder = desk.called_ticket is not None and desk.identity is None
        self.call_next.setText(call_next_text(desk))
        self.call_again.setText(_("Recall"))  # "Call again" was 193 px: with "No-show" wider than the column
        self.no_show.setText(_("No-show"))
        self.call_next.setEnabled(desk.can_call())
        self.call_again.setEnabled(desk.can_recall())
        self.no_show.setEnabled(desk.can_mark_no_show())
        # hidden before shown: the row never holds all three at once (its width is the column's)
        for widget, visible in sorted(((self.call_next, not waiting_for_holder), (self.call_again, waiting_for_holder),
                                       (self.no_show, waiting_for_holder)), key=lambda pair: pair[1]):
            widget.setVisible(visible)
        self.setVisible(on)
