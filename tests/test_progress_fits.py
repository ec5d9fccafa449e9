"""The progress screen fits the window in large text with everything a case can say on it: the case under review,
its next step and promised date, a notice about the receipt, the history. Found by kiosk bench ui-monkey (seeds
314 and 315): such a case, after "Print the receipt again" on a printer that never answered, in large text, grew
the window to 1280x801. The case's lines now scroll where they must; here they fit whole, the history giving way."""

from PySide6.QtCore import Qt

from kiosk.workflows.citizen import Step
from tests.citizen_steps import place_card_and_agree

LEFT = Qt.MouseButton.LeftButton
CASE = "SQ2026112000007"  # the sample card's; 个体工商户设立登记 promises a date


def to_progress(gui, qtbot, sandbox, status):
    sandbox.store.set_status(CASE, status, "审查中", "Under review")
    session, screens = gui.window.session, gui.window.view.screens
    place_card_and_agree(gui, qtbot)
    qtbot.mouseClick(screens[Step.IDENTIFIED].cases, LEFT)
    qtbot.waitUntil(lambda: session.step is Step.MY_CASES and not session.busy, timeout=10000)
    qtbot.mouseClick(screens[Step.MY_CASES].buttons[CASE], LEFT)
    qtbot.waitUntil(lambda: session.step is Step.PROGRESS and not session.busy, timeout=10000)
    return screens[Step.PROGRESS]


def test_a_case_under_review_with_a_notice_fits_in_large_text(open_gui, qtbot, sandbox):
    gui = open_gui("kiosk", terminal={"idle_timeout_s": 60})
    gui.window.resize(1280, 800)
    gui.services.devices.receipt_printer.inject("silent")  # it never answers: "check that it was printed"
    progress = to_progress(gui, qtbot, sandbox, "accepted")
    qtbot.mouseClick(progress.reprint, LEFT)
    qtbot.waitUntil(lambda: not gui.window.session.busy, timeout=30000)
    assert progress.notice.isVisible() and progress.next.text().count("\n") == 1  # the next step, the promised date
    qtbot.mouseClick(gui.window.elderly_button, LEFT)
    qtbot.wait(50)
    assert gui.window.size().toTuple() == (1280, 800)
    assert progress.lines.verticalScrollBar().maximum() == 0  # the case's lines whole
    assert progress.history.isVisible() and progress.history.height() >= progress.history.minimumHeight() > 0
    assert progress.notice.visibleRegion().boundingRect() == progress.notice.rect()  # the notice in sight

