"""Not accepting at the window (不予受理), and the window's A4 documents, against the sandbox and a real CUPS PDF
printer (scripts/test-services.sh) or the simulated one: the decision recorded once with its legal reason, the
document printed (again after a failure, never decided twice), audited masked, nothing left after the applicant."""

import datetime as dt
import os
import pwd
import subprocess
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from devices.idcard.samples import sample_identity
from kiosk.refusal_reasons import Refusal, RefusalReason
from kiosk.window_documents import RefusalDecision, render
from kiosk.workflows.clerk import Desk
from tests.window_steps import desk_checking

ID_NUMBER, NAME = "330106199003071236", "张测试"  # the sample resident card
CUPS_OUTPUT = Path(pwd.getpwuid(os.getuid()).pw_dir) / "PDF"  # cups-pdf writes to the job owner's ~/PDF


def build(sandbox, make_config, **devices):
    from kiosk.app import build_services
    from kiosk.tasks import SyncTaskRunner

    built = build_services(make_config(sandbox.url, devices=devices), SyncTaskRunner())
    built.start()
    return built


@pytest.fixture
def cups_services(sandbox, make_config):
    built = build(sandbox, make_config, document_printer={"type": "cups", "printer": "OneTrip-A4", "timeout_s": 20})
    yield built
    built.stop()


def checking(services, service="GJJ-004"):
    return desk_checking(services, service)


def _queue_sent(services) -> None:
    """The sync worker nudged until nothing is pending (30 s at most)."""
    deadline = time.monotonic() + 30
    while services.queue.outbox.items(("pending",)):
        assert time.monotonic() < deadline, "the queue did not deliver within 30 s"
        services.queue.sync.notify()
        time.sleep(0.05)


def _expire_sign_ins(sandbox, at: float) -> None:
    with sandbox.store.tx() as db:
        db.execute("UPDATE staff_sessions SET expires = ?", (at,))


def decisions(sandbox, case_number):
    import json

    with sandbox.store.tx() as db:
        return [json.loads(row["body"]) for row in
                db.execute("SELECT body FROM decisions WHERE case_number = ?", (case_number,))]


def pdf_words(pdf: Path | bytes) -> str:
    source, data = ("-", pdf) if isinstance(pdf, bytes) else (str(pdf), None)
    return subprocess.run(["pdftotext", source, "-"], input=data, capture_output=True, check=True,
                          timeout=30).stdout.decode()


def raster(pdf: bytes) -> np.ndarray:
    """The first page in grey at 50 dpi (poppler's pdftoppm), as floats."""
    png = subprocess.run(["pdftoppm", "-r", "50", "-gray", "-png", "-singlefile", "-"], input=pdf,
                         capture_output=True, check=True, timeout=60).stdout
    return cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE).astype(np.float32)


def listed() -> set[tuple[Path, int]]:
    return {(p, p.stat().st_mtime_ns) for p in CUPS_OUTPUT.glob("*.pdf")}


def printed_by_cups(title: str, earlier: set[tuple[Path, int]]) -> Path:
    """The complete printout titled `title` that cups-pdf wrote since `earlier` was listed: every fresh sandbox
    numbers its first case alike, so an earlier test's file of the same title is not this one."""
    deadline = time.monotonic() + 30
    while True:
        done = [
            p for p in CUPS_OUTPUT.glob(f"{title}*.pdf")
            if (p, p.stat().st_mtime_ns) not in earlier and p.read_bytes().rstrip().endswith(b"%%EOF")
        ]
        if done:
            return done[0]
        assert time.monotonic() < deadline, f"cups-pdf wrote no complete {title} to {CUPS_OUTPUT}"
        time.sleep(0.2)


def test_a_refusal_is_recorded_with_its_legal_reason_and_its_decision_comes_out_of_cups(cups_services, sandbox):
    earlier = listed()
    desk = checking(cups_services)
    desk.refuse(RefusalReason.NOT_OUR_REMIT)
    assert desk.step is Desk.DONE and not desk.notice.error and desk.unprinted is None
    number = desk.result
    assert number.startswith("SQ") and sandbox.store.case(number)["status"] == "not_accepted"
    (decision,) = decisions(sandbox, number)
    assert decision["decision"] == "not_accepted" and decision["staff_id"] == "XH0001"
    assert "不属于本机关职权范围" in decision["legal_reason"] and "第三十二条" in decision["legal_reason"]
    # what the desk sent: the same decision rendered again (its words read here; cups-pdf's Ghostscript drops the
    # font's ToUnicode map, so the printout itself is compared by its pixels)
    sent = render(RefusalDecision(desk._matter(), number, Refusal.of(RefusalReason.NOT_OUR_REMIT)), "zh_CN")
    words = "".join(pdf_words(sent).split())
    assert "不予受理决定书" in words and number in words and "不属于本机关职权范围" in words
    assert "行政复议" in words and "行政诉讼" in words and ID_NUMBER not in words and NAME not in words
    out = printed_by_cups(f"not-accepted-{number}", earlier)
    try:
        printed = raster(out.read_bytes())
    finally:
        out.unlink()  # personal data (masked, but still): nothing stays on disk after the test
    other = render(RefusalDecision(desk._matter(), number, Refusal.of(RefusalReason.NOT_ELIGIBLE)), "zh_CN")
    assert printed.shape == raster(sent).shape == (585, 414)  # A4 at 50 dpi
    # pixels far apart: 6 of 242,190 between the printout and what was sent (Ghostscript's own anti-aliasing), 9,023
    # between it and the same decision with another reason
    same, different = ((np.abs(printed - raster(pdf)) > 96).sum() for pdf in (sent, other))
    assert same < 100 < 2000 < different
    assert desk.can_rate()  # the applicant is offered the rating after the refusal
    audit = cups_services.audit
    audit.flush()
    assert [e["action"] for e in audit.recent][-2:] == ["not_accepted", "document_printed"]
    raw = (cups_services.config.data_dir / "audit" / "trail.jsonl").read_text("utf-8")
    assert ID_NUMBER not in raw and NAME not in raw
    desk.next_applicant()
    assert desk.identity is None and desk.unprinted is None and desk.result == "" and not desk.can_rate()
    assert desk._kept_case is None


def test_a_printer_failure_offers_printing_again_without_a_second_decision(services, sandbox):
    desk = checking(services)
    printer = services.devices.document_printer
    printer.inject("jam")
    desk.refuse(RefusalReason.OTHER, "申请事项已在办理中")
    number = desk.result
    assert desk.step is Desk.DONE and desk.notice.error and desk.unprinted is not None
    said = desk.notice.message.render("zh_CN")
    assert f"已作出不予受理决定：{number}" in said and "不予受理决定书未能打印" in said and "卡纸" in said \
        and "重新打印" in said
    assert not list(printer.output_dir.glob("*.pdf"))
    printer.inject("clear")
    desk.print_again()
    assert desk.step is Desk.DONE and not desk.notice.error and desk.unprinted is None
    (decision,) = decisions(sandbox, number)  # printed again, decided once
    assert decision["legal_reason"] == "其他理由：申请事项已在办理中"
    (pdf,) = printer.output_dir.glob("*.pdf")
    assert "申请事项已在办理中" in pdf_words(pdf)
    desk.print_again()  # nothing left to print
    assert len(list(printer.output_dir.glob("*.pdf"))) == 1


def test_other_needs_a_note_and_a_refusal_while_the_backend_is_away_arrives_decided_behind_its_case(services,
                                                                                                     sandbox):
    """The backend goes away after sign-in: the case waits in the queue, the refusal queued behind it; the applicant
    goes; when the backend is back the sync worker delivers the case, then the decision, in the clerk's name."""
    desk = checking(services)
    desk.refuse(RefusalReason.OTHER, "   ")
    assert desk.step is Desk.CHECKING and desk.notice.error and desk.result == ""
    with sandbox.store.tx() as db:
        before = db.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
    sandbox.faults.set("down")
    desk.refuse(RefusalReason.NOT_ELIGIBLE)
    number = desk.result
    assert desk.step is Desk.DONE and number.startswith("P-") and not desk.notice.error
    said = desk.notice.message.render("en")
    assert number in said and "queue" in said and "in that order" in said
    assert desk.decision == "not_accepted"  # the matter's case cannot be accepted now by a second tap
    (pdf,) = services.devices.document_printer.output_dir.glob("*.pdf")
    words = pdf_words(pdf)
    assert "不予受理决定书" in words and f"临时编号：{number}" in words and ID_NUMBER not in words
    pending = services.queue.outbox.items(("pending",))
    assert len(pending) == 2 and sandbox.store.case_by_provisional(number) is None
    desk.next_applicant()  # the applicant leaves with the decision; nothing of theirs stays at the desk
    sandbox.faults.clear()
    _queue_sent(services)
    assert [item.state for item in services.queue.outbox.items()] == ["delivered", "delivered"]
    case = sandbox.store.case_by_provisional(number)
    assert case["status"] == "not_accepted"  # never seen undecided by anyone but the worker in between
    (decision,) = decisions(sandbox, case["case_number"])
    assert decision["staff_id"] == "XH0001" and decision["decision"] == "not_accepted"
    assert decision["legal_reason"] and decision["decided_at"] and decision["decided_at"] <= decision["at"][:25]
    with sandbox.store.tx() as db:
        assert db.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == before + 1
    services.audit.flush()
    assert [e for e in services.audit.recent if e["action"] == "not_accepted_queued"]


def test_a_case_taken_then_the_backend_gone_before_the_decision_gets_its_refusal_queued(services, sandbox,
                                                                                       monkeypatch):
    """The backend takes the case and is gone when the decision is asked (the one call failing as the client fails
    on a refused connection): the refusal waits in the queue on the case's provisional number, then is recorded."""
    from common.backend_errors import OfflineError

    desk = checking(services)

    def away(*_args, **_kwargs):
        raise OfflineError(detail="test: the backend went away after taking the case")

    monkeypatch.setattr(services.backend, "decide", away)
    desk.refuse(RefusalReason.NOT_OUR_REMIT)
    monkeypatch.undo()
    number = desk.result
    assert desk.step is Desk.DONE and number.startswith("SQ") and not desk.notice.error
    assert "decision waits in this terminal's queue" in desk.notice.message.render("en")
    _queue_sent(services)
    # the case's item, then the refusal's: recorded through the queue (the desk's own call never reached it)
    assert [item.state for item in services.queue.outbox.items()] == ["delivered", "delivered"]
    assert sandbox.store.case(number)["status"] == "not_accepted"
    (decision,) = decisions(sandbox, number)
    assert decision["staff_id"] == "XH0001" and decision["decided_at"]


def test_a_queued_decision_sent_again_is_delivery_and_another_standing_is_refused(services, sandbox):
    """The client's side of a queued decision: on the provisional number; asked again after a lost answer it is an
    answer, a different decision standing is refused (a dead letter in the queue)."""
    from common.backend_errors import RejectedError

    desk = checking(services)
    desk.refuse(RefusalReason.NOT_ELIGIBLE)  # online: decided at once
    case = sandbox.store.case(desk.result)
    body = {"provisional_number": case["provisional_number"], "staff_token": desk.staff["token"],
            "decision": "not_accepted", "legal_reason": "x", "note": "", "decided_at": None}
    assert services.backend.send_decision_payload(body) == {"already_decided": True, "status": "not_accepted"}
    try:
        services.backend.send_decision_payload(dict(body, decision="accepted", legal_reason=""))
    except RejectedError as exc:
        assert exc.code == "already_decided" and exc.fields["status"] == "not_accepted"
    else:
        raise AssertionError("a second, different decision was taken as delivered")
    try:
        services.backend.send_decision_payload(dict(body, staff_token="expired-token"))
    except RejectedError as exc:  # a dead letter, not a retry for ever behind the applicant's later items
        assert exc.code == "staff_auth"
    else:
        raise AssertionError("a decision without a valid staff token was taken")
    assert len(decisions(sandbox, case["case_number"])) == 1


def test_a_refusal_queued_while_the_backend_was_away_arrives_though_the_clerks_sign_in_expired_meanwhile(
        services, sandbox):
    """The backend came back after the clerk's 8 hours' sign-in ended: the queued refusal was a dead letter, the case
    left undecided (session 16's note). The backend checks the token as of the time decided."""
    desk = checking(services)
    sandbox.faults.set("down")
    desk.refuse(RefusalReason.NOT_ELIGIBLE)
    number = desk.result
    assert desk.step is Desk.DONE and number.startswith("P-"), desk.notice
    desk.next_applicant()
    _expire_sign_ins(sandbox, time.time())  # the sign-in ends after the refusal, while the backend is away
    sandbox.faults.clear()
    _queue_sent(services)
    assert [item.state for item in services.queue.outbox.items()] == ["delivered", "delivered"]
    case = sandbox.store.case_by_provisional(number)
    (decision,) = decisions(sandbox, case["case_number"])
    assert case["status"] == "not_accepted" and decision["staff_id"] == "XH0001"


def test_a_queued_decision_is_checked_against_the_sign_in_as_it_was_when_decided(services, sandbox):
    """Only a sign-in valid when the clerk decided serves, and only for a queued decision (a provisional number);
    a time decided in the future, without its offset or unreadable is not used: the token is checked as of now.
    (The token is checked before the case: the decision asked again answers "already decided" once it passes.)"""
    from common.backend_errors import AuthError, RejectedError

    def answer(send, *args):
        try:
            send(*args)
        except RejectedError as exc:  # the queue's call: a dead letter
            return exc.code
        except AuthError as exc:  # the desk's own call: the clerk is asked to sign in again
            return exc.detail
        return "taken"

    desk = checking(services)
    desk.refuse(RefusalReason.NOT_ELIGIBLE)  # online: decided at once
    case, token = sandbox.store.case(desk.result), desk.staff["token"]
    expired_at = time.time() - 600
    _expire_sign_ins(sandbox, expired_at)

    def at(t, offset=True):
        when = dt.datetime.fromtimestamp(t).astimezone()
        return (when if offset else when.replace(tzinfo=None)).isoformat(timespec="seconds")

    body = {"provisional_number": case["provisional_number"], "staff_token": token, "decision": "not_accepted",
            "legal_reason": "x", "note": ""}
    for decided_at in (None, at(expired_at + 60), at(time.time() + 3600), at(expired_at - 60, offset=False),
                       "yesterday", at(expired_at - 9 * 3600), "0001-01-01T00:00:00+00:00"):  # before the sign-in
        assert answer(services.backend.send_decision_payload, dict(body, decided_at=decided_at)) == "staff_auth", \
            decided_at
    assert answer(services.backend.send_decision_payload, dict(body, decided_at=at(expired_at - 60))) == "taken"
    # online, on the case's own number, the token is checked as of now
    assert answer(services.backend.decide, case["case_number"], token, "not_accepted") == "staff_auth"
    assert len(decisions(sandbox, case["case_number"])) == 1


def test_accept_and_notice_print_their_a4_documents_beside_the_receipt(services, sandbox):
    desk = checking(services, "SB-003")
    desk.mark("M1", True)
    desk.accept()
    assert desk.step is Desk.DONE and sandbox.store.case(desk.result)["status"] == "accepted"
    printer = services.devices.document_printer
    (acceptance,) = printer.output_dir.glob(f"*acceptance-{desk.result}.pdf")
    words = pdf_words(acceptance)
    assert "受理通知书" in words and desk.result in words and "XH0001" in words and ID_NUMBER not in words
    assert services.devices.receipt_printer.last_bytes  # the receipt as before
    desk.next_applicant()
    desk.card_read(sample_identity("resident"))
    desk.choose_service("GJJ-004")
    desk.issue_notice()
    assert desk.step is Desk.DONE and desk.result.startswith("GZ")
    (notice,) = printer.output_dir.glob(f"*notice-{desk.result}.pdf")
    words = pdf_words(notice)
    assert "一次性告知书" in words and desk.result in words and "购房合同" in words and ID_NUMBER not in words


def test_a_clerk_signed_in_offline_is_told_a_refusal_needs_the_service_system(services, sandbox):
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")  # online once: the verifier and the catalogue are kept
    desk.sign_out()
    sandbox.faults.set("down")
    desk.sign_in("XH0001", "demo-XH0001")
    assert desk.staff.get("offline")
    desk.card_read(sample_identity("resident"))
    desk.choose_service("GJJ-004")
    desk.refuse(RefusalReason.NOT_OUR_REMIT)
    sandbox.faults.clear()
    assert desk.step is Desk.CHECKING and desk.notice.message.render("en").startswith("Signed in offline")
    assert services.queue.outbox.items() == []  # nothing submitted, so nothing waits to arrive undecided
    assert not list(services.devices.document_printer.output_dir.glob("*.pdf"))



def test_the_documents_name_the_hall_by_its_name_when_the_site_gives_one(sandbox, make_config):
    """Above the seal a decision names the hall as people know it (``terminal.hall_name``), not its id."""
    from kiosk.app import build_services
    from kiosk.tasks import SyncTaskRunner

    services = build_services(make_config(sandbox.url, terminal={"hall_name": "杭州市西湖区政务服务中心"}),
                              SyncTaskRunner())
    services.start()
    try:
        desk = checking(services)
        desk.refuse(RefusalReason.NOT_OUR_REMIT)
        (pdf,) = services.devices.document_printer.output_dir.glob("*.pdf")
        words = "".join(pdf_words(pdf).split())
        assert "政务服务大厅：杭州市西湖区政务服务中心" in words and "330106-XH-01" not in words
    finally:
        services.stop()
