"""The cyclic garbage collector runs on the GUI thread only (ui/gui_thread_gc.py): a worker thread
that allocates past every threshold collects nothing, and what it leaves in cycles is collected
by the GUI thread's timer."""

import gc
import os
import subprocess
import sys
import threading
import weakref

from ui import gui_thread_gc
from ui.app import qt_application


class Node:
    def __init__(self):
        self.me = self  # a cycle: only the cyclic collector frees it


def test_a_worker_thread_never_collects_and_the_gui_thread_collects_its_garbage(qtbot):
    app = qt_application()
    assert gui_thread_gc.install(app) is gui_thread_gc.install(app)  # one collector per application
    assert not gc.isenabled()
    collected_on = []

    def record(phase, info):
        if phase == "start":
            collected_on.append((threading.get_ident(), info["generation"]))

    gc.callbacks.append(record)
    try:
        left = []

        def work():
            nodes = [Node() for _ in range(5_000)]  # 5,000 cycles: 7 times the youngest generation's threshold
            left.extend(weakref.ref(node) for node in nodes)
            del nodes

        worker = threading.Thread(target=work)
        worker.start()
        worker.join()
        assert collected_on == []  # nothing collected on the worker thread, nor anywhere yet
        assert all(ref() is not None for ref in left)
        qtbot.waitUntil(lambda: all(ref() is None for ref in left), timeout=5 * gui_thread_gc.INTERVAL_MS)
        assert collected_on and {ident for ident, _ in collected_on} == {threading.main_thread().ident}
    finally:
        gc.callbacks.remove(record)


def test_the_generation_collected_is_the_oldest_past_its_threshold(qapp):
    collector = gui_thread_gc.install(qapp)
    limits = gc.get_threshold()
    gc.collect()  # every count back to 0
    assert collector.collect_due() is None
    kept = [[i] for i in range(limits[0] + 10)]
    assert collector.collect_due() == 0
    for _ in range(limits[1]):  # each young collection counts one towards the middle generation
        kept += [[i] for i in range(limits[0] + 10)]
        collector.collect_due()
    kept += [[i] for i in range(limits[0] + 10)]
    assert collector.collect_due() == 1
    assert gc.get_count()[1] == 0
    del kept


def test_the_terminals_application_starts_with_the_collector_pinned():
    """In a process of its own (here pytest-qt and conftest install it as well): the application the
    terminal starts with turns the automatic collector off and collects on its timer."""
    script = ("import gc; from ui.app import qt_application; from ui.gui_thread_gc import GuiThreadCollector; "
              "app = qt_application(); print(gc.isenabled(), app.findChild(GuiThreadCollector) is not None)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.stdout.split() == ["False", "True"], result.stderr[-2000:]
