"""The meter on the GUI thread (entry/bench/gui_stall.py ``StallMeter``: ``kiosk bench ui``'s stall, the monkeys'
limit on a step): a step that holds the thread without turning its event loop is measured and caught with what held
it; a step that waits while the loop turns (as the terminal waits on its task pool) is not; the measurer's own
waiting set aside is not counted."""

import time

import pytest
from PySide6.QtCore import QEventLoop, QTimer

from entry.bench.gui_stall import StallMeter


def wait_turning(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def held_on_the_gui_thread(seconds: float) -> None:
    time.sleep(seconds)  # as a device, a disk or the network waited on from a slot would


@pytest.fixture
def watch(qapp):
    meter = StallMeter(10, catch_after_s=0.2)
    yield meter
    meter.close()


def test_a_hold_is_measured_and_caught_with_what_held_it(watch):
    watch.begin_step()
    wait_turning(0.05)
    held_on_the_gui_thread(0.4)
    wait_turning(0.05)
    held = watch.end_step()
    assert 350 <= held < 1000 and watch.worst_ms == held
    assert "held_on_the_gui_thread" in watch.stack


def test_waiting_while_the_event_loop_turns_is_no_hold(watch):
    watch.begin_step()
    wait_turning(0.5)
    assert watch.end_step() < 100 and watch.stack is None


def test_the_monkeys_own_waiting_set_aside_is_not_counted(watch):
    watch.begin_step()
    with watch.aside():
        time.sleep(0.4)  # the sandbox's control switch, the hall's ticket dispenser
    wait_turning(0.05)
    assert watch.end_step() < 100 and watch.stack is None
