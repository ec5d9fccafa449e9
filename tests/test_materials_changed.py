"""A service's materials change in the catalogue while an application is under way (a material added, one dropped, one
that an electronic licence no longer stands for): the backend refuses the case naming a material the service no longer
lists (422 ``unknown_material``), or a form field the terminal's copy lacks (422 ``form_invalid``). The kiosk and the
window fetch the service again and keep what was given and still stands; the citizen or the clerk is told which
materials are asked for now and which were left out. Against the sandbox over HTTP."""

import dataclasses
import json

import pytest

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from common.domain import MaterialKind, MaterialRequirement, ServiceItem
from devices.idcard.samples import sample_identity
from kiosk.materials import Checklist, Provided
from kiosk.workflows.citizen import Step
from kiosk.workflows.clerk import Desk
from entry.walkthrough import citizen_journey, key_in
from tests.citizen_steps import walk_to_confirm
from tests.test_form_refused import NEW_FIELD, AtConfirm, at_confirm
from tests.test_window_ui import gui  # noqa: F401  (gui: the window's fixture)
from tests.window_steps import checking, desk_checking

HOLDER = "330106199003071236"  # the sample resident (devices/idcard/samples.py)
LEASE = {"code": "M5", "name_zh": "租赁合同", "name_en": "Lease contract", "required": True, "condition": "",
         "kind": "copy", "pages": 1, "e_licence_type": "", "obtain": "由您本人留存 / kept by you"}


def change_materials(sandbox, code: str, drop: str = "", add: dict | None = None, form: dict | None = None) -> None:
    """The backend's catalogue changes under the terminals: ``code`` no longer lists ``drop`` and lists ``add``
    (and its form gains ``form``)."""
    body = sandbox.store.service(code)
    body["materials"] = [m for m in body["materials"] if m["code"] != drop] + ([add] if add else [])
    if form is not None:
        body["form"] = [*body["form"], form]
    with sandbox.store.tx() as db:
        db.execute("UPDATE services SET body = ? WHERE code = ?", (json.dumps(body, ensure_ascii=False), code))


def _lease_given_and_confirmed(session) -> None:
    """The lease scanned (one page), the materials done, the case confirmed and taken."""
    session.scan_material("M5")
    session.capture_page()
    session.capture_done()
    session.materials_done()
    session.confirm()
    assert session.receipt is not None, session.notice


def _requirement(code, **kw):
    return MaterialRequirement(code, f"材料{code}", f"Material {code}", **kw)


def test_a_checklist_follows_the_catalogue_keeping_what_still_stands():
    held = ServiceItem("T-1", "测试", "Test", "civil", materials=(
        _requirement("A"), _requirement("B", e_licence_type="resident_id"), _requirement("C", e_licence_type="x"),
        _requirement("D", required=False, condition="若有 / if any"), _requirement("E"),
        _requirement("F", required=False, condition="若有 / if any")))
    checklist = Checklist(held)
    checklist.add_page("A", b"\xff\xd8a")
    checklist.use_licence("B", {"licence_id": "L1", "type": "resident_id"})
    checklist.use_licence("C", {"licence_id": "L2", "type": "x"})
    checklist.does_not_apply("D")
    page = bytearray(b"\xff\xd8e")
    checklist.add_page("E", page)
    checklist.does_not_apply("F")
    e_page = checklist["E"].pages[0]
    fresh = ServiceItem("T-1", "测试", "Test", "civil", materials=(
        _requirement("G"), _requirement("A", kind=MaterialKind.ORIGINAL, pages=2),
        _requirement("B", e_licence_type="resident_id"), _requirement("C", e_licence_type="y"), _requirement("D"),
        _requirement("F", required=False, condition="若有 / if any")))
    changed = checklist.follow(fresh)
    assert checklist.service is fresh and [m.code for m in checklist.items] == ["G", "A", "B", "C", "D", "F"]
    assert [m.requirement for m in checklist.items] == list(fresh.materials)
    provided = {m.code: m.provided for m in checklist.items}
    assert provided == {"G": Provided.NOTHING, "A": Provided.PAGES, "B": Provided.LICENCE, "C": Provided.NOTHING,
                        "D": Provided.NOTHING, "F": Provided.NOT_APPLICABLE}
    assert checklist["A"].pages == [bytearray(b"\xff\xd8a")] and checklist["C"].licence is None
    assert len(e_page) == 0  # the dropped material's page zeroed, not just forgotten
    assert [m.code for m in changed.added] == ["G"] and [m.code for m in changed.reset] == ["C", "D"]
    assert [m.code for m in changed.dropped] == ["E"] and [m.code for m in checklist.pending()] == ["G", "C", "D"]
    assert changed.said().render("en") == ("Now asked for: Material G, Material C, Material D. "
                                           "No longer asked for, left out: Material E.")
    assert changed.said().render("zh_CN") == "现在需要：材料G、材料C、材料D。不再需要，已去掉：材料E。"
    assert not checklist.follow(fresh)  # nothing changed the second time


def test_a_material_dropped_and_one_added_mid_application_the_citizen_provides_the_new_one_and_the_rest_goes(
        services, sandbox):
    session = services.new_citizen_session()
    walk_to_confirm(session, "GJJ-004")  # M1 by licence, M2-M4 scanned
    kept = [a.name for a in session.attachments() if not a.name.startswith("M4-")]
    change_materials(sandbox, "GJJ-004", drop="M4", add=LEASE)
    bank_card = session.checklist["M4"].pages[0]
    session.confirm()  # refused: the bank card's page names a material the service no longer lists
    assert session.step is Step.MATERIALS and not session.busy, session.notice
    assert session.notice.message.render("en") == (
        "The list of materials for this service has changed since you began. Now asked for: Lease contract. "
        "No longer asked for, left out: Your bank card. What you gave is kept.")
    assert "租赁合同" in session.notice.message.render("zh_CN")
    assert [m.code for m in session.checklist.items] == ["M1", "M2", "M3", "M5"] and len(bank_card) == 0
    assert session.service.materials[-1].code == "M5" and session.application.service is session.service
    session.materials_done()  # the lease not dealt with yet: said, and the list stays
    assert session.step is Step.MATERIALS and "租赁合同" in session.notice.message.render("zh_CN")
    session.scan_material("M5")
    session.capture_page()
    session.capture_done()
    session.materials_done()
    assert session.step is Step.CONFIRM, session.notice
    session.back()  # Back from the confirmation: the materials, as the first time through
    assert session.step is Step.MATERIALS
    session.materials_done()
    session.confirm()
    assert session.receipt is not None and not session.receipt.provisional, session.notice
    stored = [name for name, _mime, _sha in sandbox.store.attachments(session.receipt.case_number)]
    assert sorted(stored) == sorted([*kept, "M5-1.jpg"])
    assert sandbox.store.case_body(session.receipt.case_number)["material_licences"] == {
        "M1": session.checklist["M1"].licence["licence_id"]}
    assert services.queue.outbox.items(("dead",)) == []  # the refused try deleted once put right


def test_a_material_only_dropped_goes_back_to_the_list_and_nothing_more_is_asked(services, sandbox):
    session = services.new_citizen_session()
    walk_to_confirm(session, "GJJ-004")
    change_materials(sandbox, "GJJ-004", drop="M3")
    session.confirm()
    assert session.step is Step.MATERIALS and session.checklist.pending() == [], session.notice
    assert session.notice.message.render("en") == ("The list of materials for this service has changed since you "
                                                   "began. No longer asked for, left out: Home purchase invoice. "
                                                   "What you gave is kept.")
    session.materials_done()
    session.confirm()
    assert session.receipt is not None, session.notice
    stored = {name for name, _mime, _sha in sandbox.store.attachments(session.receipt.case_number)}
    assert not any(name.startswith("M3-") for name in stored) and "M4-1.jpg" in stored


def test_a_material_only_added_is_asked_for_the_backend_refusing_the_case_without_it(services, sandbox):
    """Nothing the case names is unknown to the backend, so only its check of the materials brought (422
    ``materials_missing``, sandbox/case_materials.py) tells the kiosk; before it the case went without the lease."""
    session = services.new_citizen_session()
    walk_to_confirm(session, "GJJ-004")
    change_materials(sandbox, "GJJ-004", add=LEASE)
    session.confirm()
    assert session.step is Step.MATERIALS and [m.code for m in session.checklist.pending()] == ["M5"], session.notice
    assert session.notice.message.render("en") == ("The list of materials for this service has changed since you "
                                                   "began. Now asked for: Lease contract. What you gave is kept.")
    _lease_given_and_confirmed(session)
    assert "M5-1.jpg" in {name for name, _mime, _sha in sandbox.store.attachments(session.receipt.case_number)}
    assert services.queue.outbox.items(("dead",)) == []
    # the first try's refusal, put right at once, is not among the citizen's applications as one not accepted
    assert [c.get("case_number") for c in services.backend.cases_of(HOLDER) if "refused" in c] == []


def test_a_materials_refusal_the_catalogue_does_not_bear_out_is_said_as_it_is(services, sandbox, monkeypatch):
    """A refusal naming materials missing while the service, fetched again, asks for nothing the case lacks (the
    backend's catalogue and its check at odds): the citizen hears the backend's words on the failure screen, not
    that something changed, and what they gave stays."""
    session = services.new_citizen_session()
    walk_to_confirm(session, "GJJ-004")
    change_materials(sandbox, "GJJ-004", add=LEASE)  # the check at submission sees the lease
    fetch = session._backend.service  # the service fetched again does not list it
    monkeypatch.setattr(session._backend, "service", lambda code: dataclasses.replace(
        fetch(code), materials=tuple(m for m in fetch(code).materials if m.code != "M5")))
    session.confirm()
    assert session.step is Step.FAILED and not session.busy, session.notice
    assert "Lease contract" in session.notice.message.render("en")
    assert [m.code for m in session.checklist.items] == ["M1", "M2", "M3", "M4"]


def test_a_field_and_a_material_added_the_citizen_fills_the_form_then_the_materials(services, sandbox):
    session = services.new_citizen_session()
    walk_to_confirm(session, "GJJ-004")
    change_materials(sandbox, "GJJ-004", add=LEASE, form=NEW_FIELD)
    session.confirm()  # refused for the field this terminal's form lacks: the service again, its materials too
    assert session.step is Step.FORM and not session.correcting_form and set(session.form_messages()) == {"new_field"}
    assert session.notice.message.render("en") == ("The form and the materials of this service have changed since "
                                                   "you began: please fill in the fields marked in red; the "
                                                   "materials come next.")
    session.set_form_value("new_field", "张三")
    session.submit_form()
    assert session.step is Step.MATERIALS and [m.code for m in session.checklist.pending()] == ["M5"], session.notice
    assert session.notice.message.render("en") == ("The list of materials for this service has changed since you "
                                                   "began. Now asked for: Lease contract. What you gave is kept.")
    session.back()  # and Back to the form: said once, not again on the way back in
    session.submit_form()
    assert session.step is Step.MATERIALS and session.notice is None
    _lease_given_and_confirmed(session)
    body = sandbox.store.case_body(session.receipt.case_number)
    assert body["form"]["new_field"] == "张三"
    assert "M5-1.jpg" in {name for name, _mime, _sha in sandbox.store.attachments(session.receipt.case_number)}


def test_a_service_that_cannot_be_fetched_again_ends_on_the_failure_screen_with_nothing_lost(services, sandbox):
    session = services.new_citizen_session()
    walk_to_confirm(session, "GJJ-004")
    change_materials(sandbox, "GJJ-004", drop="M4")
    with sandbox.store.tx() as db:  # and then withdrawn from the catalogue altogether
        db.execute("DELETE FROM services WHERE code = ?", ("GJJ-004",))
    session.confirm()
    assert session.step is Step.FAILED and not session.busy
    assert [m.code for m in session.checklist.items] == ["M1", "M2", "M3", "M4"]  # held as it was
    assert "Traceback" not in session.notice.message.render("en")


def test_the_window_follows_a_changed_list_keeping_the_scans_and_ticks_that_still_stand(services, sandbox):
    desk = desk_checking(services, "GJJ-004")
    desk.scan("M2")
    desk.scan("M4")
    desk.mark("M1", True)
    desk.mark("M3", True)  # kept by the hall on paper
    change_materials(sandbox, "GJJ-004", drop="M4", add=LEASE)
    desk.accept()  # refused: the bank card's scan names a material the service no longer lists
    assert desk.step is Desk.CHECKING and not desk.busy and desk.result == "", desk.notice
    said = desk.notice.message.render("en")
    assert said == ("The materials of this service have changed: check them with the applicant. Now asked for: "
                    "Lease contract. No longer asked for, left out: Your bank card.")
    assert desk.provided == {"M1": True, "M2": True, "M3": True, "M5": False}
    assert [m.code for m in desk.missing()] == ["M5"] and desk.scanned("M2") is not None
    assert any(e["action"] == "materials_changed" and e["detail"] == "+M5 -M4" for e in desk._audit.recent)
    desk.accept()  # the lease is missing: no acceptance
    assert desk.step is Desk.CHECKING and desk.result == ""
    desk.scan("M5")
    desk.accept()
    assert desk.step is Desk.DONE and desk.result.startswith("SQ"), desk.notice
    stored = [name for name, _mime, _sha in sandbox.store.attachments(desk.result)]
    assert sorted(stored) == ["M2-1.jpg", "M5-1.jpg"]
    assert sandbox.store.case_body(desk.result)["counter_checked"] == ["M1", "M3"]  # ticked on paper, kept by the hall


def test_the_window_told_of_a_material_only_added_asks_for_it(services, sandbox):
    """The backend's check of the materials brought (422 ``materials_missing``) is the only word of a material
    added: the window fetches the service again and the clerk is told which one, the ticks kept."""
    desk = desk_checking(services, "GJJ-004")
    for code in ("M1", "M2", "M3", "M4"):
        desk.mark(code, True)
    change_materials(sandbox, "GJJ-004", add=LEASE)
    desk.accept()
    assert desk.step is Desk.CHECKING and desk.result == "", desk.notice
    assert desk.notice.message.render("en") == ("The materials of this service have changed: check them with the "
                                                "applicant. Now asked for: Lease contract.")
    assert [m.code for m in desk.missing()] == ["M5"]
    desk.mark("M5", True)
    desk.accept()
    assert desk.step is Desk.DONE and desk.result.startswith("SQ"), desk.notice
    assert sandbox.store.case_body(desk.result)["counter_checked"] == ["M1", "M2", "M3", "M4", "M5"]


def _at_the_confirmation(open_gui, sandbox):
    """The kiosk's window, a citizen at the confirmation of GJJ-004 through the screens (entry/walkthrough.py)."""
    kiosk = open_gui("kiosk")
    with pytest.raises(AtConfirm):
        citizen_journey(kiosk, "GJJ-004", before_confirm=at_confirm)
    return kiosk.window.session, kiosk.window.view.screens


def test_the_kiosks_materials_screen_lists_the_changed_materials(open_gui, qtbot, sandbox):
    session, screens = _at_the_confirmation(open_gui, sandbox)
    change_materials(sandbox, "GJJ-004", drop="M4", add=LEASE)
    qtbot.mouseClick(screens[Step.CONFIRM].confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.step is Step.MATERIALS and not session.busy, timeout=10000)
    materials = screens[Step.MATERIALS]
    assert set(materials.rows) == {"M1", "M2", "M3", "M5"}, materials.rows  # built again for the list as it is now
    assert materials.rows["M5"].card.isVisible() and "租赁合同" in materials.rows["M5"].name.text()
    assert materials.notice.isVisible()
    assert "材料清单有所变更" in materials.notice.text()
    assert "本人银行卡" in materials.notice.text() and "租赁合同" in materials.notice.text()
    visible = [row.name.text() for row in materials._pool if row.card.isVisible()]
    assert len(visible) == 4 and not any("本人银行卡" in name for name in visible)
    qtbot.mouseClick(materials.rows["M5"].scan, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.step is Step.CAPTURE, timeout=5000)
    session.capture_page()  # the camera screen's own test drives its buttons (tests/test_capture_ui.py)
    qtbot.waitUntil(lambda: not session.busy, timeout=10000)
    session.capture_done()
    qtbot.waitUntil(lambda: session.step is Step.MATERIALS, timeout=5000)
    assert "已拍" in materials.rows["M5"].status.text() or materials.rows["M5"].status.text(), \
        materials.rows["M5"].status.text()
    qtbot.mouseClick(materials.next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.step is Step.CONFIRM, timeout=5000)
    qtbot.mouseClick(screens[Step.CONFIRM].confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.receipt is not None, timeout=15000)
    stored = {name for name, _mime, _sha in sandbox.store.attachments(session.receipt.case_number)}
    assert "M5-1.jpg" in stored and not any(name.startswith("M4-") for name in stored)


def test_the_kiosks_form_screen_shows_a_field_added_mid_application(open_gui, qtbot, sandbox):
    session, screens = _at_the_confirmation(open_gui, sandbox)
    change_materials(sandbox, "GJJ-004", form=NEW_FIELD)
    qtbot.mouseClick(screens[Step.CONFIRM].confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.step is Step.FORM and not session.busy, timeout=10000)
    form = screens[Step.FORM]
    assert "new_field" in form.rows, list(form.rows)  # the screen built again for the form as it is now
    row = form.rows["new_field"]
    assert row.message.isVisible() and row.edit.isVisible()
    key_in(form.keyboard, row.edit, "张三", "contact person")  # as the walkthrough types a Chinese field
    assert session.form_values["new_field"] == "张三" and not row.message.isVisible()
    qtbot.mouseClick(form.next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.step is Step.CONFIRM, timeout=5000)
    qtbot.mouseClick(screens[Step.CONFIRM].confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.receipt is not None, timeout=15000)
    assert sandbox.store.case_body(session.receipt.case_number)["form"]["new_field"] == "张三"


def test_the_windows_list_shows_the_materials_as_they_are_now(gui, qtbot, sandbox):  # noqa: F811
    gui.window.toggle_language()  # large English at 1280x800: the list is smallest beside a long notice
    gui.window.toggle_elderly()
    view, screen = checking(gui, qtbot, "GJJ-004")
    desk = view.desk
    desk.scan("M4")
    qtbot.waitUntil(lambda: not desk.busy and desk.scanned("M4") is not None, timeout=10000)
    for code in ("M1", "M2", "M3"):
        desk.mark(code, True)
    change_materials(sandbox, "GJJ-004", drop="M4", add=LEASE)
    QTest.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk.step is Desk.CHECKING and not desk.busy and desk.notice is not None, timeout=10000)
    listed = [screen.materials.item(i).text() for i in range(screen.materials.count())]
    assert len(listed) == 4 and "Lease contract" in listed[-1] and not any("bank card" in n for n in listed), listed
    assert screen.materials.item(3).checkState() == Qt.CheckState.Unchecked
    said = screen.notice.text()
    assert "materials of this service have changed" in said and "Your bank card" in said, said
    assert gui.window.size().toTuple() == (1280, 800)
    assert not screen.accept.isEnabled() and screen.issue.isEnabled()  # the lease is missing
    # the material asked for now chosen and in sight, for the clerk to scan (the list is two rows high beside a
    # long notice in large English)
    lease = screen.materials.item(3)
    assert screen.scan.code == "M5" and screen.materials.currentItem() is lease
    qtbot.waitUntil(lambda: screen.materials.viewport().rect().contains(screen.materials.visualItemRect(lease)),
                    timeout=2000)  # whole, once the window is laid out with the notice


def _at_the_notice(services):
    """A citizen at the one-time notice of GJJ-004: the licence used, the purchase contract not brought, the invoice
    and the bank card scanned."""
    session = services.new_citizen_session()
    walk_to_confirm(session, "GJJ-004")
    session.back()
    assert session.step is Step.MATERIALS
    session.material_not_brought("M2")
    session.materials_done()
    assert session.step is Step.INCOMPLETE, session.notice
    return session


def test_a_notice_naming_a_material_no_longer_listed_goes_back_to_the_list_as_it_is_now(services, sandbox):
    session = _at_the_notice(services)
    change_materials(sandbox, "GJJ-004", drop="M2")  # the contract the citizen did not bring is no longer asked for
    session.leave_with_notice()  # refused: the notice lists a material the service no longer has
    assert session.step is Step.MATERIALS and not session.busy, session.notice
    assert session.notice.message.render("en").startswith("The list of materials for this service has changed")
    with sandbox.store.tx() as db:
        assert db.execute("SELECT COUNT(*) FROM notices").fetchone()[0] == 0  # none recorded for the old list
    assert session.checklist.complete
    session.materials_done()  # nothing is missing now: on to the confirmation, no notice needed
    assert session.step is Step.CONFIRM, session.notice
    session.confirm()
    assert session.receipt is not None and not session.receipt.provisional, session.notice


def test_a_notice_refused_whose_service_cannot_be_fetched_again_is_said_at_the_notice(services, sandbox):
    session = _at_the_notice(services)
    change_materials(sandbox, "GJJ-004", drop="M2")
    with sandbox.store.tx() as db:  # and then withdrawn from the catalogue altogether
        db.execute("DELETE FROM services WHERE code = ?", ("GJJ-004",))
    session.leave_with_notice()
    assert session.step is Step.INCOMPLETE and not session.busy
    assert session.notice.message.render("en").startswith("The notice could not be printed")
    assert session.checklist["M2"].provided is Provided.NOT_BROUGHT  # held as it was: nothing lost


def test_the_windows_notice_naming_a_material_no_longer_listed_brings_the_list_as_it_is_now(services, sandbox):
    desk = desk_checking(services, "GJJ-004")
    for code in ("M1", "M3", "M4"):
        desk.mark(code, True)
    change_materials(sandbox, "GJJ-004", drop="M2")  # the contract the applicant did not bring: no longer asked
    desk.issue_notice()
    assert desk.step is Desk.CHECKING and not desk.busy and desk.missing() == [], desk.notice
    assert desk.notice.message.render("en").endswith("No longer asked for, left out: Home purchase contract.")
    desk.accept()  # nothing is missing now: accepted, no notice needed
    assert desk.step is Desk.DONE and desk.result.startswith("SQ"), desk.notice


def test_a_draft_naming_a_material_no_longer_listed_is_saved_with_what_the_service_still_lists(services, sandbox):
    session = _at_the_notice(services)  # the contract not brought; the invoice and the bank card scanned
    change_materials(sandbox, "GJJ-004", drop="M3")  # the invoice the citizen scanned is no longer asked for
    session.leave_with_notice()  # the notice lists the contract alone: recorded; the draft names the invoice
    assert session.step is Step.DONE and not session.notice.error, session.notice
    said = session.notice.message.render("en")
    assert "bring everything" not in said and "could not be kept" not in said, said  # kept: not all again
    (saved,) = services.backend.drafts(HOLDER)
    assert "M3" not in saved["materials_done"] and "M4" in saved["materials_done"] and saved["missing"] == ["M2"]
    assert sorted(a["name"] for a in saved["attachments"]) == ["M4-1.jpg"]


def test_the_window_asks_the_catalogue_again_for_each_applicant(services, sandbox):
    desk = desk_checking(services, "GJJ-004")  # signed in with the catalogue as it was
    desk.next_applicant()
    change_materials(sandbox, "GJJ-004", drop="M4", add=LEASE)  # the hall changes it during the day
    desk.card_read(sample_identity("resident"))
    desk.choose_service("GJJ-004")
    assert [m.code for m in desk.service.materials] == ["M1", "M2", "M3", "M5"]  # chosen as it is now
    with sandbox.store.tx() as db:  # the catalogue not answered for the next one: the one held stays
        db.execute("DELETE FROM services")
    desk.next_applicant()
    desk.card_read(sample_identity("resident"))
    desk.choose_service("GJJ-004")
    assert desk.service is not None and desk.service.materials[-1].code == "M5"


def test_the_window_follows_a_form_and_a_list_changed_together(services, sandbox):
    desk = desk_checking(services, "GJJ-004")
    for code in ("M1", "M2", "M3", "M4"):
        desk.mark(code, True)
    change_materials(sandbox, "GJJ-004", add=LEASE, form=NEW_FIELD)
    desk.accept()  # refused for the field the window's form lacks: the service again, its materials too
    assert desk.step is Desk.CHECKING and not desk.busy and desk.result == "", desk.notice
    assert desk.form_refused == {"new_field": ""} and desk.provided["M5"] is False and desk.provided["M1"]
    assert desk.notice.message.render("en") == (
        "The application form and the materials of this service have changed: fill in the fields marked in red with "
        "the applicant, and check the materials. Now asked for: Lease contract.")
    desk.set_form_value("new_field", "Li Si")
    desk.mark("M5", True)  # the hall keeps the lease on paper
    desk.accept()
    assert desk.step is Desk.DONE and sandbox.store.case_body(desk.result)["form"]["new_field"] == "Li Si"


def test_a_draft_refused_so_whose_service_cannot_be_fetched_is_not_queued_to_be_refused_again():
    """kiosk.drafts.keep's branch alone: the backend refuses the save (422 unknown_material), then does not answer
    when the service is asked for again. Queued as it is, the draft would be refused on arrival: the refusal stands."""
    from common.backend_errors import OfflineError, RejectedError
    from kiosk import drafts

    class Backend:
        def save_draft_payload(self, body, pages, upload_within_s=None, within_s=None):
            raise RejectedError(code="unknown_material", fields={"materials_done.0": "M3"})

        def service(self, code):
            raise OfflineError("no answer")

    class Submitter:
        queued: list = []
        deliver_timeout_s = 15.0

        def waiting_for(self, id_number):
            return False

        def queue_draft(self, body, pages):
            self.queued.append(body)

    draft = drafts.ToSave({"id_number": HOLDER, "service_code": "GJJ-004", "materials_done": ["M3"], "missing": []},
                          [])
    submitter = Submitter()
    with pytest.raises(RejectedError) as refused:
        drafts.keep(Backend(), submitter, draft)
    assert refused.value.code == "unknown_material" and submitter.queued == []
