"""A form no one could fill in (common/form_fields.py): the sandbox will not serve it and the terminal will not take
it, so no citizen stands at a form with every answer refused and no clerk at a matter that cannot be accepted."""

import json

import pytest
from pydantic import ValidationError

from common.backend_errors import ServerError
from kiosk.backend.codec import service_from_json
from sandbox.models import Service

PHONE = {"name": "phone", "label_zh": "联系电话", "label_en": "Phone", "type": "phone", "required": True}

UNFILLABLE = [
    ({"name": "kind", "label_zh": "类别", "label_en": "Kind", "type": "choice", "required": True},
     "a choice field without choices"),
    ({**PHONE, "type": "text", "min_length": 20, "max_length": 10}, "at least 20 characters but at most 10"),
    ({**PHONE, "type": "text", "min_length": 501}, "more than a value may have"),
    ({**PHONE, "type": "number", "min": 100, "max": 10}, "at least 100 but at most 10"),
]


def service(*fields) -> dict:
    return {"code": "X-1", "name_zh": "某事项", "name_en": "A service", "category": "civil",
            "applicant_types": ["person"], "form": list(fields)}


@pytest.mark.parametrize("field, why", UNFILLABLE)
def test_the_terminal_takes_a_form_no_one_could_fill_as_a_malformed_answer(field, why):
    with pytest.raises(ServerError) as refused:
        service_from_json(service(PHONE | {"name": "other"}, field))
    assert why in refused.value.detail


@pytest.mark.parametrize("field, why", UNFILLABLE)
def test_the_sandbox_will_not_serve_it(field, why):
    with pytest.raises(ValidationError) as refused:
        Service.model_validate(service(field))
    assert why in str(refused.value) or "a choice field needs choices" in str(refused.value)  # its own words


def test_a_field_named_twice_is_refused_by_both():
    with pytest.raises(ServerError) as refused:
        service_from_json(service(PHONE, PHONE))
    assert "'phone' defined twice" in refused.value.detail
    with pytest.raises(ValidationError):
        Service.model_validate(service(PHONE, PHONE))


def test_a_form_that_can_be_filled_is_taken_and_the_sandbox_catalogue_is_one():
    edge = {**PHONE, "type": "number", "min": 5, "max": 5}  # one answer, but one
    assert [f.name for f in service_from_json(service(PHONE | {"name": "other"}, edge)).form] == ["other", "phone"]
    from pathlib import Path
    catalogue = json.loads((Path(__file__).parent.parent / "sandbox" / "data" / "services.json").read_text("utf-8"))
    for entry in catalogue["services"] if isinstance(catalogue, dict) else catalogue:
        Service.model_validate(entry)
        service_from_json(entry)
