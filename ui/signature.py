"""The signature pad: the citizen signs with a finger on the touch screen.

Strokes are kept as the points the finger passed through (widget pixels) and drawn as quadratic
curves through the midpoints of successive points, each point a control point: the line is smooth
without the lag or overshoot of a fitted spline, and it goes exactly where the finger went between
two samples. A tap, or a scribble too small to be a name, is not a signature (:meth:`is_empty`).

The image sent with the case (:meth:`SignaturePad.to_png`) is black ink on white, cropped to the ink
with a margin and shrunk to fit 800 x 300: the same strokes drawn again, not a grab of the screen,
so neither the baseline nor the hint is in it. The strokes are personal data: they live in this
widget only, are never logged, and :meth:`clear` drops them.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QBuffer, QEvent, QIODevice, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QSizePolicy, QWidget

from common.i18n import N_, _

MSG_HINT = N_("Sign above the line with your finger")

PEN_WIDTH = 3.5                  # screen pixels: a felt-tip line, legible when the image is shrunk
MIN_SIZE = QSize(600, 220)       # a finger's room; small enough for 1280 x 800 with title and buttons
MIN_EXTENT = 40.0                # px: the ink must span at least this much (a tap or dot does not)
MIN_LENGTH = 60.0                # px of line drawn in all, so a tiny scribble does not count either
PNG_MAX = (800, 300)             # the largest image sent with the case
PNG_MARGIN = 12                  # px of white around the ink
BASELINE_AT = 0.72               # the baseline's height, as a share of the pad's
INK = QColor("#0d1b2a")
PAPER = QColor("white")
BASELINE = QColor("#b8c4d4")
HINT = QColor("#7a8799")


def stroke_path(points: list[QPointF]) -> QPainterPath:
    """A smooth path through ``points``: a quadratic curve to each midpoint, the point as control."""
    path = QPainterPath(points[0])
    if len(points) == 1:
        path.lineTo(points[0])
        return path
    for here, after in zip(points[1:-1], points[2:]):
        path.quadTo(here, (here + after) / 2)
    path.lineTo(points[-1])
    return path


class SignaturePad(QWidget):
    """A white pad with a light baseline and a hint; ``changed`` fires when a stroke ends, on
    :meth:`undo` and on :meth:`clear`."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signaturePad")
        self.setMinimumSize(MIN_SIZE)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._strokes: list[list[QPointF]] = []
        self._drawing = False

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(900, 320)

    # -- what the screen asks ----------------------------------------------------------------------
    def is_empty(self) -> bool:
        """True unless the ink is large enough to be a signature (a tap or a dot is not)."""
        points = [p for stroke in self._strokes for p in stroke]
        if not points:
            return True
        xs, ys = [p.x() for p in points], [p.y() for p in points]
        extent = max(max(xs) - min(xs), max(ys) - min(ys))
        return extent < MIN_EXTENT or self._ink_length() < MIN_LENGTH

    def stroke_count(self) -> int:
        return len(self._strokes)

    def clear(self) -> None:
        """Drop every stroke (the session ended, or the citizen starts again)."""
        had = bool(self._strokes)
        self._strokes = []
        self._drawing = False
        self.update()
        if had:
            self.changed.emit()

    def undo(self) -> None:
        """Take back the last stroke."""
        if not self._strokes:
            return
        self._strokes.pop()
        self._drawing = False
        self.update()
        self.changed.emit()

    def to_png(self) -> bytes:
        """The signature as a PNG (:func:`signature_png`), drawn here; the kiosk draws it on a worker
        from :meth:`strokes` instead (10-20 ms of the GUI thread on the 2-core terminal)."""
        return signature_png(self.strokes())

    def strokes(self) -> list[list[QPointF]]:
        """A copy of the lines drawn, for :func:`signature_png` on another thread."""
        return [[QPointF(p) for p in stroke] for stroke in self._strokes]

    def draw_stroke(self, points: list[tuple[float, float]]) -> None:
        """Sign as a finger would, for tests and the demo: a press at the first point, moves through
        the rest (every few pixels along each segment, as a touch screen samples a finger) and a
        release at the last, sent to this widget as mouse events."""
        if not points:
            return
        at = [QPoint(round(x), round(y)) for x, y in _finger_samples(points)]
        left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        QTest.mousePress(self, left, none, at[0])
        for point in at[1:]:
            QTest.mouseMove(self, point)
        QTest.mouseRelease(self, left, none, at[-1])

    # -- input: a mouse, or a finger (touch events, or the mouse events Qt makes of them) ----------
    def _begin(self, at: QPointF) -> None:
        self._strokes.append([QPointF(at)])
        self._drawing = True
        self.update()

    def _extend(self, at: QPointF) -> None:
        if not self._drawing:
            return
        stroke = self._strokes[-1]
        if stroke[-1] != at:
            stroke.append(QPointF(at))
            self.update()

    def _end(self, at: QPointF | None) -> None:
        if not self._drawing:
            return
        if at is not None:
            self._extend(at)
        self._drawing = False
        self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        self._extend(event.position())
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        if event.button() == Qt.MouseButton.LeftButton:
            self._end(event.position())
        event.accept()

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd,
                    QEvent.Type.TouchCancel):
            points = event.points()
            at = points[0].position() if points else None
            if kind == QEvent.Type.TouchBegin and at is not None:
                self._begin(at)
            elif kind == QEvent.Type.TouchUpdate and at is not None:
                self._extend(at)
            else:
                self._end(at if kind == QEvent.Type.TouchEnd else None)
            event.accept()
            return True
        return super().event(event)

    # -- drawing -----------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), PAPER)
        painter.setPen(QPen(BASELINE, 1.5))
        painter.drawRect(QRectF(self.rect()).adjusted(0.75, 0.75, -0.75, -0.75))
        margin = 24
        y = round(self.height() * BASELINE_AT)
        painter.setPen(QPen(BASELINE, 2))
        painter.drawLine(margin, y, self.width() - margin, y)
        if not self._strokes:
            painter.setPen(HINT)
            painter.setFont(self.font())
            painter.drawText(QRectF(margin, y + 8, self.width() - 2 * margin, self.height() - y - 8),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, _(MSG_HINT))
        self._paint_strokes(painter, INK, PEN_WIDTH)
        painter.end()

    def _paint_strokes(self, painter: QPainter, colour: QColor, width: float) -> None:
        paint_strokes(painter, self._strokes, colour, width)

    # -- measures ----------------------------------------------------------------------------------
    def _ink_length(self) -> float:
        return sum(math.dist((a.x(), a.y()), (b.x(), b.y()))
                   for stroke in self._strokes for a, b in zip(stroke, stroke[1:]))

    def _ink_rect(self) -> QRectF:
        return ink_rect(self._strokes)


def paint_strokes(painter: QPainter, strokes: list[list[QPointF]], colour: QColor, width: float) -> None:
    pen = QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for stroke in strokes:
        painter.drawPath(stroke_path(stroke))


def ink_rect(strokes: list[list[QPointF]]) -> QRectF:
    """The drawn lines' bounds, grown by half the pen so the line's edge is inside."""
    if not strokes:
        return QRectF(0, 0, 1, 1)
    bounds = QRectF()
    for stroke in strokes:
        bounds = bounds.united(stroke_path(stroke).boundingRect())
    half = PEN_WIDTH / 2 + 1
    return bounds.adjusted(-half, -half, half, half)


def signature_png(strokes: list[list[QPointF]]) -> bytes:
    """The signature as a PNG: black ink on white, cropped to the ink with a margin, at most
    800 x 300 (shrunk evenly if larger). No strokes give a small blank image. QImage and QPainter
    only: safe on any thread."""
    ink = ink_rect(strokes)
    k = min(1.0, (PNG_MAX[0] - 2 * PNG_MARGIN) / max(ink.width(), 1.0),
            (PNG_MAX[1] - 2 * PNG_MARGIN) / max(ink.height(), 1.0))
    width = min(PNG_MAX[0], math.ceil(ink.width() * k) + 2 * PNG_MARGIN)
    height = min(PNG_MAX[1], math.ceil(ink.height() * k) + 2 * PNG_MARGIN)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(PAPER)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(PNG_MARGIN, PNG_MARGIN)
    painter.scale(k, k)
    painter.translate(-ink.left(), -ink.top())
    paint_strokes(painter, strokes, QColor("black"), max(PEN_WIDTH, 2.0 / k))
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


def _finger_samples(points: list[tuple[float, float]], step: float = 6.0) -> list[tuple[float, float]]:
    """``points`` with points added every ``step`` px along each segment, as a finger is sampled."""
    out = [points[0]]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        n = max(1, math.ceil(math.dist((x0, y0), (x1, y1)) / step))
        out += [(x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n) for i in range(1, n + 1)]
    return out
