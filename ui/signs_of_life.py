"""The GUI thread's signs of life for ``kiosk supervise`` (kiosk/supervisor.py, kiosk/liveness.py).

A timer on the GUI thread writes a byte to the supervisor's pipe every second, so the bytes stop
when the event loop stops turning, whatever holds it. The pipe is held by this object, which the
application owns: a Python method connected to a Qt signal does not keep its object alive, and a
first version that connected a local object's method beat once and then never again.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from kiosk.liveness import BEAT_INTERVAL_S, LivenessPipe


class SignsOfLife(QObject):
    def __init__(self, pipe: LivenessPipe, parent: QObject) -> None:
        super().__init__(parent)
        self._pipe = pipe
        self._timer = QTimer(self)
        self._timer.setInterval(round(BEAT_INTERVAL_S * 1000))
        self._timer.timeout.connect(self.beat)
        self._timer.start()
        QTimer.singleShot(0, self, self.beat)  # the first as soon as the event loop turns

    def beat(self) -> None:
        self._pipe.beat()

    def stop(self) -> None:
        self._timer.stop()
        self._pipe.close()


def install(app: QObject) -> SignsOfLife | None:
    """Under ``kiosk supervise``: the beats, owned by ``app``. None when nobody watches."""
    pipe = LivenessPipe.from_environment()
    return None if pipe is None else SignsOfLife(pipe, app)
