"""The evaluation panel (好差评): five levels, then for the two lowest the reasons and a few words.

One widget for the kiosk's last screen and the window's customer-facing side; it draws a
``kiosk.evaluation.Rating`` that the session or the desk holds, and hands every tap back to it.
The words are typed on the touch keyboard, opened by a tap and closed again to choose the reason
(so that the reasons, the words and the keyboard never need the screen at once); whether it is open
is the only thing the panel keeps, and a matter with nothing to ask closes it.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from common.domain import RatingReason
from common.i18n import _
from kiosk import forms
from kiosk.evaluation import CHANNEL_REASONS, LEVELS, REASON_LABELS, Rating
from ui.keyboard import TouchKeyboard
from ui.widgets import button, field_edit, label, neutral


REASONS_PER_ROW = 3


class RatingPanel(QWidget):
    def __init__(self, channel: str, choose: Callable[[int], None], give_reason: Callable[[RatingReason], None],
                 comment: Callable[[str], None], keyboard: bool = True,
                 on_typing: Callable[[bool], None] = lambda _typing: None, levels_per_row: int = 5,
                 reasons_per_row: int = REASONS_PER_ROW) -> None:
        super().__init__()
        self._on_typing = on_typing
        self.typing = False  # the keyboard is open for the words
        self.caption, self.words = label("subtitle"), label("")
        self.level_buttons = {level: button("", lambda _c=False, lv=level: choose(lv)) for level, _m in LEVELS}
        neutral(*self.level_buttons.values())  # no hint toward any level
        self.reason_buttons = {reason: button("", lambda _c=False, r=reason: give_reason(r))
                               for reason in CHANNEL_REASONS[channel]}
        self.comment = field_edit("rating_comment")
        self.comment.textChanged.connect(comment)
        self.keyboard = TouchKeyboard() if keyboard else None
        self.add_words = button("", lambda _c=False: self._type(True))
        self.words_done = button("primary", lambda _c=False: self._type(False))
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.caption)
        column.addWidget(self.words)
        levels = QGridLayout()  # the window's side of the desk takes them in rows of three (1,051 px in large English)
        for index, widget in enumerate(self.level_buttons.values()):
            levels.addWidget(widget, index // levels_per_row, index % levels_per_row)
        column.addLayout(levels)
        reasons = QGridLayout()  # in rows of three: five in one row were 1,505 px wide in large English (ui-monkey)
        for index, widget in enumerate(self.reason_buttons.values()):
            reasons.addWidget(widget, index // reasons_per_row, index % reasons_per_row)
        column.addLayout(reasons)
        typing_row = QHBoxLayout()  # the words and "done" side by side: the keyboard needs the height
        typing_row.addWidget(self.comment, 1)
        typing_row.addWidget(self.words_done)
        column.addLayout(typing_row)
        if self.keyboard is not None:
            column.addWidget(self.keyboard)  # held first: a keyboard shown before would open a window of its own
            self.keyboard.set_kind(forms.Keyboard.CHINESE)
        column.addLayout(_buttons(self.add_words))
        for widget in (self.words, self.comment, self.keyboard, self.add_words, self.words_done,
                       *self.reason_buttons.values()):
            if widget is not None:
                widget.hide()  # until a low level asks why: hidden, they take no room in the screen's minimum
        self._rating, self._can_rate = Rating(channel), False

    def forget(self) -> None:
        """The session ended: the words typed go from the field and the line that repeats them (found by kiosk
        bench ui-monkey, seed 120: a citizen's comment was still in the hidden panel for the next one)."""
        self.typing = False
        self.comment.blockSignals(True)  # the session has already dropped its rating
        self.comment.clear()
        self.comment.blockSignals(False)
        self.words.clear()
        if self.keyboard is not None:
            self.keyboard.attach(None)

    def _type(self, on: bool) -> None:
        """The screen around hears first, so it makes room before the keyboard shows (a top-level window that
        held the keyboard and all else at once for a moment grew past its screen and stayed so)."""
        self.typing = on
        self._on_typing(on)
        self.show_rating(self._rating, self._can_rate)

    def show_rating(self, rating: Rating, can_rate: bool) -> None:
        """Draw the state: hidden when there is nothing to rate (or it was given)."""
        self._rating, self._can_rate = rating, can_rate
        asking_why = can_rate and rating.low is not None
        self.typing = self.typing and asking_why
        choosing = asking_why and not self.typing
        if self.keyboard is not None and not self.typing:
            self.keyboard.hide()  # before the reasons and the words show: a top-level window holding all at once
            # for a moment grew past its screen and stayed so (the window's customer screen: 964 px of 800)
        self.setVisible(can_rate)
        self.caption.setText(_("Why were you dissatisfied? You may add a few words, then tap the reason.")
                             if asking_why else _("How was our service?"))
        self.caption.setVisible(not self.typing)
        self.comment.setPlaceholderText(_("Your words (optional)"))
        for level, message in LEVELS:
            self.level_buttons[level].setText(_(message))
            self.level_buttons[level].setVisible(not asking_why)
        for reason, widget in self.reason_buttons.items():
            widget.setText(_(REASON_LABELS[reason]))
            widget.setVisible(choosing)
        if self.comment.text() != rating.comment:
            self.comment.setText(rating.comment)  # a new matter: the last citizen's words are gone
        self.words.setText(rating.comment)
        self.words.setVisible(choosing and bool(rating.comment))
        typed_here = self.keyboard is None  # the window's applicant tells the clerk, who types on the counter
        self.comment.setVisible(asking_why and (self.typing or typed_here))
        self.add_words.setText(_("Change my words") if rating.comment else _("Add a few words"))
        self.add_words.setVisible(choosing and not typed_here)
        self.words_done.setText(_("Finished writing"))
        self.words_done.setVisible(self.typing)
        if self.keyboard is not None:
            self.keyboard.setVisible(self.typing)
            self.keyboard.attach(self.comment if self.typing else None)
            self.keyboard.retranslate()


def _buttons(*widgets: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return row
