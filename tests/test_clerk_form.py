"""The service's application form at the window (kiosk/workflows/clerk_form.py): the clerk types it, the kiosk's rules
check it, nothing is accepted while a field is missing or wrong, and the case arrives with it. Against the sandbox
over HTTP with its form check on; the window's panel through its widgets at the end."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from devices.idcard.samples import sample_identity
from kiosk import forms
from kiosk.refusal_reasons import RefusalReason
from kiosk.workflows.clerk import Desk
from sandbox.form_answers import answers
from tests.test_window_draft import _at_the_window, _audited, _saved_at_the_kiosk
from tests.test_window_ui import gui, signed_in  # noqa: F401  (gui: the window's fixture)
from tests.window_steps import checking


def _checking(services, code):
    desk = _at_the_window(services)
    desk.choose_service(code)
    assert desk.step is Desk.CHECKING
    for material in desk.service.materials:
        desk.mark(material.code, True)
    return desk


def test_nothing_is_accepted_while_the_form_is_not_complete(services, sandbox):
    sandbox.app.state.settings["enforce_forms"] = True
    desk = _checking(services, "GJJ-004")
    before = len(sandbox.store.cases_followed_by(desk.identity.id_number))
    assert not desk.form_checked and set(desk.form_messages()) == {"amount", "phone"}
    desk.accept()
    assert desk.step is Desk.CHECKING and desk.result == "" and desk.form_checked
    assert desk.notice.message.render("en") == "The application form has 2 fields to put right, marked in red."
    assert desk.notice.message.render("zh_CN") == "申请表有 2 项需要更正，已用红色标出。"
    assert len(sandbox.store.cases_followed_by(desk.identity.id_number)) == before  # nothing sent
    desk.set_form_value("amount", "fifty thousand")
    desk.set_form_value("phone", "138 0000 0001")
    assert set(desk.form_messages()) == {"amount"}
    assert desk.form_messages()["amount"].render("en") == "Please enter a number, such as 1200 or 35.5"
    desk.set_form_value("amount", "50000")
    desk.accept()
    assert desk.step is Desk.DONE and desk.result.startswith("SQ"), desk.notice
    assert sandbox.store.case_body(desk.result)["form"] == {"amount": 50000, "phone": "13800000001"}


def test_the_card_fills_what_it_can_and_a_typed_field_is_never_overwritten(services, sandbox):
    desk = _checking(services, "JZ-002")
    address = sample_identity("resident").address
    assert desk.form_values == {"residence_address": address}  # the field's prefill names the card's address
    desk.set_form_value("residence_address", "浙江省杭州市西湖区示例路1号")
    desk._company_prefill()  # as when a company is found: the clerk's typing stays
    assert desk.form_values["residence_address"] == "浙江省杭州市西湖区示例路1号"


def test_a_field_is_typed_only_while_the_materials_are_checked(services, sandbox):
    desk = _checking(services, "GJJ-004")
    desk.set_form_value("not_a_field", "x")
    assert "not_a_field" not in desk.form_values
    desk.set_form_value("phone", "13800000001")
    desk.next_applicant()  # the applicant goes: what was typed of theirs too
    assert desk.form_values == {} and not desk.form_checked
    desk.set_form_value("phone", "13800000002")
    assert desk.form_values == {}


def test_a_notice_keeps_the_fields_typed_that_will_do_with_the_saved_application(services, sandbox):
    desk = _at_the_window(services)
    desk.choose_service("GJJ-004")
    desk.scan("M3")
    desk.set_form_value("amount", "50000")
    desk.set_form_value("phone", "1380000")  # half typed when the applicant found a paper missing
    desk.issue_notice()
    assert desk.step is Desk.DONE and desk.result.startswith("GZ"), desk.notice
    (saved,) = services.backend.drafts(desk.identity.id_number)
    assert saved["form"] == {"amount": 50000}
    desk.next_applicant()
    desk.card_read(sample_identity("resident"))
    desk.resume_draft(saved["draft_id"])
    assert desk.step is Desk.CHECKING and desk.form_values == {"amount": "50000"}
    assert set(desk.form_messages()) == {"phone"}


def test_a_kiosks_saved_form_comes_back_into_the_window_form(services, sandbox):
    saved = _saved_at_the_kiosk(services)
    desk = _at_the_window(services)
    desk.resume_draft(saved["draft_id"])
    assert desk.form_values == {"amount": "50000", "phone": "13800000001"} and desk.form_messages() == {}
    assert _audited(services, "draft_resumed") == ["GJJ-004 1 missing"]


def test_the_window_form_is_typed_through_its_fields_and_accept_shows_what_is_wrong(gui, qtbot, sandbox):  # noqa: F811
    sandbox.app.state.settings["enforce_forms"] = True
    view, screen = checking(gui, qtbot, "GJJ-004", fill=False)
    desk = view.desk
    for material in desk.service.materials:
        desk.mark(material.code, True)
    assert screen.form_toggle.isVisible() and screen.form_toggle.text() == "申请表（2 项待填）"
    assert not screen.form.isVisible() and screen.scan.isVisible()
    QTest.mouseClick(screen.accept, Qt.MouseButton.LeftButton)  # the form is not complete: it opens at its first field
    assert desk.step is Desk.CHECKING and screen.form.isVisible() and not screen.scan.isVisible()
    assert screen.form_toggle.text() == "申请材料"
    rows = screen.form.rows
    assert rows["amount"].message.isVisible() and rows["amount"].message.text() == "请填写此项"
    assert rows["amount"].edit.hasFocus()
    redraws = []
    desk.subscribe(lambda _desk: redraws.append(1))
    QTest.keyClicks(rows["amount"].edit, "50000")
    QTest.keyClicks(rows["phone"].edit, "13800000001")
    assert desk.form_values == {"amount": "50000", "phone": "13800000001"}
    assert redraws == [] and screen.form_toggle.text() == "申请材料"  # no redraw of the window for every key
    assert not rows["amount"].message.isVisible() and not rows["phone"].message.isVisible()
    QTest.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk.step is Desk.DONE, timeout=10000)
    assert sandbox.store.case_body(desk.result)["form"] == {"amount": 50000, "phone": "13800000001"}
    assert not screen.form.isVisible() and not screen.form_toggle.isVisible()


def test_every_service_of_the_catalogue_takes_the_sample_answers(services, sandbox):
    """The demo's and the monkey's answers (sandbox/form_answers.py) do for every form the sandbox serves."""
    for service in services.backend.catalogue():
        assert forms.validate_all(service, answers(service)) == {}, service.code


def test_a_matter_not_accepted_needs_no_complete_form_and_its_case_can_only_be_refused(services, sandbox):
    desk = _at_the_window(services)
    desk.choose_service("GJJ-004")
    desk.set_form_value("amount", "50000")
    desk.set_form_value("phone", "1380")  # half typed: not sent
    desk.refuse(RefusalReason.NOT_OUR_REMIT)
    assert desk.step is Desk.DONE and desk.result.startswith("SQ"), desk.notice
    body = sandbox.store.case_body(desk.result)
    assert body["refusing"] is True and body["form"] == {"amount": 50000}
    assert sandbox.store.case(desk.result)["status"] == "not_accepted"


def test_a_case_sent_to_be_refused_is_never_kept_as_a_draft_when_refused_on_arrival(services):
    """The sync worker keeps a case refused on arrival as the applicant's draft (kiosk.drafts.kept_when_refused);
    not a window's 不予受理 case: the applicant was told it is not accepted, nothing is for them to continue."""
    from common.domain import Application
    from kiosk.drafts import from_case

    application = Application(services.backend.service("GJJ-004"), sample_identity("resident"), "T-1",
                              form={"amount": 50000})
    assert from_case(application.payload(), []) is not None
    application.refusing = True
    assert from_case(application.payload(), []) is None
