"""Consent withdrawn (PIPL art. 15): after identification, what withdrawing does and a confirmation; then what
the terminal deleted, what remains and why. The session (kiosk/workflows/citizen.py) records it and wipes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from common.i18n import _
from kiosk.workflows.citizen import CitizenSession
from ui.screens.application import rich_paragraph
from ui.widgets import NoticeLabel, Screen, button, button_row, label, neutral, scroll_area

_TOP_LEFT = Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft


class _Points(Screen):
    """A title over headed paragraphs in a card that scrolls, a notice, and a row of buttons; voice reads it all."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self._spoken: list[str] = []
        self.title = label("title")
        card = QWidget()
        card.setObjectName("card")
        column = QVBoxLayout(card)
        column.setContentsMargins(32, 24, 32, 24)
        column.setSpacing(16)
        self.points = [label("", align=_TOP_LEFT) for _n in range(count)]
        for point in self.points:
            point.setTextFormat(Qt.TextFormat.RichText)
            column.addWidget(point)
        column.addStretch(1)
        self.notice = NoticeLabel()
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(scroll_area(card), 1)
        self.layout_.addWidget(self.notice)

    def show_points(self, title: str, points: tuple[tuple[str, str], ...]) -> None:
        self.title.setText(title)
        for widget, (heading, body) in zip(self.points, points):
            widget.setText(rich_paragraph(heading, body))
        self._spoken = [title, *(f"{heading}: {body}" for heading, body in points)]

    def spoken_prompt(self) -> list[str]:
        return self._spoken


class WithdrawScreen(_Points):
    """What withdrawing does, before the citizen confirms: neither answer is leaned toward."""

    def __init__(self, session: CitizenSession) -> None:
        super().__init__(3)
        self.confirm = button("primary", session.withdraw_consent)
        self.back = button("", session.back)
        neutral(self.confirm, self.back)
        self.layout_.addLayout(button_row(self.back, self.confirm))

    def refresh(self, session: CitizenSession) -> None:
        self.show_points(_("Withdraw your consent?"), (
            (_("What happens"), _("The service hall's system records that you withdraw your consent: your "
                                  "electronic licences are no longer fetched for you, and your saved applications "
                                  "are deleted.")),
            (_("On this terminal"), _("Everything it holds about you for this visit is deleted at once, and your "
                                      "visit ends.")),
            (_("What stays"), _("Applications you have already submitted stay with the service hall, as the law "
                                "on records requires.")),
        ))
        self.notice.show_notice(session.notice)
        self.confirm.setText(_("Sending, please wait...") if session.busy else _("Yes, withdraw my consent"))
        self.confirm.setEnabled(not session.busy)
        self.back.setText(_("No, go back"))
        self.back.setEnabled(not session.busy)


class WithdrawnScreen(_Points):
    """Withdrawn: the session's data is already gone; what the backend deleted, what remains and why."""

    def __init__(self, session: CitizenSession) -> None:
        super().__init__(3)
        self.finish = button("primary", session.finish)
        self.layout_.addWidget(self.finish, alignment=Qt.AlignmentFlag.AlignCenter)

    def refresh(self, session: CitizenSession) -> None:
        recorded = session.withdrawn
        drafts = recorded.drafts_deleted if recorded is not None else 0
        deleted = (_("Your details from this visit, and your saved applications.") if drafts
                   else _("Your details from this visit."))
        if session.withdrawal_waits_behind:  # queued behind something of theirs this terminal still has to send
            deleted = _("Your details from this visit. This terminal still has something of yours to send to the "
                        "service system: your withdrawal is sent right after it, and your saved applications are "
                        "deleted then. You do not need to come back for it.")
        elif session.withdrawal_queued:  # offline: kept on this terminal, sent by it when the service system answers
            deleted = _("Your details from this visit. The service system cannot be reached just now: this "
                        "terminal keeps your withdrawal and sends it as soon as it can, and your saved "
                        "applications are deleted then. You do not need to come back for it.")
        self.show_points(_("Your consent is withdrawn"), (
            (_("Deleted"), deleted),
            (_("What remains, and why"), _("Applications you had already submitted, with their records, stay with "
                                           "the service hall: the law on records requires it. One saved on this "
                                           "terminal to be sent later is still sent, because you submitted it.")),
            (_("From now on"), _("To use the terminal again, you will be asked for your consent again.")),
        ))
        self.notice.show_notice(session.notice)
        self.finish.setText(_("Finish"))
