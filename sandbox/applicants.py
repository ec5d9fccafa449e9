"""Who applies: a company by its credit code and a person's role in it, and a case's applicant and agent.

A case names one of three applicants (docs/api/payloads.md, "Who applies"): the person at the
terminal; a company, through the person at the terminal as its legal representative or an
authorised handler; or another person (the principal, whose details an agent typed), with the
agent at the terminal. The shape is sandbox.models' (``Applicant``, ``Agent``, ``CaseIn``); the
rules here need the service and the store, and each refusal is a 422 that says what to do instead.
A queued case is checked the same way when it is delivered, so a 422 here is final.
"""

from __future__ import annotations

from common import uscc
from common.idnumber import is_valid
from sandbox.errors import ApiError
from sandbox.models import CaseIn, DraftIn
from sandbox.store import Store

LEGAL_REPRESENTATIVE, AUTHORISED_HANDLER, NO_ROLE = "legal_representative", "authorised_handler", "none"


def role_in(company: dict, id_number: str) -> str:
    """What the person with ``id_number`` is to ``company``: legal_representative, authorised_handler or none."""
    if id_number == company.get("legal_representative_id"):
        return LEGAL_REPRESENTATIVE
    return AUTHORISED_HANDLER if id_number in company.get("handler_ids", []) else NO_ROLE


def find_company(store: Store, credit_code: str | None, field: str, missing_status: int) -> dict:
    """The company under ``credit_code``; 422 bad_credit_code for a code that fails GB 32100 (or none),
    ``missing_status`` company_not_found for a valid code the store does not hold."""
    problem = uscc.problem(credit_code) if credit_code else "required"
    if problem:
        raise ApiError(422, "bad_credit_code", "统一社会信用代码不正确，请核对", "The unified social credit code "
                       "is not valid; please check it", {field: problem})
    found = store.company(credit_code or "")
    if found is None:
        raise ApiError(missing_status, "company_not_found", "没有找到该企业，请核对代码或咨询大厅工作人员",
                       "This company is not registered; please check the code or ask the hall staff",
                       {field: credit_code})
    return found


def no_role(status: int, field: str) -> ApiError:
    """The refusal of a person who is neither the company's legal representative nor an authorised handler."""
    return ApiError(status, "company_role", "您不是该企业的法定代表人或经授权的经办人，请由法定代表人办理，或请企业先为您"
                    "办理经办人授权", "You are not this company's legal representative or an authorised handler: the "
                    "legal representative may apply, or the company may authorise you first", {field: NO_ROLE})


def check_applicant(store: Store, service: dict, case: CaseIn | DraftIn) -> None:
    """The rules a case's (or a draft's) applicant and agent meet beyond their shape, in the order a citizen
    can act on."""
    applicant, agent = case.applicant, case.agent
    if applicant.type not in service.get("applicant_types", []):
        zh, en = (("该事项须以单位名义办理，请选择为单位申请，并输入统一社会信用代码",
                   "This service is for companies: apply for your company, with its unified social credit code")
                  if applicant.type == "person" else
                  ("该事项须以个人名义办理，请选择为个人申请", "This service is for persons, not companies: apply as a person"))
        raise ApiError(422, "applicant_type_not_allowed", zh, en, {"applicant.type": applicant.type})
    if applicant.type == "company":
        company = find_company(store, applicant.credit_code, "applicant.credit_code", 422)
        role = role_in(company, applicant.id_number)
        if role != applicant.role:
            if role == NO_ROLE:
                raise no_role(422, "applicant.role")
            raise ApiError(422, "company_role", "您在该企业的身份与登记不符，请重新选择企业后再申请",
                           "Your role in this company does not match its records: choose the company again",
                           {"applicant.role": role})
    if applicant.type == "person" and applicant.card_type == "declared" and not isinstance(case, DraftIn):
        # a draft keeps a declared principal as typed (one refused on arrival is kept so, to be corrected): the
        # register is asked when its case is submitted
        check_declared(store, applicant.id_number, applicant.name)
    if agent is None:
        return
    if not service.get("agent_allowed", False):
        raise ApiError(422, "agent_not_allowed", "该事项须由申请人本人办理，不能代办，请申请人本人前来",
                       "This service cannot be done for another person: the applicant must come in person",
                       {"agent": "not allowed"})
    if not is_valid(agent.id_number):
        raise ApiError(422, "bad_id_number", "身份证号码校验不通过", "The ID number fails its check",
                       {"agent.id_number": "check character"})
    if agent.id_number == applicant.id_number:
        raise ApiError(422, "agent_is_applicant", "代办人与申请人是同一人，请选择“为本人办理”",
                       "The agent and the applicant are the same person: apply for yourself instead",
                       {"agent.id_number": "same as applicant.id_number"})


def check_declared(store: Store, id_number: str, name: str) -> None:
    """A principal typed by an agent (card type 'declared': a terminal that could not ask the register took the
    details as given) must be a registered person under that name; else the case is refused, and an offline
    case's provisional number then says why."""
    person = store.person(id_number)
    if person is None or person["name"] != name:
        raise ApiError(422, "principal_not_registered", "被代办人的身份证号码和姓名与登记不符，请对照其身份证核对后重新申请",
                       "The ID number and name of the person you act for do not match the register: check them "
                       "against their ID card and apply again",
                       {"applicant.name": "not registered with this ID number"})
