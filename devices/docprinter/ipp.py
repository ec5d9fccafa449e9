"""A CUPS job's state and its queue's, and a network printer's own, asked over IPP (RFC 8011's Get-Job-Attributes
and Get-Printer-Attributes, encoded as RFC 8010 says).

``lpstat`` lists a job as no longer pending alike when it printed and when staff cancelled it or CUPS ended it;
only the job's ``job-state`` tells them apart, and says when CUPS stopped it (a filter that failed).
CUPS answers IPP on its local socket (``/run/cups/cups.sock``) or on ``localhost:631``, or on the hall's CUPS server
that client.conf names, as its own clients find it.
An IPP printer (a queue's ``ipp://``/``ipps://`` device URI) answers at its own address: between jobs it is the one
that knows whether paper is loaded (CUPS asks it only while a job is sent). The request and the answer are HTTP/1.0
(no chunks), the answer read within a bound and a size, and up to its ``Content-Length`` (a printer keeps the
connection open after it)."""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
import struct
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from common import names

GET_JOB_ATTRIBUTES, GET_PRINTER_ATTRIBUTES = 0x0009, 0x000B
JOB_STATES = {3: "pending", 4: "pending-held", 5: "processing", 6: "processing-stopped", 7: "canceled",
              8: "aborted", 9: "completed"}
PRINTER_STATES = {3: "idle", 4: "processing", 5: "stopped"}
PRINTED = "completed"
NOT_PRINTED = ("canceled", "aborted")  # ended without printing: by staff, or by CUPS itself
MAX_ANSWER = 64 * 1024  # a job-state answer is a few hundred bytes
DEFAULT_SOCKET = "/run/cups/cups.sock"

_OPERATION, _END = 0x01, 0x03
_ENUM, _OCTET_STRING, _URI, _KEYWORD, _NAME, _CHARSET, _LANGUAGE = 0x23, 0x30, 0x45, 0x44, 0x42, 0x47, 0x48


class IppError(Exception):
    """The answer was not one this module can read, or said the job is not known."""


def _attribute(tag: int, name: str, value: str) -> bytes:
    raw_name, raw_value = name.encode(), value.encode()
    return struct.pack(">BH", tag, len(raw_name)) + raw_name + struct.pack(">H", len(raw_value)) + raw_value


def state_request(operation: int, target: str, uri: str, wanted: tuple[str, ...], user: str,
                  request_id: int = 1) -> bytes:
    """An IPP/1.1 request of ``operation`` for the attributes ``wanted`` of ``uri`` (named ``target``: ``job-uri``,
    ``printer-uri``)."""
    first, *more = wanted
    return (struct.pack(">BBHI", 1, 1, operation, request_id) + bytes([_OPERATION])
            + _attribute(_CHARSET, "attributes-charset", "utf-8")
            + _attribute(_LANGUAGE, "attributes-natural-language", "en")
            + _attribute(_URI, target, uri)
            + _attribute(_NAME, "requesting-user-name", user or "anonymous")
            + _attribute(_KEYWORD, "requested-attributes", first)
            + b"".join(_attribute(_KEYWORD, "", name) for name in more)  # no name: another value of the last
            + bytes([_END]))


def job_state_request(job_id: int, user: str) -> bytes:
    return state_request(GET_JOB_ATTRIBUTES, "job-uri", f"ipp://localhost/jobs/{job_id}", ("job-state",), user)


def printer_state_request(printer: str, user: str) -> bytes:
    return state_request(GET_PRINTER_ATTRIBUTES, "printer-uri", f"ipp://localhost/printers/{printer}",
                         ("printer-state", "printer-state-reasons"), user)


def job_state(answer: bytes) -> str:
    return enum_named(answer, "job-state", JOB_STATES)


def printer_state(answer: bytes) -> str:
    return enum_named(answer, "printer-state", PRINTER_STATES)


def enum_named(answer: bytes, wanted: str, names: dict[int, str]) -> str:
    """The enum attribute ``wanted`` an IPP answer gives, by its name in ``names``; IppError when the answer is not
    a successful one carrying it."""
    for tag, value in values(answer, wanted):
        if tag == _ENUM and len(value) == 4:
            number = struct.unpack(">i", value)[0]
            if number not in names:
                raise IppError(f"{wanted} {number} is not one IPP defines")
            return names[number]
    raise IppError(f"no {wanted} in the answer")


def keywords(answer: bytes, wanted: str) -> list[str]:
    """Every keyword value of the attribute ``wanted`` (``printer-state-reasons``); IppError when the answer is not
    a successful one carrying it."""
    found = [value.decode("ascii", "replace") for tag, value in values(answer, wanted) if tag == _KEYWORD]
    if not found:
        raise IppError(f"no {wanted} in the answer")
    return found


def values(answer: bytes, wanted: str) -> list[tuple[int, bytes]]:
    """(value tag, value) of each value of the attribute ``wanted`` in a successful IPP answer, in order; IppError
    when the answer is not a successful one or is cut short."""
    if len(answer) < 8:
        raise IppError(f"an IPP answer of {len(answer)} bytes")
    status = struct.unpack(">H", answer[2:4])[0]
    if status > 0x00FF:
        raise IppError(f"IPP status 0x{status:04x}")
    at, name, found = 8, "", []
    while at < len(answer):
        tag = answer[at]
        at += 1
        if tag == _END:
            break
        if tag < 0x10:  # a group begins
            name = ""
            continue
        if at + 2 > len(answer):
            raise IppError("an IPP attribute cut short")
        length = struct.unpack(">H", answer[at:at + 2])[0]
        raw_name = answer[at + 2:at + 2 + length]
        at += 2 + length
        if at + 2 > len(answer):
            raise IppError("an IPP attribute cut short")
        size = struct.unpack(">H", answer[at:at + 2])[0]
        value = answer[at + 2:at + 2 + size]
        at += 2 + size
        if len(value) != size or len(raw_name) != length:
            raise IppError("an IPP attribute cut short")
        name = raw_name.decode("utf-8", "replace") if length else name  # no name: another value of the last
        if name == wanted:
            found.append((tag, value))
    return found


def http_body(answer: bytes) -> bytes:
    """The body of an HTTP/1.x answer with status 200; IppError otherwise."""
    head, found, body = answer.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0]
    parts = status_line.split()
    if not found or len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or parts[1] != b"200":
        raise IppError(f"HTTP answer {status_line[:80]!r}")
    return body


# where CUPS's clients read which server to ask, in that order (a home that cannot be told: "~" stays, never read)
CLIENT_CONFS = (Path(os.path.expanduser("~/.cups/client.conf")), Path("/etc/cups/client.conf"))


def cups_address(client_confs: tuple[Path, ...] = CLIENT_CONFS) -> str | tuple[str, int]:
    """Where CUPS's own clients (``lp``, ``lpstat``) find it: ``CUPS_SERVER`` (a socket path or host[:port]), else
    the ``ServerName`` of the first client.conf that names one (a hall's terminals may print through the hall's CUPS
    server), else its local socket when present, else localhost:631."""
    server = os.environ.get("CUPS_SERVER", "").strip() or _server_named(client_confs)
    if server.startswith("/"):
        return server
    if server.startswith("["):  # [v6 address]:port
        host, _, port = server[1:].partition("]")
        port = port.lstrip(":")
        return host, int(port) if port.isdigit() else 631
    if server:
        host, _, port = server.rpartition(":") if server.count(":") == 1 else (server, "", "")
        return (host or server, int(port)) if port.isdigit() else (server, 631)
    return DEFAULT_SOCKET if os.path.exists(DEFAULT_SOCKET) else ("localhost", 631)


def _server_named(client_confs: tuple[Path, ...]) -> str:
    """The ``ServerName`` the first readable client.conf gives ("" when none does)."""
    for conf in client_confs:
        try:
            lines = conf.read_text(errors="replace").splitlines()
        except OSError:  # none there, or not ours to read
            continue
        for line in lines:
            fields = line.split(None, 1)
            if len(fields) == 2 and fields[0].lower() == "servername":
                return fields[1].strip()
    return ""


def ask_job_state(job_id: int, user: str, timeout_s: float, address: str | tuple[str, int] | None = None) -> str:
    """The job's ``job-state`` from CUPS; IppError or OSError when it cannot be learned."""
    return job_state(ask(job_state_request(job_id, user), "/jobs", timeout_s, address))


def ask_printer_state(printer: str, user: str, timeout_s: float,
                      address: str | tuple[str, int] | None = None) -> tuple[str, list[str]]:
    """The queue's ``printer-state`` (``stopped``: disabled) and its ``printer-state-reasons`` (``none``,
    ``media-empty-error``, ``toner-low-report``, ...) from CUPS, in one question; IppError or OSError when not
    learned."""
    answer = ask(printer_state_request(printer, user), f"/printers/{printer}", timeout_s, address)
    return printer_state(answer), keywords(answer, "printer-state-reasons")


def printer_uri(device_uri: str) -> tuple[str, str, int, str, bool] | None:
    """(the printer-uri to name, its host, port and resource path, whether TLS) of a queue's device URI when it names
    an IPP printer (``ipp``, ``ipps``; ``http``/``https`` as CUPS's ipp backend takes them); None otherwise. The
    URI's options (``?waitjob=false``) are CUPS's backend's, not the printer's."""
    try:
        parts = urlsplit(device_uri)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("ipp", "ipps", "http", "https") or not parts.hostname:
        return None
    tls = scheme in ("ipps", "https")
    port = port or (443 if scheme == "https" else 80 if scheme == "http" else 631)
    path = parts.path or "/"
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    named = urlunsplit(("ipps" if tls else "ipp", f"{host}:{port}", path, "", ""))
    return named, parts.hostname, port, path, tls


def device_state_request(uri: str, user: str) -> bytes:
    return state_request(GET_PRINTER_ATTRIBUTES, "printer-uri", uri,
                         ("printer-state", "printer-state-reasons", "printer-input-tray"), user)


def ask_device_state(device_uri: str, user: str, timeout_s: float,
                     address: tuple[str, int] | None = None) -> tuple[str, list[str], list[bytes]]:
    """An IPP printer's own ``printer-state``, ``printer-state-reasons`` and ``printer-input-tray`` (each tray's
    ``key=value;`` description, none when it gives none), asked at its device URI (at ``address``, a numeric one
    already resolved, when given: the name is then only said in the request); IppError when the URI names no IPP
    printer or the answer does not say, OSError when it cannot be asked.

    An ``ipps`` printer's certificate is not checked (printers make their own, signed by nobody the terminal knows):
    the answer only ever says whether a print is offered (one forged could only say there is no paper), and no
    document travels on this connection."""
    found = printer_uri(device_uri)
    if found is None:
        raise IppError(f"{device_uri!r} names no IPP printer")
    named, host, port, path, tls = found
    answer = ask(device_state_request(named, user), path, timeout_s, address or (host, port),
                 host=f"{host}:{port}", server_name=host if tls else None)
    trays = [value for tag, value in values(answer, "printer-input-tray") if tag == _OCTET_STRING]
    return printer_state(answer), keywords(answer, "printer-state-reasons"), trays


def _tls(connection: socket.socket, server_name: str) -> socket.socket:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # see ask_device_state
    try:
        ipaddress.ip_address(server_name)
        named = None  # an address is no name to offer (SNI)
    except ValueError:
        named = server_name
    try:
        return context.wrap_socket(connection, server_hostname=named)
    except OSError:
        connection.close()
        raise


def answer_length(answer: bytes | bytearray) -> int | None:
    """The whole answer's length once its head is in and says its body's length; None until then (or when it says
    none: the answer then ends when the connection does)."""
    end = answer.find(b"\r\n\r\n")
    if end < 0:
        return None
    for line in bytes(answer[:end]).split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            return end + 4 + int(value.strip())
        if name.strip().lower() == b"transfer-encoding":
            raise IppError("a chunked answer to an HTTP/1.0 request")
    return None


def _received(connection: socket.socket, timeout_s: float) -> bytes:
    try:
        return connection.recv(4096)
    except TimeoutError:
        raise IppError(f"no whole answer within {timeout_s:g} s") from None


def ask(body: bytes, path: str, timeout_s: float, address: str | tuple[str, int] | None = None,
        host: str = "localhost", server_name: str | None = None) -> bytes:
    """The IPP answer to ``body`` POSTed to ``path`` (of CUPS by default; ``server_name``: over TLS, to that
    server), within ``timeout_s`` (each of connect, handshake and send, and the whole answer)."""
    where = cups_address() if address is None else address
    if address is None and not isinstance(where, str):
        host = f"{where[0]}:{where[1]}" if ":" not in where[0] else f"[{where[0]}]:{where[1]}"  # CUPS checks Host
    request = (f"POST {path} HTTP/1.0\r\nHost: {host}\r\n".encode() + b"Content-Type: application/ipp\r\n"
               + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    if isinstance(where, str):
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(timeout_s)
        try:
            connection.connect(where)
        except OSError:
            connection.close()
            raise
    else:
        connection = names.tcp_connection(*where, timeout_s)  # a remote CUPS by name: looked up within the bound
    if server_name is not None:
        connection = _tls(connection, server_name)
    with connection:
        connection.sendall(request)
        answer, deadline, whole = bytearray(), time.monotonic() + timeout_s, None
        while chunk := _received(connection, timeout_s):
            answer += chunk
            if len(answer) > MAX_ANSWER:
                raise IppError(f"an answer past {MAX_ANSWER} bytes")
            whole = whole or answer_length(answer)
            if whole is not None and len(answer) >= whole:
                break
            left = deadline - time.monotonic()
            if left <= 0:
                raise IppError(f"no whole answer within {timeout_s:g} s")
            connection.settimeout(left)
    if whole is not None and len(answer) < whole:
        raise IppError("an answer cut short of its Content-Length")
    return http_body(bytes(answer[:whole] if whole is not None else answer))
