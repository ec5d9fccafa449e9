"""A clerk who walks away from a signed-in window is warned, then signed out (ui/staff_idle.py); a touch
keeps them in; never while the desk works on a decision. Driven through the window's widgets against the
sandbox, the timers' second shortened (``StaffIdle.set_second_ms``)."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from common.i18n import set_language
from common.options import ConfigError
from kiosk.config import load_config
from kiosk.workflows.clerk import Desk

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def gui(open_gui):
    return open_gui("window", terminal={"window_idle_timeout_s": 30, "window_idle_warning_s": 20})


def signed_in_with_applicant(gui, qtbot):
    view = gui.window.view
    view.sign_in.staff_id.setText("XH0001")
    view.sign_in.password.setText("demo-XH0001")
    qtbot.mouseClick(view.sign_in.sign_in, LEFT)
    qtbot.waitUntil(lambda: view.desk.step is Desk.WAITING, timeout=5000)
    gui.services.devices.id_reader.place_card("resident")
    qtbot.waitUntil(lambda: view.desk.identity is not None, timeout=5000)
    screen = view.desk_screen
    screen.services.setCurrentIndex(screen.services.findData("GT-001"))
    screen._service_chosen(screen.services.currentIndex())
    assert view.desk.step is Desk.CHECKING
    return view


def test_an_idle_clerk_is_warned_then_signed_out_and_nothing_of_the_applicant_remains(gui, qtbot):
    view = signed_in_with_applicant(gui, qtbot)
    desk, idle, screen = view.desk, view.idle, view.desk_screen
    assert idle.idle.isActive() and idle.idle.interval() == 30_000
    identity = desk.identity
    screen.refusal.note.setText("旁注")
    idle.set_second_ms(10)
    idle.idle.start()
    qtbot.waitUntil(lambda: idle.warning.isVisible(), timeout=3000)
    assert "秒后退出登录" in idle.warning.message.text() and idle.warning.more.text() == "保持登录"
    qtbot.waitUntil(lambda: desk.step is Desk.SIGNED_OUT, timeout=5000)
    assert view.currentWidget() is view.sign_in and desk.staff is None and not idle.warning.isVisible()
    assert desk.identity is None and desk.service is None and identity.id_number == ""  # wiped
    assert screen.refusal.note.text() == "" and not idle.idle.isActive()
    gui.services.audit.flush()
    assert [e["action"] for e in gui.services.audit.recent][-2:] == ["applicant_done", "signed_out_idle"]


def test_the_warning_dismissed_by_a_touch_keeps_the_clerk_in(gui, qtbot):
    view = signed_in_with_applicant(gui, qtbot)
    desk, idle = view.desk, view.idle
    set_language("en")
    idle.set_second_ms(50)  # 1.5 s of idle, then a 1 s countdown
    idle.idle.start()
    qtbot.waitUntil(lambda: idle.warning.isVisible(), timeout=5000)
    assert "You will be signed out in" in idle.warning.message.text() and idle.warning.more.text() == "Stay signed in"
    qtbot.mouseClick(idle.warning.more, LEFT)  # the band's button
    assert not idle.warning.isVisible() and idle.idle.isActive()
    qtbot.waitUntil(lambda: idle.warning.isVisible(), timeout=5000)
    # a touch anywhere on the window (it reaches the window system's window first)
    QTest.mouseClick(gui.window.windowHandle(), LEFT, Qt.KeyboardModifier.NoModifier, QPoint(5, 5))
    assert not idle.warning.isVisible() and idle.idle.isActive()
    idle.idle.stop()
    assert desk.step is Desk.CHECKING and desk.staff is not None and desk.identity is not None


def test_not_while_a_decision_is_in_flight(gui, qtbot):
    view = signed_in_with_applicant(gui, qtbot)
    desk, idle = view.desk, view.idle
    idle.set_second_ms(10)
    idle.idle.start()
    qtbot.waitUntil(lambda: idle.warning.isVisible(), timeout=3000)
    desk.busy = True  # a decision went out meanwhile (the desk is WORKING)
    qtbot.waitUntil(lambda: not idle.warning.isVisible(), timeout=5000)
    assert desk.staff is not None and desk.step is Desk.CHECKING  # waited
    desk._go(Desk.WORKING)
    assert not idle.idle.isActive()  # the timer stands still while the desk works
    desk._go(Desk.CHECKING)  # the decision came back: the whole idle time again, then the sign-out
    assert idle.idle.isActive()
    qtbot.waitUntil(lambda: desk.step is Desk.SIGNED_OUT, timeout=5000)


@pytest.mark.parametrize("value, says", [
    ("-5", "is below the minimum 30"),
    ("nan", "nan is not a number"),
    ("soon", "expected a number"),
])
def test_a_wrong_idle_time_is_refused_with_its_key_named(value, says):
    with pytest.raises(ConfigError, match=r"\[terminal\] window_idle_timeout_s: .*" + says.split()[0]):
        load_config(environ={"KIOSK_TERMINAL__WINDOW_IDLE_TIMEOUT_S": value})
    assert load_config(environ={}).terminal.window_idle_timeout_s == 300.0  # the default
