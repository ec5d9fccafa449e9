"""Qt's offscreen platform (no display: the headless demo, the benches, the tests) with two monitors, as a window
terminal has: the primary one, 800 x 800 as offscreen's own, and a 1280 x 800 one beside it for the applicant's
screen (ui/customer_screen.py). A kiosk uses the first only. Qt orders offscreen's screens by name, and the first is
the primary: "clerk" before "customer"."""

from __future__ import annotations

import os
from pathlib import Path

SCREENS = Path(__file__).with_name("offscreen-screens.json")
PLATFORM = f"offscreen:configfile={SCREENS}"


def use_offscreen() -> None:
    """Offscreen with two monitors, unless a platform is chosen already."""
    os.environ.setdefault("QT_QPA_PLATFORM", PLATFORM)
