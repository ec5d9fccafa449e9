"""The hall's queue (叫号) against the sandbox on loopback: tickets taken and called through the client, a lost
answer retried without skipping anyone, recall, finishing, the day's end."""

import datetime as dt
import time

import pytest

from common.backend_errors import AuthError, OfflineError, RejectedError
from tests.backend_helpers import client_for


@pytest.fixture
def client(sandbox):
    return client_for(sandbox.url, retries=2)


@pytest.fixture
def token(client):
    return client.staff_sign_in("XH0001", "demo-XH0001")["token"]


def test_tickets_count_per_category_and_say_how_many_wait_ahead(client, sandbox):
    first = client.take_queue_ticket(category="A", idempotency_key="take-0001")
    second = client.take_queue_ticket(service_code="SB-003")  # a social-security service queues under A
    business = client.take_queue_ticket(service_code="GT-001")  # a market service under B
    assert (first["ticket_number"], first["waiting_ahead"], first["status"]) == ("A001", 0, "waiting")
    assert (second["ticket_number"], second["waiting_ahead"], second["service_code"]) == ("A002", 1, "SB-003")
    assert business["ticket_number"] == "B001" and business["category"] == "B"
    assert client.take_queue_ticket(category="A", idempotency_key="take-0001") == first  # a dispenser's retry
    assert client.queue_waiting() == 3 and client.queue_waiting(["B"]) == 1
    expires = dt.datetime.fromisoformat(first["expires_at"])
    assert expires.time() == dt.time(0, 0) and expires.date() == dt.date.today() + dt.timedelta(days=1)
    with sandbox.store.tx() as db:  # nothing of a person is kept with a ticket
        columns = {row["name"] for row in db.execute("PRAGMA table_info(queue_tickets)")}
    assert not columns & {"id_number", "name", "holder", "phone"}


def test_a_window_calls_in_order_and_a_retry_under_its_key_calls_nobody_new(client, token, sandbox):
    for _ in range(3):
        client.take_queue_ticket(category="A")
    sandbox.faults.set("lose_reply")  # called, then the answer lost (and each retry's)
    with pytest.raises(OfflineError):
        client.call_queue_ticket(token, 3, "call-key-01")
    sandbox.faults.clear()
    called = client.call_queue_ticket(token, 3, "call-key-01")  # the clerk's retry, the same key
    assert (called["ticket_number"], called["status"], called["window"], called["calls"]) == ("A001", "called", 3, 1)
    assert client.queue_waiting() == 2  # A001 was called once: A002 was not skipped
    again = client.recall_queue_ticket(token, "A001", 3)
    assert again["calls"] == 2 and again["status"] == "called"
    with pytest.raises(RejectedError) as other_window:
        client.recall_queue_ticket(token, "A001", 4)
    assert other_window.value.code == "not_called_here"
    assert client.finish_queue_ticket(token, "A001", 3, "no_show")["status"] == "no_show"
    assert client.finish_queue_ticket(token, "A001", 3, "no_show")["status"] == "no_show"  # again: the same
    with pytest.raises(RejectedError) as finished:
        client.finish_queue_ticket(token, "A001", 3, "served")
    assert finished.value.code == "already_finished"
    second = client.call_queue_ticket(token, 3, "call-key-02")
    third = client.call_queue_ticket(token, 3, "call-key-03")  # the window's A002 left unfinished: served by this
    assert (second["ticket_number"], third["ticket_number"]) == ("A002", "A003")
    with sandbox.store.tx() as db:
        status = db.execute("SELECT status FROM queue_tickets WHERE number = 'A002'").fetchone()[0]
    assert status == "served"
    assert client.call_queue_ticket(token, 3, "call-key-04") is None  # no one waits


def test_calling_needs_a_clerk_s_token_and_names_only_known_categories(client, token):
    client.take_queue_ticket(category="A")
    with pytest.raises(AuthError):
        client.call_queue_ticket("not-a-token-at-all", 3, "call-key-05")
    with pytest.raises(RejectedError) as unknown:
        client.call_queue_ticket(token, 3, "call-key-06", categories=["Z"])
    assert unknown.value.code == "unknown_category"
    assert client.call_queue_ticket(token, 3, "call-key-07", categories=["B"]) is None  # A waits, B does not
    assert client.call_queue_ticket(token, 3, "call-key-08", categories=["A"])["ticket_number"] == "A001"


def test_tickets_expire_at_the_end_of_the_day(client, token, sandbox):
    client.take_queue_ticket(category="A")
    queue = sandbox.store.queue
    tomorrow = dt.datetime.combine(dt.date.today() + dt.timedelta(days=1), dt.time(8, 30)).timestamp()
    queue.clock = lambda: tomorrow
    try:
        assert client.queue_waiting() == 0
        assert client.call_queue_ticket(token, 3, "call-key-09") is None
        with pytest.raises(RejectedError) as gone:
            client.finish_queue_ticket(token, "A001", 3, "served")
        assert gone.value.code == "queue_ticket_not_found"
        assert client.take_queue_ticket(category="A")["ticket_number"] == "A001"  # numbers start again
    finally:
        queue.clock = time.time
