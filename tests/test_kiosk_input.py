"""Input as the hardware delivers it: through the window system's window (QTest on the QWindow, the
way a touch screen, a keyboard or a keyboard-wedge scanner reaches Qt), not sent to a widget.

The kiosk watches that input with one filter on its window (ui/kiosk_view.py ActivityFilter): a
scanner's burst is read once, character for character, and a tap restarts the idle timer."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from kiosk.workflows.citizen import Step
from tests.citizen_steps import place_card_and_agree

CODE = "ZLBID1:ZLB-Q5M2K7XP"  # the government app's identity code, as the sandbox issues them


def scan_through_the_window(window, text: str) -> None:
    """A wedge scanner: each character a key press milliseconds after the last, then Enter."""
    handle = window.windowHandle()
    for char in text:
        shift = Qt.KeyboardModifier.ShiftModifier if char.isupper() else Qt.KeyboardModifier.NoModifier
        QTest.keyClick(handle, ord(char.upper()), shift)
    QTest.keyClick(handle, Qt.Key.Key_Return)


def test_a_wedge_scan_at_home_is_read_once_character_for_character(open_gui, qtbot):
    gui = open_gui("kiosk")
    view, session = gui.window.view, gui.window.session
    assert session.step is Step.HOME
    with qtbot.waitSignal(view.wedge.scanned, timeout=3000) as scanned:
        scan_through_the_window(gui.window, CODE)
    assert scanned.args == [CODE]  # on the application, the filter saw each key twice: "ZZLBID1..."
    qtbot.waitUntil(lambda: session.step is Step.CONSENT, timeout=5000)  # the app's code starts an application


def in_a_session(open_gui, qtbot):
    """A citizen identified, the idle timer running; the enrolment's remote configuration applied first."""
    gui = open_gui("kiosk")
    qtbot.waitUntil(lambda: gui.window.view.idle.interval() == 90_000, timeout=10000)  # the sandbox's 90 s
    place_card_and_agree(gui, qtbot)
    return gui


def test_a_tap_anywhere_on_the_window_restarts_the_idle_timer(open_gui, qtbot):
    gui = in_a_session(open_gui, qtbot)
    idle = gui.window.view.idle
    idle.start(2000)
    qtbot.waitUntil(lambda: 0 <= idle.remainingTime() <= 1700, timeout=5000)
    QTest.mouseClick(gui.window.windowHandle(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(gui.window.width() // 2, gui.window.height() // 2))
    assert idle.isActive() and idle.remainingTime() > 1700


def test_the_filter_leaves_the_window_when_the_terminal_shuts_down(open_gui, qtbot):
    gui = in_a_session(open_gui, qtbot)
    idle, handle = gui.window.view.idle, gui.window.windowHandle()
    gui.window.shutdown()
    idle.start(2000)
    qtbot.waitUntil(lambda: 0 <= idle.remainingTime() <= 1700, timeout=5000)
    QTest.mouseClick(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(10, 10))
    assert idle.remainingTime() <= 1700  # nothing of the closed session is still listening
