"""Runs work on the GUI thread on behalf of any other thread (the task pool's results, the
heartbeat's remote configuration, the services composed off the GUI thread at start-up).

A module of its own, with nothing but Qt: the start-up creates it before the first paint, when
nothing of the services may be imported yet.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Signal, Slot


class Dispatcher(QObject):
    """``post(fn)`` from any thread runs ``fn`` on the GUI thread."""

    _posted = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self._posted.connect(self._run)

    def post(self, fn: Callable[[], None]) -> None:
        self._posted.emit(fn)

    @Slot(object)
    def _run(self, fn: Callable[[], None]) -> None:
        fn()
