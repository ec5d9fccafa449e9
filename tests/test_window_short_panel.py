"""The clerk's window on the commonest cheap panel, 1366 x 768 (``ui.display.STAFF_LEAST``'s height), in large text:
its left column (the clerk, the applicant's box, the queue, a company's code, "Keep for the next visit", "Next
applicant", "Sign out") was 615 px where 610 were left, and the window grew past the screen by 5-9 px, its footer and
the lower buttons off it (kiosk bench window-monkey --screen 1366x768 --whole-words, seeds 912, 913 and 917)."""

import pytest
from PySide6.QtCore import QPoint, QRect, Qt

from entry import walkthrough as walk
from tests.test_window_full_fit import ResizeWatcher
from tests.window_steps import checking


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_a_companys_matter_that_may_be_kept_fits_1366x768_in_large_text(open_gui, qtbot, sandbox, language):
    gui = open_gui("window", terminal={"window_number": 3, "customer_screen": "on"})
    walk.show(gui, 1366, 768)
    if language == "en":
        gui.window.toggle_language()
    qtbot.mouseClick(gui.window.elderly_button, Qt.MouseButton.LeftButton)
    sizes = []
    gui.window.installEventFilter(watcher := ResizeWatcher(gui.window, sizes))
    view, screen = checking(gui, qtbot, "QY-008")  # a company's: its row in the left column, five materials asked
    qtbot.keyClicks(screen.licences.company.code, "91330106MA2H7Q3K8C")
    screen.materials.setCurrentRow(0)
    qtbot.mouseClick(screen.scan.scan, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.desk.busy and view.desk.scanned(screen.scan.code) is not None, timeout=15000)
    qtbot.wait(50)  # the layout settles on the event loop
    left = (screen.clerk, screen.applicant, screen.queue, screen.licences.company, screen.keep_draft, screen.next,
            screen.sign_out)
    for widget in (*left, screen.materials, screen.refusal, screen.issue, screen.accept):
        assert widget.isVisible(), widget
        placed = QRect(widget.mapTo(gui.window, QPoint(0, 0)), widget.size())
        assert gui.window.rect().contains(placed), (widget, placed)
    gui.window.removeEventFilter(watcher)
    assert gui.window.size().toTuple() == (1366, 768) and sizes == []
    lines = screen.applicant.text().count("\n") + 1
    assert lines == 3 and screen.applicant.height() < 160  # three lines high, the name, the number, valid until
