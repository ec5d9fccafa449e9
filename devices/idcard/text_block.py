"""The 256-byte text block of every card type, as pure functions: parse it, check it, encode it.

UCS-2 little-endian, fixed-width fields, padded with spaces. The card type flag is the character
at byte 248: blank for the resident ID card, ``J`` for the Hong Kong/Macau/Taiwan residence permit,
``I`` for the 2017 foreigner's permanent residence card, ``Y`` for its 2023 successor. Layouts as
public reader SDKs document them (offsets in bytes):

=========  =========================================================================================
resident   name 0/30, gender 30/2, nation 32/4, birth 36/16, address 52/70, number 122/36,
           authority 158/30, valid from 188/16, valid to 204/16 (or 长期), reserved 220/36
J          as resident, with nation 32/4 blank; after valid-to: pass number 220/18, issue count
           238/4, reserved 242/6, flag 248/2, reserved 250/6
I (2017)   English name 0/120, gender 120/2, number 122/30 (15 characters), nationality 152/6,
           Chinese name 158/30, valid from 188/16, valid to 204/16, birth 220/16, version 236/4,
           authority code 240/8, flag 248/2, reserved 250/6
Y (2023)   Chinese name 0/30, gender 30/2, renewal count 32/4, birth 36/16, English name 52/70,
           number 122/36, reserved 158/30, valid from 188/16, valid to 204/16, English name
           continued 220/22, nationality 242/6, flag 248/2, link to the 2017 number 250/6
=========  =========================================================================================

Checks: 18-character numbers by ISO 7064 MOD 11-2 (GB 11643) and against the birth date; real
calendar dates; dates in order; expiry. A failed check raises a typed error; nothing is passed on.
"""

from __future__ import annotations

import codecs
import datetime as dt
from dataclasses import dataclass
from typing import Union

from devices.idcard import codes
from devices.idcard.errors import (CardDataError, ExpiredCardError, ImpossibleDateError, InvalidIdNumberError,
                                   UnknownCardTypeError)
from common.domain import CardType, Identity
from common.idnumber import is_foreigner_2017_form, is_resident_form

TEXT_LEN = 256
FLAG_OFFSET = 248
APPENDED_ADDRESS_LEN = 70  # an address endorsement (追加住址): 35 UCS-2 characters, as the address field
LONG_TERM = "长期"

Buffer = Union[bytes, bytearray, memoryview]


@dataclass(frozen=True)
class Field:
    name: str
    offset: int
    size: int


def _fields(*spec: tuple[str, int, int]) -> tuple[Field, ...]:
    return tuple(Field(*s) for s in spec)


_DATES = (("valid_from", 188, 16), ("valid_to", 204, 16))

LAYOUTS: dict[CardType, tuple[Field, ...]] = {
    CardType.RESIDENT: _fields(
        ("name", 0, 30), ("gender", 30, 2), ("nation", 32, 4), ("birth_date", 36, 16), ("address", 52, 70),
        ("id_number", 122, 36), ("issuer", 158, 30), *_DATES),
    CardType.HMT_RESIDENCE: _fields(
        ("name", 0, 30), ("gender", 30, 2), ("birth_date", 36, 16), ("address", 52, 70),
        ("id_number", 122, 36), ("issuer", 158, 30), *_DATES, ("pass_number", 220, 18), ("issue_count", 238, 4)),
    CardType.FOREIGNER_2017: _fields(
        ("name_en", 0, 120), ("gender", 120, 2), ("id_number", 122, 30), ("nationality", 152, 6),
        ("name", 158, 30), *_DATES, ("birth_date", 220, 16), ("card_version", 236, 4), ("issuer", 240, 8)),
    CardType.FOREIGNER_2023: _fields(
        ("name", 0, 30), ("gender", 30, 2), ("renewal_count", 32, 4), ("birth_date", 36, 16),
        ("name_en", 52, 70), ("id_number", 122, 36), *_DATES, ("name_en_more", 220, 22), ("nationality", 242, 6)),
}

FLAGS: dict[str, CardType] = {"J": CardType.HMT_RESIDENCE, "I": CardType.FOREIGNER_2017, "Y": CardType.FOREIGNER_2023}
_FLAG_OF = {card_type: flag for flag, card_type in FLAGS.items()}
_DATE_FIELDS = ("birth_date", "valid_from", "valid_to")


def _decode(view: memoryview, *, strip: bool = True) -> str:
    try:
        value, _ = codecs.utf_16_le_decode(view, "strict", True)
    except UnicodeDecodeError:
        raise CardDataError(detail="a field is not valid UCS-2") from None
    return value.rstrip(" \x00") if strip else value


def card_type_of(block: Buffer) -> CardType:
    flag = _decode(memoryview(block)[FLAG_OFFSET:FLAG_OFFSET + 2])
    if flag in ("", " "):
        return CardType.RESIDENT
    if flag in FLAGS:
        return FLAGS[flag]
    raise UnknownCardTypeError(detail=f"type flag U+{ord(flag[0]):04X}")


def _date(value: str, field: str, card_type: CardType) -> dt.date | None:
    if field == "valid_to" and value == LONG_TERM and card_type is CardType.RESIDENT:
        return None
    if len(value) != 8 or not (value.isascii() and value.isdigit()):  # not ０-９, ٠-٩ or ²
        raise ImpossibleDateError(detail=f"{field} is not a YYYYMMDD date")
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise ImpossibleDateError(detail=f"{field} is not a calendar date") from None


def appended_address(data: Buffer) -> str:
    """The first address endorsement in what "read appended address" returned ("" when blank)."""
    address, _ = codecs.utf_16_le_decode(memoryview(data)[:APPENDED_ADDRESS_LEN], "replace", True)
    return address.rstrip(" \x00")


def parse_text_block(block: Buffer, *, today: dt.date | None = None, check: bool = True) -> Identity:
    """The card holder in ``block`` (256 bytes), checked unless ``check`` is False."""
    view = memoryview(block)
    if len(view) != TEXT_LEN:
        raise CardDataError(detail=f"text block of {len(view)} bytes, expected {TEXT_LEN}")
    card_type = card_type_of(view)
    values = {f.name: _decode(view[f.offset:f.offset + f.size], strip=f.name != "name_en") for f in LAYOUTS[card_type]}
    # The 2023 card continues a long English name in a second field: the first is full, and a blank
    # at its end is a blank between two words, not padding.
    name_en = values.pop("name_en", "")
    name_en = (name_en.rstrip("\x00") + values.pop("name_en_more", "")).rstrip(" \x00")
    dates = {name: _date(values.pop(name), name, card_type) for name in _DATE_FIELDS}
    gender = codes.gender_name(values.pop("gender"))
    nation = codes.nation_name(values.pop("nation")) if "nation" in values else ""
    name = values.pop("name") or name_en
    identity = Identity(id_number=values.pop("id_number").upper(), name=name, card_type=card_type, gender=gender,
                        nation=nation, name_en=name_en, **dates, **values)
    if check:
        try:
            check_identity(identity, today or dt.date.today())
        except Exception:
            identity.wipe()
            raise
    return identity


def _check_number(identity: Identity) -> None:
    number, card_type, birth = identity.id_number, identity.card_type, identity.birth_date
    if not number.isascii():  # isdigit() and int() take full-width, Arabic-Indic and superscript digits too
        raise InvalidIdNumberError(detail=f"{card_type.value} number holds characters other than A-Z and 0-9")
    if card_type is CardType.FOREIGNER_2017:
        if not is_foreigner_2017_form(number):
            raise InvalidIdNumberError(detail="2017 permanent residence number is not 3 letters and 12 digits")
        if birth is not None and number[7:13] != birth.strftime("%y%m%d"):
            raise CardDataError(detail="the number's birth date differs from the card's birth date")
        return
    prefixes = {CardType.RESIDENT: "123456", CardType.HMT_RESIDENCE: "8", CardType.FOREIGNER_2023: "9"}[card_type]
    if not is_resident_form(number) or number[0] not in prefixes:
        raise InvalidIdNumberError(detail=f"{card_type.value} number fails GB 11643 (shape, date or check digit)")
    if card_type is CardType.HMT_RESIDENCE and number[:2] not in ("81", "82", "83"):
        raise InvalidIdNumberError(detail="residence permit number does not start with 81, 82 or 83")
    if birth is not None and number[6:14] != birth.strftime("%Y%m%d"):
        raise CardDataError(detail="the number's birth date differs from the card's birth date")


def check_identity(identity: Identity, today: dt.date) -> None:
    """Raise a typed error for a wrong check digit, an impossible date or an expired card."""
    _check_number(identity)
    birth, start, end = identity.birth_date, identity.valid_from, identity.valid_to
    if birth is None or start is None:
        raise ImpossibleDateError(detail="birth date or valid-from missing")
    if birth > today:
        raise ImpossibleDateError(detail="birth date in the future")
    if start < birth or (end is not None and end < start):
        raise ImpossibleDateError(detail="validity dates out of order")
    if identity.expired(today):
        raise ExpiredCardError(detail="valid-to is in the past")


# -- encoding (the simulator's side, and round-trip tests) ---------------------------------------


def _field_values(identity: Identity) -> dict[str, str]:
    values = {
        "name": identity.name, "gender": codes.gender_code(identity.gender), "nation": codes.nation_code(identity.nation),
        "address": identity.address, "id_number": identity.id_number, "issuer": identity.issuer,
        "pass_number": identity.pass_number, "issue_count": identity.issue_count,
        "renewal_count": identity.renewal_count, "card_version": identity.card_version,
        "nationality": identity.nationality, "name_en": identity.name_en, "name_en_more": "",
    }
    for name in _DATE_FIELDS:
        day = getattr(identity, name)
        values[name] = day.strftime("%Y%m%d") if day else LONG_TERM
    if identity.card_type is CardType.FOREIGNER_2023:
        values["name_en"], values["name_en_more"] = identity.name_en[:35], identity.name_en[35:]
    if identity.card_type is CardType.FOREIGNER_2017 and identity.name == identity.name_en:
        values["name"] = ""
    return values


def encode_text_block(identity: Identity) -> bytearray:
    """The 256-byte text block a card of ``identity``'s type would carry."""
    block = bytearray(" ".encode("utf-16-le") * (TEXT_LEN // 2))
    values = _field_values(identity)
    for f in LAYOUTS[identity.card_type]:
        encoded = values[f.name].encode("utf-16-le")
        if len(encoded) > f.size:
            raise ValueError(f"{f.name} does not fit its {f.size}-byte field")
        block[f.offset:f.offset + len(encoded)] = encoded
    flag = _FLAG_OF.get(identity.card_type)
    if flag:
        block[FLAG_OFFSET:FLAG_OFFSET + 2] = flag.encode("utf-16-le")
    return block
