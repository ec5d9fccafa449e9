"""POST/GET /api/v1/consents (scopes identity and licences), and consents carried inside a queued case."""

import time

import pytest

from common.backend_errors import RejectedError
from sandbox.form_answers import answers
from common.domain import Application, Consent
from devices.idcard.samples import sample_identity
from tests.backend_helpers import TERMINAL, brought, client_for, signed

ZHANG = sample_identity("resident").id_number


@pytest.fixture
def client(sandbox):
    return client_for(sandbox.url)


def test_an_identity_consent_needs_no_service_and_is_returned_as_stored(client):
    given = Consent(ZHANG, "identity", "id_card", "pipl-identity-2026.1")
    stored = client.record_consent(given)
    assert (stored.scope, stored.service_code, stored.text_version, stored.key) == (
        "identity", None, "pipl-identity-2026.1", given.key)
    assert stored.agreed_at == given.agreed_at.isoformat(timespec="seconds") and stored.recorded_at
    assert [c.consent_id for c in client.consents(ZHANG)] == [stored.consent_id]


def test_an_identity_consent_does_not_unlock_licences(client):
    stored = client.record_consent(Consent(ZHANG, "identity", "id_card", "v1"))
    with pytest.raises(RejectedError) as caught:
        client.licences(ZHANG, stored.consent_id)
    assert caught.value.code == "consent_required"


def test_a_licences_consent_names_its_service_or_is_refused_422(client):
    with pytest.raises(RejectedError) as caught:
        client.record_consent(Consent(ZHANG, "licences", "id_card", "v1"))
    assert (caught.value.status, caught.value.code) == (422, "service_required")
    assert caught.value.fields == {"service_code": "required"}
    with pytest.raises(RejectedError) as caught:
        client.record_consent(Consent(ZHANG, "licences", "id_card", "v1", "NO-SUCH"))
    assert caught.value.code == "service_not_found"
    stored = client.record_consent(Consent(ZHANG, "licences", "id_card", "v1", "GT-001"))
    assert stored.service_code == "GT-001" and client.licences(ZHANG, stored.consent_id)


def test_the_same_consent_sent_twice_is_recorded_once(client):
    given = Consent(ZHANG, "identity", "app_token", "v1")
    assert client.record_consent(given).consent_id == client.record_consent(given).consent_id
    assert len(client.consents(ZHANG)) == 1


def test_an_unknown_scope_is_refused_by_the_contract(sandbox):
    body = b'{"id_number": "%s", "scope": "everything", "method": "id_card", "text_version": "v1"}' % ZHANG.encode()
    answer = signed("POST", sandbox.url, "/api/v1/consents", body, headers={"Content-Type": "application/json"})
    assert answer.status_code in (400, 422) and answer.json()["error"]["code"]


def test_a_consent_made_offline_waits_with_the_case_and_is_recorded_once(services, sandbox):
    """The backend is away: the case and its consents go into the real offline queue, then arrive once."""
    identity = sample_identity("resident")
    consents = [Consent(identity.id_number, "identity", "id_card", "pipl-identity-2026.1"),
                Consent(identity.id_number, "licences", "id_card", "pipl-licences-2026.1", "GT-001")]
    app = Application(services.backend.service("GT-001"), identity, services.config.terminal.id,
                      form=answers(services.backend.service("GT-001")), consents=consents,
                      counter_checked=brought(services.backend.service("GT-001")))
    sandbox.faults.set("error")
    outcome = services.submitter.submit(app)
    assert outcome.provisional and sandbox.store.consents(identity.id_number) == []
    sandbox.faults.clear()
    deadline = time.monotonic() + 20
    while sandbox.store.case_by_provisional(outcome.number) is None or services.queue.outbox.items(("pending",)):
        assert time.monotonic() < deadline, "the queued case was not delivered"
        time.sleep(0.1)
    case_number = sandbox.store.case_by_provisional(outcome.number)["case_number"]
    # the delivery's answer lost and the same stored payload sent again: the case and its consents stay single
    replay = services.backend.submit_payload(dict(app.payload(), provisional_number=outcome.provisional_number),
                                             app.idempotency_key)
    assert replay.case_number == case_number
    recorded = services.backend.consents(identity.id_number)
    assert sorted((c.scope, c.key, c.case_number) for c in recorded) == sorted(
        (c.scope, c.key, case_number) for c in consents)


def test_a_consent_recorded_online_is_linked_not_doubled_when_its_case_arrives(client):
    identity = sample_identity("resident")
    given = Consent(identity.id_number, "identity", "id_card", "v1")
    online = client.record_consent(given)
    service = client.service("GT-001")
    app = Application(service, identity, TERMINAL, form=answers(service), consents=[given],
                      counter_checked=brought(service))
    submitted = client.submit(app)
    (stored,) = client.consents(identity.id_number)
    assert stored.consent_id == online.consent_id and stored.case_number == submitted.case_number


def test_a_case_with_a_licences_consent_without_service_is_refused_whole(client):
    identity = sample_identity("resident")
    app = Application(client.service("GT-001"), identity, TERMINAL, form=answers(client.service("GT-001")),
                      counter_checked=brought(client.service("GT-001")),
                      consents=[Consent(identity.id_number, "licences", "id_card", "v1")])
    with pytest.raises(RejectedError) as caught:
        client.submit(app)
    assert caught.value.code == "service_required" and caught.value.fields == {"consents.0.service_code": "required"}
    assert client.consents(identity.id_number) == []


def test_a_database_file_from_before_consent_records_still_opens_and_records(tmp_path):
    """kiosk sandbox --db keeps its file across versions: the consents table gains its columns."""
    import sqlite3

    from sandbox.store import Store

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE consents (consent_id TEXT PRIMARY KEY, id_number TEXT NOT NULL, scope TEXT NOT NULL,"
                   " service_code TEXT NOT NULL, method TEXT NOT NULL, terminal_id TEXT NOT NULL, expires REAL NOT NULL)")
        db.execute("INSERT INTO consents VALUES ('CS-old', ?, 'licences', 'GT-001', 'id_card', 'T', 0)", (ZHANG,))
    store = Store(path)
    try:
        stored = store.add_consent(Consent(ZHANG, "identity", "id_card", "v1").payload(), "T-OLD")
        assert [c["consent_id"] for c in store.consents(ZHANG)] == [stored["consent_id"]]
    finally:
        store.close()
