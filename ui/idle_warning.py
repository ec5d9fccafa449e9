"""The warning before an idle session ends (WCAG 2.2.1, timing adjustable): a band across the top of
the kiosk's screen, inside the window (no pop-up), counting down with a large "More time" button.

Only that button extends the session. A touch elsewhere on the screen does not: the citizen may have
gone and a passer-by brushed the screen, and the next citizen must not find the last one's session.
The band covers the screen's title, never its buttons, so everything stays within reach.

The clerk's window uses the same band with its own words (``ui/staff_idle.py``: signed out, not a session
ended), given as ``says`` and ``button_text``.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QWidget

from common.i18n import N_, Text, _, plural_text
from ui.widgets import button, label

# What a person at the screen does (a touch, a click, a key): what restarts an idle timer.
USER_INPUT = frozenset({QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress})

# The "More time" button's height, well above the floors (WCAG's 44 px; the 适老化 rules' 60 px in elderly
# mode): it is the one thing to press. It is twice as wide.
BUTTON_PX = {False: 72, True: 96}


def session_ends(seconds: int) -> Text:
    """The kiosk's words: the citizen's session ends."""
    return plural_text("No touch for a while. The session will end in {s} second.",
                       "No touch for a while. The session will end in {s} seconds.", seconds, s=seconds)


class TopBand(QFrame):
    """A band across the top of its parent (over the screen's title, never its buttons): shown with :meth:`appear`,
    following the parent's width only while shown (a filter sees every event of the view, each a call into Python:
    during start-up alone, thousands), and as tall as its words need at that width (a wrapping label's size hint
    alone assumes a narrower band: it came out twice as tall in English as in Chinese). The idle warning's and
    ui/wait_band.py's."""

    def appear(self) -> None:
        self.parentWidget().installEventFilter(self)
        self._place()
        self.show()
        self.raise_()

    def disappear(self) -> None:
        self.parentWidget().removeEventFilter(self)
        self.hide()

    def _place(self) -> None:
        width = self.parentWidget().width()
        layout = self.layout()
        height = layout.totalHeightForWidth(width) if layout is not None and layout.hasHeightForWidth() \
            else self.sizeHint().height()
        self.setGeometry(0, 0, width, height)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._place()
        return False


class IdleWarning(TopBand):
    """Counts ``seconds`` down, one per ``second_ms`` (tests shorten the second); ``expired`` at 0.
    ``says`` words the countdown, ``button_text`` (a msgid) names the button that ends it."""

    started = Signal(int)  # the seconds it counts down from (for voice guidance, and tests)
    more_time = Signal()
    expired = Signal()

    def __init__(self, parent: QWidget, says: Callable[[int], Text] = session_ends,
                 button_text: str = N_("More time")) -> None:
        super().__init__(parent)
        self._says, self._button = says, button_text
        self.setObjectName("idleWarning")
        self.message = label("subtitle", align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.more = button("primary", self._more)
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 12, 24, 12)
        row.addWidget(self.message, 1)
        row.addWidget(self.more)
        self.remaining = 0
        self.second_ms = 1000
        self.tick = QTimer(self)
        self.tick.timeout.connect(self._tick)
        self.set_elderly(False)
        self.hide()

    @property
    def warning(self) -> bool:
        return self.tick.isActive()

    def set_elderly(self, elderly: bool) -> None:
        self.more.setMinimumSize(BUTTON_PX[elderly] * 2, BUTTON_PX[elderly])
        self._place()

    def start(self, seconds: int) -> None:
        self.remaining = max(1, int(seconds))
        self.retranslate()
        self.appear()
        self.tick.start(self.second_ms)
        self.started.emit(self.remaining)

    def stop(self) -> None:
        self.tick.stop()
        self.disappear()

    def retranslate(self) -> None:
        self.message.setText(str(self._says(self.remaining)))
        self.more.setText(_(self._button))

    def _more(self) -> None:
        self.stop()
        self.more_time.emit()

    def _tick(self) -> None:
        self.remaining -= 1
        if self.remaining > 0:
            self.retranslate()
            return
        self.stop()
        self.expired.emit()
