"""Host names looked up within a bound, and their last addresses kept for when the hall's DNS is away: the backend's
(``kiosk.backend.answer_watch``) and a network printer's (``devices``).

The system's resolver has no bound but its own retries: a DNS server that takes the question and never answers holds
``getaddrinfo`` for ``timeout`` x ``attempts`` x nameservers (glibc's defaults: 5 s, 2, up to 3), 10 to 30 s, and
urllib3 looks the name up before the connect timeout starts. Every new connection to the backend waited that long,
retries included, while the hall's DNS was down, and the backend itself was up all the time; a network printer's
check or job held its device's worker as long.

So a connection's name is looked up on a thread of its own (:class:`Names`), waited for within the connect timeout (and
within what is left of a call's whole attempt), one lookup per name at a time however many calls wait on it. An
answer is used for ``FRESH_S``; after that the name is asked again, and when it does not answer within
``STALE_WAIT_S`` (or fails) the addresses it last gave are used, for as long as it stays away (RFC 8767's "serve
stale"): the backend's address rarely changes, and a terminal that cannot look it up can still reach it. The
terminal keeps the last answers in its data folder (:meth:`Names.keep_in`), so one started again while the DNS is
away does too. With no answer ever, the call fails within the bound as a line down. An address
(``https://10.1.2.3``) is not looked up.

The connection is then made by :func:`connect_first`, the backend's under the name (the Host header, TLS's server name
and certificate check), a device's by :func:`tcp_connection`: the addresses tried ``STAGGER_S`` apart, racing, the
first to connect taken (RFC 8305, "Happy Eyeballs"). Tried in turn, each with the whole connect timeout, a first
address that takes no connection (an IPv6 address a hall's network does not route, a server gone from a pair) cost
every new connection that timeout before the one that answers was tried.
"""

from __future__ import annotations

import errno
import ipaddress
import json
import logging
import math
import os
import re
import select
import socket
import threading
import time
from pathlib import Path
from typing import Callable

from common.domain import HOST_NAME
from common.private_files import private_writer

log = logging.getLogger(__name__)
FRESH_S = 30.0   # an answer used this long before the name is asked again
# The wait for a fresh answer when an older one is known: a hall's DNS answers in milliseconds, and one that does not
# should cost each new connection little (RFC 8767 suggests 1.8 s before serving stale; the bound stands when shorter)
STALE_WAIT_S = 0.5
KEPT_MAX = 20    # names kept across restarts (the backend's, a proxy's, the printers')
_HOST_NAME = re.compile(HOST_NAME)
UNBOUNDED_S = 10.0  # the wait when a connection has no connect timeout of its own (never the client's case)


class _Lookup:
    """One ``getaddrinfo`` under way, on a daemon thread (a resolver that never answers must not hold the exit)."""

    def __init__(self, host: str, port: int, done: Callable[["_Lookup"], None]) -> None:
        self.host, self.port = host, port
        self.finished = threading.Event()
        self.addresses: list[str] = []
        self.error: OSError | None = None
        self._done = done
        threading.Thread(target=self._run, name=f"resolve-{host}", daemon=True).start()

    def _run(self) -> None:
        try:
            found = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)
            self.addresses = list(dict.fromkeys(str(info[4][0]) for info in found))  # in the resolver's order, once
            if not self.addresses:
                self.error = socket.gaierror(socket.EAI_NONAME, "no address")
        except OSError as exc:
            self.error = exc
        except Exception as exc:  # noqa: BLE001 - a bug must not leave the waiters without an answer
            self.error = OSError(f"lookup failed: {exc!r}")
        finally:
            self._done(self)
            self.finished.set()


def _kept_answers(data: object) -> dict[tuple[str, int], list[str]]:
    """The answers a file of :meth:`Names.keep_in` holds: names that are host names, ports, and addresses that are
    addresses; anything else left out."""
    found: dict[tuple[str, int], list[str]] = {}
    items = data.get("names") if isinstance(data, dict) else None
    for item in items[:KEPT_MAX] if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        host, port, addresses = item.get("host"), item.get("port"), item.get("addresses")
        if not (isinstance(host, str) and _HOST_NAME.match(host) and type(port) is int and 0 < port < 65536
                and isinstance(addresses, list) and 0 < len(addresses) <= 16):
            continue
        try:
            found[(host, port)] = [str(ipaddress.ip_address(a)) for a in addresses]
        except (TypeError, ValueError):
            continue
    return found


def _write_kept(path: Path, kept: list[dict[str, object]]) -> None:
    """The answers written whole (a temporary file, fsynced, renamed), 0600; a failure is logged: the answers stay
    in memory."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with private_writer(tmp) as fh:
            fh.write(json.dumps({"names": kept}, indent=1).encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("the names' last answers could not be kept in %s (%s)", path, exc.strerror)


class Names:
    """Host names to addresses, each within its caller's bound; the last answer kept (module docstring)."""

    def __init__(self, fresh_s: float = FRESH_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.fresh_s = fresh_s
        self._clock = clock
        self._lock = threading.Lock()
        self._known: dict[tuple[str, int], tuple[list[str], float]] = {}  # the last answer and when it came
        self._asking: dict[tuple[str, int], _Lookup] = {}
        self._stale_said: set[tuple[str, int]] = set()  # names said to be served stale, until they answer again
        self._file: Path | None = None  # where the last answers are kept across restarts (:meth:`keep_in`)

    def keep_in(self, path: Path) -> None:
        """Keep the last answers in ``path`` (the terminal's data folder), and take those kept there by the last
        run: a terminal started again while the hall's DNS is away still reaches what it reached before. A name
        taken from the file is asked first, as one whose answer is old. A file that does not read is said and
        left to be written over."""
        found: dict[tuple[str, int], list[str]] = {}
        try:
            if path.exists():
                found = _kept_answers(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError) as exc:
            log.warning("the names kept in %s do not read (%s): none taken", path, exc)
        with self._lock:
            self._file = path
            for key, addresses in found.items():
                self._known.setdefault(key, (addresses, -math.inf))

    def addresses(self, host: str, port: int, within_s: float) -> list[str]:
        """The addresses to connect to for ``host``, waiting at most ``within_s`` for the resolver; raises
        ``socket.gaierror`` when it gave none in time and none is known."""
        try:
            ipaddress.ip_address(host.strip("[]"))
            return [host]
        except ValueError:
            pass
        key = (host, port)
        with self._lock:
            known = self._known.get(key)
            if known is not None and self._clock() - known[1] < self.fresh_s:
                return known[0]
            lookup = self._asking.get(key)
            if lookup is None:
                lookup = self._asking[key] = _Lookup(host, port, self._answered)
        waited = max(0.0, within_s if known is None else min(within_s, STALE_WAIT_S))
        lookup.finished.wait(waited)
        if lookup.finished.is_set() and lookup.error is None:
            return lookup.addresses
        with self._lock:
            known = self._known.get(key)
            said = key in self._stale_said
            self._stale_said.add(key)
        why = "did not answer within %.1f s" % waited if not lookup.finished.is_set() else f"failed ({lookup.error})"
        if known is not None:
            if not said:
                log.warning("the name %s %s; connecting to its last known addresses %s until it answers", host,
                            why, ", ".join(known[0]))
            return known[0]
        if not said:  # once until it answers again, as above: every new connection asks
            log.warning("the name %s %s, and no address of it is known", host, why)
        raise socket.gaierror(socket.EAI_AGAIN, f"its name lookup {why}")

    def stale(self) -> list[tuple[str, list[str]]]:
        """The names whose DNS has not answered since their last addresses were used in its place, with those
        addresses (maintenance: the hall's DNS is away though the backend is reached)."""
        with self._lock:
            return [(host, self._known[(host, port)][0]) for host, port in sorted(self._stale_said)
                    if (host, port) in self._known]

    def _answered(self, lookup: _Lookup) -> None:
        key = (lookup.host, lookup.port)
        with self._lock:
            if self._asking.get(key) is lookup:
                del self._asking[key]
            if lookup.error is not None:
                return
            changed = self._known.get(key, ([], 0.0))[0] != lookup.addresses
            self._known[key] = (lookup.addresses, self._clock())
            if key in self._stale_said:
                self._stale_said.discard(key)
                log.info("the name %s answers again: %s", lookup.host, ", ".join(lookup.addresses))
            kept = [{"host": h, "port": p, "addresses": a} for (h, p), (a, _at) in sorted(self._known.items())]
            path = self._file
        if changed and path is not None:  # on the lookup's own thread: no caller waits on the disk
            _write_kept(path, kept[:KEPT_MAX])


NAMES = Names()  # the process's: the backend's client and the devices on the network share the answers


STAGGER_S = 0.25  # RFC 8305's Connection Attempt Delay: the next address tried when the one before has not connected
RACED_MAX = 4  # addresses tried for one connection at most


def connect_first(addresses: list[str], port: int, timeout_s: float, *,
                  options: list[tuple[int, int, int]] | None = None, source: tuple[str, int] | None = None,
                  clock: Callable[[], float] = time.monotonic) -> socket.socket:
    """A TCP connection to the first of ``addresses`` (numeric, in the order given; ``RACED_MAX`` at most) to accept
    within ``timeout_s`` in all: each tried ``STAGGER_S`` after the one before, or at once when the one before
    failed, all racing; the others closed. ``options`` (``setsockopt`` triples) and ``source`` as
    ``socket.create_connection`` takes them. Returned blocking, with no timeout set. Raises ``TimeoutError`` when
    none connected in time, else the last address's ``OSError``."""
    waiting = list(addresses[:RACED_MAX])
    pending: dict[socket.socket, str] = {}
    failed: OSError = OSError(errno.EADDRNOTAVAIL, "no address")
    deadline = clock() + timeout_s
    next_at = clock()
    try:
        while True:
            now = clock()
            if waiting and (now >= next_at or not pending):
                try:
                    attempt = _attempt(waiting.pop(0), port, options, source)
                except OSError as exc:
                    failed = exc
                    continue  # refused at once: the next now
                pending[attempt] = ""
                next_at = now + STAGGER_S
                continue
            if not pending:
                raise failed
            left = deadline - now
            if left <= 0:
                raise TimeoutError(errno.ETIMEDOUT, f"no connection within {timeout_s:g} s")
            _, ready, broken = select.select([], list(pending), list(pending),
                                             min(left, next_at - now) if waiting else left)
            for attempt in dict.fromkeys(ready + broken):
                code = attempt.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if code == 0:
                    del pending[attempt]
                    attempt.setblocking(True)
                    return attempt
                del pending[attempt]
                attempt.close()
                failed, next_at = OSError(code, os.strerror(code)), clock()
    finally:
        for attempt in pending:
            attempt.close()


def _attempt(address: str, port: int, options: list[tuple[int, int, int]] | None,
             source: tuple[str, int] | None) -> socket.socket:
    """A non-blocking connection begun to ``address``; OSError when it failed at once (refused, no route)."""
    family = socket.AF_INET6 if ipaddress.ip_address(address.split("%")[0]).version == 6 else socket.AF_INET
    attempt = socket.socket(family, socket.SOCK_STREAM)
    try:
        for option in options or ():
            attempt.setsockopt(*option)
        if source is not None:
            attempt.bind(source)
        attempt.setblocking(False)
        code = attempt.connect_ex((address, port))  # an address: no resolver asked
        if code not in (0, errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EAGAIN):
            raise OSError(code, os.strerror(code))
    except BaseException:
        attempt.close()
        raise
    return attempt


def tcp_connection(host: str, port: int, timeout_s: float, names: Names = NAMES) -> socket.socket:
    """A TCP connection to ``host`` (a name or an address) at ``port``: the name looked up within ``timeout_s``
    (its last addresses while its DNS is away), then its addresses raced within ``timeout_s`` (:func:`connect_first`),
    returned with ``timeout_s`` set. Raises ``TimeoutError`` or ``OSError`` saying which step failed, for staff."""
    try:
        addresses = names.addresses(host, port, timeout_s)
    except socket.gaierror as exc:
        raise OSError(f"{host}: {exc.strerror or exc}") from None
    try:
        connection = connect_first(addresses, port, timeout_s)
    except TimeoutError:
        raise TimeoutError(f"{host}:{port} did not answer within {timeout_s:g} s") from None
    except OSError as exc:
        raise OSError(f"{host}:{port}: {exc.strerror or type(exc).__name__}") from None
    connection.settimeout(timeout_s)
    return connection
