"""Maintenance's screens measured as hall staff see them (ui/legibility.py): sign-in, the devices after the
self-tests, and the network, log and configuration page; Chinese in standard text and English in large, walked
through the widgets as the demo walks them. The staff's screens, like the clerk's desk, have no 30 pt headline."""

import pytest

from entry import walkthrough as walk
from entry.demo import MAINTENANCE_ID, MAINTENANCE_PASSWORD
from tests.test_window_legibility import WindowRuler  # the staff's screens measured as the clerk's


@pytest.mark.parametrize("language, elderly", [("zh_CN", False), ("en", True)])
def test_every_maintenance_screen_meets_the_numbers(open_gui, language, elderly):
    gui = open_gui("maintenance")
    ruler = WindowRuler.on(gui, language, elderly)
    walk.maintenance_sign_in(gui, MAINTENANCE_ID, MAINTENANCE_PASSWORD, ruler)
    walk.maintenance_self_test(gui, ruler)
    walk.maintenance_diagnostics(gui, ruler)
    assert sorted(ruler.screens) == ["maintenance-devices", "maintenance-network-log-configuration",
                                     "maintenance-sign-in"]
    failing = [f"{name}: {problem}" for name, problems in ruler.screens.items() for problem in problems]
    assert not failing, "\n".join(failing)
