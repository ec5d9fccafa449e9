"""A case refused after it was accepted offline: its provisional number says so, why, and what to do."""

import datetime as dt

import pytest

from common.backend_errors import RejectedError
from common.domain import CaseRefusal
from common.provisional import make
from tests.backend_helpers import client_for
from tests.queue_helpers import fast_sync, outbox, payload

NUMBER = "P-T-TEST-20261127-00007-Q"


@pytest.fixture
def client(sandbox):
    return client_for(sandbox.url)


def _wrong_check_character(body: dict) -> dict:
    id_number = body["applicant"]["id_number"]
    wrong = "0" if id_number[-1] != "0" else "1"
    return dict(body, applicant=dict(body["applicant"], id_number=id_number[:-1] + wrong))


def test_a_refused_offline_case_is_found_by_its_provisional_number(client, sandbox, tmp_path):
    box = outbox(tmp_path)
    body, key = payload(client, NUMBER)
    item = box.enqueue(_wrong_check_character(body), key, "A", NUMBER)
    fast_sync(box, client).run_once()
    assert box.item(item).state == "dead"  # on the terminal: a dead letter for staff
    refusal = client.case_by_provisional(NUMBER)  # for the citizen: not a dead end
    assert isinstance(refusal, CaseRefusal)
    assert (refusal.provisional_number, refusal.code) == (NUMBER, "bad_id_number")
    assert refusal.message("zh_CN") == "身份证号码校验不通过" and "check" in refusal.message("en")
    assert refusal.fields == {"applicant.id_number": "check character"}
    assert "重新申请" in refusal.advice("zh_CN") and "apply again" in refusal.advice("en")
    service = sandbox.store.service(body["service_code"])  # which application it was, in both languages
    assert refusal.service_code == body["service_code"] and refusal.service_name("zh_CN") == service["name_zh"]
    assert refusal.service_name("en") == service["name_en"] != ""
    stored = sandbox.store.refusals.of(NUMBER)
    assert stored["terminal_id"] == "T-TEST" and body["applicant"]["id_number"][:10] not in str(stored)


def test_a_refused_number_is_spent_a_later_case_under_it_is_refused(client, sandbox):
    body, key = payload(client, NUMBER)
    with pytest.raises(RejectedError, match="bad_id_number"):
        client.submit_payload(_wrong_check_character(body), key)
    before = sandbox.store.cases_count()
    with pytest.raises(RejectedError) as caught:  # the same application, corrected: not under this number
        client.submit_payload(body, key)
    assert caught.value.status == 409 and caught.value.code == "provisional_number_refused"
    assert caught.value.fields == {"provisional_number": NUMBER}
    assert sandbox.store.cases_count() == before
    assert client.case_by_provisional(NUMBER).code == "bad_id_number"  # the first refusal stands
    fresh, fresh_key = payload(client)  # applying again, without the spent number, works
    assert client.submit_payload(fresh, fresh_key).case_number


def test_a_case_not_refused_leaves_no_refusal(client, sandbox):
    assert client.case_by_provisional(NUMBER) is None  # not arrived yet
    body, key = payload(client, NUMBER)
    submitted = client.submit_payload(body, key)
    assert client.case_by_provisional(NUMBER)["case_number"] == submitted.case_number
    other, other_key = payload(client, NUMBER, sample="resident_long_term")
    with pytest.raises(RejectedError, match="provisional_number_taken"):  # another application's: no refusal
        client.submit_payload(other, other_key)
    assert sandbox.store.refusals.of(NUMBER) is None


def test_an_unreadable_case_is_refused_against_the_number_it_carries(client, sandbox):
    body, key = payload(client, NUMBER)
    with pytest.raises(RejectedError, match="invalid_request"):
        client.submit_payload(dict(body, form="not a map"), key)
    assert client.case_by_provisional(NUMBER).code == "invalid_request"


def test_a_sandbox_database_from_before_the_service_was_kept_still_opens(tmp_path):
    """`kiosk sandbox --db FILE` on a file whose refusals table has no service column: it is added, the old
    refusals read with no service (the citizen still sees why), and new ones keep theirs."""
    import sqlite3

    from sandbox.store import Store

    path = tmp_path / "hall.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE refusals (provisional_number TEXT PRIMARY KEY, terminal_id TEXT NOT NULL, "
                   "code TEXT NOT NULL, message_zh TEXT NOT NULL, message_en TEXT NOT NULL, fields TEXT NOT NULL, "
                   "at TEXT NOT NULL, people TEXT NOT NULL DEFAULT '[]')")
        db.execute("INSERT INTO refusals VALUES (?, 'T-TEST', 'bad_id_number', '不通过', 'fails', '{}', "
                   "'2026-11-27T10:00:00+08:00', '[]')", (NUMBER,))
    store = Store(path)
    old = store.refusals.of(NUMBER)
    assert old["code"] == "bad_id_number" and old["service_code"] == old["service_name_zh"] == ""
    store.refusals.record("P-T-TEST-20261127-00008-Q", "T-TEST", "x", "不", "no", {}, [], "GT-001")
    assert store.refusals.of("P-T-TEST-20261127-00008-Q")["service_name_zh"]
    store.refusals.record("P-T-TEST-20261127-00009-Q", "T-TEST", "x", "不", "no", {}, [], "NO-SUCH-SERVICE")
    assert store.refusals.of("P-T-TEST-20261127-00009-Q")["service_code"] == ""  # a code it does not know: none


@pytest.mark.parametrize("refused, why", [
    ({"provisional_number": "P-T-TEST-20261127-00008-Q"}, "another provisional number"),
    ({"fields": {"a": 1}}, "map of strings"),
    ({"refused_at": "yesterday"}, "bad timestamp"),
    ({"code": None}, "missing field"),
    ({"service_name_zh": 7}, "service_name_zh"),
])
def test_a_refusal_off_contract_is_a_server_error(refused, why):
    import json

    from common.backend_errors import ServerError
    from tests.backend_helpers import Scripted, ScriptedBackend

    good = {"provisional_number": NUMBER, "terminal_id": "T-TEST", "code": "bad_id_number", "message_zh": "不通过",
            "message_en": "fails", "fields": {}, "advice_zh": "重新申请", "advice_en": "apply again",
            "refused_at": "2026-11-27T10:00:00+08:00"}
    with ScriptedBackend() as backend:
        client = client_for(backend.url)
        backend.answer = Scripted(body=json.dumps({"items": [], "refused": good}).encode())
        assert client.case_by_provisional(NUMBER).code == "bad_id_number"
        backend.answer = Scripted(body=json.dumps({"items": [], "refused": dict(good, **refused)}).encode())
        with pytest.raises(ServerError, match=why):
            client.case_by_provisional(NUMBER)


def test_a_refusal_put_right_at_once_is_not_listed_as_the_persons_refused_application(client, sandbox):
    """The citizen was at the terminal: the case was refused (here its materials), they gave what was named, and
    the same application arrived under a new number and was taken. Listed among their applications it read as
    "not accepted" beside the case that was (kiosk demo, 2026-12-05). It is superseded: left out of the person's
    list, still there by its own number, the number still spent. Another application's stays, and so does one
    another terminal sent under the same id naming someone else."""
    first, second, third = (make("T-TEST", dt.date(2026, 11, 27), n) for n in (7, 8, 9))
    body, key = payload(client, first)
    holder = body["applicant"]["id_number"]
    lacking = dict(body, counter_checked=[])
    with pytest.raises(RejectedError, match="materials_missing"):
        client.submit_payload(lacking, key)
    assert _refused(client, holder) == [first]
    other, other_key = payload(client, second)  # another application, refused too
    with pytest.raises(RejectedError):
        client.submit_payload(dict(other, counter_checked=[]), other_key)
    foreign = make("T-OTHER", dt.date(2026, 11, 27), 1)  # another terminal, the same application id, another person
    someone, _ = payload(client, sample="resident_long_term")
    with pytest.raises(RejectedError):
        client_for(sandbox.url, "T-OTHER").submit_payload(
            dict(lacking, terminal_id="T-OTHER", provisional_number=foreign, applicant=someone["applicant"]), key)
    taken = client.submit_payload(dict(body, provisional_number=third), key)
    assert _refused(client, holder) == [second]
    assert _refused(client, someone["applicant"]["id_number"]) == [foreign]
    assert sandbox.store.refusals.of(first)["code"] == "materials_missing"  # by its own number, as it was
    assert sandbox.store.case(taken.case_number)["status"] == "submitted"


def test_a_refusal_put_right_at_a_later_visit_at_another_terminal_is_superseded_by_its_case(client, sandbox):
    """A case refused on arrival is kept as the person's draft, carrying its application's id; continued at their
    next visit at another terminal (a window), its case carries the id again and names them: the refusal is put
    right. The same id from another terminal naming someone else supersedes nothing."""
    refused = make("T-TEST", dt.date(2026, 11, 27), 11)
    body, key = payload(client, refused)
    holder = body["applicant"]["id_number"]
    with pytest.raises(RejectedError, match="materials_missing"):
        client.submit_payload(dict(body, counter_checked=[]), key)
    stranger, _ = payload(client, sample="resident_long_term")
    window = client_for(sandbox.url, "ZJ-HZ-T001")
    window.submit_payload(dict(stranger, application_id=body["application_id"], terminal_id="ZJ-HZ-T001",
                               provisional_number=make("ZJ-HZ-T001", dt.date(2026, 11, 28), 1)), "k" * 32)
    assert _refused(client, holder) == [refused]  # someone else's case with the id: nothing put right
    later = dict(body, terminal_id="ZJ-HZ-T001", provisional_number=make("ZJ-HZ-T001", dt.date(2026, 11, 28), 2))
    taken = window.submit_payload(later, "m" * 32)
    assert _refused(client, holder) == []
    with sandbox.store.tx() as db:
        assert db.execute("SELECT superseded_by FROM refusals WHERE provisional_number = ?",
                          (refused,)).fetchone()[0] == taken.case_number


def _refused(client, id_number: str) -> list[str]:
    """The provisional numbers of the person's refused applications, as the kiosk's "My applications" lists them."""
    return sorted(c["provisional_number"] for c in client.cases_of(id_number) if "refused" in c)
