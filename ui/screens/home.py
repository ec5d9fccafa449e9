"""The kiosk's home screen. It is the first thing `kiosk run` paints, before the services exist
(ui/app.py), so it imports nothing heavier than Qt and the translation layer; the session is
bound to its buttons once the services are built, a few hundred milliseconds later."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QSpacerItem

from common.i18n import _
from ui.widgets import NoticeLabel, Screen, button, label


HERO_GAP_PX = 40
NARROW_GAP_PX = 8


class HomeScreen(Screen):
    """The home screen fits the height it is given: the notices it may show at once (a card left on the reader, a
    code's or the session's notice, the service system away), in large text and with "Take a number", took up to
    135 px more than a 1280x800 screen has, and pushed the window past it (the UI monkey, seed 303). It never asks
    the window for more height; what says least gives way, in order, until the rest fits: the slogan under the
    title, the gap above the two buttons, the title, the hint naming the other ways in."""

    def __init__(self) -> None:
        super().__init__()
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)  # the room it is given
        self.title, self.subtitle, self.hint = label("title"), label("subtitle"), label("subtitle")
        self.notice = NoticeLabel()
        self.card_left = label("notice")  # a card left on the reader after a session: written, and spoken
        self.card_left.hide()
        self.social_security_card = False  # the terminal has a social security card reader: the hint says so
        self.card_button = button("primary")
        self.licence_button = button("")
        self.layout_.addStretch(1)
        self.layout_.addWidget(self.card_left)
        for widget in (self.title, self.subtitle):
            self.layout_.addWidget(widget)
        self.hero_gap = QSpacerItem(0, HERO_GAP_PX)  # narrowed when "Take a number" is offered, or to fit
        self.layout_.addSpacerItem(self.hero_gap)
        row = QHBoxLayout()
        row.addStretch(1)
        for hero in (self.card_button, self.licence_button, self.title):
            hero.setProperty("hero", True)  # sized by proportion of the screen (ui/theme.py)
        row.addWidget(self.card_button)
        row.addSpacing(32)
        row.addWidget(self.licence_button)
        row.addStretch(1)
        self.layout_.addLayout(row)
        self.layout_.addWidget(self.hint)
        self.ticket_button = button("")  # "Take a number" (terminal.queue_tickets): hidden unless the hall wants it
        self.ticket_button.hide()
        ticket_row = QHBoxLayout()
        ticket_row.addStretch(1)
        ticket_row.addWidget(self.ticket_button)
        ticket_row.addStretch(1)
        self.layout_.addLayout(ticket_row)
        self.layout_.addWidget(self.notice)
        self.offline = label("info")  # while the service system is away: what still works
        self.offline.hide()
        self.layout_.addWidget(self.offline)
        self.layout_.addStretch(2)
        self._gap_px = HERO_GAP_PX
        self.gave_way: list[str] = []  # what the last fit left out, by name
        self.refresh()

    def fit(self) -> None:
        """Everything shown, then what says least left out, one by one, until the screen needs no more height than
        it has (measured at its width: the notices wrap)."""
        if not self.isVisible() or self.height() <= 0:
            return  # fitted when shown (resizeEvent, showEvent)
        room, width = self.height(), self.width()
        self.hero_gap.changeSize(0, self._gap_px)
        for widget in (self.subtitle, self.title, self.hint):
            widget.show()
        self.gave_way = []

        def need() -> int:
            self.layout_.invalidate()
            return self.layout_.totalMinimumHeightForWidth(width) if self.layout_.hasHeightForWidth() \
                else self.layout_.totalMinimumSize().height()

        steps = [("subtitle", self.subtitle.hide), ("gap", lambda: self.hero_gap.changeSize(0, NARROW_GAP_PX)),
                 ("title", self.title.hide), ("hint", self.hint.hide)]
        if self._gap_px == NARROW_GAP_PX:  # narrow already ("Take a number" under the buttons): nothing to give
            del steps[1]
        for name, give_way in steps:
            if need() <= room:
                break
            give_way()
            self.gave_way.append(name)
        self.layout_.invalidate()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.fit()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.fit()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):  # large text, or back
            self.fit()

    def show_offline(self, offline: bool) -> None:
        if offline != self.offline.isVisibleTo(self):
            self.offline.setVisible(offline)
            self.fit()

    def show_card_left(self, left: bool) -> None:
        """The last citizen's ID card still lies on the reader (until it is lifted)."""
        if left != self.card_left.isVisibleTo(self):
            self.card_left.setVisible(left)
            self.fit()

    def spoken_prompt(self) -> list[str]:
        """What voice guidance says here: the card left behind first, then the title and the hint."""
        parts = [self.card_left.text()] if not self.card_left.isHidden() else []
        return parts + [self.title.text(), self.hint.text()]

    def bind(self, session, social_security_card: bool = False, queue_tickets: bool = False) -> None:
        """The citizen's session takes the taps from here on; the hint names the cards the terminal reads;
        ``queue_tickets``: "Take a number" is offered (kiosk/workflows/citizen_ticket.py)."""
        self.social_security_card = social_security_card
        self.ticket_button.setVisible(queue_tickets)
        if queue_tickets:  # its row and the number said under it: 40 px overlapped the hint with the heroes by 6 px
            self._gap_px = NARROW_GAP_PX
            self.fit()
        self.ticket_button.clicked.connect(session.take_queue_ticket)
        self.card_button.clicked.connect(lambda: session.start_with_card("apply"))  # not clicked's `checked`
        self.licence_button.clicked.connect(lambda: session.start_with_card("licence"))
        self.licence_button.setVisible(session.prints_licences)  # a kiosk without an A4 printer offers none

    def refresh(self, session=None) -> None:
        self.title.setText(_("Run at most once"))
        self.subtitle.setText(_("Do your government errands here, in one visit or none."))
        self.card_button.setText(_("Start with my ID card"))
        printer_down = session is not None and session.printer_down
        self.licence_button.setText(_("Printer out of order") if printer_down else _("Print my licence"))
        self.licence_button.setEnabled(not printer_down)
        self.ticket_button.setText(_("Take a number for the service windows"))
        self.ticket_button.setEnabled(session is None or not session.busy)
        if self.social_security_card:
            self.hint.setText(_("Or place your ID card on the reader, insert your social security card, show your "
                                "government app's identity code, or scan your receipt to check progress."))
        else:
            self.hint.setText(_("Or place your ID card on the reader, show your government app's identity code, or "
                                "scan your receipt to check progress."))
        self.notice.show_notice(session.notice if session is not None else None)
        self.card_left.setText(_("Your ID card is still on the reader. Please take it with you."))
        self.offline.setText(_("The service system cannot be reached just now. You can still apply: you get a "
                               "provisional number and your application is sent by itself. Printing licences and "
                               "checking progress need the service system: please try them later."))
        self.fit()
