"""What an applicant answers to the sandbox catalogue's forms (sandbox/data/services.json), field by field: for the
demo's walkthrough, the window's monkey and the tests. A field not named here gets a plain answer of its kind that
the form's checks take (kiosk/forms.py)."""

from __future__ import annotations

from common.domain import FieldType, FormField, ServiceItem

ANSWERS = {
    "business_name": "示例便利店", "business_scope": "日用百货零售", "phone": "13800000001",
    "residence_address": "浙江省杭州市西湖区示例路1号", "amount": "50000", "registered_capital": "100",
    "period_from": "20260101", "period_to": "20260630", "reason": "lost", "licence_copy": "original",
    "delivery": "pickup", "postal_address": "浙江省杭州市西湖区示例路1号",
    "destination_address": "浙江省杭州市西湖区示例路2号", "company_name": "杭州示例科技有限公司", "baby_name": "张小明",
    "registration_year": "2020", "bank_account": "6222020200001234567",
}
_PLAIN = {FieldType.PHONE: "13800000001", FieldType.NUMBER: "1", FieldType.DIGITS: "1", FieldType.DATE: "20260101",
          FieldType.LATIN_TEXT: "Example", FieldType.ID_NUMBER: "330106199003071236"}


def answer_for(field: FormField) -> str:
    if field.name in ANSWERS and (not field.choices or ANSWERS[field.name] in {c.value for c in field.choices}):
        return ANSWERS[field.name]
    if field.type is FieldType.CHOICE:
        return field.choices[0].value if field.choices else ""
    return _PLAIN.get(field.type, "示例内容文字")


def answers(service: ServiceItem) -> dict[str, str]:
    """Every field of ``service``'s form answered."""
    return {f.name: answer_for(f) for f in service.form}
