"""The evaluation panel (好差评): five levels, then for the two lowest the reasons and a few words.

One widget for the kiosk's last screen and the window's customer-facing side; it draws a
``kiosk.evaluation.Rating`` that the session or the desk holds, and hands every tap back to it.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from common.domain import RatingReason
from common.i18n import _
from kiosk import forms
from kiosk.evaluation import LEVELS, REASON_LABELS, CHANNEL_REASONS, Rating
from ui.keyboard import TouchKeyboard
from ui.widgets import button, field_edit, label


class RatingPanel(QWidget):
    def __init__(self, channel: str, choose: Callable[[int], None], give_reason: Callable[[RatingReason], None],
                 comment: Callable[[str], None], keyboard: bool = True) -> None:
        super().__init__()
        self.caption = label("subtitle")
        self.level_buttons = {level: button("", lambda _c=False, lv=level: choose(lv)) for level, _m in LEVELS}
        self.reason_buttons = {reason: button("", lambda _c=False, r=reason: give_reason(r))
                               for reason in CHANNEL_REASONS[channel]}
        self.comment = field_edit("rating_comment")
        self.comment.textChanged.connect(comment)
        self.keyboard = TouchKeyboard() if keyboard else None
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.caption)
        for row_of in (self.level_buttons, self.reason_buttons):
            row = QHBoxLayout()
            for widget in row_of.values():
                row.addWidget(widget)
            column.addLayout(row)
        column.addWidget(self.comment)
        if self.keyboard is not None:
            column.addWidget(self.keyboard)  # held first: a keyboard shown before would open a window of its own
            self.keyboard.set_kind(forms.Keyboard.CHINESE)

    def show_rating(self, rating: Rating, can_rate: bool) -> None:
        """Draw the state: hidden when there is nothing to rate (or it was given)."""
        asking_why = can_rate and rating.low is not None
        self.setVisible(can_rate)
        self.caption.setText(_("Why were you dissatisfied? You may add a few words, then tap the reason.")
                             if asking_why else _("How was our service?"))
        for level, message in LEVELS:
            self.level_buttons[level].setText(_(message))
            self.level_buttons[level].setVisible(not asking_why)
        for reason, widget in self.reason_buttons.items():
            widget.setText(_(REASON_LABELS[reason]))
            widget.setVisible(asking_why)
        self.comment.setPlaceholderText(_("Your words (optional)"))
        self.comment.setVisible(asking_why)
        if self.comment.text() != rating.comment:
            self.comment.setText(rating.comment)  # a new matter: the last citizen's words are gone
        if self.keyboard is not None:
            self.keyboard.setVisible(asking_why)
            self.keyboard.attach(self.comment if asking_why else None)
            self.keyboard.retranslate()
