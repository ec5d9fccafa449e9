"""Python's cyclic garbage collector, run on the GUI thread only.

Left automatic, the collector runs on whichever thread crosses its allocation threshold: a device's
worker, the task runner reading the pinyin words, the queue's sync. What it frees there may hold a Qt
connection (PySide drops a signal's connection when its Python receiver dies, through a weak
reference's callback), and then Qt's disconnect runs on that thread: it takes Qt's signal-slot lock
for the sender, then PySide wants the interpreter lock to look for a Python override of
``disconnectNotify``. If the GUI thread holds the interpreter lock at that moment inside a Qt call
that wants the same signal-slot lock (``setStyleSheet`` restyling a page), neither thread moves
again: the terminal freezes, and no timeout can fire. Seen on 2026-12-04 in the test suite (a
journey test toggling large text while the pinyin words loaded; gdb: the task thread in
``gc_collect_main`` -> ``QObject::disconnect`` -> ``PyGILState_Ensure``, the GUI thread in
``QWidgetPrivate::setStyle_helper`` -> ``QObject::disconnect`` -> ``QBasicMutex::lockInternal``).

So the automatic collector is off, and a timer on the GUI thread collects what the thresholds say
is due, the generation chosen as the interpreter would choose it (pyqtgraph's GarbageCollector and
calibre do the same). A collection still pauses every thread, as before; it now only ever runs where
Qt's objects live. What lives for the terminal's life is still frozen out of the walk
(ui/long_lived.py).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 100  # how often the GUI thread looks at the collector's counts; a look costs under a microsecond


class GuiThreadCollector(QObject):
    """Turns the automatic collector off and collects on the GUI thread, every ``INTERVAL_MS``, what
    the interpreter would have collected by then."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)
        gc.disable()
        self._timer.start()

    def collect_due(self) -> int | None:
        """Collect the oldest generation whose count has passed its threshold (and the younger
        ones with it); returns it, or None when nothing was due."""
        counts, limits = gc.get_count(), gc.get_threshold()
        if counts[0] <= limits[0]:
            return None
        generation = 0
        if counts[1] > limits[1]:
            generation = 2 if counts[2] > limits[2] else 1
        gc.collect(generation)
        return generation


def install(app: QCoreApplication) -> GuiThreadCollector:
    """Once per application (a second call returns the first's); call on the GUI thread."""
    found = app.findChild(GuiThreadCollector)
    return found if found is not None else GuiThreadCollector(app)
