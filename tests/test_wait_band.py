"""The kiosk says it is still working when a step waits long (ui/wait_band.py): tapped through the widgets, the
service system answering slowly."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.workflows.citizen import Step
from tests.citizen_steps import place_card_and_agree
from tests.test_window_ui import gui  # noqa: F401  (gui: the window's fixture)
from ui.wait_band import AFTER_S, still_working

SECOND_MS = 100  # the view's second, shortened: the band from 0.3 s on


def test_a_long_wait_is_said_and_counted_then_goes_with_the_answer(open_gui, qtbot, sandbox):
    gui = open_gui("kiosk")
    view, session = gui.window.view, gui.window.session
    view.set_second_ms(SECOND_MS)
    band = view.wait_band
    place_card_and_agree(gui, qtbot)
    assert band.isHidden()
    sandbox.faults.slow_s = 1.2  # answered, slowly: within the terminal's read timeout (2 s here)
    sandbox.faults.set("slow")
    qtbot.mouseClick(view.screens[Step.IDENTIFIED].next, Qt.MouseButton.LeftButton)  # "Choose a service"
    assert session.busy and band.isHidden()  # a short wait is said by the button alone
    view.warning.start(30)  # warned of idleness first: its "More time" stays within reach, above the band shown later
    qtbot.waitUntil(band.isVisible, timeout=AFTER_S * SECOND_MS + 500)
    qtbot.waitUntil(lambda: band.waited >= AFTER_S + 2, timeout=2000)
    more = view.warning.more
    assert view.childAt(more.mapTo(view, more.rect().center())) is more
    view.warning.stop()
    assert band.message.text() == still_working(band.waited).render("zh_CN")
    assert "请稍候" in band.message.text() and str(band.waited) in band.message.text()
    assert band.geometry().top() == 0 and band.width() == view.width()  # across the top: over the title only
    assert view.screens[Step.IDENTIFIED].back.isEnabled()  # the citizen can still leave
    qtbot.waitUntil(lambda: session.step is Step.CHOOSE_SERVICE, timeout=5000)
    assert band.isHidden() and not band.waiting
    sandbox.faults.clear()


def test_the_band_never_shows_at_home_nor_stays_for_the_next_citizen(open_gui, qtbot, sandbox):
    gui = open_gui("kiosk")
    view, session = gui.window.view, gui.window.session
    view.set_second_ms(SECOND_MS)
    place_card_and_agree(gui, qtbot)
    sandbox.faults.slow_s = 1.5
    sandbox.faults.set("slow")
    qtbot.mouseClick(view.screens[Step.IDENTIFIED].next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(view.wait_band.isVisible, timeout=AFTER_S * SECOND_MS + 500)
    qtbot.mouseClick(view.screens[Step.IDENTIFIED].back, Qt.MouseButton.LeftButton)  # walks away mid-wait
    assert session.step is Step.HOME and view.wait_band.isHidden() and not view.wait_band.waiting
    qtbot.wait(2000)  # the late answer is dropped: nothing shows at home
    assert session.step is Step.HOME and view.wait_band.isHidden()
    sandbox.faults.clear()


def test_the_words_in_both_languages():
    assert still_working(5).render("en") == "Still working on it. Please wait... (5 seconds so far)"
    assert still_working(1).render("en") == "Still working on it. Please wait... (1 second so far)"
    assert still_working(5).render("zh_CN") == "正在处理，请稍候……（已等待 5 秒）"


def test_the_window_shows_the_same_band_while_its_desk_waits(gui, qtbot, sandbox):  # noqa: F811
    from kiosk.workflows.clerk import Desk
    from tests.window_steps import checking

    view, screen = checking(gui, qtbot, "SB-003")
    band = view.wait_band
    band.second_ms = SECOND_MS
    for row in range(screen.materials.count()):
        screen.materials.item(row).setCheckState(Qt.CheckState.Checked)
    sandbox.faults.slow_s = 1.2  # the case answered slowly, within the read timeout
    sandbox.faults.set("slow")
    qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(band.isVisible, timeout=AFTER_S * SECOND_MS + 800)
    assert "请稍候" in band.message.text() and band.width() == view.width()
    qtbot.waitUntil(lambda: view.desk.step is Desk.DONE and not view.desk.busy, timeout=10000)
    assert band.isHidden()
    sandbox.faults.clear()
