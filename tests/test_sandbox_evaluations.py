"""Evaluations (好差评) of a case, an offline case, a one-time notice and a printed licence."""

import json
import logging

import pytest

from common.backend_errors import RejectedError
from common.domain import Evaluation, EvaluationKey, EvaluationRecorded, RatingReason
from tests.backend_helpers import application, client_for, signed
from tests.queue_helpers import payload

ZHANG = "330106199003071236"
NUMBER = "P-T-TEST-20261127-00011-Q"
READY_LICENCE = "LIC-SQ2026112000007"  # seeded ready for ZHANG


@pytest.fixture
def client(sandbox):
    return client_for(sandbox.url)


def _raw(sandbox, body: dict):
    return signed("POST", sandbox.url, "/api/v1/evaluations", json.dumps(body).encode(),
                  headers={"Content-Type": "application/json"})


def test_a_case_is_rated_once_and_a_second_rating_is_an_answer_not_an_error(client, sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    case = client.submit(application(client)).case_number
    first = client.evaluate(case, 2, RatingReason.LONG_WAIT, comment="排队四十分钟 secret-comment")
    assert (first.level, first.already_evaluated, first.case_number) == (2, False, case)
    assert first.evaluation_id.startswith("EV-") and first.recorded_at
    second = client.evaluate(case, 5)
    assert (second.level, second.already_evaluated, second.evaluation_id) == (2, True, "")
    assert second.recorded_at == first.recorded_at
    stored = sandbox.store.evaluations.by_key("case_number", case)
    assert (stored["reason_code"], stored["comment"]) == ("long_wait", "排队四十分钟 secret-comment")
    assert "secret-comment" not in caplog.text


def test_the_older_call_shape_still_works(client, sandbox):
    case = client.submit(application(client)).case_number
    assert client.evaluate(case, 1, "Long wait").level == 1  # free text: reason other, the text as comment
    stored = sandbox.store.evaluations.by_key("case_number", case)
    assert (stored["reason_code"], stored["comment"], stored["channel"]) == ("other", "Long wait", "kiosk")
    case = client.submit(application(client)).case_number
    client.evaluate(case, 2, "staff_attitude", "window")
    stored = sandbox.store.evaluations.by_key("case_number", case)
    assert (stored["reason_code"], stored["comment"], stored["channel"]) == ("staff_attitude", "", "window")


def test_an_offline_case_rated_before_it_arrives_is_joined_to_it(client, sandbox):
    early = client.evaluate(NUMBER, 4)  # the queue sent the rating; the case is still on its way
    assert (early.already_evaluated, early.case_number) == (False, None)
    body, key = payload(client, NUMBER)
    case = client.submit_payload(body, key).case_number
    assert sandbox.store.evaluations.of_case(case, NUMBER)["level"] == 4
    again = client.evaluate(case, 1, RatingReason.OTHER)  # the same case under its case number: rated already
    assert (again.already_evaluated, again.level) == (True, 4)


def test_an_offline_case_rated_after_it_arrived_belongs_to_it_at_once(client, sandbox):
    body, key = payload(client, NUMBER)
    case = client.submit_payload(body, key).case_number
    rated = client.evaluate(EvaluationKey.case(NUMBER), 3)
    assert (rated.case_number, rated.level) == (case, 3)
    assert client.evaluate(NUMBER, 5).already_evaluated


def test_a_notice_and_a_printed_licence_are_rated_by_their_numbers(client):
    notice = client.issue_notice("JSZ-010", ZHANG, ["M2"])
    rated = client.evaluate(EvaluationKey.notice(notice["number"]), 5, channel="window")
    assert (rated.already_evaluated, rated.case_number) == (False, None)
    assert client.evaluate(EvaluationKey.notice(notice["number"]), 1, RatingReason.OTHER).level == 5
    assert not client.evaluate(EvaluationKey.licence(READY_LICENCE), 4).already_evaluated
    with pytest.raises(RejectedError, match="notice_not_found"):
        client.evaluate(EvaluationKey.notice("GZ2026112799999"), 5)
    with pytest.raises(RejectedError, match="licence_not_found"):
        client.evaluate(EvaluationKey.licence("LIC-SQ2026111300004"), 5)  # a case with no licence ready
    with pytest.raises(RejectedError, match="case_not_found"):
        client.evaluate("SQ2026010100001", 5)


def test_what_the_backend_refuses_is_plain(sandbox):
    case = "SQ2026112000007"
    low = _raw(sandbox, {"case_number": case, "level": 1})
    assert low.status_code == 422 and low.json()["error"]["code"] == "reason_required"
    two = _raw(sandbox, {"case_number": case, "notice_number": "GZ2026112700001", "level": 5})
    assert two.status_code == 400 and "exactly one" in json.dumps(two.json())
    none = _raw(sandbox, {"level": 5})
    assert none.status_code == 400
    long = _raw(sandbox, {"case_number": case, "level": 5, "comment": "长" * 201})
    assert long.status_code == 400
    odd = _raw(sandbox, {"case_number": case, "level": 2, "reason_code": "bad_weather"})
    assert odd.status_code == 400


def test_the_client_refuses_to_send_what_the_backend_would_refuse(client):
    key = EvaluationKey.case("SQ2026112000007")
    for bad in (Evaluation(key, 1), Evaluation(key, 6), Evaluation(key, 5, comment="x" * 201)):
        with pytest.raises(ValueError):
            client.send_evaluation(bad)
    assert "x" * 10 not in repr(Evaluation(key, 5, comment="x" * 10))


def test_a_conflict_without_the_first_level_is_a_server_error():
    from common.backend_errors import ServerError
    from tests.backend_helpers import Scripted, ScriptedBackend

    answer = {"error": {"code": "already_evaluated", "message_zh": "已评价", "message_en": "rated", "fields": {}}}
    with ScriptedBackend() as backend:
        client = client_for(backend.url)
        backend.answer = Scripted(status=409, body=json.dumps(answer).encode())
        with pytest.raises(ServerError):
            client.evaluate("SQ2026112000007", 5)
        answer["error"]["fields"] = {"level": "4"}
        backend.answer = Scripted(status=409, body=json.dumps(answer).encode())
        assert client.evaluate("SQ2026112000007", 5) == EvaluationRecorded(4, True)


def test_a_sandbox_database_of_the_older_shape_keeps_its_evaluations(tmp_path):
    import sqlite3

    from sandbox.store import Store

    path = tmp_path / "sandbox.db"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute("DROP TABLE evaluations")
    db.execute("CREATE TABLE evaluations (evaluation_id TEXT PRIMARY KEY, case_number TEXT UNIQUE NOT NULL, "
               "body TEXT NOT NULL)")
    db.execute("INSERT INTO evaluations VALUES ('EV-1', 'SQ2026112000007', ?)",
               (json.dumps({"case_number": "SQ2026112000007", "level": 4, "reason": "", "channel": "window",
                            "at": "2026-11-27T10:00:00+08:00"}),))
    db.commit()
    db.close()
    store = Store(path)
    try:
        kept = store.evaluations.by_key("case_number", "SQ2026112000007")
        assert (kept["level"], kept["channel"], kept["at"]) == (4, "window", "2026-11-27T10:00:00+08:00")
    finally:
        store.close()
