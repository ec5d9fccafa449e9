"""Maintenance's screens measured as hall staff see them (ui/legibility.py): sign-in, the devices after the
self-tests, and the network, log and configuration page; Chinese in standard text and English in large, walked
through the widgets as the demo walks them. The staff's screens, like the clerk's desk, have no 30 pt headline."""

import pytest

from common.i18n import language as current_language
from entry import walkthrough as walk
from entry.demo import MAINTENANCE_ID, MAINTENANCE_PASSWORD
from ui.legibility import measure


class StaffRuler:
    def __init__(self, elderly: bool) -> None:
        self.elderly = elderly
        self.screens: dict[str, list[str]] = {}

    def shot(self, gui, name: str) -> None:
        walk.settle()
        self.screens[name] = [str(p) for p in measure(gui.window, gui.window.display, self.elderly, headline=False)]


@pytest.mark.parametrize("language, elderly", [("zh_CN", False), ("en", True)])
def test_every_maintenance_screen_meets_the_numbers(open_gui, language, elderly):
    gui = open_gui("maintenance")
    if current_language() != language:
        gui.window.toggle_language()
    if gui.window.elderly != elderly:
        gui.window.toggle_elderly()
    ruler = StaffRuler(elderly)
    walk.maintenance_sign_in(gui, MAINTENANCE_ID, MAINTENANCE_PASSWORD, ruler)
    walk.maintenance_self_test(gui, ruler)
    walk.maintenance_diagnostics(gui, ruler)
    assert sorted(ruler.screens) == ["maintenance-devices", "maintenance-network-log-configuration",
                                     "maintenance-sign-in"]
    failing = [f"{name}: {problem}" for name, problems in ruler.screens.items() for problem in problems]
    assert not failing, "\n".join(failing)
