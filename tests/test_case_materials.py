"""The sandbox checks that a case brings every material its service requires (`enforce_materials`, on by default):
a page declared, a licence standing for it, or, from a window, its paper checked at the counter (`counter_checked`).
A conditional material is not asked for, and a case a window sends to be refused is taken as it is."""

from __future__ import annotations

import pytest

from common.backend_errors import RejectedError
from common.domain import Application, Attachment, Submitted
from devices.idcard.samples import sample_identity
from sandbox.form_answers import answers
from tests.backend_helpers import TERMINAL, client_for
from tests.queue_helpers import JPEG


def submit(sandbox, pages: tuple[str, ...] = (), counter: tuple[str, ...] = (), code: str = "BDC-005",
           **kw) -> Submitted:
    """BDC-005 requires M1 and lists M2 as conditional."""
    client = client_for(sandbox.url)
    service = client.service(code)
    application = Application(service, sample_identity("resident"), TERMINAL, form=answers(service),
                              counter_checked=list(counter), **kw)
    return client.submit(application, [Attachment(f"{c}-1.jpg", "image/jpeg", JPEG) for c in pages])


def test_a_case_without_a_required_material_is_refused_naming_it_in_both_languages(sandbox):
    with pytest.raises(RejectedError) as refused:
        submit(sandbox)
    assert refused.value.status == 422 and refused.value.code == "materials_missing"
    assert refused.value.fields == {"missing": "M1"}
    service = sandbox.store.service("BDC-005")
    name = next(m for m in service["materials"] if m["code"] == "M1")
    assert name["name_zh"] in refused.value.message_zh and name["name_en"] in refused.value.message_en
    assert sandbox.store.refusals.of_person(sample_identity("resident").id_number) == []  # not a queued case's


def test_a_page_scanned_brings_it_and_a_conditional_material_is_not_asked_for(sandbox):
    number = submit(sandbox, pages=("M1",)).case_number
    assert sandbox.store.case(number)["status"] == "submitted"


def test_paper_checked_at_a_window_brings_it_and_is_stored_with_the_case(sandbox):
    number = submit(sandbox, counter=("M1",)).case_number
    assert sandbox.store.case_body(number)["counter_checked"] == ["M1"]


def test_a_counter_checked_code_the_service_does_not_list_is_refused(sandbox):
    with pytest.raises(RejectedError) as refused:
        submit(sandbox, counter=("M1", "M9"))
    assert refused.value.code == "unknown_material" and refused.value.fields == {"counter_checked": "M9"}


def test_every_missing_one_is_named(sandbox):
    with pytest.raises(RejectedError) as refused:
        submit(sandbox, pages=("M2",), code="GJJ-004")
    assert refused.value.fields == {"missing": "M1,M3,M4"}


def test_a_case_sent_to_be_refused_is_not_checked(sandbox):
    number = submit(sandbox, refusing=True).case_number
    assert sandbox.store.case_body(number)["refusing"] is True


def test_a_queued_case_refused_for_it_is_recorded_under_its_provisional_number(sandbox):
    client = client_for(sandbox.url)
    service = client.service("BDC-005")
    application = Application(service, sample_identity("resident"), TERMINAL, form=answers(service))
    with pytest.raises(RejectedError):
        client.submit(application, provisional_number="P-T-TEST-20261127-00001-Q")
    refusal = sandbox.store.refusals.of("P-T-TEST-20261127-00001-Q")
    assert refusal is not None and refusal["code"] == "materials_missing"


def test_on_by_default_and_switched_off_only_for_a_test_sending_what_no_terminal_sends(sandbox):
    assert sandbox.app.state.settings["enforce_materials"] is True
    sandbox.app.state.settings["enforce_materials"] = False
    assert submit(sandbox).case_number.startswith("SQ")
