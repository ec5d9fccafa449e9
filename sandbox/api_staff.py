"""Clerk work: staff sign-in, acceptance decisions, licence hand-overs, and terminals' audit chains."""

from __future__ import annotations

import re
import time
from typing import Optional

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse

from common.domain import INSTALLATIONS_WITHIN_S
from sandbox.audit_chains import AuditRefused
from sandbox.errors import ApiError, documented, not_found
from sandbox.handovers import HandoverConflict
from sandbox.models import (PROVISIONAL, AuditIn, AuditOut, DecisionIn, DecisionOut, DecisionView, HallTerminals,
                            HandoverIn, HandoverOut, NoticeView, StaffSession, StaffSignIn)
from sandbox.store import Store, now_iso, terminal_time

AUDIT_REFUSALS = {
    "mac": ("审计记录 {seq} 的校验码与内容不符，未予接收", "Audit entry {seq} does not match its MAC; not taken"),
    "link": ("审计记录 {seq} 接不上后台已有的 {count} 条记录，未予接收",
             "Audit entry {seq} does not follow the {count} entries the backend holds; not taken"),
    "rewrite": ("审计记录 {seq} 与后台已有的同号记录不同，未予接收",
                "Audit entry {seq} differs from the one the backend holds; not taken"),
}
DECISION_NOTES = {
    "accepted": ("窗口已受理", "Accepted at the window"),
    "incomplete": ("材料不全，已出具一次性告知书", "Materials incomplete: a one-time notice was issued"),
    "not_accepted": ("不予受理", "Not accepted"),
}

_KEY = re.compile(r"^[A-Za-z0-9_-]{8,80}$")
HANDOVER_CONFLICTS = {
    "idempotency_conflict": ("同一幂等键提交了不同内容", "Different content was sent under the same Idempotency-Key"),
    "already_handed_over": ("该证照已领取", "This licence has already been handed over"),
}


def check_recipient(body: HandoverIn, store: Store) -> None:
    """Who may take the licence: its holder (for a company's, its legal representative), or an agent for them who
    names the holder and whose authorisation the clerk checked (422 otherwise)."""
    holder = store.case_holder(body.case_number)
    if not body.recipient_is_agent:
        representative = (store.company(holder) or {}).get("legal_representative_id")
        if body.recipient_id_number not in (holder, representative):
            raise ApiError(422, "not_the_holder", "领取人不是证照持有人，代领须注明代理人",
                           "The recipient does not hold this licence: an agent collects as agent",
                           {"recipient_id_number": "not the holder"})
        return
    if not body.authorisation_checked:
        raise ApiError(422, "authorisation_required", "代领须核验持证人的授权委托书",
                       "An agent needs the holder's written authorisation, checked by the clerk",
                       {"authorisation_checked": "required"})
    if body.holder_id_number != holder:
        raise ApiError(422, "holder_mismatch", "所填持证人与该证照不符", "The holder named does not hold this licence",
                       {"holder_id_number": "not the holder"})
    if body.recipient_id_number == holder:
        raise ApiError(422, "agent_is_holder", "持证人本人领取无须代领", "The holder collects in person, not as agent",
                       {"recipient_is_agent": "the recipient is the holder"})


def hall_terminal(terminal_id: str, body: dict, seen: float, now: float, window: bool = False) -> dict:
    """One terminal of a hall as its enrolment and last heartbeat said; ``window``: on the hall's register."""
    return {"terminal_id": terminal_id, "mode": body.get("mode", "kiosk"), "version": body.get("version", ""),
            "last_heartbeat": body.get("last_heartbeat", ""), "silent_s": round(max(0.0, now - seen), 1),
            "devices": body.get("devices", []), "queue": body.get("queue"), "free_disk_mb": body.get("free_disk_mb"),
            "restarts": body.get("restarts") or {}, "window": window, "clock_offset_s": body.get("clock_offset_s"),
            "dns_stale": body.get("dns_stale") or [], "disk_writable": body.get("disk_writable"),
            "installations": sum(now - at < INSTALLATIONS_WITHIN_S
                                 for at in (body.get("installations_heard") or {}).values())}


def signed_in(store: Store, token: str | None, at: float | None = None) -> dict:
    """The staff member whose sign-in ``token`` is (valid at ``at``, default now); 401 staff_auth otherwise."""
    found = store.staff_for_token(token or "", at)
    if found is None:
        raise ApiError(401, "staff_auth", "工作人员登录已失效，请重新登录", "Staff sign-in expired; sign in again")
    return found


def routes(store: Store, settings: dict) -> APIRouter:
    api = APIRouter(prefix="/api/v1")

    def staff(token: str | None, at: float | None = None) -> dict:
        return signed_in(store, token, at)

    @api.post("/staff/sign-in", response_model=StaffSession, tags=["staff"], responses=documented(400, 401))
    def sign_in(body: StaffSignIn) -> dict:
        session = store.staff_sign_in(body.staff_id, body.password)
        if session is None:
            raise ApiError(401, "staff_auth", "工号或密码错误", "Wrong staff id or password")
        return session

    @api.post("/cases/{case_number}/decision", response_model=DecisionOut, tags=["staff"],
              responses=documented(400, 401, 403, 404, 409, 422))
    def decide(case_number: str, body: DecisionIn, request: Request,
               token: str | None = Header(default=None, alias="X-Staff-Token")) -> dict:
        queued = re.fullmatch(PROVISIONAL, case_number) is not None  # sent by the terminal's queue
        clerk = staff(token, terminal_time(body.decided_at) if queued else None)
        if "clerk" not in clerk.get("roles", []):
            raise ApiError(403, "not_a_clerk", "该账号无受理权限", "This account may not decide cases")
        case = store.case(case_number)
        if case is None and re.fullmatch(PROVISIONAL, case_number):  # a decision queued behind a case sent offline
            case = store.case_by_provisional(case_number)
        if case is None:
            raise not_found("case")
        case_number = case["case_number"]
        if case["status"] not in ("submitted",):
            raise ApiError(409, "already_decided", "该办件已作出受理决定", "This case has already been decided",
                           {"status": case["status"]})
        if (store.case_body(case_number) or {}).get("refusing") and body.decision != "not_accepted":
            raise ApiError(409, "refusing_case", "该申请为不予受理提交，表单未经校验，只能作出不予受理决定",
                           "This case was submitted to be refused, its form unchecked: it can only be not accepted",
                           {"decision": body.decision})
        if body.decision == "incomplete" and not (body.notice_id and store.notice_exists(body.notice_id)):
            raise ApiError(422, "notice_required", "材料不全须先出具一次性告知书",
                           "An incomplete decision needs its one-time notice", {"notice_id": "required"})
        if body.decision == "not_accepted" and not body.legal_reason.strip():
            raise ApiError(422, "legal_reason_required", "不予受理须说明法律依据",
                           "Not accepting needs the legal reason", {"legal_reason": "required"})
        service = store.service(case["service_code"]) or {}
        unknown = sorted(set(body.received) - {m["code"] for m in service.get("materials", [])})
        if unknown:
            raise ApiError(422, "unknown_material", "材料编号不属于该事项", "A material code is not in this service",
                           {"received": ",".join(unknown)[:200]})
        zh, en = DECISION_NOTES[body.decision]
        store.set_status(case_number, body.decision, f"{zh} {body.legal_reason}".strip(), en)
        at = now_iso()
        store.add_decision(case_number, {**body.model_dump(), "staff_id": clerk["staff_id"], "at": at,
                                         "terminal_id": request.state.terminal_id})
        return {"case_number": case_number, "status": body.decision, "decided_by": clerk["staff_id"], "decided_at": at}

    @api.get("/cases/{case_number}/decision", response_model=DecisionView, tags=["staff"],
             responses=documented(401, 403, 404))
    def decision(case_number: str, token: str | None = Header(default=None, alias="X-Staff-Token")) -> dict:
        """A case's window decision, for its document printed again at a window (a clerk's sign-in)."""
        if "clerk" not in staff(token).get("roles", []):
            raise ApiError(403, "not_a_clerk", "该账号无受理权限", "This account may not decide cases")
        case = store.case(case_number) or store.case_by_provisional(case_number)
        if case is None:
            raise not_found("case")
        found = store.decision(case["case_number"])
        if found is None:
            raise not_found("decision")
        return found

    @api.get("/notices/{number}", response_model=NoticeView, tags=["staff"], responses=documented(401, 403, 404))
    def notice(number: str, token: str | None = Header(default=None, alias="X-Staff-Token")) -> dict:
        """A one-time notice as recorded, for its paper printed again at a window (a clerk's sign-in)."""
        if "clerk" not in staff(token).get("roles", []):
            raise ApiError(403, "not_a_clerk", "该账号无受理权限", "This account may not decide cases")
        found = store.notice(number)
        if found is None:
            raise not_found("notice")
        return found

    @api.post("/handovers", response_model=HandoverOut, status_code=201, tags=["staff"],
              responses={200: {"model": HandoverOut, "description": "the hand-over this Idempotency-Key recorded"},
                         **documented(400, 401, 404, 409, 422)})
    def handover(body: HandoverIn, request: Request, token: str | None = Header(default=None, alias="X-Staff-Token"),
                 idempotency_key: Optional[str] = Header(
                     default=None, alias="Idempotency-Key",
                     description="one per licence per visit: asked again under it, the hand-over recorded, "
                                 "not a second one")) -> JSONResponse:
        clerk = staff(token)
        if idempotency_key is not None and not _KEY.match(idempotency_key):
            raise ApiError(400, "bad_idempotency_key", "幂等键格式不正确", "The Idempotency-Key is malformed")
        case = store.case(body.case_number)
        if case is None:
            raise not_found("case")
        if body.licence_id != "LIC-" + body.case_number or case["status"] not in ("ready", "collected"):
            raise not_found("licence")
        if case["status"] == "collected" and store.handovers.of_licence(body.licence_id) is None:
            raise not_found("licence")  # collected by printing it at a kiosk: nothing to hand over
        check_recipient(body, store)
        try:  # a collected one: the hand-over asked again (its answer lost), or 409 already_handed_over
            handover_id, at, replayed = store.handovers.record(body.model_dump(), clerk["staff_id"], idempotency_key,
                                                               request.state.terminal_id)
        except HandoverConflict as conflict:
            zh, en = HANDOVER_CONFLICTS[conflict.reason]
            raise ApiError(409, conflict.reason, zh, en, {"handover_id": conflict.handover_id}) from None
        if not replayed:  # the holder's progress says collected, as after a licence printed at a kiosk
            store.set_status(body.case_number, "collected", "证照已在窗口领取", "Licence collected at a window")
        return JSONResponse({"handover_id": handover_id, "recorded_at": at}, status_code=200 if replayed else 201)

    @api.get("/halls/{hall_id}/terminals", response_model=HallTerminals, tags=["staff"],
             responses=documented(401, 403))
    def hall_terminals(hall_id: str, request: Request, x_staff_token: Optional[str] = Header(default=None)) -> dict:
        """The hall's terminals as their last heartbeats said, for maintenance staff at one of the hall's own
        terminals."""
        member = staff(x_staff_token)
        if "maintenance" not in member.get("roles", []):
            raise ApiError(403, "not_maintenance", "该工作人员没有运维权限", "This staff member has no maintenance role")
        caller = store.terminal(request.state.terminal_id) or {}
        if caller.get("hall_id") != hall_id:
            raise ApiError(403, "other_hall", "只能查看本终端所在大厅的终端", "Only the terminals of this terminal's own "
                           "hall can be listed")
        now = time.time()
        return {"hall_id": hall_id, "terminals": [hall_terminal(tid, body, seen, now, store.windows.is_window(tid))
                                                  for tid, body, seen in store.hall_terminals(hall_id)[:500]]}

    @api.post("/audit", response_model=AuditOut, tags=["staff"], responses=documented(400, 401, 409))
    def audit(body: AuditIn, request: Request) -> dict:
        try:
            accepted, held = store.audit.add(request.state.terminal_id, request.state.terminal_key,
                                             [e.model_dump() for e in body.entries])
        except AuditRefused as refused:
            zh, en = AUDIT_REFUSALS[refused.reason]
            raise ApiError(409, "audit_chain_broken", zh.format(seq=refused.seq, count=refused.held.count),
                           en.format(seq=refused.seq, count=refused.held.count),
                           {"seq": refused.seq, "reason": refused.reason, "count": refused.held.count,
                            "head": refused.held.head}) from None
        return {"accepted": accepted, "count": held.count, "head": held.head}

    return api
