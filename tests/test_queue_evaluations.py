"""An evaluation of a case accepted offline waits in the queue and goes after its case."""

import time

from common.domain import Evaluation, EvaluationKey, RatingReason
from offline_queue.item_kinds import EVALUATION
from tests.backend_helpers import client_for
from tests.citizen_steps import walk_to_confirm
from tests.queue_helpers import enqueue, fast_sync, outbox

NUMBER = "P-T-TEST-20261127-00021-Q"
ZHANG = "330106199003071236"  # the applicant of queue_helpers.payload's sample


def _queue_evaluation(box, level: int = 2, applicant: str = ZHANG, **extra) -> str:
    evaluation = Evaluation(EvaluationKey.case(NUMBER), level, RatingReason.LONG_WAIT, "排队太久 queued-comment")
    return box.enqueue(EVALUATION.queued(dict(evaluation.payload(), **extra)), "evaluation-key-1", applicant, NUMBER)


def test_the_evaluation_goes_after_its_case_and_belongs_to_it(sandbox, tmp_path):
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    case_item = enqueue(box, client, NUMBER)
    rating_item = _queue_evaluation(box)
    sync = fast_sync(box, client)
    assert sync.run_once() == 1  # one item per applicant and pass: the case first
    assert box.item(case_item).state == "delivered" and box.item(rating_item).state == "pending"
    assert sandbox.store.evaluations.by_key("provisional_number", NUMBER) is None
    assert sync.run_once() == 1
    case_number = box.item(case_item).case_number
    rating = box.item(rating_item)
    assert (rating.state, rating.case_number, rating.has_payload) == ("delivered", case_number, False)
    stored = sandbox.store.evaluations.of_case(case_number, NUMBER)
    assert (stored["level"], stored["reason_code"], stored["comment"]) == (2, "long_wait", "排队太久 queued-comment")


def test_the_comment_is_sealed_at_rest(sandbox, tmp_path):
    box = outbox(tmp_path)
    _queue_evaluation(box)
    box.close()
    stored = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert "queued-comment".encode() not in stored and "排队太久".encode() not in stored


def test_a_refused_evaluation_is_a_dead_letter_and_a_second_is_delivered_as_answered(sandbox, tmp_path):
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    refused = box.enqueue(EVALUATION.queued({"provisional_number": NUMBER, "level": 1}), "evaluation-key-2", ZHANG, NUMBER)
    first = _queue_evaluation(box, level=5, reason_code=None)
    again = _queue_evaluation(box, level=3)
    sync = fast_sync(box, client)
    for _ in range(3):
        sync.run_once()
    assert box.item(refused).state == "dead" and "reason_required" in box.item(refused).last_error
    assert box.item(first).state == "delivered" and box.item(again).state == "delivered"  # the first stands
    assert sandbox.store.evaluations.by_key("provisional_number", NUMBER)["level"] == 5


def test_a_citizen_rates_an_offline_case_through_the_submitter(services, sandbox):
    session = services.new_citizen_session()
    walk_to_confirm(session)
    application = session.application
    sandbox.faults.set("error")
    session.confirm()
    number = session.receipt.case_number
    evaluation = Evaluation(EvaluationKey.case(number), 1, RatingReason.HARD_TO_USE)
    services.submitter.queue_evaluation(evaluation, application.applicant.id_number)
    sandbox.faults.clear()
    deadline = time.monotonic() + 20
    while services.queue.outbox.items(("pending",)):
        assert time.monotonic() < deadline, "the queued case and evaluation were not delivered"
        services.queue.sync.notify()
        time.sleep(0.05)
    case = sandbox.store.case_by_provisional(number)
    assert sandbox.store.evaluations.of_case(case["case_number"], number)["level"] == 1
    assert [i.state for i in services.queue.outbox.items()] == ["delivered", "delivered"]
