"""Delivery against the real sandbox over HTTP: every failure ends in exactly one case."""

import time

import pytest

from common.domain import Attachment
from offline_queue.item_kinds import ticket_confirmation
from sandbox.server import SandboxServer, free_port
from tests.backend_helpers import TEST_WINDOWS, client_for
from tests.queue_helpers import SCAN, enqueue, fast_sync, outbox, payload


def deliver_all(sync, box, timeout_s=15.0):
    deadline = time.monotonic() + timeout_s
    while box.items(("pending",)):
        assert time.monotonic() < deadline, f"still pending: {box.items(('pending',))}"
        sync.run_once()
        time.sleep(0.05)


def wait_for(condition, timeout_s=10.0):
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "the awaited state never came"
        time.sleep(0.02)


def cases_for(sandbox, provisional_number):
    return [c for c in sandbox.store.cases_of("330106199003071236") if c["provisional_number"] == provisional_number]


@pytest.mark.parametrize("fault", ["error", "down", "drop", "lose_reply"])
def test_every_fault_ends_in_exactly_one_case(sandbox, tmp_path, fault):
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    sync = fast_sync(box, client)
    item = enqueue(box, client, "P-T-TEST-20261127-00001-Q", [SCAN])
    sandbox.faults.set(fault)
    assert sync.run_once() == 0
    state = box.item(item)
    assert state.state == "pending" and state.attempts == 1 and state.last_error
    sandbox.faults.clear()
    deliver_all(sync, box)
    (case,) = cases_for(sandbox, "P-T-TEST-20261127-00001-Q")
    assert box.item(item).case_number == case["case_number"]
    assert len(sandbox.store.attachments(case["case_number"])) == 1


def test_slow_backend_past_the_read_timeout(sandbox, tmp_path):
    client = client_for(sandbox.url, read_timeout_s=0.3)
    box = outbox(tmp_path)
    sync = fast_sync(box, client)
    # the case built by a client with the usual timeout: on a loaded machine a fresh sandbox's first answer (its
    # routes built lazily) took longer than 0.3 s, and the test failed before it began (a clean-clone CI run)
    enqueue(box, client_for(sandbox.url), "P-T-TEST-20261127-00002-Q")
    sandbox.faults.slow_s = 1.0
    sandbox.faults.set("slow")
    assert sync.run_once() == 0  # the terminal gave up, the backend still did the work
    wait_for(lambda: len(cases_for(sandbox, "P-T-TEST-20261127-00002-Q")) == 1)
    sandbox.faults.clear()
    deliver_all(sync, box)
    assert len(cases_for(sandbox, "P-T-TEST-20261127-00002-Q")) == 1


def test_connection_dropped_mid_upload_of_large_scans(sandbox, tmp_path):
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    sync = fast_sync(box, client)
    big = [Attachment(f"M2-{i}.jpg", "image/jpeg", b"\xff\xd8\xff" + bytes(3 * 1024 * 1024)) for i in (1, 2)]
    enqueue(box, client, "P-T-TEST-20261127-00003-Q", big)
    sandbox.faults.set("drop")
    assert sync.run_once() == 0
    sandbox.faults.clear()
    deliver_all(sync, box)
    (case,) = cases_for(sandbox, "P-T-TEST-20261127-00003-Q")
    assert len(sandbox.store.attachments(case["case_number"])) == 2


def test_backend_not_there_then_back_and_a_terminal_restart_in_between(sandbox, tmp_path):
    port = free_port()
    client = client_for(f"http://127.0.0.1:{port}")
    box = outbox(tmp_path)
    sync = fast_sync(box, client)
    item = enqueue(box, client_for(sandbox.url), "P-T-TEST-20261127-00004-Q")  # built while the catalogue answered
    assert sync.run_once() == 0
    assert sync.run_once() == 0  # probes /health first, backs off, sends nothing
    box.close()
    with SandboxServer(windows=TEST_WINDOWS, port=port) as server:
        box = outbox(tmp_path)  # the terminal restarted
        sync = fast_sync(box, client_for(server.url))
        deliver_all(sync, box)
        assert len(cases_for(server, "P-T-TEST-20261127-00004-Q")) == 1
        assert box.item(item).state == "delivered"


def test_crash_between_sent_and_recorded_is_resolved_by_the_idempotency_key(sandbox, tmp_path):
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    item = enqueue(box, client, "P-T-TEST-20261127-00005-Q")
    loaded = box.load(item)
    client.submit_payload(loaded.body, box.item(item).idempotency_key)  # sent, then the terminal died
    box.close()
    box = outbox(tmp_path)
    deliver_all(fast_sync(box, client), box)
    assert len(cases_for(sandbox, "P-T-TEST-20261127-00005-Q")) == 1


def test_a_409_is_resolved_only_under_the_items_own_idempotency_key(sandbox, tmp_path):
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    body, key = payload(client, "P-T-TEST-20261127-00006-Q")
    earlier = client.submit_payload(dict(body, form=dict(body["form"], n="another")), key)  # another version got there
    item = box.enqueue(body, key, body["applicant"]["id_number"], "P-T-TEST-20261127-00006-Q")
    deliver_all(fast_sync(box, client), box)
    assert box.item(item).state == "delivered" and box.item(item).case_number == earlier.case_number
    assert len(cases_for(sandbox, "P-T-TEST-20261127-00006-Q")) == 1


def test_a_provisional_number_held_by_another_application_holds_the_item_and_deletes_nothing(sandbox, tmp_path):
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    number = "P-T-TEST-20261127-00016-Q"
    first, first_key = payload(client, number)
    theirs = client.submit_payload(first, first_key)  # the first citizen's case, delivered under this number
    mine = enqueue(box, client, number, [SCAN], sample="resident_long_term")  # a repeated number, another citizen
    fast_sync(box, client).run_once()
    held = box.item(mine)
    assert held.state == "held" and held.case_number is None and held.has_payload
    assert "another application" in held.last_error and number in held.last_error
    kept = box.load(mine)  # nothing deleted: the application can still be sent once staff have resolved it
    assert kept.attachments[0].data == SCAN.data and kept.body["provisional_number"] == number
    assert [c["case_number"] for c in cases_for(sandbox, number)] == [theirs.case_number]
    assert box.status()["counts"]["held"] == 1 and box.due() == []


def test_permanent_rejection_is_a_dead_letter_with_the_servers_reason(sandbox, tmp_path):
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    body, key = payload(client)
    body["service_code"] = "NO-SUCH"
    item = box.enqueue(body, key, "A")
    good = enqueue(box, client)
    sync = fast_sync(box, client)
    sync.run_once()
    assert box.item(item).state == "dead" and "service_not_found" in box.item(item).last_error
    assert box.item(good).state == "delivered"


def test_a_tampered_item_is_quarantined_and_the_rest_go_on(sandbox, tmp_path):
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    bad = enqueue(box, client, attachments=[SCAN])
    good = enqueue(box, client, sample="resident_long_term")
    blob = tmp_path / "attachments" / f"{bad}.0.bin"
    blob.write_bytes(blob.read_bytes()[:-3] + b"xyz")
    fast_sync(box, client).run_once()
    assert box.item(bad).state == "quarantined" and "attachment 0 does not authenticate" in box.item(bad).last_error
    assert box.item(good).state == "delivered"


def test_attempts_are_bounded(sandbox, tmp_path):
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    item = enqueue(box, client)
    sync = fast_sync(box, client, max_attempts=3)
    sandbox.faults.set("error")
    deadline = time.monotonic() + 10
    while box.item(item).state == "pending":
        assert time.monotonic() < deadline
        sync.run_once()
        time.sleep(0.05)
    assert box.item(item).state == "dead" and "gave up after 3 attempts" in box.item(item).last_error


def test_the_worker_thread_delivers_on_its_own_and_stops_cleanly(sandbox, tmp_path):
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    sync = fast_sync(box, client)
    sync.start()
    try:
        item = enqueue(box, client)
        sync.notify()
        deadline = time.monotonic() + 10
        while box.item(item).state != "delivered":
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        began = time.monotonic()
        sync.stop()
        assert time.monotonic() - began < 5


def test_delayed_purge_runs_from_the_worker(sandbox, tmp_path):
    client = client_for(sandbox.url)
    now = [time.time()]
    box = outbox(tmp_path, clock=lambda: now[0])
    sync = fast_sync(box, client, purge_after_s=0.3)
    item = enqueue(box, client, attachments=[SCAN])
    sync.run_once()
    assert box.item(item).state == "delivered" and box.item(item).has_payload  # kept for the configured time
    now[0] += 0.29
    assert sync.retention() == {"delivered": 0} and box.item(item).has_payload
    now[0] += 0.02
    assert sync.retention() == {"delivered": 1}
    assert not box.item(item).has_payload and not list((tmp_path / "attachments").glob(f"{item}.*"))


def test_an_item_whose_metadata_does_not_parse_is_quarantined_and_the_rest_go_on(sandbox, tmp_path):
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    bad = enqueue(box, client, attachments=[SCAN])
    goods = [enqueue(box, client, sample=sample) for sample in ("resident_long_term", "resident")]
    box._db.execute("UPDATE items SET files = '[{\"idx\": 0, \"na' WHERE id = ?", (bad,))
    sync = fast_sync(box, client)
    deliver_all(sync, box)
    assert box.item(bad).state == "quarantined" and box.item(bad).last_error.startswith("cannot load")
    assert [box.item(g).state for g in goods] == ["delivered", "delivered"]


class FlakyDeliverer:
    """The real client, except that items under ``broken_keys`` raise an error no one expects."""

    def __init__(self, client, broken_keys, error):
        self._client, self.broken_keys, self._error = client, broken_keys, error

    def health(self):
        return self._client.health()

    def submit_payload(self, body, idempotency_key, attachments=()):
        if idempotency_key in self.broken_keys:
            raise self._error
        return self._client.submit_payload(body, idempotency_key, attachments)


@pytest.mark.parametrize("error", [ValueError("nan"), KeyError("case_number"), RuntimeError("boom")])
def test_the_worker_thread_survives_a_deliverer_that_raises_and_delivers_the_next_item(sandbox, tmp_path, error):
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    body, key = payload(client)
    broken = box.enqueue(body, key, body["applicant"]["id_number"])
    good = enqueue(box, client, sample="resident_long_term")
    sync = fast_sync(box, FlakyDeliverer(client, {key}, error))
    sync.start()
    try:
        wait_for(lambda: box.item(good).state == "delivered")
        wait_for(lambda: box.item(broken).attempts >= 2)  # backed off and tried again, not stuck or dropped
        assert sync._thread.is_alive()
        assert box.item(broken).state == "pending" and type(error).__name__ in box.item(broken).last_error
    finally:
        sync.stop()


@pytest.mark.parametrize("method", ["due", "next_due_at", "mark_delivered"])
def test_the_worker_thread_survives_an_outbox_method_that_raises(sandbox, tmp_path, monkeypatch, method):
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    real, calls = getattr(box, method), []

    def raises_once(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise OSError(5, "Input/output error")
        return real(*args, **kwargs)

    monkeypatch.setattr(box, method, raises_once)
    item = enqueue(box, client, "P-T-TEST-20261127-00021-Q")
    sync = fast_sync(box, client)
    sync.start()
    try:
        wait_for(lambda: calls)
        other = enqueue(box, client, sample="resident_long_term")
        sync.notify()
        wait_for(lambda: box.item(item).state == box.item(other).state == "delivered")
        assert sync._thread.is_alive()
        assert len(cases_for(sandbox, "P-T-TEST-20261127-00021-Q")) == 1  # sent again after the failure, once
    finally:
        sync.stop()


def test_deliver_now_raises_a_permanent_refusal_to_the_citizen_who_waits(sandbox, tmp_path):
    """A 4xx while a citizen waits: the item is a dead letter for staff, and the refusal reaches the caller
    (it used to return None, which the kiosk took for 'saved offline, sent later')."""
    from common.backend_errors import RejectedError
    from tests.backend_helpers import client_for
    from tests.queue_helpers import fast_sync, outbox as make_outbox, payload
    client = client_for(sandbox.url)
    box = make_outbox(tmp_path)
    sync = fast_sync(box, client)
    body, key = payload(client)
    body["applicant"]["id_number"] = "330106199003071235"  # a wrong check character: 422 bad_id_number
    item = box.enqueue(body, key, "330106199003071236")
    try:
        sync.deliver_now(item)
    except RejectedError as exc:
        assert exc.code == "bad_id_number"
    else:
        raise AssertionError("the refusal did not reach the caller")
    assert box.item(item).state == "dead"


def test_a_print_confirmation_is_delivered_once_the_backend_is_back_and_a_refused_one_is_a_dead_letter(sandbox,
                                                                                                        tmp_path):
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    sync = fast_sync(box, client)
    (ready,) = client.ready_licences("330106199003071236")
    ticket = client.print_ticket(ready["licence_id"], "attempt-0001")["ticket_id"]
    printed = box.enqueue(ticket_confirmation(ticket, ready["licence_id"]), "confirmation-1", ready["licence_id"])
    unknown = box.enqueue(ticket_confirmation("TK-0000000000000000", "LIC-X"), "confirmation-2", "LIC-X")
    sandbox.faults.set("lose_reply")  # consumed, the answer lost: sent again, the backend answers it as done
    assert sync.run_once() == 0 and box.item(printed).state == "pending"
    sandbox.faults.clear()
    deliver_all(sync, box)
    assert box.item(printed).state == "delivered" and sandbox.store.ticket(ticket)["status"] == "consumed"
    assert box.item(unknown).state == "dead" and "ticket_not_found" in box.item(unknown).last_error


def test_a_marked_item_that_names_nothing_to_send_is_a_dead_letter_not_a_case(sandbox, tmp_path):
    box = outbox(tmp_path)
    sync = fast_sync(box, client_for(sandbox.url))
    item = box.enqueue({"ticket_confirmation": {"licence_id": "LIC-X"}}, "confirmation-3", "LIC-X")
    assert sync.run_once() == 0
    assert box.item(item).state == "dead" and "malformed ticket_confirmation" in box.item(item).last_error


class _MovedDuringTheRequest:
    """The real client; while its request is in flight, something else moves the item (a staff action, another
    process's command): the moment the worker's answer would be written over it."""

    def __init__(self, client, move):
        self._client, self._move = client, move

    def __getattr__(self, name):
        return getattr(self._client, name)

    def submit_payload(self, *args, **kw):
        self._move()
        return self._client.submit_payload(*args, **kw)


def _open_counts(root):
    box = outbox(root)  # reopened: what the quota counts from the rows, to compare with the running count
    try:
        return box._open_items, box._open_bytes
    finally:
        box.close()


@pytest.mark.parametrize("answer", ["refused", "error"])
def test_an_attempts_outcome_is_not_written_over_an_item_moved_while_it_was_in_flight(sandbox, tmp_path, answer):
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    body, key = payload(client)
    if answer == "refused":
        body["service_code"] = "NO-SUCH"
    item = box.enqueue(body, key, "A")
    sync = fast_sync(box, _MovedDuringTheRequest(client, lambda: box.quarantine(item, "test: set aside meanwhile")))
    if answer == "error":
        sandbox.faults.set("error")
    assert sync.run_once() == 0
    sandbox.faults.clear()
    moved = box.item(item)
    # before: the refusal made it dead, or the retry pushed its next attempt (from which a quarantined item's
    # retention counts) a backoff later
    assert moved.state == "quarantined" and moved.last_error == "test: set aside meanwhile" and moved.attempts == 0
    assert box.items(("pending",)) == []


def test_a_delivery_is_recorded_over_a_move_made_while_it_was_in_flight_and_the_quota_stays_true(sandbox, tmp_path):
    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    item = enqueue(box, client, "P-T-TEST-20261127-00009-Q", [SCAN])
    sync = fast_sync(box, _MovedDuringTheRequest(client, lambda: box.quarantine(item, "test: set aside meanwhile")))
    assert sync.run_once() == 1
    (case,) = cases_for(sandbox, "P-T-TEST-20261127-00009-Q")
    delivered = box.item(item)
    # the backend holds it: a quarantined copy of a delivered case would be retried by staff and sent twice
    assert delivered.state == "delivered" and delivered.case_number == case["case_number"]
    assert (box._open_items, box._open_bytes) == (0, 0)
    box.close()
    assert _open_counts(tmp_path) == (0, 0)


def test_a_queued_draft_is_saved_with_its_pages_once_however_often_sent_and_a_refused_one_is_a_dead_letter(sandbox,
                                                                                                           tmp_path):
    from common.domain import Application
    from devices.idcard.samples import sample_identity
    from kiosk.backend.client import application_draft
    from offline_queue.item_kinds import DRAFT_SAVE
    from tests.queue_helpers import TERMINAL

    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    person = "330106199003071236"
    application = Application(client.service("GT-001"), sample_identity("resident"), TERMINAL, form={"n": "kept"})
    body = application_draft(application, materials_done=["M2"], missing=["M1"])
    first = box.enqueue(DRAFT_SAVE.queued(body), "draft-1", person, None, [SCAN])
    again = box.enqueue(DRAFT_SAVE.queued(body), "draft-2", person, None, [SCAN])  # sent twice: still one draft
    refused = box.enqueue(DRAFT_SAVE.queued(dict(body, service_code="NO-SUCH")), "draft-3", person)
    deliver_all(fast_sync(box, client), box)
    assert box.item(first).state == "delivered" and box.item(again).state == "delivered"
    assert box.item(refused).state == "dead" and "service_not_found" in box.item(refused).last_error
    (saved,) = client.drafts(person)
    assert saved["form"] == {"n": "kept"} and saved["missing"] == ["M1"]
    assert [a["name"] for a in saved["attachments"]] == ["M2-1.jpg"]
    assert client.draft_page(saved["draft_id"], "M2-1.jpg", saved["attachments"][0]["sha256"]) == SCAN.data


def test_a_queued_draft_that_arrives_after_its_holder_s_case_is_a_dead_letter_not_a_draft_again(sandbox, tmp_path):
    """Queued with a notice on a terminal cut off for long; the citizen meanwhile applied at another terminal:
    saved now, the draft would be offered again at the next visit and could make a second case."""
    import datetime as dt

    from common.domain import Application
    from devices.idcard.samples import sample_identity
    from kiosk.backend.client import application_draft
    from offline_queue.item_kinds import DRAFT_SAVE
    from tests.queue_helpers import TERMINAL

    client = client_for(sandbox.url)
    box = outbox(tmp_path)
    person = "330106199003071236"
    application = Application(client.service("GT-001"), sample_identity("resident"), TERMINAL, form={"n": "kept"})
    body = dict(application_draft(application, missing=["M1"]),
                saved_at=(dt.datetime.now().astimezone() - dt.timedelta(hours=2)).isoformat(timespec="seconds"))
    late = box.enqueue(DRAFT_SAVE.queued(body), "draft-late", person)
    case, key = payload(client)  # GT-001 for the same person, submitted at another terminal since
    client.submit_payload(case, key)
    deliver_all(fast_sync(box, client), box)
    assert box.item(late).state == "dead" and "draft_superseded" in box.item(late).last_error
    assert client.drafts(person) == []
