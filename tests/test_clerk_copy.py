"""A past decision's A4 document printed again at the window, by its case number (kiosk/workflows/clerk_copy.py),
made from the sandbox's record of the decision (GET /cases/{n}/decision), printed on the simulated A4 printer."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common import provisional
from common.backend_errors import ServerError
from devices.idcard.samples import sample_identity
from kiosk.backend.codec import decision_from_json
from kiosk.refusal_reasons import RefusalReason, from_record, Refusal
from kiosk.workflows.clerk import Desk
from kiosk.workflows.clerk_copy import number_typed
from tests.test_clerk_case import checking
from tests.queue_helpers import payload
from tests.test_clerk_refusal import decisions, pdf_words

ID_NUMBER = "330106199003071236"  # the sample resident card


def _pdfs(services):
    return sorted(services.devices.document_printer.output_dir.glob("*.pdf"), key=lambda p: p.stat().st_mtime)


def _audited(services, action):
    return [e["detail"] for e in services.audit.recent if e["action"] == action]


def test_an_acceptance_notice_the_printer_jammed_is_printed_again_after_the_applicant_went(services, sandbox):
    desk = checking(services)
    documents = services.devices.document_printer
    documents.inject("jam")
    desk.accept()
    number = desk.result
    assert desk.step is Desk.DONE and desk.unprinted is not None and not _pdfs(services)
    (decided,) = decisions(sandbox, number)
    assert decided["received"] == ["M1"]  # what the clerk received, recorded with the decision for its copy
    assert not desk.can_print_copy()  # an applicant in hand: a copy is no applicant's matter
    desk.next_applicant()
    assert desk.unprinted is None and desk.can_print_copy()
    documents.inject("clear")
    desk.print_copy(f"  {number.lower()} ")  # typed as a clerk types it
    assert desk.step is Desk.WAITING and not desk.notice.error and desk.identity is None
    assert desk.notice.message.render("en") == f"A copy of the Acceptance Notice of case {number} is printed."
    (pdf,) = _pdfs(services)
    words = pdf_words(pdf)
    assert "受理通知书" in words and f"办件编号：{number}" in words and "张*" in words and ID_NUMBER not in words
    assert "3301**********1236" in words and "陈示范（工号 XH0001）" in words
    assert "居民身份证" in words  # the material received (M1), from the decision's record
    assert f"{dt.date.today():%Y-%m-%d} 依据业务系统中本决定的记录补打的副本" in words
    assert _audited(services, "decision_copy_printed") == [f"acceptance-{number}-copy"]


def test_a_decision_not_to_accept_is_copied_in_the_windows_language_with_its_reason(services, sandbox):
    from common.i18n import set_language

    desk = checking(services)
    desk.refuse(RefusalReason.NOT_OUR_REMIT, "请向市市场监管局申请")
    number = desk.result
    desk.next_applicant()
    set_language("en")
    try:
        desk.print_copy(f"OTR1:{number}")  # the receipt's code, typed by a wedge scanner
    finally:
        set_language("zh_CN")
    assert not desk.notice.error, desk.notice.message.render("en")
    words = " ".join(pdf_words(_pdfs(services)[-1]).split())
    assert "Decision Not to Accept" in words and f"Case number: {number}" in words
    assert "not, by law, within the remit of this office" in words and "请向市市场监管局申请" in words


def test_what_cannot_be_copied_is_said_plainly_and_nothing_prints(services, sandbox):
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    desk.print_copy("not a number")
    assert desk.notice.error and desk.notice.message.render("en").startswith("That is not a case or notice number.")
    desk.print_copy("SQ2099010100001")
    assert desk.notice.error and desk.notice.message.render("en") == "No copy was printed: No such case"
    kiosk_case = sandbox.store.cases_of(ID_NUMBER)[0]["case_number"]  # filed at a kiosk: no window decision
    desk.print_copy(kiosk_case)
    assert desk.notice.message.render("en") == \
        "No copy was printed: No window decision is recorded for this case"
    sandbox.faults.set("down")
    desk.print_copy(kiosk_case)
    sandbox.faults.clear()
    assert desk.step is Desk.WAITING and desk.notice.error and not _pdfs(services)
    assert len(_audited(services, "decision_copy_failed")) == 3


def test_a_case_found_incomplete_has_no_copy_here_its_notice_is_issued_again(services, sandbox):
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    # a case the service system holds decided incomplete (the contract allows it; this window issues notices
    # before any case): its paper is the one-time notice
    case = sandbox.store.cases_of(ID_NUMBER)[0]["case_number"]
    with sandbox.store.tx() as db:
        db.execute("INSERT INTO decisions VALUES (?, ?)", (case, '{"decision": "incomplete", "staff_id": "XH0001", '
                                                                 '"at": "2026-12-01T10:00:00+08:00"}'))
    desk.print_copy(case)
    assert desk.step is Desk.WAITING and not desk.notice.error
    assert desk.notice.message.render("en").startswith(f"Case {case} was found incomplete: its paper is the one-time")
    assert not _pdfs(services) and not _audited(services, "decision_copy_printed")


GOOD = {"case_number": "SQ2026120100001", "decision": "accepted", "decided_by": "XH0001", "decided_by_name": "陈示范",
        "decided_at": "2026-12-01T10:00:00+08:00", "service_code": "SB-003", "applicant_masked_name": "张**",
        "applicant_masked_id": "3301**********1236", "company": None, "received": ["M1"], "legal_reason": "",
        "note": ""}


@pytest.mark.parametrize("change", [
    {"case_number": "SQ2026120100002"},  # another case's
    {"applicant_masked_name": "张测试"},  # named in full
    {"applicant_masked_id": "330106199003071236"},
    {"decision": "approved"},
    {"decided_at": "2026-12-01T10:00:00"},  # no offset
    {"decided_at": "yesterday"},
    {"decided_by": "<script>"},
    {"received": ["M1", 7]},
    {"received": "M1"},
    {"company": {"credit_code": "91330000000000000X", "name_zh": "某公司"}},  # not a valid credit code
    {"notice_number": "GZ2026139900001"}, {"hall_id": "x" * 33}, {"hall_id": "\x00"},
])
def test_a_hostile_or_broken_record_is_refused_not_printed(change):
    with pytest.raises(ServerError):
        decision_from_json({**GOOD, **change}, "SQ2026120100001")


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(changes=st.dictionaries(st.sampled_from(sorted(GOOD)), JSON, max_size=4))
def test_any_record_reads_as_a_masked_record_or_a_server_error(changes):
    from kiosk.progress import masked_person

    try:
        record = decision_from_json({**GOOD, **changes}, "SQ2026120100001")
    except ServerError as exc:
        assert exc.detail.startswith(("decision:", "field", "missing", "bad timestamp", "expected"))
        return
    assert masked_person(record.masked_name, record.masked_id) is not None
    assert record.case_number == "SQ2026120100001" and record.decided_at.tzinfo is not None
    assert all(isinstance(code, str) for code in record.received)


def test_a_record_reads_by_its_case_or_the_provisional_number_it_carried():
    record = decision_from_json(GOOD, "SQ2026120100001")
    assert record.masked_name == "张**" and record.received == ("M1",) and record.has_document
    carried = {**GOOD, "provisional_number": "P-ZJ-HZ-T001-20261201-00041-C"}
    assert decision_from_json(carried, "P-ZJ-HZ-T001-20261201-00041-C").case_number == "SQ2026120100001"
    assert number_typed(" sq2026120100001") == "SQ2026120100001"
    carried = provisional.make("ZJ-HZ-T001", dt.date(2026, 12, 1), 41)
    assert number_typed(carried.lower()) == carried and number_typed(f"OTR1:{carried}") == carried
    assert number_typed("OTR1:SQ2026120100001\r\n") == "SQ2026120100001"  # a wedge's line ending
    assert number_typed("OTL1:SQ2026120100001") is None and number_typed("") is None


def test_a_refusals_record_gives_back_its_reason_or_stands_as_written():
    for reason in RefusalReason:
        refusal = Refusal.of(reason, "a note" if reason is RefusalReason.OTHER else "")
        assert from_record(refusal.legal_reason(), refusal.note) == refusal
    written = from_record("依据某条例不予受理")
    assert written.reason is RefusalReason.OTHER and written.statement("en") == "Other reason: 依据某条例不予受理"


def test_the_backend_takes_received_codes_of_the_service_only_and_shows_decisions_to_clerks_only(services, sandbox):
    from common.backend_errors import RejectedError

    desk = checking(services)
    desk.accept()
    number, backend = desk.result, services.backend
    clerk = backend.staff_sign_in("XH0003", "demo-XH0003")["token"]
    upkeep = backend.staff_sign_in("XH0004", "demo-XH0004")["token"]  # maintenance staff, no clerk
    assert backend.decision_of(number, clerk).received == ("M1",)  # another clerk of the hall reads it
    with pytest.raises(RejectedError) as refused:
        backend.decision_of(number, upkeep)
    assert refused.value.code == "not_a_clerk"
    body, key = payload(backend, code="SB-003")
    body["terminal_id"] = services.config.terminal.id
    fresh = backend.submit_payload(body, key, []).case_number  # submitted, not yet decided
    with pytest.raises(RejectedError) as refused:
        backend.decide(fresh, clerk, "accepted", received=["M1", "NOPE"])
    assert refused.value.code == "unknown_material" and sandbox.store.case(fresh)["status"] == "submitted"
    backend.decide(fresh, clerk, "accepted", received=["M1"])
    recorded = backend.decision_of(fresh, clerk)
    assert (recorded.clerk_id, recorded.clerk_name, recorded.received) == ("XH0003", "何样例", ("M1",))


def test_a_copy_the_printer_jams_on_is_said_audited_and_asked_again(services, sandbox):
    desk = checking(services)
    desk.accept()
    number = desk.result
    desk.next_applicant()
    documents = services.devices.document_printer
    before = len(_pdfs(services))
    documents.inject("jam")
    desk.print_copy(number)
    assert desk.step is Desk.WAITING and desk.notice.error and desk.can_print_copy()
    assert desk.notice.message.render("en").startswith("No copy was printed: ")
    assert len(_pdfs(services)) == before and _audited(services, "decision_copy_failed") == ["DocumentPrintError"]
    documents.inject("clear")
    desk.print_copy(number)
    assert not desk.notice.error and len(_pdfs(services)) == before + 1
