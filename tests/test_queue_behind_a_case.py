"""What waits in the queue behind a case (a draft's deletion, an evaluation, a decision) is not sent while that case
is not delivered: against the real sandbox over HTTP (offline_queue/item_kinds.py, ``follows``)."""

import uuid

from common.domain import Evaluation, EvaluationKey, RatingReason
from offline_queue.item_kinds import DRAFT_DELETION, EVALUATION
from tests.backend_helpers import client_for
from tests.queue_helpers import enqueue, fast_sync, outbox, payload
from tests.test_queue_sync import cases_for, deliver_all

ZHANG = "330106199003071236"  # the applicant of queue_helpers.payload's sample


def _draft(client) -> str:
    return client.save_draft(ZHANG, "GT-001", {"n": "saved at the kiosk"}, missing=["M1"])["draft_id"]


def _deletion_behind(box, draft_id: str, number: str) -> str:
    return box.enqueue(DRAFT_DELETION.queued({"draft_id": draft_id, "after": number}), uuid.uuid4().hex, ZHANG)


def test_a_case_refused_on_arrival_keeps_the_draft_it_was_continued_from(sandbox, tmp_path):
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    draft_id = _draft(client)
    number = "P-T-TEST-20261205-00001-Q"
    body, key = payload(client, number)
    body["service_code"] = "NO-SUCH"  # refused on arrival
    case = box.enqueue(body, key, ZHANG, number)
    deletion = _deletion_behind(box, draft_id, number)
    deliver_all(fast_sync(box, client), box)
    assert box.item(case).state == "dead" and "service_not_found" in box.item(case).last_error
    stopped = box.item(deletion)
    assert stopped.state == "dead" and number in stopped.last_error and "not delivered" in stopped.last_error and "retry --dead" in stopped.last_error
    assert [d["draft_id"] for d in client.drafts(ZHANG)] == [draft_id]  # kept: to put right and send again


def test_a_case_that_arrives_deletes_its_draft_and_one_given_up_deletes_it_when_staff_retry(sandbox, tmp_path):
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    draft_id = _draft(client)
    number = "P-T-TEST-20261205-00002-Q"
    case = enqueue(box, client, number)
    deletion = _deletion_behind(box, draft_id, number)
    sync = fast_sync(box, client, max_attempts=2)
    sandbox.faults.set("error")
    deliver_all(sync, box)  # the case given up after its attempts; the deletion stops behind it, never sent
    assert box.item(case).state == "dead" and "gave up" in box.item(case).last_error
    assert box.item(deletion).state == "dead"
    sandbox.faults.clear()
    assert [d["draft_id"] for d in client.drafts(ZHANG)] == [draft_id]
    assert box.retry(dead=True) == 2  # staff: the dead letters again, in their order
    deliver_all(sync, box)
    assert box.item(case).state == "delivered" and box.item(deletion).state == "delivered"
    assert len(cases_for(sandbox, number)) == 1 and client.drafts(ZHANG) == []


def test_an_evaluation_behind_a_held_case_does_not_rate_the_case_the_backend_holds_under_its_number(sandbox,
                                                                                                   tmp_path):
    """The backend holds another citizen's case under the number (a repeated provisional number): this terminal's
    case is held for staff, and its rating, sent on the number, would land on that other case."""
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    number = "P-T-TEST-20261205-00003-Q"
    theirs, their_key = payload(client, number, sample="resident_long_term")
    their_case = client.submit_payload(theirs, their_key)
    mine = enqueue(box, client, number)
    rating = Evaluation(EvaluationKey.case(number), 1, RatingReason.LONG_WAIT, "")
    behind = box.enqueue(EVALUATION.queued(rating.payload()), uuid.uuid4().hex, ZHANG, number)
    sync = fast_sync(box, client)
    for _ in range(3):
        sync.run_once()
    assert box.item(mine).state == "held"
    assert box.item(behind).state == "dead" and "not delivered" in box.item(behind).last_error
    assert sandbox.store.evaluations.of_case(their_case.case_number, number) is None


def test_a_deletion_queued_without_its_case_s_number_is_sent_as_before(sandbox, tmp_path):
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    draft_id = _draft(client)
    deletion = box.enqueue(DRAFT_DELETION.queued({"draft_id": draft_id}), uuid.uuid4().hex, ZHANG)
    deliver_all(fast_sync(box, client), box)
    assert box.item(deletion).state == "delivered" and client.drafts(ZHANG) == []
