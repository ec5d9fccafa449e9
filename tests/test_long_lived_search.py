"""The service search's readings are set aside from the garbage collector with what the terminal keeps for its life.

pypinyin's readings (kiosk/search.py) are about 193,000 lists. Imported by the first citizen's catalogue, after the
terminal had set its long-lived objects aside (ui/long_lived.py), every full collection walked them on the GUI
thread (43-66 ms more each on this machine). Now a worker reads them once the warm-up has built every screen, and the
objects are set aside after. Run in a fresh interpreter, as a terminal process is: the suite's own process has long
imported pypinyin.

The voice's audio backend is loaded in the same warm-up, on the GUI thread, before the freeze: left to the first
prompt it held the GUI thread 70-220 ms in a citizen's session (kiosk bench ui-monkey, seed 324).
"""

import subprocess
import sys

CHILD = r"""
import gc, os, sys, tempfile
from pathlib import Path
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from entry.bench.ui_journey import wait_for
from entry.bench.ui_monkey import kiosk_config
from ui.app import Gui

config = kiosk_config("http://127.0.0.1:9", Path(tempfile.mkdtemp()))  # no backend: none is asked for
gui = Gui(config, "kiosk", freeze_long_lived=True)
gui.window.show()
assert "pypinyin" not in sys.modules  # not imported at start: the first paint does not wait for it
wait_for(lambda: gc.get_freeze_count() > 0, "the warm-up, then the readings, then the freeze", 60)
frozen = gc.get_freeze_count()
from kiosk.search import ServiceIndex, syllable_readings
syllable_readings("个体工商户设立登记")  # as a catalogue's index reads its names
from ui import voice
audio = voice._multimedia.cache_info().currsize  # 1: loaded (cached) already
print("pypinyin", "pypinyin" in sys.modules, "frozen", frozen, "walked", len(gc.get_objects()),
      "engine", gui.window.voice._engine or "-", "audio", audio, "flag", gui.long_lived_frozen)
gui.close()
"""


def test_the_search_readings_and_the_audio_are_loaded_before_the_long_lived_objects_are_set_aside():
    result = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    words = result.stdout.split()
    said = dict(zip(words[::2], words[1::2]))
    assert said["pypinyin"] == "True" and said["flag"] == "True"
    assert said["engine"] == "espeak-ng" and said["audio"] == "1", result.stdout  # before anyone is at the kiosk
    assert int(said["frozen"]) > 250_000, result.stdout  # 76,407 when the readings came after the freeze
    assert int(said["walked"]) < 50_000, result.stdout  # 192,828 then


MAINTENANCE = r"""
import gc, os, tempfile
from pathlib import Path
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from entry.bench.maintenance_monkey import maintenance_config
from entry.bench.ui_journey import wait_for
from ui.app import Gui

gui = Gui(maintenance_config("http://127.0.0.1:9", Path(tempfile.mkdtemp())), "maintenance", freeze_long_lived=True)
gui.window.show()
wait_for(lambda: gui.long_lived_frozen, "the freeze", 60)
from ui import voice
print("engine", gui.window.view.status.voice._engine or "-", "audio", voice._multimedia.cache_info().currsize)
gui.close()
"""


def test_maintenance_loads_its_test_voice_s_audio_before_the_long_lived_objects_are_set_aside():
    """Left to the first "Test voice", loading it held the GUI thread 126 ms (kiosk bench maintenance-monkey)."""
    result = subprocess.run([sys.executable, "-c", MAINTENANCE], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    words = result.stdout.split()
    assert dict(zip(words[::2], words[1::2])) == {"engine": "espeak-ng", "audio": "1"}, result.stdout


WINDOW = r"""
import gc, os, tempfile
from pathlib import Path
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from entry.bench.ui_journey import wait_for
from entry.bench.window_monkey import window_config
from ui.app import Gui

gui = Gui(window_config("http://127.0.0.1:9", Path(tempfile.mkdtemp())), "window", freeze_long_lived=True)
gui.window.show()
wait_for(lambda: gui.long_lived_frozen, "the freeze", 60)
from reportlab.pdfbase import pdfmetrics
from kiosk import a4_layout
font = pdfmetrics.getFont(a4_layout.FONT)  # registered: a document's layout finds it, parses nothing
walked = len(gc.get_objects())
a4_layout.wrap("一次性告知书 One-time notice", 200, 12)
print("registered", a4_layout.FONT in pdfmetrics.getRegisteredFontNames(), "walked", walked,
      "after", len(gc.get_objects()), "same", pdfmetrics.getFont(a4_layout.FONT) is font)
gui.close()
"""


def test_the_window_parses_its_documents_font_before_the_long_lived_objects_are_set_aside():
    """Parsed by the first A4 document, the CJK font's 35,000 glyph lists were walked by every full collection after
    (3.8 ms more each on this machine; ``kiosk bench soak --terminal window``: 2,500 live objects, then 39,000)."""
    result = subprocess.run([sys.executable, "-c", WINDOW], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    words = result.stdout.split()
    said = dict(zip(words[::2], words[1::2]))
    assert said["registered"] == "True" and said["same"] == "True", result.stdout
    assert int(said["walked"]) < 20_000 and int(said["after"]) < 20_000, result.stdout
