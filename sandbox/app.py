"""The sandbox backend's HTTP API (FastAPI). Bad input gets a 4xx with a structured error, never a 5xx."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from kiosk.idnumber import is_valid
from sandbox.db import Store


class ApiError(Exception):
    def __init__(self, status: int, code: str, zh: str, en: str, fields: dict[str, Any] | None = None) -> None:
        super().__init__(code)
        self.status, self.code, self.zh, self.en, self.fields = status, code, zh, en, fields or {}


def error_body(code: str, zh: str, en: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message_zh": zh, "message_en": en, "fields": fields or {}}}


class Applicant(BaseModel):
    type: str = Field(pattern="^(person|company)$")
    id_number: str = Field(min_length=15, max_length=18)
    name: str = Field(min_length=1, max_length=60)
    card_type: str = Field(max_length=20)


class CaseIn(BaseModel):
    application_id: str = Field(min_length=8, max_length=64)
    service_code: str = Field(min_length=1, max_length=32)
    terminal_id: str = Field(min_length=1, max_length=32)
    created_at: str = Field(max_length=40)
    applicant: Applicant
    form: dict[str, Any] = Field(default_factory=dict)


_KEY = re.compile(r"^[A-Za-z0-9_-]{8,80}$")


def create_app(store: Store) -> FastAPI:
    app = FastAPI(title="OneTrip hall backend (sandbox)", version="1")
    app.state.store = store

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.zh, exc.en, exc.fields), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = {".".join(str(p) for p in e.get("loc", ())[1:]): e.get("msg", "") for e in exc.errors()}
        return JSONResponse(error_body("invalid_request", "请求内容不符合要求", "The request is not valid", fields),
                            status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = "invalid_request" if exc.status_code == 400 else f"http_{exc.status_code}"
        return JSONResponse(error_body(code, "请求无法处理", str(exc.detail)), status_code=exc.status_code)

    @app.get("/api/v1/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "server_time": dt.datetime.now().astimezone().isoformat(timespec="seconds")}

    @app.get("/api/v1/services")
    def services() -> dict[str, Any]:
        return {"items": store.services()}

    @app.get("/api/v1/services/{code}")
    def service(code: str) -> dict[str, Any]:
        found = store.service(code)
        if found is None:
            raise ApiError(404, "service_not_found", "没有找到该事项", "No such service")
        return found

    @app.post("/api/v1/cases", status_code=201)
    def submit(case: CaseIn, idempotency_key: str = Header(..., alias="Idempotency-Key")) -> JSONResponse:
        if not _KEY.match(idempotency_key):
            raise ApiError(400, "bad_idempotency_key", "幂等键格式不正确", "The Idempotency-Key is malformed")
        if store.service(case.service_code) is None:
            raise ApiError(422, "service_not_found", "没有找到该事项", "No such service",
                           {"service_code": case.service_code})
        if len(case.applicant.id_number) == 18 and not is_valid(case.applicant.id_number):
            raise ApiError(422, "bad_id_number", "身份证号码校验不通过", "The ID number fails its check",
                           {"applicant.id_number": "check character"})
        body = case.model_dump()
        digest = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        try:
            response, replayed = store.create_case(idempotency_key, digest, body)
        except KeyError:
            raise ApiError(409, "idempotency_conflict", "同一幂等键提交了不同内容",
                           "Different content was sent under the same Idempotency-Key") from None
        return JSONResponse(response, status_code=200 if replayed else 201)

    @app.get("/api/v1/cases/{case_number}")
    def case_status(case_number: str) -> dict[str, Any]:
        found = store.case(case_number)
        if found is None:
            raise ApiError(404, "case_not_found", "没有找到该办件", "No such case")
        return found

    return app


def open_store(db: Path | None) -> Store:
    return Store(db if db is not None else ":memory:")
