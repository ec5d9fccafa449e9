"""Whether a CUPS queue's printer can be reached now: the network address in its device URI, and a connection to it.

CUPS itself does not know: it asks a printer only while a job is sent, and a job for a printer switched off or
unplugged from the network waits and is retried. A queue's device URI (``lpstat -v``) names where CUPS sends the
job; for a network printer (``socket://``, ``ipp://``, ``ipps://``, ``http(s)://``, ``lpd://``) a TCP connection to
that address, opened and closed without a byte, says whether anything answers there. A USB printer (``usb://``) is
looked for among those CUPS's usb backend finds on the bus now (``lpinfo --include-schemes usb -v``): one unplugged
or switched off is not among them. Other local backends (``cups-pdf:/``, ``file:``) and ``dnssd://`` names are not
probed: their state is only known by printing."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from common import names

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


def is_usb(uri: str) -> bool:
    return uri.lower().startswith("usb:")


def usb_listed(lpinfo_v: str, uri: str) -> bool:
    """Whether the USB printer ``uri`` names is among ``lpinfo -v``'s devices: the same make and model, and the same
    serial number when the queue's URI names one (the URIs' other options may differ)."""
    def key(listed: str) -> tuple[str, str] | None:
        try:
            parts = urlsplit(listed)
        except ValueError:  # "usb://[": no URI a printer was found at, nor one to look for
            return None
        return (parts.netloc + parts.path).lower(), parse_qs(parts.query).get("serial", [""])[0]

    wanted = key(uri)
    if wanted is None:
        return True  # a queue's URI that cannot be read says nothing of the bus: CUPS's own attempt will say
    for line in lpinfo_v.splitlines():
        fields = line.split(None, 1)
        found = key(fields[1].strip()) if len(fields) == 2 and is_usb(fields[1].strip()) else None
        if found is not None and found[0] == wanted[0] and (not wanted[1] or found[1] == wanted[1]):
            return True
    return False


def unreachable(address: tuple[str, int], timeout_s: float) -> str | None:
    """None when a TCP connection to ``address`` opens within ``timeout_s``; else why not, for staff."""
    return connect(address, timeout_s)[1]


def connect(address: tuple[str, int], timeout_s: float) -> tuple[tuple[str, int] | None, str | None]:
    """(the numeric address that took a TCP connection within ``timeout_s``, None) or (None, why none did, for
    staff). A host name is looked up within ``timeout_s`` too, its last addresses used while the DNS is away
    (``common.names``: the system's resolver has no bound of its own but its retries, and a hall's DNS server gone
    held each check 10 s and more)."""
    try:
        with names.tcp_connection(*address, timeout_s) as connection:
            return connection.getpeername()[:2], None
    except OSError as exc:  # TimeoutError included: each says which step failed
        return None, str(exc)
