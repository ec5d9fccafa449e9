"""Command APDUs for the social security card's public data, and the status words they answer.

The application is the social security DDF named ``sx1.sh.社会保障`` in GBK (15 bytes,
``7378312E73682EC9E7BBE1B1A3D5CF``), selected by name (``00 A4 04 00 0F`` + name). Its files EF05
(发卡机构数据, the card and its issuer) and EF06 (持卡人基本信息, the holder) are record files; a
record is read with READ RECORD, P1 = record number and P2 = ``(SFI << 3) | 4`` or ``04`` for the
current EF, or P2 = ``00`` with P1 = the record's identifier (its tag; ISO 7816-4 "first record
with this identifier"). The MOHRSS specification 《社会保障(个人)卡规范》 itself was not available to
us; public readers send these exact commands:

- ``00A404000F7378312E73682EC9E7BBE1B1A3D5CF``, ``00A4000002EF05``, ``00A4000002EF06``, ``00B2xx0400``:
  GitHub leithergit/Z390Kylin, ``Evolis_Z390_printer/evolis_z390_printer.cpp`` (WriteCard1, WriteCard2).
  Others select the EF with P1=02 (``00A4020002EF06``: a7082633/HDOS_VC6,
  ``新疆焦阳/HD_XJDLL/HD_XJDLL.cpp``); we send P1=00, selection by file identifier.
- ``00B2072C0B`` (EF05 by SFI 5) and ``00B20C0005`` / ``00B20D0006`` (EF06 by record identifier):
  a7082633/HDOS_VC6 ``HD_XJDLL.cpp``; ``00b2013414``, ``00b2043403`` (EF06 by SFI 6): a reader's
  ``SSCReaderFuncs::ReadCardBaseInfo`` found in the code index (its repository not named there).

Status words (ISO 7816-4): 9000 done; 61xx: xx more bytes wait, fetched with GET RESPONSE
(``00 C0 00 00 xx``); 6Cxx: wrong Le, send the same command again with Le = xx; 6A82 file not found;
6A83 record not found. :func:`transmit` follows 61xx and 6Cxx a bounded number of times and raises
the typed errors of :mod:`devices.sscard.errors` for anything else.
"""

from __future__ import annotations

from typing import Callable

from devices.sscard.errors import CardStatusError, FileNotFoundOnCardError, RecordNotFoundError, SsCardDataError

AID = "sx1.sh.社会保障".encode("gbk")
EF05 = 0xEF05
EF06 = 0xEF06
SFI_EF05 = 5
SFI_EF06 = 6

SW_OK = 0x9000
SW_FILE_NOT_FOUND = 0x6A82
SW_RECORD_NOT_FOUND = 0x6A83
MAX_FOLLOW = 8

Send = Callable[[bytes], bytes]


def select_aid(aid: bytes = AID) -> bytes:
    """``00 A4 04 00 Lc aid``: select the application by name."""
    return bytes((0x00, 0xA4, 0x04, 0x00, len(aid))) + aid


def select_ef(fid: int) -> bytes:
    """``00 A4 00 00 02 fid``: select an elementary file by its identifier."""
    return bytes((0x00, 0xA4, 0x00, 0x00, 0x02)) + fid.to_bytes(2, "big")


def read_record(record: int, *, sfi: int | None = None, le: int = 0) -> bytes:
    """``00 B2 record P2 Le``; P2 is ``04`` (current EF) or ``(sfi << 3) | 4``."""
    if not 1 <= record <= 0xFE:
        raise ValueError(f"record number {record} is outside 1..254")
    if sfi is not None and not 1 <= sfi <= 30:
        raise ValueError(f"SFI {sfi} is outside 1..30")
    p2 = 0x04 if sfi is None else (sfi << 3) | 0x04
    return bytes((0x00, 0xB2, record, p2, le & 0xFF))


def read_record_by_identifier(identifier: int, *, le: int = 0) -> bytes:
    """``00 B2 identifier 00 Le``: the first record of the current EF whose tag is ``identifier``."""
    if not 1 <= identifier <= 0xFE:
        raise ValueError(f"record identifier {identifier} is outside 1..254")
    return bytes((0x00, 0xB2, identifier, 0x00, le & 0xFF))


def get_response(le: int) -> bytes:
    return bytes((0x00, 0xC0, 0x00, 0x00, le & 0xFF))


def split(response: bytes) -> tuple[bytes, int]:
    """Data and status word of a response APDU."""
    if len(response) < 2:
        raise SsCardDataError(detail=f"response of {len(response)} bytes has no status word")
    return bytes(response[:-2]), int.from_bytes(response[-2:], "big")


def check(sw: int) -> None:
    """Nothing for 9000, else the typed error of the status word."""
    if sw == SW_OK:
        return
    if sw == SW_FILE_NOT_FOUND:
        raise FileNotFoundOnCardError(sw)
    if sw == SW_RECORD_NOT_FOUND:
        raise RecordNotFoundError(sw)
    raise CardStatusError(sw)


def _with_le(command: bytes, le: int) -> bytes:
    """The same case-2 command (header and Le, no data) with another Le."""
    if len(command) != 5:
        raise SsCardDataError(detail=f"6Cxx answered a command of {len(command)} bytes, not a case-2 command")
    return command[:4] + bytes((le,))


def transmit(send: Send, command: bytes) -> bytes:
    """Send ``command``; follow 61xx with GET RESPONSE and 6Cxx with the corrected Le; the data on 9000."""
    kept, last = b"", command
    data, sw = split(send(last))
    for _ in range(MAX_FOLLOW):
        if sw >> 8 == 0x6C:  # the last command again, GET RESPONSE included, with the Le the card wants
            last = _with_le(last, sw & 0xFF)
            data, sw = split(send(last))
        elif sw >> 8 == 0x61:
            kept += data
            last = get_response(sw & 0xFF)
            data, sw = split(send(last))
        else:
            break
    else:
        raise CardStatusError(sw, detail=f"SW={sw:04X} still after following 61xx/6Cxx {MAX_FOLLOW} times")
    check(sw)
    return kept + data
