"""Chinese on the touch keyboard: pinyin keys and a bar of candidates, for Keyboard.CHINESE fields.

Plugged into ui.keyboard.TouchKeyboard through ``register_input_method`` (:func:`install`), so a
Chinese field on any screen gets it. The letters go into a composition (kiosk.pinyin_input, Qt-free),
shown at the bar's left; its candidates, best first, fill the bar a page at a time (as many as fit
its width at the text size in force; < and > page). Tapping a candidate puts it into the field and takes
the letters it covered out of the composition, so a name or an address no dictionary holds whole is
chosen word by word (王 for ``wang``, then 秀英 for ``xiuying``). Space puts in the first candidate
(a space when nothing is being composed); Backspace takes back a letter first, the field's text once
the composition is empty; a digit, ``-`` or ``·`` puts in the first candidate before itself;
Clear empties both.

Text reaches the field as a key press does in ui/keyboard.py: ``QLineEdit.insert`` (validator and
maxLength apply), no key takes the focus, and a read-only, disabled or deleted field is left alone.
Sizes come from the one stylesheet (``#key``, ``#keyAction``): 64 px keys, 86 px in elderly mode.

The word list is read on first use; :func:`install` hands the reading to the task runner as soon
as a Chinese field is first focused, so the first key press does not wait for it.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLineEdit, QPushButton, QSizePolicy, QVBoxLayout,
                               QWidget)
from shiboken6 import Shiboken

from common.i18n import _
from kiosk.forms import Keyboard
from kiosk.pinyin_input import Candidate, PinyinComposer, PinyinWords, WordsFileError
from kiosk.tasks import TaskRunner
from ui.keyboard import DIGITS, LATIN_LETTERS, Cell, TouchKeyboard, words_whole
from ui.widgets import button, label

log = logging.getLogger(__name__)

ACTIONS = ("backspace", "clear", "space")
MARKS = "-·"          # typed as they are: a house number's dash, the dot inside a transliterated name
BAR_BUTTONS = 8       # candidate buttons at most on one page
BAR_RESERVE = 350     # px of the bar's width kept for the letters and the two page buttons
LETTERS_WIDTH = 200   # px the letters being composed have at least
CANDIDATE_STYLE = "padding: 0px 10px;"  # a key's look, with room either side of a word


def pinyin_cells() -> list[Cell]:
    """QWERTY in half-key columns, as the Latin layout: digits with Backspace, the letters with the
    apostrophe that cuts syllables (xi'an), Clear, and a wide Space."""
    first, second, third = LATIN_LETTERS
    cells = [(ch, 0, 2 * i, 1, 2) for i, ch in enumerate(DIGITS[1:] + "0")] + [("backspace", 0, 20, 1, 4)]
    cells += [(ch, 1, 2 * i, 1, 2) for i, ch in enumerate(first + MARKS)]
    cells += [(ch, 2, 1 + 2 * i, 1, 2) for i, ch in enumerate(second + "'")] + [("clear", 2, 21, 1, 3)]
    cells += [(ch, 3, 3 + 2 * i, 1, 2) for i, ch in enumerate(third)] + [("space", 3, 17, 1, 7)]
    return cells


class PinyinKeyboard(QWidget):
    """The pinyin keys and the candidate bar; an InputMethod for ui.keyboard.TouchKeyboard."""

    def __init__(self, words: PinyinWords, preload: Callable[[], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._composer = PinyinComposer(words)
        self._preload = preload
        self._target: QLineEdit | None = None
        self._page = 0
        self._starts = [0]  # where each page seen so far starts in the candidates
        self._end = 0       # where the page shown ends
        self._unavailable = False
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        bar = QHBoxLayout()
        bar.setSpacing(6)
        self.letters = label("", wrap=False, align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.letters.setMinimumWidth(LETTERS_WIDTH)  # takes what the candidates leave, never widens the bar
        self.letters.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar.addWidget(self.letters, 1)
        self.candidate_buttons: list[QPushButton] = []
        for i in range(BAR_BUTTONS):
            candidate = self._key("key", partial(self._chose, i))
            candidate.setStyleSheet(CANDIDATE_STYLE)
            candidate.hide()
            bar.addWidget(candidate)
            self.candidate_buttons.append(candidate)
        self._probe = button("key")  # measures a candidate's button, off the bar
        self._probe.setStyleSheet(CANDIDATE_STYLE)
        self._probe.setParent(self)
        self._probe.hide()
        self.previous = self._key("key", partial(self._turn, -1))  # a key's type: the arrows drawn large
        self.next = self._key("key", partial(self._turn, 1))
        bar.addWidget(self.previous)
        bar.addWidget(self.next)
        column.addLayout(bar)
        self.keys: dict[str, QPushButton] = {}
        self._grid = QGridLayout()
        self._grid.setVerticalSpacing(8)
        self._grid.setHorizontalSpacing(6)
        for name, row, col, rows, cols in pinyin_cells():
            key = self.keys[name] = self._key("keyAction" if name in ACTIONS else "key", partial(self._pressed, name))
            key.setProperty("latin", True)
            if name in ACTIONS:
                words_whole(key)
            if name == "backspace":
                key.setAutoRepeat(True)  # held down, it keeps deleting
                key.setAutoRepeatDelay(500)
                key.setAutoRepeatInterval(100)
            self._grid.addWidget(key, row, col, rows, cols)
        column.addLayout(self._grid)
        self.retranslate()

    @staticmethod
    def _key(name: str, handler: Callable[[], None]) -> QPushButton:
        key = button(name)
        key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        key.clicked.connect(lambda _checked=False: handler())
        return key

    # -- the InputMethod protocol ------------------------------------------------------------------

    def attach(self, target: QLineEdit | None) -> None:
        if target is not self._target:
            self._composer.clear()  # letters typed for one field do not follow to the next
            self._first_page()
        self._target = target
        if target is not None and self._preload is not None:
            preload, self._preload = self._preload, None
            preload()
        self._refresh()

    def retranslate(self) -> None:
        names = {"backspace": _("Backspace"), "clear": _("Clear"), "space": _("Space")}
        for name, key in self.keys.items():
            key.setText(names.get(name, name))
            key.setAccessibleName(names.get(name, name))
        self.previous.setText("<")
        self.previous.setAccessibleName(_("Previous candidates"))
        self.next.setText(">")
        self.next.setAccessibleName(_("More candidates"))
        self._refresh()

    # -- what a test or the demo reads -----------------------------------------------------------------

    @property
    def target(self) -> QLineEdit | None:
        return self._target if self._target is not None and Shiboken.isValid(self._target) else None

    @property
    def composing(self) -> str:
        return self._composer.letters

    def shown_candidates(self) -> list[str]:
        """The candidates on the bar now, left to right."""
        return [b.text() for b in self.candidate_buttons if not b.isHidden()]

    # -- keys --------------------------------------------------------------------------------------

    def _writable(self) -> QLineEdit | None:
        target = self.target
        return target if target is not None and target.isEnabled() and not target.isReadOnly() else None

    def _pressed(self, name: str) -> None:
        target = self._writable()
        if target is None:
            return
        letters = self._composer.letters
        if name == "backspace":
            if not self._composer.backspace():
                target.backspace()
        elif name == "clear":
            self._composer.clear()
            target.clear()
        elif len(name) == 1 and (name.isascii() and name.isalpha() or name == "'"):
            if not self._unavailable:
                self._composer.type(name)
        else:  # space, a digit or a mark: what is being composed goes in first
            if letters:
                target.insert(self._commit_first())
            if name != "space" or not letters:
                target.insert(" " if name == "space" else name)
        self._first_page()
        self._refresh()

    def _commit_first(self) -> str:
        try:
            return self._composer.commit_first()
        except WordsFileError:
            self._went_missing()
            return ""

    def _chose(self, index: int) -> None:
        target = self._writable()
        found = self._candidates()
        chosen = self._starts[self._page] + index
        if target is None or chosen >= min(self._end, len(found)):
            return
        target.insert(self._composer.choose(found[chosen]))
        self._first_page()
        self._refresh()

    def _turn(self, step: int) -> None:
        if step > 0 and self._end < len(self._candidates()):
            if self._page + 1 == len(self._starts):
                self._starts.append(self._end)
            self._page += 1
        elif step < 0 and self._page > 0:
            self._page -= 1
        self._refresh()

    def _first_page(self) -> None:
        self._page, self._starts = 0, [0]

    # -- the bar -------------------------------------------------------------------------------------

    def _candidates(self) -> list[Candidate]:
        if self._unavailable:
            return []
        try:
            return self._composer.candidates()
        except WordsFileError:
            self._went_missing()
            return []

    def _went_missing(self) -> None:
        log.exception("pinyin input: the word list cannot be read; Chinese fields take the counter's keyboard")
        self._unavailable = True
        self._composer.clear()

    def _refresh(self) -> None:
        found = self._candidates()
        start = self._starts[self._page] if self._page < len(self._starts) else 0
        self._end = self._page_end([c.text for c in found], start)
        for i, candidate in enumerate(self.candidate_buttons):
            shown = start + i < self._end
            candidate.setText(found[start + i].text if shown else "")
            candidate.setAccessibleName(candidate.text())
            candidate.setVisible(shown)
        self.previous.setEnabled(self._page > 0)
        self.next.setEnabled(self._end < len(found))
        if self._unavailable:
            self.letters.setText(_("Pinyin input is not available; please use the keyboard on the counter."))
        elif self._composer.letters:  # its end when long: where the citizen is typing
            width = max(self.letters.width(), LETTERS_WIDTH)
            self.letters.setText(self.letters.fontMetrics().elidedText(self._composer.letters,
                                                                       Qt.TextElideMode.ElideLeft, width))
        else:
            self.letters.setText(_("Type pinyin, then tap the words"))

    def _page_end(self, texts: list[str], start: int) -> int:
        """Where the page from ``start`` ends: as many candidates as the bar's width takes at the text
        size in force (one at least), at most BAR_BUTTONS."""
        room = self._grid.sizeHint().width() - BAR_RESERVE
        used, end = 0, start
        while end < len(texts) and end - start < BAR_BUTTONS:
            self._probe.setText(texts[end])
            self._probe.ensurePolished()
            width = self._probe.sizeHint().width() + 6
            if end > start and used + width > room:
                break
            used, end = used + width, end + 1
        return end


def install(words: PinyinWords, tasks: TaskRunner | None = None) -> None:
    """Serve Keyboard.CHINESE fields with the pinyin keyboard from now on; with ``tasks``, the word
    list is read on the task pool as soon as a Chinese field is first focused."""

    def preload() -> None:
        tasks.run(words.load, lambda _done: None,
                  lambda exc: log.warning("pinyin input: reading the word list ahead failed: %s", exc))

    TouchKeyboard.register_input_method(
        Keyboard.CHINESE, lambda: PinyinKeyboard(words, preload if tasks is not None else None))


def uninstall() -> None:
    """Chinese fields back to the built-in page (the counter's keyboard)."""
    TouchKeyboard.register_input_method(Keyboard.CHINESE, None)
