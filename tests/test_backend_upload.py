"""A large case on a slow hall line arrives; a line that crawls is given up (kiosk/backend/answer_watch.py).

Real lines on 127.0.0.1 (sandbox/bad_lines.py): :class:`SlowLine` carries what the terminal sends to a real
sandbox at a set rate, :class:`Trickle` with ``reading`` takes a byte at a time and never answers. Before the body
went in pieces, ``socket.sendall`` bounded the whole body by the connect timeout, so a case larger than the line
carries in that time failed on every attempt; and the answer's read timeout counted the time the kernel still held
the body, so a backend that answered at once after taking it was called silent.
"""

from __future__ import annotations

import os
import socket
import threading
import time

from common.backend_errors import OfflineError
from common.domain import Attachment
from kiosk.backend.answer_watch import AnswerWatch, unacknowledged
from sandbox.bad_lines import SlowLine, Trickle
from tests.backend_helpers import application, client_for
from tests.test_backend_contract import tls_files  # noqa: F401  (a certificate for 127.0.0.1)


def scans(total_bytes: int, pages: int = 3) -> list[Attachment]:
    """Pages of material M1 that do not compress, ``total_bytes`` in all."""
    each = total_bytes // pages
    return [Attachment(f"M1-{n}.jpg", "image/jpeg", b"\xff\xd8\xff\xe0" + os.urandom(each - 4))
            for n in range(1, pages + 1)]


def test_a_large_case_on_a_slow_line_arrives_whole(sandbox):
    """0.6 MB at 600 KB/s (about 1 s) with a connect timeout of 0.3 s and a read timeout of 0.5 s: the body goes in
    pieces and the answer's clock starts once the backend has it, so the case arrives on the first attempt."""
    files = scans(600_000)
    with SlowLine(sandbox.url, rate=600_000) as line:
        client = client_for(line.url, connect_timeout_s=0.3, read_timeout_s=0.5, retries=0)
        try:
            started = time.monotonic()
            sent = client.submit(application(client), files)
            took = time.monotonic() - started
        finally:
            client.close()
    assert line.carried >= 600_000 and took >= 0.8  # it went through the slow line, at its pace
    stored = sandbox.store.case_body(sent.case_number)["attachments"]
    assert [a["size"] for a in stored] == [len(f.data) for f in files]


def test_a_line_that_takes_the_body_a_byte_at_a_time_is_given_up_at_the_upload_deadline():
    """200 KiB at the slowest line allowed, 400 KiB/s: the answer's limit (1 s) and 0.5 s for the body, then the call
    fails like a cut line, saying the body was not taken; not a retry loop for ever."""
    with Trickle(gap_s=0.05, reading=True) as line:
        client = client_for(line.url, connect_timeout_s=0.3, read_timeout_s=0.5, retries=0,
                            min_upload_kib_per_second=400.0)
        try:
            assert client.upload_limit_s(200 * 1024) == 1.5
            started = time.monotonic()
            try:
                client.submit_payload({"service_code": "GT-001"}, "key-1", scans(200 * 1024))
                raise AssertionError("a line that crawls answered")
            except OfflineError as exc:
                error, took = exc, time.monotonic() - started
        finally:
            client.close()
    assert "did not take the request's" in error.detail and "within 2 s" in error.detail  # 1.5, said rounded
    assert 1.3 <= took < 3.0
    assert 0 < line.taken < 200 * 1024


def test_a_line_that_stops_taking_pieces_is_given_up_at_the_first_piece_it_holds():
    """More than the kernels hold (6 MB) towards a line that takes nothing: the piece that cannot go within the
    connect timeout ends the attempt, and the message says the line took no piece."""
    with Trickle(gap_s=60, reading=True) as line:
        client = client_for(line.url, connect_timeout_s=0.3, read_timeout_s=0.5, retries=0)
        try:
            started = time.monotonic()
            try:
                client.submit_payload({"service_code": "GT-001"}, "key-2", scans(6_000_000))
                raise AssertionError("a line that takes nothing answered")
            except OfflineError as exc:
                error, took = exc, time.monotonic() - started
        finally:
            client.close()
    assert "took no piece of the request within 0.3 s" in error.detail and took < 3.0


def test_the_uploads_deadline_does_not_cut_the_answer_that_follows():
    """A request sent quickly on a connection whose upload deadline comes while its answer is awaited: the
    upload's deadline is void then, the answer's own still cuts it."""
    ours, theirs = socket.socketpair()

    class Conn:
        sock = ours

    conn = Conn()
    read: list[bytes] = []
    watch = AnswerWatch(0.6, upload_bytes=10, upload_limit_s=0.1)
    with watch:
        watch._sending(conn)
        watch._awaiting(conn)  # sent at once: the answer's clock runs
        reader = threading.Thread(target=lambda: read.append(ours.recv(10)))
        reader.start()
        time.sleep(0.3)  # past the upload's deadline
        assert not watch.fired and reader.is_alive()
        reader.join(3)
    assert read == [b""] and watch.fired and not watch.fired_uploading
    ours.close()
    theirs.close()


def test_unacknowledged_bytes_are_read_from_the_socket():
    server = socket.create_server(("127.0.0.1", 0))
    server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    near = socket.create_connection(server.getsockname())
    far, _ = server.accept()
    try:
        near.setblocking(False)
        try:
            while True:
                near.send(b"x" * 65536)
        except BlockingIOError:
            pass
        assert unacknowledged(near) > 0  # the far end reads nothing: the kernel holds what was written
        far.close()
        near.close()
        assert unacknowledged(near) == 0  # a closed socket cannot say: nothing to wait for
    finally:
        server.close()


# -- a citizen waits queue.deliver_wait_s at most (offline_queue/sync.py, deliver_now) ---------------------------


def test_a_citizen_waits_the_delivery_timeout_and_the_case_arrives_after(sandbox, tmp_path):
    """A 0.8 MB case on a 400 KB/s line (about 2 s) while the citizen waits 0.5 s: they have the provisional number
    at 0.5 s, and the delivery goes on and arrives, marked delivered as the worker's would be."""
    from tests.idcard_rig import wait_for
    from tests.queue_helpers import enqueue, fast_sync, outbox

    with SlowLine(sandbox.url, rate=400_000) as line:
        client = client_for(line.url, connect_timeout_s=0.3, read_timeout_s=1.0)
        box = outbox(tmp_path)
        sync = fast_sync(box, client)
        try:
            item = enqueue(box, client, attachments=scans(800_000))
            started = time.monotonic()
            assert sync.deliver_now(item, 0.5) is None
            assert time.monotonic() - started < 1.0
            wait_for(lambda: box.item(item).state == "delivered", 20)
        finally:
            client.close()
    assert len(sandbox.store.case_body(box.item(item).case_number)["attachments"]) == 3


def test_a_refusal_that_comes_after_the_citizen_stopped_waiting_is_kept_as_nobody_heard_it(sandbox, tmp_path):
    """The same line, a case the backend refuses (a wrong ID check character): it comes after the citizen's 0.5 s,
    so it is the worker's kind: the terminal's on_refused keeps what it can, and the item is a dead letter."""
    from common.backend_errors import RejectedError
    from offline_queue.sync import SyncPolicy, SyncWorker
    from tests.idcard_rig import wait_for
    from tests.queue_helpers import outbox, payload

    heard: list[RejectedError] = []
    with SlowLine(sandbox.url, rate=400_000) as line:
        client = client_for(line.url, connect_timeout_s=0.3, read_timeout_s=1.0)
        box = outbox(tmp_path)
        sync = SyncWorker(box, client, SyncPolicy(base_delay_s=0.05, max_delay_s=0.2, idle_poll_s=0.05),
                          on_refused=lambda item, stored, exc: heard.append(exc))
        try:
            body, key = payload(client)
            body["applicant"]["id_number"] = "330106199003071235"  # a wrong check character: 422 bad_id_number
            item = box.enqueue(body, key, "330106199003071236", None, scans(800_000))
            assert sync.deliver_now(item, 0.5) is None
            wait_for(lambda: box.item(item).state == "dead", 20)
        finally:
            client.close()
    assert [exc.code for exc in heard] == ["bad_id_number"]


def test_a_saved_application_whose_pages_the_line_is_slow_to_carry_is_queued_at_the_wait(sandbox, tmp_path):
    """A draft with 0.8 MB of pages on a 400 KB/s line, the citizen's wait 0.5 s: saving it now is given up at 0.5 s,
    the draft queued (the notice prints "queued"), and the queue saves it with the upload's whole time."""
    from kiosk import drafts
    from kiosk.queue_setup import Queue
    from kiosk.submission import Submitter
    from offline_queue.sequence import ProvisionalSequence
    from tests.backend_helpers import TERMINAL
    from tests.idcard_rig import wait_for
    from tests.queue_helpers import fast_sync, outbox

    holder = "330106199003071236"
    body = {"id_number": holder, "service_code": "GT-001", "form": {}, "materials_done": ["M1"], "missing": [],
            "material_licences": {}}
    with SlowLine(sandbox.url, rate=400_000) as line:
        client = client_for(line.url, connect_timeout_s=0.3, read_timeout_s=1.0)
        box = outbox(tmp_path / "queue")
        sync = fast_sync(box, client)
        submitter = Submitter(Queue(box, ProvisionalSequence(tmp_path / "sequence.dat", TERMINAL), sync), client,
                              deliver_timeout_s=0.5)
        try:
            started = time.monotonic()
            kept = drafts.keep(client, submitter, drafts.ToSave(body, scans(800_000)))
            assert kept.how is drafts.Kept.QUEUED and time.monotonic() - started < 1.5
            assert sandbox.store.drafts(holder) == []
            sync.start()
            wait_for(lambda: len(sandbox.store.drafts(holder)) == 1, 20)
        finally:
            sync.stop()
            client.close()
    (saved,) = sandbox.store.drafts(holder)
    assert [a["size"] for a in saved["attachments"]] == [266_666] * 3


def test_a_tls_handshake_trickled_a_byte_at_a_time_ends_within_the_connect_timeout(tls_files):  # noqa: F811
    """The backend's TLS handshake at 4 bytes a second (each read inside the timeouts): CPython bounds the whole
    handshake by the socket's timeout, so the call ends as an unanswered one, not after the minutes it would take."""
    from sandbox.server import SandboxServer

    cert, key = tls_files
    with SandboxServer(ssl_certfile=str(cert), ssl_keyfile=str(key)) as server, \
            SlowLine(server.url, rate=1e6, back_rate=4.0) as line:
        client = client_for(line.url, ca_bundle=str(cert), connect_timeout_s=0.5, read_timeout_s=0.5)
        started = time.monotonic()
        try:
            client.catalogue()
            raise AssertionError("a handshake at 4 bytes a second was answered")
        except OfflineError:
            took = time.monotonic() - started
        finally:
            client.close()
    assert took < 1.5
