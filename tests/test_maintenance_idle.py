"""Hall staff who walk away from maintenance are warned, then signed out (ui/staff_idle.py, the window's code): a
kiosk left unlocked showed its log, its queue and the hall's terminals to whoever came next. Driven through the
widgets against the sandbox, the timers' second shortened (``StaffIdle.set_second_ms``)."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from common.i18n import set_language
from common.options import ConfigError
from kiosk.config import load_config
from tests.maintenance_steps import enter_pin, signed_in

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def gui(open_gui):
    return open_gui("maintenance", terminal={"maintenance_idle_timeout_s": 40, "maintenance_idle_warning_s": 20})


def test_idle_staff_are_warned_then_signed_out_from_the_diagnostics_page_too(gui, qtbot):
    view = gui.window.view
    idle = view.idle
    assert not idle.idle.isActive()  # nobody signed in: nothing to time
    signed_in(view, qtbot)
    assert idle.idle.isActive() and idle.idle.interval() == 40_000
    qtbot.mouseClick(view.status.more, LEFT)
    assert view.currentWidget() is view.diagnostics
    idle.set_second_ms(10)
    idle.idle.start()
    qtbot.waitUntil(lambda: idle.warning.isVisible(), timeout=3000)
    assert "秒后退出登录" in idle.warning.message.text() and idle.warning.more.text() == "保持登录"
    qtbot.waitUntil(lambda: not view.access.unlocked, timeout=5000)
    assert view.currentWidget() is view.sign_in and view.sign_in.staff_id.text() == ""
    assert not idle.warning.isVisible() and not idle.idle.isActive()
    gui.services.audit.flush()
    last = gui.services.audit.recent[-1]
    assert (last["actor"], last["action"]) == ("XH0004", "signed_out_idle")


def test_a_touch_during_the_warning_keeps_staff_in(gui, qtbot):
    view = gui.window.view
    idle = view.idle
    set_language("en")
    signed_in(view, qtbot)
    idle.set_second_ms(50)  # 2 s of idle, then a 1 s countdown
    idle.idle.start()
    qtbot.waitUntil(lambda: idle.warning.isVisible(), timeout=5000)
    assert "You will be signed out in" in idle.warning.message.text()
    QTest.mouseClick(gui.window.windowHandle(), LEFT, Qt.KeyboardModifier.NoModifier, QPoint(5, 5))
    assert not idle.warning.isVisible() and idle.idle.isActive()
    idle.idle.stop()
    assert view.access.unlocked and view.currentWidget() is view.status


def test_the_break_glass_pin_is_timed_too_and_a_sign_in_under_way_is_not_cut(gui, qtbot):
    view = gui.window.view
    idle = view.idle
    enter_pin(view, qtbot, "246810")  # the demo configuration's PIN
    assert view.access.actor == "break-glass" and idle.idle.isActive()
    view.access.busy = True  # as while a sign-in's answer is awaited
    assert view.access.sign_out_idle() is False and view.access.unlocked
    view.access.busy = False
    idle.set_second_ms(10)
    idle.idle.start()
    qtbot.waitUntil(lambda: not view.access.unlocked, timeout=5000)
    gui.services.audit.flush()
    assert [(e["actor"], e["action"]) for e in gui.services.audit.recent][-1] == ("break-glass", "signed_out_idle")


@pytest.mark.parametrize("value, says", [("10", "is below the minimum 30"), ("nan", "nan is not a number")])
def test_a_wrong_idle_time_is_refused_with_its_key_named(value, says):
    with pytest.raises(ConfigError, match=r"\[terminal\] maintenance_idle_timeout_s: .*" + says.split()[0]):
        load_config(environ={"KIOSK_TERMINAL__MAINTENANCE_IDLE_TIMEOUT_S": value})
    assert load_config(environ={}).terminal.maintenance_idle_timeout_s == 180.0
