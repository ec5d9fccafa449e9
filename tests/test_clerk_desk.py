"""The clerk's desk: accept with a receipt, or a one-time notice listing what is missing; all audited."""

import json


from devices.idcard.samples import sample_identity
from devices.receipt.virtual import render
from kiosk.audit import AuditTrail
from kiosk.tasks import SyncTaskRunner
from kiosk.workflows.clerk import Desk


def signed_in(services):
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    assert desk.step is Desk.WAITING and desk.staff["name"] == "陈示范"
    desk.card_read(sample_identity("resident"))
    return desk


def test_wrong_password_is_refused_plainly(services):
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "nope")
    assert desk.step is Desk.SIGNED_OUT and "密码错误" in desk.notice.message.render()


def test_accept_when_every_required_material_is_there(services, sandbox):
    desk = signed_in(services)
    desk.choose_service("SB-003")
    assert desk.step is Desk.CHECKING and [m.code for m in desk.missing()] == ["M1"]
    desk.accept()  # refused: something is missing
    assert desk.step is Desk.CHECKING
    desk.mark("M1", True)
    desk.accept()
    assert desk.step is Desk.DONE and desk.result.startswith("SQ")
    assert sandbox.store.case(desk.result)["status"] == "accepted"
    printer = services.devices.receipt_printer
    page = render(printer.last_bytes, printer.profile)
    assert "受理回执" in page.lines[0] and f"办件编号：{desk.result}" in page.lines


def test_one_time_notice_lists_everything_missing(services):
    desk = signed_in(services)
    desk.choose_service("GJJ-004")
    desk.mark("M1", True)
    desk.issue_notice()
    assert desk.step is Desk.DONE and desk.result.startswith("GZ")
    printer = services.devices.receipt_printer
    text = "\n".join(render(printer.last_bytes, printer.profile).lines)
    assert "一次性告知书" in text and "购房合同" in text and "购房发票" in text and "本人银行卡" in text
    listed = [line for line in text.splitlines() if line[:2] in ("1.", "2.", "3.", "4.")]
    assert len(listed) == 3 and not any("居民身份证" in line for line in listed)  # M1 was provided


def test_a_notice_whose_slip_ran_out_of_paper_stands_issued_and_is_printed_again(services, sandbox):
    desk = signed_in(services)
    desk.choose_service("GJJ-004")
    printer = services.devices.receipt_printer
    printer.inject("paper_out")
    desk.issue_notice()
    with sandbox.store.tx() as db:
        (recorded,) = [row["number"] for row in db.execute("SELECT number FROM notices")]
    assert desk.step is Desk.DONE and desk.result == recorded and desk.notice.error and desk.can_print_again()
    assert "The receipt slip did not print" in desk.notice.message.render("en")
    printer.inject("clear")
    desk.print_again()
    assert desk.step is Desk.DONE and desk.result == recorded and not desk.notice.error
    assert desk.notice.message.render("en") == (f"One-time notice {recorded} issued: it lists everything still "
                                                "missing. The receipt slip is printed.")
    assert "一次性告知书" in "\n".join(render(printer.last_bytes, printer.profile).lines)
    with sandbox.store.tx() as db:
        assert db.execute("SELECT COUNT(*) FROM notices").fetchone()[0] == 1


def test_a_notice_the_backend_did_not_confirm_is_said_to_be_provisional(services, sandbox):
    desk = signed_in(services)
    desk.choose_service("GJJ-004")
    sandbox.faults.set("lose_reply")  # recorded, the answer lost: its number unknown here
    desk.issue_notice()
    sandbox.faults.clear()
    assert desk.step is Desk.DONE and desk.result == "-" and desk.notice.error
    assert desk.notice.message.render("en").startswith("The one-time notice has no number and is marked provisional")
    printer = services.devices.receipt_printer
    assert "告知书编号：无（临时告知书）" in render(printer.last_bytes, printer.profile).lines


def test_every_step_is_in_a_linked_masked_audit_trail_sent_to_the_backend(services, sandbox):
    desk = signed_in(services)
    desk.choose_service("SB-003")
    desk.mark("M1", True)
    desk.accept()
    desk.next_applicant()
    desk.sign_out()
    audit = services.audit
    audit.flush()
    actions = [e["action"] for e in audit.recent]
    assert actions == ["sign_in", "card_read", "service_chosen", "material_checked", "accepted",
                       "document_printed", "document_printed",  # the receipt slip, the A4 acceptance notice
                       "applicant_done", "sign_out"]
    assert audit.verify().ok and audit.sent == audit.written().count
    raw = (services.config.data_dir / "audit" / "trail.jsonl").read_text("utf-8")
    assert "330106199003071236" not in raw and "张测试" not in raw and "3301**********1236" in raw
    key = services.backend.audit_key
    audit.close()  # one writer at a time: the trail is opened again once this one lets go of it
    reopened = AuditTrail(services.config.data_dir / "audit" / "trail.jsonl", key)
    assert reopened.verify().ok and reopened.head == audit.head and reopened.sent == audit.sent
    reopened.close()
    lines = raw.splitlines()
    forged = json.loads(lines[1])
    forged["detail"] = "edited"
    lines[1] = json.dumps(forged, ensure_ascii=False)
    (services.config.data_dir / "audit" / "trail.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    tampered = AuditTrail(services.config.data_dir / "audit" / "trail.jsonl", key)
    assert not tampered.verify().ok
    tampered.close()


def test_offline_sign_in_with_the_cached_verifier(services, sandbox):
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    desk.sign_out()
    sandbox.faults.set("down")
    desk.sign_in("XH0001", "wrong")
    assert desk.step is Desk.SIGNED_OUT
    desk.sign_in("XH0001", "demo-XH0001")
    assert desk.step is Desk.WAITING and desk.staff.get("offline")


def test_a_card_lying_on_a_reader_that_keeps_answering_found_is_admitted_and_audited_once(sandbox, make_config):
    """Issue 18: such a reader once made the desk re-admit the applicant and audit it about 6 times a second."""
    import time

    from devices.idcard.base import CardRead
    from kiosk.app import build_services

    services = build_services(make_config(sandbox.url, devices={"id_reader": {
        "type": "sim", "pace": False, "find_after_read": "9F"}}), SyncTaskRunner())
    reader, events = services.devices.id_reader, []
    reader.events.subscribe(events.append)
    services.start()
    try:
        desk = services.new_clerk_desk()
        desk.sign_in("XH0001", "demo-XH0001")
        reader.place_card("resident")

        def polls() -> int:
            return reader.health.snapshot().counters.get("polls", 0)

        deadline = time.monotonic() + 5
        while not events or polls() < 1:
            assert time.monotonic() < deadline, "the card was not read"
            time.sleep(0.01)
        seen = polls()
        while polls() < seen + 6:  # six more polls, each answered "found" and the card read again
            assert time.monotonic() < deadline, "the reader stopped polling"
            time.sleep(0.01)
        for event in events:  # delivered to the desk in order, as the window's bridge does
            if isinstance(event, CardRead):
                desk.card_read(event.identity)
        services.audit.flush()
        assert [type(e).__name__ for e in events] == ["CardRead"]
        assert [e["action"] for e in services.audit.recent] == ["sign_in", "card_read"]
        assert reader.simulator.commands["read text and photo"] >= 6
    finally:
        services.stop()


class HeldTasks(SyncTaskRunner):
    """Background work (the desk's, the audit's pushes) kept until released: the desk as it is while it works."""

    def __init__(self) -> None:
        self.held = []

    def run(self, fn, on_done, on_error) -> None:
        self.held.append((fn, on_done, on_error))

    def release(self) -> None:
        while self.held:
            SyncTaskRunner.run(self, *self.held.pop(0))


def test_the_matter_in_hand_finishes_before_the_next_applicant_or_a_sign_out(services):
    """kiosk bench window-monkey, seed 1: the desk was not busy while it accepted or printed a notice, so
    "Next applicant" and "Sign out" went through meanwhile; the notice finished afterwards on a desk nobody was
    signed in at (the window showed the desk, with "accepted" or the notice, to whoever came)."""
    from kiosk.workflows.clerk import ClerkDesk

    tasks = HeldTasks()
    desk = ClerkDesk(backend=services.backend, submitter=services.submitter,
                     printer=services.devices.receipt_printer, tasks=tasks, audit=services.audit,
                     terminal_id=services.config.terminal.id, masker=services.masker,
                     staff_sign_in=services.staff_sign_in)
    desk.sign_in("XH0001", "demo-XH0001")
    tasks.release()
    desk.card_read(sample_identity("resident"))
    desk.choose_service("GJJ-004")
    desk.issue_notice()
    assert desk.step is Desk.WORKING and desk.busy
    desk.next_applicant()
    desk.sign_out()
    desk.card_read(sample_identity("resident_long_term"))
    assert desk.staff is not None and desk.identity is not None and desk.identity.name == "张测试"
    tasks.release()
    assert desk.step is Desk.DONE and not desk.busy and desk.result.startswith("GZ")
    assert desk.staff["staff_id"] == "XH0001" and desk.rating.can_rate()
    desk.sign_out()
    assert desk.step is Desk.SIGNED_OUT and desk.identity is None and not desk.rating.can_rate()
