"""A terminal without an A4 printer (``[devices.document_printer] type = "none"``): many kiosks have a receipt
printer only. Nothing that needs the A4 printer is offered, and it is left out of the terminal's devices."""

from PySide6.QtCore import Qt

from kiosk.workflows.citizen import Step
from kiosk.workflows.clerk import Desk
from tests import window_steps

NONE = {"document_printer": {"type": "none"}}


def test_a_kiosk_without_an_a4_printer_offers_no_licence_printing(open_gui, qtbot):
    kiosk = open_gui("kiosk", devices=NONE)
    home = kiosk.window.view.screens[Step.HOME]
    assert not home.licence_button.isVisible() and home.card_button.isVisible()
    session = kiosk.window.view.session
    session.start_with_card("licence")  # however it might be asked: nothing starts
    assert session.step is Step.HOME
    devices = kiosk.services.devices
    assert devices.document_printer not in devices.all()  # maintenance, the heartbeat and self-tests leave it out
    qtbot.mouseClick(home.card_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.step is Step.CONSENT, timeout=5000)


def test_a_window_without_an_a4_printer_decides_and_prints_its_slip_only(open_gui, qtbot):
    gui = open_gui("window", devices=NONE)
    view = window_steps.signed_in(gui, qtbot)
    desk = view.desk
    assert not desk.has_document_printer()
    gui.services.devices.id_reader.place_card("resident")
    qtbot.waitUntil(lambda: desk.identity is not None, timeout=5000)
    screen = view.desk_screen
    index = screen.services.findData("SB-003")
    screen.services.setCurrentIndex(index)
    screen.services.activated.emit(index)
    qtbot.waitUntil(lambda: screen.materials.count() > 0, timeout=5000)
    for row in range(screen.materials.count()):
        screen.materials.item(row).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk.step is Desk.DONE and not desk.busy, timeout=10000)
    assert desk.result and not desk.can_print_again()
    assert not screen.print_again.isVisible() and not screen.copy.isVisible()
    assert screen.notice.text() == f"已受理，办件编号 {desk.result}。小票已打印。"  # no A4 notice said
