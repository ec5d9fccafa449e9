"""A field with the touch keyboard docked under it, as the form screen holds them (for the keyboard tests)."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from kiosk.forms import Keyboard
from ui.keyboard import TouchKeyboard
from ui.theme import Theme, stylesheet


class KeyboardForm(QWidget):
    def __init__(self, elderly: bool = False, kind: Keyboard | None = None) -> None:
        super().__init__()
        self.setStyleSheet(stylesheet(Theme(elderly=elderly)))  # on the host only: the application's stays
        self.field = QLineEdit()
        self.keyboard = TouchKeyboard()
        column = QVBoxLayout(self)
        column.addWidget(self.field)
        column.addWidget(self.keyboard)
        if kind is not None:
            self.keyboard.set_kind(kind)
        self.keyboard.attach(self.field)
