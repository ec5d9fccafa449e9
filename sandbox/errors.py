"""Structured errors: a machine code and a message in Chinese and English."""

from __future__ import annotations

from typing import Any

from sandbox.models import ErrorBody


class ApiError(Exception):
    def __init__(self, status: int, code: str, zh: str, en: str, fields: dict[str, Any] | None = None) -> None:
        super().__init__(code)
        self.status, self.code, self.zh, self.en, self.fields = status, code, zh, en, fields or {}


def error_body(code: str, zh: str, en: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message_zh": zh, "message_en": en,
                      "fields": {k: str(v) for k, v in (fields or {}).items()}}}


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorBody} for status in statuses}


NOT_FOUND = {
    "service": ("service_not_found", "没有找到该事项", "No such service"),
    "case": ("case_not_found", "没有找到该办件", "No such case"),
    "person": ("person_not_found", "没有找到该申请人", "No such applicant"),
    "token": ("token_unknown", "二维码无效或已过期，请刷新后重试", "The code is not valid or has expired; refresh it"),
    "licence": ("licence_not_found", "没有找到该证照", "No such licence"),
    "ticket": ("ticket_not_found", "没有找到该打印凭证", "No such print ticket"),
    "order": ("order_not_found", "没有找到该缴费订单", "No such payment order"),
    "notice": ("notice_not_found", "没有找到该一次性告知单", "No such one-time notice"),
    "draft": ("draft_not_found", "没有找到该草稿", "No such draft"),
    "page": ("page_not_found", "草稿中没有该页", "The draft holds no such page"),
    "decision": ("decision_not_found", "该办件没有窗口受理决定", "No window decision is recorded for this case"),
    "queue_ticket": ("queue_ticket_not_found", "今天没有该排队号（或已过期）", "No such queue ticket today (it may have expired)"),
}


def not_found(kind: str) -> ApiError:
    return ApiError(404, *NOT_FOUND[kind])
