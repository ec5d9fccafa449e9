"""Applying while the service system is away (kiosk/catalogue.py): the home screen says a citizen can, and now the
list of services is the one the backend last gave the terminal, said as such; the case goes to the outbox under a
provisional number and arrives once the backend is back. The window signs in with it too. Against the sandbox over
HTTP, no Qt."""

import json

import pytest

from common.backend_errors import AuthError, ServerError
from common.signing import Signer
from devices.idcard.samples import sample_identity
from kiosk.catalogue import FILE_NAME, HeldCatalogue, file_key
from kiosk.workflows.citizen import Step
from tests.backend_helpers import client_for
from tests.citizen_steps import identify, provide_materials

AWAY = "The service system is away: services as of {time}. You can still apply."


def test_the_catalogue_held_is_offered_only_when_the_backend_is_away_or_answers_badly(sandbox):
    held, client = HeldCatalogue(), client_for(sandbox.url)
    sandbox.faults.set("down")
    with pytest.raises(ServerError):  # nothing held yet: the backend's error, as before
        held.fetch(client)
    sandbox.faults.clear()
    fresh = held.fetch(client)
    assert fresh.held_since is None and len(fresh.items) == 15 and held.held
    for fault in ("down", "error", "forge", "drop"):
        sandbox.faults.set(fault)
        offered = held.fetch(client)
        assert offered.items == fresh.items and offered.held_since is not None, fault
        sandbox.faults.clear()
    stranger = client_for(sandbox.url, signer=Signer("T-TEST", b"k" * 32))  # signed with a key the backend refuses
    with pytest.raises(AuthError):  # the terminal itself refused is no outage: nothing held offered
        held.fetch(stranger)


def test_a_citizen_applies_while_the_backend_is_away_from_the_list_it_last_gave(services, sandbox):
    first = services.new_citizen_session()
    identify(first)
    first.continue_to_services()  # the backend's catalogue, held by the terminal
    assert first.step is Step.CHOOSE_SERVICE and first.notice is None
    first.finish()

    sandbox.faults.set("down")
    session = services.new_citizen_session()
    identify(session)
    session.continue_to_services()
    assert session.step is Step.CHOOSE_SERVICE and not session.notice.error
    said = session.notice.message.render("en")
    assert said.startswith(AWAY.split("{time}")[0]) and said.endswith(AWAY.split("{time}")[1])
    assert "仍可申请" in session.notice.message.render("zh_CN")
    session.choose_service("SB-003")
    session.start_application()
    if session.step is Step.WHO:
        from common.domain import ApplyAs
        session.choose_applicant(ApplyAs.MYSELF)
    provide_materials(session)  # its licences cannot be fetched: the ID card scanned on paper
    session.confirm()
    assert session.step is Step.DONE and session.receipt.provisional, session.notice
    number = session.receipt.case_number
    sandbox.faults.clear()
    for item in services.queue.outbox.items(("pending",)):  # the sync worker's next pass
        services.queue.sync.deliver_now(item.id)
    with sandbox.store.tx() as db:
        (case,) = db.execute("SELECT service_code FROM cases WHERE provisional_number = ?", (number,)).fetchall()
    assert case["service_code"] == "SB-003"
    session.finish()


def test_with_nothing_held_the_citizen_is_told_the_service_system_is_away(services, sandbox):
    sandbox.faults.set("down")
    session = services.new_citizen_session()
    identify(session)
    session.continue_to_services()
    assert session.step is Step.IDENTIFIED and session.notice.error
    assert session.notice.message.render("en") == "The service system had a problem. Please try again in a moment."


def test_a_clerk_signing_in_while_the_backend_is_away_has_the_list_it_last_gave(services, sandbox):
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")  # online: the verifier and the catalogue held
    held = [s.code for s in desk.catalogue]
    desk.sign_out()
    sandbox.faults.set("down")
    again = services.new_clerk_desk()
    again.sign_in("XH0001", "demo-XH0001")  # offline, by the verifier held
    assert again.staff is not None and [s.code for s in again.catalogue] == held and held
    again.card_read(sample_identity("resident"))  # the catalogue asked again: the one held stays
    assert [s.code for s in again.catalogue] == held
    again.next_applicant()


def test_the_catalogue_kept_on_disk_is_offered_after_a_restart_during_an_outage(sandbox, tmp_path):
    client, key = client_for(sandbox.url), file_key(b"k" * 32)
    path = tmp_path / FILE_NAME
    first = HeldCatalogue(path=path, key=key).fetch(client)
    assert path.exists() and path.stat().st_mode & 0o777 == 0o600  # as every file of the terminal
    sandbox.faults.set("down")
    restarted = HeldCatalogue(path=path, key=key)  # the terminal started again while the backend is away
    offered = restarted.fetch(client)
    assert offered.items == first.items and offered.held_since is not None  # every field as the backend gave it
    with pytest.raises(ServerError):  # sealed with another terminal's key: not offered
        HeldCatalogue(path=path, key=file_key(b"x" * 32)).fetch(client)
    kept = json.loads(path.read_bytes())
    body = json.loads(kept["body"])
    body["items"][0]["name_zh"] = "伪造的事项"
    kept["body"] = json.dumps(body, ensure_ascii=False)
    path.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ServerError):  # edited on the disk: not offered
        HeldCatalogue(path=path, key=key).fetch(client)
    for damaged in (b"", b"{", b'{"mac": 1, "body": 2}', b"\xff\xfe"):
        path.write_bytes(damaged)
        with pytest.raises(ServerError):  # unreadable: not offered, nothing else happens
            HeldCatalogue(path=path, key=key).fetch(client)


@pytest.mark.parametrize("change, refused, kept", [
    ({"drop": "M3"}, "unknown_material", {"M1", "M2", "M4"}),
    ({"add": "lease"}, "materials_missing", {"M1", "M2", "M3", "M4"})])
def test_a_case_made_offline_for_a_service_changed_meanwhile_is_kept_as_a_draft_with_what_still_stands(
        services, sandbox, change, refused, kept):
    """Applied from the held list while the backend was away; the hall dropped one of the service's materials, or
    added one, meanwhile. The case is refused on arrival (422 unknown_material, or materials_missing: the backend's
    check of the materials brought) and kept as the applicant's draft: saved with what the service still lists, not
    refused in turn; the refusal is recorded under the case's provisional number, for the progress check."""
    from tests.test_materials_changed import LEASE, change_materials
    from tests.test_materials_session import scan

    first = services.new_citizen_session()
    identify(first)
    first.continue_to_services()  # the catalogue held
    first.finish()
    sandbox.faults.set("down")
    session = services.new_citizen_session()
    identify(session)
    session.continue_to_services()
    session.choose_service("GJJ-004")
    session.start_application()
    from tests.citizen_steps import FORMS, fill_form
    fill_form(session, FORMS["GJJ-004"])
    if session.step is Step.LICENCE_CONSENT:
        session.decline_licences()
    for code in ("M1", "M2", "M3", "M4"):
        scan(session, code, session.checklist[code].requirement.pages)
    session.materials_done()
    if session.step is Step.SIGNATURE:
        from tests.citizen_steps import signature_png
        session.sign(signature_png())
    session.confirm()
    assert session.step is Step.DONE and session.receipt.provisional, session.notice
    provisional = session.receipt.case_number
    session.finish()
    change_materials(sandbox, "GJJ-004", drop=change.get("drop", ""),  # the hall's change, made while cut off
                     add=LEASE if "add" in change else None)
    sandbox.faults.clear()
    import time

    deadline = time.monotonic() + 20
    while services.queue.outbox.items(("pending",)) and time.monotonic() < deadline:
        services.queue.sync.run_once()  # the sync worker's passes, nobody waiting: the case, then the draft behind it
        time.sleep(0.2)
    (saved,) = services.backend.drafts("330106199003071236")
    assert saved["service_code"] == "GJJ-004" and set(saved["materials_done"]) == kept
    assert {a["material_code"] for a in saved["attachments"]} == kept
    assert sandbox.store.refusals.of(provisional)["code"] == refused
    if refused == "materials_missing":  # kept with the list applied against, so continuing it says what was added
        assert [m["code"] for m in saved["listed_materials"]] == ["M1", "M2", "M3", "M4"]
        again = services.new_citizen_session()
        identify(again)
        again.resume_draft(saved["draft_id"])
        assert again.step is Step.MATERIALS and [m.code for m in again.checklist.pending()] == ["M5"], again.notice
        assert "Now asked for: Lease contract." in again.notice.message.render("en")
    assert not services.queue.outbox.items(("pending",))
