"""Never stuck, through the widgets (issue 16 item 8): the message a fault leaves is what the screen shows.

The ID reader's faults (real bytes over a pty to the simulator) and the QR scanner's reach the session
only through the window's device bridge, so they are injected here, at the step that reads a card or a
code; then a sandbox fault and a printer fault at the screens the session-level matrix
(test_never_stuck.py) covers, checking the label and the buttons the citizen has next.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from devices.health import DeviceState
from kiosk.workflows.citizen import Step
from tests.citizen_steps import place_card_and_agree

LEFT = Qt.MouseButton.LeftButton

# The ID reader's faults: what the card screen says (None: the card is read all the same).
READER = {
    "garbage": None,          # noise on the line is skipped
    "slow": None,             # a slow chip, still within the read timeout
    "bad_checksum": "The card reader sent damaged data. Please place the card again.",
    "removed_mid_read": "The card was taken away before it was read. Please place it again and hold it still.",
    "read_error": "The ID card could not be read. Please place it flat on the reader and try again.",
}
# The reader itself broken: its health says so, and the card screen tells the citizen what else works.
BROKEN = {"sam_failure": DeviceState.ERROR, "unplugged": DeviceState.OFFLINE}
READER_DOWN = ("The ID card reader is not working right now. You can show the identity code of the government app "
               "to the scanner instead, or ask the hall staff for help.")


@pytest.fixture
def gui(open_gui):
    return open_gui("kiosk", devices={"id_reader": {"type": "sim", "pace": False, "slow_s": 0.3}})


def notice_shown(screen, session) -> str:
    """The notice label's text, which must be the session's notice as the screen's language renders it."""
    assert screen.notice.isVisible() and screen.notice.text() == session.notice.message.render()
    return session.notice.message.render("en")


def to_card_screen(qtbot, screens) -> None:
    qtbot.mouseClick(screens[Step.HOME].card_button, LEFT)
    qtbot.mouseClick(screens[Step.CONSENT].agree, LEFT)


def card_reads_then_leaves(gui, qtbot) -> None:
    """The fault cleared, the card placed again identifies the citizen; "Not me / cancel" goes home."""
    session, screens, reader = gui.window.session, gui.window.view.screens, gui.services.devices.id_reader
    reader.inject("clear")
    reader.remove_card()
    reader.place_card("resident")
    qtbot.waitUntil(lambda: session.step is Step.IDENTIFIED, timeout=5000)
    reader.remove_card()
    qtbot.mouseClick(screens[Step.IDENTIFIED].back, LEFT)
    assert session.step is Step.HOME and session.identity is None


def test_every_reader_fault_is_told_on_the_card_screen_and_the_card_then_reads(gui, qtbot):
    session, screens, reader = gui.window.session, gui.window.view.screens, gui.services.devices.id_reader
    for fault, message in READER.items():  # one window for all of them (opening one costs ~1 s)
        to_card_screen(qtbot, screens)
        reader.inject(fault)
        reader.place_card("resident")
        qtbot.waitUntil(lambda: session.step is Step.IDENTIFIED or session.notice is not None, timeout=8000)
        if message is None:
            assert session.step is Step.IDENTIFIED and session.notice is None, fault
        else:
            assert session.step is Step.READ_CARD and session.identity is None and not session.busy, fault
            assert notice_shown(screens[Step.READ_CARD], session) == message, fault
            assert screens[Step.READ_CARD].back.isEnabled()
        card_reads_then_leaves(gui, qtbot)


def test_a_broken_reader_is_told_on_the_card_screen(gui, qtbot):
    session, screens, reader = gui.window.session, gui.window.view.screens, gui.services.devices.id_reader
    card = screens[Step.READ_CARD]
    for fault, state in BROKEN.items():
        to_card_screen(qtbot, screens)
        reader.inject(fault)
        reader.place_card("resident")
        qtbot.waitUntil(lambda: reader.health.state is state and card.notice.isVisible(), timeout=5000)
        assert notice_shown(card, session) == READER_DOWN, fault
        assert session.step is Step.READ_CARD and not session.busy and card.back.isEnabled()
        qtbot.mouseClick(card.back, LEFT)
        assert session.step is Step.HOME and session.identity is None, fault
        to_card_screen(qtbot, screens)  # still broken: said at once
        assert notice_shown(card, session) == READER_DOWN, fault
        reader.remove_card()
        reader.inject("clear")
        qtbot.waitUntil(lambda: reader.health.state is DeviceState.READY and not card.notice.isVisible(),
                        timeout=5000)
        assert session.step is Step.READ_CARD and session.notice is None
        card_reads_then_leaves(gui, qtbot)


def test_a_failed_read_at_the_home_screen_still_asks_for_consent(gui, qtbot):
    """A card laid on the reader before anything was tapped, and its read failed: the consent comes first,
    with the reader's message; only after "I agree" is the card read into the session."""
    session, screens = gui.window.session, gui.window.view.screens
    reader = gui.services.devices.id_reader
    reader.inject("removed_mid_read")
    reader.place_card("resident")
    qtbot.waitUntil(lambda: session.notice is not None, timeout=5000)
    assert session.step is Step.CONSENT and session.consents == []
    assert notice_shown(screens[Step.CONSENT], session) == READER["removed_mid_read"]
    reader.inject("clear")
    reader.remove_card()
    reader.place_card("resident")
    qtbot.waitUntil(lambda: session.step is Step.CONSENT and session.notice is None, timeout=5000)
    assert session.identity is None and session.consents == []  # held, unread, until the citizen agrees
    qtbot.mouseClick(screens[Step.CONSENT].agree, LEFT)
    assert session.step is Step.IDENTIFIED and len(session.consents) == 1


def test_an_unplugged_scanner_leaves_the_card(gui, qtbot):
    session, screens = gui.window.session, gui.window.view.screens
    scanner = gui.services.devices.qr_scanner
    qtbot.mouseClick(screens[Step.HOME].card_button, LEFT)
    qtbot.mouseClick(screens[Step.CONSENT].agree, LEFT)
    scanner.inject("unplugged")
    scanner.present("ZLBID1:ZLB-CQTJKSZPRFK5CKNC7JBD4R6C")  # the app's code, shown to a scanner that is gone
    qtbot.waitUntil(lambda: scanner.health.state is DeviceState.OFFLINE, timeout=5000)
    assert session.step is Step.READ_CARD and session.notice is None and not session.busy
    gui.services.devices.id_reader.place_card("resident")
    qtbot.waitUntil(lambda: session.step is Step.IDENTIFIED, timeout=5000)
    scanner.inject("clear")


def test_faults_at_the_identity_payment_and_done_screens(gui, qtbot, sandbox):
    from entry.walkthrough import fill_form, provide_materials

    session, screens = gui.window.session, gui.window.view.screens
    place_card_and_agree(gui, qtbot)
    identity = screens[Step.IDENTIFIED]
    sandbox.faults.set("down")
    qtbot.mouseClick(identity.next, LEFT)
    qtbot.waitUntil(lambda: not session.busy and identity.notice.isVisible(), timeout=5000)
    assert notice_shown(identity, session) == "The service system had a problem. Please try again in a moment."
    assert identity.next.isEnabled() and identity.back.isEnabled()
    sandbox.faults.clear()
    qtbot.mouseClick(identity.next, LEFT)
    qtbot.waitUntil(lambda: session.step is Step.CHOOSE_SERVICE, timeout=5000)
    qtbot.mouseClick(screens[Step.CHOOSE_SERVICE].buttons["JSZ-010"], LEFT)
    qtbot.mouseClick(screens[Step.GUIDE].apply, LEFT)
    if session.step is Step.WHO:
        from common.domain import ApplyAs
        qtbot.mouseClick(screens[Step.WHO].options[ApplyAs.MYSELF], LEFT)
    fill_form(gui, None, "")
    provide_materials(gui, None, "")
    qtbot.waitUntil(lambda: session.step is Step.CONFIRM, timeout=10000)
    switched = []

    def at_payment(s) -> None:  # the case is in; the backend goes down as the code is asked for
        if s.step is Step.PAYMENT and not switched:
            switched.append(True)
            sandbox.faults.set("down")

    session.subscribe(at_payment)
    printer = gui.services.devices.receipt_printer
    printer.inject("paper_out")
    qtbot.mouseClick(screens[Step.CONFIRM].confirm, LEFT)
    payment = screens[Step.PAYMENT]
    qtbot.waitUntil(lambda: session.step is Step.PAYMENT and not session.busy and payment.notice.isVisible(),
                    timeout=20000)
    assert notice_shown(payment, session) == ("The payment code cannot be shown now (The service system had a "
                                              "problem. Please try again in a moment.). You can pay at the service "
                                              "window.")
    assert payment.again.isVisible() and payment.again.isEnabled() and payment.later.isEnabled()
    assert not payment.code.isVisible()
    said = payment.what.text().split("\n")  # what the fee is for, which the screen did not say
    assert said == [session.receipt.service_name("zh_CN"), f"办件编号：{session.receipt.case_number}"], said
    sandbox.faults.clear()
    qtbot.mouseClick(payment.again, LEFT)
    qtbot.waitUntil(lambda: session.payment is not None and payment.code.isVisible(), timeout=5000)
    assert not payment.notice.isVisible()
    qtbot.mouseClick(payment.later, LEFT)  # paying later: the receipt would say where, and the printer is empty
    done = screens[Step.DONE]
    qtbot.waitUntil(lambda: session.step is Step.DONE and done.notice.isVisible(), timeout=10000)
    assert notice_shown(done, session) == ("The receipt could not be printed (The receipt printer is out of paper. "
                                           "Please ask the hall staff for help.). Your case number is on the screen; "
                                           "please note it down. The fee is not paid yet: pay it at any terminal of "
                                           "this hall (My applications) or at the service window before you collect "
                                           "the result.")  # the screen says it, as the receipt would have
    number = session.receipt.case_number
    assert done.number.text() == number and sandbox.store.case(number) is not None
    assert done.finish.isEnabled() and done.rate_buttons[5].isEnabled()
    printer.inject("clear")
    gui.services.devices.id_reader.remove_card()
    qtbot.mouseClick(done.finish, LEFT)
    assert session.step is Step.HOME and session.receipt is None and session.identity is None
