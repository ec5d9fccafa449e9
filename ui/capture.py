"""The document camera's live preview: what the camera sees, the page outlined, and what to do.

A timer (about 9 frames a second, running only while the preview is on screen) reads the camera's
:meth:`~devices.doccam.base.DocumentCamera.latest_view`, which returns what the device last
computed and never waits on it; so a capture in progress, a slow page finder or an unplugged camera
never holds up the GUI thread. The outline is green while the page lies still and sharp (or is
being taken), amber otherwise. Without a view the preview says plainly that the camera is not
connected: at once when the device reports itself offline, else after a short grace (a preview
just shown waits for the device's first look).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from common.i18n import N_, Text, text
from devices.doccam.base import DocumentCamera, PreviewView
from devices.health import DeviceState
from ui.widgets import label

MSG_OFFLINE = N_("The document camera is not connected.")
MSG_WAITING = N_("The document camera is starting.")

FPS = 9
NO_VIEW_GRACE_TICKS = 12          # about 1.3 s without a view on a camera that says it is ready
FRAME_MIN = QSize(400, 225)       # 16:9; leaves room for a title, thumbnails and buttons at 1280 x 800
NARROW_FRAME_MIN = QSize(336, 189)  # at 1024 x 768, where the capture buttons stand in pairs (ui/theme.py narrow)
STEADY = QColor("#2e7d32")        # green: still and sharp, or being taken
UNSTEADY = QColor("#f9a825")      # amber: moving, blurred, glare
BACKDROP = QColor("#263238")
OUTLINE_WIDTH = 5


def view_image(view: PreviewView) -> QImage:
    """The view's BGR picture as a QImage that owns its pixels."""
    image = view.image
    height, width = image.shape[:2]
    return QImage(image.data, width, height, image.strides[0], QImage.Format.Format_BGR888).copy()


class _Frame(QWidget):
    """The picture scaled to fit (its proportions kept), the outline over it, or a plain backdrop."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("previewFrame")
        self.setMinimumSize(FRAME_MIN)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.image: QImage | None = None
        self.quad: QPolygonF | None = None     # in the image's pixels
        self.steady = False
        self.message = ""

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(800, 450)

    def target(self) -> QRectF:
        """Where the picture goes: as large as fits, centred."""
        if self.image is None or self.image.isNull():
            return QRectF(self.rect())
        k = min(self.width() / self.image.width(), self.height() / self.image.height())
        w, h = self.image.width() * k, self.image.height() * k
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def outline(self) -> QPolygonF | None:
        """The page's outline in this widget's pixels, as drawn; None without one."""
        if self.quad is None or self.image is None:
            return None
        box = self.target()
        kx, ky = box.width() / self.image.width(), box.height() / self.image.height()
        return QPolygonF([QPointF(box.left() + p.x() * kx, box.top() + p.y() * ky) for p in self.quad])

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKDROP)
        if self.image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(self.target(), self.image)
            outline = self.outline()
            if outline is not None:
                painter.setRenderHint(QPainter.RenderHint.Antialiasing)
                painter.setPen(QPen(STEADY if self.steady else UNSTEADY, OUTLINE_WIDTH, Qt.PenStyle.SolidLine,
                                    Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
                painter.drawPolygon(outline)
        elif self.message:
            painter.setPen(QColor("white"))
            painter.setFont(self.font())
            painter.drawText(QRectF(self.rect()).adjusted(24, 24, -24, -24),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.message)
        painter.end()


class CameraPreview(QWidget):
    """The live preview of a document camera (or of none: ``camera`` may be None).

    ``offline_changed(bool)`` fires when the camera goes away or comes back; ``view`` is the view
    on screen (None when offline or waiting); ``frames_shown`` counts the distinct frames shown."""

    offline_changed = Signal(bool)

    def __init__(self, camera: DocumentCamera | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.camera = camera
        self.view: PreviewView | None = None
        self.frames_shown = 0
        self.offline = False
        self._no_view_ticks = 0
        self.frame = _Frame()
        self.advice = label("advice")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        column.addWidget(self.frame, 1)
        column.addWidget(self.advice)
        self.timer = QTimer(self)
        self.timer.setInterval(1000 // FPS)
        self.timer.timeout.connect(self.tick)
        self._show_message(text(MSG_WAITING), offline=False)

    def set_camera(self, camera: DocumentCamera | None) -> None:
        self.camera = camera
        self._no_view_ticks = 0
        self.tick()

    # -- the timer runs only while the preview is on screen
    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._no_view_ticks = 0
        self.tick()
        self.timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.timer.stop()
        super().hideEvent(event)

    def tick(self) -> None:
        """Read the camera's newest view (never waits on the device) and show it."""
        camera = self.camera
        view = camera.latest_view() if camera is not None else None
        health = camera.health.snapshot() if camera is not None else None
        if view is not None and health is not None and health.state is not DeviceState.OFFLINE:
            self._no_view_ticks = 0
            self._show_view(view)
            return
        self._no_view_ticks += 1
        self.view = None
        if health is None or health.state is DeviceState.OFFLINE or self._no_view_ticks >= NO_VIEW_GRACE_TICKS:
            reason = health.reason if health is not None and health.state is DeviceState.OFFLINE else None
            self._show_message(reason or text(MSG_OFFLINE), offline=True)
        else:
            self._show_message(text(MSG_WAITING), offline=False)

    def outline(self) -> QPolygonF | None:
        """The page's outline as drawn, in the picture widget's pixels (tests, screenshots)."""
        return self.frame.outline()

    def outline_colour(self) -> QColor | None:
        return None if self.outline() is None else (STEADY if self.frame.steady else UNSTEADY)

    def retranslate(self) -> None:
        if self.view is not None:
            self.advice.setText(self.view.advice.render())
        self.tick()

    # -- showing
    def _show_view(self, view: PreviewView) -> None:
        previous, self.view = self.view, view
        if view is not previous:
            self.frame.image = view_image(view)
            self.frame.quad = None if view.quad is None else QPolygonF([QPointF(float(x), float(y))
                                                                        for x, y in view.quad])
            self.frame.steady = view.steady
            self.frame.message = ""
            self.frame.update()
            if previous is None or view.seq != previous.seq:
                self.frames_shown += 1
        self.advice.setText(view.advice.render())
        self._set_offline(False)

    def _show_message(self, message: Text, *, offline: bool) -> None:
        """No picture: the message on the dark frame, large and plain, and no advice under it."""
        self.frame.image = self.frame.quad = None
        self.frame.message = message.render()
        self.frame.update()
        self.advice.setText("")
        self._set_offline(offline)

    def _set_offline(self, offline: bool) -> None:
        if offline != self.offline:
            self.offline = offline
            self.offline_changed.emit(offline)
