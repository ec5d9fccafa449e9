"""A deadline on the whole answer to a request, which socket timeouts alone do not give.

``requests`` bounds each wait for bytes by the read timeout, not the answer: a backend (or a proxy in front of it)
that sends its answer a byte at a time, each inside the read timeout, holds the calling thread for as long as it
likes (``kiosk bench unanswered``, "trickle": for ever, since urllib3 reads a body in 64 KiB pieces). The thread is
one of the task pool's or the sync worker's: a few such answers and the terminal stops talking to the backend.

So each answer is watched from the moment the request has been sent. When the whole answer, head and body, has
not arrived within the limit, the connection's socket is shut down from another thread: the blocked read ends at
once and the call fails like a cut line; :meth:`AnswerWatch.fired` says it was the deadline. One thread keeps every
deadline of the process (:class:`_Deadlines`).

A large answer on a slow line (a draft's scanned pages, a licence's PDF) is not cut for its size: once its body
comes, the deadline moves with it, the answer's limit plus the body so far at the slowest line given
(``answer_bytes_per_s``, the client's ``backend.min_download_kib_per_second``). An answer whose body falls behind that
rate past the limit is given up. The body is counted in the 16 KiB pieces it is read in, so one trickled a byte at a
time gains nothing. However it comes, an answer is bounded by the limit and its largest size at that rate.

An upload has its own deadline (``upload_limit_s``, which the client sets from the body's size and the slowest line it
accepts): a large case on a slow hall line takes its time, but a line or a proxy that takes the body a byte at a
time is given up. The body goes in 16 KiB pieces (the client hands it over as a file), each piece's write bounded by
the socket's timeout, so a slow line that moves is not cut for its total time as one write of the whole body was
(``socket.sendall`` bounds the whole write). And a body the kernel has taken but not yet delivered is not counted
against the answer: before the answer's clock starts, the call waits, within the upload's deadline, until the
backend has acknowledged the last byte (the socket's ``SIOCOUTQ``) or has begun to answer.

A call a person waits on with a budget of their own (a window's decision, a notice's draft, after what it follows
took its share of ``queue.deliver_wait_s``) is given ``whole_within_s``: every deadline above is brought forward to
that end of the whole attempt, connecting, sending and answering together.

A new connection's host name is looked up within its connect timeout, its last addresses kept while the hall's DNS
is away (``common.names``): the system's resolver waited 10-30 s before the connect timeout began.

The connection pool's classes are this module's (:class:`WatchedAdapter`, through a proxy too): a connection records
which watch owns it when its answer is awaited (``getresponse``, on the calling thread) and forgets it when it goes
back to the pool, so a late deadline never touches a connection another call has taken since.
"""

from __future__ import annotations

import fcntl
import heapq
import itertools
import logging
import select
import socket
import struct
import termios
import threading
import time
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from common import names

log = logging.getLogger(__name__)
_current = threading.local()  # the watch of the call this thread is making, if any
_owners = threading.Lock()    # guards every connection's ``_answer_watch`` and every watch's ``_conn``


class AnswerWatch:
    """One attempt's deadline on its answer; a context manager around the request and the reading of its answer."""

    def __init__(self, limit_s: float, *, upload_bytes: int = 0, upload_limit_s: float | None = None,
                 answer_bytes_per_s: float | None = None, whole_within_s: float | None = None) -> None:
        self.limit_s = limit_s
        self.whole_within_s = whole_within_s  # the attempt whole, sent and answered, within this (None: no bound)
        self._ends_at: float | None = None
        self.upload_bytes = upload_bytes
        self.upload_limit_s = limit_s if upload_limit_s is None else upload_limit_s
        self.answer_bytes_per_s = answer_bytes_per_s  # None: the whole answer within limit_s, however large
        self.received = 0        # bytes of the answer's body read so far (:meth:`took`)
        self._awaited_at = 0.0
        self._conn: Any = None
        self._sock: socket.socket | None = None
        self._fired = False
        self._phase = 0        # 1 while the request goes out, 2 while its answer is awaited: a deadline is a phase's
        self.fired_uploading = False
        self.done = False  # answered or given up: its deadline passes without a look

    def __enter__(self) -> "AnswerWatch":
        _current.watch = self
        if self.whole_within_s is not None:
            self._ends_at = time.monotonic() + self.whole_within_s
        return self

    def __exit__(self, *exc: object) -> None:
        _current.watch = None
        self.done = True
        with _owners:
            if self._conn is not None and getattr(self._conn, "_answer_watch", None) is self:
                self._conn._answer_watch = None
            self._conn = self._sock = None

    @property
    def fired(self) -> bool:
        return self._fired

    @property
    def fired_slow(self) -> bool:
        """Fired while the answer's body was coming, past the answer's limit, slower than the slowest line given."""
        return self._fired and not self.fired_uploading and bool(self.answer_bytes_per_s) and self.received > 0

    def took(self, size: int) -> None:
        """``size`` more bytes of the answer's body have been read (the reading thread)."""
        self.received += size

    def _due(self) -> float:
        """When the answer must be whole by what has come of it: the answer's limit, and the body so far at the
        slowest line given (a large body that keeps coming keeps its deadline ahead of it)."""
        if not self.answer_bytes_per_s:
            return self._awaited_at + self.limit_s
        return self._awaited_at + self.limit_s + self.received / self.answer_bytes_per_s

    def _capped(self, when: float) -> float:
        """``when``, or the end of the whole attempt if that comes first."""
        return when if self._ends_at is None else min(when, self._ends_at)

    def _sending(self, conn: Any) -> None:
        """The request starts to go out on ``conn`` (connected already, or connecting in the request): the upload's
        clock starts. Its socket is taken from ``conn`` when the deadline comes."""
        with _owners:
            conn._answer_watch, self._conn, self._sock = self, conn, None
            self._phase = 1
        _deadlines.add(self._capped(time.monotonic() + self.upload_limit_s), self, 1)

    def _awaiting(self, conn: Any) -> None:
        """The request is sent on ``conn``; the answer's clock starts. Its socket is held here: a connection whose
        answer closes it (``Connection: close``) hands the socket to the response and forgets it."""
        with _owners:
            conn._answer_watch, self._conn, self._sock = self, conn, conn.sock
            self._phase = 2
            self._awaited_at = time.monotonic()
        _deadlines.add(self._capped(self._awaited_at + self.limit_s), self, 2)

    def _fire(self, phase: int | None = None) -> None:
        """The deadline of ``phase`` (None: the current one) has come; one of a phase that has passed is void, and
        the answer's moves on while its body keeps coming at the slowest line given (:meth:`_due`)."""
        later = None
        with _owners:
            conn = self._conn
            if conn is None or getattr(conn, "_answer_watch", None) is not self:
                return  # answered, or the connection went back to the pool: another call's now
            if phase is not None and phase != self._phase:
                return  # the upload's deadline, come after the request went out: the answer has its own
            if self._phase == 2 and self.received and (due := self._capped(self._due())) > time.monotonic():
                later = due  # its body keeps coming
            else:
                self._fired = True
                self.fired_uploading = self._phase == 1
                sock = self._sock if self._sock is not None else getattr(conn, "sock", None)
                if sock is not None:
                    try:
                        # the plain socket's shutdown, also under TLS: SSLSocket's own would unwrap it under the reader
                        socket.socket.shutdown(sock, socket.SHUT_RDWR)
                    except OSError:
                        pass  # closed meanwhile
        if later is not None:
            _deadlines.add(later, self, 2)


class _Deadlines:
    """One thread for every answer's deadline in the process: a heap of (when, watch), the thread woken when an
    earlier deadline arrives. A thread per answer (``threading.Timer``) cost a fifth of the requests a second under
    load (``kiosk bench backend --terminals 50``). A watch done before its deadline is dropped when it comes up."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, AnswerWatch, int]] = []
        self._wake = threading.Condition(threading.Lock())
        self._serial = itertools.count()
        self._thread: threading.Thread | None = None

    def add(self, when: float, watch: AnswerWatch, phase: int | None = None) -> None:
        with self._wake:
            heapq.heappush(self._heap, (when, next(self._serial), watch, phase))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="answer-deadlines", daemon=True)
                self._thread.start()
            elif self._heap[0][2] is watch:
                self._wake.notify()  # the earliest now: the thread waits for it, not the one it slept for

    def pending(self) -> int:
        """Deadlines held, done or not (tests)."""
        with self._wake:
            return len(self._heap)

    def _run(self) -> None:
        while True:
            due, phase = self._next_due()
            try:
                due._fire(phase)
            except Exception:  # noqa: BLE001 - this thread outlives any one answer's trouble
                log.exception("answer deadline: a watch failed to fire")

    def _next_due(self) -> tuple[AnswerWatch, int | None]:
        with self._wake:
            while True:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)
                now = time.monotonic()
                if self._heap and self._heap[0][0] <= now:
                    _when, _serial, watch, phase = heapq.heappop(self._heap)
                    return watch, phase
                self._wake.wait(self._heap[0][0] - now if self._heap else None)


_deadlines = _Deadlines()


def _awaiting(conn: Any) -> None:
    watch = getattr(_current, "watch", None)
    if watch is not None:
        watch._awaiting(conn)


# A body up to this size is in the kernel's first window: its delivery is not waited for (no cost on small calls).
DRAIN_ABOVE_BYTES = 64 * 1024
_DRAIN_STEP_S = (0.001, 0.05)  # the first and the longest wait between looks at the unacknowledged bytes


def unacknowledged(sock: socket.socket) -> int:
    """Bytes written to ``sock`` that the other end has not acknowledged yet (Linux ``SIOCOUTQ``); 0 when the
    socket cannot say (closed, or not a TCP socket)."""
    try:
        return struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0"))[0]
    except (OSError, ValueError):
        return 0


def _sent(conn: Any, sending: Any) -> None:
    """Send the request on ``conn`` (``sending``: the connection class's own ``request``), watched as an upload
    when the calling thread has a watch; a large body is waited for until the backend has it (module docstring)."""
    watch = getattr(_current, "watch", None)
    if watch is None:
        sending()
        return
    watch._sending(conn)
    sending()
    sock = getattr(conn, "sock", None)
    if sock is None or watch.upload_bytes <= DRAIN_ABOVE_BYTES:
        return
    step = _DRAIN_STEP_S[0]
    while not watch.fired and unacknowledged(sock) > 0:
        try:
            readable, _, _ = select.select([sock], [], [], step)
        except (OSError, ValueError):
            return  # cut meanwhile: getresponse says so
        if readable:
            return  # the backend answers before it has taken the whole body (a refusal): read it
        step = min(2 * step, _DRAIN_STEP_S[1])


def _connected(conn: Any) -> socket.socket:
    """urllib3's ``_new_conn`` for ``conn``: its name (``_dns_host``, the proxy's when there is one) looked up within
    its connect timeout and what is left of the calling thread's whole attempt, if it has one (``common.names``),
    then its addresses raced within what is left of that bound (``names.connect_first``: one that takes no connection
    no longer costs the whole connect timeout before the next is tried), raising what urllib3's own raises. The name
    stays the connection's for its Host header and TLS."""
    watch = getattr(_current, "watch", None)
    numeric = isinstance(conn.timeout, (int, float)) and conn.timeout > 0

    def bound() -> float:  # the connect timeout, and no more than what is left of the whole attempt
        limit = conn.timeout if numeric else names.UNBOUNDED_S
        if watch is not None and watch._ends_at is not None:
            limit = min(limit, watch._ends_at - time.monotonic())
        return max(0.0, limit)

    try:
        addresses = names.NAMES.addresses(conn._dns_host, conn.port, bound())
    except socket.gaierror as exc:
        raise NameResolutionError(conn.host, conn, exc) from exc
    try:  # the lookup and the connection each within the connect timeout, as urllib3's own connect had it
        sock = names.connect_first(addresses, conn.port, bound(), options=conn.socket_options,
                                   source=conn.source_address)
    except TimeoutError as exc:
        raise ConnectTimeoutError(conn, f"Connection to {conn.host} timed out. (connect timeout={conn.timeout})") \
            from exc
    except OSError as exc:
        raise NewConnectionError(conn, f"Failed to establish a new connection: {exc}") from exc
    if numeric:
        sock.settimeout(conn.timeout)  # as urllib3's create_connection leaves it
    return sock


class _WatchedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _connected(self)

    def request(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        _sent(self, lambda: super(_WatchedHTTPConnection, self).request(*args, **kwargs))

    def getresponse(self):  # type: ignore[override]
        _awaiting(self)
        return super().getresponse()


class _WatchedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _connected(self)

    def request(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        _sent(self, lambda: super(_WatchedHTTPSConnection, self).request(*args, **kwargs))

    def getresponse(self):  # type: ignore[override]
        _awaiting(self)
        return super().getresponse()


def _released(conn: Any) -> None:
    if conn is not None:
        with _owners:
            conn._answer_watch = None


class _WatchedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection

    def _put_conn(self, conn):  # type: ignore[override]
        _released(conn)
        return super()._put_conn(conn)


class _WatchedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection

    def _put_conn(self, conn):  # type: ignore[override]
        _released(conn)
        return super()._put_conn(conn)


def _watched_pool_classes() -> dict[str, type]:
    """For a PoolManager's ``pool_classes_by_scheme``."""
    return {"http": _WatchedHTTPConnectionPool, "https": _WatchedHTTPSConnectionPool}


class WatchedAdapter(HTTPAdapter):
    """``requests``' adapter whose connections are watched, direct or through a proxy: a hall's network may put one
    in the terminal's environment (``HTTPS_PROXY``), and its own pool manager would otherwise go unwatched."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _watched_pool_classes()

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _watched_pool_classes()
        return manager
