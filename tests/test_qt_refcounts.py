"""The Qt binding keeps Python's reference counts straight over a long-running terminal's calls.

PySide6 6.12.0 on Python 3.11 dropped a reference to None on every call of a void method and one
to True on every signal emit: a kiosk aborted with ``Fatal Python error: none_dealloc`` after
some 10,000 label updates (found by ``kiosk bench ui``'s 500 sessions). This runs the same calls
in a fresh process and fails on a lost reference or an abort, so an upgrade cannot bring it back.
"""

import subprocess
import sys

CALLS = '''
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel

app = QApplication([])
label = QLabel()


class Source(QObject):
    fired = Signal(object)


source = Source()
source.fired.connect(lambda value: None)
none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
for _ in range(20000):
    label.setText("x")
    label.setEnabled(True)
    source.fired.emit(1)
app.processEvents()
print(sys.getrefcount(None) - none_before, sys.getrefcount(True) - true_before)
'''


def test_void_calls_and_emits_keep_none_and_true_alive():
    result = subprocess.run([sys.executable, "-c", CALLS], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-500:]
    none_lost, true_lost = (int(n) for n in result.stdout.split())
    assert abs(none_lost) < 100 and abs(true_lost) < 100, (none_lost, true_lost)
