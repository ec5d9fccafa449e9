"""`kiosk run` paints the real home screen before it builds the services (the bench's paint_ratio):
the modules it needs for that first paint import none of the heavy ones, and a staged Gui has a
home screen and no services until its first paint, then builds and starts them by itself."""

import subprocess
import sys
import threading

from kiosk.workflows.citizen import Step

FIRST_PAINT_IMPORTS = '''
import sys
import ui.app
heavy = [m for m in ("kiosk.app", "kiosk.backend.client", "offline_queue.outbox", "devices.registry",
                     "numpy", "cv2", "requests", "cryptography", "sqlite3", "subprocess") if m in sys.modules]
print(",".join(heavy))
'''


def test_what_the_first_paint_needs_imports_nothing_heavy():
    result = subprocess.run([sys.executable, "-c", FIRST_PAINT_IMPORTS], capture_output=True, text=True,
                            timeout=60, env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-400:]
    assert result.stdout.strip() == ""


def test_a_staged_gui_shows_home_first_then_builds_and_starts_its_services(qapp, qtbot, sandbox, make_config):
    from ui.app import Gui

    gui = Gui(make_config(sandbox.url), "kiosk", staged=True)
    try:
        assert gui.services is None and gui.window.session is None
        assert gui.window.view.currentWidget() is gui.window.view.home
        assert gui.window.view.home.card_button.text() == "刷身份证办理"
        gui.window.resize(1280, 800)
        gui.window.show()
        qtbot.waitUntil(lambda: gui.started, timeout=10000)
        session = gui.window.session
        assert session is not None and gui.window.view.screens[Step.HOME] is gui.window.view.home
        gui.window.view.home.card_button.click()
        assert session.step is Step.CONSENT  # the consent comes before any card is read
    finally:
        gui.close()


def test_a_staged_gui_closed_before_its_first_paint_starts_nothing_and_leaves_no_thread(qapp, sandbox, make_config):
    """The services are composed on a thread of their own while the home screen paints; closed before
    that paint, the Gui waits for them, stops them, and no device was ever started."""
    from ui.app import Gui

    before = set(threading.enumerate())
    gui = Gui(make_config(sandbox.url), "kiosk", staged=True)
    gui.close()
    assert gui.services is None and not gui.started
    ours = [t.name for t in threading.enumerate()
            if t not in before and t.is_alive() and not t.name.startswith("AnyIO")]  # AnyIO: the sandbox's
    assert ours == []


def test_a_staged_gui_whose_services_cannot_be_built_ends_rather_than_stand_there(qapp, qtbot, sandbox, make_config,
                                                                                  monkeypatch):
    """A home screen without services answers nothing, and never says nobody uses it (no planned restart comes):
    kiosk run ends instead (ui.app.START_FAILED), for kiosk supervise to start it again, whose start's disk check
    shows the out-of-order screen when the disk is why (tests/test_supervise_terminal.py)."""
    import kiosk.app
    from ui.app import Gui

    def cannot(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kiosk.app, "build_services", cannot)
    ended = []
    gui = Gui(make_config(sandbox.url), "kiosk", staged=True, on_start_failed=lambda: ended.append(True))
    try:
        qtbot.waitUntil(lambda: ended == [True], timeout=10000)
        assert gui.services is None and not gui.started and not gui.nobody_using()
    finally:
        gui.close()
