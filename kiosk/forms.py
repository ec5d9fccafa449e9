"""A service's form, Qt-free: each field's check with a plain message, pre-filling, and its keyboard.

The catalogue defines the fields (common.domain.FormField, decoded by kiosk/backend/codec.py); the
screens show :func:`validate`'s message next to the field as it is typed, and submit only when
:func:`validate_all` is empty, with the values put through :func:`normalise`. Messages are
:class:`common.i18n.Text`, so they show in the citizen's language.

Patterns come from the backend: they are compiled through common.form_patterns, which refuses a
pattern over 200 characters, one that does not parse, and one with a nested quantifier (a repeat
inside a repeat, an alternation inside a repeat, or a backreference, found by walking the standard
library's own parse of the pattern) or too many repeats; a value over 500 characters is refused
before any pattern runs. So a hostile catalogue cannot hang the kiosk in `re`.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from typing import Any, Mapping

from common import idnumber, uscc
from common.domain import Company, FieldType, FormField, Identity, ServiceItem
from common.form_patterns import MAX_VALUE, UnsafePattern, full_match
from common.i18n import Text, plural_text, text


class Keyboard(enum.Enum):
    """The touch keyboard a field asks for (the seam the on-screen keyboard plugs into)."""

    DIGITS = "digits"
    DECIMAL = "decimal"          # digits and a decimal point
    PHONE = "phone"
    ID_NUMBER = "id_number"      # digits and X
    CREDIT_CODE = "credit_code"  # digits and the capitals a credit code uses
    LATIN = "latin"
    SEARCH = "search"            # finding a service (kiosk.search): letters, digits, a dash and Space
    CHINESE = "chinese"          # pinyin keys and candidates (ui/pinyin_keyboard.py)
    NONE = "none"                # a choice: buttons, no keyboard


_KEYBOARDS = {
    FieldType.TEXT: Keyboard.CHINESE, FieldType.CHINESE_TEXT: Keyboard.CHINESE, FieldType.LATIN_TEXT: Keyboard.LATIN,
    FieldType.DIGITS: Keyboard.DIGITS, FieldType.PHONE: Keyboard.PHONE, FieldType.NUMBER: Keyboard.DECIMAL,
    FieldType.DATE: Keyboard.DIGITS, FieldType.CHOICE: Keyboard.NONE, FieldType.ID_NUMBER: Keyboard.ID_NUMBER,
    FieldType.CREDIT_CODE: Keyboard.CREDIT_CODE,
}

_PHONE = re.compile(r"1[3-9][0-9]{9}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NUMBER = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,6})?")
# Chinese text: CJK ideographs, CJK and full-width punctuation, the middle dot of transliterated
# names, digits and spaces; no Latin letters.
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uff65\u00b7\u2014\u2026\u201c\u201d"
                      r"\u2018\u20190-9\s]+")
_LATIN = re.compile(r"[\x20-\x7e]+")
_SEPARATORS = re.compile(r"[\s-]+")

# Prefill sources: the identity's attributes, then the company's (common.domain.Company). The legal
# representative is not one: the backend gives only a masked name, which is no value to submit.
_FROM_IDENTITY = {"name": "name", "id_number": "id_number", "address": "address", "birth_date": "birth_date"}
_FROM_COMPANY = {"company_name": "name_zh", "credit_code": "credit_code", "company_address": "address"}


# Fields the session asks outside a service's form, checked by the same rules.
CREDIT_CODE_FIELD = FormField("credit_code", "统一社会信用代码", "Unified social credit code", FieldType.CREDIT_CODE,
                              required=True)
PRINCIPAL_ID_FIELD = FormField("id_number", "被代理人身份证号码", "ID number of the person you act for",
                               FieldType.ID_NUMBER, required=True)
PRINCIPAL_NAME_FIELD = FormField("name", "被代理人姓名", "Name of the person you act for", FieldType.TEXT,
                                 required=True, max_length=30)


def keyboard_for(field: FormField) -> Keyboard:
    return _KEYBOARDS[field.type]


def example(field: FormField, *, touch: bool) -> Text | None:
    """The hint an empty field shows. A date on the kiosk's number pad is typed without hyphens
    (:func:`normalise` puts them in); at the window's keyboard it is typed as it is read."""
    if field.type == FieldType.DATE:
        return text("e.g. 20260301") if touch else text("e.g. 2026-03-01")
    return {FieldType.PHONE: text("11-digit mobile number"), FieldType.NUMBER: text("a number")}.get(field.type)


def normalise(field: FormField, value: Any) -> str:
    """The value as it is checked and submitted: trimmed; phone and digits without spaces or hyphens;
    ID numbers and credit codes in capitals without spaces."""
    raw = "" if value is None else str(value).strip()
    if field.type in (FieldType.PHONE, FieldType.DIGITS):
        return _SEPARATORS.sub("", raw)
    if field.type == FieldType.ID_NUMBER:
        return "".join(raw.split()).upper()
    if field.type == FieldType.CREDIT_CODE:
        return uscc.normalise(raw)
    if field.type == FieldType.DATE and len(raw) == 8 and raw.isascii() and raw.isdigit():
        return f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"  # typed on the number pad: 20260301
    return raw


def _number_message(field: FormField, raw: str) -> Text | None:
    if not _NUMBER.fullmatch(raw):
        return text("Please enter a number, such as 1200 or 35.5")
    value = float(raw)
    if not math.isfinite(value):
        return text("Please enter a number, such as 1200 or 35.5")
    if field.min is not None and value < field.min:
        return text("Please enter a number no smaller than {min}", min=f"{field.min:g}")
    if field.max is not None and value > field.max:
        return text("Please enter a number no larger than {max}", max=f"{field.max:g}")
    return None


def _kind_message(field: FormField, value: str) -> Text | None:
    kind = field.type
    if kind == FieldType.PHONE and not _PHONE.fullmatch(value):
        return text("Please enter an 11-digit mobile number")
    if kind == FieldType.DIGITS and not (value.isascii() and value.isdigit()):
        return text("Please enter digits only")
    if kind == FieldType.NUMBER:
        return _number_message(field, value)
    if kind == FieldType.DATE:
        try:
            if not _DATE.fullmatch(value):
                raise ValueError(value)
            dt.date.fromisoformat(value)
        except ValueError:
            return text("Please enter a date such as 2026-03-01")
    if kind == FieldType.CHOICE and value not in {c.value for c in field.choices}:
        return text("Please choose one of the options")
    if kind == FieldType.ID_NUMBER and not idnumber.is_valid(value):
        if idnumber.problem(value) == "check":
            return text("This ID number fails its check; please look at it again")
        return text("Please enter the 18-character ID number (the last may be X), or the 15 characters "
                    "of a 2017 foreigner's card")
    if kind == FieldType.CREDIT_CODE:
        why = uscc.problem(value)
        if why == "character":
            return text("A credit code does not use the letters I, O, Z, S or V")
        if why == "check":
            return text("This credit code fails its check; please look at it again")
        if why:
            return text("Please enter the 18-character unified social credit code")
    if kind == FieldType.CHINESE_TEXT and not _CHINESE.fullmatch(value):
        return text("Please write this in Chinese")
    if kind == FieldType.LATIN_TEXT and not _LATIN.fullmatch(value):
        return text("Please use Latin letters, digits and spaces only")
    return None


def validate(field: FormField, value: Any) -> Text | None:
    """The message to show next to the field, or None when the value will do."""
    value = normalise(field, value)
    if not value:
        return text("Please fill this in") if field.required else None
    longest = min(field.max_length or MAX_VALUE, MAX_VALUE)
    if len(value) > longest:
        return plural_text("Please enter no more than {count} character", "Please enter no more than {count} characters",
                           longest, count=longest)
    if field.min_length and len(value) < field.min_length:
        return plural_text("Please enter at least {count} character", "Please enter at least {count} characters",
                           field.min_length, count=field.min_length)
    message = _kind_message(field, value)
    if message is not None:
        return message
    if field.pattern:
        try:
            if not full_match(field.pattern, value):
                return text("This is not in the expected form; please look at it again")
        except UnsafePattern:
            return text("This field cannot be checked here; please ask a member of staff")
    return None


def validate_all(service: ServiceItem, values: Mapping[str, Any],
                 refused: Mapping[str, str] | None = None) -> dict[str, Text]:
    """{field name: message} for every field of the service's form that is not right yet. ``refused``: the values
    the backend refused (:func:`refused_values`); a field still holding its refused value is not right either."""
    problems: dict[str, Text] = {}
    for field in service.form:
        message = validate(field, values.get(field.name))
        if message is None and refused and field.name in refused \
                and normalise(field, values.get(field.name)) == normalise(field, refused[field.name]):
            message = text("The service system did not accept this; please check it")
        if message is not None:
            problems[field.name] = message
    return problems


def refused_values(fields: Mapping[str, Any], service: ServiceItem, values: Mapping[str, Any]) -> dict[str, str]:
    """The backend's 422 ``form_invalid`` names the fields it refused (``{"form.phone": "does not match the
    pattern"}``): {field name: the value it refused} for those of the service's form, for the terminal's check passed
    them (the catalogue it holds is not the backend's any more). Empty when it names none of them."""
    names = {f.name for f in service.form}
    refused: dict[str, str] = {}
    for key in fields:
        name = key[len("form."):] if isinstance(key, str) and key.startswith("form.") else ""
        if name in names:
            refused[name] = str(values.get(name) or "")
    return refused


def unknown_fields(fields: Mapping[str, Any], service: ServiceItem) -> set[str]:
    """The fields a ``form_invalid`` names that the service's form, as this terminal holds it, does not have: a
    field the catalogue added since the terminal fetched it."""
    names = {f.name for f in service.form}
    return {key[len("form."):] for key in fields
            if isinstance(key, str) and key.startswith("form.") and key[len("form."):] not in names}


def takes_place_of(fresh: ServiceItem, held: ServiceItem, names: set[str]) -> bool:
    """Whether the service fetched again after a refusal can stand in for the one held mid-application: the same
    service, its form with the fields named, and changed so as to explain the refusal (fields named, or its
    materials: followed by ``Checklist.follow``). Kiosk and window."""
    return fresh.code == held.code and names <= {f.name for f in fresh.form} \
        and (bool(names) or fresh.materials != held.materials)


def _attribute(source: Any, name: str) -> str:
    value = getattr(source, name, None) if source is not None else None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value if isinstance(value, str) else ""


def prefill(service: ServiceItem, identity: Identity, company: Company | None = None) -> dict[str, str]:
    """The values the card (and the company, when one applies) give the form: only fields that declare a
    `prefill` source, and only sources that hold something."""
    values: dict[str, str] = {}
    for field in service.form:
        if field.prefill in _FROM_IDENTITY:
            value = _attribute(identity, _FROM_IDENTITY[field.prefill])
        elif field.prefill in _FROM_COMPANY:
            value = _attribute(company, _FROM_COMPANY[field.prefill])
        else:
            value = ""
        if value:
            values[field.name] = value
    return values


def answers_shown(service: ServiceItem, values: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """(the field's label, the answer) for each field answered, in the form's order, a choice by its label: what the
    applicant checks before they confirm (the kiosk's confirmation) or sign (the window's customer screen)."""
    shown: list[tuple[str, str]] = []
    for field in service.form:
        raw = values.get(field.name)
        value = "" if raw is None else str(raw).strip()
        if value:
            value = next((c.label(lang) for c in field.choices if c.value == value), value)
            shown.append((field.label(lang), value))
    return shown


def submission(service: ServiceItem, values: Mapping[str, Any]) -> dict[str, str | int | float]:
    """The form as the case carries it: each filled field normalised; a number field as a number."""
    form: dict[str, str | int | float] = {}
    for field in service.form:
        value = normalise(field, values.get(field.name))
        if not value:
            continue
        if field.type == FieldType.NUMBER:
            number = float(value)
            form[field.name] = int(number) if number.is_integer() and "." not in value else number
        else:
            form[field.name] = value
    return form
