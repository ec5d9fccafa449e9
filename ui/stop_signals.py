"""SIGTERM and SIGINT end the terminal's event loop, so that what was recorded is written and the devices are let go
of in order (``ui.app.run_gui``'s ``finally``: the citizen's session ended and wiped, the audit trail's writes done,
the queue closed), rather than Python's default: the process gone at once, the trail's entries still waiting for its
writer thread with it. ``kiosk supervise`` stops a terminal with SIGTERM (systemd stopping the session at the hall's
closing time), and kills it after ``supervisor.stop_s``.

A Python signal handler runs only when the interpreter runs, which Qt's event loop in C++ may not let it do for a
while: the signal's number is written to a socket (``signal.set_wakeup_fd``) that a ``QSocketNotifier`` watches, and
the handler runs as soon as the event loop reads it."""

from __future__ import annotations

import logging
import signal
import socket
from typing import Callable

from PySide6.QtCore import QObject, QSocketNotifier

log = logging.getLogger(__name__)
SIGNALS = (signal.SIGTERM, signal.SIGINT)


class StopSignals(QObject):
    """Installed on the main thread; ``stop`` is called once, on the GUI thread, for the first of ``SIGNALS``."""

    def __init__(self, parent: QObject, stop: Callable[[], None]) -> None:
        super().__init__(parent)
        self._stop = stop
        self._asked = False
        self._read, self._write = socket.socketpair()
        for end in (self._read, self._write):
            end.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._write.fileno(), warn_on_full_buffer=False)
        self._previous = {signum: signal.signal(signum, self._asked_to_stop) for signum in SIGNALS}
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._woken)

    def _woken(self) -> None:
        """The event loop woken by a signal: the Python handler has run by the time this runs (it runs between two
        bytecodes of the main thread, this slot's first among them)."""
        try:
            while self._read.recv(64):
                pass
        except (BlockingIOError, OSError):
            pass  # emptied

    def _asked_to_stop(self, signum: int, _frame) -> None:
        if self._asked:
            return
        self._asked = True
        log.warning("asked to stop (%s): the terminal closes in order", signal.Signals(signum).name)
        self._stop()

    def uninstall(self) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        signal.set_wakeup_fd(self._previous_fd)
        self._notifier.setEnabled(False)
        self._read.close()
        self._write.close()


def install(app: QObject, stop: Callable[[], None]) -> StopSignals:
    """SIGTERM and SIGINT call ``stop`` (the application's quit) once; the main thread only."""
    return StopSignals(app, stop)
