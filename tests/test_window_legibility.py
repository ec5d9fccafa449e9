"""The clerk's window and the applicant's screen facing them, measured as they are seen (ui/legibility.py): type size,
touch targets, contrast, line spacing and whole words, at each step of the demo's window matters (a notice, a refusal,
an acceptance, a copy printed again), walked through the widgets; Chinese in standard text and English in large, as
the kiosk's screens are (tests/test_legibility.py). A failure names the step and the widget."""

import uuid

import pytest

from common.i18n import language as current_language
from entry import walkthrough as walk
from entry.demo import (ACCEPTED_MATERIALS, ACCEPTED_SERVICE, CLERK_MATERIALS, CLERK_SERVICE, REFUSAL_REASON,
                        REFUSED_SERVICE, STAFF_ID, STAFF_PASSWORD, WINDOW_NUMBER)
from ui.legibility import measure
from ui.widgets import ComboBox


class WindowRuler:
    """A camera for the walkthrough that measures the clerk's window, or the applicant's screen, at each shot. Large
    text at the window asks no 30 pt headline of the desk (a clerk's station of many rows, not a kiosk's screen); the
    applicant's screen is measured as a kiosk's."""

    def __init__(self, gui, elderly: bool) -> None:
        self.gui, self.elderly = gui, elderly
        self.screens: dict[str, list[str]] = {}

    @classmethod
    def on(cls, gui, language: str, elderly: bool) -> "WindowRuler":
        """A ruler for ``gui`` once it shows ``language`` in large text or not, as its user picks them."""
        if current_language() != language:
            gui.window.toggle_language()
        if gui.window.elderly != elderly:
            gui.window.toggle_elderly()
        return cls(gui, elderly)

    def shot(self, gui, name: str) -> None:
        walk.settle()
        self.screens[name] = [str(p) for p in measure(gui.window, gui.window.display, self.elderly, headline=False)]

    def shot_of(self, window, name: str) -> None:
        walk.settle()
        self.screens[name] = [str(p) for p in measure(window, self.gui.window.display, self.elderly)]


@pytest.mark.parametrize("language, elderly", [("zh_CN", False), ("en", True)])
def test_every_step_of_the_window_meets_the_numbers(open_gui, language, elderly):
    gui = open_gui("window", terminal={"customer_screen": "on", "window_number": WINDOW_NUMBER})
    ruler = WindowRuler.on(gui, language, elderly)
    walk.clerk_sign_in(gui, STAFF_ID, STAFF_PASSWORD, ruler)
    gui.services.backend.take_queue_ticket(service_code=CLERK_SERVICE, idempotency_key=uuid.uuid4().hex)
    walk.clerk_call_ticket(gui, ruler)
    walk.clerk_check_materials(gui, CLERK_SERVICE, (), ruler, scanned=CLERK_MATERIALS)
    walk.clerk_fill_form(gui, ruler, leave=("phone",))
    notice = walk.clerk_issue_notice(gui, ruler)
    walk.clerk_applicant_rates(gui, 4, ruler)
    walk.clerk_next_applicant(gui)
    walk.clerk_check_materials(gui, REFUSED_SERVICE, (), ruler)
    refused = walk.clerk_refuse(gui, REFUSAL_REASON, camera=ruler)
    walk.clerk_next_applicant(gui)
    walk.clerk_check_materials(gui, ACCEPTED_SERVICE, (), ruler, scanned=ACCEPTED_MATERIALS)
    walk.clerk_fill_form(gui, ruler)
    assert walk.clerk_accept(gui, ruler) and notice and refused
    walk.clerk_next_applicant(gui)
    walk.clerk_print_copy(gui, refused, ruler)
    assert len(ruler.screens) >= 12 and "window-customer-rating" in ruler.screens, sorted(ruler.screens)
    failing = [f"{name}: {problem}" for name, problems in ruler.screens.items() for problem in problems]
    assert not failing, "\n".join(failing)


def test_a_list_box_s_choice_too_long_for_it_ends_in_an_ellipsis(qtbot):
    """Qt clips a list box's choice at its edge without a sign ("Reason for not a"); ui.widgets.ComboBox cuts it to
    end in "…", and draws it whole when there is room."""
    box = ComboBox()
    qtbot.addWidget(box)
    box.addItem("Not within this hall's remit")
    box.resize(120, 44)
    box.show()
    short = box.shown()
    assert short.endswith("…") and short[:-1] and "Not within this hall's remit".startswith(short[:-1])
    box.grab()  # painted with it
    box.resize(600, 44)
    assert box.shown() == "Not within this hall's remit"
