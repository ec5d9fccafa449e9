"""POST /api/v1/cases: who applies (issue 14, item 2) -- a person, a company through its legal
representative or an authorised handler, an agent for another person -- and each refusal's code."""

from __future__ import annotations

import json
import uuid

import pytest

from common.uscc import check_character
from sandbox.form_answers import answers
from tests.backend_helpers import TERMINAL, brought, client_for, signed

EXAMPLE = "91330106MA2H7Q3K8C"  # seeded: legal representative 吴示例, handler 张测试
REPRESENTATIVE, HANDLER = "330108197812220012", "330106199003071236"
LI = "330102195506122468"  # 李样例: nothing to the company; the principal of the agent cases
ZHENG = "330110199805200030"  # 郑演示: the agent


def person(id_number: str = HANDLER, name: str = "张测试", card_type: str = "resident") -> dict:
    return {"type": "person", "id_number": id_number, "name": name, "card_type": card_type}


def company(id_number: str = REPRESENTATIVE, role: str | None = "legal_representative",
            credit_code: str | None = EXAMPLE) -> dict:
    body = {"type": "company", "id_number": id_number, "name": "吴示例", "card_type": "resident",
            "company_name": "杭州示例科技有限公司"}
    return body | ({"role": role} if role else {}) | ({"credit_code": credit_code} if credit_code else {})


PRINCIPAL = person(LI, "李样例", "declared")
AGENT = {"id_number": ZHENG, "name": "郑演示", "card_type": "resident"}


def post_case(sandbox, service_code: str, applicant: dict, agent: dict | None = None):
    service = client_for(sandbox.url).service(service_code)
    case = {"application_id": uuid.uuid4().hex, "service_code": service_code, "terminal_id": TERMINAL,
            "created_at": "2026-12-01T09:00:00+08:00", "applicant": applicant, "form": answers(service),
            "counter_checked": brought(service)}
    if agent is not None:
        case["agent"] = agent
    return signed("POST", sandbox.url, "/api/v1/cases", json.dumps(case, ensure_ascii=False).encode(),
                  headers={"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex})


def refusal(answer) -> tuple[int, str, dict]:
    error = answer.json()["error"]
    assert error["message_zh"] and error["message_en"]
    return answer.status_code, error["code"], error["fields"]


@pytest.mark.parametrize("service_code", ["YZ-007", "QY-008", "BDC-005", "WS-013"])
@pytest.mark.parametrize("id_number, role", [(REPRESENTATIVE, "legal_representative"),
                                             (HANDLER, "authorised_handler")])
def test_a_company_case_is_stored_with_its_credit_code_and_role(sandbox, service_code, id_number, role):
    answer = post_case(sandbox, service_code, company(id_number, role))
    assert answer.status_code == 201, answer.text
    number = answer.json()["case_number"]
    stored = sandbox.store.case_body(number)["applicant"]
    assert (stored["type"], stored["credit_code"], stored["role"], stored["id_number"]) == (
        "company", EXAMPLE, role, id_number)
    assert sandbox.store.case_holder(number) == EXAMPLE
    assert signed("GET", sandbox.url, f"/api/v1/cases/{number}").json()["service_code"] == service_code
    assert number in [c["case_number"] for c in sandbox.store.cases_of(EXAMPLE)]


def test_a_company_case_without_a_credit_code_or_with_a_wrong_check_character_is_refused(sandbox):
    before = sandbox.store.cases_count()
    assert refusal(post_case(sandbox, "YZ-007", company(credit_code=None))) == (
        422, "bad_credit_code", {"applicant.credit_code": "required"})
    assert refusal(post_case(sandbox, "YZ-007", company(credit_code=EXAMPLE[:17] + "D"))) == (
        422, "bad_credit_code", {"applicant.credit_code": "check"})
    assert sandbox.store.cases_count() == before


def test_a_company_the_backend_does_not_hold_is_refused_with_a_way_forward(sandbox):
    unknown = "91330106MA2H7Q3K9" + check_character("91330106MA2H7Q3K9")
    status, code, fields = refusal(answer := post_case(sandbox, "YZ-007", company(credit_code=unknown)))
    assert (status, code, fields) == (422, "company_not_found", {"applicant.credit_code": unknown})
    assert "咨询大厅工作人员" in answer.json()["error"]["message_zh"]


@pytest.mark.parametrize("id_number, claimed, actual", [
    (LI, "legal_representative", "none"),          # nothing to the company
    (LI, "authorised_handler", "none"),
    (HANDLER, "legal_representative", "authorised_handler"),  # a handler claiming more
    (REPRESENTATIVE, None, "legal_representative"),            # no role given
])
def test_a_role_the_company_records_do_not_hold_is_refused(sandbox, id_number, claimed, actual):
    answer = post_case(sandbox, "QY-008", company(id_number, claimed))
    assert refusal(answer) == (422, "company_role", {"applicant.role": actual})
    expected = "the company may authorise you first" if actual == "none" else "choose the company again"
    assert answer.json()["error"]["message_en"].endswith(expected)


def test_the_service_decides_whether_a_person_or_a_company_may_apply(sandbox):
    answer = post_case(sandbox, "YZ-007", person())
    assert refusal(answer) == (422, "applicant_type_not_allowed", {"applicant.type": "person"})
    assert "单位" in answer.json()["error"]["message_zh"] and "company" in answer.json()["error"]["message_en"]
    assert refusal(post_case(sandbox, "GT-001", company())) == (
        422, "applicant_type_not_allowed", {"applicant.type": "company"})


def test_company_fields_on_a_person_and_an_agent_on_a_company_are_refused_by_the_contract(sandbox):
    for applicant in (person() | {"role": "legal_representative"}, person() | {"credit_code": EXAMPLE}):
        status, code, fields = refusal(post_case(sandbox, "GT-001", applicant))
        assert (status, code) == (400, "invalid_request") and "applicant" in fields
    status, code, fields = refusal(post_case(sandbox, "WS-013", company(), AGENT))
    assert (status, code) == (400, "invalid_request") and "an agent acts for a person" in fields[""]


def test_an_agent_case_is_stored_with_the_agent_and_the_principal_and_listed_for_both(sandbox):
    answer = post_case(sandbox, "GT-001", PRINCIPAL, AGENT)
    assert answer.status_code == 201, answer.text
    number = answer.json()["case_number"]
    stored = sandbox.store.case_body(number)
    assert stored["agent"] == AGENT
    assert (stored["applicant"]["id_number"], stored["applicant"]["card_type"]) == (LI, "declared")
    assert sandbox.store.case_holder(number) == LI
    seeded = {"SQ2026110300015", "SQ2026112000002", "SQ2026111200011", "SQ2026112400009"}  # LI's and ZHENG's own
    for id_number in (LI, ZHENG):
        listed = signed("GET", sandbox.url, f"/api/v1/cases?id_number={id_number}").json()["items"]
        assert number in [c["case_number"] for c in listed] and len(listed) == 3
        assert {c["case_number"] for c in listed} - {number} <= seeded


def test_an_agent_case_on_a_service_that_allows_no_agent_is_refused(sandbox):
    before = sandbox.store.cases_count()
    answer = post_case(sandbox, "SB-003", PRINCIPAL, AGENT)
    assert refusal(answer) == (422, "agent_not_allowed", {"agent": "not allowed"})
    assert "本人" in answer.json()["error"]["message_zh"]
    assert sandbox.store.cases_count() == before


def test_an_agent_whose_id_number_fails_its_check_or_who_is_the_applicant_is_refused(sandbox):
    wrong = ZHENG[:17] + ("1" if ZHENG[17] != "1" else "2")
    assert refusal(post_case(sandbox, "GT-001", PRINCIPAL, AGENT | {"id_number": wrong})) == (
        422, "bad_id_number", {"agent.id_number": "check character"})
    assert refusal(post_case(sandbox, "GT-001", PRINCIPAL, AGENT | {"id_number": LI})) == (
        422, "agent_is_applicant", {"agent.id_number": "same as applicant.id_number"})


def test_the_licences_ready_to_print_stay_the_holders(sandbox):
    """An agent follows the cases they filed (GET /cases), but a licence is printed by its holder."""
    number = post_case(sandbox, "GT-001", PRINCIPAL, AGENT).json()["case_number"]
    sandbox.store.set_status(number, "ready", "证照已制作完成", "Licence ready")
    ready = signed("GET", sandbox.url, f"/api/v1/licences/ready?id_number={ZHENG}").json()["items"]
    assert number not in [item["case_number"] for item in ready]
    ready = signed("GET", sandbox.url, f"/api/v1/licences/ready?id_number={LI}").json()["items"]
    assert number in [item["case_number"] for item in ready]
