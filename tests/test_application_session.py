"""A citizen's application without Qt: consent, who applies, the company, the principal, the form.

Against the sandbox over HTTP; what the backend stored is read back from its store."""

import datetime as dt
import time

from common import uscc
from common.domain import ApplyAs, Identity
from devices.idcard.samples import sample_identity
from devices.receipt.virtual import render
from kiosk.receipts import citizen_receipt
from kiosk.workflows.citizen import Step
from tests.citizen_steps import FORMS, fill_form, identify, provide_materials, walk_to_confirm

LEGAL_REP = "330108197812220012"   # 吴示例: legal representative of 91330106MA2H7Q3K8C
HANDLER = "330106199003071236"     # 张测试 (the sample card): its authorised handler
COMPANY = "91330106MA2H7Q3K8C"


def person(id_number, name):
    return Identity(id_number=id_number, name=name, valid_to=dt.date(2040, 1, 1))


def to_guide(session, code, identity=None):
    identify(session, identity)
    session.continue_to_services()
    session.choose_service(code)
    assert session.step is Step.GUIDE


def submit(session):
    provide_materials(session)
    session.confirm()
    assert session.step is Step.DONE and not session.receipt.provisional, session.notice
    return session.receipt.case_number


# -- consent ------------------------------------------------------------------------------------

def test_nothing_is_read_before_consent_and_declining_keeps_nothing(services, sandbox):
    session = services.new_citizen_session()
    card = sample_identity("resident")
    session.card_read(card)  # placed on the reader at the home screen
    assert session.step is Step.CONSENT and session.identity is None
    session.decline_consent()
    assert session.step is Step.HOME and session.identity is None
    assert card.id_number == "" and card.name == ""  # wiped, not kept for later
    assert sandbox.store.consents(HANDLER) == []


def test_agreeing_reads_the_waiting_card_and_records_the_consent(services, sandbox):
    session = services.new_citizen_session()
    session.card_read(sample_identity("resident"))
    session.agree_consent()
    assert session.step is Step.IDENTIFIED and session.identity.name == "张测试"
    (recorded,) = sandbox.store.consents(HANDLER)
    assert recorded["scope"] == "identity" and recorded["method"] == "id_card"
    assert recorded["text_version"] == "identity-2026.12"


def test_a_consent_given_while_the_backend_is_away_arrives_with_the_case(services, sandbox):
    session = services.new_citizen_session()
    sandbox.faults.set("error")
    identify(session)  # the consent cannot be recorded now
    assert session.step is Step.IDENTIFIED and sandbox.store.consents(HANDLER) == []
    sandbox.faults.clear()
    session.continue_to_services()
    session.choose_service("SB-003")
    session.start_application()
    provide_materials(session, licences=False)
    sandbox.faults.set("error")
    session.confirm()
    assert session.receipt.provisional
    sandbox.faults.clear()
    deadline = time.monotonic() + 20
    while not sandbox.store.consents(HANDLER):
        assert time.monotonic() < deadline, "the consent did not arrive with the queued case"
        time.sleep(0.1)
    (recorded,) = sandbox.store.consents(HANDLER)
    assert recorded["scope"] == "identity" and recorded["case_number"]


# -- who applies ---------------------------------------------------------------------------------

def test_who_may_apply_follows_the_service(services):
    session = services.new_citizen_session()
    to_guide(session, "GT-001")  # person, agent allowed
    assert session.apply_options() == [ApplyAs.MYSELF, ApplyAs.AGENT]
    session.start_application()
    assert session.step is Step.WHO
    session.back()
    session.back()
    session.choose_service("SB-003")  # person only, no agent: straight on, nothing asked
    session.start_application()
    assert session.apply_as is ApplyAs.MYSELF and session.step is Step.LICENCE_CONSENT
    session.back()
    session.back()
    session.choose_service("YZ-007")  # companies only
    session.start_application()
    assert session.step is Step.COMPANY


def test_an_agent_the_service_does_not_allow_is_told_what_to_do_instead(services):
    session = services.new_citizen_session()
    to_guide(session, "BDC-005")  # person or company, no agent
    session.start_application()
    assert session.step is Step.WHO
    session.choose_applicant(ApplyAs.AGENT)
    assert session.step is Step.WHO and "本人" in session.notice.message.render()


# -- a company ------------------------------------------------------------------------------------

def test_a_wrong_credit_code_is_said_as_it_is_typed(services):
    session = services.new_citizen_session()
    to_guide(session, "YZ-007")
    session.start_application()
    session.set_company_code("9133010")
    assert session.company_code_message() is None  # still being typed
    session.set_company_code("9133O")  # a letter O
    assert "I、O、Z、S" in session.company_code_message().render()
    session.set_company_code(COMPANY[:-1] + "D")
    assert "校验" in session.company_code_message().render()
    session.look_up_company()
    assert session.step is Step.COMPANY and session.company is None and session.notice.error


def test_a_company_the_backend_does_not_know_is_explained(services):
    session = services.new_citizen_session()
    to_guide(session, "YZ-007")
    session.start_application()
    unknown = "91330106MA2H7Q3K8"[:16] + "9"
    unknown += uscc.check_character(unknown)
    session.set_company_code(unknown)
    session.look_up_company()
    assert session.step is Step.COMPANY and session.company is None
    assert "营业执照" in session.notice.message.render()


def test_someone_who_is_not_the_companys_representative_or_handler_cannot_apply_for_it(services):
    session = services.new_citizen_session()
    to_guide(session, "YZ-007", person("330102195506122468", "李样例"))
    session.start_application()
    session.set_company_code(COMPANY)
    session.look_up_company()
    assert session.company is None and "授权" in session.notice.message.render()
    session.company_continue()
    assert session.step is Step.COMPANY


def test_the_legal_representative_applies_for_the_company(services, sandbox):
    session = services.new_citizen_session()
    to_guide(session, "YZ-007", person(LEGAL_REP, "吴示例"))
    session.start_application()
    session.set_company_code(COMPANY.lower())
    session.look_up_company()
    assert session.company.name_zh == "杭州示例科技有限公司"
    session.company_continue()
    assert session.step is Step.FORM
    fill_form(session, FORMS["YZ-007"])
    number = submit(session)
    body = sandbox.store.case_body(number)
    assert body["applicant"] == {"type": "company", "id_number": LEGAL_REP, "name": "吴示例", "card_type": "resident",
                                 "credit_code": COMPANY, "company_name": "杭州示例科技有限公司",
                                 "role": "legal_representative"}
    assert session.receipt.applicant_masked_name == "杭州示例科技有限公司"
    assert session.receipt.handled_by_name == "吴**"  # and who came for it (经办人), masked
    session.finish()
    # among the applications of who filed it, its view naming the company; its receipt printed again as the first
    assert sandbox.store.case(number)["company"] == {"credit_code": COMPANY, "name_zh": "杭州示例科技有限公司"}
    identify(session, person(LEGAL_REP, "吴示例"))
    session.show_my_cases()
    assert number in [c.get("case_number") for c in session.my_cases]
    session.open_case(number)
    session.reprint_receipt()
    printer = services.devices.receipt_printer
    again = "".join(render(printer.last_bytes, printer.profile).lines)  # the company's line wraps on the paper
    assert f"申请人：杭州示例科技有限公司（{COMPANY}）" in again and "经办人：吴**（3301**********0012）" in again, again


def test_a_company_is_asked_for_the_licences_it_holds_only(services, sandbox):
    """The consent names what will be fetched (the company's business licence, not the person's ID card), and a
    company's matter whose only licence-backed material is a person's is not asked at all (the catalogue's
    e_licence_holder)."""
    session = services.new_citizen_session()
    to_guide(session, "YZ-007", person(LEGAL_REP, "吴示例"))  # its one such material: the representative's ID
    session.start_application()
    session.set_company_code(COMPANY)
    session.look_up_company()
    session.company_continue()
    fill_form(session, FORMS["YZ-007"])
    assert session.step is Step.MATERIALS and session.offered_licences == {}
    session = services.new_citizen_session()
    to_guide(session, "WS-013")  # person or company: an ID card (the person's), a business licence (the company's)
    session.start_application()
    session.choose_applicant(ApplyAs.COMPANY)
    session.set_company_code(COMPANY)
    session.look_up_company()
    session.company_continue()
    fill_form(session, FORMS["WS-013"])
    assert session.step is Step.LICENCE_CONSENT
    session.agree_licences()
    assert session.step is Step.MATERIALS, session.notice
    assert set(session.offered_licences) == {"M2"} and session.offered_licences["M2"]["type"] == "business_licence"


def test_a_handler_scans_the_business_licence_code(services, sandbox):
    session = services.new_citizen_session()
    to_guide(session, "WS-013")  # person or company
    session.start_application()
    session.choose_applicant(ApplyAs.COMPANY)
    session.code_scanned("https://www.gsxt.gov.cn/index.html?uniscid=HELLO")
    assert "营业执照" in session.notice.message.render() and session.company is None
    session.code_scanned(f"http://www.gsxt.gov.cn/index.html?uniscid={COMPANY}")
    assert session.company is not None and session.company.applicant_role.value == "authorised_handler"
    session.company_continue()
    fill_form(session, FORMS["WS-013"])
    number = submit(session)
    body = sandbox.store.case_body(number)
    assert body["applicant"]["role"] == "authorised_handler" and body["form"]["period_from"] == "2026-01-01"


# -- another person -----------------------------------------------------------------------------

def test_an_agent_applies_for_another_person(services, sandbox):
    session = services.new_citizen_session()
    to_guide(session, "JZ-002")
    session.start_application()
    session.choose_applicant(ApplyAs.AGENT)
    assert session.step is Step.PRINCIPAL
    assert "X" in session.principal_messages("33010219550612246", "李样例", final=True)["id_number"].render()
    assert "本人" in session.principal_messages(HANDLER, "张测试")["id_number"].render()
    assert session.principal_messages("330102195506122468", "") == {}  # nothing typed yet, nothing said
    session.submit_principal("330102195506122468", "李四")  # the name does not match the register
    assert session.step is Step.PRINCIPAL and "核对" in session.notice.message.render()
    session.submit_principal("330102195506122468", "李样例")
    assert session.step is Step.FORM
    assert session.form_values == {}  # the agent's own address is not the principal's
    fill_form(session, FORMS["JZ-002"])
    number = submit(session)
    body = sandbox.store.case_body(number)
    assert {k: v for k, v in body["applicant"].items() if v is not None} == {
        "type": "person", "id_number": "330102195506122468", "name": "李样例", "card_type": "declared"}
    assert body["agent"]["id_number"] == HANDLER and body["agent"]["name"] == "张测试"
    assert [c["id_number"] for c in body["consents"]] == [HANDLER]
    assert session.receipt.applicant_masked_name == "李**"
    assert (session.receipt.handled_by_name, session.receipt.handled_by_id[:4]) == ("张**", "3301")
    printed = [line.text for line in citizen_receipt(session.receipt, "zh_CN").elements if hasattr(line, "text")]
    assert "申请人：李**（3301**********2468）" in printed
    assert f"经办人：张**（{session.receipt.handled_by_id}）" in printed
    principal = session.application.principal
    session.finish()
    assert principal.id_number == "" and session.form_values == {}
    # its view names both, masked; its receipt printed again from the agent's applications says what the first said
    assert sandbox.store.case(number)["agent_case"] == {
        "principal_masked_name": "李**", "principal_masked_id": "3301**********2468",
        "agent_masked_name": "张**", "agent_masked_id": "3301**********1236"}
    identify(session)
    session.show_my_cases()
    session.open_case(number)
    session.reprint_receipt()
    printer = services.devices.receipt_printer
    again = render(printer.last_bytes, printer.profile).lines
    assert "申请人：李**（3301**********2468）" in again and "经办人：张**（3301**********1236）" in again, again


# -- the form ---------------------------------------------------------------------------------------

def test_a_form_with_a_wrong_value_stays_with_its_message_and_back_walks_the_way_back(services):
    session = services.new_citizen_session()
    to_guide(session, "GT-001")
    session.start_application()
    session.choose_applicant(ApplyAs.MYSELF)
    assert session.step is Step.FORM
    fill_form(session, {"business_scope": "日用百货零售", "phone": "1380000000"})
    assert session.step is Step.FORM and session.form_checked
    assert "11" in session.form_messages()["phone"].render()
    session.back()
    assert session.step is Step.WHO
    session.back()
    assert session.step is Step.GUIDE
    session.back()
    assert session.step is Step.CHOOSE_SERVICE


def test_number_fields_travel_as_numbers(services, sandbox):
    session = services.new_citizen_session()
    walk_to_confirm(session, "GJJ-004")
    number = submit(session)
    assert sandbox.store.case_body(number)["form"] == {"amount": 50000, "phone": "13800000001"}
