"""A deadline on the whole answer to a request, which socket timeouts alone do not give.

``requests`` bounds each wait for bytes by the read timeout, not the answer: a backend (or a proxy in front of it)
that sends its answer a byte at a time, each inside the read timeout, holds the calling thread for as long as it
likes (``kiosk bench unanswered``, "trickle": for ever, since urllib3 reads a body in 64 KiB pieces). The thread is
one of the task pool's or the sync worker's: a few such answers and the terminal stops talking to the backend.

So each answer is watched from the moment the request has been sent (its upload is not: a large case on a slow hall
line takes what it takes, each write bounded by the socket's timeout). When the whole answer, head and body, has
not arrived within the limit, the connection's socket is shut down from another thread: the blocked read ends at
once and the call fails like a cut line; :meth:`AnswerWatch.fired` says it was the deadline. One thread keeps every
deadline of the process (:class:`_Deadlines`).

The connection pool's classes are this module's (:class:`WatchedAdapter`, through a proxy too): a connection records
which watch owns it when its answer is awaited (``getresponse``, on the calling thread) and forgets it when it goes
back to the pool, so a late deadline never touches a connection another call has taken since.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import socket
import threading
import time
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

log = logging.getLogger(__name__)
_current = threading.local()  # the watch of the call this thread is making, if any
_owners = threading.Lock()    # guards every connection's ``_answer_watch`` and every watch's ``_conn``


class AnswerWatch:
    """One attempt's deadline on its answer; a context manager around the request and the reading of its answer."""

    def __init__(self, limit_s: float) -> None:
        self.limit_s = limit_s
        self._conn: Any = None
        self._sock: socket.socket | None = None
        self._fired = False
        self.done = False  # answered or given up: its deadline passes without a look

    def __enter__(self) -> "AnswerWatch":
        _current.watch = self
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

    def _awaiting(self, conn: Any) -> None:
        """The request is sent on ``conn``; the answer's clock starts. Its socket is held here: a connection whose
        answer closes it (``Connection: close``) hands the socket to the response and forgets it."""
        with _owners:
            conn._answer_watch, self._conn, self._sock = self, conn, conn.sock
        _deadlines.add(time.monotonic() + self.limit_s, self)

    def _fire(self) -> None:
        with _owners:
            conn = self._conn
            if conn is None or getattr(conn, "_answer_watch", None) is not self:
                return  # answered, or the connection went back to the pool: another call's now
            self._fired = True
            sock = self._sock
            if sock is None:
                return
            try:
                # the plain socket's shutdown, also under TLS: SSLSocket's own would unwrap it under the reader
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass  # closed meanwhile


class _Deadlines:
    """One thread for every answer's deadline in the process: a heap of (when, watch), the thread woken when an
    earlier deadline arrives. A thread per answer (``threading.Timer``) cost a fifth of the requests a second under
    load (``kiosk bench backend --terminals 50``). A watch done before its deadline is dropped when it comes up."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, AnswerWatch]] = []
        self._wake = threading.Condition(threading.Lock())
        self._serial = itertools.count()
        self._thread: threading.Thread | None = None

    def add(self, when: float, watch: AnswerWatch) -> None:
        with self._wake:
            heapq.heappush(self._heap, (when, next(self._serial), watch))
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
            due = self._next_due()
            try:
                due._fire()
            except Exception:  # noqa: BLE001 - this thread outlives any one answer's trouble
                log.exception("answer deadline: a watch failed to fire")

    def _next_due(self) -> AnswerWatch:
        with self._wake:
            while True:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)
                now = time.monotonic()
                if self._heap and self._heap[0][0] <= now:
                    return heapq.heappop(self._heap)[2]
                self._wake.wait(self._heap[0][0] - now if self._heap else None)


_deadlines = _Deadlines()


def _awaiting(conn: Any) -> None:
    watch = getattr(_current, "watch", None)
    if watch is not None:
        watch._awaiting(conn)


class _WatchedHTTPConnection(HTTPConnection):
    def getresponse(self):  # type: ignore[override]
        _awaiting(self)
        return super().getresponse()


class _WatchedHTTPSConnection(HTTPSConnection):
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
