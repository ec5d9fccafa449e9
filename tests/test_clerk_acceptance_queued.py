"""A window's acceptance recorded in the clerk's name whatever the backend does: sent at once, or queued behind its
case when the backend is away at the case or just after it, as a refusal is (kiosk/workflows/clerk.py,
``_record_acceptance``; offline_queue/item_kinds.py, ``decision``). Real HTTP to the sandbox, its real 503s."""

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
