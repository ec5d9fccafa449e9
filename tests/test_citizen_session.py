"""The citizen's session without Qt: the sandbox backend over HTTP and a simulated printer."""

import time

import pytest


from common.domain import RatingReason
from devices.idcard.samples import sample_identity
from devices.receipt.virtual import render
from common import provisional
from kiosk.app import build_services
from kiosk.tasks import SyncTaskRunner
from kiosk.workflows.citizen import Step
from tests.citizen_steps import identify, walk_to_confirm


class Deferred(SyncTaskRunner):
    """A task runner that holds tasks until the test releases them (to test late results)."""

    def __init__(self):
        self.pending = []

    def run(self, fn, on_done, on_error):
        self.pending.append((fn, on_done, on_error))

    def release(self):
        while self.pending:
            SyncTaskRunner().run(*self.pending.pop(0))



def test_the_whole_journey_prints_a_receipt_with_the_case_number(services, sandbox):
    session = services.new_citizen_session()
    steps = []
    session.subscribe(lambda s: steps.append(s.step))
    walk_to_confirm(session)
    session.confirm()
    assert session.step is Step.DONE and not session.notice.error
    number = session.receipt.case_number
    assert sandbox.store.case(number)["service_code"] == "GT-001"
    printer = services.devices.receipt_printer
    page = render(printer.last_bytes, printer.profile)
    assert f"办件编号：{number}" in page.lines
    assert "申请人：张**（3301**********1236）" in page.lines
    assert page.qr_codes == [f"OTR1:{number}"]
    assert steps[:5] == [Step.CONSENT, Step.READ_CARD, Step.IDENTIFIED, Step.IDENTIFIED, Step.CHOOSE_SERVICE]
    assert sandbox.store.case_body(number)["form"] == {"business_scope": "日用百货零售", "phone": "13800000001"}
    session.finish()
    assert session.step is Step.HOME and session.identity is None and session.receipt is None


def test_an_expired_card_is_refused_with_a_reason(services):
    session = services.new_citizen_session()
    identify(session, sample_identity("expired"))
    assert session.step is Step.READ_CARD and "过有效期" in session.notice.message.render()
    assert session.identity is None


def test_backend_down_accepts_offline_and_delivers_later_exactly_once(services, sandbox):
    session = services.new_citizen_session()
    walk_to_confirm(session)
    sandbox.faults.set("error")
    session.confirm()
    assert session.step is Step.DONE and session.receipt.provisional
    number = session.receipt.case_number
    assert provisional.is_valid(number) and "不需要再跑" in session.notice.message.render()
    printer = services.devices.receipt_printer
    lines = render(printer.last_bytes, printer.profile).lines
    assert f"临时编号：{number}" in lines and printer.last_bytes.count(b"OTR1:" + number.encode()) == 1
    sandbox.faults.clear()
    deadline = time.monotonic() + 20
    # Delivered means both: the backend has the case, and the terminal has recorded its answer.
    while sandbox.store.case_by_provisional(number) is None or services.queue.outbox.items(("pending",)):
        assert time.monotonic() < deadline, "the queued case was not delivered"
        time.sleep(0.1)
    (item,) = services.queue.outbox.items()
    assert item.state == "delivered" and not item.has_payload
    assert item.case_number == sandbox.store.case_by_provisional(number)["case_number"]


def test_printer_out_of_paper_still_shows_the_case_number(services):
    services.devices.receipt_printer.inject("paper_out")
    session = services.new_citizen_session()
    walk_to_confirm(session)
    session.confirm()
    assert session.step is Step.DONE and session.receipt is not None
    assert session.notice.error and "缺纸" in session.notice.message.render()


def test_a_result_after_a_timeout_is_dropped_and_the_session_is_wiped(sandbox, make_config):
    deferred = Deferred()
    built = build_services(make_config(sandbox.url), deferred)
    session = built.new_citizen_session()
    identity = sample_identity("resident")
    photo = identity.photo
    identify(session, identity)
    assert built.masker.mask("张测试") == "张**"
    session.continue_to_services()
    session.timeout()
    deferred.release()  # the catalogue arrives after the citizen walked away
    assert session.step is Step.HOME and session.catalogue == []
    assert identity.id_number == "" and len(photo) == 0
    assert built.masker.mask("张测试") == "张测试"
    built.stop()


def test_a_ready_licence_prints_once_and_a_jam_leaves_it_printable(services, sandbox):
    session = services.new_citizen_session()
    printer = services.devices.document_printer
    printer.inject("jam")
    identify(session, purpose="licence")
    assert session.step is Step.LICENCES
    (licence,) = session.licences
    assert licence["case_number"] == "SQ2026112000007"
    session.preview_licence(licence["licence_id"])
    assert session.step is Step.LICENCE_PREVIEW and bytes(session.licence_preview.pdf).startswith(b"%PDF")
    session.print_licence()
    assert session.step is Step.LICENCES and "卡纸" in session.notice.message.render()
    assert sandbox.store.case("SQ2026112000007")["status"] == "ready"  # released, still printable
    printer.inject("clear")
    session.preview_licence(licence["licence_id"])
    session.print_licence()
    assert session.step is Step.DONE and "证照已打印" in session.notice.message.render()
    assert sandbox.store.case("SQ2026112000007")["status"] == "collected"
    pdfs = list((services.config.data_dir / "printouts").glob("*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].read_bytes().startswith(b"%PDF")
    session.finish()
    identify(session, purpose="licence")
    assert session.licences == [] and "暂时没有" in session.notice.message.render()


def test_rating_the_service_once_with_a_reason_for_low_levels(services, sandbox):
    session = services.new_citizen_session()
    walk_to_confirm(session)
    session.confirm()
    assert session.can_rate()
    session.choose_rating(2)  # a low rating without a reason is not sent
    assert session.rating is None and session.rating_low == 2
    session.give_reason(RatingReason.STAFF_ATTITUDE)  # not a kiosk's reason: still asking
    assert session.rating is None and session.rating_low == 2
    session.rating_comment("  排队  太久 ")
    session.give_reason(RatingReason.LONG_WAIT)
    assert session.rating == 2 and not session.can_rate()
    assert "感谢" in session.notice.message.render()
    session.choose_rating(5)  # once per case
    assert session.rating == 2
    stored = sandbox.store.evaluations.by_key("case_number", session.receipt.case_number)
    assert (stored["level"], stored["reason_code"], stored["comment"]) == (2, "long_wait", "排队 太久")


def test_the_government_app_code_identifies_the_citizen(services):
    session = services.new_citizen_session()
    session.code_scanned("ZLBID1:ZLB-CQTJKSZPRFK5CKNC7JBD4R6C")
    assert session.step is Step.CONSENT and session.identity is None  # nothing is resolved before agreeing
    session.agree_consent()
    assert session.step is Step.IDENTIFIED
    assert session.identity.name == "张测试" and session.identity.card_type.value == "app_token"
    session.finish()
    session.code_scanned("ZLBID1:ZLB-NOTAREALTOKEN0000000000")
    session.agree_consent()
    assert session.step is Step.READ_CARD and "刷新" in session.notice.message.render()


def test_a_receipt_code_shows_progress(services, sandbox):
    session = services.new_citizen_session()
    session.code_scanned("OTR1:SQ2026112000007\r\n")
    assert session.step is Step.PROGRESS and session.progress["status"] == "ready"
    session.finish()
    from common import provisional as prov
    import datetime as dt
    pending = prov.make("ZJ-HZ-T009", dt.date(2026, 11, 27), 7)
    session.code_scanned(f"OTR1:{pending}")
    assert session.step is Step.PROGRESS and session.progress["pending"]


@pytest.mark.parametrize("scanned, says", [
    ("https://example.com/pay", "无法在此使用"),
    ("OTR1:SQ123", "无效"),
    ("\x00\x01binary", "不是本系统"),
    ("x" * 5000, "不是本系统"),
])
def test_anything_else_gets_a_plain_message_and_nothing_is_opened(services, scanned, says):
    session = services.new_citizen_session()
    session.code_scanned(scanned)
    assert session.step is Step.HOME and says in session.notice.message.render()


def test_a_licence_is_shown_before_printing_and_backing_out_keeps_it_printable(services, sandbox):
    session = services.new_citizen_session()
    identify(session, purpose="licence")
    (licence,) = session.licences
    session.preview_licence(licence["licence_id"])
    preview = session.licence_preview
    session.cancel_preview()
    assert session.step is Step.LICENCES and session.licence_preview is None and len(preview.pdf) == 0
    assert sandbox.store.case("SQ2026112000007")["status"] == "ready"  # nothing printed, nothing consumed
    session.preview_licence(licence["licence_id"])  # the ticket was released: a new one is handed out
    assert session.step is Step.LICENCE_PREVIEW
    session.finish()  # walked away from the preview: released again, still printable
    identify(session, purpose="licence")
    assert [item["licence_id"] for item in session.licences] == [licence["licence_id"]]


def test_the_preview_draws_the_licences_first_page(qapp, services):
    import base64

    from ui.screens.licence_preview import PAGE_HEIGHT, first_page
    session = services.new_citizen_session()
    identify(session, purpose="licence")
    ticket = services.backend.print_ticket(session.licences[0]["licence_id"])
    pixmap = first_page(base64.b64decode(ticket["document_pdf_base64"]))
    assert pixmap is not None and pixmap.height() == PAGE_HEIGHT and pixmap.width() > 200
    assert first_page(b"%PDF-1.4 broken") is None
    services.backend.release_ticket(ticket["ticket_id"])


def test_a_licence_print_queued_behind_another_job_is_not_printed_once_the_session_has_ended(services, sandbox):
    """One print worker serves both printers, so a licence's job may wait behind a receipt printer waiting out its
    timeout. A session ended meanwhile (the idle timeout) released the ticket and zeroed the preview: the job then
    prints nothing (not an empty file, nor the licence for nobody to take), and the licence stays printable."""
    session = services.new_citizen_session()
    identify(session, purpose="licence")
    (licence,) = session.licences
    session.preview_licence(licence["licence_id"])
    held = session._print_tasks = Deferred()
    session.print_licence()
    session.timeout()  # the citizen walked away while the job waited
    assert session.licence_preview is None
    held.release()
    assert list((services.config.data_dir / "printouts").glob("*.pdf")) == []
    assert sandbox.store.case(licence["case_number"])["status"] == "ready"
    again = services.new_citizen_session()
    identify(again, purpose="licence")
    assert [item["licence_id"] for item in again.licences] == [licence["licence_id"]]
