"""An exception raised in a Qt slot fails the test that caused it, even after the app is built.

The hook that keeps a terminal running (log and go on) is installed by ``kiosk run`` only
(``entry.cli.keep_running_on_errors``); building the QApplication, the services or the window
must leave pytest-qt's hook in place.
"""

import sys

INNER = '''
import os
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QPushButton

from ui.app import qt_application


def test_a_raising_slot(qtbot):
    qt_application()
    button = QPushButton("boom")
    qtbot.addWidget(button)

    def explode():
        raise RuntimeError("a bug in a slot")

    button.clicked.connect(explode)
    button.click()
'''


def test_an_exception_in_a_slot_fails_the_test(pytester):
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider", timeout=120)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*RuntimeError: a bug in a slot*"])


def test_building_the_gui_leaves_the_exception_hook_alone(qtbot):
    from ui.app import qt_application

    before = sys.excepthook
    qt_application()
    assert sys.excepthook is before


def test_the_entry_point_installs_the_keep_running_hooks(monkeypatch):
    import threading

    from entry import cli

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    cli.keep_running_on_errors()
    assert sys.excepthook is cli._log_unhandled
    assert threading.excepthook is cli._log_unhandled_in_thread
