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


def test_the_window_s_sign_in_says_the_matter_in_hand_was_not_kept_and_the_trail_says_after_a_restart(
        qapp, qtbot, sandbox, make_config):
    """A window started again after a crash: the clerk halfway through a matter finds the sign-in screen, told what
    became of the matter; their sign-in is audited as the first after a restart, so the trail says why the matter
    before it has no end. The sign-in after that is an ordinary one."""
    from kiosk.workflows.clerk import Desk
    from tests.window_steps import signed_in
    from ui.app import Gui

    gui = Gui(make_config(sandbox.url), "window", restarted=True)
    try:
        gui.window.resize(1280, 800)
        gui.window.show()
        qtbot.waitUntil(lambda: gui.started)
        view = gui.window.view
        qtbot.waitUntil(lambda: "本机刚刚重新启动，正在办理的事项未能保留" in view.sign_in.notice.text(), timeout=5000)
        assert view.sign_in.notice.isVisible() and not view.desk.notice.error and view.desk.notice.check
        assert "凭办件编号重新打印" in view.sign_in.notice.text()
        signed_in(gui, qtbot)
        assert view.desk.notice is None  # said once: gone with the sign-in
        qtbot.waitUntil(lambda: any(e["action"] == "sign_in" for e in gui.services.audit.recent), timeout=5000)
        first = [e for e in gui.services.audit.recent if e["action"] == "sign_in"]
        assert [e["detail"] for e in first] == ["after a restart"]
        view.desk.sign_out()
        qtbot.waitUntil(lambda: view.desk.step is Desk.SIGNED_OUT, timeout=5000)
        assert not view.sign_in.notice.isVisible()
        signed_in(gui, qtbot)
        qtbot.waitUntil(lambda: len([e for e in gui.services.audit.recent if e["action"] == "sign_in"]) == 2,
                        timeout=5000)
        assert [e["detail"] for e in gui.services.audit.recent if e["action"] == "sign_in"] == ["after a restart", ""]
    finally:
        gui.close()


def test_a_terminal_not_restarted_says_nothing_at_home(open_gui, qtbot):
    gui = open_gui("kiosk")
    assert gui.window.session.notice is None and gui.window.view.home.notice.isHidden()
