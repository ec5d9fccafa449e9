"""The evaluation panel (好差评): five levels, then for the two lowest the reasons and a few words.

One widget for the kiosk's last screen and the window's customer-facing side; it draws a
``kiosk.evaluation.Rating`` that the session or the desk holds, and hands every tap back to it.
The words are typed on the touch keyboard, opened by a tap and closed again to choose the reason
(so that the reasons, the words and the keyboard never need the screen at once); whether it is open
is the only thing the panel keeps, and a matter with nothing to ask closes it.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from common.domain import RatingReason
from common.i18n import _
from kiosk import forms
from kiosk.evaluation import CHANNEL_REASONS, LEVELS, REASON_LABELS, Rating
from ui.keyboard import TouchKeyboard
from ui.widgets import breakable, button, field_edit, label, neutral


REASONS_PER_ROW = 3
NARROW_LEVELS_PER_ROW, NARROW_REASONS_PER_ROW = 3, 2
NARROW_WORDS_LINES = 2
ELLIPSIS = "…"


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
            # as tall as the row and as wide as each other where the words allow: set on two lines on a narrow
            # screen, "Very satisfied" stood 10 px taller than "Satisfied" beside it, and "Fair" 60 px narrower
            widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
            levels.addWidget(widget, index // levels_per_row, index % levels_per_row)
        for place in range(levels_per_row):
            levels.setColumnStretch(place, 1)
        column.addLayout(levels)
        self._reasons = QGridLayout()  # in rows of three: five in one row were 1,505 px wide in large English
        column.addLayout(self._reasons)
        typing_row = QHBoxLayout()  # the words and "done" side by side: the keyboard needs the height
        typing_row.addWidget(self.comment, 1)
        typing_row.addWidget(self.words_done)
        column.addLayout(typing_row)
        if self.keyboard is not None:
            column.addWidget(self.keyboard)  # held first: a keyboard shown before would open a window of its own
            self.keyboard.set_kind(forms.Keyboard.CHINESE)
        self._words_row = _buttons()
        column.addLayout(self._words_row)
        self._levels_per_row, self._reasons_per_row, self._narrow = levels_per_row, reasons_per_row, False
        self.narrow(False)
        for widget in (self.words, self.comment, self.keyboard, self.add_words, self.words_done,
                       *self.reason_buttons.values()):
            if widget is not None:
                widget.hide()  # until a low level asks why: hidden, they take no room in the screen's minimum
        self._rating, self._can_rate = Rating(channel), False

    def narrow(self, on: bool) -> None:
        """On a narrow screen (the applicant's 1024 x 600 evaluation pad, ui/customer_screen.py; a 1024 x 768
        kiosk) the reasons go two to a row with "Add a few words" in the grid's last place: three to a row were
        1,110 px wide in large English, and a row of its own for the words made the panel too tall for 600 px.
        Five levels to a row (the kiosk's) are set on two lines each: they took 1,115 px in large English, and
        in rows of three the panel was too tall for 768 px under a notice."""
        self._narrow = on
        per_row = NARROW_REASONS_PER_ROW if on else self._reasons_per_row
        placed = [*self.reason_buttons.values()] + ([self.add_words] if on else [])
        for widget in [*self.reason_buttons.values(), self.add_words]:
            self._reasons.removeWidget(widget)
            self._words_row.removeWidget(widget)
        for index, widget in enumerate(placed):
            self._reasons.addWidget(widget, index // per_row, index % per_row)
        if not on:
            self._words_row.insertWidget(1, self.add_words)

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
        wrapped = self._narrow and self._levels_per_row > NARROW_LEVELS_PER_ROW
        for level, message in LEVELS:
            self.level_buttons[level].setText(_(message).replace(" ", "\n") if wrapped else _(message))
            self.level_buttons[level].setVisible(not asking_why)
        for reason, widget in self.reason_buttons.items():
            widget.setText(_(REASON_LABELS[reason]))
            widget.setVisible(choosing)
        if self.comment.text() != rating.comment:
            self.comment.setText(rating.comment)  # a new matter: the last citizen's words are gone
        self.words.setText(self._shown_words(rating.comment))
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

    def _shown_words(self, comment: str) -> str:
        """The words typed, repeated above the reasons; on a narrow screen at most ``NARROW_WORDS_LINES`` lines,
        cut with an ellipsis (200 characters took four lines of a 600 px screen; "Change my words" shows them
        whole). The panel's own width, as the label's is not known before it shows."""
        words = " ".join(comment.split())
        if not self._narrow or not words:
            return comment
        metrics, width = self.words.fontMetrics(), max(1, self.width())

        def fits(text: str) -> bool:  # wrapped where the label wraps it (ui.widgets.breakable)
            height = metrics.boundingRect(QRect(0, 0, width, 1 << 20), int(Qt.TextFlag.TextWordWrap),
                                          breakable(text)).height()
            return height <= metrics.lineSpacing() * NARROW_WORDS_LINES

        if fits(words):
            return words
        low, high = 0, len(words)  # the longest start that fits with its ellipsis
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (middle, high) if fits(words[:middle] + ELLIPSIS) else (low, middle - 1)
        return words[:low].rstrip() + ELLIPSIS


def _buttons() -> QHBoxLayout:
    """A centred row: its widgets go between the two stretches (``insertWidget(1, ...)``)."""
    row = QHBoxLayout()
    row.addStretch(1)
    row.addStretch(1)
    return row
