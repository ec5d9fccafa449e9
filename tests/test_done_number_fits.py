"""The number on the last screen is read and noted down whole: one that does not fit one line in the big type (an
offline receipt's provisional number, 34 characters) is set in the title's type on one line (ui/screens/citizen.py,
``DoneScreen._fit_number``). Offscreen, through the widgets, against the sandbox with its line cut at confirm."""

from PySide6.QtGui import QFontMetrics

from entry import walkthrough as walk
from entry.outage import outage_for
from kiosk.workflows.citizen import Step
from ui.legibility import measure


class AtDone:
    """A camera for the walkthrough that notes the done screen as it is shown, before "Finish" is tapped."""

    def __init__(self, elderly: bool) -> None:
        self.elderly, self.seen = elderly, {}

    def shot(self, gui, name: str) -> None:
        if not name.startswith("done"):
            return
        walk.settle()
        number = gui.window.view.screens[Step.DONE].number
        self.seen[name] = {
            "number": number.text(), "long": bool(number.property("long")), "px": number.font().pixelSize(),
            "one line": number.height() < 2 * QFontMetrics(number.font()).lineSpacing(),
            "caption": gui.window.view.screens[Step.DONE].caption.isVisible(),
            "problems": [str(p) for p in measure(gui.window, gui.window.display, self.elderly)],
            "window": (gui.window.width(), gui.window.height())}


def _offline(gui, sandbox, camera: AtDone) -> walk.Journey:
    outage = outage_for(sandbox.url)
    try:
        journey = walk.citizen_journey(gui, "GT-001", camera, "-offline", before_confirm=outage.begin)
    finally:
        outage.end()
    assert journey.provisional, journey.number
    return journey


def test_an_offline_number_on_an_old_4_3_kiosk_in_large_english_stays_on_one_line(open_gui, sandbox):
    """Before: "P-ZJ-HZ-T001-20261207-GH / 41-00001-V", broken inside its code, and with the offline notice the screen
    needed 26 px more than 768 (kiosk bench ui-monkey --screen 1024x768 --whole-words, seed 892)."""
    gui = open_gui("kiosk")
    walk.show(gui, 1024, 768)
    walk.toggle_large_text(gui)
    walk.switch_language(gui)
    camera = AtDone(True)
    journey = _offline(gui, sandbox, camera)
    done = camera.seen["done-offline"]
    assert done["number"] == journey.number and done["long"] and done["one line"], done
    assert done["problems"] == [], done  # nothing cut; the title still a 30 pt headline
    assert done["window"] == (1024, 768) and done["caption"], done  # "Your provisional number": room for it again


def test_a_number_that_fits_keeps_the_big_type(open_gui, sandbox):
    """A case number (15 characters), and the provisional one on the design's 1280 x 800 in standard text."""
    gui = open_gui("kiosk")
    walk.show(gui, 1280, 800)
    camera = AtDone(False)
    walk.citizen_journey(gui, "GT-001", camera, "")
    _offline(gui, sandbox, camera)
    online, offline = camera.seen["done"], camera.seen["done-offline"]
    assert len(offline["number"]) > 30 and len(online["number"]) < 20, (online, offline)
    for done in (online, offline):
        assert not done["long"] and done["one line"] and done["px"] == online["px"], done
