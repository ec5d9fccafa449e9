"""A seeded monkey on the clerk's window (``kiosk bench window-monkey``, entry/bench/window_monkey.py), a few
seeds a short way.

Each seed signs the clerk in, then taps, chooses services, ticks and scans materials (now and then all of them,
then accepts), types, lays cards, shows codes and upsets the receipt printer for 80 steps (most of the time goes
waiting half a second for a lifted card to be seen gone); after every step no exception may have reached the
excepthooks, the window keeps its size and shows the desk's screen, nothing on it reads as a traceback or
untranslated, the audit chain verifies, and each applicant's matter that ended left nothing of them at the desk or in
any widget. The bench runs many seeds; a failure there names its seed and its trail, and its fix gets a test of its
own.
"""

import pytest

from entry.bench.window_monkey import WindowMonkey

STEPS = 80


def test_seeded_monkeys_at_the_window_break_nothing(open_gui):
    """Seeds 4 and 10 failed without the fixes of the monkey's first faults; 9 scans and accepts most. What a seed
    reaches in 80 steps varies with the timing of the run (seed 3 scanned once in one order of the tests and never
    alone; seed 4 accepted nothing in one CI run, its receipt printer left out of paper), so how deep they got is
    asked of the three together; that nothing broke, of each (the monkey's own checks after every step)."""
    reached: dict[str, int] = {}
    for seed in (4, 9, 10):
        gui = open_gui("window", devices={"id_reader": {"type": "sim", "pace": False}})
        monkey = WindowMonkey(gui, seed, wait_s=20.0, upsets=False)
        monkey.whole_words = True  # no hint, choice or button's words cut short in any state it reaches
        tally = monkey.run(STEPS)
        assert tally.steps == STEPS and tally.sessions_ended > 0, seed
        for action in ("material", "scan", "accepted"):
            reached[action] = reached.get(action, 0) + tally.by_action.get(action, 0)
        gui.close()
    # matters got deep, materials were scanned, and matters accepted (WindowMonkey.knows)
    assert reached["material"] > 0 and reached["scan"] > 0 and reached["accepted"] > 0, reached


def test_a_seeded_monkey_with_the_backend_and_devices_upset_breaks_nothing_and_holds_no_wait(open_gui):
    """The bench's steps: the sandbox down, erring, slow past the read timeout, dropping the line, losing replies,
    unsigned or forged; a receipt printer that never answers or is slow; a document camera that hangs. No step may
    hold the GUI thread past the monkey's limit (1 s) without turning its event loop."""
    reached: dict[str, int] = {}
    for seed in (4, 7):  # over two seeds: one seed's path moves whenever a step is added (the copy's moved seed 4's)
        gui = open_gui("window", devices={"id_reader": {"type": "sim", "pace": False}})
        tally = WindowMonkey(gui, seed, wait_s=20.0).run(STEPS)
        assert tally.steps == STEPS and tally.longest_hold_s < 1.0, seed
        for action in ("backend", "material", "scan"):
            reached[action] = reached.get(action, 0) + tally.by_action.get(action, 0)
        gui.close()
    assert reached["backend"] > 0 and reached["material"] > 0 and reached["scan"] > 0, reached


def test_the_monkey_calls_queue_tickets_at_a_window_with_a_number(open_gui):
    gui = open_gui("window", terminal={"window_number": 3}, devices={"id_reader": {"type": "sim", "pace": False}})
    tally = WindowMonkey(gui, 5, wait_s=20.0, upsets=False).run(STEPS)
    assert tally.steps == STEPS
    assert tally.by_action.get("dispense", 0) > 0 and tally.by_action.get("ticket_called", 0) > 0


def test_the_applicant_steps_on_their_own_screen_and_it_holds_nothing_of_them_after(open_gui):
    """With the customer screen the applicant answers on it between the clerk's steps; the checks then cover that
    screen too (its size, its texts, nothing of an applicant left in it when their matter ends)."""
    gui = open_gui("window", terminal={"window_number": 3, "customer_screen": "on"},
                   devices={"id_reader": {"type": "sim", "pace": False}})
    monkey = WindowMonkey(gui, 4, wait_s=20.0, upsets=False)
    assert monkey.customer is gui.window.view.customer is not None
    tally = monkey.run(STEPS)
    assert tally.steps == STEPS and tally.sessions_ended > 0
    assert tally.by_action.get("applicant", 0) > 0


def test_the_applicants_monitor_unplugged_and_back_at_random_breaks_nothing(open_gui):
    """``--monitor-unplugged``: the applicant's screen hidden without its monitor, the desk working without it past
    the grace (ui/customer_screen.py), and back; the monkey's checks after every step hold (the window's size found
    the line of devices not working too tall for the desk's left column: seed 869 of the bench)."""
    unplugged = 0
    for seed in (4, 9):
        gui = open_gui("window", terminal={"window_number": 3, "customer_screen": "on"},
                       devices={"id_reader": {"type": "sim", "pace": False}})
        monkey = WindowMonkey(gui, seed, wait_s=20.0, upsets=False)
        monkey.monitor_unplugged = True
        tally = monkey.run(STEPS)
        assert tally.steps == STEPS and tally.sessions_ended > 0, seed
        unplugged += tally.by_action.get("applicant's monitor", 0)
        gui.close()
    assert unplugged > 0


def test_a_monkey_with_the_hall_changing_services_under_the_window_breaks_nothing(open_gui, sandbox):
    """``--catalogue-changes``: the hall drops or adds a material, or adds a field, to the service in hand (or
    another) between the clerk's steps, and puts services back (sandbox/catalogue_changes.py). The deterministic
    cases are tests/test_materials_changed.py; here the monkey's checks after every step hold while the changes come
    at random (seeds 8 and 12 met one at an Accept in 120 steps in one run: when is timing's)."""
    changes = 0
    for seed in (8, 12):
        gui = open_gui("window", devices={"id_reader": {"type": "sim", "pace": False}})
        monkey = WindowMonkey(gui, seed, wait_s=20.0, upsets=False)
        monkey.catalogue_changes = True
        tally = monkey.run(120)
        assert tally.steps == 120 and tally.sessions_ended > 0, seed
        changes += tally.by_action.get("catalogue", 0)
        gui.close()
        sandbox.catalogue_changes.restore_all()
    assert changes > 0
