"""How long the GUI thread goes without turning its event loop: ``kiosk bench ui``'s stall figure (its scripted
journey, entry/bench/ui_journey.py) and the monkeys' limit on a step (entry/bench/monkey_common.py).

The GUI thread never waits on a device, a disk fsync or the network; what it does itself shows as a gap between two
firings of a precise timer on it. With ``catch_after_s`` a watcher thread also writes down the GUI thread's stack once
a firing is that much overdue: what held it, caught while it held it.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from contextlib import contextmanager

from PySide6.QtCore import QObject, Qt, QTimer

STACK_FRAMES = 14  # the innermost frames kept of a caught stack


class StallMeter(QObject):
    """A precise timer on the GUI thread every ``interval_ms``; the longest gap between two firings.

    A gap longer than the interval is time the GUI thread spent on something else: a slot, a
    repaint, a wait. The gap is reported whole (interval included), charged to the step running
    when it ended (``step``), with the GUI thread's own CPU time in it (``time.thread_time``): a gap far
    longer than its CPU time is the thread waiting (for the interpreter lock, or for a CPU on a
    loaded machine), not working. ``begin_step`` and ``end_step`` measure one step on its own (the monkeys'),
    ``aside`` leaves out a wait of the measurer's own.
    """

    def __init__(self, interval_ms: int = 5, catch_after_s: float | None = None) -> None:
        super().__init__()
        self.step = ""
        self.worst_ms = self.worst_cpu_ms = 0.0
        self.worst_step = ""
        self.by_step: dict[str, float] = {}
        self.step_worst_ms = 0.0  # since begin_step
        self.stack: str | None = None  # the GUI thread's stack in the first gap past catch_after_s since begin_step
        self._last = self._last_cpu = 0.0
        self._running = False
        self._gui = threading.get_ident()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._catch_after_s = catch_after_s
        self._closed = threading.Event()
        if catch_after_s is not None:
            threading.Thread(target=self._watch, name="stall-watch", daemon=True).start()

    def start(self) -> None:
        self._last, self._last_cpu = time.perf_counter(), time.thread_time()
        self._running = True
        self._timer.start()

    def stop(self) -> None:
        self._running = False
        self._timer.stop()

    def begin_step(self) -> None:
        self.step_worst_ms, self.stack = 0.0, None
        self.start()

    def end_step(self) -> float:
        """The step's longest gap, in milliseconds (the one running up to now included)."""
        self._tick()
        self.stop()
        return self.step_worst_ms

    @contextmanager
    def aside(self):
        """The measurer's own waiting (a call to the sandbox's control switch): not counted as the terminal's."""
        running = self._running
        self._running = False
        try:
            yield
        finally:
            self._last, self._last_cpu = time.perf_counter(), time.thread_time()
            self._running = running

    def close(self) -> None:
        self._closed.set()
        self.stop()

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        gap, gap_cpu = (now - self._last) * 1000.0, (cpu - self._last_cpu) * 1000.0
        self._last, self._last_cpu = now, cpu
        self.step_worst_ms = max(self.step_worst_ms, gap)
        if gap > self.by_step.get(self.step, 0.0):
            self.by_step[self.step] = gap
        if gap > self.worst_ms:
            self.worst_ms, self.worst_cpu_ms, self.worst_step = gap, gap_cpu, self.step

    def _watch(self) -> None:
        while not self._closed.wait(0.02):
            if self._running and self.stack is None and time.perf_counter() - self._last > self._catch_after_s:
                frame = sys._current_frames().get(self._gui)
                if frame is not None:
                    self.stack = "".join(traceback.format_stack(frame)[-STACK_FRAMES:])
