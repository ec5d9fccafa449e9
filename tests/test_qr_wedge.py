"""Keyboard-wedge scanners: a fast burst ended by Enter is a scan; a person's typing is not."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from ui.wedge import WedgeFilter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.step = 0.0

    def __call__(self) -> float:
        self.now += self.step
        return self.now


@pytest.fixture
def setup(qtbot):
    clock = Clock()
    edit = QLineEdit()
    qtbot.addWidget(edit)
    wedge = WedgeFilter(edit, clock=clock)
    edit.installEventFilter(wedge)
    return edit, wedge, clock


def type_keys(qtbot, widget, clock, keys: str, gap_s: float) -> None:
    """Type ``keys`` ``gap_s`` apart, after a pause."""
    clock.now += 1.0
    clock.step = gap_s
    qtbot.keyClicks(widget, keys)


def test_a_scanner_burst_ended_by_enter_is_a_scan(qtbot, setup):
    edit, wedge, clock = setup
    with qtbot.waitSignal(wedge.scanned, timeout=1000) as blocker:
        type_keys(qtbot, edit, clock, "OTR1:SQ2026112700042", 0.008)
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert blocker.args == ["OTR1:SQ2026112700042"]


def test_a_person_typing_is_not_a_scan(qtbot, setup):
    edit, wedge, clock = setup
    with qtbot.assertNotEmitted(wedge.scanned):
        type_keys(qtbot, edit, clock, "OTR1:SQ2026112700042", 0.15)
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert edit.text() == "OTR1:SQ2026112700042"  # the keys reached the field


def test_typing_then_a_scan_reports_only_the_scan(qtbot, setup):
    edit, wedge, clock = setup
    with qtbot.waitSignal(wedge.scanned, timeout=1000) as blocker:
        type_keys(qtbot, edit, clock, "hello", 0.2)
        type_keys(qtbot, edit, clock, "ZLBID1:ZLB-Q5M2K7XP", 0.005)
        qtbot.keyClick(edit, Qt.Key.Key_Enter)
    assert blocker.args == ["ZLBID1:ZLB-Q5M2K7XP"]


def test_a_short_fast_burst_is_not_a_scan(qtbot, setup):
    edit, wedge, clock = setup
    with qtbot.assertNotEmitted(wedge.scanned):
        type_keys(qtbot, edit, clock, "ok", 0.005)
        qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_swallow_keeps_the_scan_out_of_the_focused_field(qtbot):
    clock = Clock()
    edit = QLineEdit()
    qtbot.addWidget(edit)
    wedge = WedgeFilter(edit, clock=clock, swallow=True)
    edit.installEventFilter(wedge)
    with qtbot.waitSignal(wedge.scanned, timeout=1000) as blocker:
        type_keys(qtbot, edit, clock, "OTP1:PO1:10.00", 0.01)
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert blocker.args == ["OTP1:PO1:10.00"]
    assert edit.text() == "O"  # only the burst's first key, before it could be known, got through
