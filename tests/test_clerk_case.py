"""One case for the applicant's matter at the window: a decision tried again after a failure reaches the case
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


def test_an_acceptance_whose_receipt_failed_stands_and_its_receipt_is_printed_again(services, sandbox, cases):
    desk = checking(services)
    printer = services.devices.receipt_printer
    printer.inject("paper_out")
    desk.accept()
    (submitted,) = cases()  # the case stands accepted: the desk says so, not "failed"
    assert sandbox.store.case(submitted)["status"] == "accepted"
    assert desk.step is Desk.DONE and desk.result == submitted and desk.notice.error and desk.can_print_again()
    said = desk.notice.message.render("en")
    assert said.startswith(f"Accepted as {submitted}. The receipt slip did not print: ")
    assert said.endswith('The Acceptance Notice is printed. Press "Print again" once the printer is ready.')
    desk.print_again()  # still no paper: offered again, nothing sent
    assert desk.step is Desk.DONE and desk.can_print_again() and desk.unprinted is None
    printer.inject("clear")
    desk.print_again()
    assert desk.step is Desk.DONE and not desk.notice.error and not desk.can_print_again()
    assert desk.notice.message.render("en") == f"Accepted as {submitted}. The receipt slip is printed."
    assert cases() == [submitted]
    with sandbox.store.tx() as db:
        assert db.execute("SELECT COUNT(*) FROM decisions WHERE case_number = ?", (submitted,)).fetchone()[0] == 1
    slip, a4, out = f"acceptance {submitted}", f"acceptance-{submitted}", f"acceptance {submitted} PaperOutError"
    audited = [(e["action"], e["detail"]) for e in services.audit.recent]
    assert audited[audited.index(("accepted", submitted)):] == [
        ("accepted", submitted), ("document_not_printed", out), ("document_printed", a4),
        ("print_again", slip), ("document_not_printed", out),
        ("print_again", slip), ("document_printed", slip)]


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


def test_a_refusal_left_unrecorded_is_not_turned_into_an_acceptance_of_the_same_case(services, sandbox, cases):
    desk = checking(services)
    with sandbox.store.tx() as db:  # the clerk's session ends at the service system: the refusal is not recorded
        db.execute("UPDATE staff_sessions SET expires = 0")
    desk.refuse(RefusalReason.OTHER, "申请事项已在办理中")
    (submitted,) = cases()
    assert desk.step is Desk.CHECKING and desk.notice.error
    desk.accept()  # its answer may have been lost: the other decision is not asked on the same case
    assert desk.step is Desk.CHECKING and desk.notice.error
    assert desk.notice.message.render("en").startswith("A different decision on this application was already sent")
    assert cases() == [submitted]
    with sandbox.store.tx() as db:
        assert db.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 0


def test_signing_out_or_another_card_forgets_the_kept_case(services, sandbox, cases):
    desk = checking(services)
    with sandbox.store.tx() as db:  # a refusal not recorded: the desk is back at checking, its case kept
        db.execute("UPDATE staff_sessions SET expires = 0")
    desk.refuse(RefusalReason.OTHER, "申请事项已在办理中")
    assert desk.step is Desk.CHECKING and desk._kept_case is not None
    desk.card_read(sample_identity("resident"))  # not taken while checking: the matter stays
    assert desk._kept_case is not None
    desk.next_applicant()
    assert desk._kept_case is None
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


def test_papers_left_unprinted_when_the_matter_ends_are_audited_and_said_once(services, sandbox, cases):
    desk = checking(services)
    receipts, documents = services.devices.receipt_printer, services.devices.document_printer
    receipts.inject("paper_out")
    documents.inject("jam")
    desk.accept()
    (submitted,) = cases()
    assert desk.can_print_again() and desk.unprinted is not None and desk.unprinted_slip is not None
    desk.next_applicant()  # the clerk moves on: the papers go with the matter, not silently
    said = desk.notice.message.render("en")
    assert desk.step is Desk.WAITING and desk.notice.error
    # not by its number: nothing of that matter at the next (the applicant's slip, or the office, has it)
    assert said == "The receipt slip and Acceptance Notice of the last matter were never printed. Its decision is " \
                   "recorded in the service system: a copy of its document can be printed by the case number below."
    assert desk.notice.message.render("zh_CN").startswith("上一件事项的小票和受理通知书始终未能打印")
    audited = [(e["action"], e["detail"]) for e in services.audit.recent]
    assert ("papers_never_printed", f"acceptance {submitted} + acceptance-{submitted}") in audited
    receipts.inject("clear")
    documents.inject("clear")
    desk.card_read(sample_identity("resident"))
    assert desk.notice is None  # said once
