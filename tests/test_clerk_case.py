"""One case for the applicant's matter at the window: Accept tried again after the receipt failed reaches the case
it submitted (same idempotency key), against the sandbox and the simulated receipt printer."""

import pytest

from devices.idcard.samples import sample_identity
from kiosk.refusal_reasons import RefusalReason
from kiosk.workflows.clerk import Desk

ID_NUMBER = "330106199003071236"  # the sample resident card


def checking(services, service="SB-003"):
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    desk.card_read(sample_identity("resident"))
    desk.choose_service(service)
    for code in list(desk.provided):
        desk.mark(code, True)
    assert desk.step is Desk.CHECKING and not desk.missing()
    return desk


@pytest.fixture
def cases(sandbox):
    """The applicant's cases opened by the test (the sandbox holds older ones of the sample resident)."""
    seeded = {c["case_number"] for c in sandbox.store.cases_of(ID_NUMBER)}
    return lambda: sorted(c["case_number"] for c in sandbox.store.cases_of(ID_NUMBER) if c["case_number"] not in seeded)


def test_accept_again_after_the_receipt_failed_makes_no_second_case(services, sandbox, cases):
    desk = checking(services)
    printer = services.devices.receipt_printer
    printer.inject("paper_out")
    desk.accept()
    assert desk.step is Desk.CHECKING and desk.notice.error  # the receipt did not print: the clerk tries again
    (submitted,) = cases()
    assert sandbox.store.case(submitted)["status"] == "accepted"
    desk.accept()  # still no paper: the same case again
    printer.inject("clear")
    desk.accept()
    assert desk.step is Desk.DONE and desk.result == submitted
    assert cases() == [submitted]
    with sandbox.store.tx() as db:
        assert db.execute("SELECT COUNT(*) FROM decisions WHERE case_number = ?", (submitted,)).fetchone()[0] == 1


def test_the_next_applicant_gets_a_new_case(services, sandbox, cases):
    desk = checking(services)
    desk.accept()
    first = desk.result
    desk.next_applicant()
    assert desk._kept_case is None
    desk.card_read(sample_identity("resident"))
    desk.choose_service("SB-003")
    desk.mark("M1", True)
    desk.accept()
    assert desk.step is Desk.DONE and desk.result != first and cases() == sorted([first, desk.result])


def test_an_acceptance_whose_receipt_failed_is_not_refused_on_the_same_case(services, sandbox, cases):
    desk = checking(services)
    services.devices.receipt_printer.inject("paper_out")
    desk.accept()
    (submitted,) = cases()
    desk.refuse(RefusalReason.OTHER, "申请事项已在办理中")
    assert desk.step is Desk.CHECKING and desk.notice.error
    assert desk.notice.message.render("en").startswith("A different decision on this application was already sent")
    assert cases() == [submitted] and sandbox.store.case(submitted)["status"] == "accepted"
    with sandbox.store.tx() as db:
        assert db.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 1


def test_signing_out_or_another_card_forgets_the_kept_case(services, sandbox, cases):
    desk = checking(services)
    services.devices.receipt_printer.inject("paper_out")
    desk.accept()
    assert desk._kept_case is not None
    desk.card_read(sample_identity("resident"))  # not taken while checking: the matter stays
    assert desk._kept_case is not None
    desk.next_applicant()
    assert desk._kept_case is None
    services.devices.receipt_printer.inject("clear")
    desk = checking(services)
    desk.accept()
    assert desk.step is Desk.DONE and desk._kept_case is not None
    desk.card_read(sample_identity("resident"))  # the next card, taken once the matter is done
    assert desk._kept_case is None and desk.step is Desk.WAITING
    desk.choose_service("SB-003")
    desk.mark("M1", True)
    desk.accept()
    assert desk._kept_case is not None
    desk.sign_out()
    assert desk._kept_case is None and desk.identity is None
