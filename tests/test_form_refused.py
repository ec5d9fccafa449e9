"""The backend refuses a form the terminal's check passed (its catalogue changed under the terminal: a field became
required, a pattern tightened): the citizen at the kiosk, or the clerk at the window, is taken to the form with the
refused fields marked, and nothing else they gave is lost. Against the sandbox over HTTP; the kiosk's form screen and
the window's panel through their widgets."""

import json

import pytest

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from common.backend_errors import RejectedError
from common.domain import Attachment, FieldType, FormField, ServiceItem
from devices.idcard.samples import sample_identity
from entry.walkthrough import citizen_journey
from kiosk import forms
from kiosk.workflows.citizen import Step
from kiosk.workflows.clerk import Desk
from tests.citizen_steps import walk_to_confirm
from tests.test_window_draft import _at_the_window
from tests.test_window_ui import gui, signed_in  # noqa: F401  (gui: the window's fixture)
from tests.window_steps import checking


class AtConfirm(Exception):
    """The walk stopped at the confirmation, its button not yet tapped."""


def at_confirm():
    raise AtConfirm


def tighten(sandbox, code: str, name: str, pattern: str) -> None:
    """The backend's catalogue changes under the terminals: ``name`` of ``code``'s form takes only ``pattern``."""
    body = sandbox.store.service(code)
    for field in body["form"]:
        if field["name"] == name:
            field["pattern"] = pattern
    with sandbox.store.tx() as db:
        db.execute("UPDATE services SET body = ? WHERE code = ?", (json.dumps(body, ensure_ascii=False), code))


def _refusals(sandbox) -> list[dict]:
    with sandbox.store.tx() as db:
        return [dict(row) for row in db.execute("SELECT * FROM refusals")]


def test_refused_values_name_only_the_forms_fields():
    error = RejectedError(code="form_invalid", fields={"form.phone": "does not match the pattern",
                                                       "form.nosuch": "required", "attachments.0": "x", 3: "y"})
    service = ServiceItem("T-1", "测试", "Test", "civil",
                          form=(FormField("phone", "电话", "Phone", FieldType.PHONE, required=True),))
    assert forms.refused_values(error.fields, service, {"phone": "13800000001"}) == {"phone": "13800000001"}
    said = forms.validate_all(service, {"phone": "138 0000 0001"}, {"phone": "13800000001"})
    assert said["phone"].render("en") == "The service system did not accept this; please check it"
    assert said["phone"].render("zh_CN") == "政务服务系统未接受此项，请核对"
    assert forms.validate_all(service, {"phone": "13900000001"}, {"phone": "13800000001"}) == {}


def test_a_citizen_puts_the_refused_field_right_and_the_case_goes_with_everything_else(services, sandbox):
    session = services.new_citizen_session()
    walk_to_confirm(session, "GJJ-004")  # the form, the licence and the scans as the kiosk checked them
    pages = [a.name for a in session.attachments() if isinstance(a, Attachment)]
    tighten(sandbox, "GJJ-004", "phone", r"^139[0-9]{8}$")
    session.confirm()
    assert session.step is Step.FORM and session.correcting_form, session.notice
    said = session.notice.message.render("en")
    assert said == ("The service system did not accept some answers on the form: please check the fields marked in "
                    "red. The rest is kept.")
    assert set(session.form_messages()) == {"phone"}
    session.submit_form()  # the same value again: not taken
    assert session.step is Step.FORM
    session.set_form_value("phone", "13900000001")
    session.submit_form()
    assert session.step is Step.CONFIRM and not session.correcting_form and not session.notice.error
    assert [a.name for a in session.attachments() if isinstance(a, Attachment)] == pages  # nothing given again
    dead = services.queue.outbox.items(("dead",))
    assert len(dead) == 1 and services.queue.outbox._attachment_files(dead[0].id)  # the refused try, its pages
    session.confirm()
    assert session.step in (Step.PAYMENT, Step.PRINTING, Step.DONE) and session.receipt is not None, session.notice
    body = sandbox.store.case_body(session.receipt.case_number)
    assert body["form"]["phone"] == "13900000001" and body["material_licences"]
    # put right and submitted: the refused version is no dead letter for staff to send again, nor kept with its pages
    assert services.queue.outbox.items(("dead",)) == [] and services.queue.outbox.item(dead[0].id) is None
    assert services.queue.outbox._attachment_files(dead[0].id) == []
    # nor the citizen's refused application: the same application, put right, superseded its refusal
    assert sandbox.store.refusals.of_person(sample_identity("resident").id_number) == []
    (refused,) = [r for r in _refusals(sandbox) if r["service_code"] == "GJJ-004"]
    assert refused["superseded_by"] == session.receipt.case_number


def add_field(sandbox, code: str, field: dict, **changes) -> None:
    """The backend's catalogue changes under the terminals: ``code``'s form gains ``field`` (and ``changes`` to the
    service's body, such as other materials)."""
    body = dict(sandbox.store.service(code), **changes)
    body["form"] = [*body["form"], field]
    with sandbox.store.tx() as db:
        db.execute("UPDATE services SET body = ? WHERE code = ?", (json.dumps(body, ensure_ascii=False), code))


NEW_FIELD = {"name": "new_field", "label_zh": "联系人", "label_en": "Contact person", "type": "text", "required": True}


def test_a_field_added_to_the_form_mid_application_is_filled_in_and_the_rest_kept(services, sandbox):
    session = services.new_citizen_session()
    walk_to_confirm(session, "GJJ-004")
    pages = [a.name for a in session.attachments() if isinstance(a, Attachment)]
    add_field(sandbox, "GJJ-004", NEW_FIELD)
    session.confirm()  # refused naming a field this terminal's form has not: the service is fetched again
    assert session.step is Step.FORM and session.correcting_form and not session.busy, session.notice
    assert session.notice.message.render("en").startswith("The form of this service has changed since you began")
    assert [f.name for f in session.service.form][-1] == "new_field" and set(session.form_messages()) == {"new_field"}
    assert session.checklist.service is session.service and session.application.service is session.service
    session.set_form_value("new_field", "张三")
    session.submit_form()
    assert session.step is Step.CONFIRM and not session.notice.error, session.notice
    assert [a.name for a in session.attachments() if isinstance(a, Attachment)] == pages  # nothing given again
    session.confirm()
    assert session.receipt is not None and not session.receipt.provisional, session.notice
    body = sandbox.store.case_body(session.receipt.case_number)
    assert body["form"]["new_field"] == "张三" and body["form"]["phone"] == "13800000001"
    assert services.queue.outbox.items(("dead",)) == []  # the refused try deleted once put right


def test_a_service_fetched_again_stands_in_only_as_the_same_service_with_the_fields():
    from common.domain import MaterialRequirement

    phone = FormField("phone", "电话", "Phone", FieldType.PHONE, required=True)
    added = FormField("contact", "联系人", "Contact", FieldType.TEXT, required=True)
    card = MaterialRequirement("M1", "身份证", "ID card")
    held = ServiceItem("T-1", "测试", "Test", "civil", form=(phone,), materials=(card,))
    fields = {"form.contact": "required", "form.phone": "x", "attachments.0": "y", 3: "z"}
    assert forms.unknown_fields(fields, held) == {"contact"}
    fresh = ServiceItem("T-1", "测试", "Test", "civil", form=(phone, added), materials=(card,))
    assert forms.takes_place_of(fresh, held, {"contact"})
    assert not forms.takes_place_of(fresh, held, {"contact", "other"})  # the answer lacks a field it refused for
    assert not forms.takes_place_of(held, held, set())  # nothing changed that explains the refusal
    assert not forms.takes_place_of(ServiceItem("T-2", "测试", "Test", "civil", form=(phone, added),
                                                materials=(card,)), held, {"contact"})
    # its materials changed too: it stands in, the checklist following them (tests/test_materials_changed.py)
    assert forms.takes_place_of(ServiceItem("T-1", "测试", "Test", "civil", form=(phone, added),
                                            materials=(card, MaterialRequirement("M2", "合同", "Contract"))),
                                held, {"contact"})


def test_the_window_opens_the_form_at_the_refused_field(gui, qtbot, sandbox):  # noqa: F811
    view, screen = checking(gui, qtbot, "GJJ-004")
    desk = view.desk
    for material in desk.service.materials:
        desk.mark(material.code, True)
    tighten(sandbox, "GJJ-004", "phone", r"^139[0-9]{8}$")
    QTest.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not desk.busy, timeout=10000)
    assert desk.step is Desk.CHECKING and desk.result == "" and desk.form_refused == {"phone": "13800000001"}
    assert screen.form.isVisible() and screen.form.rows["phone"].message.text() == "政务服务系统未接受此项，请核对"
    assert "申请表" in screen.notice.text()
    screen.form.rows["phone"].edit.clear()
    QTest.keyClicks(screen.form.rows["phone"].edit, "13900000001")
    assert not screen.form.rows["phone"].message.isVisible()
    QTest.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk.step is Desk.DONE, timeout=10000)
    assert sandbox.store.case_body(desk.result)["form"]["phone"] == "13900000001"


def test_the_window_fetches_a_changed_form_again_and_opens_it_at_the_field_added(gui, qtbot, sandbox):  # noqa: F811
    view, screen = checking(gui, qtbot, "GJJ-004")
    desk = view.desk
    for material in desk.service.materials:
        desk.mark(material.code, True)
    held = desk.service
    add_field(sandbox, "GJJ-004", NEW_FIELD)
    QTest.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk.step is Desk.CHECKING and not desk.busy, timeout=10000)
    assert desk.service is not held and desk.form_refused == {"new_field": ""} and desk.result == ""
    assert desk.checklist.service is desk.service and all(desk.provided.values())  # the ticks kept
    assert screen.form.isVisible() and screen.form.rows["new_field"].message.isVisible()
    assert "申请表" in screen.notice.text() and "已变更" in screen.notice.text(), screen.notice.text()
    QTest.keyClicks(screen.form.rows["new_field"].edit, "Li Si")  # (QTest types Latin keys only)
    QTest.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk.step is Desk.DONE, timeout=10000)
    assert sandbox.store.case_body(desk.result)["form"]["new_field"] == "Li Si"


def test_the_desk_forgets_the_refusal_with_the_service(services, sandbox):
    desk = _at_the_window(services)
    desk.choose_service("GJJ-004")
    desk.form_refused = {"phone": "1"}
    desk.choose_service("GT-001")
    assert desk.form_refused == {}


def test_the_kiosks_form_screen_marks_the_refused_field_until_it_is_typed_again(open_gui, qtbot, sandbox):
    kiosk = open_gui("kiosk")
    session, screens = kiosk.window.session, kiosk.window.view.screens
    with pytest.raises(AtConfirm):  # through the screens to the confirmation (entry/walkthrough.py)
        citizen_journey(kiosk, "GJJ-004", before_confirm=at_confirm)
    tighten(sandbox, "GJJ-004", "phone", r"^139[0-9]{8}$")
    qtbot.mouseClick(screens[Step.CONFIRM].confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.step is Step.FORM, timeout=10000)
    form = screens[Step.FORM]
    phone = form.rows["phone"]
    assert phone.message.isVisible() and phone.message.text() == "政务服务系统未接受此项，请核对"
    assert not form.rows["amount"].message.isVisible()
    assert "其余内容均已保留" in form.notice.text()
    qtbot.mouseClick(form.rows["amount"].edit, Qt.MouseButton.LeftButton)  # the citizen looks at another field
    assert form.keyboard.target is form.rows["amount"].edit
    qtbot.mouseClick(form.next, Qt.MouseButton.LeftButton)  # and goes on with the refused one unchanged
    assert session.step is Step.FORM and form.keyboard.target is phone.edit  # the field in red takes the keys
    qtbot.mouseClick(phone.edit, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(form.keyboard.keys["clear"], Qt.MouseButton.LeftButton)
    for ch in "13900000001":
        qtbot.mouseClick(form.keyboard.keys[ch], Qt.MouseButton.LeftButton)
    assert session.form_values["phone"] == "13900000001" and not phone.message.isVisible()
    qtbot.mouseClick(form.next, Qt.MouseButton.LeftButton)
    assert session.step is Step.CONFIRM
