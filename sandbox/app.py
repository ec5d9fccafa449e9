"""The sandbox backend's HTTP application: the whole contract, signed, with fault switches.

Bad input gets a 4xx with a structured error (code, Chinese, English), never a 5xx.
"""

from __future__ import annotations

import copy
from typing import Any, Callable, Optional

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema
from starlette.exceptions import HTTPException as StarletteHTTPException

from sandbox import api_cases, api_queue, api_staff, api_terminal
from sandbox.catalogue_changes import CHANGES, CatalogueChanges
from sandbox.errors import ApiError, error_body, not_found
from sandbox.faults import FAULTS, FaultSwitches
from sandbox.models import CaseIn, DraftIn
from sandbox.payments import OrderClosed, OrderStatus
from sandbox.store import STAGE_NOTES, Store

# Models a route refers to by hand (a request body it reads itself, documented through openapi_extra):
# FastAPI does not see them, so the document would point at schemas it does not define.
HAND_REFERENCED = (CaseIn, DraftIn)
ANSWER_HEADERS = {
    "X-Server-Time": {
        "description": "the backend's clock, Unix seconds with up to 3 decimals; the terminal corrects its own "
                       "clock offset from it",
        "schema": {"type": "string", "pattern": r"^[0-9]{1,10}(\.[0-9]{1,9})?$"},
    },
    "X-Response-Signature": {
        "description": "lower-case hex HMAC, under the terminal's key and with the request's X-Signature-Alg, of "
                       "RESPONSE, the status, the request's METHOD, PATH?QUERY and X-Nonce, SHA-256 of the body, "
                       "X-Server-Time and the terminal id, joined by newlines (docs/api/payloads.md, 'Answer "
                       "signing'). On every answer to a request whose signature checked out; a terminal believes "
                       "no answer without it",
        "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    },
}
DEFAULT_REMOTE_CONFIG: dict[str, dict[str, Any]] = {
    "terminal": {"idle_timeout_s": 90},
    "backend": {"read_timeout_s": 10},
    "logging": {"level": "INFO"},
}


PLATFORM_OUTCOMES = {"paid": OrderStatus.PAID, "expire": OrderStatus.EXPIRED, "cancel": OrderStatus.CANCELLED}


class FaultIn(BaseModel):
    fault: str
    on: bool = True
    # ``trickle``'s pace: between the answer's bytes, and for how long at most (then the rest at once)
    trickle_gap_s: Optional[float] = Field(default=None, ge=0.001, le=60, allow_inf_nan=False)
    trickle_for_s: Optional[float] = Field(default=None, ge=0, le=3600, allow_inf_nan=False)


class CatalogueChangeIn(BaseModel):
    service_code: str
    change: str
    material_code: str = ""


IN_PROGRESS = ("submitted", "accepted", "in_review", "approved")  # a licence may be issued for these


def create_app(store: Store, faults: FaultSwitches | None = None,
               remote_config: dict[str, dict[str, Any]] | None = None) -> FastAPI:
    app = FastAPI(title="OneTrip hall backend", version="1.0.0",
                  description="The contract between OneTrip terminals and a service hall's backend. Every "
                              "/api/v1 request except /health is signed (see docs/api/payloads.md, 'Request "
                              "signing'), and every answer to a signed request is signed back (X-Response-"
                              "Signature, 'Answer signing'); every error body is {error: {code, message_zh, "
                              "message_en, fields}}.")
    # enforce_forms: a case's form checked against its service's (sandbox/case_form.py); a test turns it off to send
    # a form the terminals would never send
    # enforce_materials: every required material brought (sandbox/case_materials.py); turned off the same way
    settings = {"remote_config": copy.deepcopy(remote_config or DEFAULT_REMOTE_CONFIG), "enforce_forms": True,
                "enforce_materials": True}
    app.state.store, app.state.settings = store, settings
    app.state.faults = faults or FaultSwitches()
    app.state.catalogue_changes = CatalogueChanges(store)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.zh, exc.en, exc.fields), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = {".".join(str(p) for p in e.get("loc", ())[1:]) or "body": e.get("msg", "") for e in exc.errors()}
        return JSONResponse(error_body("invalid_request", "请求内容不符合要求", "The request is not valid", fields),
                            status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = "invalid_request" if exc.status_code == 400 else f"http_{exc.status_code}"
        return JSONResponse(error_body(code, "请求无法处理", str(exc.detail)), status_code=exc.status_code)

    for module in (api_terminal, api_cases, api_staff, api_queue):
        app.include_router(module.routes(store, settings))

    @app.post("/control/faults", include_in_schema=False)
    def set_fault(body: FaultIn) -> dict:
        if body.fault == "clear":
            app.state.faults.clear()
        elif body.fault in FAULTS:
            app.state.faults.set(body.fault, body.on)
            if body.trickle_gap_s is not None:
                app.state.faults.trickle_gap_s = body.trickle_gap_s
            if body.trickle_for_s is not None:
                app.state.faults.trickle_for_s = body.trickle_for_s
        else:
            raise ApiError(400, "unknown_fault", "未知故障", f"Unknown fault; known: {', '.join(FAULTS)}, clear")
        return {"active": sorted(app.state.faults.active())}

    @app.post("/control/catalogue", include_in_schema=False)
    def change_catalogue(body: CatalogueChangeIn) -> dict:
        """The hall changes a service under the terminals (sandbox/catalogue_changes.py)."""
        if body.change not in CHANGES:
            raise ApiError(400, "unknown_change", "未知的事项变更", f"Unknown change; known: {', '.join(CHANGES)}")
        changed = app.state.catalogue_changes.change(body.service_code, body.change, body.material_code)
        if changed is None:
            raise not_found("service")
        return changed

    @app.post("/control/payments/{order_id}/{outcome}", include_in_schema=False)
    def simulate_payment(order_id: str, outcome: str) -> dict:
        """The payment platform's word on an order: paid, expire or cancel (payments.py)."""
        status = PLATFORM_OUTCOMES.get(outcome)
        if status is None:
            raise ApiError(404, "unknown_outcome", "未知的缴费结果", f"Unknown outcome; known: {', '.join(PLATFORM_OUTCOMES)}")
        try:
            order = store.payments.close(order_id, status)
        except OrderClosed as closed:
            raise ApiError(409, "order_closed", "该缴费订单已结束", f"The order is already {closed.status.value}",
                           {"status": closed.status.value}) from None
        if order is None:
            raise not_found("order")
        return {"order_id": order_id, "status": order["status"]}

    @app.post("/control/windows/{terminal_id}", include_in_schema=False)
    def register_window(terminal_id: str) -> dict:
        """The hall's administrator registers a terminal as a window (sandbox/window_register.py)."""
        try:
            changed = store.windows.register(terminal_id)
        except ValueError:
            raise ApiError(400, "bad_terminal_id", "终端编号格式不正确", "The terminal id is malformed") from None
        return {"terminal_id": terminal_id, "window": True, "changed": changed}

    @app.delete("/control/windows/{terminal_id}", include_in_schema=False)
    def remove_window(terminal_id: str) -> dict:
        """The terminal is a window no longer: it may not say paper was checked at a counter."""
        return {"terminal_id": terminal_id, "window": False, "changed": store.windows.remove(terminal_id)}

    @app.post("/control/cases/{case_number}/ready", include_in_schema=False)
    def issue_licence(case_number: str) -> dict:
        """The department approves a case and makes its licence: a window's acceptance stays where the clerk left
        it until then. The licence is listed ready for its holder (GET /licences/ready), to hand over at a window
        or print at a kiosk (kiosk bench window-monkey --licences-issued)."""
        case = store.case(case_number)
        if case is None:
            raise not_found("case")
        if case["status"] not in IN_PROGRESS:
            raise ApiError(409, "not_in_progress", "该办件不在办理中", f"The case is {case['status']}",
                           {"status": case["status"]})
        store.set_status(case_number, "ready", *STAGE_NOTES["ready"])
        return {"case_number": case_number, "status": "ready"}

    app.openapi = lambda: _contract_document(app)
    return app


def _contract_document(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with the hand-referenced schemas and the answer headers on every answer."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    document = FastAPI.openapi(app)
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    _, extra = models_json_schema([(model, "validation") for model in HAND_REFERENCED],
                                  ref_template="#/components/schemas/{model}")
    for name, schema in extra.get("$defs", {}).items():
        # FastAPI drops a null default from a schema it writes for an answer (Draft's Applicant): apart from
        # that, a hand-referenced model must be the schema FastAPI already holds under its name
        if _without_null_defaults(schemas.setdefault(name, schema)) != _without_null_defaults(schema):
            raise RuntimeError(f"two different schemas are both called {name}")
        schemas[name] = schema
    components["schemas"] = dict(sorted(schemas.items()))
    components["headers"] = copy.deepcopy(ANSWER_HEADERS)
    refs = {name: {"$ref": f"#/components/headers/{name}"} for name in ANSWER_HEADERS}
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            for response in operation.get("responses", {}).values():
                response.setdefault("headers", {}).update(copy.deepcopy(refs))
    return document


def _without_null_defaults(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_null_defaults(v) for k, v in node.items() if not (k == "default" and v is None)}
    if isinstance(node, list):
        return [_without_null_defaults(v) for v in node]
    return node


def key_lookup(keys: dict[str, bytes], derive: Callable[[str], bytes] | None) -> Callable[[str], bytes | None]:
    """Known keys first; with ``derive`` (the demo key), any terminal id is accepted."""
    def key_for(terminal_id: str) -> bytes | None:
        if terminal_id in keys:
            return keys[terminal_id]
        return derive(terminal_id) if derive is not None else None
    return key_for
