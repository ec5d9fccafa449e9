"""A window's acceptance recorded in the clerk's name whatever the backend does: sent at once, or queued behind its
case when the backend is away at the case or just after it, as a refusal is (kiosk/workflows/clerk.py,
``_record_acceptance``; offline_queue/item_kinds.py, ``decision``). Real HTTP to the sandbox, its real 503s."""

import time

import pytest

from kiosk.workflows.clerk import Desk
from tests.test_clerk_case import checking
from tests.test_clerk_copy import _pdfs
from tests.test_clerk_refusal import _queue_sent, decisions, pdf_words

ID_NUMBER = "330106199003071236"  # the sample resident card


def test_an_acceptance_while_the_backend_is_away_arrives_accepted_behind_its_case(services, sandbox):
    desk = checking(services)
    sandbox.faults.set("down")
    desk.accept()
    number = desk.result
    assert desk.step is Desk.DONE and number.startswith("P-") and desk.decision == "accepted"
    pending = services.queue.outbox.items(("pending",))
    assert len(pending) == 2 and sandbox.store.case_by_provisional(number) is None  # the case, then its decision
    desk.next_applicant()
    sandbox.faults.clear()
    _queue_sent(services)
    assert [item.state for item in services.queue.outbox.items()] == ["delivered", "delivered"]
    case = sandbox.store.case_by_provisional(number)
    assert case["status"] == "accepted"  # not left "submitted" for another clerk to decide again
    (decision,) = decisions(sandbox, case["case_number"])
    assert (decision["staff_id"], decision["decision"], decision["received"]) == ("XH0001", "accepted", ["M1"])
    assert decision["decided_at"] and decision["decided_at"] <= decision["at"][:25]
    before = len(_pdfs(services))
    desk.print_copy(number)  # its acceptance notice printed again by the provisional number on the slip
    assert not desk.notice.error, desk.notice.message.render("en")
    words = pdf_words(_pdfs(services)[-1])
    assert len(_pdfs(services)) == before + 1 and "受理通知书" in words and case["case_number"] in words
    assert "居民身份证" in words and ID_NUMBER not in words


def test_a_case_taken_then_the_backend_gone_before_the_acceptance_gets_it_queued(services, sandbox, monkeypatch):
    """The backend takes the case, then answers 503 (its fault switch) when the decision is sent."""
    desk = checking(services)
    submit = services.submitter.submit

    def taken_then_gone(*args, **kwargs):
        outcome = submit(*args, **kwargs)
        sandbox.faults.set("down")
        return outcome

    monkeypatch.setattr(services.submitter, "submit", taken_then_gone)
    desk.accept()
    number = desk.result
    assert desk.step is Desk.DONE and number.startswith("SQ") and not desk.notice.error
    assert sandbox.store.case(number)["status"] == "submitted" and not decisions(sandbox, number)
    sandbox.faults.clear()
    _queue_sent(services)
    assert sandbox.store.case(number)["status"] == "accepted"
    (decision,) = decisions(sandbox, number)
    assert decision["staff_id"] == "XH0001" and decision["received"] == ["M1"]


def test_an_acceptance_the_backend_took_at_once_is_not_queued_again(services, sandbox):
    desk = checking(services)
    desk.accept()
    assert sandbox.store.case(desk.result)["status"] == "accepted" and len(decisions(sandbox, desk.result)) == 1
    assert all(item.state == "delivered" for item in services.queue.outbox.items())
    assert len(services.queue.outbox.items()) == 1  # the case's item only: no decision waits behind it


@pytest.mark.parametrize("decision", ["accepted", "not_accepted"])
def test_a_slow_answer_to_the_decision_is_waited_for_only_what_is_left_of_the_wait(sandbox, make_config, decision):
    """A person waits ``queue.deliver_wait_s`` (here 2 s) for what they sent to arrive. The case goes at once, then
    the backend answers its decision only after 3.5 s, inside the answer's limit (4 s): the decision is waited for
    the rest of the 2 s, then goes into the queue behind its case, and arrives once through it. (Before: the clerk
    and the applicant waited out the slow answer too, up to the deliver wait and the answer's limit together: 15 +
    20 s at the defaults.)"""
    from kiosk.app import build_services
    from kiosk.refusal_reasons import RefusalReason
    from kiosk.tasks import SyncTaskRunner

    services = build_services(make_config(sandbox.url, queue={"deliver_wait_s": 2.0}), SyncTaskRunner())
    services.start()
    try:
        desk = checking(services)
        submit = services.submitter.submit

        def taken_then_slow(*args, **kwargs):
            outcome = submit(*args, **kwargs)
            sandbox.faults.slow_s = 3.5
            sandbox.faults.set("slow")
            return outcome

        queue_decision, queued_at = services.submitter.queue_decision, []

        def queued(*args, **kwargs):
            queued_at.append(time.monotonic())
            return queue_decision(*args, **kwargs)

        services.submitter.submit, services.submitter.queue_decision = taken_then_slow, queued
        started = time.monotonic()
        if decision == "accepted":
            desk.accept()
        else:
            desk.refuse(RefusalReason.NOT_OUR_REMIT)
        services.submitter.submit, services.submitter.queue_decision = submit, queue_decision
        number = desk.result
        assert desk.step is Desk.DONE and number.startswith("SQ") and not desk.notice.error, desk.notice
        # queued after the 2 s and a little, not the answer's 3.5 s (what runs after it here, the audit's push
        # among it, runs on the same thread only because this test's runner is synchronous)
        assert len(queued_at) == 1 and queued_at[0] - started < 3.0, [t - started for t in queued_at]
        sandbox.faults.clear()
        _queue_sent(services)
        assert sandbox.store.case(number)["status"] == decision
        (recorded,) = decisions(sandbox, number)  # once, whether the cut answer's request was done or not
        assert recorded["staff_id"] == "XH0001" and recorded["decision"] == decision
    finally:
        sandbox.faults.clear()
        services.stop()


def test_the_shortest_wait_allowed_still_leaves_a_well_backend_time_to_record_the_decision(sandbox, make_config):
    """``queue.deliver_wait_s`` at its floor (1 s): a backend answering at once records the acceptance itself; it
    is not queued for want of time (``kiosk.submission.MIN_CALL_S`` is half a second)."""
    from kiosk.app import build_services
    from kiosk.tasks import SyncTaskRunner

    services = build_services(make_config(sandbox.url, queue={"deliver_wait_s": 1.0}), SyncTaskRunner())
    services.start()
    try:
        desk = checking(services)
        desk.accept()
        number = desk.result
        assert desk.step is Desk.DONE and number.startswith("SQ"), desk.notice
        assert [item.state for item in services.queue.outbox.items()] == ["delivered"]  # the case alone
        assert sandbox.store.case(number)["status"] == "accepted"
    finally:
        services.stop()
