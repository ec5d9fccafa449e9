"""A hall's DNS server for the tests and ``kiosk bench names``: a UDP server on port 53 of a loopback address of its own
(127.x.y.z, so parallel rigs never share one) that answers the system's resolver (glibc's, asked through
``getaddrinfo`` in a process whose ``/etc/resolv.conf`` names this server: ``entry.bench.name_lookup``) as a DNS
server does (RFC 1035), or the ways one fails:

- ``answer``: the one name it serves has an A record (``127.0.0.1``, TTL 60 s; or the ``addresses`` given, in that
  order: a name of several hosts); its AAAA question is answered with no record, any other name NXDOMAIN;
- ``silent``: every question taken and none answered (a server gone behind a firewall that drops, or overloaded);
- ``fail``: SERVFAIL to every question (a server up whose upstream is away).

``asked`` counts the questions. Port 53 needs root, as the tests do."""

from __future__ import annotations

import random
import socket
import struct
import threading

MODES = ("answer", "silent", "fail")
A, AAAA, IN = 1, 28, 1


def question(packet: bytes) -> tuple[int, int, str, int, bytes]:
    """A query's id, flags, name (lower case, dotted), type, and its question section as sent; ValueError when it is
    not one question."""
    if len(packet) < 12:
        raise ValueError("short header")
    ident, flags, qdcount = struct.unpack(">HHH", packet[:6])
    if qdcount != 1:
        raise ValueError("not one question")
    labels, at = [], 12
    while True:
        if at >= len(packet):
            raise ValueError("name runs past the packet")
        size = packet[at]
        at += 1
        if size == 0:
            break
        if size > 63:
            raise ValueError("compressed or bad label")
        labels.append(packet[at:at + size].decode("ascii", "replace").lower())
        at += size
    if at + 4 > len(packet):
        raise ValueError("no type and class")
    qtype = struct.unpack(">H", packet[at:at + 2])[0]
    return ident, flags, ".".join(labels), qtype, packet[12:at + 4]


def answer(packet: bytes, name: str, mode: str, addresses: tuple[str, ...] = ("127.0.0.1",)) -> bytes | None:
    """The reply to ``packet`` in ``mode`` (None: no reply): ``name``'s A records, ``addresses`` in order."""
    try:
        ident, flags, asked, qtype, section = question(packet)
    except ValueError:
        return None
    if mode == "silent":
        return None
    recursion = flags & 0x0100  # RD copied; RA set
    if mode == "fail":
        return struct.pack(">HHHHHH", ident, 0x8080 | recursion | 2, 1, 0, 0, 0) + section
    if asked != name.lower():
        return struct.pack(">HHHHHH", ident, 0x8080 | recursion | 3, 1, 0, 0, 0) + section  # NXDOMAIN
    if qtype != A:
        return struct.pack(">HHHHHH", ident, 0x8080 | recursion, 1, 0, 0, 0) + section  # the name, no such record
    records = b"".join(struct.pack(">HHHIH", 0xC00C, A, IN, 60, 4) + socket.inet_aton(address)
                       for address in addresses)
    return struct.pack(">HHHHHH", ident, 0x8080 | recursion, 1, len(addresses), 0, 0) + section + records


class DnsServer:
    """The server, serving ``name`` (module docstring); a context manager. ``mode`` may change at any time."""

    def __init__(self, name: str, mode: str = "answer", addresses: tuple[str, ...] = ("127.0.0.1",)) -> None:
        if mode not in MODES:
            raise ValueError(mode)
        self.name, self.mode, self.addresses = name, mode, addresses
        self.asked = 0
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for _ in range(20):
            self.host = "127.%d.%d.%d" % (random.randint(1, 254), random.randint(0, 255), random.randint(1, 254))
            try:
                self._sock.bind((self.host, 53))
                break
            except OSError:
                continue
        else:
            self._sock.close()
            raise OSError("no loopback address with port 53 free")
        self._sock.settimeout(0.2)
        self._running = True
        self._thread = threading.Thread(target=self._serve, name="dns-server", daemon=True)
        self._thread.start()

    def resolv_conf(self, options: str = "") -> str:
        """An ``/etc/resolv.conf`` naming this server alone (``options``: glibc's, e.g. ``timeout:1 attempts:1``)."""
        return f"nameserver {self.host}\n" + (f"options {options}\n" if options else "")

    def _serve(self) -> None:
        while self._running:
            try:
                packet, sender = self._sock.recvfrom(4096)
            except (socket.timeout, BlockingIOError):
                continue
            except OSError:
                return
            self.asked += 1
            reply = answer(packet, self.name, self.mode, self.addresses)
            if reply is not None:
                try:
                    self._sock.sendto(reply, sender)
                except OSError:
                    pass

    def close(self) -> None:
        self._running = False
        self._thread.join(2)
        if not self._thread.is_alive():  # its descriptor is never closed under a loop still reading it
            self._sock.close()

    def __enter__(self) -> "DnsServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
