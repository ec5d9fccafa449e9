"""The TLV records of EF05 (发卡机构数据) and EF06 (持卡人基本信息) read into a :class:`SocialSecurityCard`.

Each record is one TLV: a one-byte tag, a one-byte length, the value. The MOHRSS specification
《社会保障(个人)卡规范》 itself was not available to us (only its part 1, card faces, turned up); the
layout below is what public card software does, cross-checked between sources:

- [T] the tag and length table of GitHub yxsylyh/hiquotion_cpp,
  ``Hardware/card/SIDCard/DeCard/SIDCardOperation.h`` (EF05 01/10, 05/04, 06/04, 07/09; EF06 08/12,
  09/1E, 0A/01, 0B/01, 0C/03, 0D/04, lengths in hex);
- [E] the card writer of GitHub leithergit/Z390Kylin, ``Evolis_Z390_printer/evolis_z390_printer.cpp``
  (WriteCard1..4: which record holds which tag, how each value is encoded, and two real responses:
  ``0110 330300D15600000599110145FFFFFFFF 9000`` and ``0304 332E3030 9000``);
- [S] ``SSCReaderFuncs::ReadCardBaseInfo`` (a reader in the code index whose repository it does not
  name): the Le of each READ RECORD, and the gender's record by spec version;
- [X] ``XhdReadCardCore.java`` (likewise unnamed): gender "1" is male; the name decoded as GBK;
- [H] GitHub a7082633/HDOS_VC6, ``新疆焦阳/HD_XJDLL/HD_XJDLL.cpp``: nation, birthplace, birth date as BCD.

====  ======  ==========================  ====  =====================================================
EF    record  field                       tag   length, encoding [sources]
====  ======  ==========================  ====  =====================================================
EF05  1       卡识别码 card identifier     01    16, binary, kept as hex [T, E]
EF05  2       卡的类别 card type           02    1, ASCII (written as text) [E]
EF05  3       规范版本 spec version        03    4, ASCII, "3.00" [E]; first byte "1" = first
                                                  generation, "2"/"3" later [S]
EF05  4       初始化机构编号 issuer code    04    12, binary, kept as hex (Le 0E) [S, E]
EF05  5       发卡日期 issue date          05    4, BCD YYYYMMDD [T, S]
EF05  6       卡有效期 expiry date         06    4, BCD YYYYMMDD [T, S]
EF05  7       卡号 card number             07    9, ASCII [T, E, S]
EF06  1       社会保障号码 number          08    18, ASCII, the resident ID number [T, E, S]
EF06  2       姓名 name                    09    30, GBK padded with 00 (E) or 20 [T, E, X]
EF06  4 (3)   性别 gender                  0A    1, ASCII GB/T 2261.1 code, "1" male [T, E, X]
EF06  5       民族 nation                  0B    1, BCD GB 3304 code [T, E, H]
EF06  6       出生地 birthplace            0C    3, BCD region code [T, H] — not read here
EF06  7 (6)   出生日期 birth date          0D    4, BCD YYYYMMDD [T, E, H]
====  ======  ==========================  ====  =====================================================

Where the sources disagree: the gender's record is 04 on cards of spec version 2.x/3.x and 03 on
version 1.x [S; E writes it at 04 on a 3.00 card]; [X] reads gender at 03 and the birth date at 06
where [E] writes the birth date at 07. We read by the record numbers of :func:`holder_records_for`
and check every tag, so a card laid out otherwise gives a typed error, never a wrong field; a
reader can also ask by tag (:func:`devices.sscard.apdu.read_record_by_identifier`, as [H] does).
Not verified against the specification: the encodings of the card type and the issuer code (kept
as received), record 03 of EF06 on later cards, whether any card pads the name with spaces.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping

from common.idnumber import is_valid
from common.masking import mask_id_number, mask_name
from devices.sscard.errors import SsCardDataError

# tag: (length, what) — the value length is fixed for every field; the name is padded to 30.
TAG_IDENTIFIER, TAG_CARD_TYPE, TAG_VERSION, TAG_ISSUER, TAG_ISSUED, TAG_EXPIRES, TAG_CARD_NUMBER = range(1, 8)
TAG_NUMBER, TAG_NAME, TAG_GENDER, TAG_NATION, TAG_BIRTHPLACE, TAG_BIRTH_DATE = range(8, 14)
LENGTHS = {TAG_IDENTIFIER: 16, TAG_CARD_TYPE: 1, TAG_VERSION: 4, TAG_ISSUER: 12, TAG_ISSUED: 4, TAG_EXPIRES: 4,
           TAG_CARD_NUMBER: 9, TAG_NUMBER: 18, TAG_NAME: 30, TAG_GENDER: 1, TAG_NATION: 1, TAG_BIRTHPLACE: 3,
           TAG_BIRTH_DATE: 4}

# record number -> tag
ISSUER_RECORDS = {1: TAG_IDENTIFIER, 2: TAG_CARD_TYPE, 3: TAG_VERSION, 4: TAG_ISSUER, 5: TAG_ISSUED,
                  6: TAG_EXPIRES, 7: TAG_CARD_NUMBER}
_HOLDER_COMMON = {1: TAG_NUMBER, 2: TAG_NAME, 5: TAG_NATION, 7: TAG_BIRTH_DATE}
GENDERS = {"0": "unknown", "1": "male", "2": "female", "9": "unstated"}
_PADDING = b"\x00\x20"


def holder_records_for(spec_version: str) -> dict[int, int]:
    """EF06's record numbers and tags on a card of this spec version (gender at 03 on 1.x, else 04)."""
    gender_record = 3 if spec_version.startswith("1") else 4
    return dict(sorted({**_HOLDER_COMMON, gender_record: TAG_GENDER}.items()))


@dataclass(frozen=True)
class SocialSecurityCard:
    """The public data of a social security card. ``repr`` masks the number, name and card number."""

    identifier: str          # 卡识别码, hex
    card_type: str           # 卡的类别
    spec_version: str        # 规范版本, "3.00"
    issuer_code: str         # 初始化机构编号, hex
    issue_date: dt.date
    expiry_date: dt.date
    card_number: str         # 卡号
    number: str              # 社会保障号码 (the resident ID number)
    name: str
    gender: str              # GB/T 2261.1 code, see GENDERS
    nation: str              # GB 3304 code, two digits
    birth_date: dt.date

    def __repr__(self) -> str:
        return (f"SocialSecurityCard(number={mask_id_number(self.number)!r}, name={mask_name(self.name)!r}, "
                f"card_number={mask_id_number(self.card_number)!r}, spec_version={self.spec_version!r}, "
                f"card_type={self.card_type!r})")

    __str__ = __repr__


def value_of(record: bytes, tag: int) -> bytes:
    """The value of a one-TLV record, checked: the tag expected, the length the field has, no more bytes."""
    if len(record) < 2:
        raise SsCardDataError(detail=f"record for tag {tag:02X} has {len(record)} bytes, too short for a TLV")
    if record[0] != tag:
        raise SsCardDataError(detail=f"record has tag {record[0]:02X}, expected {tag:02X}")
    length = record[1]
    if length != LENGTHS[tag] or len(record) != 2 + length:
        raise SsCardDataError(detail=f"tag {tag:02X}: length byte {length}, {len(record) - 2} value bytes, "
                                     f"expected {LENGTHS[tag]}")
    return bytes(record[2:])


def _ascii(value: bytes, tag: int) -> str:
    try:
        return value.rstrip(_PADDING).decode("ascii")
    except UnicodeDecodeError:
        raise SsCardDataError(detail=f"tag {tag:02X} is not ASCII") from None


def _bcd_digits(value: bytes, tag: int) -> str:
    digits = value.hex()
    if not digits.isdigit():
        raise SsCardDataError(detail=f"tag {tag:02X} is not BCD")
    return digits


def _date(value: bytes, tag: int) -> dt.date:
    digits = _bcd_digits(value, tag)
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise SsCardDataError(detail=f"tag {tag:02X} is not a calendar date") from None


def _name(value: bytes) -> str:
    try:
        name = value.rstrip(_PADDING).decode("gbk").strip()
    except UnicodeDecodeError:
        raise SsCardDataError(detail="the name is not GBK") from None
    if not name or "\x00" in name:
        raise SsCardDataError(detail="the name is empty or holds NUL")
    return name


def _records(records: Mapping[int, bytes], layout: Mapping[int, int], ef: str) -> dict[int, bytes]:
    values = {}
    for number, tag in layout.items():
        if number not in records:
            raise SsCardDataError(detail=f"{ef} record {number} is missing")
        values[tag] = value_of(records[number], tag)
    return values


def spec_version_of(record: bytes) -> str:
    """The spec version in EF05's record 03 (it decides where EF06 keeps the gender)."""
    return _ascii(value_of(record, TAG_VERSION), TAG_VERSION)


def parse_card(issuer: Mapping[int, bytes], holder: Mapping[int, bytes]) -> SocialSecurityCard:
    """EF05's and EF06's records (record number -> record bytes) into the card; a typed error if damaged."""
    v = _records(issuer, ISSUER_RECORDS, "EF05")
    spec_version = _ascii(v[TAG_VERSION], TAG_VERSION)
    v.update(_records(holder, holder_records_for(spec_version), "EF06"))
    number = _ascii(v[TAG_NUMBER], TAG_NUMBER)
    if not is_valid(number):
        raise SsCardDataError(detail="the social security number fails its format or check character")
    gender = _ascii(v[TAG_GENDER], TAG_GENDER)
    if gender not in GENDERS:
        raise SsCardDataError(detail="the gender code is not a GB/T 2261.1 code")
    return SocialSecurityCard(
        identifier=v[TAG_IDENTIFIER].hex().upper(), card_type=_ascii(v[TAG_CARD_TYPE], TAG_CARD_TYPE),
        spec_version=spec_version, issuer_code=v[TAG_ISSUER].hex().upper(),
        issue_date=_date(v[TAG_ISSUED], TAG_ISSUED), expiry_date=_date(v[TAG_EXPIRES], TAG_EXPIRES),
        card_number=_ascii(v[TAG_CARD_NUMBER], TAG_CARD_NUMBER), number=number, name=_name(v[TAG_NAME]),
        gender=gender, nation=_bcd_digits(v[TAG_NATION], TAG_NATION), birth_date=_date(v[TAG_BIRTH_DATE], TAG_BIRTH_DATE))


# -- the other way, for the card model ----------------------------------------


def tlv(tag: int, value: bytes) -> bytes:
    return bytes((tag, len(value))) + value


def _padded(value: bytes, tag: int) -> bytes:
    if len(value) > LENGTHS[tag]:
        raise ValueError(f"tag {tag:02X} takes at most {LENGTHS[tag]} bytes")
    return value.ljust(LENGTHS[tag], b"\x00")


def _bcd_date(date: dt.date) -> bytes:
    return bytes.fromhex(date.strftime("%Y%m%d"))


def encode_issuer(card: SocialSecurityCard) -> dict[int, bytes]:
    """EF05's records for ``card``."""
    values = {TAG_IDENTIFIER: bytes.fromhex(card.identifier), TAG_CARD_TYPE: card.card_type.encode("ascii"),
              TAG_VERSION: card.spec_version.encode("ascii"), TAG_ISSUER: bytes.fromhex(card.issuer_code),
              TAG_ISSUED: _bcd_date(card.issue_date), TAG_EXPIRES: _bcd_date(card.expiry_date),
              TAG_CARD_NUMBER: card.card_number.encode("ascii")}
    return {n: tlv(tag, _padded(values[tag], tag)) for n, tag in ISSUER_RECORDS.items()}


def encode_holder(card: SocialSecurityCard) -> dict[int, bytes]:
    """EF06's records for ``card``, at the record numbers of its spec version (no birthplace record)."""
    values = {TAG_NUMBER: card.number.encode("ascii"), TAG_NAME: card.name.encode("gbk"),
              TAG_GENDER: card.gender.encode("ascii"), TAG_NATION: bytes.fromhex(card.nation),
              TAG_BIRTH_DATE: _bcd_date(card.birth_date)}
    return {n: tlv(tag, _padded(values[tag], tag)) for n, tag in holder_records_for(card.spec_version).items()}
