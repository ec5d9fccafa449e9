"""When nobody uses the terminal (``Gui.nobody_using``, said with each sign of life to ``kiosk supervise``, which starts a
terminal grown too large in memory afresh only then): the kiosk at home, the window's clerk and maintenance's staff
signed out. And the bound itself, checked like every setting."""

import pytest

from common.options import ConfigError
from kiosk.config import load_config
from tests.maintenance_steps import signed_in


def test_the_kiosk_is_unused_at_home_only(open_gui, qtbot):
    gui = open_gui("kiosk")
    session = gui.window.session
    assert gui.nobody_using()
    gui.services.devices.id_reader.place_card("resident")
    qtbot.waitUntil(lambda: not session.at_home, timeout=10000)
    assert not gui.nobody_using()
    session.end("finish")
    assert gui.nobody_using()


def test_the_window_is_unused_while_no_clerk_is_signed_in(open_gui, qtbot):
    gui = open_gui("window")
    view = gui.window.view
    assert gui.nobody_using()
    view.sign_in.staff_id.setText("XH0001")
    view.sign_in.password.setText("demo-XH0001")
    view.sign_in.submit()
    qtbot.waitUntil(lambda: view.desk.signed_in, timeout=10000)
    assert not gui.nobody_using()


def test_maintenance_is_unused_while_locked(open_gui, qtbot):
    gui = open_gui("maintenance")
    assert gui.nobody_using()
    signed_in(gui.window.view, qtbot)
    assert not gui.nobody_using()


@pytest.mark.parametrize("value, says", [("100", "100 is below the minimum 500"),
                                         ("nan", "expected a whole number, got 'nan'"),
                                         ("lots", "expected a whole number, got 'lots'")])
def test_the_memory_bound_is_checked(value, says):
    with pytest.raises(ConfigError, match=r"\[supervisor\] max_resident_mb: " + says):
        load_config(environ={"KIOSK_SUPERVISOR__MAX_RESIDENT_MB": value})
    assert load_config(environ={}).supervisor.max_resident_mb == 1500
