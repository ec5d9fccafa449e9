"""kiosk.forms: each field kind's check with its message in both languages, pre-filling from the card,
the keyboard each kind asks for, and hostile catalogue patterns refused before they can run."""

from __future__ import annotations

import dataclasses
import time

import pytest

from common.domain import Company, CompanyRole, FieldType, FormChoice, FormField, ServiceItem
from common.form_patterns import MAX_VALUE, UnsafePattern, compile_pattern, full_match
from common.uscc import check_character
from devices.idcard.samples import sample_identity
from kiosk.forms import Keyboard, keyboard_for, normalise, prefill, validate, validate_all

CREDIT = "91330106" + "MA2B3C4D5"
CREDIT += check_character(CREDIT)


def field(kind: FieldType, **kw) -> FormField:
    return FormField(name="f", label_zh="项", label_en="Field", type=kind, **kw)


CHOICES = (FormChoice("post", "邮寄", "By post"), FormChoice("pickup", "自取", "Collect"))
CASES = [  # (field, a good value, a bad value, the bad value's English message)
    (field(FieldType.PHONE), "138 0013 8000", "1380013800", "Please enter an 11-digit mobile number"),
    (field(FieldType.DIGITS), "6222021234567890", "6222-02x", "Please enter digits only"),
    (field(FieldType.NUMBER, min=0.01, max=100), "35.5", "3,5", "Please enter a number, such as 1200 or 35.5"),
    (field(FieldType.NUMBER, min=1), "1", "0.5", "Please enter a number no smaller than 1"),
    (field(FieldType.NUMBER, max=100), "100", "101", "Please enter a number no larger than 100"),
    (field(FieldType.DATE), "2026-03-01", "2026-02-30", "Please enter a date such as 2026-03-01"),
    (field(FieldType.CHOICE, choices=CHOICES), "post", "drone", "Please choose one of the options"),
    (field(FieldType.ID_NUMBER), "11010519491231002x", "11010519491231002", 
     "Please enter the 18-character ID number (the last may be X), or the 15 characters of a 2017 foreigner's card"),
    (field(FieldType.ID_NUMBER), "usa330185061513", "USA33018506151X",
     "Please enter the 18-character ID number (the last may be X), or the 15 characters of a 2017 foreigner's card"),
    (field(FieldType.ID_NUMBER), "11010519491231002X", "110105194912310021",
     "This ID number fails its check; please look at it again"),
    (field(FieldType.CREDIT_CODE), CREDIT.lower(), CREDIT[:17] + ("0" if CREDIT[17] != "0" else "1"),
     "This credit code fails its check; please look at it again"),
    (field(FieldType.CREDIT_CODE), CREDIT, "91330106MA2B3C4DO", "A credit code does not use the letters I, O, Z, S or V"),
    (field(FieldType.CREDIT_CODE), CREDIT, "9133", "Please enter the 18-character unified social credit code"),
    (field(FieldType.CHINESE_TEXT), "零售、餐饮（不含冷菜）", "retail", "Please write this in Chinese"),
    (field(FieldType.LATIN_TEXT), "Zhang San", "张三", "Please use Latin letters, digits and spaces only"),
    (field(FieldType.TEXT, min_length=2), "零售", "零", "Please enter at least 2 characters"),
    (field(FieldType.TEXT, max_length=3), "一二三", "一二三四", "Please enter no more than 3 characters"),
    (field(FieldType.TEXT, pattern=r"[A-Z]{2}[0-9]{3}"), "AB123", "AB12", 
     "This is not in the expected form; please look at it again"),
    (field(FieldType.PHONE, required=True), "13800138000", "  ", "Please fill this in"),
]


@pytest.mark.parametrize("fld, good, bad, english", CASES, ids=[f"{c[0].type.value}-{c[3][:24]}" for c in CASES])
def test_each_kind_accepts_the_good_and_explains_the_bad(fld, good, bad, english):
    assert validate(fld, good) is None
    message = validate(fld, bad)
    assert message is not None and message.render("en") == english
    chinese = message.render("zh_CN")
    assert chinese != english and any("\u4e00" <= ch <= "\u9fff" for ch in chinese)


def test_an_empty_optional_field_is_fine_and_values_are_normalised():
    assert validate(field(FieldType.PHONE), "") is None and validate(field(FieldType.PHONE), None) is None
    assert normalise(field(FieldType.PHONE), " 138-0013-8000 ") == "13800138000"
    assert normalise(field(FieldType.ID_NUMBER), "11010519491231002x") == "11010519491231002X"


def test_the_chinese_message_for_a_phone_number():
    assert validate(field(FieldType.PHONE), "12345").render("zh_CN") == "请输入11位手机号码"


def service(*fields: FormField) -> ServiceItem:
    return ServiceItem(code="GT-001", name_zh="个体工商户设立登记", name_en="", category="market", form=fields)


def test_validate_all_names_every_field_that_is_not_right():
    scope = FormField("business_scope", "经营范围", "Business scope", FieldType.CHINESE_TEXT, required=True)
    phone = FormField("phone", "联系电话", "Phone", FieldType.PHONE, required=True)
    name = FormField("business_name", "名称", "Name", FieldType.CHINESE_TEXT)
    gt = service(name, scope, phone)
    problems = validate_all(gt, {"phone": "123"})
    assert set(problems) == {"business_scope", "phone"}
    assert problems["business_scope"].render("en") == "Please fill this in"
    assert validate_all(gt, {"business_scope": "零售", "phone": "13800138000"}) == {}


def test_prefill_from_the_sample_card_and_a_company():
    identity = sample_identity("resident")
    fields = [FormField(src, src, src, FieldType.TEXT, prefill=src)
              for src in ("name", "id_number", "address", "birth_date", "company_name", "credit_code")]
    fields.append(FormField("phone", "电话", "Phone", FieldType.PHONE))
    company = Company(CREDIT, "杭州示例餐饮有限公司", "Hangzhou Example Catering", "", "张*",
                      CompanyRole.LEGAL_REPRESENTATIVE)
    values = prefill(service(*fields), identity)
    assert values == {"name": identity.name, "id_number": identity.id_number, "address": identity.address,
                      "birth_date": identity.birth_date.isoformat()}
    with_company = prefill(service(*fields), identity, company)
    assert with_company["company_name"] == "杭州示例餐饮有限公司" and with_company["credit_code"] == CREDIT
    assert "phone" not in with_company  # the card holds no phone number: nothing is made up


def test_every_kind_declares_a_keyboard():
    assert {keyboard_for(field(kind)) for kind in FieldType} <= set(Keyboard)
    assert keyboard_for(field(FieldType.ID_NUMBER)) is Keyboard.ID_NUMBER
    assert keyboard_for(field(FieldType.PHONE)) is Keyboard.PHONE
    assert keyboard_for(field(FieldType.CREDIT_CODE)) is Keyboard.CREDIT_CODE
    assert keyboard_for(field(FieldType.CHOICE)) is Keyboard.NONE


HOSTILE = ["(a+)+$", "(a*)*b", "(a|aa)*$", "(?:x+y?)+z", r"(\w)\1", "a*a*a*a*!", "([" , "a" * 201,
           "(a{1,50}){1,50}$"]


@pytest.mark.parametrize("pattern", HOSTILE)
def test_a_hostile_pattern_is_refused_before_it_runs(pattern):
    with pytest.raises(UnsafePattern):
        compile_pattern(pattern)
    hostile = dataclasses.replace(field(FieldType.TEXT), pattern=pattern)
    message = validate(hostile, "a" * 40 + "!")
    assert message is not None and "staff" in message.render("en")


def test_an_accepted_pattern_stays_quick_on_the_longest_value():
    """The worst a pattern that passes can do: two unbounded repeats in a row against a value at the cap.
    The bound is a guard against a hang (a nested quantifier takes minutes here), not a measurement."""
    started = time.monotonic()
    assert not full_match(r"a*a*!", "a" * MAX_VALUE)
    assert not full_match(r".*.*!", "a" * (MAX_VALUE + 1))
    assert time.monotonic() - started < 2.0


def test_a_date_typed_on_the_number_pad_and_numbers_travel_as_numbers():
    from common.domain import FieldType, FormField, ServiceItem
    from kiosk.forms import normalise, submission, validate
    day = FormField("day", "日期", "Date", FieldType.DATE, required=True)
    assert normalise(day, "20260301") == "2026-03-01" and validate(day, "20260301") is None
    assert validate(day, "20261301") is not None
    amount = FormField("amount", "金额", "Amount", FieldType.NUMBER)
    note = FormField("note", "备注", "Note", FieldType.TEXT)
    service = ServiceItem("X-1", "示例", "Example", "", form=(day, amount, note))
    assert submission(service, {"day": "20260301", "amount": "35.5", "note": "  "}) == {"day": "2026-03-01",
                                                                                       "amount": 35.5}
    assert submission(service, {"amount": "1200"}) == {"amount": 1200}


def test_each_terminal_hints_a_date_the_way_its_keyboard_types_it_and_the_hint_itself_passes():
    from kiosk.forms import example
    day = FormField("day", "日期", "Date", FieldType.DATE, required=True)
    pad, typed = example(day, touch=True).render("en"), example(day, touch=False).render("en")
    assert (pad, typed) == ("e.g. 20260301", "e.g. 2026-03-01")
    assert all(validate(day, hint.removeprefix("e.g. ")) is None for hint in (pad, typed))
    assert example(day, touch=True).render("zh") != pad  # translated
    assert example(FormField("n", "名称", "Name", FieldType.TEXT), touch=True) is None
