"""A finger on a touch screen, as Qt sees it: touch screens deliver mouse events, so a swipe is a press, moves with the
button held, and a release, spaced in time as a hand moves (QScroller measures the speed)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

LEFT = Qt.MouseButton.LeftButton


def swipe(qtbot, widget: QWidget, dy: int = 0, dx: int = 0, steps: int = 12, step_ms: int = 16) -> None:
    """Drag a finger ``dy`` pixels down (negative: up) and ``dx`` right (negative: left) from the middle of
    ``widget``."""
    start = QPointF(widget.width() / 2, widget.height() / 2)

    def send(kind: QEvent.Type, at: QPointF, buttons: Qt.MouseButton) -> None:
        event = QMouseEvent(kind, at, widget.mapToGlobal(at), LEFT, buttons, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(widget, event)

    send(QEvent.Type.MouseButtonPress, start, LEFT)
    for i in range(1, steps + 1):
        qtbot.wait(step_ms)
        send(QEvent.Type.MouseMove, QPointF(start.x() + dx * i / steps, start.y() + dy * i / steps), LEFT)
    send(QEvent.Type.MouseButtonRelease, QPointF(start.x() + dx, start.y() + dy), Qt.MouseButton.NoButton)
