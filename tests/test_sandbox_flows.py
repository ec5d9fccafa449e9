"""Every part of the contract, through the real client, against the sandbox and its demo data."""

import base64
import re
import time

import pytest

from kiosk.backend.client import Attachment
from common.backend_errors import AuthError, RejectedError
from common.audit_chain import audit_key, entry_mac
from common.domain import Consent
from common.signing import demo_key
from sandbox.server import SandboxServer
from tests.backend_helpers import TEST_WINDOWS, TERMINAL, application, client_for

ZHANG = "330106199003071236"  # 张测试, the simulator's sample card
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + bytes(2000)
PDF = b"%PDF-1.4\n" + bytes(500)


@pytest.fixture
def client(sandbox):
    return client_for(sandbox.url)


def test_the_catalogue_is_rich_and_complete(client):
    items = client.catalogue()
    assert len(items) >= 12
    assert {"person", "company"} <= {t for s in items for t in s.applicant_types}
    assert all(s.materials and s.legal_basis for s in items)
    assert [s.code for s in client.catalogue(applicant_type="company")]
    assert client.catalogue(category="no-such-category") == []


def test_enrol_and_heartbeat_carry_remote_config_and_server_time(client, sandbox):
    sandbox.remote_config["terminal"]["idle_timeout_s"] = 120
    reply = client.enrol("330106-XH-01", "0.1.0", "kiosk")
    assert reply["config"]["terminal"]["idle_timeout_s"] == 120 and abs(reply["server_time"] - time.time()) < 5
    beat = client.heartbeat({"version": "0.1.0", "mode": "kiosk",
                             "devices": [{"name": "receipt_printer", "state": "error", "reason": "paper out"}],
                             "queue": {"depth": 3, "oldest_age_s": 42.0}, "free_disk_mb": 5000.0,
                             "audit_head": "ab" * 32})
    assert beat["terminal_id"] == TERMINAL
    assert sandbox.store.terminal(TERMINAL)["queue"]["depth"] == 3


def test_app_token_and_lookup(client):
    person = client.resolve_app_token("ZLB-CQTJKSZPRFK5CKNC7JBD4R6C")
    assert person["id_number"] == ZHANG and person["name"] == "张测试"
    with pytest.raises(RejectedError) as caught:
        client.resolve_app_token("ZLB-NOTAREALTOKEN00000000")
    assert caught.value.code == "token_unknown"
    assert client.lookup_identity(ZHANG, "张测试")["address"]
    with pytest.raises(RejectedError, match="name_mismatch"):
        client.lookup_identity(ZHANG, "李四")


def test_licences_only_with_recorded_consent(client):
    with pytest.raises(RejectedError) as caught:
        client.licences(ZHANG, "CS-forged")
    assert caught.value.code == "consent_required" and caught.value.status == 403
    consent = client.record_consent(Consent(ZHANG, "licences", "id_card", "pipl-licences-1", "GT-001"))
    types = {lic["type"] for lic in client.licences(ZHANG, consent.consent_id)}
    assert {"resident_id", "property_certificate"} <= types


def test_drafts_are_saved_and_resumed(client):
    saved = client.save_draft(ZHANG, "GT-001", {"business_scope": "零售"}, ["M1"])
    again = client.save_draft(ZHANG, "GT-001", {"business_scope": "零售、餐饮"}, ["M1", "M2"])
    assert again["draft_id"] == saved["draft_id"]
    (draft,) = client.drafts(ZHANG)
    assert draft["form"]["business_scope"] == "零售、餐饮" and draft["materials_done"] == ["M1", "M2"]
    client.delete_draft(draft["draft_id"])
    assert client.drafts(ZHANG) == []


def test_multipart_submission_is_idempotent_by_digest(client, sandbox):
    app = application(client)
    files = [Attachment("M1-1.jpg", "image/jpeg", JPEG), Attachment("M3-1.pdf", "application/pdf", PDF)]
    first = client.submit(app, files)
    assert client.submit(app, files) == first
    assert [a[0] for a in sandbox.store.attachments(first.case_number)] == ["M1-1.jpg", "M3-1.pdf"]
    changed = [Attachment("M1-1.jpg", "image/jpeg", JPEG + b"\x01"), files[1]]
    with pytest.raises(RejectedError) as caught:
        client.submit(app, changed)
    assert caught.value.status == 409
    assert sandbox.store.cases_count() == 14 + 1  # 14 seed cases, one new


@pytest.mark.parametrize("attachment, reason", [
    (Attachment("M1-1.jpg", "image/jpeg", b"MZ\x90\x00 not an image"), "not a JPEG"),
    (Attachment("M1-1.jpg", "image/png", JPEG), "declared image/png"),
    (Attachment("M1-1.jpg", "image/jpeg", b""), "empty"),
    (Attachment("M1-1.jpg", "image/jpeg", b"\xff\xd8\xff" + bytes(6 * 1024 * 1024)), "larger than"),
])
def test_attachments_are_sniffed_and_bounded(client, attachment, reason):
    with pytest.raises(RejectedError) as caught:
        client.submit(application(client), [attachment])
    assert caught.value.code == "bad_attachment" and reason in str(caught.value.fields)


def test_progress_moves_and_is_found_by_every_key(sandbox):
    with SandboxServer(windows=TEST_WINDOWS, advance_s=0.5) as fast:
        client = client_for(fast.url)
        submitted = client.submit(application(client), provisional_number="P-T-TEST-20261127-00001-Q")
        assert client.case_status(submitted.case_number)["status"] == "submitted"
        deadline = time.monotonic() + 10  # the sandbox moves a case on every advance_s of its clock
        while len((moved := client.case_status(submitted.case_number))["history"]) < 3:
            assert time.monotonic() < deadline, moved
            time.sleep(0.05)
        stages = [h["status"] for h in moved["history"]]
        assert stages[:3] == ["submitted", "accepted", "in_review"] and moved["status"] == stages[-1]
        assert client.case_by_provisional("P-T-TEST-20261127-00001-Q")["case_number"] == submitted.case_number
        assert submitted.case_number in [c["case_number"] for c in client.cases_of(ZHANG)]


def test_seed_cases_cover_every_state(client):
    states = set()
    for id_number in (ZHANG, "330102195506122468", "330110199211030011", "330110199805200030",
                      "330106193809090017", "330106198504150034"):
        states |= {c["status"] for c in client.cases_of(id_number)}
    assert {"submitted", "ready", "collected", "incomplete", "not_accepted", "approved", "in_review",
            "accepted"} <= states


def test_a_licence_prints_once(client):
    (ready,) = [r for r in client.ready_licences(ZHANG)]
    ticket = client.print_ticket(ready["licence_id"])
    pdf = base64.b64decode(ticket["document_pdf_base64"])
    assert pdf.startswith(b"%PDF")
    import subprocess

    words = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True, timeout=30).stdout
    assert re.search(r"提交时间：\d{4}-\d\d-\d\d \d\d:\d\d\n", words.decode()), words.decode()  # not raw ISO
    with pytest.raises(RejectedError, match="already_printed"):
        client.print_ticket(ready["licence_id"])  # one open ticket at a time
    assert client.release_ticket(ticket["ticket_id"])["status"] == "released"  # the printer jammed
    second = client.print_ticket(ready["licence_id"])
    assert client.confirm_ticket(second["ticket_id"])["status"] == "consumed"
    with pytest.raises(RejectedError):
        client.print_ticket(ready["licence_id"])
    assert client.case_status(ready["case_number"])["status"] == "collected"
    assert client.ready_licences(ZHANG) == []


def test_a_printed_licence_verifies_by_its_qr_code(client):
    from sandbox.licence_pdf import verification_payload

    good = client.verify_licence(verification_payload("LIC-SQ2026112000007"))
    assert good["valid"] and good["holder_masked"] == "3301**********1236"
    assert not client.verify_licence("OTL1:LIC-SQ2026112000007:AAAAAAAA")["valid"]
    assert not client.verify_licence("https://example.com/licence")["valid"]


def test_clerk_decisions_notices_handover_and_audit(client):
    with pytest.raises(AuthError):
        client.staff_sign_in("XH0001", "wrong")
    session = client.staff_sign_in("XH0001", "demo-XH0001")
    assert session["offline_verifier"]["iterations"] >= 10000 and session["roles"] == ["clerk"]
    case = "SQ2026112600018"  # seeded as submitted
    with pytest.raises(RejectedError, match="notice_required"):
        client.decide(case, session["token"], "incomplete")
    notice = client.issue_notice("JSZ-010", ZHANG, ["M2"], "体检证明缺失", case_number=case)
    assert notice["number"].startswith("GZ") and notice["missing"][0]["code"] == "M2"
    decided = client.decide(case, session["token"], "incomplete", notice_id=notice["notice_id"])
    assert decided["status"] == "incomplete" and decided["decided_by"] == "XH0001"
    with pytest.raises(RejectedError, match="already_decided"):
        client.decide(case, session["token"], "accepted")
    assert client.handover(session["token"], "SQ2026112000007", "LIC-SQ2026112000007", ZHANG)["handover_id"]
    maintenance = client.staff_sign_in("XH0004", "demo-XH0004")
    with pytest.raises(RejectedError, match="not_a_clerk"):
        client.decide("SQ2026112600018", maintenance["token"], "accepted")
    key = audit_key(demo_key(TERMINAL))
    entries, prev = [], ""
    for seq, action in enumerate(("card_read", "accept")):
        entry = {"v": 2, "seq": seq, "at": "2026-11-27T10:00:00+08:00", "actor": "XH0001", "action": action,
                 "detail": "", "prev_mac": prev}
        entry["mac"] = prev = entry_mac(key, entry)
        entries.append(entry)
    assert client.send_audit(entries) == {"accepted": 2, "count": 2, "head": prev}
    assert client.send_audit(entries) == {"accepted": 0, "count": 2, "head": prev}  # a resend is harmless
    with pytest.raises(RejectedError, match="audit_chain_broken"):
        client.send_audit([dict(entries[1], seq=2, prev_mac="0" * 64)])


def test_fees_and_evaluation(client, sandbox):
    with pytest.raises(RejectedError, match="no_fee"):
        client.payment_order("SQ2026111300004")  # elderly allowance (GL-012) is free
    paid_service = next(s for s in client.catalogue() if s.fee and "免费" not in s.fee)
    app = application(client, paid_service.code)
    case = client.submit(app).case_number
    order = client.payment_order(case)
    assert order.qr_payload.startswith("OTP1:") and order.status.value == "unpaid"
    assert client.payment_order(case).order_id == order.order_id
    import requests
    requests.post(f"{sandbox.url}/control/payments/{order.order_id}/paid", timeout=5)
    assert client.payment_status(order.order_id).status.value == "paid"
    with pytest.raises(ValueError, match="reason"):
        client.evaluate(case, 1)  # not sent: the backend would answer 422 reason_required
    assert client.evaluate(case, 2, "等候时间太长").evaluation_id
    assert client.evaluate(case, 5).already_evaluated


def test_a_companys_cases_are_listed_for_its_legal_representative_whoever_filed_them(client):
    """A case of 杭州示例科技有限公司 (the seeded SQ2026110900006, filed by another) is among the applications of its
    legal representative (吴示例), once, with the company named; a person who is neither does not see it."""
    legal_rep, company = "330108197812220012", "91330106MA2H7Q3K8C"
    listed = client.cases_of(legal_rep)
    numbers = [c["case_number"] for c in listed]
    assert "SQ2026110900006" in numbers and len(numbers) == len(set(numbers))
    (case,) = [c for c in listed if c["case_number"] == "SQ2026110900006"]
    assert case["company"]["credit_code"] == company
    assert [c["submitted_at"] for c in listed] == sorted((c["submitted_at"] for c in listed), reverse=True)
    assert "SQ2026110900006" not in [c["case_number"] for c in client.cases_of("330110199805200030")]
