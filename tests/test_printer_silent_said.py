"""A receipt printer that tells nothing of itself (no status answer) may not have printed. Whatever the kiosk
printed on it, the citizen is asked to look, in amber with its own sign, never told in green that it was printed:
the one-time notice, the hall's queue number, a receipt printed again; at the window, a decision's slip. Found
looking at the progress screen in English: "✓ Please check that your receipt was printed." stood in the green of
things done."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from kiosk.workflows.citizen import Step
from tests.test_clerk_case import checking
from tests.test_kiosk_queue_ticket import to_notice_printed
from tests.test_progress_fits import to_progress

LEFT = Qt.MouseButton.LeftButton


def test_a_one_time_notice_on_a_silent_printer_is_to_be_looked_for(services, sandbox):
    services.devices.receipt_printer.inject("silent")
    session = services.new_citizen_session()
    to_notice_printed(session)
    said = session.notice.message.render("en")
    assert session.notice.check and not session.notice.error
    assert said.startswith("Please check that the one-time notice was printed") and "hall staff" in said
    assert "is printed" not in said and "saved" in said  # the draft is still said
    assert session.notice.message.render("zh_CN").startswith("请查看一次性告知书是否已打印")


def test_a_one_time_notice_a_printer_confirms_is_said_printed(services, sandbox):
    session = services.new_citizen_session()
    to_notice_printed(session)
    assert not session.notice.check and session.notice.message.render("en").startswith("The one-time notice is "
                                                                                        "printed")


def test_a_queue_number_on_a_silent_printer_is_to_be_remembered(services, sandbox):
    services.devices.receipt_printer.inject("silent")
    session = services.new_citizen_session()
    session.take_queue_ticket()
    said = session.notice.message.render("en")
    assert session.step is Step.HOME and session.notice.check and not session.notice.error
    assert said.startswith("Your number is A001. Please check") and "remember" in said and "below" not in said
    assert services.backend.queue_waiting() == 1


def test_the_progress_screen_shows_the_check_in_amber_with_its_sign(open_gui, qtbot, sandbox):
    gui = open_gui("kiosk", terminal={"idle_timeout_s": 60})
    gui.services.devices.receipt_printer.inject("silent")
    progress = to_progress(gui, qtbot, sandbox, "accepted")
    qtbot.mouseClick(progress.reprint, LEFT)
    qtbot.waitUntil(lambda: not gui.window.session.busy, timeout=30000)
    notice = progress.notice
    assert notice.isVisible() and notice.objectName() == "check"
    assert "ⓘ 请查看回执是否已打印" in QLabel.text(notice)
    image = notice.grab().toImage()
    middle = image.pixelColor(4, image.height() // 2)  # inside its border: the amber ground, not the green
    assert (middle.red(), middle.green(), middle.blue()) == (0xff, 0xf4, 0xe0)
    gui.services.devices.receipt_printer.inject("clear")
    qtbot.mouseClick(progress.reprint, LEFT)
    qtbot.waitUntil(lambda: not gui.window.session.busy and progress.notice.objectName() == "info", timeout=30000)
    assert "✓ " in QLabel.text(progress.notice) and "ⓘ" not in QLabel.text(progress.notice)


def test_the_window_asks_the_clerk_to_look_for_a_slip_a_silent_printer_printed(services, sandbox):
    services.devices.receipt_printer.inject("silent")
    desk = checking(services)
    desk.accept()
    assert desk.notice.check and not desk.notice.error and not desk.can_print_again()
    assert desk.notice.message.render("en") == (f"Accepted as {desk.result}. Please check that the receipt slip was "
                                                "printed. The Acceptance Notice is printed.")
    assert desk.notice.message.render("zh_CN") == f"已受理，办件编号 {desk.result}。请查看小票是否已打印。受理通知书已打印。"
