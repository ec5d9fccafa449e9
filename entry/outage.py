"""How ``kiosk demo`` takes the backend away just as a citizen confirms, and gives it back.

Two honest ways, chosen by what the backend offers:

- :class:`BackendSwitch`: a sandbox (our own, or ``kiosk sandbox`` started by hand) has a fault
  switch over HTTP (``POST /control/faults``, see sandbox/app.py). ``down`` makes it answer 503
  with ``Retry-After`` to every request, as a hall's backend in maintenance would.
- :class:`LineCut`: a backend without that switch (a hall's staging system) is not touched. The
  terminal reaches it through a TCP relay on loopback instead, and the demo cuts the relay: open
  connections are reset and new ones refused, as when the hall's network drops. The relay passes
  bytes unchanged, so it works for plain HTTP; for HTTPS the terminal would check the certificate
  against 127.0.0.1 and fail, so there is no cut for an HTTPS backend without the switch.

Either way the terminal itself runs unchanged: its submission really fails, the case waits in the
encrypted outbox under a provisional number, and the sync worker delivers it once the line is back.
"""

from __future__ import annotations

import logging
import socket
import threading
from urllib.parse import urlsplit

import requests

log = logging.getLogger(__name__)

CONTROL_TIMEOUT = (3.0, 5.0)  # connect, read
RELAY_IDLE_S = 120.0          # a relayed connection silent this long is closed


class BackendSwitch:
    """The sandbox's own fault switch, over HTTP."""

    how = "the backend's fault switch (POST /control/faults: down), so the backend answered 503"

    def __init__(self, backend_url: str) -> None:
        self.backend_url = backend_url
        self.terminal_url = backend_url

    @classmethod
    def probe(cls, backend_url: str) -> "BackendSwitch | None":
        """A switch when the backend has the sandbox's control API; None otherwise (nothing is changed).

        The probe turns ``down`` off, which the demo needs anyway and which leaves every other switch alone.
        """
        switch = cls(backend_url)
        try:
            active = switch._set(False)
        except (requests.RequestException, ValueError) as exc:
            log.info("demo: %s has no fault switch (%s)", backend_url, type(exc).__name__)
            return None
        log.info("demo: %s has the sandbox's fault switch (active: %s)", backend_url, active)
        return switch

    def _set(self, on: bool) -> list[str]:
        reply = requests.post(self.backend_url.rstrip("/") + "/control/faults", json={"fault": "down", "on": on},
                              timeout=CONTROL_TIMEOUT)
        reply.raise_for_status()
        active = reply.json().get("active")
        if not isinstance(active, list):
            raise ValueError("not the sandbox's fault switch")
        return active

    def begin(self) -> None:
        self._set(True)

    def end(self) -> None:
        self._set(False)

    def close(self) -> None:
        """Leave the backend as found: ``down`` off (a failure here is logged, the demo's result stands)."""
        try:
            self._set(False)
        except (requests.RequestException, ValueError) as exc:
            log.warning("demo: could not turn the backend's 'down' switch off: %s", exc)


class LineCut:
    """A TCP relay from a loopback port to the backend that the demo can cut and restore."""

    how = "a cut line: the terminal reached the backend through a relay on 127.0.0.1, which was cut"

    def __init__(self, backend_url: str) -> None:
        parts = urlsplit(backend_url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"a line cut needs a plain http:// backend URL, not {backend_url!r}")
        self.backend_url = backend_url
        self._upstream = (parts.hostname, parts.port or 80)
        self._path = parts.path.rstrip("/")
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.port = 0
        self._listen()

    @property
    def terminal_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self._path}"

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.2)  # so the accept loop sees a cut
        self.port = listener.getsockname()[1]
        self._listener, self._stop = listener, threading.Event()
        self._thread = threading.Thread(target=self._accept, args=(listener, self._stop), name="demo-line",
                                        daemon=True)
        self._thread.start()

    def _accept(self, listener: socket.socket, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                client, _address = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self._upstream, timeout=CONTROL_TIMEOUT[0])
            except OSError as exc:
                log.info("demo line: backend unreachable (%s)", exc)
                client.close()
                continue
            for sock in (client, upstream):
                sock.settimeout(RELAY_IDLE_S)
            with self._lock:
                self._open.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), name="demo-line-pump", daemon=True).start()
        listener.close()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass  # cut, reset or idle: both ends are closed below either way
        finally:
            self._drop(source, sink)

    def _drop(self, *socks: socket.socket) -> None:
        with self._lock:
            for sock in socks:
                self._open.discard(sock)
        for sock in socks:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the other side
            sock.close()

    def begin(self) -> None:
        """Cut: no new connection is accepted (the port refuses), and every open one is closed."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        with self._lock:
            socks = list(self._open)
        self._drop(*socks)

    def end(self) -> None:
        """Restore the line on the same port."""
        self._listen()

    def close(self) -> None:
        self.begin()


def outage_for(backend_url: str, prefer: str = "auto") -> BackendSwitch | LineCut | None:
    """The way to take ``backend_url`` away: ``auto`` (the backend's switch if it has one, else a
    line cut), ``backend`` or ``terminal``. None when neither is possible (HTTPS without a switch)."""
    if prefer in ("auto", "backend"):
        switch = BackendSwitch.probe(backend_url)
        if switch is not None or prefer == "backend":
            return switch
    if urlsplit(backend_url).scheme != "http":
        return None
    return LineCut(backend_url)
