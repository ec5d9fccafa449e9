"""Two citizens back to back at one kiosk, through the widgets: nothing of the first reaches the second.

The first switches to English and large text, fills part of a form, applies, taps the lowest rating
and walks away while the kiosk asks why. The second must find the hall's language and text size, no
pending rating, no typed field, no page and no trace of the first on screen or on disk."""

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QPushButton

from common.domain import ApplyAs, RatingReason
from common.i18n import language
from entry.walkthrough import provide_materials
from kiosk.workflows.citizen import Step
from tests.citizen_steps import place_card_and_agree
from ui.widgets import LineEdit

LEFT = Qt.MouseButton.LeftButton
FIRST_ID, FIRST_NAME = "330106199003071236", "张测试"


@pytest.fixture
def gui(open_gui):
    return open_gui("kiosk", terminal={"idle_timeout_s": 60})


def to_form(gui, qtbot, code):
    session, screens = gui.window.session, gui.window.view.screens
    qtbot.mouseClick(screens[Step.IDENTIFIED].next, LEFT)
    qtbot.waitUntil(lambda: session.step is Step.CHOOSE_SERVICE, timeout=5000)
    qtbot.mouseClick(screens[Step.CHOOSE_SERVICE].buttons[code], LEFT)
    qtbot.mouseClick(screens[Step.GUIDE].apply, LEFT)
    if session.step is Step.WHO:
        qtbot.mouseClick(screens[Step.WHO].options[ApplyAs.MYSELF], LEFT)


def to_principal(gui, qtbot):
    """A citizen identified applies for another person (JZ-002): the screen for the principal's details."""
    session, screens = gui.window.session, gui.window.view.screens
    place_card_and_agree(gui, qtbot)
    qtbot.mouseClick(screens[Step.IDENTIFIED].next, LEFT)
    qtbot.waitUntil(lambda: session.step is Step.CHOOSE_SERVICE, timeout=5000)
    qtbot.mouseClick(screens[Step.CHOOSE_SERVICE].buttons["JZ-002"], LEFT)
    qtbot.mouseClick(screens[Step.GUIDE].apply, LEFT)
    qtbot.mouseClick(screens[Step.WHO].options[ApplyAs.AGENT], LEFT)
    assert session.step is Step.PRINCIPAL


def evaluation_level(sandbox, case_number):
    """The level the backend recorded for a case."""
    found = sandbox.store.evaluations.of_case(case_number, None)
    return None if found is None else found["level"]


def files_holding(root: Path, needle: bytes) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_the_second_citizen_finds_nothing_of_the_first(gui, qtbot, sandbox, data_dir):
    window, session, screens = gui.window, gui.window.session, gui.window.view.screens

    # -- the first citizen --------------------------------------------------------------------
    place_card_and_agree(gui, qtbot)
    qtbot.mouseClick(window.language_button, LEFT)
    qtbot.mouseClick(window.elderly_button, LEFT)
    assert language() == "en" and window.elderly
    to_form(gui, qtbot, "GT-001")
    form = screens[Step.FORM]
    qtbot.mouseClick(form.rows["phone"].edit, LEFT)
    form.keyboard.type_text("1380000000")
    form.rows["business_scope"].edit.setText("日用百货零售")
    form.keyboard.attach(form.rows["phone"].edit)
    form.keyboard.type_text("1")
    qtbot.mouseClick(form.next, LEFT)
    provide_materials(gui, None, "")
    qtbot.mouseClick(screens[Step.CONFIRM].confirm, LEFT)
    qtbot.waitUntil(lambda: session.step is Step.DONE and not session.busy, timeout=20000)
    first_case = session.receipt.case_number
    done = screens[Step.DONE]
    qtbot.mouseClick(done.rate_buttons[1], LEFT)  # 非常不满意 ... and walks away while asked why
    assert done.reason_buttons[RatingReason.LONG_WAIT].isVisible()
    done.rating.comment.insert("排队太久")  # a few words typed, never sent
    assert session.evaluation.comment == "排队太久"
    gui.services.devices.id_reader.remove_card()
    session.timeout()

    # -- between them ---------------------------------------------------------------------------
    assert session.step is Step.HOME and session.identity is None and session.checklist is None
    assert done.rating.comment.text() == "" and done.rating.words.text() == ""  # the words typed (ui-monkey, seed 120)
    assert language() == "zh_CN" and not window.elderly  # the hall's settings, not the last citizen's
    assert session.rating_low is None and session.drafts_found == [] and session.form_values == {}
    assert form.rows == {} and screens[Step.PRINCIPAL].id_number.text() == ""
    assert screens[Step.CHOOSE_SERVICE].search.text() == ""
    assert screens[Step.SIGNATURE].pad.is_empty()
    materials = screens[Step.MATERIALS]
    assert materials.rows == {}
    assert materials._pool and all(  # the rows kept for the next application hold nothing of this one
        row.card.isHidden() and row.code == "" and row.status.text() == "" and row.name.text() == ""
        for row in materials._pool)
    assert materials.scroll.verticalScrollBar().value() == 0

    # -- the second citizen, on another card -----------------------------------------------------
    place_card_and_agree(gui, qtbot, "hmt_residence")
    assert screens[Step.IDENTIFIED].fields["name"][1].text() == "陈**"
    assert not screens[Step.IDENTIFIED].draft_buttons  # no saved application of anyone else
    to_form(gui, qtbot, "SB-003")
    provide_materials(gui, None, "", licences=False)
    qtbot.mouseClick(screens[Step.CONFIRM].confirm, LEFT)
    qtbot.waitUntil(lambda: session.step is Step.DONE and not session.busy, timeout=20000)
    second_case = session.receipt.case_number
    # the result screen opens on the five levels, not on the first citizen's reasons
    assert done.rate_buttons[5].isVisible() and not done.reason_buttons[RatingReason.LONG_WAIT].isVisible()
    assert done.rating.comment.text() == "" and session.evaluation.comment == ""
    qtbot.mouseClick(done.rate_buttons[5], LEFT)
    qtbot.waitUntil(lambda: "感谢" in done.notice.text(), timeout=5000)
    assert evaluation_level(sandbox, second_case) == 5
    assert evaluation_level(sandbox, first_case) is None  # the first walked away without rating
    session.finish()

    # -- and on disk: nothing of the first citizen in the clear -----------------------------------
    for needle in (FIRST_ID.encode(), FIRST_NAME.encode()):
        assert files_holding(data_dir, needle) == []


def test_the_hidden_identity_screen_keeps_nothing(gui, qtbot):
    """Found by kiosk bench ui-monkey (seeds 1, 2, 4, 5, 6): a session ended and the identity screen, hidden,
    still held the citizen's masked name and ID number: it had no forget, and QLabel's own clear() left our
    Label's text() giving the old text back."""
    session, screens = gui.window.session, gui.window.view.screens
    place_card_and_agree(gui, qtbot)
    identity = screens[Step.IDENTIFIED]
    assert identity.fields["name"][1].text() == "张**"
    gui.services.devices.id_reader.remove_card()
    qtbot.mouseClick(identity.back, LEFT)  # "Not me / cancel": the session ends
    assert session.step is Step.HOME and session.identity is None
    assert [value.text() for _caption, value in identity.fields.values()] == ["", "", ""]


def test_the_hidden_service_list_keeps_nothing_searched(gui, qtbot):
    """Found by kiosk bench ui-monkey (seeds 1, 2, 5, 7): a session ended and the service list, hidden, still
    quoted what the citizen had searched for in "No service matches ..." (the field itself is refilled from
    the session only when the screen is shown again)."""
    session, screens = gui.window.session, gui.window.view.screens
    place_card_and_agree(gui, qtbot)
    qtbot.mouseClick(screens[Step.IDENTIFIED].next, LEFT)
    qtbot.waitUntil(lambda: session.step is Step.CHOOSE_SERVICE, timeout=5000)
    services = screens[Step.CHOOSE_SERVICE]
    qtbot.mouseClick(services.search, LEFT)
    qtbot.keyClicks(services.search, "zzqqxx330106")
    assert services.no_match.isVisible() and "zzqqxx330106" in services.no_match.text()
    gui.services.devices.id_reader.remove_card()
    session.timeout()  # walked away
    assert session.step is Step.HOME and session.service_query == ""
    assert services.search.text() == "" and services.no_match.text() == "" and services.no_match.isHidden()


def test_the_hidden_done_screen_keeps_no_case_number(gui, qtbot):
    """Found by kiosk bench ui-monkey (seed 12): after "Finish" the done screen, hidden, still held the case
    number it had shown, and its notice label the last message, until the next citizen's case."""
    session, screens = gui.window.session, gui.window.view.screens
    place_card_and_agree(gui, qtbot)
    to_form(gui, qtbot, "SB-003")
    provide_materials(gui, None, "", licences=False)
    confirm = screens[Step.CONFIRM]
    assert confirm.materials.count() > 0 and confirm.summary.text() != ""
    qtbot.mouseClick(confirm.confirm, LEFT)
    qtbot.waitUntil(lambda: session.step is Step.DONE and not session.busy, timeout=20000)
    done = screens[Step.DONE]
    number = session.receipt.case_number
    assert done.number.text() == number
    qtbot.mouseClick(done.rate_buttons[5], LEFT)
    qtbot.waitUntil(lambda: done.notice.isVisible(), timeout=5000)
    gui.services.devices.id_reader.remove_card()
    qtbot.mouseClick(done.finish, LEFT)
    assert session.step is Step.HOME and session.receipt is None
    assert done.number.text() == "" and done.notice.text() == "" and done.notice.isHidden()
    assert confirm.materials.count() == 0 and confirm.summary.text() == ""  # the answers checked before submitting


def test_the_hidden_licence_list_keeps_no_case_number(gui, qtbot):
    """Found by kiosk bench ui-monkey (seed 10): after "Back to start" the licence list, hidden, still held a
    button per licence of the citizen, each naming its case number, until the next citizen's licences."""
    session, screens = gui.window.session, gui.window.view.screens
    qtbot.mouseClick(screens[Step.HOME].licence_button, LEFT)
    qtbot.mouseClick(screens[Step.CONSENT].agree, LEFT)
    gui.services.devices.id_reader.place_card("resident")
    qtbot.waitUntil(lambda: session.step is Step.LICENCES and not session.busy, timeout=10000)
    licences = screens[Step.LICENCES]
    assert licences.buttons and all("SQ" in b.text() for b in licences.buttons.values())
    assert licences.hint.isVisible() and "确认后才会打印" in licences.hint.text()  # what a tap does
    gui.services.devices.id_reader.remove_card()
    qtbot.mouseClick(licences.back, LEFT)
    assert session.step is Step.HOME and session.licences == []
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # what the screen let go of is deleted
    assert licences.buttons == {} and not [b for b in licences.findChildren(QPushButton) if "SQ" in b.text()]


def test_the_hidden_progress_screen_keeps_no_case(gui, qtbot):
    """Found by kiosk bench ui-monkey (seed 10): a receipt's code shown at the home screen, then "Back to start":
    the progress screen, hidden, still held the case's number, status and history for the next citizen."""
    session, screens = gui.window.session, gui.window.view.screens
    gui.services.devices.qr_scanner.present("OTR1:SQ2026112000007")
    qtbot.waitUntil(lambda: session.step is Step.PROGRESS and not session.busy, timeout=10000)
    progress = screens[Step.PROGRESS]
    assert "SQ2026112000007" in progress.title.text() and progress.history.count() > 0
    qtbot.mouseClick(progress.back, LEFT)
    assert session.step is Step.HOME and session.progress is None
    assert [w.text() for w in (progress.title, progress.service, progress.status, progress.next)] == ["", "", "", ""]
    assert progress.history.count() == 0


def test_the_hidden_form_keeps_no_principals_name(gui, qtbot, sandbox):
    """Found by kiosk bench ui-monkey (seed 300, once it could key a principal's details in): an agent reached the
    form for another person and walked away; the form, hidden, still said "For 李**, as their agent" (its
    forget let the fields go, not the line above them)."""
    from entry.demo import DEMO_PRINCIPAL
    from entry.walkthrough import principal_step

    session, screens = gui.window.session, gui.window.view.screens
    to_principal(gui, qtbot)
    principal_step(gui, DEMO_PRINCIPAL, None, "")
    qtbot.waitUntil(lambda: session.step is Step.FORM and not session.busy, timeout=10000)
    form = screens[Step.FORM]
    assert "李**" in form.applicant.text() and form.title.text() != ""
    gui.services.devices.id_reader.remove_card()
    session.timeout()  # walked away
    assert session.step is Step.HOME and session.principal is None
    assert form.applicant.text() == "" and form.title.text() == ""


def test_the_principal_s_details_cannot_be_brought_back_by_undo_or_paste(gui, qtbot):
    """Qt's ``QLineEdit.clear()`` is an edit that ``undo()`` reverses: the principal's ID number and name, cleared
    when the agent walked away, came back with Ctrl+Z (or "Undo" in the field's context menu) for the next citizen;
    and what was copied stayed on the clipboard."""
    from PySide6.QtGui import QGuiApplication

    from entry.walkthrough import key_in

    session, screens = gui.window.session, gui.window.view.screens
    to_principal(gui, qtbot)
    principal = screens[Step.PRINCIPAL]
    key_in(principal.keyboard, principal.id_number, "330106198512300013", "principal's ID number field")
    key_in(principal.keyboard, principal.name, "李测试", "principal's name field")
    qtbot.keyClick(principal.id_number, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(principal.id_number, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "330106198512300013"
    gui.services.devices.id_reader.remove_card()
    session.timeout()  # walked away
    assert session.step is Step.HOME
    assert QGuiApplication.clipboard().text() == ""
    for field in (principal.id_number, principal.name):
        assert field.text() == "" and not field.isUndoAvailable()
        qtbot.keyClick(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert field.text() == ""


def test_a_field_emptied_key_by_key_keeps_no_undo_history_for_the_next(gui, qtbot):
    """A principal's ID number typed and then taken back with the touch keyboard's Backspace, key by key, leaves
    the field as empty as the kiosk wants it, but Backspace is an edit like any other: Ctrl+Z would give the digits
    back. Two things empty the history at home: the screen's ``forget`` (``LineEdit.clear`` sets the text) and, for a
    field some screen's ``forget`` misses, ui/kiosk_view.py ``forget_histories``; this checks the outcome, every
    field of the kiosk."""
    from entry.walkthrough import key_in, tap

    session, screens = gui.window.session, gui.window.view.screens
    to_principal(gui, qtbot)
    principal = screens[Step.PRINCIPAL]
    key_in(principal.keyboard, principal.id_number, "330106198512300013", "principal's ID number field")
    for _ in range(18):
        tap(principal.keyboard.keys.get("backspace"), "keyboard's backspace key")
    assert principal.id_number.text() == "" and principal.id_number.isUndoAvailable()
    gui.services.devices.id_reader.remove_card()
    session.timeout()  # walked away
    assert session.step is Step.HOME
    field = principal.id_number
    qtbot.keyClick(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert field.text() == ""
    remembering = [edit.objectName() or type(edit.parent()).__name__ for edit in gui.window.view.findChildren(LineEdit)
                   if edit.isUndoAvailable() or edit.isRedoAvailable()]
    assert remembering == []
