"""Scanning at the window through the widgets (ui/scan_row.py), against the sandbox on loopback: the clerk chooses a
material, taps Scan, the page's thumbnail appears in its row, the applicant's screen says it was scanned, the accepted
case carries it; after the next applicant nothing of it remains; a failed camera says so and loses nothing."""

import pytest
from PySide6.QtCore import Qt

from kiosk.workflows.clerk import Desk
from tests.window_steps import checking


@pytest.fixture
def gui(open_gui):
    return open_gui("window", terminal={"customer_screen": "on"})


def _checking(gui, qtbot, service="GT-001"):
    return checking(gui, qtbot, service)


def _scan(view, screen, qtbot, row: int):
    screen.materials.setCurrentRow(row)
    assert screen.scan.code == screen.materials.item(row).data(Qt.ItemDataRole.UserRole)
    qtbot.mouseClick(screen.scan.scan, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.desk.busy, timeout=15000)


def test_a_material_scanned_at_the_window_goes_with_the_case_and_is_gone_after_the_next_applicant(gui, qtbot, sandbox):
    view, screen = _checking(gui, qtbot)
    row = screen.scan
    assert row.controls.isVisible() and row.scan.text() == "扫描" and not row.retake.isEnabled()
    _scan(view, screen, qtbot, 1)
    item, code = screen.materials.item(1), screen.materials.item(1).data(Qt.ItemDataRole.UserRole)
    assert view.desk.scanned(code) is not None, view.desk.notice
    assert item.checkState() == Qt.CheckState.Checked and not item.icon().isNull()
    assert not item.flags() & Qt.ItemFlag.ItemIsUserCheckable and item.text().endswith("已拍1页）")
    assert not screen.scan.thumb.pixmap().isNull() and screen.scan.retake.isEnabled()
    assert screen.scan.scan.text() == "扫描下一页"
    shown = view.customer.materials.item(1)
    assert shown.data(Qt.ItemDataRole.AccessibleTextRole).startswith("✓ ") and "已拍1页" in shown.text()
    item.setCheckState(Qt.CheckState.Unchecked)  # not by the clerk's hand (not checkable), nor by the desk
    assert view.desk.provided[code]
    on_paper = []
    for row in range(screen.materials.count()):
        if row != 1:
            screen.materials.item(row).setCheckState(Qt.CheckState.Checked)
            on_paper.append(screen.materials.item(row).data(Qt.ItemDataRole.UserRole))
    for row in range(screen.materials.count()):  # ticked and not scanned: its paper checked and kept by the hall
        assert screen.materials.item(row).text().endswith("纸质已核）") == (row != 1), row
        assert ("纸质已核" in view.customer.materials.item(row).text()) == (row != 1), row
    qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    view.customer.pad.draw_stroke([(100, 150), (200, 100), (300, 180), (420, 120)])  # GT-001 asks for a signature
    qtbot.mouseClick(view.customer.signed, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.step is Desk.DONE and not view.desk.busy, timeout=15000)
    names = sorted(name for name, _mime, _sha in sandbox.store.attachments(view.desk.result))
    assert names == [f"{code}-1.jpg", "signature.png"]
    assert sandbox.store.case_body(view.desk.result)["counter_checked"] == on_paper
    assert not screen.scan.controls.isVisible()
    qtbot.mouseClick(screen.next, Qt.MouseButton.LeftButton)
    assert view.desk.checklist is None and screen.materials.count() == 0 and view.customer.materials.count() == 0
    assert screen.scan.thumb.pixmap().isNull() and screen.scan._thumbs == {} and screen.scan.scan.toolTip() == ""


def test_a_failed_camera_at_the_window_says_so_and_keeps_the_pages(gui, qtbot):
    view, screen = _checking(gui, qtbot)
    _scan(view, screen, qtbot, 0)
    code = screen.scan.code
    kept = bytes(view.desk.scanned(code).pages[0])
    camera = gui.services.devices.document_camera
    camera.inject("unplugged")
    try:
        qtbot.mouseClick(screen.scan.retake, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not view.desk.busy, timeout=15000)
    finally:
        camera.inject("clear")
    said = screen.notice.text()
    assert screen.notice.isVisible() and said.startswith("未扫描：") and "高拍仪" in said
    assert [bytes(p) for p in view.desk.scanned(code).pages] == [kept] and not screen.materials.item(0).icon().isNull()
    assert screen.scan.scan.isEnabled() and screen.scan.remove.isEnabled()
    qtbot.mouseClick(screen.scan.remove, Qt.MouseButton.LeftButton)
    assert view.desk.scanned(code) is None and screen.materials.item(0).icon().isNull()
    assert screen.materials.item(0).flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert screen.materials.item(0).checkState() == Qt.CheckState.Unchecked


def test_the_scanning_row_reads_in_english(gui, qtbot):
    from common.i18n import set_language

    view, screen = _checking(gui, qtbot)
    set_language("en")
    gui.window.view.retranslate()
    assert [screen.scan.scan.text(), screen.scan.retake.text(), screen.scan.remove.text()] == \
        ["Scan", "Retake", "Remove"]
    assert screen.scan.scan.toolTip() == "Registration application form (not scanned)"
    assert screen.materials.currentItem().data(Qt.ItemDataRole.UserRole) == screen.scan.code == "M1"


def test_the_scanning_row_fits_1280x800_in_large_english_beside_a_hand_over(gui, qtbot):
    from PySide6.QtCore import QPoint, QRect

    gui.window.toggle_language()
    gui.window.toggle_elderly()
    view, screen = _checking(gui, qtbot, "GJJ-004")  # a licence is ready for the sample resident: the hand-over shows
    qtbot.waitUntil(lambda: screen.handover.isVisible(), timeout=5000)
    _scan(view, screen, qtbot, 0)
    gui.services.devices.document_camera.inject("unplugged")  # a notice under the list too
    try:
        qtbot.mouseClick(screen.scan.scan, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not view.desk.busy and screen.notice.isVisible(), timeout=15000)
    finally:
        gui.services.devices.document_camera.inject("clear")
    qtbot.wait(50)  # the layout settles on the event loop
    assert gui.window.size().toTuple() == (1280, 800)
    for widget in (screen.scan.thumb, screen.scan.scan, screen.scan.retake, screen.scan.remove, screen.materials,
                   screen.refusal, screen.accept, screen.notice):
        assert widget.isVisible()
        placed = QRect(widget.mapTo(gui.window, QPoint(0, 0)), widget.size())
        assert gui.window.rect().contains(placed), (widget, placed)


def test_a_scan_is_taken_while_every_worker_waits_on_the_backend(gui, qtbot):
    """The task pool's workers all held, as by backend calls waiting out their read timeout (the lookups a card
    starts, the queue's count): the capture has a worker of its own and is not queued behind them."""
    import threading

    view, screen = _checking(gui, qtbot)
    held, started = threading.Event(), threading.Semaphore(0)

    def hang():
        started.release()
        held.wait(30)

    for _ in range(8):  # more than the pool has workers
        gui.services.tasks.run(hang, lambda _r: None, lambda _e: None)
    try:
        assert started.acquire(timeout=5)
        screen.materials.setCurrentRow(1)
        qtbot.mouseClick(screen.scan.scan, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not view.desk.busy, timeout=8000)  # the camera's own time, not the pool's
        assert view.desk.scanned(screen.materials.item(1).data(Qt.ItemDataRole.UserRole)) is not None
    finally:
        held.set()
