"""The touch keys give way to a notice they do not fit beside (ui/keys_give_way.py): on the principal's and the form's
screens, in large English, as on the company's (tests/test_application_ui.py); and the title to the field being typed
in. Offscreen, through the widgets, against the sandbox."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from entry import walkthrough as walk
from entry.demo import AGENT_SERVICE, DEMO_PRINCIPAL
from entry.walkthrough import citizen_journey
from kiosk.forms import Keyboard
from kiosk.workflows.citizen import Step
from tests.test_application_ui import to_who
from tests.test_form_refused import AtConfirm, at_confirm, tighten
from common.domain import ApplyAs
from ui.legibility import clipped, cut_short, measure

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


def test_the_title_stands_aside_for_a_chinese_field_s_pinyin_keys_and_its_caption_leads(open_gui, sandbox, qtbot):
    """Before: on an old 4:3 kiosk (1024 x 768) in large text the pinyin keys left the principal's name 71 px, its
    caption out of sight and the field cut; the citizen typed into a box without the words saying what it was for.
    Now the title (and its line) stand aside while that field is typed in, the caption takes the title's type (the
    screen keeps a 30 pt headline), both whole in sight; a field with fewer keys brings the title back."""
    gui = open_gui("kiosk")
    walk.show(gui, 1024, 768)
    walk.toggle_large_text(gui)
    seen = {}

    def at_the_principal() -> None:
        principal = gui.window.view.screens[Step.PRINCIPAL]
        heading = principal.keys_give_way
        walk.tap(principal.name, "principal's name field")
        assert principal.keyboard.kind is Keyboard.CHINESE
        assert not principal.title.isVisible() and heading.headline is principal.name_caption
        assert walk.out_of_sight(principal.name) == ""  # the field whole, its caption above it
        assert measure(gui.window, gui.window.display, True) == []  # the caption is the 30 pt headline
        seen["name"] = principal.name_caption.fontInfo().pixelSize(), principal.id_caption.fontInfo().pixelSize()
        walk.tap(principal.id_number, "principal's ID number field")  # its keys fit beside the title
        assert principal.keyboard.kind is Keyboard.ID_NUMBER
        assert principal.title.isVisible() and heading.headline is None
        assert walk.out_of_sight(principal.id_number) == ""
        assert principal.name_caption.fontInfo().pixelSize() == principal.id_caption.fontInfo().pixelSize()
        seen["id"] = principal.name_caption.fontInfo().pixelSize()

    walk.citizen_journey(gui, AGENT_SERVICE, None, "-agent", apply_as=ApplyAs.AGENT, principal=DEMO_PRINCIPAL,
                         before_principal=at_the_principal)  # then typed in, each field in sight (walk.key_in)
    leading, other = seen["name"]
    assert leading > other == seen["id"], seen  # the leading caption in the title's type, the others in their own


def test_a_heading_that_stood_aside_comes_back_as_it_was(qapp):
    """What was hidden before the heading stood aside stays hidden when it comes back, and its height is asked as
    though it had not stood aside (the keys' room is weighed against it without going back and forth)."""
    from ui.widgets import NoticeLabel, TitleWithNotice, label
    host = QWidget()
    title, applicant, hidden = label("title"), label("subtitle"), label("subtitle")
    title.setText("Residence permit")
    applicant.setText("For Li**")
    hidden.setText("not shown")
    heading = TitleWithNotice(title, NoticeLabel(), applicant, hidden)
    host.setLayout(heading)
    host.show()
    hidden.hide()
    height = heading.height_with_notice(600, notice=False)
    heading.stand_aside(True)
    assert heading.stood_aside and not title.isVisible() and not applicant.isVisible()
    assert heading.height_with_notice(600, notice=False) == height
    heading.stand_aside(False)
    assert not heading.stood_aside and title.isVisible() and applicant.isVisible() and not hidden.isVisible()
