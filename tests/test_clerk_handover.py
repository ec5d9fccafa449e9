"""Licence hand-over at the window (领证), against the sandbox and the simulated receipt printer: the licences ready
for the applicant listed when the card is read, the hand-over recorded once with the clerk's token (however often
tried), its receipt printed, audited masked, nothing of the applicant left after the next applicant."""

import json

from devices.idcard.samples import sample_identity
from devices.receipt.virtual import render
from kiosk.workflows.clerk import Desk

ID_NUMBER, NAME = "330106199003071236", "张测试"  # the sample resident card
LICENCE = "LIC-SQ2026112000007"  # seeded ready for the sample resident


def at_window(services):
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    desk.card_read(sample_identity("resident"))
    return desk


def handovers(sandbox):
    with sandbox.store.tx() as db:
        return [dict(json.loads(row["body"]), handover_id=row["handover_id"]) for row in
                db.execute("SELECT handover_id, body FROM handovers")]


def receipt_lines(services):
    printer = services.devices.receipt_printer
    return render(printer.last_bytes, printer.profile).lines


def test_a_ready_licence_is_listed_handed_over_once_and_its_receipt_printed(services, sandbox):
    desk = at_window(services)
    assert [lic.licence_id for lic in desk.ready_licences] == [LICENCE] and desk.can_hand_over()
    desk.hand_over(LICENCE)
    (recorded,) = handovers(sandbox)
    assert recorded["licence_id"] == LICENCE and recorded["staff_id"] == "XH0001"
    assert recorded["recipient_id_number"] == ID_NUMBER and not desk.notice.error and desk.step is Desk.WAITING
    lines = receipt_lines(services)
    assert "领证回执" in lines[0] and any(line.startswith("交付编号：HO-") for line in lines)
    assert "办件编号：SQ2026112000007" in lines and "领取人：张**（3301**********1236）" in lines
    assert desk.ready_licences == ()  # handed over: no longer to hand
    assert services.backend.ready_licences(ID_NUMBER) == []  # nor listed by the backend
    audit = services.audit
    audit.flush()
    actions = [e["action"] for e in audit.recent]
    assert actions[-2:] == ["card_read", "licence_handed_over"]
    raw = (services.config.data_dir / "audit" / "trail.jsonl").read_text("utf-8")
    assert ID_NUMBER not in raw and NAME not in raw and "3301**********1236" in raw


def actions(services):
    services.audit.flush()
    return [(e["action"], e["detail"]) for e in services.audit.recent]


def test_a_receipt_that_did_not_print_is_offered_again_and_printed_without_a_second_record(services, sandbox):
    desk = at_window(services)
    printer = services.devices.receipt_printer
    printer.inject("paper_out")
    desk.hand_over(LICENCE)
    (first,) = handovers(sandbox)
    number = first["handover_id"]
    assert desk.notice.error and desk.step is Desk.WAITING
    said = desk.notice.message.render("en")
    assert "is recorded" in said and "did not print" in said and '"Print again"' in said
    assert "not recorded twice" in said
    assert "已登记" in desk.notice.message.render("zh_CN")
    # handed over: no longer to hand, its receipt offered again
    assert desk.ready_licences == () and not desk.can_hand_over() and desk.can_print_handover_again()
    assert [done.handover_id for done in desk.unprinted_handovers] == [number]
    desk.print_handover_again()  # the printer still out of paper: said, still offered
    assert desk.notice.error and desk.can_print_handover_again() and desk.step is Desk.WAITING
    printer.inject("clear")
    desk.print_handover_again()
    assert handovers(sandbox) == [first] and not desk.notice.error and desk.unprinted_handovers == ()
    assert f"交付编号：{number}" in receipt_lines(services)  # the one recorded, printed now
    assert "领取人：张**（3301**********1236）" in receipt_lines(services)
    assert not desk.can_print_handover_again()
    assert ("handover_receipt_printed", number) in actions(services)


def test_a_receipt_left_unprinted_when_the_applicant_goes_is_audited_and_said(services, sandbox):
    desk = at_window(services)
    services.devices.receipt_printer.inject("paper_out")
    desk.hand_over(LICENCE)
    (first,) = handovers(sandbox)
    number = first["handover_id"]
    desk.next_applicant()
    assert desk.unprinted_handovers == () and not desk.can_print_handover_again()
    assert ("handover_receipt_never_printed", number) in actions(services)
    said = desk.notice.message.render("en")  # the clerk is told at the next applicant, the number only
    assert desk.notice.error and number in said and "never printed" in said and "recorded" in said
    assert ID_NUMBER not in said and NAME not in said
    desk.card_read(sample_identity("resident"))  # said once
    assert desk.notice is None and handovers(sandbox) == [first]


def test_a_lost_answer_then_a_retry_records_the_hand_over_once(services, sandbox):
    desk = at_window(services)
    sandbox.faults.set("lose_reply")  # recorded, the answer lost (each of the client's retries too)
    desk.hand_over(LICENCE)
    sandbox.faults.clear()
    assert desk.notice.error and desk.notice.message.render("en").startswith(
        "The service system did not confirm the hand-over")
    assert len(handovers(sandbox)) == 1
    desk.hand_over(LICENCE)
    assert len(handovers(sandbox)) == 1 and not desk.notice.error and desk.ready_licences == ()


def test_nothing_of_the_applicant_is_kept_after_the_next_applicant(services, sandbox):
    desk = at_window(services)
    assert desk.ready_licences
    desk.next_applicant()
    assert desk.ready_licences == () and desk._handover_keys == {} and desk.identity is None
    desk.hand_over(LICENCE)  # nobody at the window: nothing happens
    assert handovers(sandbox) == []


def test_signed_in_offline_the_clerk_is_told_and_nothing_is_recorded(services, sandbox):
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    desk.sign_out()
    sandbox.faults.set("down")
    desk.sign_in("XH0001", "demo-XH0001")  # the cached verifier: no staff token
    sandbox.faults.clear()
    desk.card_read(sample_identity("resident"))
    assert desk.ready_licences  # the list is a terminal's read, it needs no staff token
    desk.hand_over(LICENCE)
    assert desk.notice.error and desk.notice.message.render("en").startswith("Signed in offline: a hand-over")
    assert handovers(sandbox) == []


def test_a_list_that_could_not_be_had_is_said_and_the_next_card_asks_again(services, sandbox):
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    sandbox.faults.set("down")
    desk.card_read(sample_identity("resident"))
    sandbox.faults.clear()
    assert desk.licences_unknown and desk.ready_licences == () and not desk.can_hand_over()
    assert desk.step is Desk.WAITING and desk.notice is None  # the window goes on: only the list is missing
    desk.next_applicant()
    desk.card_read(sample_identity("resident"))
    assert not desk.licences_unknown and [lic.licence_id for lic in desk.ready_licences] == [LICENCE]


AGENT_ID, AGENT_NAME = "330102195506122468", "李样例"  # the long-term sample card: collects for the resident


def test_an_agent_collects_for_the_holder_once_authorised_both_masked_on_the_receipt(services, sandbox):
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    desk.card_read(sample_identity("resident_long_term"))  # the card on the reader is the collector's
    assert LICENCE not in [lic.licence_id for lic in desk.ready_licences] and desk.can_collect_for_another()
    desk.collect_for("330106199003071230")  # a typing slip: the check character is wrong
    assert desk.notice.error and desk.collecting_for is None
    desk.collect_for(AGENT_ID)  # their own number: not an agent
    assert desk.notice.error and desk.collecting_for is None
    desk.collect_for(ID_NUMBER.lower())
    assert [lic.licence_id for lic in desk.ready_licences] == [LICENCE]  # the holder's, as the backend lists them
    desk.hand_over(LICENCE)  # the authorisation not seen yet: nothing asked
    assert desk.notice.error and "authorisation" in desk.notice.message.render("en") and handovers(sandbox) == []
    desk.confirm_authorisation(True)
    desk.hand_over(LICENCE)
    (recorded,) = handovers(sandbox)
    assert recorded["recipient_id_number"] == AGENT_ID and recorded["recipient_is_agent"] is True
    assert recorded["holder_id_number"] == ID_NUMBER and recorded["authorisation_checked"] is True
    assert not desk.notice.error and desk.ready_licences == ()
    lines = receipt_lines(services)
    assert "持证人：3301**********1236" in lines and "代领人：李**（3301**********2468）" in lines
    assert not any(ID_NUMBER in line or AGENT_ID in line or NAME in line or AGENT_NAME in line for line in lines)
    collection = desk.collecting_for
    desk.next_applicant()
    assert desk.collecting_for is None and collection.holder_id_number == ""  # the typed number overwritten
    services.audit.flush()
    raw = (services.config.data_dir / "audit" / "trail.jsonl").read_text("utf-8")
    assert ID_NUMBER not in raw and AGENT_ID not in raw and "agent for 3301**********1236" in raw


def test_the_backend_refuses_a_hand_over_to_someone_not_the_holder_nor_their_authorised_agent(services, sandbox):
    from common.backend_errors import RejectedError

    token = services.backend.staff_sign_in("XH0001", "demo-XH0001")["token"]
    case = LICENCE.removeprefix("LIC-")
    tries = {
        "not_the_holder": dict(),  # the agent's card, not said to be an agent
        "authorisation_required": dict(recipient_is_agent=True, holder_id_number=ID_NUMBER),
        "holder_mismatch": dict(recipient_is_agent=True, holder_id_number="330105200001010033",
                                authorisation_checked=True),
    }
    for code, kwargs in tries.items():
        try:
            services.backend.handover(token, case, LICENCE, AGENT_ID, **kwargs)
        except RejectedError as exc:
            assert exc.code == code
        else:
            raise AssertionError(f"{code}: recorded")
    try:
        services.backend.handover(token, case, LICENCE, ID_NUMBER, recipient_is_agent=True, holder_id_number=ID_NUMBER,
                                  authorisation_checked=True)
    except RejectedError as exc:
        assert exc.code == "agent_is_holder"
    else:
        raise AssertionError("the holder recorded as their own agent")
    assert handovers(sandbox) == []


def test_the_holder_s_card_laid_while_the_agent_s_line_is_open_is_the_holder_s_not_a_new_applicant(services, sandbox):
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    collector = sample_identity("resident_long_term")
    desk.card_read(collector)
    desk.await_holder(True)
    assert desk.holder_awaited and not desk.notice.error and "lay the holder" in desk.notice.message.render("en")
    holder_card = sample_identity("resident")
    desk.card_read(holder_card)
    assert desk.identity is collector and desk.collecting_for.holder_id_number == ID_NUMBER
    assert holder_card.id_number == "" and holder_card.name == ""  # only the number was kept, the card wiped
    assert [lic.licence_id for lic in desk.ready_licences] == [LICENCE] and not desk.holder_awaited
    desk.card_read(sample_identity("resident"))  # the line closed once the holder is found: a new applicant
    assert desk.identity is not collector and desk.collecting_for is None


def test_an_expired_holder_card_is_refused_and_the_line_stays_open(services, sandbox):
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    collector = sample_identity("resident_long_term")
    desk.card_read(collector)
    desk.await_holder(True)
    desk.card_read(sample_identity("expired"))
    assert desk.identity is collector and desk.collecting_for is None and desk.holder_awaited
    assert desk.notice.error and "expired" in desk.notice.message.render("en")
    desk.await_holder(False)  # closed: a card laid now is a new applicant's
    assert not desk.holder_awaited and desk.notice is None
    desk.card_read(sample_identity("resident"))
    assert desk.identity is not collector


def test_a_licence_the_department_issues_is_listed_ready_at_the_window_and_handed_over(services, sandbox):
    """The sandbox's stand-in for the department (POST /control/cases/{n}/ready, kiosk bench window-monkey
    --licences-issued): a case submitted today becomes ready, its holder's card lists it, and it is handed over; a
    case collected is not in progress, so it is not issued again (409), and an unknown one is a 404."""
    import requests

    from tests.citizen_steps import walk_to_confirm

    session = services.new_citizen_session()
    walk_to_confirm(session)
    session.confirm()
    number = session.receipt.case_number
    assert f"LIC-{number}" not in [lic.licence_id for lic in at_window(services).ready_licences]
    issued = requests.post(f"{sandbox.url}/control/cases/{number}/ready", timeout=5)
    assert issued.status_code == 200 and issued.json() == {"case_number": number, "status": "ready"}
    desk = at_window(services)
    assert f"LIC-{number}" in [lic.licence_id for lic in desk.ready_licences]
    desk.hand_over(f"LIC-{number}")
    assert [h["licence_id"] for h in handovers(sandbox)] == [f"LIC-{number}"] and not desk.notice.error
    again = requests.post(f"{sandbox.url}/control/cases/{number}/ready", timeout=5)
    assert again.status_code == 409 and again.json()["error"]["fields"] == {"status": "collected"}
    assert requests.post(f"{sandbox.url}/control/cases/SQ2099010100001/ready", timeout=5).status_code == 404


def test_a_licence_handed_over_is_collected_in_its_holder_s_progress_and_its_hand_over_asked_again_answers(
        services, sandbox):
    """The case's status after a hand-over is ``collected``, as after a print at a kiosk (its progress said "ready:
    print it or collect it" after it was collected); the same hand-over asked again under its key still answers
    the one recorded."""
    case_number = LICENCE.removeprefix("LIC-")
    assert services.backend.case_status(case_number)["status"] == "ready"
    token = services.backend.staff_sign_in("XH0001", "demo-XH0001")["token"]
    first = services.backend.handover(token, case_number, LICENCE, ID_NUMBER, idempotency_key="handover-key-1")
    shown = services.backend.case_status(case_number)
    assert shown["status"] == "collected" and shown["history"][-1]["note_en"] == "Licence collected at a window"
    again = services.backend.handover(token, case_number, LICENCE, ID_NUMBER, idempotency_key="handover-key-1")
    assert again["handover_id"] == first["handover_id"] and len(handovers(sandbox)) == 1


def test_a_licence_handed_over_at_a_window_shows_collected_at_the_kiosk_and_is_no_longer_offered_to_print(
        services, sandbox, open_gui, qtbot):
    """The kiosk's side of a hand-over, through its screens: the holder's case says collected, nothing more to do,
    in the list of their applications and on its progress; the licence is not among those ready to print."""
    from PySide6.QtCore import Qt

    from kiosk.workflows.citizen import Step
    from tests.citizen_steps import to_my_case

    number = LICENCE.removeprefix("LIC-")
    desk = at_window(services)
    assert LICENCE in [lic.licence_id for lic in desk.ready_licences]
    desk.hand_over(LICENCE)
    assert not desk.notice.error

    gui = open_gui("kiosk")
    session, screens = gui.window.session, gui.window.view.screens
    progress = to_my_case(gui, qtbot, number)
    assert screens[Step.MY_CASES].buttons[number].text().endswith(" · 已领取")
    assert "已领取，无需再办理。" in progress.next.text()
    assert not progress.pay.isVisible() and "可领取或自助打印" not in progress.next.text()
    gui.window.toggle_language()
    assert "Collected: nothing more to do." in progress.next.text()
    gui.window.toggle_language()

    qtbot.mouseClick(progress.back, Qt.MouseButton.LeftButton)  # back to the list, then "Not me / cancel"
    qtbot.waitUntil(lambda: session.step is Step.MY_CASES, timeout=5000)
    qtbot.mouseClick(screens[Step.MY_CASES].back, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.step is Step.IDENTIFIED, timeout=5000)
    gui.services.devices.id_reader.remove_card()
    qtbot.mouseClick(screens[Step.IDENTIFIED].back, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.step is Step.HOME, timeout=5000)
    qtbot.mouseClick(screens[Step.HOME].licence_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screens[Step.CONSENT].agree, Qt.MouseButton.LeftButton)
    gui.services.devices.id_reader.place_card("resident")
    qtbot.waitUntil(lambda: session.step is Step.LICENCES and not session.busy, timeout=10000)
    assert LICENCE not in [lic["licence_id"] for lic in session.licences]
    assert not [b for b in screens[Step.LICENCES].buttons.values() if number in b.text()]
