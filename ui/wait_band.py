"""A band that tells a waiting citizen (or clerk) the terminal is still working, and for how long they have waited.

A step that waits on the backend or a device shows it only on its button ("Loading services...", disabled). When the
service system does not answer, that lasts up to the backend's limits (``kiosk bench unanswered``: 10 s for a hung
backend, 20 s for a trickling one at the hall's defaults), long enough for someone to think the terminal froze and
walk away. So once the session has been busy for :data:`AFTER_S` seconds, a band across the top of the screen (the
idle warning's place: it covers the title, never a button) says it is still working and counts the seconds; it
goes the moment the session is not busy. The idle warning, when it shows too, stays above it. Voice guidance says it
once, when it appears (ui/main_window.py). The clerk's window shows the same band while its desk is busy, with a
"Stop waiting" button while what it waits for may be given up (a saved application's pages on a slow line:
``ClerkDesk.can_stop_waiting``).
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QWidget

from common.i18n import Text, _, plural_text
from ui.idle_warning import TopBand
from ui.widgets import button, label

AFTER_S = 3  # a wait shorter than this is said by the button alone


def still_working(seconds: int) -> Text:
    return plural_text("Still working on it. Please wait... ({s} second so far)",
                       "Still working on it. Please wait... ({s} seconds so far)", seconds, s=seconds)


class WaitBand(TopBand):
    """``follow(busy, stoppable)`` on each change of the session; one tick per ``second_ms`` (tests shorten the
    second). With ``on_stop``, a "Stop waiting" button calls it, shown while the wait is ``stoppable``."""

    shown = Signal()  # the band has just appeared (voice guidance says it once)

    def __init__(self, parent: QWidget, under: QWidget | None = None,
                 on_stop: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self._under = under  # the idle warning: its "More time" button is never covered
        self.setObjectName("waitBand")
        self.message = label("subtitle", align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 12, 24, 12)
        row.addWidget(self.message, 1)
        self.stop = button("stopWaiting", on_stop)
        self.stop.setText(_("Stop waiting"))
        self.stop.hide()
        row.addWidget(self.stop)
        self.second_ms = 1000
        self.waited = 0
        self.tick = QTimer(self)
        self.tick.timeout.connect(self._tick)
        self.hide()

    @property
    def waiting(self) -> bool:
        """The session is busy and being timed (the band shows from AFTER_S on)."""
        return self.tick.isActive()

    def follow(self, busy: bool, stoppable: bool = False) -> None:
        self.stop.setVisible(busy and stoppable)
        if busy and not self.waiting:
            self.waited = 0
            self.tick.start(self.second_ms)
        elif not busy and self.waiting:
            self.tick.stop()
            self.disappear()

    def retranslate(self) -> None:
        self.stop.setText(_("Stop waiting"))
        if self.isVisible():
            self.message.setText(str(still_working(self.waited)))
            self._place()  # the other language's words, or larger text, may take another height

    def _tick(self) -> None:
        self.waited += 1
        if self.waited < AFTER_S:
            return
        self.message.setText(str(still_working(self.waited)))
        if self.isHidden():
            self.appear()
            self.shown.emit()
        if self._under is not None and self._under.isVisible():
            self.stackUnder(self._under)
