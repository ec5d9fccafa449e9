"""The print ticket's contract (docs/api/payloads.md, "Licences to print"): one print attempt, one ticket,
and a licence whose print was confirmed never printable again, even when the confirmation came late."""

from __future__ import annotations

import pytest

from common.backend_errors import RejectedError
from kiosk.queue_setup import Queue
from kiosk.submission import Submitter
from offline_queue.outbox import QueueLimits
from offline_queue.sequence import ProvisionalSequence
from tests.backend_helpers import TERMINAL, client_for
from tests.queue_helpers import fast_sync, outbox

ZHANG = "330106199003071236"  # 张测试: one licence ready (sandbox data)


@pytest.fixture
def client(sandbox):
    return client_for(sandbox.url)


def ready_licence(client) -> str:
    (ready,) = client.ready_licences(ZHANG)
    return ready["licence_id"]


def test_an_ask_again_under_the_attempts_key_gets_the_ticket_it_caused(sandbox, client):
    licence = ready_licence(client)
    first = client.print_ticket(licence, "attempt-0001")
    again = client.print_ticket(licence, "attempt-0001")  # the first answer was lost
    assert (again["ticket_id"], again["expires_at"]) == (first["ticket_id"], first["expires_at"])
    for other in (lambda: client.print_ticket(licence, "attempt-0002"), lambda: client.print_ticket(licence),
                  lambda: client_for(sandbox.url, "T-OTHER-TERMINAL").print_ticket(licence, "attempt-0001")):
        with pytest.raises(RejectedError, match="already_printed"):
            other()  # another attempt, or the same key from another terminal: the open ticket is not theirs
    client.release_ticket(first["ticket_id"])
    renewed = client.print_ticket(licence, "attempt-0001")  # released: the same key gets a new ticket
    assert renewed["ticket_id"] != first["ticket_id"]
    with pytest.raises(RejectedError, match="bad_idempotency_key"):
        client.print_ticket(licence, "short")


def test_a_confirmation_is_final_even_late_and_sent_twice(sandbox, client):
    licence = ready_licence(client)
    ticket = client.print_ticket(licence, "attempt-0001")["ticket_id"]
    with sandbox.store.tx() as db:  # the confirmation waited in the terminal's queue past the ticket's expiry
        db.execute("UPDATE tickets SET expires = 0")
    assert client.confirm_ticket(ticket)["status"] == "consumed"
    assert client.confirm_ticket(ticket)["status"] == "consumed"  # a resend after a lost answer: no change
    with pytest.raises(RejectedError, match="ticket_closed"):
        client.release_ticket(ticket)
    with pytest.raises(RejectedError, match="already_printed"):  # printed: refused as printed, not "not found"
        client.print_ticket(licence, "attempt-0002")
    assert client.ready_licences(ZHANG) == []


def test_a_confirmation_the_queue_cannot_store_goes_straight_to_the_backend(sandbox, client, tmp_path):
    box = outbox(tmp_path / "queue", limits=QueueLimits(min_free_mb=0, max_items=0))  # the queue's quota reached
    submitter = Submitter(Queue(box, ProvisionalSequence(tmp_path / "sequence.dat", TERMINAL), fast_sync(box, client)),
                          client)
    licence = ready_licence(client)
    ticket = client.print_ticket(licence, "attempt-0001")["ticket_id"]
    sandbox.faults.set("down")
    assert submitter.confirm_print(ticket, licence) is False  # logged, never raised: the licence is printed
    sandbox.faults.clear()
    assert submitter.confirm_print(ticket, licence) is True and box.items() == []
    assert sandbox.store.ticket(ticket)["status"] == "consumed"
