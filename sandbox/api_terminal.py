"""Terminals, identity and the catalogue."""

from __future__ import annotations

import time
from typing import Optional

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import ValidationError

from common.idnumber import is_valid
from common.masking import mask_name
from sandbox.applicants import NO_ROLE, check_applicant, find_company, no_role, role_in
from sandbox.attachments import MAX_FILE_BYTES, MAX_FILES, MAX_TOTAL_BYTES, MIMES
from sandbox.consents import check_consent
from sandbox.errors import ApiError, documented, not_found
from sandbox.models import (ID_NUMBER, AppTokenIn, Company, ConsentIn, ConsentList, ConsentOut,
                            ConsentWithdrawalIn, ConsentWithdrawalOut, Draft, DraftIn,
                            DraftList, EnrolIn, Health, HeartbeatIn, IdentityLookupIn, LicenceList, Person, Service,
                            ServiceList, TerminalReply)
from sandbox.licence_refs import check_licences
from sandbox.store import Store, now_iso, terminal_time
from sandbox.uploads import check_files, invalid, read_body

DRAFT_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/DraftIn"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["draft"],
                    "properties": {
                        "draft": {"type": "string", "description": "the DraftIn object as JSON text"},
                        "attachments": {"type": "array", "items": {"type": "string", "format": "binary"},
                                        "description": f"the pages kept so far, as a case's: at most "
                                                       f"{MAX_FILE_BYTES // (1024 * 1024)} MB each, {MAX_FILES} "
                                                       f"and {MAX_TOTAL_BYTES // (1024 * 1024)} MB in all, each "
                                                       f"declared in the draft's attachments"},
                    },
                }
            },
        },
    }
}


def person_view(p: dict) -> dict:
    return {k: p.get(k, "") for k in ("id_number", "name", "gender", "nation", "birth_date", "address", "phone")}


def company_view(company: dict, store: Store, id_number: Optional[str]) -> dict:
    person = store.person(company.get("legal_representative_id", "")) or {}
    role = role_in(company, id_number) if id_number else None
    return {"credit_code": company["credit_code"], "name_zh": company["name"], "name_en": company.get("name_en", ""),
            "address": company.get("address", ""),
            "legal_representative_masked_name": mask_name(person.get("name", "")), "applicant_role": role}


def consent_required() -> ApiError:
    return ApiError(403, "consent_required", "调取电子证照需要申请人本人授权",
                    "Electronic licences need the applicant's recorded consent")


def routes(store: Store, settings: dict) -> APIRouter:
    api = APIRouter(prefix="/api/v1")

    @api.get("/health", response_model=Health, tags=["terminals"])
    def health() -> dict:
        return {"status": "ok", "server_time": time.time()}

    def reply(terminal_id: str, installations: int) -> dict:
        return {"terminal_id": terminal_id, "server_time": time.time(), "config": settings["remote_config"],
                "window": store.windows.is_window(terminal_id), "id_shared": installations > 1}

    @api.post("/terminals/enrol", response_model=TerminalReply, tags=["terminals"], responses=documented(400, 401, 403))
    def enrol(body: EnrolIn, request: Request) -> dict:
        if body.terminal_id != request.state.terminal_id:
            raise ApiError(403, "terminal_mismatch", "终端编号与签名不符", "Terminal id does not match the signature")
        heard = store.touch_terminal(body.terminal_id, {"enrolled_at": now_iso(), **body.model_dump()})
        return reply(body.terminal_id, heard)

    @api.post("/terminals/{terminal_id}/heartbeat", response_model=TerminalReply, tags=["terminals"],
              responses=documented(400, 401, 403))
    def heartbeat(terminal_id: str, body: HeartbeatIn, request: Request) -> dict:
        if terminal_id != request.state.terminal_id:
            raise ApiError(403, "terminal_mismatch", "终端编号与签名不符", "Terminal id does not match the signature")
        heard = store.touch_terminal(terminal_id, {"last_heartbeat": now_iso(), **body.model_dump()})
        return reply(terminal_id, heard)

    @api.post("/identity/app-token", response_model=Person, tags=["identity"], responses=documented(400, 401, 404))
    def resolve_token(body: AppTokenIn) -> dict:
        person = store.person_by_token(body.token)
        if person is None:
            raise not_found("token")
        return person_view(person)

    @api.post("/identity/lookup", response_model=Person, tags=["identity"], responses=documented(400, 401, 404, 422))
    def lookup(body: IdentityLookupIn) -> dict:
        if not is_valid(body.id_number):
            raise ApiError(422, "bad_id_number", "身份证号码校验不通过", "The ID number fails its check")
        person = store.person(body.id_number)
        if person is None:
            raise not_found("person")
        if person["name"] != body.name:
            raise ApiError(422, "name_mismatch", "姓名与证件号码不符", "The name does not match the ID number")
        return person_view(person)

    @api.post("/consents", response_model=ConsentOut, status_code=201, tags=["identity"],
              responses=documented(400, 401, 404, 422))
    def consent(body: ConsentIn, request: Request) -> dict:
        if store.person(body.id_number) is None:
            raise not_found("person")
        check_consent(store, body)
        return store.add_consent(body.model_dump(), request.state.terminal_id)

    @api.post("/consents/withdrawals", response_model=ConsentWithdrawalOut, status_code=201, tags=["identity"],
              responses=documented(400, 401, 404, 422))
    def withdraw_consents(body: ConsentWithdrawalIn, request: Request) -> dict:
        """The citizen withdraws consent: their consents of ``scope`` unlock nothing from now on, and their drafts
        are deleted; cases already submitted stay under the archive rules."""
        if store.person(body.id_number) is None:
            raise not_found("person")
        return store.withdraw_consents(body.model_dump(), request.state.terminal_id)

    @api.get("/consents", response_model=ConsentList, tags=["identity"], responses=documented(400, 401))
    def consents(id_number: str) -> dict:
        return {"items": store.consents(id_number)}

    @api.get("/persons/{id_number}/licences", response_model=LicenceList, tags=["identity"],
             responses=documented(400, 401, 403, 404))
    def licences(id_number: str, consent_id: Optional[str] = Header(default=None, alias="X-Consent-Id")) -> dict:
        if store.person(id_number) is None:
            raise not_found("person")
        if not consent_id or not store.consent_valid(consent_id, id_number):
            raise consent_required()
        return {"items": store.licences(id_number)}

    @api.get("/companies/{credit_code}/licences", response_model=LicenceList, tags=["companies"],
             responses=documented(400, 401, 403, 404, 422))
    def company_licences(credit_code: str, id_number: str = Query(pattern=ID_NUMBER),
                         consent_id: Optional[str] = Header(default=None, alias="X-Consent-Id")) -> dict:
        """A company's electronic licences, for its legal representative or an authorised handler
        (``id_number``) who gave a consent of scope licences (``X-Consent-Id``)."""
        company = find_company(store, credit_code, "credit_code", 404)
        if not consent_id or not store.consent_valid(consent_id, id_number):
            raise consent_required()
        if role_in(company, id_number) == NO_ROLE:
            raise no_role(403, "id_number")
        return {"items": store.licences(company["credit_code"])}

    @api.get("/companies/{credit_code}", response_model=Company, tags=["companies"],
             responses=documented(400, 401, 404, 422))
    def company(credit_code: str, id_number: Optional[str] = None) -> dict:
        """A company by its unified social credit code; ``id_number``: the applicant, whose role it answers."""
        return company_view(find_company(store, credit_code, "credit_code", 404), store, id_number)

    @api.get("/services", response_model=ServiceList, tags=["catalogue"], responses=documented(400, 401))
    def services(category: Optional[str] = None, applicant_type: Optional[str] = None) -> dict:
        items = [s for s in store.services()
                 if (category is None or s["category"] == category)
                 and (applicant_type is None or applicant_type in s["applicant_types"])]
        return {"items": items}

    @api.get("/services/{code}", response_model=Service, tags=["catalogue"], responses=documented(401, 404))
    def service(code: str) -> dict:
        found = store.service(code)
        if found is None:
            raise not_found("service")
        return found

    @api.put("/drafts", response_model=Draft, tags=["drafts"], openapi_extra=DRAFT_BODY_DOC,
             responses=documented(400, 401, 409, 415, 422))
    async def save_draft(request: Request) -> dict:
        body, uploads = await read_body(request, "draft")
        try:
            draft = DraftIn.model_validate_json(body)
        except ValidationError as exc:
            raise invalid({".".join(str(p) for p in e["loc"]): e["msg"] for e in exc.errors()}) from None
        service = store.service(draft.service_code)
        if service is None:
            raise ApiError(422, "service_not_found", "没有找到该事项", "No such service")
        if draft.applicant is not None:
            check_applicant(store, service, draft)
        materials = {m["code"]: m for m in service["materials"]}
        for key in ("materials_done", "missing"):
            for i, code in enumerate(getattr(draft, key)):
                if code not in materials:
                    raise ApiError(422, "unknown_material", "材料编号不属于该事项",
                                   "A material code is not in this service", {f"{key}.{i}": code})
        applicant = draft.applicant.model_dump() if draft.applicant else {"id_number": draft.id_number}
        check_licences(store, service, applicant, draft.agent.model_dump() if draft.agent else None, [],
                       draft.material_licences)
        pages = [f.row() for f in check_files(draft.attachments, uploads, materials)]
        saved = terminal_time(draft.saved_at)
        if saved is not None and store.draft_superseded(draft.model_dump(), saved):
            raise ApiError(409, "draft_superseded", "该申请保存之后已有更新的草稿或已提交的办件，本次保存未采用",
                           "A newer draft, or a case of this holder and service, was made after this save: it is "
                           "not applied", {"saved_at": "earlier than the draft held or a case made since"})
        return store.save_draft(draft.model_dump(), pages)

    @api.get("/drafts", response_model=DraftList, tags=["drafts"], responses=documented(400, 401))
    def drafts(id_number: str) -> dict:
        """The drafts of a person: saved by them, or naming them as the applicant (a principal) or the agent."""
        return {"items": store.drafts(id_number)}

    @api.get("/drafts/{draft_id}/pages/{name}", tags=["drafts"], response_class=Response,
             responses={200: {"description": "the page's bytes, as uploaded (its type and SHA-256 are in the "
                                             "draft's attachments)",
                              "content": {mime: {"schema": {"type": "string", "format": "binary"}}
                                          for mime in MIMES}},
                        **documented(401, 404)})
    def draft_page(draft_id: str, name: str) -> Response:
        if not store.draft_exists(draft_id):
            raise not_found("draft")
        found = store.draft_page(draft_id, name)
        if found is None:
            raise not_found("page")
        mime, data = found
        return Response(content=data, media_type=mime)

    @api.delete("/drafts/{draft_id}", status_code=204, tags=["drafts"], responses=documented(401, 404))
    def delete_draft(draft_id: str) -> None:
        """Once the case is submitted: the draft and its pages."""
        if not store.delete_draft(draft_id):
            raise not_found("draft")

    return api
