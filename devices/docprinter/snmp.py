"""A network printer's own word on paper, jams and its cover, asked over SNMP where it speaks no IPP.

A ``socket://`` (JetDirect) or ``lpd://`` printer says nothing on its print port until a job is sent; CUPS's backend
asks it over SNMP only while a job waits. Between jobs the driver asks the same thing CUPS's backend does: the Host
Resources MIB's ``hrPrinterDetectedErrorState`` (RFC 2790, ``1.3.6.1.2.1.25.3.5.1.2.1``), a bit string whose first
octet's high bit is ``lowPaper``. Its bits are read into IPP's reason names (devices/docprinter/printer_reasons.py),
as CUPS's backend/snmp-supplies.c does (``offline`` and ``serviceRequested`` left out, which it calls unreliable),
but for ``inputTrayEmpty``: CUPS calls it ``media-empty`` too, as a warning while a job waits; between jobs it may be
an optional or by-pass tray left empty while the main tray has paper, so it is ``input-tray-empty`` here, for staff,
and only ``noPaper`` says the printer has none.

SNMPv1, community ``public`` by default (what printers answer out of the box, and what CUPS asks), one GetRequest in
one UDP datagram, its answer read strictly (BER, X.690): anything else on the port is not an answer."""

from __future__ import annotations

import itertools
import os
import socket
import time

ERROR_STATE_OID = "1.3.6.1.2.1.25.3.5.1.2.1"  # hrPrinterDetectedErrorState of the printer's hrDeviceIndex 1
MAX_DATAGRAM = 1500
# hrPrinterDetectedErrorState's bits (RFC 2790: bit 0 is the first octet's high bit) as IPP reason names
BITS = {0: "media-low", 1: "media-empty", 2: "toner-low", 3: "toner-empty", 4: "door-open", 5: "media-jam",
        8: "input-tray-missing", 10: "marker-supply-missing", 12: "output-area-full", 13: "input-tray-empty"}

_INTEGER, _OCTETS, _NULL, _OID, _SEQUENCE = 0x02, 0x04, 0x05, 0x06, 0x30
_GET, _RESPONSE = 0xA0, 0xA2
_request_ids = itertools.count(int.from_bytes(os.urandom(3), "big"))


class SnmpError(Exception):
    """The answer was not one this module can read, or said the object is not there."""


def _length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _tlv(tag: int, value: bytes) -> bytes:
    return bytes([tag]) + _length(len(value)) + value


def _integer(number: int) -> bytes:
    return _tlv(_INTEGER, number.to_bytes(max(1, (number.bit_length() + 8) // 8), "big", signed=True))


def _oid(dotted: str) -> bytes:
    first, second, *rest = (int(part) for part in dotted.split("."))
    body = bytearray([40 * first + second])
    for number in rest:
        chunk = [number & 0x7F]
        number >>= 7
        while number:
            chunk.append(0x80 | (number & 0x7F))
            number >>= 7
        body += bytes(reversed(chunk))
    return _tlv(_OID, bytes(body))


def get_request(community: str, request_id: int, oid: str = ERROR_STATE_OID) -> bytes:
    """An SNMPv1 GetRequest for ``oid``."""
    varbind = _tlv(_SEQUENCE, _oid(oid) + _tlv(_NULL, b""))
    pdu = _tlv(_GET, _integer(request_id) + _integer(0) + _integer(0) + _tlv(_SEQUENCE, varbind))
    return _tlv(_SEQUENCE, _integer(0) + _tlv(_OCTETS, community.encode()) + pdu)


def _read(data: bytes, at: int, tag: int | None = None) -> tuple[int, bytes, int]:
    """(tag, value, the offset past it) of the TLV at ``at``; SnmpError when it is cut short or not ``tag``."""
    if at + 2 > len(data):
        raise SnmpError("an SNMP answer cut short")
    found, size, at = data[at], data[at + 1], at + 2
    if size & 0x80:
        count = size & 0x7F
        if count == 0 or count > 4 or at + count > len(data):
            raise SnmpError("an SNMP length that cannot be read")
        size, at = int.from_bytes(data[at:at + count], "big"), at + count
    if at + size > len(data):
        raise SnmpError("an SNMP answer cut short")
    if tag is not None and found != tag:
        raise SnmpError(f"an SNMP answer with 0x{found:02x} where 0x{tag:02x} belongs")
    return found, data[at:at + size], at + size


def _number(value: bytes) -> int:
    if not 1 <= len(value) <= 8:
        raise SnmpError("an SNMP integer of a size no answer has")
    return int.from_bytes(value, "big", signed=True)


def _dotted(value: bytes) -> str:
    if not value or value[0] & 0x80:
        raise SnmpError("an SNMP object identifier this module does not read")
    parts, number = [value[0] // 40, value[0] % 40] if value[0] < 80 else [2, value[0] - 80], 0
    for byte in value[1:]:
        number = (number << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(number)
            number = 0
    if value[-1] & 0x80:
        raise SnmpError("an SNMP object identifier cut short")
    return ".".join(str(part) for part in parts)


def response_value(answer: bytes, request_id: int, oid: str = ERROR_STATE_OID) -> bytes:
    """The octet string value of ``oid`` in an SNMP GetResponse to ``request_id``; SnmpError otherwise (another
    request's answer, an error status such as noSuchName, another object, another type)."""
    _, message, end = _read(answer, 0, _SEQUENCE)
    if end != len(answer):
        raise SnmpError("bytes after the SNMP answer")
    _, version, at = _read(message, 0, _INTEGER)
    if _number(version) not in (0, 1):
        raise SnmpError(f"SNMP version {_number(version)}")
    _, _community, at = _read(message, at, _OCTETS)
    _, pdu, _ = _read(message, at, _RESPONSE)
    _, answered_id, at = _read(pdu, 0, _INTEGER)
    if _number(answered_id) != request_id:
        raise SnmpError("an answer to another request")
    _, status, at = _read(pdu, at, _INTEGER)
    _, _index, at = _read(pdu, at, _INTEGER)
    if _number(status) != 0:
        raise SnmpError(f"SNMP error status {_number(status)}")
    _, varbinds, _ = _read(pdu, at, _SEQUENCE)
    _, varbind, _ = _read(varbinds, 0, _SEQUENCE)
    _, name, at = _read(varbind, 0, _OID)
    if _dotted(name) != oid:
        raise SnmpError(f"an answer for {_dotted(name)}")
    tag, value, _ = _read(varbind, at)
    if tag != _OCTETS:  # noSuchObject (0x80), noSuchInstance (0x81) in SNMPv2c; a printer's agent without the MIB
        raise SnmpError(f"{oid} is not a printer's state here (0x{tag:02x})")
    return value


def reasons(error_state: bytes) -> list[str]:
    """hrPrinterDetectedErrorState's bits as IPP reason names, in bit order (``none`` when no bit that counts is
    set). One octet or two are what printers send; bits past them are read too."""
    found = []
    for bit, name in sorted(BITS.items()):
        octet, mask = divmod(bit, 8)
        if octet < len(error_state) and error_state[octet] & (0x80 >> mask) and name not in found:
            found.append(name)
    return found or ["none"]


def ask_error_state(address: tuple[str, int], community: str, timeout_s: float) -> bytes:
    """The printer's hrPrinterDetectedErrorState, asked at ``address`` (numeric) within ``timeout_s``; SnmpError
    when it answers otherwise, OSError (TimeoutError: nothing answered) when not at all."""
    request_id = next(_request_ids) & 0x7FFFFFFF
    family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as connection:
        connection.connect(address)  # a port nobody listens on: refused at once (ICMP), not a wait
        connection.send(get_request(community, request_id))
        deadline = time.monotonic() + timeout_s
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no SNMP answer within {timeout_s:g} s")
            connection.settimeout(left)
            answer = connection.recv(MAX_DATAGRAM)
            try:
                return response_value(answer, request_id)
            except SnmpError as exc:
                if "another request" not in str(exc):  # a late answer to an earlier request is waited past
                    raise
