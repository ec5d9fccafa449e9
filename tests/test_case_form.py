"""The sandbox checks a case's form against its service's form definition (`enforce_forms`, on by default), except
on a case a window sends to be refused (`refusing`), which then takes no decision but not accepting."""

from __future__ import annotations

import pytest

from common.backend_errors import RejectedError
from common.domain import Application, Submitted
from devices.idcard.samples import sample_identity
from tests.backend_helpers import TERMINAL, brought, client_for

FULL = {"business_name": "张三小吃店", "business_scope": "小吃服务（不含冷菜）", "phone": "13800138000"}


def submit(sandbox, form: dict) -> Submitted:
    client = client_for(sandbox.url)
    service = client.service("GT-001")
    return client.submit(Application(service, sample_identity("resident"), TERMINAL, form=form,
                                     counter_checked=brought(service)))


def test_a_case_missing_a_required_field_is_refused_naming_it(sandbox):
    with pytest.raises(RejectedError) as refused:
        submit(sandbox, {"phone": "13800138000"})
    assert refused.value.status == 422 and refused.value.code == "form_invalid"
    assert refused.value.fields == {"form.business_scope": "required"}


def test_a_value_that_fails_its_pattern_or_bounds_is_refused(sandbox):
    with pytest.raises(RejectedError) as refused:
        submit(sandbox, FULL | {"phone": "1380013800", "business_scope": "x" * 201})
    assert refused.value.fields == {"form.phone": "does not match the pattern",
                                    "form.business_scope": "longer than 200 characters"}


def test_the_full_form_is_accepted(sandbox):
    answer = submit(sandbox, FULL)
    assert answer.case_number.startswith("SQ")
    assert client_for(sandbox.url).case_status(answer.case_number)["case_number"] == answer.case_number


def test_on_by_default_and_switched_off_only_for_a_test_sending_what_no_terminal_sends(sandbox):
    assert sandbox.app.state.settings["enforce_forms"] is True
    with pytest.raises(RejectedError):
        submit(sandbox, {})
    sandbox.app.state.settings["enforce_forms"] = False
    assert submit(sandbox, {}).case_number.startswith("SQ")


def _refusing(sandbox, form: dict) -> Submitted:
    client = client_for(sandbox.url)
    application = Application(client.service("GT-001"), sample_identity("resident"), TERMINAL, form=form,
                              refusing=True)
    assert application.payload()["refusing"] is True
    return client.submit(application)


def test_a_case_sent_to_be_refused_is_taken_with_its_form_as_typed_and_can_only_be_not_accepted(sandbox):
    client = client_for(sandbox.url)
    token = client.staff_sign_in("XH0001", "demo-XH0001")["token"]
    number = _refusing(sandbox, {"phone": "13800138000"}).case_number
    assert sandbox.store.case_body(number)["refusing"] is True
    with pytest.raises(RejectedError) as refused:
        client.decide(number, token, "accepted")
    assert refused.value.status == 409 and refused.value.code == "refusing_case"
    assert sandbox.store.case(number)["status"] == "submitted"
    client.decide(number, token, "not_accepted", legal_reason="不属于本机关职权范围")
    assert sandbox.store.case(number)["status"] == "not_accepted"


def test_an_ordinary_case_says_nothing_of_refusing_and_is_checked(sandbox):
    client = client_for(sandbox.url)
    application = Application(client.service("GT-001"), sample_identity("resident"), TERMINAL, form=FULL,
                              counter_checked=brought(client.service("GT-001")))
    assert "refusing" not in application.payload()
    assert sandbox.store.case_body(client.submit(application).case_number)["refusing"] is False
