"""The done screen in large English with the longest notice it shows (a receipt not printed, the fee still to pay)
and the five levels of the rating: nothing cut short (kiosk bench ui-monkey --ipp-printer --whole-words, seed 847,
step 503). The caption over the number gives way where it does not fit, and only there."""

from PySide6.QtCore import Qt

from common.domain import ApplyAs
from devices.idcard.samples import sample_identity
from kiosk.workflows.citizen import Step
from tests.citizen_steps import FORMS, signature_png
from ui.legibility import clipped, cut_short

LEFT = Qt.MouseButton.LeftButton


def to_confirm_with_a_fee(session, qtbot) -> None:
    """JSZ-010 (a fee) applied for on the GUI's own session, each step's answer waited for."""
    def then(call, *args) -> None:
        call(*args)
        qtbot.waitUntil(lambda: not session.busy, timeout=20000)

    then(session.start_with_card, "apply")
    then(session.agree_consent)
    then(session.card_read, sample_identity("resident"))
    then(session.continue_to_services)
    then(session.choose_service, "JSZ-010")
    then(session.start_application)
    if session.step is Step.WHO:
        then(session.choose_applicant, ApplyAs.MYSELF)
    for name, value in FORMS["JSZ-010"].items():
        session.set_form_value(name, value)
    then(session.submit_form)
    if session.step is Step.LICENCE_CONSENT:
        then(session.agree_licences)
    for material in session.checklist.items:
        if material.code in session.offered_licences:
            then(session.use_licence, material.code)
        elif material.conditional:
            then(session.material_does_not_apply, material.code)
        elif material.requirement.required:
            then(session.scan_material, material.code)
            for _ in range(material.requirement.pages):
                then(session.capture_page)
            then(session.capture_done)
    then(session.materials_done)
    if session.step is Step.SIGNATURE:
        then(session.sign, signature_png())
    assert session.step is Step.CONFIRM, (session.step, session.notice)


def test_the_done_screen_s_longest_notice_fits_in_large_english(open_gui, qtbot):
    gui = open_gui("kiosk", terminal={"idle_timeout_s": 600})
    window, session = gui.window, gui.window.session
    gui.services.devices.receipt_printer.inject("paper_out")
    to_confirm_with_a_fee(session, qtbot)
    qtbot.mouseClick(window.view.screens[Step.CONFIRM].confirm, LEFT)
    qtbot.waitUntil(lambda: session.step is Step.PAYMENT and not session.busy, timeout=20000)
    qtbot.mouseClick(window.view.screens[Step.PAYMENT].later, LEFT)
    qtbot.waitUntil(lambda: session.step is Step.DONE and not session.busy, timeout=20000)
    done = window.view.screens[Step.DONE]
    qtbot.mouseClick(window.language_button, LEFT)
    qtbot.wait(50)  # the layout settles on the event loop
    assert done.notice.text().startswith("The receipt could not be printed (The receipt printer is out of paper.")
    assert done.caption.isVisible() and done.caption.text() == "Your case number"  # it fits in standard text
    assert cut_short(window) == [] and clipped(window) == []
    qtbot.mouseClick(window.elderly_button, LEFT)
    qtbot.wait(50)
    assert not done.caption.isVisible() and done.number.isVisible() and done.notice.isVisible()
    assert all(button.isVisible() for button in done.rate_buttons.values()) and done.finish.isVisible()
    assert cut_short(window) == [] and clipped(window) == [], (cut_short(window), clipped(window))
    qtbot.mouseClick(window.elderly_button, LEFT)  # standard text again: the caption back
    qtbot.wait(50)
    assert done.caption.isVisible()
    assert window.size().toTuple() == (1280, 800)
