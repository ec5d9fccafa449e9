"""Consent withdrawn at the kiosk (issue 20 item 5): recorded through the contract once per key, the sandbox
marks the person's consents withdrawn (a licence fetch under one is refused) and deletes their drafts; the
terminal wipes the session and says what remains; offline, the terminal keeps the withdrawal in its outbox and
sends it itself."""

import datetime as dt
import time

import pytest
from PySide6.QtCore import Qt

from common.backend_errors import RejectedError
from common.domain import Consent, ConsentWithdrawal
from devices.idcard.samples import sample_identity
from kiosk.workflows.citizen import Step
from tests.citizen_steps import identify, place_card_and_agree
from tests.test_never_stuck import to_incomplete

RESIDENT = sample_identity("resident")
PERSON = RESIDENT.id_number


def licence_consent(backend) -> str:
    consent = Consent(PERSON, "licences", "id_card", "licences-v1", service_code="GT-001")
    return backend.record_consent(consent).consent_id


def saved_draft(store) -> str:
    draft = store.save_draft({"id_number": PERSON, "service_code": "GT-001",
                              "applicant": {"type": "person", "id_number": PERSON, "name": RESIDENT.name,
                                                            "card_type": "id_card"}}, [])
    return draft["draft_id"]


def test_a_withdrawal_is_recorded_the_consents_unlock_nothing_and_the_session_is_wiped(services, sandbox):
    consent_id = licence_consent(services.backend)
    assert isinstance(services.backend.licences(PERSON, consent_id), list)  # unlocked before
    draft_id = saved_draft(sandbox.store)
    session = services.new_citizen_session()
    identify(session)
    session.ask_withdraw()
    assert session.step is Step.WITHDRAW and session.identity is not None  # nothing happens before the confirmation
    session.withdraw_consent()
    assert session.step is Step.WITHDRAWN and session.notice is None
    assert session.identity is None and session.consents == [] and session.drafts_found == []
    assert session.withdrawn.drafts_deleted == 1
    (withdrawal,) = sandbox.store.consent_withdrawals(PERSON)
    assert withdrawal["scope"] == "all" and withdrawal["method"] == "id_card"
    assert withdrawal["withdrawal_id"] == session.withdrawn.withdrawal_id
    consents = sandbox.store.consents(PERSON)
    assert {c["scope"] for c in consents} == {"identity", "licences"}
    assert all(c["withdrawn_at"] for c in consents)
    assert set(withdrawal["consents_withdrawn"]) == {c["consent_id"] for c in consents}
    assert not sandbox.store.draft_exists(draft_id) and sandbox.store.drafts(PERSON) == []
    with pytest.raises(RejectedError) as refused:
        services.backend.licences(PERSON, consent_id)
    assert refused.value.status == 403 and refused.value.code == "consent_required"
    session.finish()
    assert session.step is Step.HOME and session.withdrawn is None


def test_offline_the_terminal_keeps_the_withdrawal_and_sends_it_itself_once(services, sandbox):
    """The service system away: the withdrawal goes into the encrypted outbox under the citizen (behind any
    case of theirs still queued), the session is wiped and says so, and the sync worker delivers it once."""
    draft_id = saved_draft(sandbox.store)
    session = services.new_citizen_session()
    identify(session)
    session.ask_withdraw()
    sandbox.faults.set("down")
    session.withdraw_consent()
    assert session.step is Step.WITHDRAWN and session.withdrawal_queued and session.identity is None
    assert sandbox.store.consent_withdrawals(PERSON) == [] and sandbox.store.draft_exists(draft_id)
    assert services.queue.outbox.status()["counts"]["pending"] == 1
    session.finish()
    assert session.step is Step.HOME and not session.withdrawal_queued  # the next citizen starts clean
    sandbox.faults.clear()
    # the worker may have tried it meanwhile and be backing off: the item is delivered at once here, as the
    # worker would when its backoff ends (the same path: SyncWorker._deliver)
    sync = services.queue.sync
    (item,) = [i for i in services.queue.outbox.items() if i.state == "pending"]
    sync.deliver_now(item.id, 10)
    (withdrawal,) = sandbox.store.consent_withdrawals(PERSON)
    assert withdrawal["scope"] == "all" and not sandbox.store.draft_exists(draft_id)
    assert services.queue.outbox.status()["counts"]["pending"] == 0
    assert sync.deliver_now(item.id, 10) is None  # delivered: nothing to send again
    assert len(sandbox.store.consent_withdrawals(PERSON)) == 1  # recorded once


def test_the_same_key_is_one_withdrawal_and_an_unknown_person_is_refused(services, sandbox):
    withdrawal = ConsentWithdrawal(PERSON, "id_card")
    first, again = (services.backend.withdraw_consents(withdrawal) for _ in range(2))
    assert first == again and len(sandbox.store.consent_withdrawals(PERSON)) == 1
    with pytest.raises(RejectedError) as refused:
        services.backend.withdraw_consents(ConsentWithdrawal("11010119900307001X", "id_card"))
    assert refused.value.status == 404


def test_back_from_the_confirmation_withdraws_nothing(services, sandbox):
    session = services.new_citizen_session()
    identify(session)
    session.ask_withdraw()
    session.back()
    assert session.step is Step.IDENTIFIED and session.identity is not None
    assert sandbox.store.consent_withdrawals(PERSON) == []


@pytest.mark.parametrize("online", [True, False])
def test_through_the_widgets_a_citizen_withdraws_and_is_told_what_remains(open_gui, qtbot, sandbox, online):
    gui = open_gui("kiosk")
    session = gui.window.session
    place_card_and_agree(gui, qtbot)
    identity = gui.window.view.screens[Step.IDENTIFIED]
    qtbot.waitUntil(lambda: identity.withdraw.isEnabled(), timeout=5000)
    qtbot.mouseClick(identity.withdraw, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.step is Step.WITHDRAW, timeout=5000)
    confirm = gui.window.view.screens[Step.WITHDRAW]
    assert "提交" in " ".join(confirm.spoken_prompt())  # it says what stays before the citizen confirms
    if not online:
        sandbox.faults.set("down")
    qtbot.mouseClick(confirm.confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.step is Step.WITHDRAWN, timeout=10000)
    assert session.identity is None and len(sandbox.store.consent_withdrawals(PERSON)) == (1 if online else 0)
    done = gui.window.view.screens[Step.WITHDRAWN]
    assert done.title.text() == "您的授权已撤回"
    assert any("档案" in point.text() for point in done.points)  # what remains, and why
    kept = any("无需为此再跑一次" in point.text() for point in done.points)  # offline: kept, sent by the terminal
    assert kept is not online
    qtbot.mouseClick(done.finish, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.step is Step.HOME, timeout=5000)


def test_a_consent_that_arrives_after_its_withdrawal_is_recorded_withdrawn(services, sandbox):
    """The session records its consent on the task pool: a withdrawal may overtake it (or it may wait in a case)."""
    given = Consent(PERSON, "licences", "id_card", "licences-v1", service_code="GT-001")
    services.backend.withdraw_consents(ConsentWithdrawal(PERSON, "id_card"))
    consent_id = services.backend.record_consent(given).consent_id
    (stored,) = sandbox.store.consents(PERSON)
    assert stored["withdrawn_at"]
    with pytest.raises(RejectedError):
        services.backend.licences(PERSON, consent_id)
    later = Consent(PERSON, "licences", "id_card", "licences-v1", service_code="GT-001",  # agreed anew: it counts
                    agreed_at=dt.datetime.now().astimezone() + dt.timedelta(seconds=2))
    assert isinstance(services.backend.licences(PERSON, services.backend.record_consent(later).consent_id), list)


def test_a_withdrawal_waits_behind_a_saved_application_the_outbox_still_has_to_send(services, sandbox):
    """A notice's draft queued while the backend was away; the backend back, the worker still backing off: a
    withdrawal sent now would arrive first, and the draft after it, saved again on a consent withdrawn. It is
    queued behind the draft instead, and the citizen is told so (not that the service system is away)."""
    session = services.new_citizen_session()
    to_incomplete(session)  # SB-003 with the ID card not brought
    sandbox.faults.set("down")
    session.leave_with_notice()
    assert session.step is Step.DONE and "kept on this terminal" in session.notice.message.render("en")
    session.finish()
    services.queue.sync.stop()  # as if backing off: the draft still waits
    sandbox.faults.clear()
    try:
        identify(session)
        session.ask_withdraw()
        session.withdraw_consent()
        assert session.step is Step.WITHDRAWN and session.withdrawal_queued and session.withdrawal_waits_behind
        assert sandbox.store.consent_withdrawals(PERSON) == []  # not sent past the draft
        outbox = services.queue.outbox
        kinds = [next(iter(outbox.load(i.id).body)) for i in outbox.items(("pending",))]
        assert kinds == ["draft_save", "consent_withdrawal"]
    finally:
        services.queue.sync.start()
    deadline = time.monotonic() + 15
    while services.queue.outbox.items(("pending",)):
        assert time.monotonic() < deadline, "the outbox never emptied"
        time.sleep(0.05)
    assert len(sandbox.store.consent_withdrawals(PERSON)) == 1 and sandbox.store.drafts(PERSON) == []
