"""A backend that does not answer in time costs a person one bounded wait (kiosk/backend/answer_watch.py and the
retry window in kiosk/backend/client.py; ``kiosk bench unanswered`` measures it with the hall's timeouts).

Real endpoints on 127.0.0.1 (sandbox/bad_lines.py): an answer trickled a byte at a time (its body, or its head),
a backend that takes the request and says nothing, an address where nothing listens. Before the deadline on the
whole answer, a trickled answer held the calling thread for ever: each byte came inside the read timeout.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from common.backend_errors import OfflineError
from kiosk.backend.answer_watch import AnswerWatch, _released
from sandbox.bad_lines import Blackhole, Trickle, refused_url
from tests.backend_helpers import client_for
from tests.test_backend_contract import tls_files  # noqa: F401  (a certificate for 127.0.0.1)

READ_S = 0.5  # read timeout here: the whole answer within max(1, 2 x 0.5) = 1 s
LIMIT_S = 1.0


def timed(call) -> tuple[BaseException | None, float]:
    started = time.monotonic()
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - the test looks at what it was
        return exc, time.monotonic() - started
    return None, time.monotonic() - started


@pytest.mark.parametrize("head", [False, True], ids=["body trickled", "head trickled"])
def test_an_answer_trickled_inside_each_read_timeout_ends_at_the_answer_deadline(head):
    with Trickle(gap_s=0.2, head=head) as line:
        client = client_for(line.url, read_timeout_s=READ_S, retries=2)
        try:
            error, took = timed(client.catalogue)
            assert isinstance(error, OfflineError) and "no whole answer" in error.detail, error
            assert LIMIT_S - 0.05 <= took < LIMIT_S + 1.0
            assert line.connections == 1  # slow: not asked again
            assert "无法连接" in error.message.render("zh_CN")
            error, took = timed(client.catalogue)  # the client lives on, and a fresh connection is watched too
            assert isinstance(error, OfflineError) and took < LIMIT_S + 1.0
        finally:
            client.close()


def test_an_answer_trickled_over_tls_ends_at_the_deadline_too(tls_files):
    """The socket under TLS is shut down as a plain one: the reader's SSL read ends, nothing else is raised."""
    cert, key = tls_files
    with Trickle(gap_s=0.2, certfile=str(cert), keyfile=str(key)) as line:
        client = client_for(line.url, read_timeout_s=READ_S, retries=2, ca_bundle=str(cert))
        try:
            error, took = timed(client.catalogue)
            assert isinstance(error, OfflineError) and "no whole answer" in error.detail, error
            assert took < LIMIT_S + 1.0 and line.connections == 1
        finally:
            client.close()


def test_an_answer_trickled_through_a_proxy_ends_at_the_deadline_too(monkeypatch):
    """A hall's proxy from the environment: requests makes a pool manager of its own for it, watched as well."""
    with Trickle(gap_s=0.2) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        client = client_for("http://backend.hall.invalid", read_timeout_s=READ_S, retries=2)
        try:
            error, took = timed(client.catalogue)
            assert isinstance(error, OfflineError) and "no whole answer" in error.detail, error
            assert took < LIMIT_S + 1.0 and proxy.connections == 1  # it went through the proxy, and was cut
        finally:
            client.close()


def test_a_backend_that_says_nothing_is_asked_once_not_once_per_retry():
    with Trickle(gap_s=0.2, silent=True) as line:
        client = client_for(line.url, read_timeout_s=READ_S, retries=2)
        try:
            error, took = timed(client.catalogue)
            assert isinstance(error, OfflineError) and "no answer" in error.detail
            assert took < 2 * READ_S and line.connections == 1
            error, took = timed(lambda: client.payment_order("SQ2026120500001"))  # a write safe to repeat, the same
            assert isinstance(error, OfflineError) and took < 2 * READ_S and line.connections == 2
        finally:
            client.close()


def test_a_call_with_a_share_of_a_persons_wait_ends_with_that_share():
    """A window's decision or a notice's draft after what it follows took part of the applicant's wait: the call is
    given what is left (``within_s``) for the whole of it, here 0.4 s against an answer's limit of 2 s. A trickled
    answer and a silent backend are both given up then, said as the shorter time; a slow-but-moving answer too."""
    with Trickle(gap_s=0.2) as line:
        client = client_for(line.url, read_timeout_s=1.0, retries=2)
        try:
            assert client.answer_limit_s == 2.0
            error, took = timed(lambda: client.decide("SQ2026120500001", "token", "accepted", within_s=0.4))
            assert isinstance(error, OfflineError) and "within 0.4 s" in error.detail, error
            assert 0.35 <= took < 0.9 and line.connections == 1, took
            error, took = timed(lambda: client.save_draft_payload({"id_number": "x"}, within_s=0.6))
            assert isinstance(error, OfflineError) and 0.55 <= took < 1.1, (error, took)  # a PUT retried: not past
            error, took = timed(lambda: client.decide("SQ2026120500001", "token", "accepted"))
            assert isinstance(error, OfflineError) and 1.95 <= took < 2.6, took  # without: the answer's own limit
        finally:
            client.close()
    with Trickle(gap_s=0.2, silent=True) as line:
        client = client_for(line.url, read_timeout_s=1.0, retries=2)
        try:
            error, took = timed(lambda: client.decide("SQ2026120500001", "token", "accepted", within_s=0.4))
            assert isinstance(error, OfflineError) and took < 0.9, (error, took)
        finally:
            client.close()


def test_quick_failures_are_still_tried_again():
    tries = []
    client = client_for(refused_url(), read_timeout_s=5.0, retries=2, sleep=tries.append)
    try:
        error, _took = timed(client.catalogue)
        assert isinstance(error, OfflineError) and len(tries) == 2  # refused at once: two retries, as configured
    finally:
        client.close()


def test_an_address_that_takes_no_connection_is_given_up_within_the_retry_window():
    with Blackhole() as hole:
        client = client_for(hole.url, connect_timeout_s=0.3, read_timeout_s=1.0, retries=5)
        try:
            error, took = timed(client.catalogue)
            assert isinstance(error, OfflineError) and "connect" in error.detail
            # each connect 0.3 s; no retry starts past 1 s after the call began, so at most 1 s + one connect
            assert 0.55 <= took < 1.0 + 0.3 + 0.5
        finally:
            client.close()


def test_a_late_deadline_never_cuts_a_connection_another_call_has_taken():
    """The ownership rule, on a real socket pair: a watch whose answer came and whose connection went back to the
    pool, and then to another call, fires without touching it; the other call's own watch still cuts it."""
    ours, theirs = socket.socketpair()

    class Conn:
        sock = ours

    conn = Conn()
    try:
        first = AnswerWatch(60)
        first._awaiting(conn)
        _released(conn)  # answered: back to the pool
        second = AnswerWatch(60)
        second._awaiting(conn)  # another call's request on the same connection
        first._fire()
        assert not first.fired
        theirs.sendall(b"x")
        assert ours.recv(1) == b"x"  # still open
        second._fire()
        assert second.fired and ours.recv(1) == b""  # shut down: the blocked read ends
    finally:
        for watch in (locals().get("first"), locals().get("second")):
            if watch is not None:
                watch.__exit__(None, None, None)
        ours.close()
        theirs.close()


def test_a_deadline_cuts_a_read_blocked_in_another_thread():
    """What a deadline does, on its own: a thread blocked reading gets its read ended, not an exception elsewhere."""
    ours, theirs = socket.socketpair()

    class Conn:
        sock = ours

    read: list[bytes] = []
    reader = threading.Thread(target=lambda: read.append(ours.recv(10)))
    reader.start()
    watch = AnswerWatch(0.2)
    with watch:
        watch._awaiting(Conn())
        reader.join(3)
    assert not reader.is_alive() and read == [b""] and watch.fired
    ours.close()
    theirs.close()


def test_the_deadlines_thread_outlives_a_watch_that_fails_and_lets_answered_ones_go(caplog):
    from kiosk.backend.answer_watch import _deadlines

    held = _deadlines.pending()

    class Broken(AnswerWatch):
        def _fire(self):
            raise RuntimeError("a watch's own trouble")

    pairs = [socket.socketpair() for _ in range(2)]

    class Conn:
        def __init__(self, sock):
            self.sock = sock

    answered = [AnswerWatch(0.1) for _ in range(200)]
    for watch in answered:  # answered before their deadlines: dropped when these come, never fired
        watch._awaiting(Conn(pairs[0][0]))
        watch.__exit__(None, None, None)
    broken, cut = Broken(0.05), AnswerWatch(0.2)
    with broken:
        broken._awaiting(Conn(pairs[0][0]))
        with cut:
            cut._awaiting(Conn(pairs[1][0]))
            pairs[1][0].settimeout(3)
            assert pairs[1][0].recv(1) == b""  # cut at its deadline, after the broken one's trouble
    assert cut.fired and not any(w.fired for w in answered)
    assert "a watch failed to fire" in caplog.text
    assert _deadlines.pending() <= held  # the answered ones' deadlines came before the cut's, and they went
    for ours, theirs in pairs:
        ours.close()
        theirs.close()


def test_a_citizen_waiting_for_the_services_is_told_at_the_deadline(make_config):
    """The kiosk's "Loading services..." against a trickling backend: the offline message after the answer's
    deadline, the buttons free again (before the deadline it never came back)."""
    from kiosk.app import build_services
    from kiosk.tasks import SyncTaskRunner
    from kiosk.workflows.citizen import Step
    from tests.citizen_steps import identify

    with Trickle(gap_s=0.2) as line:
        config = make_config(line.url, backend={"read_timeout_s": READ_S, "retries": 2, "heartbeat_interval_s": 3600})
        services = build_services(config, SyncTaskRunner())
        try:
            session = services.new_citizen_session()
            identify(session)  # its consent and saved applications are looked up too: each ends at the deadline
            assert session.step is Step.IDENTIFIED
            error, took = timed(session.continue_to_services)
            assert error is None and took < LIMIT_S + 1.0
            assert session.step is Step.IDENTIFIED and not session.busy
            assert session.notice.message.render("en") == "The service system cannot be reached right now."
        finally:
            services.stop()
