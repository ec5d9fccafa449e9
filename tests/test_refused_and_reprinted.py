"""After the submit, against the sandbox: an agent's case saved offline whose principal the register does not
know is refused on arrival, and the refusal is found both by the receipt's provisional number and by
identifying (the agent's card: the backend keeps only keyed hashes of the people a refusal named); a
reprinted receipt is recorded with the backend."""

from common.domain import ApplyAs
from devices.idcard.samples import sample_identity
from kiosk.workflows.citizen import Step
from tests.citizen_steps import FORMS, fill_form, identify, provide_materials
from tests.test_evaluation_session import wait_for

AGENT_ID = "330106199003071236"  # 张测试, the sample card
PRINCIPAL_ID, WRONG_NAME = "330102195506122468", "李洋例"  # registered as 李样例: one character mistyped


def _declared_with_a_mistyped_principal(services, sandbox):
    """An agent's application up to its confirmation, the principal's name mistyped while the register could not
    be asked (the backend stays away)."""
    session = services.new_citizen_session()
    identify(session)
    session.continue_to_services()
    session.choose_service("JZ-002")
    session.start_application()
    session.choose_applicant(ApplyAs.AGENT)
    sandbox.faults.set("down")  # the register cannot be asked: the details go with the case as declared
    session.submit_principal(PRINCIPAL_ID, WRONG_NAME)
    assert session.step is Step.FORM
    fill_form(session, FORMS["JZ-002"])
    provide_materials(session)
    return session


def _agent_offline_with_a_mistyped_principal(services, sandbox) -> str:
    session = _declared_with_a_mistyped_principal(services, sandbox)
    session.confirm()
    assert session.receipt is not None and session.receipt.provisional
    provisional = session.receipt.case_number
    session.finish()
    sandbox.faults.clear()
    return provisional


def test_a_refused_offline_case_is_found_after_identification_and_by_its_number(services, sandbox):
    provisional = _agent_offline_with_a_mistyped_principal(services, sandbox)
    wait_for(lambda: services.queue.outbox.items(("dead",)), "the backend to refuse the queued case")
    stored = sandbox.store.refusals.of(provisional)
    assert stored["code"] == "principal_not_registered"
    raw = sandbox.store._one("SELECT * FROM refusals WHERE provisional_number = ?", provisional)
    assert AGENT_ID not in str(dict(raw)) and PRINCIPAL_ID not in str(dict(raw))  # keyed hashes only

    session = services.new_citizen_session()
    session.code_scanned(f"OTR1:{provisional}")  # by the receipt
    assert session.step is Step.PROGRESS and session.progress["refused"].code == "principal_not_registered"
    session.finish()

    identify(session)  # by the agent's own card: among their cases
    session.show_my_cases()
    assert session.step is Step.MY_CASES
    refused = [c for c in session.my_cases if c.get("refused") is not None]
    assert [c["provisional_number"] for c in refused] == [provisional]
    session.open_case(provisional)
    assert session.step is Step.PROGRESS and not session.can_reprint()  # nothing was accepted: nothing to reprint
    refusal = session.progress["refused"]
    assert "登记不符" in refusal.message("zh_CN") and "apply again" in refusal.advice("en")
    assert refusal.service_code == "JZ-002" and refusal.service_name("zh_CN")  # which application was refused
    session.finish()

    identify(session, sample_identity("hmt_residence"))  # someone else: none of it
    session.show_my_cases()
    assert all(c.get("refused") is None for c in session.my_cases)


def test_a_reprinted_receipt_is_recorded_with_the_backend(services, sandbox):
    session = services.new_citizen_session()
    identify(session)
    session.show_my_cases()
    session.open_case("SQ2026112000007")
    session.reprint_receipt()
    session.leave_progress()
    session.open_case("SQ2026112000007")
    session.reprint_receipt()
    reprints = sandbox.store.reprints.of("SQ2026112000007")
    assert [(r["document"], r["terminal_id"]) for r in reprints] == [("receipt", services.config.terminal.id)] * 2
    assert "补打" in session.notice.message.render("zh_CN") or "again" in session.notice.message.render("en")


def test_a_principal_the_register_refuses_at_submission_is_typed_again_and_nothing_else_is_lost(services, sandbox):
    """Declared while the register could not be asked, then submitted with the backend back: refused at once
    (principal_not_registered). The agent corrects the name; the form and the pages stay; the case goes."""
    session = _declared_with_a_mistyped_principal(services, sandbox)
    sandbox.faults.clear()  # back before the agent confirms
    pages = session.checklist.page_count()
    session.confirm()
    assert session.step is Step.PRINCIPAL and session.correcting_principal and session.notice.error
    assert session.notice.message.render("en").startswith("Not in the register under this ID number and name")
    assert session.principal.name == WRONG_NAME and session.checklist.page_count() == pages  # kept, to correct
    session.submit_principal(PRINCIPAL_ID, "李样例")
    assert session.step is Step.CONFIRM and not session.correcting_principal
    assert session.application.form and session.application.principal.name == "李样例"
    session.confirm()
    assert session.receipt is not None and not session.receipt.provisional, session.notice
    body = sandbox.store.case_body(session.receipt.case_number)
    assert body["applicant"]["name"] == "李样例" and body["agent"]["id_number"] == AGENT_ID
    assert len(sandbox.store.attachments(session.receipt.case_number)) >= pages
    # the refusal was heard at the terminal: nothing kept as a draft besides what the agent corrected there
    assert not services.queue.outbox.items(("pending",)) and services.backend.drafts(AGENT_ID) == []
    # the refusal was put right at once: not listed as the agent's refused application (superseded by the case)
    assert sandbox.store.refusals.of_person(AGENT_ID) == []


def test_a_case_refused_on_arrival_is_kept_as_a_saved_application_and_continued_with_the_principal_corrected(
        services, sandbox):
    """Nobody was at the terminal to hear the refusal: the case comes back as the agent's saved application (its
    form and pages), continued at the next visit; the register refuses the principal again at once, the agent
    corrects it, and the case goes with everything else kept."""
    provisional = _agent_offline_with_a_mistyped_principal(services, sandbox)
    outbox = services.queue.outbox
    wait_for(lambda: services.backend.drafts(AGENT_ID), "the refused case kept as a draft")  # queued after the refusal
    (dead,) = outbox.items(("dead",))
    assert dead.provisional_number == provisional and dead.has_payload  # the dead letter stays for staff
    (kept,) = services.backend.drafts(AGENT_ID)
    assert kept["service_code"] == "JZ-002" and kept["agent"]["id_number"] == AGENT_ID
    assert kept["applicant"]["name"] == WRONG_NAME and kept["form"] == FORMS["JZ-002"] and kept["attachments"]
    assert not any(a["name"] == "signature.png" for a in kept["attachments"])  # signed again
    session = services.new_citizen_session()
    identify(session)
    session.resume_draft(kept["draft_id"])
    assert session.step in (Step.MATERIALS, Step.FORM), session.notice
    provide_materials(session)  # the pages kept; signed again
    session.confirm()
    assert session.step is Step.PRINCIPAL and session.correcting_principal
    session.submit_principal(PRINCIPAL_ID, "李样例")
    session.confirm()
    assert session.receipt is not None and not session.receipt.provisional, session.notice
    body = sandbox.store.case_body(session.receipt.case_number)
    assert body["applicant"]["name"] == "李样例" and body["form"] == FORMS["JZ-002"]
    wait_for(lambda: not outbox.items(("pending",)), "the draft's deletion behind the case")
    assert services.backend.drafts(AGENT_ID) == []
    # both refusals of the application were put right: the one on arrival (its draft carried the application's id)
    # and the one heard today; neither is listed as the agent's refused application, each still there by its number
    with sandbox.store.tx() as db:
        refused_id = db.execute("SELECT application_id FROM refusals WHERE provisional_number = ?",
                                (provisional,)).fetchone()[0]
    assert kept["application_id"] == refused_id and len(refused_id) == 32
    assert sandbox.store.refusals.of_person(AGENT_ID) == []
    assert sandbox.store.refusals.of(provisional)["code"] == "principal_not_registered"
