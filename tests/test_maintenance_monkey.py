"""A seeded monkey on maintenance (``kiosk bench maintenance-monkey``, entry/bench/maintenance_monkey.py), a few seeds
a short way.

Each seed taps, types, signs in (the maintenance staff member, a clerk without the role, a wrong password), enters
the break-glass PIN (right and wrong), puts simulated devices and the backend at fault and sets them right, lays
cards, shows codes and walks away; after every step no exception may have reached the excepthooks, the window keeps its size and shows
the page its lock state allows, nothing on it reads as a traceback or untranslated, every action staff took is in the
audit trail under them and the trail verifies, no password or PIN typed is on a screen, in the trail or the log's end,
and a sign-out leaves no field filled in. The bench runs many seeds longer; a failure there names its seed and its
trail, and its fix gets a test of its own (tests/test_maintenance_ui.py).
"""

import pytest

from entry.bench.maintenance_monkey import MaintenanceMonkey

STEPS = 150


@pytest.mark.parametrize("seed", [2, 6])  # both fail without the fixes of the bench's first run (a refusal's notice)
def test_a_seeded_monkey_at_maintenance_breaks_nothing(open_gui, terminal_log, seed):
    gui = open_gui("maintenance", terminal={"pin_lockout_s": 10},
                   devices={"id_reader": {"type": "sim", "pace": False}})
    from kiosk.logging_setup import log_dir

    terminal_log(log_dir(gui.services.config.data_dir))
    monkey = MaintenanceMonkey(gui, seed, wait_s=20.0)
    monkey.whole_words = True  # no hint or button's words cut short on any screen it reaches
    tally = monkey.run(STEPS)
    assert tally.steps == STEPS
    assert tally.sessions_ended > 0 and tally.by_action.get("sign_in", 0) > 0  # unlocked, and locked again
    assert tally.by_action.get("device", 0) > 0 and tally.by_action.get("backend", 0) > 0
    assert "StatusScreen" in tally.screens
