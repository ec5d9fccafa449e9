"""The backend's answers are authenticated, and hostile ones become typed errors (issue 13, items 4 and 5).

A scripted server on 127.0.0.1 plays the attacker on the line (it knows the key only when told);
the sandbox's ``forge`` and ``unsigned`` faults do the same in front of the real backend.
"""

import json
import math
import time

import pytest
import requests

from common.backend_errors import AuthError, BackendError, RejectedError, ServerError
from common.domain import Consent
from common.signing import H_RESPONSE_SIGNATURE, H_SERVER_TIME, Signer, demo_key
from kiosk.backend import answer as answers
from tests.backend_helpers import (TERMINAL, Scripted, ScriptedBackend, client_for, signed, submitted_body)
from tests.queue_helpers import enqueue, fast_sync, outbox

CASE = {"service_code": "GT-001"}


@pytest.fixture
def line():
    with ScriptedBackend() as server:
        yield server


# -- item 4: only the backend's own signature makes an answer ---------------------------------------------

def test_a_forged_unsigned_201_is_not_a_delivery(line):
    line.answer = Scripted(201, submitted_body(), sign="none")
    client = client_for(line.url)
    with pytest.raises(ServerError, match="no response signature"):
        client.submit_payload(CASE, "idem-key-0001")


@pytest.mark.parametrize("how", ["wrong_key", "other_nonce"])
def test_an_answer_signed_with_another_key_or_for_another_request_is_refused(line, how):
    line.answer = Scripted(201, submitted_body(), sign=how)
    with pytest.raises(ServerError, match="wrong response signature"):
        client_for(line.url).submit_payload(CASE, "idem-key-0001")


def test_an_unverified_refusal_is_never_a_rejection(line):
    """An unsigned 4xx must not dead-letter a queued case: it is retried like any transient failure."""
    client = client_for(line.url)
    line.answer = Scripted(422, json.dumps({"error": {"code": "bad_attachment"}}).encode(), sign="none")
    with pytest.raises(ServerError) as caught:
        client.submit_payload(CASE, "idem-key-0001")
    assert not isinstance(caught.value, RejectedError)
    line.answer = Scripted(401, json.dumps({"error": {"code": "unknown_terminal"}}).encode(), sign="none")
    with pytest.raises(AuthError, match="unknown_terminal"):
        client.catalogue()


def test_the_same_answers_signed_right_are_believed(line):
    client = client_for(line.url)
    line.answer = Scripted(201, submitted_body("SQ2026010100007"))
    assert client.submit_payload(CASE, "idem-key-0001").case_number == "SQ2026010100007"
    line.answer = Scripted(422, json.dumps({"error": {"code": "bad_attachment", "fields": {"M1": "blurred"}}}).encode())
    with pytest.raises(RejectedError) as caught:
        client.submit_payload(CASE, "idem-key-0001")
    assert caught.value.code == "bad_attachment" and caught.value.fields == {"M1": "blurred"}


def test_the_sandbox_signs_its_answers_bound_to_the_request(sandbox):
    signer = Signer(TERMINAL, demo_key(TERMINAL))
    for path in ("/api/v1/services", "/api/v1/services/NOPE", "/api/v1/health"):
        headers = signer.headers("GET", path, b"", time.time())
        response = requests.get(sandbox.url + path, headers=headers, timeout=5)
        assert signer.answer_is_authentic(response.headers[H_RESPONSE_SIGNATURE], response.status_code, "GET", path,
                                          headers["X-Nonce"], response.content, response.headers[H_SERVER_TIME])
        assert not signer.answer_is_authentic(response.headers[H_RESPONSE_SIGNATURE], response.status_code, "GET",
                                              path, "f" * 32, response.content, response.headers[H_SERVER_TIME])
    # a stale but authentic request gets a signed refusal (how a drifted clock is corrected safely) ...
    stale = signed("GET", sandbox.url, "/api/v1/services", now=time.time() - 301)
    assert stale.status_code == 401 and H_RESPONSE_SIGNATURE in stale.headers
    # ... one the backend cannot attribute to the terminal does not, and health asks for no signature
    forged = requests.get(sandbox.url + "/api/v1/services", headers={"X-Terminal-Id": TERMINAL}, timeout=5)
    assert forged.status_code == 401 and H_RESPONSE_SIGNATURE not in forged.headers
    health = requests.get(sandbox.url + "/api/v1/health", timeout=5)
    assert health.status_code == 200 and H_RESPONSE_SIGNATURE not in health.headers


@pytest.mark.parametrize("fault", ["forge", "unsigned"])
def test_a_forged_or_stripped_answer_never_counts_as_delivery_and_the_case_goes_later(sandbox, tmp_path, fault):
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    sync = fast_sync(box, client)
    item = enqueue(box, client)
    before = sandbox.store.cases_count()
    sandbox.faults.set(fault)
    assert sync.deliver_now(item) is None
    state = box.item(item)
    assert state.state == "pending" and state.case_number in (None, "") and "response signature" in state.last_error
    assert box.load(item).body["service_code"] == "GT-001"  # the payload is still there
    sandbox.faults.clear()
    box.retry(item)
    delivered = sync.deliver_now(item)
    assert delivered is not None and box.item(item).case_number == delivered.case_number
    assert sandbox.store.cases_count() == before + 1


# -- item 5: hostile answers are typed errors, and the client lives on ------------------------------------

@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400", "NaN", "", "1" * 400, "²", "0x10"])
def test_a_server_time_that_is_not_a_time_is_refused_and_the_clock_kept(line, value):
    client = client_for(line.url)
    line.answer = Scripted(200, b'{"items": []}', server_time=value)
    with pytest.raises(ServerError, match="X-Server-Time"):
        client.catalogue()
    assert math.isfinite(client.clock_offset_s) and abs(client.clock_offset_s) < 5
    line.answer = Scripted(200, b'{"items": []}')
    assert client.catalogue() == []  # still usable


@pytest.mark.parametrize("value, waited", [("²", 0.0), ("1e9", 0.0), ("-3", 0.0), ("nan", 0.0), ("2", 2.0),
                                           ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("99999999999999999999", 0.0)])
def test_retry_after_that_is_not_seconds_counts_as_absent(line, value, waited):
    sleeps = []
    client = client_for(line.url, retries=1, sleep=sleeps.append)
    line.answer = Scripted(503, b"{}", headers={"Retry-After": value})
    with pytest.raises(ServerError):
        client.catalogue()
    assert len(sleeps) == 1 and (sleeps[0] >= waited if waited else sleeps[0] < 1.0)


@pytest.mark.parametrize("body", [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
                                  b"NaN", b'{"items": [1e400]}', b"\xff\xfe{", b"[]", b'"items"', b"null"])
def test_a_body_that_is_not_a_json_object_is_a_server_error(line, body):
    client = client_for(line.url)
    line.answer = Scripted(200, body)
    with pytest.raises(ServerError):
        client.catalogue()
    line.answer = Scripted(200, b'{"config": {}, "terminal_id": "T-TEST", "server_time": 1}')
    assert client.heartbeat({"version": "1"})["terminal_id"] == "T-TEST"


@pytest.mark.parametrize("body", [b'{"items": [1, "x"]}', b'{"items": {"a": 1}}', b'{"items": [{"code": 5}]}',
                                  b'{"items": [{"code": "A", "name_zh": "x", "applicant_types": [1]}]}',
                                  b'{"items": [{"code": "A", "name_zh": "x", "visits": true}]}'])
def test_wrong_types_inside_an_answer_are_server_errors(line, body):
    line.answer = Scripted(200, body)
    with pytest.raises(ServerError):
        client_for(line.url).catalogue()


def test_an_error_body_with_wrong_types_still_makes_a_clean_rejection(line):
    line.answer = Scripted(409, json.dumps({"error": {"code": ["x"], "fields": [1, 2], "message_zh": 5}}).encode())
    with pytest.raises(RejectedError) as caught:
        client_for(line.url).submit_payload(CASE, "idem-key-0001")
    assert caught.value.code == "http_409" and caught.value.fields == {} and caught.value.message_zh == ""


def test_redirects_and_compressed_answers_are_not_followed(line):
    client = client_for(line.url)
    line.answer = Scripted(302, b"", headers={"Location": "http://127.0.0.1:9/elsewhere"})
    with pytest.raises(ServerError, match="302"):
        client.catalogue()
    line.answer = Scripted(200, b"\x1f\x8b" + bytes(20), headers={"Content-Encoding": "gzip"})
    with pytest.raises(ServerError, match="content coding"):
        client.catalogue()
    assert line.seen[-1][1].startswith("/api/v1/services")


def test_an_answer_over_the_size_limit_is_refused_while_reading(line):
    line.answer = Scripted(200, b'{"x": "' + b"a" * 200_000 + b'"}')
    response = requests.get(line.url + "/", stream=True, timeout=5)
    with pytest.raises(ServerError, match="over 100000"):
        answers.read(response, 100_000)


def test_every_failure_of_the_client_is_a_backend_error(line):
    """The client's whole surface raises nothing but the contract's errors on a hostile line."""
    client = client_for(line.url)
    line.answer = Scripted(200, b'{"items": [{"case_number": 1}], "consent_id": 3}')
    for call in (lambda: client.case_by_provisional("P-X"), lambda: client.record_consent(Consent("1", "licences", "card", "v1", "GT-001")),
                 lambda: client.submit_payload(CASE, "idem-key-1")):
        with pytest.raises(BackendError):
            call()
    line.answer = Scripted(200, b"{}", sign="none")
    with pytest.raises(BackendError):
        client.health()
