"""Evaluation (好差评) wherever a matter ends, and a refused offline case on lookup; against the sandbox."""

import time

from common.domain import RatingReason
from devices.idcard.samples import sample_identity
from kiosk.workflows.citizen import Step
from tests.citizen_steps import identify, walk_to_confirm
from tests.test_materials_session import to_materials


def wait_for(condition, what, timeout_s=20):
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_an_offline_case_is_rated_and_the_rating_follows_it(services, sandbox):
    session = services.new_citizen_session()
    walk_to_confirm(session, "SB-003")
    sandbox.faults.set("down")
    session.confirm()
    assert session.receipt.provisional and session.can_rate()
    session.choose_rating(4)
    provisional = session.receipt.case_number
    assert session.rating == 4 and "感谢" in session.notice.message.render()
    sandbox.faults.clear()
    wait_for(lambda: sandbox.store.case_by_provisional(provisional) is not None, "the case to be delivered")
    case = sandbox.store.case_by_provisional(provisional)["case_number"]
    wait_for(lambda: sandbox.store.evaluations.of_case(case, provisional) is not None, "the rating to follow")
    assert sandbox.store.evaluations.of_case(case, provisional)["level"] == 4


def test_a_notice_is_rated_by_its_number(services, sandbox):
    session = services.new_citizen_session()
    to_materials(session, "GJJ-004")
    for code in ("M1", "M2", "M3", "M4"):
        session.material_not_brought(code)
    session.materials_done()
    session.leave_with_notice()
    assert session.step is Step.DONE and session.can_rate()
    session.choose_rating(2)
    session.give_reason(RatingReason.UNCLEAR_MATERIALS)
    found = sandbox.store.evaluations.by_key("notice_number", session.notice_number)
    assert found["level"] == 2 and found["reason_code"] == "unclear_materials"


def test_a_printed_licence_is_rated(services, sandbox):
    session = services.new_citizen_session()
    identify(session, purpose="licence")
    (licence,) = session.licences
    session.preview_licence(licence["licence_id"])
    session.print_licence()
    assert session.step is Step.DONE and session.can_rate()
    session.choose_rating(5)
    assert sandbox.store.evaluations.by_key("licence_id", licence["licence_id"])["level"] == 5


def test_a_refused_offline_case_says_why_on_lookup(services, sandbox):
    session = services.new_citizen_session()
    identity = sample_identity("resident")
    walk_to_confirm(session, "SB-003", identity=identity)
    session.application.applicant.id_number = "330106199003071235"  # damaged on the way: a wrong check character
    sandbox.faults.set("down")
    session.confirm()
    provisional = session.receipt.case_number
    sandbox.faults.clear()
    wait_for(lambda: services.queue.outbox.items(("dead",)), "the backend to refuse the queued case")
    session.finish()
    session.code_scanned(f"OTR1:{provisional}")
    assert session.step is Step.PROGRESS
    refusal = session.progress["refused"]
    assert refusal.code == "bad_id_number" and refusal.message("zh_CN")
