"""Qt's messages while Qt loads a library reach no Python: the voice-on freeze (ui/qt_messages.py).

Found by kiosk bench ui-monkey and reproduced: voice switched on 0.2 s after the start froze the kiosk
in 1 to 3 runs of 6 (gdb: the GUI thread inside dlopen of libQt6Multimedia, its constructor's message
waiting for the GIL in our handler; the camera simulator's thread holding the GIL in numpy's dladdr,
waiting for the loader's lock). A fresh interpreter, as the first switch-on is, checks that the load
gives our handler nothing, where an unguarded load does give it Qt Multimedia's messages, and that the
handler is back afterwards.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent  # where `ui` is imported from

LOAD = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import qWarning
from PySide6.QtWidgets import QApplication
from ui import qt_messages
heard = []
qt_messages.to_log = lambda mode, context, message: heard.append(context.category)  # what Python was given
qt_messages.install()
app = QApplication([])
if sys.argv[1] == "guarded":
    from ui.voice import _multimedia
    _multimedia()
else:
    from PySide6.QtMultimedia import QMediaDevices
    QMediaDevices.defaultAudioOutput()
loaded = len(heard)
qWarning("after the load")
print(repr((sorted(set(heard[:loaded])), heard[loaded:])))
"""


def load(how: str, home):
    result = subprocess.run([sys.executable, "-c", LOAD, how], capture_output=True, text=True, timeout=60, cwd=ROOT,
                            env={"PATH": os.environ.get("PATH", ""), "HOME": str(home), "LANG": "C.UTF-8"})
    assert result.returncode == 0, result.stderr
    return eval(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("how", ["guarded", "unguarded"])
def test_loading_qt_multimedia_gives_python_no_message_and_the_handler_comes_back(how, tmp_path):
    loading, after = load(how, tmp_path)
    if how == "unguarded":  # the control: loading it does log (FFmpeg's version at least) through Python
        assert any(category.startswith("qt.multimedia") for category in loading), loading
    else:
        assert loading == [], loading
    assert after == ["default"]  # qWarning after the load reaches our handler again
