"""JSON from the backend into domain objects; anything off-contract is a ServerError, not a crash."""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from typing import Any, TypeVar

from common.backend_errors import ServerError
from common.domain import (CLOCK_OFFSET_MAX_S, DNS_STALE_MAX, HOST_NAME, CaseRefusal, Company, CompanyRole,
                           EvaluationRecorded, HallTerminal, PaymentOrder, PaymentStatus, RecordedConsent,
                           RecordedDecision, RecordedNotice, WithdrawalRecorded)
from common.domain import FieldType, FormChoice, FormField, MaterialKind, MaterialRequirement, ServiceItem
from common.form_fields import field_problem, repeated_name
from common.form_patterns import UnsafePattern, compile_pattern
from kiosk.payloads import PayloadKind, classify, is_case_number, is_notice_number
from kiosk.progress import company_case, masked_person

E = TypeVar("E", bound=enum.Enum)
DECISIONS = ("accepted", "incomplete", "not_accepted")
_STAFF_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
_HOST_NAME = re.compile(HOST_NAME)
_MAX_RECEIVED = 60
MAX_INSTALLATIONS = 500  # as many as the hall's list holds terminals


def _get(obj: dict[str, Any], key: str, tp: type, default: Any = ...) -> Any:
    if not isinstance(obj, dict):
        raise ServerError(detail=f"expected an object, got {type(obj).__name__}")
    if key not in obj or obj[key] is None:
        if default is ...:
            raise ServerError(detail=f"missing field {key!r}")
        return default
    value = obj[key]
    if tp is float and isinstance(value, int) and not isinstance(value, bool):  # true is no number of seconds
        value = float(value)
    if not isinstance(value, tp) or (tp in (int, float) and isinstance(value, bool)):
        raise ServerError(detail=f"field {key!r}: expected {tp.__name__}")
    return value


def _member(obj: dict[str, Any], key: str, kind: type[E], default: str, *, where: str = "") -> E:
    """The enum member named by ``obj[key]``; an unknown value is the contract's ServerError."""
    value = _get(obj, key, str, default)
    try:
        return kind(value)
    except ValueError:
        raise ServerError(detail=f"{where}field {key!r}: unknown value {value[:40]!r}") from None


def _one_of(obj: dict[str, Any], key: str, allowed: tuple[str, ...], default: str = "") -> str:
    """``obj[key]``, one of ``allowed``; any other value is the contract's ServerError."""
    value = _get(obj, key, str, default)
    if value not in allowed:
        raise ServerError(detail=f"field {key!r}: unknown value {value[:40]!r}")
    return value


def _objects(obj: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """A list field whose every item is an object."""
    items = _get(obj, key, list)
    if not all(isinstance(item, dict) for item in items):
        raise ServerError(detail=f"field {key!r}: expected a list of objects")
    return items


def _strings(obj: dict[str, Any], key: str, default: list[str]) -> tuple[str, ...]:
    items = _get(obj, key, list, default)
    if not all(isinstance(item, str) for item in items):
        raise ServerError(detail=f"field {key!r}: expected a list of strings")
    return tuple(items)


def material_from_json(obj: dict[str, Any]) -> MaterialRequirement:
    mkind = _member(obj, "kind", MaterialKind, "copy")
    return MaterialRequirement(
        code=_get(obj, "code", str), name_zh=_get(obj, "name_zh", str), name_en=_get(obj, "name_en", str, ""),
        required=_get(obj, "required", bool, True), condition=_get(obj, "condition", str, ""), kind=mkind,
        pages=_get(obj, "pages", int, 1), e_licence_type=_get(obj, "e_licence_type", str, ""),
        e_licence_holder=_one_of(obj, "e_licence_holder", ("", "person", "company")),
        obtain=_get(obj, "obtain", str, ""))


def _optional_number(obj: dict[str, Any], key: str, tp: type) -> Any:
    return _get(obj, key, tp, None)


def choice_from_json(obj: dict[str, Any]) -> FormChoice:
    return FormChoice(value=_get(obj, "value", str), label_zh=_get(obj, "label_zh", str),
                      label_en=_get(obj, "label_en", str, ""))


def form_field_from_json(obj: dict[str, Any]) -> FormField:
    name = _get(obj, "name", str)
    ftype = _member(obj, "type", FieldType, "text", where=f"form field {name!r}: ")
    pattern = _get(obj, "pattern", str, "")
    if pattern:
        try:
            compile_pattern(pattern)
        except UnsafePattern as exc:
            raise ServerError(detail=f"form field {name!r}: pattern refused ({exc})") from None
    lengths = [_optional_number(obj, key, int) for key in ("min_length", "max_length")]
    if any(n is not None and n < 0 for n in lengths):
        raise ServerError(detail=f"form field {name!r}: a negative length")
    low, high = _optional_number(obj, "min", float), _optional_number(obj, "max", float)
    choices = tuple(choice_from_json(c) for c in _objects(obj, "choices")) if obj.get("choices") else ()
    problem = field_problem(ftype.value, len(choices), lengths[0], lengths[1], low, high)
    if problem:  # no answer would ever do: the citizen stuck at the form (common/form_fields.py)
        raise ServerError(detail=f"form field {name!r}: {problem}")
    return FormField(
        name=name, label_zh=_get(obj, "label_zh", str), label_en=_get(obj, "label_en", str, ""), type=ftype,
        required=_get(obj, "required", bool, False), min_length=lengths[0], max_length=lengths[1],
        min=low, max=high, pattern=pattern, choices=choices, prefill=_get(obj, "prefill", str, ""))


def _form_from_json(obj: dict[str, Any]) -> tuple[FormField, ...]:
    form = tuple(form_field_from_json(f) for f in _objects(obj, "form")) if obj.get("form") else ()
    twice = repeated_name(f.name for f in form)
    if twice:
        raise ServerError(detail=f"form field {twice[:40]!r} defined twice")
    return form


def service_from_json(obj: dict[str, Any]) -> ServiceItem:
    return ServiceItem(
        code=_get(obj, "code", str), name_zh=_get(obj, "name_zh", str), name_en=_get(obj, "name_en", str, ""),
        category=_get(obj, "category", str, ""),
        applicant_types=_strings(obj, "applicant_types", ["person"]),
        description_zh=_get(obj, "description_zh", str, ""), description_en=_get(obj, "description_en", str, ""),
        conditions_zh=_get(obj, "conditions_zh", str, ""), conditions_en=_get(obj, "conditions_en", str, ""),
        legal_basis=_get(obj, "legal_basis", str, ""), fee=_get(obj, "fee", str, ""),
        fee_yuan=_get(obj, "fee_yuan", float, 0.0),
        statutory_days=_get(obj, "statutory_days", int, 0), promised_days=_get(obj, "promised_days", int, 0),
        visits=_get(obj, "visits", int, 0), agent_allowed=_get(obj, "agent_allowed", bool, False),
        materials=tuple(material_from_json(m) for m in _objects(obj, "materials")) if obj.get("materials") else (),
        form=_form_from_json(obj),
        signature_required=_get(obj, "signature_required", bool, False))


def consent_from_json(obj: dict[str, Any]) -> RecordedConsent:
    return RecordedConsent(_get(obj, "consent_id", str), _get(obj, "scope", str), _get(obj, "service_code", str, None),
                           _get(obj, "text_version", str), _get(obj, "agreed_at", str), _get(obj, "recorded_at", str),
                           _get(obj, "expires_at", str), _get(obj, "consent_key", str, None),
                           _get(obj, "case_number", str, None))


def withdrawal_from_json(obj: dict[str, Any]) -> WithdrawalRecorded:
    drafts = _get(obj, "drafts_deleted", int)
    if isinstance(drafts, bool) or drafts < 0:
        raise ServerError(detail=f"field 'drafts_deleted': {drafts!r} is not a count")
    return WithdrawalRecorded(_get(obj, "withdrawal_id", str), _strings(obj, "consents_withdrawn", []), drafts)


def company_from_json(obj: dict[str, Any]) -> Company:
    applicant_role = _member(obj, "applicant_role", CompanyRole, "none")
    return Company(_get(obj, "credit_code", str), _get(obj, "name_zh", str), _get(obj, "name_en", str, ""),
                   _get(obj, "address", str, ""), _get(obj, "legal_representative_masked_name", str, ""),
                   applicant_role)


def parse_time(value: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ServerError(detail=f"bad timestamp {value!r}") from None


MAX_FEE_YUAN = 1_000_000.0
MAX_SERVER_TEXT = 500  # characters kept of a message the backend wrote


def _text(obj: dict[str, Any], key: str, default: Any = ...) -> str:
    return _get(obj, key, str, default)[:MAX_SERVER_TEXT]


def payment_order_from_json(obj: dict[str, Any], case_number: str | None = None) -> PaymentOrder:
    """An order whose QR payload is the OTP1 code of this very order and amount (payloads.md); with
    ``case_number``, an order for that case and no other."""
    order_id, number = _get(obj, "order_id", str), _get(obj, "case_number", str)
    amount = _get(obj, "amount_yuan", float)
    if not math.isfinite(amount) or not 0 < amount <= MAX_FEE_YUAN:
        raise ServerError(detail=f"payment order: amount {amount!r} out of range")
    if not is_case_number(number) or (case_number is not None and number != case_number):
        raise ServerError(detail="payment order: for another case")
    qr = _get(obj, "qr_payload", str)
    code = classify(qr)
    if (code.kind is not PayloadKind.PAYMENT_ORDER or code.fields["order_id"] != order_id
            or code.fields["amount"] != f"{amount:.2f}"):
        raise ServerError(detail="payment order: its QR payload is not OTP1 of this order and amount")
    expires = parse_time(_get(obj, "expires_at", str))
    if expires.tzinfo is None:
        raise ServerError(detail="payment order: expires_at without a time zone")
    return PaymentOrder(order_id, number, amount, qr, expires, _member(obj, "status", PaymentStatus, "unpaid"))


def refusal_from_json(obj: dict[str, Any], provisional_number: str) -> CaseRefusal:
    if _get(obj, "provisional_number", str) != provisional_number:
        raise ServerError(detail="refusal: of another provisional number")
    fields = _get(obj, "fields", dict, {})
    if len(fields) > 50 or not all(isinstance(k, str) and isinstance(v, str) for k, v in fields.items()):
        raise ServerError(detail="refusal: fields is not a small map of strings")
    parse_time(_get(obj, "refused_at", str))
    return CaseRefusal(provisional_number, _text(obj, "code"), _text(obj, "message_zh"), _text(obj, "message_en", ""),
                       _text(obj, "advice_zh"), _text(obj, "advice_en", ""), _get(obj, "refused_at", str),
                       {k[:100]: v[:MAX_SERVER_TEXT] for k, v in fields.items()}, _text(obj, "service_code", ""),
                       _text(obj, "service_name_zh", ""), _text(obj, "service_name_en", ""))


def evaluation_recorded_from_json(obj: dict[str, Any], level: int) -> EvaluationRecorded:
    case_number = _get(obj, "case_number", str, None)
    if case_number is not None and not is_case_number(case_number):
        raise ServerError(detail="evaluation: case_number is not a case number")
    recorded_at = _get(obj, "recorded_at", str)
    parse_time(recorded_at)
    return EvaluationRecorded(level, False, _text(obj, "evaluation_id"), recorded_at, case_number)


TERMINAL_MODES = ("kiosk", "window", "maintenance")
DEVICE_STATES = ("ready", "busy", "offline", "error")
RESTART_REASONS = ("", "froze", "crashed", "exited", "unstartable", "memory", "device", "disk")
MAX_HALL_TERMINALS = 500


def _count(obj: dict[str, Any], key: str) -> int:
    value = _get(obj, key, int, 0)
    if value < 0:
        raise ServerError(detail=f"field {key!r}: a count below 0")
    return value


def _installations(obj: dict[str, Any]) -> int:
    """How many installations speak under a terminal's id: a count a hall could have, or the answer is refused."""
    count = _count(obj, "installations")
    if count > MAX_INSTALLATIONS:
        raise ServerError(detail="hall terminal: installations not a count of terminals")
    return count


def hall_terminal_from_json(obj: dict[str, Any]) -> HallTerminal:
    """One ``HallTerminal`` of ``GET /halls/{hall}/terminals``; its names and words are shown to staff as they come,
    so each is bounded and of the contract's kinds."""
    terminal_id = _text(obj, "terminal_id")
    if not 0 < len(terminal_id) <= 32:
        raise ServerError(detail="hall terminal: terminal_id length")
    silent = _get(obj, "silent_s", float, None)
    if silent is not None and not (math.isfinite(silent) and silent >= 0):
        raise ServerError(detail="hall terminal: silent_s not a time")
    devices = []
    for device in _objects(obj, "devices")[:20]:
        state = _one_of(device, "state", DEVICE_STATES)
        if state != "ready":
            devices.append((_text(device, "name")[:40], state))
    queue = _get(obj, "queue", dict, {})
    restarts = _get(obj, "restarts", dict, {})
    clock = _get(obj, "clock_offset_s", float, None)
    if clock is not None and not (math.isfinite(clock) and abs(clock) <= CLOCK_OFFSET_MAX_S):
        raise ServerError(detail="hall terminal: clock_offset_s not a time")
    stale = _strings(obj, "dns_stale", [])
    if len(stale) > DNS_STALE_MAX or not all(_HOST_NAME.match(name) for name in stale):
        raise ServerError(detail="hall terminal: dns_stale not a list of host names")
    return HallTerminal(terminal_id=terminal_id, mode=_one_of(obj, "mode", TERMINAL_MODES),
                        version=_text(obj, "version", "")[:32], silent_s=silent,
                        heard=bool(_text(obj, "last_heartbeat", "")), devices_not_ready=tuple(devices),
                        queue_waiting=_count(queue, "depth"),
                        queue_for_staff=sum(_count(queue, k) for k in ("dead", "held", "quarantined")),
                        restarts_24h=_count(restarts, "last_24h"),
                        last_restart=_one_of(restarts, "last_reason", RESTART_REASONS),
                        window_registered=_get(obj, "window", bool, None), clock_offset_s=clock,
                        dns_stale=stale, disk_writable=_get(obj, "disk_writable", bool, None),
                        installations=_installations(obj))


def hall_terminals_from_json(obj: dict[str, Any], hall_id: str) -> list[HallTerminal]:
    if _text(obj, "hall_id") != hall_id:
        raise ServerError(detail="hall terminals: another hall's list")
    items = _objects(obj, "terminals")
    if len(items) > MAX_HALL_TERMINALS:
        raise ServerError(detail="hall terminals: more than the contract allows")
    return [hall_terminal_from_json(item) for item in items]


def decision_from_json(body: Any, case_number: str) -> RecordedDecision:
    """The backend's answer as a record; ServerError when it is not the case asked for (by its number or the
    provisional number it carried), names a person in full, or is off the contract."""
    number = _get(body, "case_number", str)
    if not is_case_number(number) or case_number not in (number, body.get("provisional_number")):
        raise ServerError(detail="decision: another case's, or not a case number")
    decision = _get(body, "decision", str)
    if decision not in DECISIONS:
        raise ServerError(detail="decision: unknown decision")
    person = masked_person(body.get("applicant_masked_name"), body.get("applicant_masked_id"))
    if person is None:
        raise ServerError(detail="decision: the applicant is not masked")
    clerk_id = _get(body, "decided_by", str)
    if not _STAFF_ID.fullmatch(clerk_id):
        raise ServerError(detail="decision: not a staff id")
    notice = _get(body, "notice_number", str, "")
    if notice and not is_notice_number(notice):
        raise ServerError(detail="decision: not a notice number")
    return RecordedDecision(number, decision, clerk_id, _clerk_name(body, "decided_by_name"),
                            _offset_time(body, "decided_at", "decision"), _text(body, "service_code"), *person,
                            _company_of(body, "decision"), _codes(body, "received", "decision"),
                            _text(body, "legal_reason", ""), _text(body, "note", ""), notice,
                            _hall_id(body, "decision"))


def notice_from_json(body: Any, number: str) -> RecordedNotice:
    """The backend's record of a one-time notice; ServerError when it is another notice's, names the applicant in
    full, or is off the contract. A kiosk's notice names no clerk ("")."""
    if _get(body, "number", str) != number or not is_notice_number(number):
        raise ServerError(detail="notice: another notice's, or not a notice number")
    person = masked_person(body.get("applicant_masked_name"), body.get("applicant_masked_id"), name_known=False)
    if person is None:
        raise ServerError(detail="notice: the applicant is not masked")
    clerk_id = _get(body, "issued_by", str, "")
    if clerk_id and not _STAFF_ID.fullmatch(clerk_id):
        raise ServerError(detail="notice: not a staff id")
    missing = _codes(body, "missing", "notice")
    if not missing:
        raise ServerError(detail="notice: no missing material")
    return RecordedNotice(number, _offset_time(body, "issued_at", "notice"), _text(body, "service_code"), *person,
                          missing, _company_of(body, "notice"), clerk_id, _clerk_name(body, "issued_by_name"),
                          _hall_id(body, "notice"))


def _hall_id(body: dict[str, Any], what: str) -> str:
    hall = _get(body, "hall_id", str, "")
    if len(hall) > 32 or not hall.isprintable():
        raise ServerError(detail=f"{what}: the hall is off the contract")
    return hall


def _company_of(body: dict[str, Any], what: str) -> tuple[str, str] | None:
    if body.get("company") is None:
        return None
    company = company_case(body)
    if company is None:
        raise ServerError(detail=f"{what}: the company is off the contract")
    return company


def _codes(body: dict[str, Any], key: str, what: str) -> tuple[str, ...]:
    """A record's material codes (the materials received, or missing)."""
    codes = _strings(body, key, [])
    if len(codes) > _MAX_RECEIVED or not all(0 < len(code) <= 32 for code in codes):
        raise ServerError(detail=f"{what}: {key} materials off the contract")
    return tuple(codes)


def _clerk_name(body: dict[str, Any], key: str) -> str:
    name = _text(body, key, "")
    return name if name.isprintable() else ""


def _offset_time(body: dict[str, Any], key: str, what: str) -> dt.datetime:
    at = parse_time(_get(body, key, str))
    if at.tzinfo is None:
        raise ServerError(detail=f"{what}: a time without its offset")
    return at
