"""A one-time notice printed again at the window, by its number (kiosk/workflows/clerk_copy.py), made from the
sandbox's record of it (GET /notices/{number}): a window's notice names its clerk, a kiosk's names none."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.backend_errors import AuthError, RejectedError, ServerError
from devices.idcard.samples import sample_identity
from kiosk.backend.codec import notice_from_json
from kiosk.progress import masked_person
from kiosk.workflows.clerk import Desk
from kiosk.workflows.clerk_copy import number_typed
from tests.test_clerk_company import COMPANY, UNKNOWN, for_company
from tests.test_clerk_copy import JSON, _audited, _pdfs
from tests.queue_helpers import payload
from tests.test_clerk_refusal import pdf_words
from tests.window_steps import desk_checking

ID_NUMBER = "330106199003071236"  # the sample resident card


def _notice_row(sandbox, number):
    with sandbox.store.tx() as db:
        return dict(db.execute("SELECT * FROM notices WHERE number = ?", (number,)).fetchone())


def test_a_windows_notice_the_printer_jammed_is_printed_again_by_its_number_naming_its_clerk(services, sandbox):
    desk = desk_checking(services, "GJJ-004")
    desk.mark("M1", True)
    documents = services.devices.document_printer
    documents.inject("jam")
    desk.issue_notice()
    number = desk.result
    assert number.startswith("GZ") and desk.unprinted is not None and not _pdfs(services)
    assert _notice_row(sandbox, number)["issued_by"] == "XH0001"  # the clerk's sign-in went with it
    desk.next_applicant()
    documents.inject("clear")
    desk.print_copy(f" {number.lower()}")
    assert desk.step is Desk.WAITING and not desk.notice.error and desk.identity is None
    assert desk.notice.message.render("en") == f"A copy of one-time notice {number} is printed."
    (pdf,) = _pdfs(services)
    words = pdf_words(pdf)
    assert "一次性告知书" in words and f"告知书编号：{number}" in words and "3301**********1236" in words
    assert ID_NUMBER not in words and "告知人：陈示范（工号 XH0001）" in words
    assert "购房合同" in words and "购房发票" in words and "本人银行卡" in words and "居民身份证" not in words
    assert f"{dt.date.today():%Y-%m-%d} 依据业务系统中本告知书的记录补打的副本" in words
    assert _audited(services, "decision_copy_printed") == [f"notice-{number}-copy"]


def test_a_kiosks_notice_is_copied_in_english_as_a_terminals_naming_no_clerk(services, sandbox):
    from common.i18n import set_language

    number = services.backend.issue_notice("GJJ-004", ID_NUMBER, ["M2", "M3"])["number"]
    assert _notice_row(sandbox, number)["issued_by"] == ""
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    set_language("en")
    try:
        desk.print_copy(number)
    finally:
        set_language("zh_CN")
    assert not desk.notice.error, desk.notice.message.render("en")
    words = " ".join(pdf_words(_pdfs(services)[-1]).split())
    assert "One-Time Notice" in words and f"Notice number: {number}" in words
    assert "Issued by: a self-service terminal" in words and "staff id" not in words
    assert "from the service system's record of this notice" in words


def test_a_companys_notice_names_the_company_on_its_copy(services, sandbox):
    desk = for_company(desk_checking(services, "BDC-005"))
    assert desk.company is not None and desk.missing()
    desk.issue_notice()
    number = desk.result
    assert desk.step is Desk.DONE and number.startswith("GZ")
    recorded = services.backend.notice_of(number, desk.staff["token"])
    assert recorded.company is not None and recorded.company[1] == COMPANY and recorded.clerk_id == "XH0001"
    desk.next_applicant()
    desk.print_copy(number)
    assert not desk.notice.error, desk.notice.message.render("en")
    assert COMPANY in pdf_words(_pdfs(services)[-1])


def test_a_case_found_incomplete_names_its_notice_and_that_number_prints_it(services, sandbox):
    backend = services.backend
    clerk = backend.staff_sign_in("XH0001", "demo-XH0001")["token"]
    body, key = payload(backend, code="SB-003")
    body["terminal_id"] = services.config.terminal.id
    case = backend.submit_payload(body, key, []).case_number  # submitted, not yet decided
    notice = backend.issue_notice("SB-003", ID_NUMBER, ["M1"], case_number=case, staff_token=clerk)
    backend.decide(case, clerk, "incomplete", notice_id=notice["notice_id"])
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    desk.print_copy(case)
    assert desk.step is Desk.WAITING and not desk.notice.error and not _pdfs(services)
    assert desk.notice.message.render("en") == (f"Case {case} was found incomplete: its paper is one-time notice "
                                                f"{notice['number']}. Type that number to print it again.")
    desk.print_copy(notice["number"])
    assert not desk.notice.error and len(_pdfs(services)) == 1


def test_the_backend_shows_notices_to_clerks_only_and_takes_a_valid_sign_in_and_company(services, sandbox):
    backend = services.backend
    number = backend.issue_notice("GJJ-004", ID_NUMBER, ["M2"])["number"]
    upkeep = backend.staff_sign_in("XH0004", "demo-XH0004")["token"]  # maintenance staff, no clerk
    with pytest.raises(RejectedError) as refused:
        backend.notice_of(number, upkeep)
    assert refused.value.code == "not_a_clerk"
    clerk = backend.staff_sign_in("XH0003", "demo-XH0003")["token"]
    with pytest.raises(RejectedError) as refused:
        backend.notice_of("GZ2099010100001", clerk)
    assert refused.value.code == "notice_not_found"
    with pytest.raises(AuthError):
        backend.issue_notice("GJJ-004", ID_NUMBER, ["M2"], staff_token="not-a-sign-in")
    for code, why in ((COMPANY[:-1] + ("0" if COMPANY[-1] != "0" else "1"), "bad_credit_code"),
                      (UNKNOWN, "company_not_found")):
        with pytest.raises(RejectedError) as refused:
            backend.issue_notice("GJJ-004", ID_NUMBER, ["M2"], credit_code=code)
        assert refused.value.code == why
    with sandbox.store.tx() as db:
        assert db.execute("SELECT COUNT(*) FROM notices").fetchone()[0] == 1  # nothing refused was recorded


def test_a_notice_asked_again_under_its_key_is_the_one_recorded_with_a_company_too(services, sandbox):
    backend = services.backend
    first = backend.issue_notice("BDC-005", ID_NUMBER, ["M2"], credit_code=COMPANY, idempotency_key="key-notice-01")
    again = backend.issue_notice("BDC-005", ID_NUMBER, ["M2"], credit_code=COMPANY, idempotency_key="key-notice-01")
    assert again["number"] == first["number"]
    with pytest.raises(RejectedError) as refused:  # the same key, another company: other content
        backend.issue_notice("BDC-005", ID_NUMBER, ["M2"], idempotency_key="key-notice-01")
    assert refused.value.code == "idempotency_conflict"


def test_a_notice_listing_what_the_service_no_longer_lists_is_not_copied(services, sandbox):
    number = services.backend.issue_notice("GJJ-004", ID_NUMBER, ["M2"])["number"]
    with sandbox.store.tx() as db:
        db.execute("UPDATE notices SET body = json_set(body, '$.missing', json('[\"M9\"]')) WHERE number = ?",
                   (number,))
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    desk.print_copy(number)
    assert desk.notice.error and desk.notice.message.render("en").startswith("No copy was printed: ")
    assert not _pdfs(services) and _audited(services, "decision_copy_failed") == ["ServerError"]


def test_a_notice_number_is_typed_as_a_case_number_is():
    assert number_typed(" gz2026120100003\r\n") == "GZ2026120100003"
    assert number_typed("GZ2026130100003") is None  # no thirteenth month
    assert number_typed("GZ202612010003") is None


GOOD = {"number": "GZ2026120100003", "issued_at": "2026-12-01T10:00:00+08:00", "service_code": "GJJ-004",
        "applicant_masked_name": "张**", "applicant_masked_id": "3301**********1236", "missing": ["M2", "M3"],
        "company": None, "case_number": None, "issued_by": "XH0001", "issued_by_name": "陈示范"}


@pytest.mark.parametrize("change", [
    {"number": "GZ2026120100004"},  # another notice's
    {"applicant_masked_name": "张测试"},  # named in full
    {"applicant_masked_id": "330106199003071236"},
    {"applicant_masked_id": ""},
    {"issued_at": "2026-12-01T10:00:00"},  # no offset
    {"issued_at": "NaN"},
    {"issued_by": "<script>"},
    {"missing": []},  # a notice lists something
    {"missing": ["M2", 7]},
    {"missing": "M2"},
    {"company": {"credit_code": "91330000000000000X", "name_zh": "某公司"}},  # not a valid credit code
    {"hall_id": "x" * 33}, {"hall_id": "330106\nXH"}, {"hall_id": 7},
])
def test_a_hostile_or_broken_notice_record_is_refused_not_printed(change):
    with pytest.raises(ServerError):
        notice_from_json({**GOOD, **change}, "GZ2026120100003")


def test_a_notice_record_with_no_name_on_record_or_from_a_kiosk_reads():
    record = notice_from_json({**GOOD, "applicant_masked_name": "", "issued_by": "", "issued_by_name": ""},
                              "GZ2026120100003")
    assert (record.masked_name, record.masked_id, record.clerk_id) == ("", "3301**********1236", "")
    assert record.missing == ("M2", "M3") and record.issued_at.tzinfo is not None


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(changes=st.dictionaries(st.sampled_from(sorted(GOOD)), JSON, max_size=4))
def test_any_notice_record_reads_as_a_masked_record_or_a_server_error(changes):
    try:
        record = notice_from_json({**GOOD, **changes}, "GZ2026120100003")
    except ServerError as exc:
        assert exc.detail.startswith(("notice:", "field", "missing", "bad timestamp", "expected"))
        return
    assert masked_person(record.masked_name, record.masked_id, name_known=False) is not None
    assert record.number == "GZ2026120100003" and record.issued_at.tzinfo is not None and record.missing
    assert all(isinstance(code, str) for code in record.missing)


def _moved_to_another_hall(sandbox, table, value):
    """The record made at a terminal the sandbox knows enrolled in another hall."""
    sandbox.store.touch_terminal("ZJ-HZ-T099", {"hall_id": "330106-XH-02", "mode": "window", "version": "1"})
    with sandbox.store.tx() as db:
        if table == "notices":
            db.execute("UPDATE notices SET terminal_id = 'ZJ-HZ-T099' WHERE number = ?", (value,))
        else:
            db.execute("UPDATE decisions SET body = json_set(body, '$.terminal_id', 'ZJ-HZ-T099') "
                       "WHERE case_number = ?", (value,))


def test_a_copy_of_what_another_hall_decided_or_issued_is_not_printed_under_this_halls_seal(services, sandbox):
    desk = desk_checking(services, "GJJ-004")
    desk.issue_notice()
    notice = desk.result
    desk.next_applicant()
    desk.card_read(sample_identity("resident"))
    desk.choose_service("SB-003")
    desk.mark("M1", True)
    desk.accept()
    case = desk.result
    desk.next_applicant()
    before = len(_pdfs(services))
    assert services.backend.decision_of(case, desk.staff["token"]).hall_id == services.config.terminal.hall_id
    desk.print_copy(case)  # this hall's own: printed
    assert not desk.notice.error and len(_pdfs(services)) == before + 1
    _moved_to_another_hall(sandbox, "decisions", case)
    _moved_to_another_hall(sandbox, "notices", notice)
    desk.print_copy(case)
    assert desk.notice.error and desk.notice.message.render("en") == (
        f"Case {case} was decided at another service hall (330106-XH-02): a copy of its document is printed there, "
        "under that hall's seal.")
    desk.print_copy(notice)
    assert desk.notice.error and desk.notice.message.render("en") == (
        f"One-time notice {notice} was issued at another service hall (330106-XH-02): a copy is printed there, "
        "under that hall's seal.")
    assert len(_pdfs(services)) == before + 1 and desk.step is Desk.WAITING and desk.can_print_copy()
    assert _audited(services, "decision_copy_failed") == [f"other_hall {case}", f"other_hall {notice}"]
