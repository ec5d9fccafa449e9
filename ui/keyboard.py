"""The on-screen touch keyboard: large keys for the kind of field being filled (kiosk.forms.Keyboard).

A kiosk has no keyboard a citizen can reach, so each form field says what it takes and this widget
shows only those keys: a number pad for digits and phone numbers, with "." and "-" for amounts, with
X for an ID number and the other 25 capitals beside it (the 2017 foreigner card's 15-character number
starts with three letters of nationality); the 31 characters of a unified social credit code (the digits and the capitals
of common.uscc.CHARSET: no I, O, S, V or Z, so a citizen cannot type a character GB 32100 never
uses); QWERTY with a digits row, Shift and a few marks for Latin text, and without Shift and the marks for
finding a service. Chinese comes from an input
method registered through ``TouchKeyboard.register_input_method``: the pinyin keyboard
(ui/pinyin_keyboard.py), which the Gui installs; without one, a sentence sends the citizen to the
counter's keyboard or the scanner.

Keys type the way a person does: ``QLineEdit.insert``, ``backspace`` and ``clear``, so the field's
validator, input mask and maxLength apply, and textEdited / textChanged fire as for a finger on a
real keyboard. No key takes the focus, so the field keeps its cursor. A read-only, disabled or
deleted field is left alone, and with no field attached the keys do nothing.

Sizes come from the one stylesheet (ui/theme.py, ``#key`` and ``#keyAction``): 64 px keys at the
normal scale, larger in elderly mode. Only the current layout sits in the widget's layout, so its
size hint is that layout's; the others wait hidden, built once.
"""

from __future__ import annotations

import logging
import string
from functools import partial
from typing import Callable, ClassVar, Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSizePolicy, QVBoxLayout,
                               QWidget)
from shiboken6 import Shiboken

from common import uscc
from common.i18n import _
from kiosk.forms import Keyboard
from ui.widgets import button, label

DIGITS = "0123456789"
log = logging.getLogger(__name__)

CREDIT_LETTERS = "".join(ch for ch in uscc.CHARSET if not ch.isdigit())
# The 2017 foreigner card's three letters of nationality (common/idnumber.py); X stays on the pad, where a
# resident number's last character is typed.
ID_LETTERS = "".join(ch for ch in string.ascii_uppercase if ch != "X")
LATIN_LETTERS = "qwertyuiop", "asdfghjkl", "zxcvbnm"
ACTIONS = ("backspace", "clear", "shift", "space")

# A layout is blocks side by side; a block is a grid of (key, row, column, rows, columns). The Latin
# block counts in half keys (each key two columns wide), so its rows can be staggered.
Cell = tuple[str, int, int, int, int]


def pad_cells(left: str = "", right: str = "", actions: bool = True) -> list[Cell]:
    """A 3x4 number pad: 1-9, then 0 between the extra keys (a wide 0 when there are none)."""
    cells = [(DIGITS[1 + 3 * row + column], row, column, 1, 1) for row in range(3) for column in range(3)]
    if left or right:
        cells += [(key, 3, column, 1, 1) for key, column in ((left, 0), ("0", 1), (right, 2)) if key]
    else:
        cells.append(("0", 3, 0, 1, 3))
    if actions:
        cells += [("backspace", 0, 3, 2, 1), ("clear", 2, 3, 2, 1)]
    return cells


def letter_cells(letters: str = CREDIT_LETTERS, per_row: int = 7) -> list[Cell]:
    """Capitals in alphabetical rows of ``per_row``, Backspace and Clear under them."""
    cells = [(ch, i // per_row, i % per_row, 1, 1) for i, ch in enumerate(letters)]
    rows = -(-len(letters) // per_row)
    half = -(-per_row // 2)
    return cells + [("backspace", rows, 0, 1, half), ("clear", rows, half, 1, per_row - half)]


def credit_letter_cells() -> list[Cell]:
    """The 21 capitals of GB 32100 in rows of 7."""
    return letter_cells(CREDIT_LETTERS, 7)


def latin_cells() -> list[Cell]:
    first, second, third = LATIN_LETTERS
    cells = [(ch, 0, 2 * i, 1, 2) for i, ch in enumerate(DIGITS[1:] + "0")] + [("backspace", 0, 20, 1, 4)]
    cells += [(ch, 1, 2 * i, 1, 2) for i, ch in enumerate(first + "-/")]
    cells += [(ch, 2, 1 + 2 * i, 1, 2) for i, ch in enumerate(second + "'@")]
    cells += [("shift", 3, 0, 1, 3)] + [(ch, 3, 3 + 2 * i, 1, 2) for i, ch in enumerate(third + ",.")]
    cells += [("clear", 3, 21, 1, 3), ("space", 4, 6, 1, 12)]
    return cells


def search_cells() -> list[Cell]:
    """Finding a service (kiosk.search): the digits and the dash of a code, the letters of its pinyin, initials or
    English name, Space between English words; in four rows, so that a match stands above the keys in large text on
    a 1024 x 768 kiosk (the Latin keys' Shift, marks and row of its own for Space left the list 60 px, under one
    service's line)."""
    first, second, third = LATIN_LETTERS
    cells = [(ch, 0, 2 * i, 1, 2) for i, ch in enumerate(DIGITS[1:] + "0")] + [("backspace", 0, 20, 1, 4)]
    cells += [(ch, 1, 2 * i, 1, 2) for i, ch in enumerate(first + "-")]
    cells += [(ch, 2, 1 + 2 * i, 1, 2) for i, ch in enumerate(second)] + [("clear", 2, 19, 1, 4)]
    cells += [(ch, 3, 3 + 2 * i, 1, 2) for i, ch in enumerate(third)] + [("space", 3, 17, 1, 6)]
    return cells


# Each kind's blocks; a pad alone gets wide keys ("pad" in the stylesheet).
LAYOUTS: dict[Keyboard, list[list[Cell]]] = {
    Keyboard.DIGITS: [pad_cells()],
    Keyboard.PHONE: [pad_cells()],
    Keyboard.DECIMAL: [pad_cells("-", ".")],
    Keyboard.ID_NUMBER: [pad_cells("X", actions=False), letter_cells(ID_LETTERS, 9)],
    Keyboard.CREDIT_CODE: [pad_cells(actions=False), credit_letter_cells()],
    Keyboard.LATIN: [latin_cells()],
    Keyboard.SEARCH: [search_cells()],
}
HALF_KEYS = (Keyboard.LATIN, Keyboard.SEARCH)  # the layouts counted in half keys: QWERTY's staggered rows


def words_whole(key: QPushButton) -> None:
    """An action key never narrower than its words: squeezed beside "Back" and "Continue" on a 1024 px screen,
    "Backspace" took 124 px of a 118 px key. Wider keys are as before (a key's hint is its words)."""
    key.setSizePolicy(QSizePolicy.Policy.Minimum, key.sizePolicy().verticalPolicy())


class InputMethod(Protocol):
    """What a registered input method's widget offers besides being a QWidget."""

    def attach(self, target: QLineEdit | None) -> None: ...  # the field to type into (None: none)

    def retranslate(self) -> None: ...


InputMethodFactory = Callable[[], QWidget]  # returns a QWidget that is also an InputMethod


class TouchKeyboard(QWidget):
    """Large keys for one kind of field at a time; ``attach`` names the field they type into."""

    _input_methods: ClassVar[dict[Keyboard, InputMethodFactory]] = {}

    @classmethod
    def register_input_method(cls, kind: Keyboard, factory: InputMethodFactory | None) -> None:
        """Serve ``kind`` with ``factory()``'s widget instead of the built-in layout (None: the built-in
        again), from the next ``set_kind``. Meant for the pinyin input of Keyboard.CHINESE (issue 17)."""
        if kind is Keyboard.NONE:
            raise ValueError("Keyboard.NONE shows no keyboard, so it takes no input method")
        if factory is None:
            cls._input_methods.pop(kind, None)
        else:
            cls._input_methods[kind] = factory

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._layout = QVBoxLayout(self)
        # none above and below: the screen's spacing parts the keys from the fields and from Back and Continue, and
        # the 16 px are the fields' (a caption leading in the title's type and its field, ui/keys_give_way.py, were
        # 3 px short of the part that scrolls above the pinyin keys on a 1024 x 768 screen in large text)
        self._layout.setContentsMargins(8, 0, 8, 0)
        self._pages: dict[tuple[Keyboard, InputMethodFactory | None], tuple[QWidget, dict[str, QPushButton]]] = {}
        self._page: QWidget | None = None
        self._keys: dict[str, QPushButton] = {}
        self._kind = Keyboard.NONE
        self._target: QLineEdit | None = None
        self._chinese_notes: list[QLabel] = []
        self.hide()

    # -- what the form screen calls --------------------------------------------------------------

    @property
    def kind(self) -> Keyboard:
        return self._kind

    @property
    def keys(self) -> dict[str, QPushButton]:
        """The current layout's keys by what they type ("1", "X", "a"), and "backspace", "clear",
        "shift", "space" where the layout has them."""
        return self._keys

    @property
    def target(self) -> QLineEdit | None:
        return self._target if self._target is not None and Shiboken.isValid(self._target) else None

    def attach(self, target: QLineEdit | None) -> None:
        self._target = target
        if self._page is not None and self._is_input_method(self._page):
            self._page.attach(target)

    def set_kind(self, kind: Keyboard) -> None:
        """Show the layout for ``kind`` (Keyboard.NONE: hide the keyboard)."""
        self._kind = kind
        if kind is Keyboard.NONE:
            self._keys = {}
            self.hide()
            return
        factory = self._input_methods.get(kind)
        page, keys = self._pages.get((kind, factory)) or self._build(kind, factory)
        if page is not self._page:
            if self._page is not None:
                self._layout.removeWidget(self._page)
                self._page.hide()
                if self._is_input_method(self._page):
                    self._page.attach(None)
            self._layout.addWidget(page)
            page.show()
            self._page = page
            if self._is_input_method(page):
                page.attach(self.target)
        self._keys = keys
        self._set_shift(False)
        self.show()

    def type_text(self, text: str) -> None:
        """Click the keys for ``text`` one by one, Shift before a capital that needs it (for tests and
        the demo). ValueError for a character this layout has no key for, before any click."""
        plan = [self._presses_for(ch) for ch in text]
        for presses in plan:
            for name, shifted in presses:
                shift = self._keys.get("shift")
                if shift is not None and shift.isChecked() != shifted:
                    shift.click()
                self._keys[name].click()

    def retranslate(self) -> None:
        for _page, keys in self._pages.values():
            self._label_keys(keys)
        for note in self._chinese_notes:
            note.setText(_("To enter Chinese, please use the keyboard on the counter, or scan it from a QR code."))
        for page, _keys in self._pages.values():
            if self._is_input_method(page):
                page.retranslate()

    # -- building ----------------------------------------------------------------------------------

    def _build(self, kind: Keyboard, factory: InputMethodFactory | None) -> tuple[QWidget, dict[str, QPushButton]]:
        keys: dict[str, QPushButton] = {}
        page = self._input_method(kind, factory) if factory is not None else None
        if page is not None:
            page.setParent(self)
        elif kind is Keyboard.CHINESE:
            page = QWidget(self)
            note = label("info")
            QVBoxLayout(page).addWidget(note)
            self._chinese_notes.append(note)
        else:
            page = QWidget(self)
            row = QHBoxLayout(page)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(24)
            row.addStretch(1)
            blocks, half_keys = LAYOUTS[kind], kind in HALF_KEYS
            for cells in blocks:
                row.addLayout(self._grid(cells, keys, wide=len(blocks) == 1 and not half_keys, latin=half_keys))
            row.addStretch(1)
        page.hide()
        self._pages[(kind, factory)] = (page, keys)
        self.retranslate()
        return page, keys

    @classmethod
    def _input_method(cls, kind: Keyboard, factory: InputMethodFactory) -> QWidget | None:
        """The registered input method's widget; None (the built-in layout serves) when it fails."""
        try:
            page = factory()
        except Exception:
            log.exception("the input method registered for the %s keyboard failed; the built-in one serves",
                          kind.value)
            return None
        if not isinstance(page, QWidget) or not cls._is_input_method(page):
            log.error("the input method registered for the %s keyboard gave %r, not a QWidget with attach() and "
                      "retranslate(); the built-in one serves", kind.value, type(page).__name__)
            return None
        return page

    def _grid(self, cells: list[Cell], keys: dict[str, QPushButton], wide: bool, latin: bool = False) -> QGridLayout:
        grid = QGridLayout()
        grid.setVerticalSpacing(8)
        grid.setHorizontalSpacing(6)  # the Latin block's half-key columns add it inside a key too
        for name, row, column, rows, columns in cells:
            key = keys[name] = button("keyAction" if name in ACTIONS else "key")
            key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            key.setProperty("pad", wide)
            key.setProperty("latin", latin)
            if name in ACTIONS:
                words_whole(key)
            if rows > 1:  # Backspace and Clear beside a number pad: as tall as the rows they span
                key.setSizePolicy(key.sizePolicy().horizontalPolicy(), QSizePolicy.Policy.Expanding)
            if name == "backspace":
                key.setAutoRepeat(True)  # held down, it keeps deleting
                key.setAutoRepeatDelay(500)
                key.setAutoRepeatInterval(100)
            if name == "shift":
                key.setCheckable(True)
                key.toggled.connect(self._shift_toggled)
            key.clicked.connect(partial(self._pressed, name))
            grid.addWidget(key, row, column, rows, columns)
        return grid

    def _label_keys(self, keys: dict[str, QPushButton]) -> None:
        names = {"backspace": _("Backspace"), "clear": _("Clear"), "shift": _("Shift"), "space": _("Space")}
        for name, key in keys.items():
            key.setText(names.get(name, name))
            key.setAccessibleName(names.get(name, name))
        self._shift_toggled(bool(keys.get("shift") and keys["shift"].isChecked()), keys)

    # -- typing ------------------------------------------------------------------------------------

    def _presses_for(self, ch: str) -> list[tuple[str, bool]]:
        if ch in self._keys and ch not in ACTIONS:
            return [(ch, False)]
        if ch == " " and "space" in self._keys:
            return [("space", False)]
        if ch.isupper() and ch.lower() in self._keys and "shift" in self._keys:
            return [(ch.lower(), True)]
        raise ValueError(f"the {self._kind.value} keyboard has no key for {ch!r}")

    def _pressed(self, name: str) -> None:
        if name == "shift":
            return
        shift = self._keys.get("shift")
        capital = shift is not None and shift.isChecked() and name.isalpha() and len(name) == 1
        target = self.target
        if target is not None and target.isEnabled() and not target.isReadOnly():
            if name == "backspace":
                target.backspace()
            elif name == "clear":
                target.clear()
            else:
                target.insert(" " if name == "space" else name.upper() if capital else name)
        if capital:
            self._set_shift(False)  # one capital per Shift, as on a phone

    def _set_shift(self, on: bool) -> None:
        shift = self._keys.get("shift")
        if shift is not None and shift.isChecked() != on:
            shift.setChecked(on)

    def _shift_toggled(self, on: bool, keys: dict[str, QPushButton] | None = None) -> None:
        for name, key in (keys if keys is not None else self._keys).items():
            if len(name) == 1 and name.isalpha() and name.islower():
                key.setText(name.upper() if on else name)

    @staticmethod
    def _is_input_method(page: QWidget) -> bool:
        return hasattr(page, "attach") and hasattr(page, "retranslate")
