"""The GUI thread's signs of life for ``kiosk supervise`` (kiosk/supervisor.py, kiosk/liveness.py).

A timer on the GUI thread writes a byte to the supervisor's pipe every second, so the bytes stop
when the event loop stops turning, whatever holds it. The pipe is held by this object, which the
application owns: a Python method connected to a Qt signal does not keep its object alive, and a
first version that connected a local object's method beat once and then never again.

A supervisor that is gone (killed: its end of the pipe closed) ends the terminal: a supervisor started
again (systemd's ``Restart=``) starts a terminal of its own, which needs the serial ports, the camera
and the audit trail's lock this one holds.
"""

from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtCore import QObject, QTimer

from kiosk.liveness import BEAT_INTERVAL_S, LivenessPipe

log = logging.getLogger(__name__)


class SignsOfLife(QObject):
    def __init__(self, pipe: LivenessPipe, parent: QObject, on_supervisor_gone: Callable[[], None],
                 idle: Callable[[], bool] = lambda: False, held: Callable[[], bool] = lambda: False,
                 disk: Callable[[], bool] = lambda: False) -> None:
        """``idle``: nobody uses the terminal now (said with each beat; a planned restart waits for it); ``held``: a
        device is held by a call that never returned; ``disk``: the disk refuses writes (both asked only while nobody
        uses it)."""
        super().__init__(parent)
        self._pipe = pipe
        self._idle = idle
        self._held = held
        self._disk = disk
        self._on_supervisor_gone = on_supervisor_gone
        self._timer = QTimer(self)
        self._timer.setInterval(round(BEAT_INTERVAL_S * 1000))
        self._timer.timeout.connect(self.beat)
        self._timer.start()
        QTimer.singleShot(0, self, self.beat)  # the first as soon as the event loop turns

    def beat(self) -> None:
        try:
            idle = bool(self._idle())
        except Exception:  # a bug in the question must not stop the beats: busy, so no restart comes of it
            log.exception("signs of life: could not tell whether the terminal is in use")
            idle = False
        try:
            held = idle and bool(self._held())
        except Exception:  # as above: no restart comes of a bug here
            log.exception("signs of life: could not tell whether a device is held")
            held = False
        try:
            disk = idle and bool(self._disk())
        except Exception:  # as above
            log.exception("signs of life: could not tell whether the disk takes writes")
            disk = False
        if not self._pipe.beat(idle, held, disk) and self._timer.isActive():
            self._timer.stop()
            log.error("kiosk supervise is gone (killed?): this terminal ends, so that the one a new supervisor "
                      "starts has the devices and the audit trail to itself")
            self._on_supervisor_gone()

    def stop(self) -> None:
        self._timer.stop()
        self._pipe.close()


def install(app: QObject, on_supervisor_gone: Callable[[], None],
            idle: Callable[[], bool] = lambda: False, held: Callable[[], bool] = lambda: False,
            disk: Callable[[], bool] = lambda: False) -> SignsOfLife | None:
    """Under ``kiosk supervise``: the beats, owned by ``app``; ``on_supervisor_gone`` (the application's quit)
    when the supervisor's end of the pipe is closed; ``idle``: nobody uses the terminal now; ``held``: a device is
    held by a call that never returned; ``disk``: the disk refuses writes. None when nobody watches."""
    pipe = LivenessPipe.from_environment()
    return None if pipe is None else SignsOfLife(pipe, app, on_supervisor_gone, idle, held, disk)
