"""The hall's queue (叫号): terminals take tickets, windows call them (sandbox/hall_queue.py holds the rules)."""

from __future__ import annotations

import re
from typing import Optional

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse

from sandbox.errors import ApiError, documented, not_found
from sandbox.hall_queue import CATEGORIES, QueueConflict, queue_of
from sandbox.models import QUEUE_CATEGORY, QueueCallIn, QueueFinishIn, QueueRecallIn, QueueTicket, QueueTicketIn, QueueWaiting
from sandbox.store import Store

_KEY = re.compile(r"^[A-Za-z0-9_-]{8,80}$")
CONFLICTS = {
    "idempotency_conflict": ("同一幂等键提交了不同内容", "Different content was sent under the same Idempotency-Key"),
    "not_called_here": ("该号码不是本窗口正在叫的号", "This ticket is not the one this window called"),
    "already_finished": ("该号码已办结", "This ticket is already finished"),
}


def routes(store: Store, settings: dict) -> APIRouter:
    api = APIRouter(prefix="/api/v1/queue")

    def clerk(token: str | None) -> dict:
        found = store.staff_for_token(token or "")
        if found is None:
            raise ApiError(401, "staff_auth", "工作人员登录已失效，请重新登录", "Staff sign-in expired; sign in again")
        if "clerk" not in found.get("roles", []):
            raise ApiError(403, "not_a_clerk", "该账号无叫号权限", "This account may not call tickets")
        return found

    def checked_key(key: str | None) -> str | None:
        if key is not None and not _KEY.match(key):
            raise ApiError(400, "bad_idempotency_key", "幂等键格式不正确", "The Idempotency-Key is malformed")
        return key

    def unknown_category(category: str) -> None:
        if category not in CATEGORIES:
            raise ApiError(422, "unknown_category", "没有该排队类别", "No such queue category",
                           {"category": ", ".join(sorted(CATEGORIES))})

    def conflict(exc: QueueConflict) -> ApiError:
        zh, en = CONFLICTS[exc.reason]
        return ApiError(409, exc.reason, zh, en, {"status": exc.status} if exc.status else {})

    key_header = Header(default=None, alias="Idempotency-Key",
                        description="asked again under it from the same terminal: the answer it had, not a second "
                                    "ticket (taking) or the next citizen (calling)")

    @api.post("/tickets", response_model=QueueTicket, status_code=201, tags=["queue"],
              responses={200: {"model": QueueTicket, "description": "the ticket this Idempotency-Key took"},
                         **documented(400, 404, 409, 422)})
    def take(body: QueueTicketIn, request: Request, idempotency_key: Optional[str] = key_header) -> JSONResponse:
        category = body.category
        if body.service_code is not None:
            service = store.service(body.service_code)
            if service is None:
                raise not_found("service")
            category = category or queue_of(service.get("category", ""))
        unknown_category(category)
        try:
            ticket, replayed = store.queue.take(category, body.service_code, request.state.terminal_id,
                                                checked_key(idempotency_key))
        except QueueConflict as exc:
            raise conflict(exc) from None
        return JSONResponse(ticket, status_code=200 if replayed else 201)

    @api.post("/call", response_model=QueueTicket, tags=["queue"], responses=documented(400, 401, 403, 404, 409, 422))
    def call(body: QueueCallIn, request: Request, token: str | None = Header(default=None, alias="X-Staff-Token"),
             idempotency_key: Optional[str] = key_header) -> dict:
        """The next waiting ticket, called to the window; 404 ``queue_empty`` when no one waits."""
        clerk(token)
        for category in body.categories:
            unknown_category(category)
        try:
            ticket = store.queue.call(body.window, body.categories, request.state.terminal_id,
                                      checked_key(idempotency_key))
        except QueueConflict as exc:
            raise conflict(exc) from None
        if ticket is None:
            raise ApiError(404, "queue_empty", "当前无人排队", "No one is waiting", {"waiting": 0})
        return ticket

    @api.post("/tickets/{ticket_number}/recall", response_model=QueueTicket, tags=["queue"],
              responses=documented(400, 401, 403, 404, 409))
    def recall(ticket_number: str, body: QueueRecallIn,
               token: str | None = Header(default=None, alias="X-Staff-Token")) -> dict:
        clerk(token)
        try:
            ticket = store.queue.recall(ticket_number, body.window)
        except QueueConflict as exc:
            raise conflict(exc) from None
        if ticket is None:
            raise not_found("queue_ticket")
        return ticket

    @api.post("/tickets/{ticket_number}/finish", response_model=QueueTicket, tags=["queue"],
              responses=documented(400, 401, 403, 404, 409))
    def finish(ticket_number: str, body: QueueFinishIn,
               token: str | None = Header(default=None, alias="X-Staff-Token")) -> dict:
        clerk(token)
        try:
            ticket = store.queue.finish(ticket_number, body.window, body.outcome)
        except QueueConflict as exc:
            raise conflict(exc) from None
        if ticket is None:
            raise not_found("queue_ticket")
        return ticket

    @api.get("", response_model=QueueWaiting, tags=["queue"], responses=documented(400, 422))
    def waiting(category: list[str] = Query(default=[], description="the categories to count; none: all")) -> dict:
        for c in category:
            if not re.match(QUEUE_CATEGORY, c):
                raise ApiError(400, "invalid_request", "请求内容不符合要求", "The request is not valid", {"category": c})
            unknown_category(c)
        counts = store.queue.waiting(category)
        return {"waiting": sum(counts.values()), "by_category": counts}

    return api
