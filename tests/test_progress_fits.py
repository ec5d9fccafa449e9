"""The progress screen fits the window in large text with everything a case can say on it: the case under review,
its next step and promised date, a notice about the receipt, the history. Found by kiosk bench ui-monkey (seeds
314 and 315): such a case, after "Print the receipt again" on a printer that never answered, in large text, grew
the window to 1280x801. The case's lines now scroll where they must; here they fit whole, the history giving way."""

import datetime as dt

from PySide6.QtCore import Qt

from common import provisional

from kiosk.workflows.citizen import Step
from tests.citizen_steps import to_my_case

LEFT = Qt.MouseButton.LeftButton
CASE = "SQ2026112000007"  # the sample card's; 个体工商户设立登记 promises a date


def to_progress(gui, qtbot, sandbox, status):
    sandbox.store.set_status(CASE, status, "审查中", "Under review")
    return to_my_case(gui, qtbot, CASE)


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



def test_a_long_history_entry_wraps_and_one_entry_stays_in_sight(open_gui, qtbot, sandbox):
    """A history entry longer than the screen is wide was cut off, with a scroll bar across; and crowded, the history
    shrank to 41 px, below its one 60 px row (large text), where the oldest entry showed and the newest was below."""
    gui = open_gui("kiosk", terminal={"idle_timeout_s": 60})
    gui.window.resize(1280, 800)
    qtbot.mouseClick(gui.window.language_button, LEFT)
    qtbot.mouseClick(gui.window.elderly_button, LEFT)
    sandbox.store.set_status(CASE, "accepted", "材料已补正，进入审查", "The missing materials have arrived in full and "
                             "the case has gone on to the examination of its substance by the licensing office")
    gui.services.devices.receipt_printer.inject("silent")
    progress = to_progress(gui, qtbot, sandbox, "accepted")
    qtbot.mouseClick(progress.reprint, LEFT)
    qtbot.waitUntil(lambda: not gui.window.session.busy, timeout=30000)
    qtbot.wait(50)
    history = progress.history
    assert gui.window.size().toTuple() == (1280, 800) and progress.notice.isVisible()
    assert history.horizontalScrollBar().maximum() == 0  # nothing cut off to the right
    newest = history.item(0)  # the newest first, in sight: the long one just recorded
    assert "licensing office" in newest.text() and history.visualItemRect(newest).top() >= 0
    assert history.visualItemRect(newest).height() >= 2 * history.fontMetrics().lineSpacing()
    assert history.height() >= history.sizeHintForRow(0) > 0


def test_a_case_still_on_its_way_says_so_whole(open_gui, qtbot):
    """A receipt of a case saved offline, not yet arrived: the sentence saying so stood in the history list, cut off
    at the screen's edge in large English."""
    gui = open_gui("kiosk", terminal={"idle_timeout_s": 60})
    gui.window.resize(1280, 800)
    qtbot.mouseClick(gui.window.language_button, LEFT)
    qtbot.mouseClick(gui.window.elderly_button, LEFT)
    number = provisional.make("ZJ-HZ-T009", dt.date(2026, 12, 1), 7)  # a terminal's, not arrived at the sandbox
    gui.services.devices.qr_scanner.present(f"OTR1:{number}")
    session = gui.window.session
    qtbot.waitUntil(lambda: session.step is Step.PROGRESS and not session.busy, timeout=10000)
    progress = gui.window.view.screens[Step.PROGRESS]
    assert progress.status.text() == "On its way" and not progress.history.isVisible()
    assert not progress.service.isVisible()  # no service named yet: its empty line took a line's room
    said = progress.next
    assert "sent automatically" in said.text() and said.wordWrap() and said.isVisible()
    assert said.visibleRegion().boundingRect() == said.rect() and gui.window.size().toTuple() == (1280, 800)


def test_a_forged_history_shows_what_is_an_entry_and_nothing_else(open_gui, qtbot):
    """The case's history as a forged or broken answer gives it: entries that are no entries are passed over, an
    entry's missing or odd fields show as nothing (not "None"), and the screen stands."""
    gui = open_gui("kiosk", terminal={"idle_timeout_s": 60})
    history = ["not an entry", 7, {"at": 5, "note_zh": None}, {"at": "2026-11-20T10:14:00+08:00", "note_zh": "已提交"}]
    gui.window.session._progress_found({"case_number": "SQ2026112000007", "status": "accepted", "history": history})
    progress = gui.window.view.screens[Step.PROGRESS]
    shown = [progress.history.item(row).text() for row in range(progress.history.count())]
    assert sorted(shown) == ["2026-11-20 10:14  已提交", "5  "] and progress.isVisible()
    gui.window.session._progress_found({"case_number": "SQ2026112000007", "status": "accepted", "history": "forged"})
    assert progress.history.count() == 0 and progress.isVisible()
