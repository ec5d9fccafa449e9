"""The child of ``kiosk bench gui-gc``: a GUI thread that restyles a page of widgets without pause and
connects receivers that die in reference cycles, while worker threads post to it and allocate.

``python -m entry.bench.gui_gc_child terminal|automatic SECONDS``. ``terminal`` starts the application
as the terminal does (ui/app.py: the collector pinned to the GUI thread, ui/gui_thread_gc.py);
``automatic`` leaves Python's collector as it comes. A timer on the GUI thread prints ``beat`` every
``BEAT_MS``: the parent takes a silence as a frozen terminal (no thread of this process can say so, the
interpreter lock being held by a thread that waits). At the end, one line of JSON with the counts.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import threading
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QObject, QTimer, Signal  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QVBoxLayout, QWidget  # noqa: E402

BEAT_MS = 100
SENDERS = 400
WORKERS = 2
SHEETS = ("QWidget { font-size: 20px; }", "QWidget { font-size: 28px; }")


class Sender(QObject):
    """A Python subclass, as every signal-bearing object of the terminal is: Qt asks the interpreter
    whether it overrides ``disconnectNotify`` under its own signal-slot lock."""

    fired = Signal()


class Receiver:
    """Connected to a sender and left in a cycle: only the cyclic collector frees it, and freeing it
    drops its connection."""

    def __init__(self, sender: Sender) -> None:
        self.me = self
        sender.fired.connect(self.on_fired)

    def on_fired(self) -> None:
        pass


def main(mode: str, seconds: float) -> None:
    if mode == "terminal":
        from ui.app import qt_application

        app = qt_application()
    else:
        app = QApplication(sys.argv[:1])
    on_workers = [0]
    gui_thread = threading.get_ident()

    def count(phase: str, info: dict) -> None:
        if phase == "start" and threading.get_ident() != gui_thread:
            on_workers[0] += 1

    gc.callbacks.append(count)
    from ui.dispatcher import Dispatcher  # the terminal's own: workers post, the GUI thread runs

    senders = [Sender() for _ in range(SENDERS)]
    dispatchers = [Dispatcher() for _ in range(40)]
    page = QWidget()
    layout = QVBoxLayout(page)
    for i in range(60):
        layout.addWidget(QPushButton(f"button {i}"))
        layout.addWidget(QLabel(f"label {i}"))
    counts = {"restyles": 0, "receivers": 0}
    posts = [0] * WORKERS  # one count a worker, each written by its own thread only

    def restyle() -> None:
        counts["restyles"] += 1
        page.setStyleSheet(SHEETS[counts["restyles"] % 2])

    def connect_receivers() -> None:
        for _ in range(20):
            Receiver(senders[counts["receivers"] % SENDERS])
            counts["receivers"] += 1

    stop = threading.Event()

    def work(worker: int) -> None:
        i = 0
        while not stop.is_set():
            dispatchers[i % len(dispatchers)].post(lambda: None)
            i += 1
            posts[worker] = i
            [[j] for j in range(50)]  # noqa: B018 - allocation, as a decoder or a parser does
            time.sleep(0.0005)

    def beat() -> None:
        print("beat", flush=True)

    def finish() -> None:
        stop.set()
        print(json.dumps({**counts, "posts": sum(posts), "collections_on_workers": on_workers[0],
                          "gc_enabled": gc.isenabled()}), flush=True)
        app.quit()

    timers = []
    for interval, slot in ((0, restyle), (1, connect_receivers), (BEAT_MS, beat)):
        timer = QTimer()
        timer.timeout.connect(slot)
        timer.start(interval)
        timers.append(timer)
    QTimer.singleShot(int(seconds * 1000), finish)
    workers = [threading.Thread(target=work, args=(worker,), daemon=True) for worker in range(WORKERS)]
    for thread in workers:
        thread.start()
    app.exec()
    for thread in workers:  # none posts to a dispatcher Python is tearing down on exit (SIGSEGV, 1 run in 60 under load)
        thread.join(timeout=5)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
