"""A matter for a company at the window (kiosk/workflows/clerk_company.py), against the sandbox on loopback: the
clerk takes the company by its credit code as the kiosk does, the licences offered are the company's on the
applicant's own consent, the case goes as the kiosk's company case, and nothing of it stays after the matter."""

import pytest

from common.uscc import check_character
from devices.receipt.virtual import render
from devices.idcard.samples import sample_identity
from kiosk.materials import Provided
from kiosk.workflows.clerk import Desk
from tests.window_steps import desk_checking

HOLDER = sample_identity("resident").id_number  # 张测试: an authorised handler of 杭州示例科技有限公司
COMPANY = "91330106MA2H7Q3K8C"  # holds EL000043 (business_licence), EL000047 (property_certificate)
CATERING = "91330102MA2J4R8L6C"  # 张测试 has no role in it
UNKNOWN = "91330100MA0000001" + check_character("91330100MA0000001")  # valid, held by nobody


def checking(services, service="BDC-005"):
    return desk_checking(services, service)


def for_company(desk, code=COMPANY):
    desk.apply_for_company(True)
    desk.set_company_code(code)
    desk.look_up_company()
    return desk


def licence_consents(sandbox):
    return [c for c in sandbox.store.consents(HOLDER) if c["scope"] == "licences"]


def audit_details(desk):
    return " ".join(f"{e['action']} {e['detail']}" for e in desk._audit.recent)


def test_a_companys_matter_takes_the_companys_licences_and_goes_as_the_kiosks_company_case(screen_services, sandbox):
    desk = checking(screen_services)
    assert desk.takes_company() and desk.takes_person() and not desk.for_company
    desk.apply_for_company(True)
    assert desk.for_company and desk.company is None and not desk.can_ask_licences()  # the company first
    desk.mark("M1", True)
    desk.mark("M2", True)
    desk.accept()  # nothing submitted without the company
    assert desk.step is Desk.CHECKING and desk.result == ""
    assert "Look up the company" in desk.notice.message.render("en")
    desk.set_company_code(" 9133 0106ma2h7q3k8c")  # spaces and small letters, as typed
    assert desk.company_code == COMPANY and desk.company_code_message(final=True) is None
    desk.look_up_company()
    assert not desk.busy and desk.company is not None and desk.company.applicant_role.value == "authorised_handler"
    assert not desk.notice.error and "杭州示例科技有限公司" in desk.notice.message.render("zh_CN")
    desk.mark("M2", False)
    desk.ask_licences()
    desk.agree_licences()  # on the applicant's screen
    assert desk.licence_consent == "agreed" and not desk.busy, desk.notice
    [consent] = licence_consents(sandbox)
    assert (consent["id_number"], consent["method"], consent["service_code"]) == (HOLDER, "id_card", "BDC-005")
    # the company's licences: its business licence stands for M2; M1 (resident_id) is the person's, not offered
    assert set(desk.offered) == {"M2"} and desk.licence_offered("M2")["licence_id"] == "EL000043"
    desk.use_licence("M2")
    assert desk.provided["M2"] and desk.checklist["M2"].provided is Provided.LICENCE
    desk.accept()
    assert desk.step is Desk.DONE and desk.result.startswith("SQ"), desk.notice
    body = sandbox.store.case_body(desk.result)
    assert body["applicant"]["type"] == "company" and body["applicant"]["credit_code"] == COMPANY
    assert (body["applicant"]["id_number"], body["applicant"]["role"]) == (HOLDER, "authorised_handler")
    assert body["e_licences"] == ["EL000043"] and body["material_licences"] == {"M2": "EL000043"}
    assert [c["consent_key"] for c in body["consents"]] == [consent["consent_key"]]
    assert desk._matter().company is desk.company  # the receipt and the A4 documents name the company
    assert COMPANY not in audit_details(desk) and HOLDER not in audit_details(desk)
    desk.next_applicant()
    assert (desk.for_company, desk.company_code, desk.company, desk.offered, desk.licence_consent) == (
        False, "", None, {}, "")


def test_without_a_customer_screen_the_clerk_witnesses_the_consent_for_a_company_only_service(services, sandbox):
    desk = checking(services, "QY-008")  # companies only: the matter is a company's from the start
    assert desk.for_company and not desk.takes_person()
    desk.apply_for_company(False)  # not for the applicant themselves
    assert desk.for_company
    desk.set_company_code(COMPANY)
    desk.look_up_company()
    assert desk.company is not None
    desk.ask_licences()
    assert desk.licence_consent == "witnessing"
    desk.agree_licences()
    [consent] = licence_consents(sandbox)
    assert consent["method"] == "clerk_witnessed"
    assert set(desk.offered) == {"M5"} and desk.licence_offered("M5")["licence_id"] == "EL000047"
    desk.use_licence("M5")
    for m in desk.missing():
        desk.mark(m.code, True)
    desk.accept()
    assert desk.step is Desk.DONE, desk.notice
    body = sandbox.store.case_body(desk.result)
    assert body["applicant"]["type"] == "company" and body["material_licences"] == {"M5": "EL000047"}


def test_a_company_only_service_is_neither_accepted_nor_refused_without_its_company(services, sandbox):
    from kiosk.refusal_reasons import RefusalReason

    desk = checking(services, "YZ-007")
    for m in desk.missing():
        desk.mark(m.code, True)
    desk.accept()
    assert desk.step is Desk.CHECKING and desk.notice.error and desk.result == ""
    desk.refuse(RefusalReason.NOT_OUR_REMIT)
    assert desk.step is Desk.CHECKING and desk.result == "" and "Look up the company" in desk.notice.message.render(
        "en")
    for_company(desk)
    desk.accept()
    assert desk.step is Desk.DONE and sandbox.store.case_body(desk.result)["applicant"]["type"] == "company"


def test_a_companys_matter_not_accepted_is_refused_in_the_companys_name(services, sandbox):
    from kiosk.refusal_reasons import RefusalReason

    desk = for_company(checking(services, "YZ-007"))
    desk.refuse(RefusalReason.NOT_OUR_REMIT)
    assert desk.step is Desk.DONE and desk.decision == "not_accepted", desk.notice
    body = sandbox.store.case_body(desk.result)
    assert (body["applicant"]["type"], body["applicant"]["credit_code"]) == ("company", COMPANY)
    assert desk._matter().company is desk.company  # the decision's A4 names the company


def test_the_licences_belong_to_their_holder_another_kind_or_code_drops_them(services, sandbox):
    desk = checking(services)
    desk.ask_licences()
    desk.agree_licences()
    desk.use_licence("M1")  # the applicant's own resident ID
    assert desk.licence_used("M1") is not None
    for_company(desk)  # now the company's matter: the person's licence cannot stand in it
    assert desk.licence_consent == "" and desk.offered == {} and desk.licence_used("M1") is None
    assert not desk.provided["M1"] and desk.company is not None
    desk.ask_licences()
    desk.agree_licences()
    desk.use_licence("M2")
    desk.set_company_code(CATERING)  # another code: the company found and its licences go
    assert desk.company is None and desk.licence_used("M2") is None and desk.offered == {}
    desk.apply_for_company(False)  # back to the applicant themselves
    assert not desk.for_company and desk.company_code == "" and desk.can_ask_licences()
    desk.mark("M1", True)
    desk.mark("M2", True)
    desk.accept()
    assert sandbox.store.case_body(desk.result)["applicant"]["type"] == "person"


def test_a_bad_code_an_unknown_company_and_one_without_a_role_are_said_and_nothing_is_found(services, sandbox):
    desk = checking(services)
    desk.apply_for_company(True)
    desk.set_company_code("91330106MA2H7Q3K8")
    assert desk.company_code_message() is None  # still being typed
    desk.look_up_company()
    assert desk.company is None and desk.notice.error
    desk.set_company_code("91330106MA2H7Q3K8D")  # the check character wrong
    assert "校验" in desk.company_code_message().render("zh_CN")
    desk.look_up_company()
    assert desk.company is None and desk.notice.error
    desk.set_company_code(UNKNOWN)
    desk.look_up_company()
    assert desk.company is None and UNKNOWN in desk.notice.message.render("en") and not desk.busy
    desk.set_company_code(CATERING)
    desk.look_up_company()
    said = desk.notice.message.render("en")
    assert desk.company is None and "neither the legal representative" in said and "张*" in said
    assert "张测试" not in said and CATERING not in audit_details(desk)
    desk.set_company_code(f"https://www.gsxt.gov.cn/index.html?uniscid={COMPANY}&t=1")  # a wedge scanner's QR text
    assert desk.company_code == COMPANY
    desk.look_up_company()
    assert desk.company is not None and desk.company.credit_code == COMPANY


def test_the_backend_away_at_the_look_up_says_so_and_it_can_be_tried_again(services, sandbox):
    desk = checking(services)
    desk.apply_for_company(True)
    desk.set_company_code(COMPANY)
    sandbox.faults.set("down")
    try:
        desk.look_up_company()
    finally:
        sandbox.faults.clear()
    assert desk.company is None and not desk.busy and desk.notice.error
    assert "Traceback" not in desk.notice.message.render("zh_CN")
    desk.look_up_company()
    assert desk.company is not None


@pytest.mark.parametrize("ending", ["sign_out", "sign_out_idle", "card", "service"])
def test_nothing_of_the_company_stays_after_the_matter(services, sandbox, ending):
    desk = for_company(checking(services))
    desk.ask_licences()
    desk.agree_licences()
    desk.use_licence("M2")
    if ending == "card":
        desk.mark("M1", True)
        desk.accept()  # decided: the next card starts the next matter
        assert desk.step is Desk.DONE, desk.notice
        desk.card_read(sample_identity("resident"))
    elif ending == "service":
        desk.choose_service("WS-013")  # a company is chosen for a service
    else:
        getattr(desk, ending)()
    assert (desk.for_company, desk.company_code, desk.company, desk.offered, desk.licence_consent) == (
        False, "", None, {}, "")


def test_a_companys_one_time_notice_names_the_company_under_the_person_who_came(services):
    """The notice's receipt named only the person at the window, and only the company's Chinese name at the kiosk
    (session 16's note): both now print the person, masked, and the company with its code, as the acceptance
    receipt does."""
    desk = for_company(checking(services, "YZ-007"))
    missing = [m.name("zh_CN") for m in desk.missing()]
    desk.issue_notice()
    assert desk.step is Desk.DONE and desk.result.startswith("GZ"), desk.notice
    printer = services.devices.receipt_printer
    text = "\n".join(render(printer.last_bytes, printer.profile).lines)
    assert "申请人：张**" in text.splitlines()  # the lines joined: the printer wraps the company's line
    assert "申请单位：杭州示例科技有限公司（91330106MA2H7Q3K8C）" in text.replace("\n", "")
    assert all(name in text.replace("\n", "") for name in missing)
