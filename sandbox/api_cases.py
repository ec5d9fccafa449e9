"""Cases, one-time notices, fees, licences to print, and evaluations."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from typing import Optional

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from common.idnumber import is_valid
from sandbox import attachments as att
from sandbox.api_staff import signed_in
from sandbox.applicants import check_applicant, find_company
from sandbox.case_form import form_errors
from sandbox.case_materials import check_materials
from sandbox.consents import check_consent
from sandbox.licence_refs import check_licences
from sandbox.uploads import Upload, check_files, invalid, read_body
from sandbox.errors import ApiError, documented, not_found
from sandbox.licence_pdf import licence_pdf_base64, verification_code
from common.masking import mask_id_number
from sandbox.models import (ID_NUMBER, PROVISIONAL, CaseIn, CaseList, CaseView, EvaluationIn, EvaluationOut,
                            LicenceVerifyIn, LicenceVerifyOut, NoticeIn, NoticeOut, PaymentOut, PrintTicket, ReadyList, ReprintIn, ReprintOut, Submitted,
                            TicketState)
from sandbox.evaluations import AlreadyEvaluated
from sandbox.store import CaseConflict, NoticeConflict, Store, now_iso

_KEY = re.compile(r"^[A-Za-z0-9_-]{8,80}$")
# Answers that are not a refusal of the case itself: the backend holds a case under the number or the key
NOT_A_REFUSAL = ("provisional_number_taken", "idempotency_conflict")
MULTIPART_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/CaseIn"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["case"],
                    "properties": {
                        "case": {"type": "string", "description": "the CaseIn object as JSON text"},
                        "attachments": {"type": "array", "items": {"type": "string", "format": "binary"},
                                        "description": f"one file per page: JPEG, PNG or PDF, at most "
                                                       f"{att.MAX_FILE_BYTES // (1024 * 1024)} MB each, "
                                                       f"{att.MAX_FILES} and {att.MAX_TOTAL_BYTES // (1024 * 1024)} "
                                                       f"MB in all; the filename is the material code and page, "
                                                       f"e.g. M2-1.jpg, or signature.png; each declared in the "
                                                       f"case's attachments (name, size, sha256)"},
                    },
                }
            },
        },
    }
}


def _read_case(raw: bytes | str) -> CaseIn:
    try:
        return CaseIn.model_validate_json(raw)
    except ValidationError as exc:
        raise invalid({".".join(str(p) for p in e["loc"]): e["msg"] for e in exc.errors()}) from None


def _provisional_in(raw: bytes | str) -> str | None:
    """The provisional number a case carries, read even from a case that does not validate otherwise."""
    try:
        value = json.loads(raw).get("provisional_number")
    except (ValueError, AttributeError, RecursionError):
        return None
    return value if isinstance(value, str) and re.fullmatch(PROVISIONAL, value) else None


def _string_in(raw: bytes | str, key: str, longest: int = 32) -> str:
    """A string a case names (its service code, its application id), read even from a case that does not validate
    otherwise ("" if none, or longer than ``longest``)."""
    try:
        value = json.loads(raw).get(key)
    except (ValueError, AttributeError, RecursionError):
        return ""
    return value if isinstance(value, str) and len(value) <= longest else ""


def _people_in(raw: bytes | str) -> list[str]:
    """The ID numbers a case names (its applicant and agent), read even from one that does not validate."""
    try:
        body = json.loads(raw)
        found = [body.get(who, {}).get("id_number") for who in ("applicant", "agent") if body.get(who)]
    except (ValueError, AttributeError, RecursionError):
        return []
    return [p for p in found if isinstance(p, str) and re.fullmatch(ID_NUMBER, p)]


def _stored(body: NoticeIn) -> dict:
    """The notice as stored, and compared when asked again: a notice for no company as it was before companies
    were named (no credit_code key), so a replay of one recorded then still matches."""
    stored = body.model_dump()
    if stored["credit_code"] is None:
        del stored["credit_code"]
    return stored


def routes(store: Store, settings: dict) -> APIRouter:
    api = APIRouter(prefix="/api/v1")

    @api.post("/cases", response_model=Submitted, status_code=201, tags=["cases"], openapi_extra=MULTIPART_DOC,
              responses={200: {"model": Submitted, "description": "a replay of an earlier submission"},
                         **documented(400, 401, 403, 409, 415, 422)})
    async def submit(request: Request, idempotency_key: str = Header(..., alias="Idempotency-Key")) -> JSONResponse:
        raw, uploads = await read_body(request, "case")
        provisional = _provisional_in(raw)
        if provisional and store.refusals.of(provisional) is not None:
            raise ApiError(409, "provisional_number_refused", "该临时编号的申请已被退回，请重新申请",
                           "The application under this provisional number was refused: apply again",
                           {"provisional_number": provisional})
        try:
            return await accept_case(request, idempotency_key, raw, uploads)
        except ApiError as exc:
            if provisional and exc.code not in NOT_A_REFUSAL:
                store.refusals.record(provisional, request.state.terminal_id, exc.code, exc.zh, exc.en, exc.fields,
                                      _people_in(raw), _string_in(raw, "service_code"),
                                      _string_in(raw, "application_id", 64))
            raise

    async def accept_case(request: Request, idempotency_key: str, raw: bytes | str,
                          uploads: list[Upload]) -> JSONResponse:
        if not _KEY.match(idempotency_key):
            raise ApiError(400, "bad_idempotency_key", "幂等键格式不正确", "The Idempotency-Key is malformed")
        case = _read_case(raw)
        service = store.service(case.service_code)
        if service is None:
            raise ApiError(422, "service_not_found", "没有找到该事项", "No such service",
                           {"service_code": case.service_code})
        if not is_valid(case.applicant.id_number):
            raise ApiError(422, "bad_id_number", "身份证号码校验不通过", "The ID number fails its check",
                           {"applicant.id_number": "check character"})
        check_applicant(store, service, case)  # who applies, before what they typed into the form
        if settings.get("enforce_forms") and not case.refusing:  # a case to be refused is taken as it is
            wrong = form_errors(service, case.form)
            if wrong:
                raise ApiError(422, "form_invalid", "表单有必填项未填或填写不正确",
                               "A form field is missing or wrong: " + ", ".join(sorted(wrong)), wrong)
        if case.terminal_id != request.state.terminal_id:
            raise ApiError(403, "terminal_mismatch", "终端编号与签名不符", "Terminal id does not match the signature")
        for i, consent in enumerate(case.consents):
            check_consent(store, consent, f"consents.{i}.")
        check_licences(store, service, case.applicant.model_dump(), case.agent.model_dump() if case.agent else None,
                       case.e_licences, case.material_licences)
        files = [f.row() for f in check_files(case.attachments, uploads, {m["code"]: m for m in service["materials"]})]
        # a case to be refused brings nothing: what it names is not taken as brought, so it vouches for nothing
        if case.counter_checked and not case.refusing and not store.windows.is_window(request.state.terminal_id):
            raise ApiError(403, "not_a_window", "该终端未登记为受理窗口，不能确认窗口核验的纸质材料",
                           "This terminal is not registered as a service window, so it cannot say paper was "
                           "checked at a counter", {"counter_checked": ",".join(case.counter_checked)[:200]})
        if settings.get("enforce_materials") and not case.refusing:  # a case to be refused is taken as it is
            check_materials(service, (a.material_code for a in case.attachments), case.material_licences,
                            case.counter_checked)
        canonical = json.dumps(case.model_dump(), sort_keys=True, ensure_ascii=False)
        digest = hashlib.sha256((canonical + "".join(f"|{n}:{s}" for n, _m, s, _d in sorted(files))).encode())
        try:
            response, replayed = store.create_case(idempotency_key, digest.hexdigest(), case.model_dump(), files)
            if not replayed:  # a refusal of this application put right at the terminal is not a refused application
                store.refusals.supersede(case.application_id, request.state.terminal_id, response["case_number"],
                                         [case.applicant.id_number, *([case.agent.id_number] if case.agent else [])])
        except CaseConflict as conflict:
            if conflict.by == "provisional_number":  # another application's: its case is not this terminal's to learn
                raise ApiError(409, "provisional_number_taken", "该临时编号已被另一件申请使用",
                               "Another application holds this provisional number",
                               {"provisional_number": case.provisional_number}) from None
            raise ApiError(409, "idempotency_conflict", "同一幂等键提交了不同内容",
                           "Different content was sent under the same Idempotency-Key",
                           {"case_number": conflict.case_number}) from None
        return JSONResponse(response, status_code=200 if replayed else 201)

    @api.get("/cases/{case_number}", response_model=CaseView, tags=["cases"], responses=documented(401, 404))
    def case_status(case_number: str) -> dict:
        found = store.case(case_number)
        if found is None:
            raise not_found("case")
        return found

    @api.get("/cases", response_model=CaseList, tags=["cases"], responses=documented(400, 401, 404))
    def case_search(provisional_number: Optional[str] = None, id_number: Optional[str] = None) -> dict:
        if provisional_number:
            found = store.case_by_provisional(provisional_number)
            return {"items": [found] if found else [], "refused": store.refusals.of(provisional_number)}
        if id_number:
            return {"items": store.cases_followed_by(id_number),  # an agent's, a legal representative's too
                    "refusals": store.refusals.of_person(id_number)}
        raise invalid({"query": "give provisional_number or id_number"})

    @api.post("/notices", response_model=NoticeOut, status_code=201, tags=["cases"],
              responses={200: {"model": NoticeOut, "description": "the notice this Idempotency-Key recorded"},
                         **documented(400, 401, 409, 422)})
    def notice(body: NoticeIn, request: Request, idempotency_key: Optional[str] = Header(
            default=None, alias="Idempotency-Key",
            description="one per notice: asked again under it, the notice recorded, not a second one"),
               staff_token: Optional[str] = Header(
            default=None, alias="X-Staff-Token",
            description="a window's notice: the clerk who issues it, named when it is printed again (401 staff_auth "
                        "when not valid); a kiosk sends none")) -> JSONResponse:
        if idempotency_key is not None and not _KEY.match(idempotency_key):
            raise ApiError(400, "bad_idempotency_key", "幂等键格式不正确", "The Idempotency-Key is malformed")
        clerk = signed_in(store, staff_token) if staff_token is not None else {}
        if body.credit_code is not None:
            find_company(store, body.credit_code, "credit_code", 422)
        service = store.service(body.service_code)
        if service is None:
            raise ApiError(422, "service_not_found", "没有找到该事项", "No such service")
        materials = {m["code"]: m for m in service["materials"]}
        unknown = [code for code in body.missing if code not in materials]
        if unknown:
            raise ApiError(422, "unknown_material", "材料编号不属于该事项", "A material code is not in this service",
                           {"missing": ",".join(unknown)})
        try:
            notice_id, number, issued_at, replayed = store.add_notice(
                _stored(body), idempotency_key, request.state.terminal_id,
                clerk.get("staff_id", ""))
        except NoticeConflict as conflict:
            raise ApiError(409, "idempotency_conflict", "同一幂等键提交了不同内容",
                           "Different content was sent under the same Idempotency-Key",
                           {"number": conflict.number}) from None
        return JSONResponse({"notice_id": notice_id, "number": number, "issued_at": issued_at,
                             "missing": [materials[c] for c in body.missing]}, status_code=200 if replayed else 201)

    @api.post("/cases/{case_number}/reprints", response_model=ReprintOut, status_code=201, tags=["cases"],
              responses=documented(400, 401, 404))
    def reprint(case_number: str, body: ReprintIn, request: Request) -> dict:
        """A terminal printed one of the case's documents again (the receipt, marked REPRINT)."""
        if store.case(case_number) is None:
            raise not_found("case")
        return store.reprints.record(case_number, body.document, request.state.terminal_id)

    @api.post("/cases/{case_number}/payment", response_model=PaymentOut, tags=["fees"], responses=documented(401, 404, 422))
    def payment(case_number: str) -> dict:
        case = store.case(case_number)
        if case is None:
            raise not_found("case")
        fee = (store.service(case["service_code"]) or {}).get("fee_yuan", 0)
        if not fee:
            raise ApiError(422, "no_fee", "该事项不收费，无需缴费", "This service is free: there is nothing to pay")
        return store.payments.order_for(case_number, float(fee))

    @api.get("/payments/{order_id}", response_model=PaymentOut, tags=["fees"], responses=documented(401, 404))
    def payment_status(order_id: str) -> dict:
        found = store.payments.order(order_id)
        if found is None:
            raise not_found("order")
        return found

    @api.get("/licences/ready", response_model=ReadyList, tags=["licences"], responses=documented(400, 401))
    def ready(id_number: str) -> dict:
        items = []
        holders = [id_number, *store.companies_represented_by(id_number)]  # a legal representative prints for the company
        for case in (c for holder in holders for c in store.cases_of(holder)):
            if case["status"] == "ready" and store.handovers.of_licence("LIC-" + case["case_number"]) is None:
                items.append({"licence_id": "LIC-" + case["case_number"], "case_number": case["case_number"],
                              "name_zh": case["service_name_zh"], "name_en": case["service_name_en"]})
        return {"items": items}

    @api.post("/licences/{licence_id}/print-ticket", response_model=PrintTicket, status_code=201, tags=["licences"],
              responses={200: {"model": PrintTicket, "description": "the open ticket this Idempotency-Key asked for"},
                         **documented(400, 401, 404, 409)})
    def print_ticket(licence_id: str, request: Request, idempotency_key: Optional[str] = Header(
            default=None, alias="Idempotency-Key",
            description="one per print attempt: an ask again under it gets the open ticket it caused")) -> JSONResponse:
        if idempotency_key is not None and not _KEY.match(idempotency_key):
            raise ApiError(400, "bad_idempotency_key", "幂等键格式不正确", "The Idempotency-Key is malformed")
        already = ApiError(409, "already_printed", "该证照已打印或正在打印", "This licence is printed or being printed")
        if store.ticket_consumed(licence_id):  # printed (and confirmed): never printable again
            raise already
        case_number = licence_id.removeprefix("LIC-")
        case = store.case(case_number)
        if not licence_id.startswith("LIC-") or case is None or case["status"] != "ready":
            raise not_found("licence")
        issued = store.issue_ticket(licence_id, idempotency_key, request.state.terminal_id)
        if issued is None:
            raise already
        ticket_id, expires, replayed = issued
        return JSONResponse({"ticket_id": ticket_id, "licence_id": licence_id, "status": "issued",
                             "expires_at": now_iso(expires),
                             "document_pdf_base64": licence_pdf_base64(case, store.case_holder(case_number) or "")},
                            status_code=200 if replayed else 201)

    @api.post("/licences/verify", response_model=LicenceVerifyOut, tags=["licences"], responses=documented(400, 401))
    def verify_licence(body: LicenceVerifyIn) -> dict:
        parts = body.payload.split(":")
        if len(parts) != 3 or parts[0] != "OTL1":
            return {"valid": False}
        licence_id, code = parts[1], parts[2]
        case = store.case(licence_id.removeprefix("LIC-")) if licence_id.startswith("LIC-") else None
        if case is None or not secrets.compare_digest(code, verification_code(licence_id)):
            return {"valid": False}
        holder = store.case_holder(case["case_number"]) or ""
        return {"valid": True, "licence_id": licence_id, "case_number": case["case_number"],
                "name_zh": case["service_name_zh"], "name_en": case["service_name_en"],
                "holder_masked": mask_id_number(holder)}

    def finish(ticket_id: str, status: str) -> dict:
        """issued -> consumed | released, even past its expiry (a confirmation that waited in a terminal's queue
        still consumes it); the same outcome again is no change (a resend after a lost answer)."""
        result = store.finish_ticket(ticket_id, status)
        if result is None:
            raise not_found("ticket")
        if result == "unchanged":
            return {"ticket_id": ticket_id, "status": status}
        if result != status:
            raise ApiError(409, "ticket_closed", "该打印凭证已结束", f"The ticket is already {result}")
        if status == "consumed":
            row = store.ticket(ticket_id)
            store.set_status(row["licence_id"].removeprefix("LIC-"), "collected", "证照已自助打印",
                             "Licence printed at a terminal")
        return {"ticket_id": ticket_id, "status": status}

    @api.post("/print-tickets/{ticket_id}/confirm", response_model=TicketState, tags=["licences"],
              responses=documented(401, 404, 409))
    def confirm(ticket_id: str) -> dict:
        return finish(ticket_id, "consumed")

    @api.post("/print-tickets/{ticket_id}/release", response_model=TicketState, tags=["licences"],
              responses=documented(401, 404, 409))
    def release(ticket_id: str) -> dict:
        return finish(ticket_id, "released")

    @api.post("/evaluations", response_model=EvaluationOut, status_code=201, tags=["evaluation"],
              responses=documented(400, 401, 404, 409, 422))
    def evaluate(body: EvaluationIn, request: Request) -> dict:
        if body.level <= 2 and body.reason_code is None:
            raise ApiError(422, "reason_required", "不满意评价请选择原因", "Please choose a reason for a low rating",
                           {"reason_code": "required for levels 1 and 2"})
        ((kind, key),) = body.keys()
        case = evaluated_matter(kind, key)
        try:
            return store.evaluations.add(kind, key, body.model_dump(), request.state.terminal_id, case)
        except AlreadyEvaluated as first:
            raise ApiError(409, "already_evaluated", "该事项已评价，感谢您的参与", "This has already been rated, thank you",
                           {"level": first.level, "recorded_at": first.recorded_at}) from None

    def evaluated_matter(kind: str, key: str) -> dict | None:
        """The case an evaluation's key names (None for a notice, a licence, or a case still on its way)."""
        if kind == "case_number":
            case = store.case(key)
            if case is None:
                raise not_found("case")
            return case
        if kind == "provisional_number":
            return store.case_by_provisional(key)  # None: its case has not arrived yet, or was refused
        if kind == "notice_number":
            if not store.notice_number_exists(key):
                raise not_found("notice")
            return None
        case = store.case(key.removeprefix("LIC-")) if key.startswith("LIC-") else None
        if case is None or not (case["licence_ready"] or case["status"] == "collected"):
            raise not_found("licence")
        return None

    return api
