"""The window's refusal (不予受理) and its A4 documents, driven through the desk's widgets against the sandbox and the
simulated document printer; and the window at 1280x800 in large English with them shown."""

from PySide6.QtCore import QPoint, QRect, Qt

from kiosk.workflows.clerk import Desk
from ui.legibility import cut_short
from tests.test_window_ui import _signed_in_with_applicant, gui  # noqa: F401  (gui: the window's fixture)


def test_the_clerk_refuses_through_the_window_s_widgets_and_prints_again(gui, qtbot, sandbox):
    """不予受理: a reason from the list ("Other" needs its note), the decision recorded once, the decision document
    printed again after a jam, the applicant's rating offered, nothing of the matter left for the next applicant."""
    view, screen = _signed_in_with_applicant(gui, qtbot, "GJJ-004")
    row = screen.refusal
    assert row.refuse.text() == "不予受理" and row.reason.isEnabled() and not row.refuse.isEnabled()  # no reason yet
    row.reason.setCurrentIndex(row.reason.findData("other"))
    assert row.reason.currentText() == "其他理由（请填写）" and not row.refuse.isEnabled()  # its note first
    row.note.insert("该事项已在办理中")  # as an input method commits it (QTest types Latin keys only)
    assert row.refuse.isEnabled()
    printer = gui.services.devices.document_printer
    printer.inject("jam")
    qtbot.mouseClick(row.refuse, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.step is Desk.DONE and not view.desk.busy, timeout=10000)
    number = view.desk.result
    assert sandbox.store.case(number)["status"] == "not_accepted"
    assert "不予受理决定书未能打印" in screen.notice.text() and screen.print_again.isVisible()
    assert screen.print_again.text() == "重新打印" and not list(printer.output_dir.glob("*.pdf"))
    printer.inject("clear")
    qtbot.mouseClick(screen.print_again, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.desk.busy and not screen.print_again.isVisible(), timeout=10000)
    assert f"已作出不予受理决定：{number}。不予受理决定书已打印。" in screen.notice.text()
    assert len(list(printer.output_dir.glob(f"*not-accepted-{number}.pdf"))) == 1
    with sandbox.store.tx() as db:
        assert db.execute("SELECT COUNT(*) FROM decisions WHERE case_number = ?", (number,)).fetchone()[0] == 1
    assert screen.rating.isVisible() and not row.refuse.isEnabled() and row.note.text() == ""
    qtbot.mouseClick(screen.next, Qt.MouseButton.LeftButton)
    assert row.reason.currentIndex() == 0 and row.note.text() == "" and number not in screen.notice.text()
    assert view.desk.unprinted is None and not screen.print_again.isVisible()
    # Qt's own clear() kept the note in the field's undo history: Ctrl+Z gave it to the next applicant's matter
    assert not row.note.isUndoAvailable()


def test_the_refusal_and_print_again_fit_1280x800_in_large_english(gui, qtbot):
    gui.window.toggle_language()
    gui.window.toggle_elderly()
    view, screen = _signed_in_with_applicant(gui, qtbot, "GJJ-004")
    row = screen.refusal

    def assert_fits():
        qtbot.wait(50)  # the layout settles on the event loop
        assert gui.window.size().toTuple() == (1280, 800)
        for widget in (row.reason, row.note, row.refuse, screen.print_again, screen.next, screen.sign_out,
                       screen.accept, screen.issue, screen.notice):
            if widget.isVisible():
                placed = QRect(widget.mapTo(gui.window, QPoint(0, 0)), widget.size())
                assert gui.window.rect().contains(placed), (widget, placed)
    assert row.refuse.text() == "Do not accept"
    assert_fits()
    row.reason.setCurrentIndex(row.reason.findData("not_our_remit"))
    gui.services.devices.document_printer.inject("jam")
    qtbot.mouseClick(row.refuse, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.step is Desk.DONE and not view.desk.busy, timeout=10000)
    assert screen.print_again.isVisible() and screen.rating.isVisible() and "did not print" in screen.notice.text()
    assert_fits()


def test_the_refusal_note_s_hint_is_shown_whole(gui, qtbot):
    """The note's hint says whether the reason chosen needs a note ("Other" does). 'Note (required for "Other")' was
    cut to "说明（选"其他"时…" at 1280 x 800, and in large English to its first words. In both languages, in standard
    and large text, for "Other" and for another reason."""
    view, screen = _signed_in_with_applicant(gui, qtbot, "GJJ-004")
    row = screen.refusal
    hints = {("zh", "other"): "说明（必填）", ("zh", "not_our_remit"): "说明（选填）",
             ("en", "other"): "Note (required)", ("en", "not_our_remit"): "Note (optional)"}
    for toggle in (None, gui.window.toggle_language, gui.window.toggle_elderly, gui.window.toggle_language):
        if toggle is not None:
            toggle()
        for reason in ("other", "not_our_remit"):
            row.reason.setCurrentIndex(row.reason.findData(reason))
            qtbot.wait(50)  # the layout settles on the event loop
            assert gui.window.size().toTuple() == (1280, 800)
            lang = "en" if row.refuse.text() == "Do not accept" else "zh"
            assert row.note.placeholderText() == hints[lang, reason]
            hint = f"'{row.note.placeholderText()}'"
            assert [str(p) for p in cut_short(gui.window) if hint in p.widget] == []  # ui/legibility.py
