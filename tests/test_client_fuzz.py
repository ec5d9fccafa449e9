"""Property tests of the client's answer handling (issue 13, item 8): only typed errors, and the client lives on.

Small fixed budgets here (``make test``); the strategies are in entry/bench/backend_strategies.py
for longer runs. Two levels: ``kiosk.backend.answer.accept`` directly (fast, many examples), and
the whole client against a scripted server on 127.0.0.1 that answers what hypothesis draws.
"""

import math
import time
from dataclasses import asdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from requests.structures import CaseInsensitiveDict

from common.backend_errors import BackendError
from common.signing import H_RESPONSE_SIGNATURE, H_SERVER_TIME, Signer, demo_key
from entry.bench.backend_strategies import HostileAnswer, hostile_answers
from kiosk.backend import answer as answers
from tests.backend_helpers import TERMINAL, Scripted, ScriptedBackend, client_for

SIGNER = Signer(TERMINAL, demo_key(TERMINAL))
PATH, NONCE = "/api/v1/services", "ab" * 16
BUDGET = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
LOOPBACK_BUDGET = settings(BUDGET, max_examples=40)


def as_received(hostile: HostileAnswer) -> answers.Answer:
    """The answer as the client would read it off the wire from a line that signs as ``hostile.sign`` says."""
    now = hostile.server_time if hostile.server_time is not None else f"{time.time():.3f}"
    headers = CaseInsensitiveDict(hostile.headers)
    headers[H_SERVER_TIME] = now
    key, nonce = SIGNER.key, NONCE
    if hostile.sign == "wrong_key":
        key = b"someone else's key"
    elif hostile.sign == "other_nonce":
        nonce = "cd" * 16
    if hostile.sign != "none":
        headers[H_RESPONSE_SIGNATURE] = Signer(TERMINAL, key).request("GET", PATH, nonce).answer_signature(
            hostile.status, hostile.body, now)
    return answers.Answer(hostile.status, headers, hostile.body)


@BUDGET
@given(hostile=hostile_answers())
def test_answer_handling_gives_an_object_or_a_typed_error(hostile):
    learned = []
    try:
        body = answers.accept(as_received(hostile), SIGNER, "GET", PATH, NONCE, learned.append)
    except BackendError as exc:
        assert exc.detail or exc.message  # something for the log and something for the citizen
    else:
        assert isinstance(body, dict) and hostile.sign == "right" and 200 <= hostile.status < 300
    assert all(math.isfinite(t) and 946684800 <= t <= 4102444800 for t in learned)
    if hostile.sign != "right":
        assert learned == []  # nothing of an unverified answer is acted on


@BUDGET
@given(value=st.one_of(st.none(), st.text(max_size=40)))
def test_retry_after_is_always_a_finite_wait(value):
    waited = answers.retry_after(value)
    assert math.isfinite(waited) and waited >= 0


def test_the_whole_client_on_a_hostile_line_raises_only_typed_errors_and_stays_usable():
    calls = {
        "catalogue": lambda c: c.catalogue(),
        "submit": lambda c: c.submit_payload({"service_code": "GT-001"}, "idem-key-0001"),
        "heartbeat": lambda c: c.heartbeat({"version": "1"}),
        "by_provisional": lambda c: c.case_by_provisional("P-T-TEST-20260101-00001-Q"),
        "health": lambda c: c.health(),
        "decision": lambda c: c.decision_of("SQ2026120100001", "token"),  # a window decision's copy (clerk_copy)
    }
    with ScriptedBackend() as line:
        client = client_for(line.url, read_timeout_s=2.0)

        @LOOPBACK_BUDGET
        @given(hostile=hostile_answers(), call=st.sampled_from(sorted(calls)))
        def exercise(hostile, call):
            line.answer = Scripted(**asdict(hostile))
            try:
                calls[call](client)
            except BackendError:
                pass
            assert math.isfinite(client.clock_offset_s)  # a signed, plausible time may move it; nothing else may
            line.answer = Scripted(200, b'{"items": []}')
            assert client.catalogue() == []  # the same client, still working
            assert abs(client.clock_offset_s) < 60  # and its clock back on the server's

        exercise()
