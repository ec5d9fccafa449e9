"""A past decision's document printed again through the window's widgets (ui/copy_row.py): the acceptance notice
the A4 printer jammed on, copied after the applicant went; and the line at 1280x800 in large English."""

from PySide6.QtCore import QPoint, QRect, Qt

from kiosk.workflows.clerk import Desk
from tests.test_clerk_refusal import pdf_words
from tests.test_window_ui import _signed_in_with_applicant, gui, signed_in  # noqa: F401  (gui: the window's fixture)


def test_the_clerk_prints_a_copy_of_a_jammed_acceptance_notice_once_the_applicant_went(gui, qtbot, sandbox):
    view, screen = _signed_in_with_applicant(gui, qtbot, "SB-003")
    assert not screen.copy.isVisible()  # an applicant in hand: no copy of another matter's paper
    printer = gui.services.devices.document_printer
    printer.inject("jam")
    screen.materials.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.step is Desk.DONE and not view.desk.busy, timeout=10000)
    number = view.desk.result
    qtbot.mouseClick(screen.next, Qt.MouseButton.LeftButton)  # the applicant goes with their slip
    assert screen.copy.isVisible() and screen.copy.print_copy.text() == "补打"
    assert not screen.copy.print_copy.isEnabled()  # nothing typed yet
    printer.inject("clear")
    qtbot.keyClicks(screen.copy.number, number.lower())
    assert screen.copy.print_copy.isEnabled()
    qtbot.mouseClick(screen.copy.print_copy, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.desk.busy and view.desk.notice is not None, timeout=10000)
    assert screen.notice.text() == f"办件 {number} 的《受理通知书》已补打。" and screen.copy.number.text() == ""
    (pdf,) = printer.output_dir.glob(f"*acceptance-{number}-copy.pdf")
    assert f"办件编号：{number}" in pdf_words(pdf) and "补打的副本" in pdf_words(pdf)
    gui.services.devices.id_reader.place_card("resident")  # the next applicant: the copy's number goes
    qtbot.waitUntil(lambda: view.desk.identity is not None, timeout=5000)
    assert number not in screen.notice.text() and not screen.copy.isVisible()


def test_the_copy_line_fits_1280x800_in_large_english(gui, qtbot):
    gui.window.toggle_language()
    gui.window.toggle_elderly()
    view = signed_in(gui, qtbot)
    screen = view.desk_screen
    qtbot.keyClicks(screen.copy.number, "nonsense")
    qtbot.keyClick(screen.copy.number, Qt.Key.Key_Return)  # a wedge scanner ends its line so
    qtbot.waitUntil(lambda: view.desk.notice is not None, timeout=5000)
    assert screen.notice.text().startswith("That is not a case or notice number.")
    qtbot.wait(50)
    assert gui.window.size().toTuple() == (1280, 800)
    for widget in (screen.copy.number, screen.copy.print_copy, screen.notice, screen.next, screen.sign_out):
        assert widget.isVisible()
        placed = QRect(widget.mapTo(gui.window, QPoint(0, 0)), widget.size())
        assert gui.window.rect().contains(placed), (widget, placed)
