"""The touch keys give way to a notice they do not fit beside (ui/keys_give_way.py): on the principal's and the form's
screens, in large English, as on the company's (tests/test_application_ui.py). Offscreen, through the widgets, against
the sandbox."""

import pytest
from PySide6.QtCore import Qt

from entry.walkthrough import citizen_journey
from kiosk.workflows.citizen import Step
from tests.test_application_ui import to_who
from tests.test_form_refused import AtConfirm, at_confirm, tighten
from common.domain import ApplyAs
from ui.legibility import clipped, cut_short

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def large_english(open_gui, qtbot):
    gui = open_gui("kiosk", terminal={"idle_timeout_s": 60})
    window = gui.window
    window.resize(1280, 800)
    window.show()
    qtbot.mouseClick(window.language_button, LEFT)
    qtbot.mouseClick(window.elderly_button, LEFT)
    return gui


def whole(widget) -> bool:
    return widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect()


def assert_whole_screen(window, screen, *parts) -> None:
    for part in (screen.back, screen.next) + parts:
        assert whole(part), (part.objectName(), part.geometry(), screen.height())
    assert clipped(window) == [] and cut_short(window) == [], (clipped(window), cut_short(window))


def test_the_principal_s_keys_give_way_to_the_register_s_answer_until_a_field_is_touched(large_english, qtbot):
    """Before: "No person is registered with this ID number and name..." beside the title and the ID number's keys
    stacked over Back and Continue pushed them 7 px off the screen."""
    window = large_english.window
    session = window.session
    screens = to_who(large_english, qtbot, "JZ-002")
    qtbot.mouseClick(screens[Step.WHO].options[ApplyAs.AGENT], LEFT)
    principal = screens[Step.PRINCIPAL]
    assert whole(principal.keyboard)  # no notice yet: the keys are there
    principal.keyboard.type_text("USA330185061513")
    principal.name.setText("样例一")
    qtbot.mouseClick(principal.next, LEFT)
    qtbot.waitUntil(lambda: not session.busy and session.notice is not None, timeout=5000)
    qtbot.wait(50)  # the layout settles on the event loop
    assert "No person is registered" in principal.notice.text()
    assert not principal.keyboard.isVisible()  # the keys gave way
    assert_whole_screen(window, principal, principal.notice, principal.id_number)
    qtbot.mouseClick(principal.id_number, LEFT)  # to type again: the keys back, the notice read set aside
    qtbot.wait(50)
    assert principal.keyboard.isVisible() and not principal.notice.isVisible() and session.notice is not None
    assert_whole_screen(window, principal, principal.keyboard, principal.id_number)
    qtbot.mouseClick(principal.keyboard.keys["backspace"], LEFT)  # typed again: the answer no longer applies
    assert session.notice is None and principal.keyboard.isVisible()


def test_the_form_s_keys_give_way_to_a_refusal_and_the_field_in_red_is_in_sight(large_english, qtbot, sandbox):
    """Before: the refusal beside the title and the phone's keys left the part that scrolls 74 px; the phone field in
    red (76 px) was not whole in sight, nor its caption."""
    window = large_english.window
    session, screens = window.session, window.view.screens
    with pytest.raises(AtConfirm):  # through the screens to the confirmation (entry/walkthrough.py)
        citizen_journey(large_english, "GJJ-004", before_confirm=at_confirm)
    tighten(sandbox, "GJJ-004", "phone", r"^139[0-9]{8}$")
    qtbot.mouseClick(screens[Step.CONFIRM].confirm, LEFT)
    qtbot.waitUntil(lambda: session.step is Step.FORM, timeout=10000)
    qtbot.wait(50)
    form = screens[Step.FORM]
    phone = form.rows["phone"]
    assert "did not accept some answers" in form.notice.text() and not form.keyboard.isVisible()
    assert_whole_screen(window, form, form.notice, phone.edit, phone.caption, phone.message)
    qtbot.mouseClick(phone.edit, LEFT)
    qtbot.wait(50)
    assert form.keyboard.isVisible() and not form.notice.isVisible()
    assert_whole_screen(window, form, form.keyboard, phone.edit)
    qtbot.mouseClick(form.keyboard.keys["clear"], LEFT)
    for ch in "13900000001":
        qtbot.mouseClick(form.keyboard.keys[ch], LEFT)
    qtbot.mouseClick(form.next, LEFT)
    assert session.step is Step.CONFIRM
