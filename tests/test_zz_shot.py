from PySide6.QtCore import Qt
from tests.test_window_ui import _signed_in_with_applicant, gui  # noqa: F401


def test_shot(gui, qtbot, sandbox):
    gui.window.toggle_language()
    gui.window.toggle_elderly()
    view, screen = _signed_in_with_applicant(gui, qtbot, "GJJ-004")
    row = screen.handover
    qtbot.waitUntil(lambda: row.isVisible() and row.licences.count() == 1, timeout=5000)
    qtbot.wait(100)
    gui.window.grab().save("/tmp/win_large_1.png")
    gui.services.devices.receipt_printer.inject("paper_out")
    qtbot.mouseClick(row.hand_over, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.desk.busy and "did not print" in screen.notice.text(), timeout=10000)
    qtbot.wait(100)
    gui.window.grab().save("/tmp/win_large_2.png")
    gui.window.toggle_language()
    qtbot.wait(100)
    gui.window.grab().save("/tmp/win_large_zh.png")
