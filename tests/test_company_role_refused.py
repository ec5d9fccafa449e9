"""The company's register changes between the look-up and the submission (the citizen was made its legal
representative, or their authorisation as its handler was withdrawn): the kiosk refused with 422 company_role takes
the citizen back to the company's screen, the code kept; looked up again in the role it now gives, the application
goes back to the confirmation with everything else kept. Against the sandbox over HTTP."""

import json

from common.domain import CompanyRole
from kiosk.workflows.citizen import Step
from tests.citizen_steps import FORMS, fill_form, provide_materials
from tests.test_application_session import COMPANY
from tests.test_materials_session import identify

HANDLER = "330106199003071236"  # the sample resident, the company's authorised handler in the sandbox


def register(sandbox, **changes) -> None:
    body = sandbox.store.company(COMPANY)
    body.update(changes)
    with sandbox.store.tx() as db:
        db.execute("UPDATE companies SET body = ? WHERE credit_code = ?", (json.dumps(body, ensure_ascii=False), COMPANY))


def to_confirm_for_the_company(services):
    session = services.new_citizen_session()
    identify(session)
    session.continue_to_services()
    session.choose_service("YZ-007")
    session.start_application()
    session.set_company_code(COMPANY)
    session.look_up_company()
    assert session.company.applicant_role is CompanyRole.AUTHORISED_HANDLER
    session.company_continue()
    fill_form(session, FORMS["YZ-007"])
    provide_materials(session)
    return session


def test_a_role_changed_since_the_look_up_is_looked_up_again_and_the_case_goes_in_it(services, sandbox):
    session = to_confirm_for_the_company(services)
    pages, form = session.checklist.page_count(), dict(session.application.form)
    register(sandbox, legal_representative_id=HANDLER, handler_ids=[])  # made its legal representative meanwhile
    session.confirm()
    assert session.step is Step.COMPANY and session.correcting_company and session.company is None
    assert session.company_code == COMPANY and "重新选择企业" in session.notice.message.render("zh_CN")
    session.look_up_company()
    assert session.company.applicant_role is CompanyRole.LEGAL_REPRESENTATIVE
    session.company_continue()
    assert session.step is Step.CONFIRM and not session.notice.error and not session.correcting_company
    assert session.checklist.page_count() == pages and session.application.form == form
    session.confirm()
    assert session.receipt is not None, session.notice
    stored = sandbox.store.case_body(session.receipt.case_number)["applicant"]
    assert (stored["credit_code"], stored["role"]) == (COMPANY, "legal_representative")
    assert services.queue.outbox.items(("dead",)) == []  # the refused try: put right, not left for staff
    assert sandbox.store.refusals.of_person(HANDLER) == []  # nor listed as their refused application: superseded


def test_a_role_withdrawn_since_the_look_up_leaves_the_citizen_at_the_company_told_why(services, sandbox):
    session = to_confirm_for_the_company(services)
    register(sandbox, handler_ids=[])
    session.confirm()
    assert session.step is Step.COMPANY and session.company is None
    session.look_up_company()
    assert session.company is None and "授权" in session.notice.message.render("zh_CN")
    session.company_continue()
    assert session.step is Step.COMPANY  # not in the company's name: the citizen can go back, or ask the staff


def test_the_window_looks_the_company_up_again_when_the_applicants_role_changed(services, sandbox):
    from kiosk.workflows.clerk import Desk
    from tests.test_clerk_company import checking, for_company

    desk = for_company(checking(services, "BDC-005"))
    assert desk.company.applicant_role is CompanyRole.AUTHORISED_HANDLER
    for material in desk.missing():
        desk.mark(material.code, True)
    register(sandbox, legal_representative_id=HANDLER, handler_ids=[])
    desk.accept()
    assert desk.step is Desk.CHECKING and desk.result == "" and desk.company is None and desk.company_code == COMPANY
    assert desk.applicant_problem() is not None  # nothing goes before the company is found again
    desk.look_up_company()
    assert desk.company.applicant_role is CompanyRole.LEGAL_REPRESENTATIVE
    desk.accept()
    assert desk.step is Desk.DONE, desk.notice
    assert sandbox.store.case_body(desk.result)["applicant"]["role"] == "legal_representative"
    assert services.queue.outbox.items(("dead",)) == []
    assert sandbox.store.refusals.of_person(HANDLER) == []  # the same application put right: superseded


def test_at_the_window_the_same_company_looked_up_again_keeps_the_application_another_company_does_not(services):
    """The application's id is what tells the backend a refusal was put right: the same company looked up again
    keeps it, as at the kiosk; the matter moved to another company of the applicant's is another application."""
    from tests.test_clerk_company import checking, for_company

    desk = for_company(checking(services, "BDC-005"))
    first = desk._matter_case().application.id
    desk.look_up_company()  # the same code: a new answer, the same company
    assert desk.company.credit_code == COMPANY and desk._matter_case().application.id == first
    for_company(desk, "92330106MAK2N5D90C")  # the resident is its operator
    assert desk.company is not None and desk.company.credit_code == "92330106MAK2N5D90C"
    assert desk._matter_case().application.id != first
