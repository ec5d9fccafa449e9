"""The benches' and the demo's wait (entry/bench/ui_journey.py): a condition seen to hold is reached, even
when the events the loop runs before it stops undo it; a condition never met times out."""

import pytest
from PySide6.QtCore import QTimer

from entry.bench.ui_journey import wait_for


def test_a_condition_seen_to_hold_is_reached_though_it_is_undone_before_the_loop_stops(qtbot):
    state = {"busy": True}
    QTimer.singleShot(30, lambda: state.update(busy=False))  # the page is taken: not busy
    answers = []

    def not_busy() -> bool:
        answers.append(not state["busy"])
        if answers[-1]:
            state["busy"] = True  # the auto-capture starts the next one at once
        return answers[-1]

    wait_for(not_busy, "the session no longer busy", timeout_s=5)
    assert answers[0] is False and True in answers


def test_a_condition_never_met_times_out_naming_what_was_awaited(qtbot):
    with pytest.raises(TimeoutError, match="the reader to report"):
        wait_for(lambda: False, "the reader to report", timeout_s=0.05)
