"""Before an idle session ends, the citizen is warned inside the screen and may ask for more time
(WCAG 2.2.1); elderly mode doubles the times. Driven through the widgets against the sandbox; the
view's second is shortened (``second_ms``) so a 20 s countdown takes a fraction of a second."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from common.i18n import language
from kiosk.workflows.citizen import Step
from tests.citizen_steps import place_card_and_agree

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def gui(open_gui, qtbot):
    gui = open_gui("kiosk", terminal={"idle_timeout_s": 60, "idle_warning_s": 20})
    view = gui.window.view
    # The enrolment's remote configuration (the sandbox's 90 s) reaches the window first.
    qtbot.waitUntil(lambda: view.idle.interval() == 90_000, timeout=10000)
    return gui


def shorten(view, second_ms: int, idle_s: float = 10, warning_s: float = 20) -> None:
    view.second_ms = second_ms
    view.set_timeouts(idle_s, warning_s)


def test_the_warning_counts_down_inside_the_window_and_more_time_keeps_the_session(gui, qtbot):
    view, session = gui.window.view, gui.window.session
    place_card_and_agree(gui, qtbot)
    shorten(view, 200, idle_s=1)  # idle after 0.2 s, then 4 s of warning: time for a screen to change meanwhile
    with qtbot.waitSignal(view.warning.started, timeout=5000) as started:
        view.idle.start()
    assert started.args == [20]  # never less than 20 s (WCAG 2.2.1)
    warning = view.warning
    assert warning.isVisible() and not warning.isWindow()  # a band in the screen, no pop-up
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not gui.window]
    assert f"{warning.remaining} 秒" in warning.message.text() and "结束" in warning.message.text()
    assert warning.more.width() >= 44 and warning.more.height() >= 44
    assert view.rect().contains(warning.geometry())
    gui.window.resize(gui.window.width() - 100, gui.window.height())  # the window narrower: the band follows
    qtbot.waitUntil(lambda: warning.width() == view.width(), timeout=3000)

    qtbot.waitUntil(lambda: warning.remaining <= 19, timeout=3000)  # it counts
    # A touch elsewhere on the screen does not dismiss it: only "More time" does.
    qtbot.mouseClick(view.screens[Step.IDENTIFIED], LEFT)
    assert warning.isVisible() and not view.idle.isActive()
    # The screen's own buttons stay within reach, and the next screen does not cover the band.
    qtbot.mouseClick(view.screens[Step.IDENTIFIED].next, LEFT)
    qtbot.waitUntil(lambda: session.step is Step.CHOOSE_SERVICE, timeout=5000)
    on_top = view.childAt(warning.more.mapTo(view, warning.more.rect().center()))
    assert warning.isVisible() and on_top is warning.more

    qtbot.mouseClick(gui.window.language_button, LEFT)  # in English, it says so in English
    assert language() == "en" and warning.more.text() == "More time"
    assert f"The session will end in {warning.remaining} second" in warning.message.text()

    qtbot.mouseClick(warning.more, LEFT)
    assert not warning.isVisible() and view.idle.isActive()
    assert session.step is Step.CHOOSE_SERVICE and session.identity is not None


def test_at_zero_the_session_ends_and_nothing_is_left(gui, qtbot):
    view, session = gui.window.view, gui.window.session
    place_card_and_agree(gui, qtbot)
    shorten(view, 10)
    view.idle.start()
    qtbot.waitUntil(lambda: view.warning.isVisible(), timeout=3000)
    qtbot.waitUntil(lambda: session.step is Step.HOME, timeout=5000)
    assert session.identity is None and not view.warning.isVisible()
    assert not view.idle.isActive()  # no session, no countdown at the home screen


def test_elderly_mode_doubles_the_times_and_enlarges_the_button(gui, qtbot):
    view, window = gui.window.view, gui.window
    shorten(view, 20)
    standard = view.idle.interval()
    app_sheet, before = QApplication.instance().styleSheet(), window.elderly_button.font().pixelSize()
    qtbot.mouseClick(window.elderly_button, LEFT)
    assert view.idle.interval() == 2 * standard
    # large text on the window and the screen shown at once; the application's sheet (every widget of every
    # screen restyled, a third of a second) is left alone (ui/page_stack.py)
    assert QApplication.instance().styleSheet() == app_sheet
    assert window.elderly_button.font().pixelSize() > before
    assert view.currentWidget().styleSheet() != ""
    place_card_and_agree(gui, qtbot)
    with qtbot.waitSignal(view.warning.started, timeout=5000) as started:
        view.idle.start()
    assert started.args == [40]
    assert view.warning.more.width() >= 60 and view.warning.more.height() >= 60
    qtbot.mouseClick(view.warning.more, LEFT)
    assert not view.warning.isVisible()
    window.session.finish()  # the next citizen starts in standard text, with the standard times
    qtbot.waitUntil(lambda: not window.elderly, timeout=3000)
    assert view.idle.interval() == standard
