"""Whether a CUPS queue's printer can be reached now: the network address in its device URI, and a connection to it.

CUPS itself does not know: it asks a printer only while a job is sent, and a job for a printer switched off or
unplugged from the network waits and is retried. A queue's device URI (``lpstat -v``) names where CUPS sends the
job; for a network printer (``socket://``, ``ipp://``, ``ipps://``, ``http(s)://``, ``lpd://``) a TCP connection to
that address, opened and closed without a byte, says whether anything answers there. Local backends (``usb://``,
``cups-pdf:/``, ``file:``) and ``dnssd://`` names are not probed: their state is only known by printing."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

DEFAULT_PORTS = {"socket": 9100, "ipp": 631, "ipps": 631, "http": 80, "https": 443, "lpd": 515}


def device_uri(lpstat_v: str, printer: str) -> str | None:
    """The device URI ``lpstat -v PRINTER`` gives for ``printer`` (None when it names none)."""
    head = f"device for {printer}:"
    for line in lpstat_v.splitlines():
        if line.startswith(head):
            return line[len(head):].strip() or None
    return None


def network_address(uri: str) -> tuple[str, int] | None:
    """(host, port) of a network printer's URI; None for a local backend or a URI that names no usable host."""
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:  # a port that is not a number, or out of range
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.hostname, port or DEFAULT_PORTS[scheme]


def unreachable(address: tuple[str, int], timeout_s: float) -> str | None:
    """None when a TCP connection to ``address`` opens within ``timeout_s``; else why not, for staff.
    (A host name is resolved first, within the system resolver's own bound.)"""
    try:
        with socket.create_connection(address, timeout=timeout_s):
            return None
    except socket.timeout:
        return f"{address[0]}:{address[1]} did not answer within {timeout_s:g} s"
    except OSError as exc:
        return f"{address[0]}:{address[1]}: {exc.strerror or type(exc).__name__}"
