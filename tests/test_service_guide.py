"""The guide's data: every field of the contract's Service, Material, FormField and Choice has a home in
the client's domain types, is carried through the codec, and a malformed catalogue entry is a typed error."""

from __future__ import annotations

import dataclasses
import enum
import json
from pathlib import Path
from typing import Any

import pytest

from common.backend_errors import ServerError
from common.domain import FieldType, FormChoice, FormField, MaterialRequirement, ServiceItem
from kiosk.backend.codec import service_from_json
from sandbox import models
from tests.backend_helpers import client_for

CATALOGUE = json.loads((Path(__file__).parent.parent / "sandbox/data/services.json").read_text(encoding="utf-8"))
PAIRS = [(models.Service, ServiceItem), (models.Material, MaterialRequirement), (models.FormField, FormField),
         (models.Choice, FormChoice)]


@pytest.mark.parametrize("contract, domain", PAIRS, ids=[p[0].__name__ for p in PAIRS])
def test_every_contract_field_has_a_home_in_the_domain_type(contract, domain):
    homes = {f.name for f in dataclasses.fields(domain)}
    assert set(contract.model_fields) - homes == set(), f"{domain.__name__} drops fields of {contract.__name__}"


def plain(value: Any) -> Any:
    """A domain value as the contract's JSON spells it."""
    if dataclasses.is_dataclass(value):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    return value


def test_every_field_of_every_service_is_carried():
    for entry in CATALOGUE:
        contract = models.Service.model_validate(entry).model_dump()  # the contract's defaults filled in
        assert plain(service_from_json(entry)) == contract, entry["code"]


def test_the_guide_fields_come_through_the_client_from_the_sandbox(sandbox):
    service = client_for(sandbox.url).service("GT-001")
    assert service.agent_allowed is True
    assert service.conditions("zh").startswith("有经营能力的自然人")
    assert service.conditions("en").startswith("Any natural person")
    assert service.legal_basis and service.statutory_days == 15 and service.promised_days == 1
    assert [m.pages for m in service.materials][:1] == [2]
    scope = next(f for f in service.form if f.name == "business_scope")
    assert scope.required and scope.type is FieldType.CHINESE_TEXT and scope.max_length == 200


def _gt001(**changes: Any) -> dict[str, Any]:
    entry = json.loads(json.dumps(CATALOGUE[0]))
    entry.update(changes)
    return entry


def _with_field(**changes: Any) -> dict[str, Any]:
    entry = _gt001()
    entry["form"][0].update(changes)
    return entry


MALFORMED = {
    "not an object": [],
    "no code": {"name_zh": "x"},
    "code a number": _gt001(code=7),
    "agent_allowed a string": _gt001(agent_allowed="yes"),
    "fee_yuan a string": _gt001(fee_yuan="free"),
    "conditions a list": _gt001(conditions_zh=["a"]),
    "materials not a list": _gt001(materials="M1"),
    "a material not an object": _gt001(materials=[3]),
    "a material without a code": _gt001(materials=[{"name_zh": "x"}]),
    "an unknown material kind": _gt001(materials=[{"code": "M1", "name_zh": "x", "kind": "scan"}]),
    "form an object": _gt001(form={"name": "x"}),
    "a field without a name": _gt001(form=[{"label_zh": "x"}]),
    "an unknown field type": _with_field(type="password"),
    "required a string": _with_field(required="true"),
    "min a string": _with_field(min="1"),
    "a negative length": _with_field(max_length=-1),
    "choices not objects": _with_field(type="choice", choices=["a"]),
    "a nested quantifier": _with_field(pattern="(a+)+$"),
    "a pattern that does not parse": _with_field(pattern="(["),
    "a pattern too long": _with_field(pattern="a" * 201),
}


@pytest.mark.parametrize("entry", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_entry_is_a_server_error(entry):
    with pytest.raises(ServerError):
        service_from_json(entry)


def test_the_sandbox_refuses_a_catalogue_with_an_unsafe_pattern():
    with pytest.raises(ValueError, match="nested quantifier"):
        models.Service.model_validate(_with_field(pattern="(a|aa)*$"))
    with pytest.raises(ValueError, match="choice"):
        models.Service.model_validate(_with_field(type="choice"))
