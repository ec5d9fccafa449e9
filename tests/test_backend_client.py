import json
import socket

import pytest

from common.backend_errors import OfflineError, RejectedError, ServerError
from tests.backend_helpers import application, client_for, signed


def test_catalogue_is_parsed_into_domain_objects(sandbox):
    client = client_for(sandbox.url)
    items = {s.code: s for s in client.catalogue()}
    assert items["GT-001"].name_zh == "个体工商户设立登记"
    assert items["GT-001"].materials[1].e_licence_type == "resident_id"
    assert client.service("JZ-002").visits == 1
    licence_backed = items["BDC-005"].materials
    assert [(m.e_licence_type, m.e_licence_holder) for m in licence_backed] == [("resident_id", "person"),
                                                                              ("business_licence", "company")]


@pytest.mark.parametrize("holder, read", [(None, ""), ("", ""), ("company", "company"), ("Company", ServerError),
                                          ("government", ServerError), (3, ServerError)])
def test_a_materials_licence_holder_is_one_the_contract_knows(holder, read):
    """An older backend sends no e_licence_holder (either holder, as before); anything else it does not define is
    the backend's fault, said as such, not taken as a kind of holder."""
    from kiosk.backend.codec import material_from_json

    obj = {"code": "M1", "name_zh": "营业执照", "e_licence_type": "business_licence"}
    if holder is not None:
        obj["e_licence_holder"] = holder
    if read is ServerError:
        with pytest.raises(ServerError):
            material_from_json(obj)
    else:
        assert material_from_json(obj).e_licence_holder == read


def test_submission_returns_a_case_number_and_replays_are_idempotent(sandbox):
    client = client_for(sandbox.url)
    before = sandbox.store.cases_count()
    app = application(client)
    first = client.submit(app)
    again = client.submit(app)
    assert first.case_number.startswith("SQ") and first == again
    assert sandbox.store.cases_count() == before + 1
    assert client.case_status(first.case_number)["status"] == "submitted"


def test_same_key_different_content_is_a_conflict(sandbox):
    client = client_for(sandbox.url)
    app = application(client)
    client.submit(app)
    app.form["phone"] = "13900000000"
    with pytest.raises(RejectedError) as caught:
        client.submit(app)
    assert caught.value.status == 409 and caught.value.code == "idempotency_conflict"
    assert caught.value.server_message("zh_CN") == "同一幂等键提交了不同内容"


def test_bad_input_is_rejected_with_the_servers_reason(sandbox):
    client = client_for(sandbox.url)
    with pytest.raises(RejectedError) as caught:
        client.service("NOPE")
    assert caught.value.status == 404 and caught.value.code == "service_not_found"
    raw = signed("POST", sandbox.url, "/api/v1/cases", b"\xff{not json",
                 headers={"Idempotency-Key": "abcdefgh1234", "Content-Type": "application/json"})
    assert raw.status_code == 400 and raw.json()["error"]["code"] == "invalid_request"
    raw = signed("POST", sandbox.url, "/api/v1/cases", json.dumps({"service_code": 3}).encode(),
                 headers={"Idempotency-Key": "abcdefgh1234", "Content-Type": "application/json"})
    assert raw.status_code == 400 and "applicant" in raw.json()["error"]["fields"]


def test_nothing_listening_is_offline():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        client = client_for(f"http://127.0.0.1:{s.getsockname()[1]}", retries=2)
        with pytest.raises(OfflineError) as caught:
            client.catalogue()
        assert "无法连接" in caught.value.message.render("zh_CN")


@pytest.mark.parametrize("fault, error", [("error", ServerError), ("down", ServerError), ("drop", OfflineError)])
def test_fault_switches_become_typed_errors(sandbox, fault, error):
    client = client_for(sandbox.url)
    sandbox.faults.set(fault)
    with pytest.raises(error):
        client.catalogue()
    sandbox.faults.clear()
    assert client.catalogue()


def test_slow_backend_hits_the_read_timeout(sandbox):
    sandbox.faults.slow_s = 1.5
    sandbox.faults.set("slow")
    client = client_for(sandbox.url, read_timeout_s=0.3)
    with pytest.raises(OfflineError, match="no answer"):
        client.catalogue()


def test_reads_are_retried_with_a_bound_and_retry_after_is_honoured(sandbox):
    sleeps = []
    client = client_for(sandbox.url, retries=2, sleep=sleeps.append)
    sandbox.faults.set("error")
    with pytest.raises(ServerError):
        client.catalogue()
    assert len(sleeps) == 2 and sleeps[1] > 0
    sleeps.clear()
    sandbox.faults.clear()
    sandbox.faults.set("down")  # 503 with Retry-After: 1
    with pytest.raises(ServerError):
        client.catalogue()
    assert len(sleeps) == 2 and min(sleeps) >= 1.0


def test_writes_without_an_idempotency_key_are_not_retried(sandbox):
    sleeps = []
    client = client_for(sandbox.url, retries=3, sleep=sleeps.append)
    sandbox.faults.set("error")
    with pytest.raises(ServerError):
        client.issue_notice("JSZ-010", "330106199003071236", ["M2"])  # each call a new notice: never resent
    assert sleeps == []
