"""The backend will not take an electronic licence standing for a material (licence_not_held: it is no longer the
applicant's, revoked or transferred since it was fetched): the kiosk goes back to the materials with that one given
back and not offered again, the rest kept; the window unticks it. Against the sandbox over HTTP."""

from kiosk.materials import Checklist, Provided
from kiosk.workflows.citizen import Step
from kiosk.workflows.clerk import Desk
from tests.citizen_steps import provide_materials, walk_to_confirm
from tests.test_window_draft import _at_the_window
from tests.window_steps import fill_form


def transfer(sandbox, licence_id: str, holder: str = "110101199001010011") -> None:
    """The licence changes hands in the backend after the terminal fetched it."""
    with sandbox.store.tx() as db:
        db.execute("UPDATE licences SET holder = ? WHERE licence_id = ?", (holder, licence_id))


def test_a_licence_no_longer_the_applicants_is_given_back_and_the_case_goes_with_its_paper(services, sandbox):
    session = services.new_citizen_session()
    walk_to_confirm(session, "GJJ-004")
    used = session.checklist.licences_by_material()
    assert used == {"M1": "EL000004"}
    pages_before = session.checklist.page_count()
    transfer(sandbox, "EL000004")
    session.confirm()
    assert session.step is Step.MATERIALS, (session.step, session.notice)
    assert "不属于申请人" in session.notice.message.render("zh_CN")
    assert session.checklist["M1"].provided is Provided.NOTHING and "M1" not in session.offered_licences
    assert session.checklist.page_count() == pages_before  # the scans stay
    provide_materials(session)  # M1's paper scanned this time (no licence offered for it)
    assert session.checklist["M1"].provided is Provided.PAGES
    session.confirm()
    assert session.receipt is not None, session.notice
    body = sandbox.store.case_body(session.receipt.case_number)
    assert body["material_licences"] == {} and body["e_licences"] == []
    names = {name for name, _m, _s in sandbox.store.attachments(session.receipt.case_number)}
    assert "M1-1.jpg" in names


def test_the_window_unticks_a_material_whose_licence_was_refused(services, sandbox):
    desk = _at_the_window(services)
    desk.choose_service("GJJ-004")
    fill_form(desk)
    desk.ask_licences()
    desk.agree_licences()
    assert desk.licence_consent == "agreed" and "M1" in desk.offered, desk.notice
    desk.use_licence("M1")
    for code in ("M2", "M3", "M4"):
        desk.mark(code, True)
    transfer(sandbox, "EL000004")
    desk.accept()
    assert desk.step is Desk.CHECKING and desk.result == "", desk.notice
    assert desk.provided["M1"] is False and "M1" not in desk.offered
    assert [e["detail"] for e in services.audit.recent if e["action"] == "licence_refused"] == ["M1"]
    assert len(services.queue.outbox.items(("dead",))) == 1  # the refused try
    desk.mark("M1", True)  # the paper the applicant brought
    desk.accept()
    assert desk.step is Desk.DONE and desk.result.startswith("SQ"), desk.notice
    assert sandbox.store.case_body(desk.result)["material_licences"] == {}
    assert services.queue.outbox.items(("dead",)) == []  # put right: no dead letter left for staff to send again


def test_a_refusal_names_materials_by_code_or_by_licence_and_only_those_a_licence_stands_for(services):
    service = services.backend.service("GJJ-004")
    checklist = Checklist(service)
    checklist.use_licence("M1", {"licence_id": "EL1"})
    checklist.add_page("M2", b"\xff\xd8page")
    assert checklist.refuse_licences({"e_licences.0": "EL1", "material_licences.M2": "x", 7: "y"}) == ["M1"]
    assert checklist["M1"].provided is Provided.NOTHING and checklist["M2"].provided is Provided.PAGES
    checklist.use_licence("M1", {"licence_id": "EL1"})
    assert checklist.refuse_licences({"material_licences.M1": "EL1"}) == ["M1"]
    assert checklist.refuse_licences({"material_licences.M9": "EL1"}) == []
