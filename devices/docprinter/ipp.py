"""A CUPS job's state and its queue's, asked over IPP (RFC 8011's Get-Job-Attributes and Get-Printer-Attributes,
encoded as RFC 8010 says).

``lpstat`` lists a job as no longer pending alike when it printed and when staff cancelled it or CUPS ended it;
only the job's ``job-state`` tells them apart, and says when CUPS stopped it (a filter that failed).
CUPS answers IPP on its local socket (``/run/cups/cups.sock``) or on ``localhost:631``, as its own clients do; the
request and the answer are HTTP/1.0 (no chunks), the answer read within a bound and a size."""

from __future__ import annotations

import os
import socket
import struct
import time

GET_JOB_ATTRIBUTES, GET_PRINTER_ATTRIBUTES = 0x0009, 0x000B
JOB_STATES = {3: "pending", 4: "pending-held", 5: "processing", 6: "processing-stopped", 7: "canceled",
              8: "aborted", 9: "completed"}
PRINTER_STATES = {3: "idle", 4: "processing", 5: "stopped"}
PRINTED = "completed"
NOT_PRINTED = ("canceled", "aborted")  # ended without printing: by staff, or by CUPS itself
MAX_ANSWER = 64 * 1024  # a job-state answer is a few hundred bytes
DEFAULT_SOCKET = "/run/cups/cups.sock"

_OPERATION, _END = 0x01, 0x03
_ENUM, _URI, _KEYWORD, _NAME, _CHARSET, _LANGUAGE = 0x23, 0x45, 0x44, 0x42, 0x47, 0x48


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


def cups_address() -> str | tuple[str, int]:
    """Where CUPS's own clients find it: ``CUPS_SERVER`` (a socket path or host[:port]), else its local socket when
    present, else localhost:631. (A client.conf naming another server is not read: the job is then not known here,
    and the caller says so.)"""
    server = os.environ.get("CUPS_SERVER", "").strip()
    if server.startswith("/"):
        return server
    if server:
        host, _, port = server.rpartition(":") if server.count(":") == 1 else (server, "", "")
        return (host or server, int(port)) if port.isdigit() else (server, 631)
    return DEFAULT_SOCKET if os.path.exists(DEFAULT_SOCKET) else ("localhost", 631)


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


def ask(body: bytes, path: str, timeout_s: float, address: str | tuple[str, int] | None = None) -> bytes:
    """CUPS's IPP answer to ``body`` POSTed to ``path``, within ``timeout_s`` (each of connect and send, and the
    whole answer)."""
    where = cups_address() if address is None else address
    request = (f"POST {path} HTTP/1.0\r\n".encode() + b"Host: localhost\r\nContent-Type: application/ipp\r\n"
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
        connection = socket.create_connection(where, timeout=timeout_s)
    with connection:
        connection.sendall(request)
        answer, deadline = bytearray(), time.monotonic() + timeout_s
        while chunk := connection.recv(4096):
            answer += chunk
            if len(answer) > MAX_ANSWER:
                raise IppError(f"an answer past {MAX_ANSWER} bytes")
            left = deadline - time.monotonic()
            if left <= 0:
                raise IppError(f"no whole answer within {timeout_s:g} s")
            connection.settimeout(left)
    return http_body(bytes(answer))
