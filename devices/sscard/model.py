"""A social security card as a function from command APDU to response APDU, answering from a card.

It answers what :mod:`devices.sscard.reading` sends: SELECT of the application by name, SELECT of
EF05/EF06 by identifier, READ RECORD by number (current EF or SFI) or by identifier, GET RESPONSE. ``Answer.GET_RESPONSE``
answers 61xx first and gives the data to GET RESPONSE; ``Answer.WRONG_LE`` answers 6Cxx to a READ
RECORD whose Le is not the record's length (real cards of both kinds are reported by the readers cited
in :mod:`devices.sscard.apdu`). It keeps no threads and no I/O, so it can later sit behind vpcd.
"""

from __future__ import annotations

import enum

from devices.sscard import apdu
from devices.sscard.records import SocialSecurityCard, encode_holder, encode_issuer

SW_OK = b"\x90\x00"
SW_NO_CURRENT_EF = b"\x69\x86"
SW_WRONG_P1P2 = b"\x6a\x86"
SW_WRONG_LENGTH = b"\x67\x00"
SW_INS_NOT_SUPPORTED = b"\x6d\x00"
SW_CLA_NOT_SUPPORTED = b"\x6e\x00"
SW_NOT_FOUND = apdu.SW_FILE_NOT_FOUND.to_bytes(2, "big")
SW_NO_RECORD = apdu.SW_RECORD_NOT_FOUND.to_bytes(2, "big")


class Answer(enum.Enum):
    DIRECT = "direct"              # data and 9000 at once
    GET_RESPONSE = "get_response"  # 61xx, then the data to GET RESPONSE
    WRONG_LE = "wrong_le"          # 6Cxx to a READ RECORD with another Le


class SsCardModel:
    """Call it with a command APDU; it returns the response APDU."""

    def __init__(self, card: SocialSecurityCard, *, answer: Answer = Answer.DIRECT) -> None:
        self._files = {apdu.EF05: encode_issuer(card), apdu.EF06: encode_holder(card)}
        self._sfi = {apdu.SFI_EF05: apdu.EF05, apdu.SFI_EF06: apdu.EF06}
        self._answer = answer
        self._in_application = False
        self._current: int | None = None
        self._pending = b""

    def __call__(self, command: bytes) -> bytes:
        if len(command) < 4:
            return SW_WRONG_LENGTH
        if command[0] != 0x00:
            return SW_CLA_NOT_SUPPORTED
        ins = command[1]
        if ins == 0xC0:
            return self._get_response(command)
        self._pending = b""
        if ins == 0xA4:
            return self._select(command)
        if ins == 0xB2:
            return self._read_record(command)
        return SW_INS_NOT_SUPPORTED

    def _reply(self, data: bytes) -> bytes:
        if self._answer is Answer.GET_RESPONSE and data:
            self._pending = data
            return bytes((0x61, len(data) & 0xFF))
        return data + SW_OK

    def _get_response(self, command: bytes) -> bytes:
        if not self._pending or len(command) != 5:
            return b"\x69\x85"
        le = command[4] or 256
        if le != len(self._pending):
            return bytes((0x6C, len(self._pending) & 0xFF))
        data, self._pending = self._pending, b""
        return data + SW_OK

    def _select(self, command: bytes) -> bytes:
        if len(command) < 5 or len(command) < 5 + command[4]:
            return SW_WRONG_LENGTH
        body = command[5:5 + command[4]]
        if command[2:4] == b"\x04\x00":
            if body != apdu.AID:
                return SW_NOT_FOUND
            self._in_application, self._current = True, None
            fci = b"\x84" + bytes((len(apdu.AID),)) + apdu.AID
            return self._reply(b"\x6f" + bytes((len(fci),)) + fci)
        if command[2] in (0x00, 0x02) and command[3] == 0x00 and len(body) == 2:
            fid = int.from_bytes(body, "big")
            if not self._in_application or fid not in self._files:
                return SW_NOT_FOUND
            self._current = fid
            return SW_OK
        return SW_WRONG_P1P2

    def _read_record(self, command: bytes) -> bytes:
        if len(command) != 5:
            return SW_WRONG_LENGTH
        number, p2, le = command[2], command[3], command[4]
        if p2 & 0x07 not in (0x00, 0x04):
            return SW_WRONG_P1P2
        sfi = p2 >> 3
        fid = self._current if sfi == 0 else self._sfi.get(sfi)
        if not self._in_application or fid is None:
            return SW_NO_CURRENT_EF if sfi == 0 else SW_NOT_FOUND
        if sfi:
            self._current = fid
        if p2 & 0x07 == 0x04:
            record = self._files[fid].get(number)
        else:  # P1 is a record identifier: the first record with that tag
            record = next((r for r in self._files[fid].values() if r[0] == number), None)
        if record is None:
            return SW_NO_RECORD
        if self._answer is Answer.WRONG_LE and le != len(record):
            return bytes((0x6C, len(record)))
        return self._reply(record)
