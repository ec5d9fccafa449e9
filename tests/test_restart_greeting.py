"""A kiosk that kiosk supervise has just started again says so at home, so whoever was halfway through knows to
start again; the message goes as home's messages go. ``kiosk run`` decides it from the restart record."""

from __future__ import annotations

from kiosk.restarts import JUST_S, Reason, Restart, just_restarted
from kiosk.workflows.citizen import Step

NOW = 1_796_000_000.0


def test_a_restart_counts_as_just_now_for_two_minutes():
    last = [Restart(NOW - 30, Reason.CRASHED, "ended by SIGSEGV", 400.0)]
    assert just_restarted(last, NOW)
    assert not just_restarted(last, NOW + JUST_S)
    assert not just_restarted([], NOW)
    assert not just_restarted(last, NOW - 3600)  # a clock set back: not "just now"


def test_a_restart_made_while_nobody_used_the_terminal_is_not_told_to_the_next_citizen():
    for reason in (Reason.MEMORY, Reason.DEVICE):
        assert not just_restarted([Restart(NOW - 30, reason, "planned", 4000.0)], NOW)


def test_home_says_the_terminal_restarted_then_the_message_goes(qapp, qtbot, sandbox, make_config):
    from ui.app import Gui

    gui = Gui(make_config(sandbox.url), "kiosk", restarted=True)
    try:
        gui.window.resize(1280, 800)
        gui.window.show()
        qtbot.waitUntil(lambda: gui.started)
        view, home, session = gui.window.view, gui.window.view.home, gui.window.session
        qtbot.waitUntil(lambda: "本机刚刚重新启动" in home.notice.text(), timeout=5000)
        assert session.step is Step.HOME and not session.notice.error
        view.set_second_ms(5)  # home_notice_s (60 "seconds") of 5 ms
        view.home_notice.start()
        qtbot.waitUntil(lambda: session.notice is None, timeout=5000)
        assert home.notice.isHidden()
    finally:
        gui.close()


def test_a_terminal_not_restarted_says_nothing_at_home(open_gui, qtbot):
    gui = open_gui("kiosk")
    assert gui.window.session.notice is None and gui.window.view.home.notice.isHidden()
