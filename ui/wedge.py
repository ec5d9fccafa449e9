"""Keyboard-wedge QR scanners: they type the code and press Enter. Tell a scan from a person typing.

A scanner types a whole code in a burst, each key a few milliseconds after the last (USB HID
scanners: 1-20 ms); a person's keys are 80 ms or more apart. :class:`WedgeFilter` watches key
presses on the object it is installed on (usually the QApplication), and when Enter ends a run of
at least ``min_length`` characters whose every gap was under ``max_gap_ms``, it emits
:attr:`WedgeFilter.scanned` with the text. A slow key (a person) starts a new run.

With ``swallow=True`` the keys of a run that turned out to be a scan are kept from the focused
widget from the second fast key on (the first key of a burst cannot be known yet and passes).
"""

from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class WedgeFilter(QObject):
    scanned = Signal(str)

    def __init__(self, parent: QObject | None = None, *, max_gap_ms: float = 40.0, min_length: int = 4,
                 swallow: bool = False, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.max_gap_ms = max_gap_ms
        self.min_length = min_length
        self.swallow = swallow
        self._clock = clock
        self._chars: list[str] = []
        self._last_at: float | None = None

    def reset(self) -> None:
        self._chars = []
        self._last_at = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        now = self._clock()
        fast = self._last_at is not None and (now - self._last_at) * 1000.0 <= self.max_gap_ms
        self._last_at = now
        if event.key() in _ENTER_KEYS:
            burst = "".join(self._chars)
            was_fast = fast and len(burst) >= self.min_length
            self._chars = []
            if was_fast:
                self.scanned.emit(burst)
                return self.swallow
            return False
        char = event.text()
        if not char or not char.isprintable():
            if event.key() not in (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta):
                self._chars = []  # arrows, function keys: not a scanner
            return False
        if not fast:
            self._chars = []  # a person's pace: whatever came before was typing
        self._chars.append(char)
        return self.swallow and fast and len(self._chars) >= 2
