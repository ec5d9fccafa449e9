"""Endpoints on 127.0.0.1 that a backend's line can turn into, beyond what the sandbox's fault switches do.

The sandbox answers, slowly or badly (sandbox/faults.py); these never answer in time at all, each in a way a hall's
network really fails:

- :class:`Trickle`: the answer's head arrives at once, then its body one byte every ``gap_s`` seconds, for as long
  as the terminal listens (a proxy or a backend stuck mid-answer). Each read returns within the read timeout, so
  only a deadline on the whole answer ends it. ``head=True`` trickles the head itself (a header line that never
  ends); ``silent=True`` takes the request and sends nothing (a backend that hangs: the read timeout ends it);
  ``certfile`` and ``keyfile`` make it HTTPS.
- :class:`SlowLine`: a slow but working line in front of a real backend: what the terminal sends goes at ``rate``
  bytes a second (a county hall's uplink), the answers at once (or at ``back_rate``: a TLS handshake a byte at a
  time). A large case takes its time and arrives.
- ``Trickle(reading=True)``: the request taken a byte every ``gap_s`` seconds and never answered (a line or proxy
  that crawls): only a deadline on the upload ends it.
- :class:`Blackhole`: the address takes no connection (a firewall dropping packets, a host gone from the network):
  a listening socket whose backlog is full and never accepted, so the kernel drops each new SYN and the terminal's
  connect times out. Not "refused": nothing answers at all.

Used by ``kiosk bench unanswered`` and the client's tests. Each is a context manager with ``url``.
"""

from __future__ import annotations

import select
import socket
import ssl
import threading

HEAD = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n"
        b"Connection: close\r\n\r\n")


class _Listening:
    """A server on 127.0.0.1 whose connections each get threads of their own, all stopped on exit."""

    def __init__(self, *, small_buffer: bool) -> None:
        self._server = _server_socket(small_buffer=small_buffer)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def port(self) -> int:
        return self._server.getsockname()[1]

    def __enter__(self):
        self._server.settimeout(0.2)
        self._spawn(self._accept, name="line-accept")
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(5)
        self._server.close()

    def _spawn(self, target, *args, name: str) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _addr = self._server.accept()
            except (TimeoutError, OSError):
                continue
            self._taken(conn)

    def _taken(self, conn: socket.socket) -> None:
        raise NotImplementedError


class Trickle(_Listening):
    """An HTTP server whose every answer is a head, then one body byte every ``gap_s`` seconds."""

    def __init__(self, gap_s: float, *, head: bool = False, silent: bool = False, reading: bool = False,
                 certfile: str = "", keyfile: str = "") -> None:
        self.gap_s, self.head, self.silent, self.reading = gap_s, head, silent, reading
        self.connections = 0  # requests taken: one per attempt of the terminal
        self.taken = 0        # bytes of requests taken (``reading``)
        super().__init__(small_buffer=reading)
        self._tls: ssl.SSLContext | None = None  # HTTPS, with this certificate
        if certfile:
            self._tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._tls.load_cert_chain(certfile, keyfile)
        self.url = f"{'https' if certfile else 'http'}://127.0.0.1:{self.port}"

    def _taken(self, conn: socket.socket) -> None:
        self.connections += 1
        self._spawn(self._answer, conn, name="trickle")

    def _answer(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(1.0)
            if self._tls is not None:
                conn = self._tls.wrap_socket(conn, server_side=True)
        except OSError:
            conn.close()
            return
        with conn:
            try:
                if self.reading:
                    while not self._stop.wait(self.gap_s) and conn.recv(1):
                        self.taken += 1
                    return
                conn.recv(65536)  # the request (its head at least); what it asks does not matter
                if not self.silent:
                    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Trickle: " if self.head else HEAD)
                while not self._stop.wait(self.gap_s):
                    if not self.silent:
                        conn.sendall(b"a" if self.head else b" ")
            except OSError:
                pass  # the terminal gave up and closed: what it should do


def _server_socket(*, small_buffer: bool) -> socket.socket:
    """A server socket on 127.0.0.1; ``small_buffer``: its connections' receive buffers kept to 16 KiB, so the
    kernel does not take megabytes for the reader (a real slow line's window is small too)."""
    server = socket.socket()
    if small_buffer:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    return server


class SlowLine(_Listening):
    """A line to ``upstream`` (an ``http://host:port`` URL) whose way there carries ``rate`` bytes a second."""

    def __init__(self, upstream: str, rate: float, *, back_rate: float | None = None) -> None:
        scheme, rest = upstream.split("://", 1)
        host, port = rest.split("/", 1)[0].rsplit(":", 1)
        self.upstream, self.rate, self.back_rate = (host, int(port)), rate, back_rate
        self.carried = 0  # bytes carried to the upstream
        super().__init__(small_buffer=True)
        self.url = f"{scheme}://127.0.0.1:{self.port}"

    def _taken(self, near: socket.socket) -> None:
        try:
            far = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            near.close()
            return
        near.settimeout(5)
        far.settimeout(5)
        self._spawn(self._carry, near, far, self.rate, True, name="slow-line-out")
        self._spawn(self._carry, far, near, self.back_rate, False, name="slow-line-back")

    def _carry(self, source: socket.socket, sink: socket.socket, rate: float | None, outward: bool) -> None:
        """Bytes from ``source`` to ``sink``, ``rate`` bytes a second at most (None: as they come; below 4096 a second,
        a byte at a time)."""
        piece = 4096 if rate is None or rate >= 4096 else 1
        try:
            while not self._stop.is_set():
                if not select.select([source], [], [], 0.2)[0]:
                    continue
                data = source.recv(piece)
                if not data:
                    break
                if rate is not None:
                    self._stop.wait(len(data) / rate)
                if outward:
                    self.carried += len(data)
                sink.sendall(data)
        except (OSError, ValueError):
            pass  # one side closed (by the other direction's thread: select then sees fd -1): both closed below
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()


class Blackhole:
    """An address that takes no connection: connects to it time out."""

    def __init__(self) -> None:
        self._server = socket.socket()
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(0)
        port = self._server.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self._filler = socket.create_connection(("127.0.0.1", port), timeout=2)  # the only place in the backlog

    def __enter__(self) -> "Blackhole":
        return self

    def __exit__(self, *exc: object) -> None:
        self._filler.close()
        self._server.close()


def refused_url() -> str:
    """An address on 127.0.0.1 where nothing listens: a connection is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
