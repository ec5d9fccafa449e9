"""Fictitious sample cards for the simulator, the demo and the tests (valid check digits).

Every card type has one. ``sample_text_block`` encodes a sample into the 256-byte text block the
card would carry; ``BROKEN_SAMPLES`` are text blocks a reader must refuse (a wrong check digit,
an impossible date, an unknown card type).
"""

from __future__ import annotations

import datetime as dt

from common.domain import CardType, Identity
from common.idnumber import complete

SAMPLES = ("resident", "resident_long_term", "expired", "hmt_residence", "foreigner_2017", "foreigner_2023")
BROKEN_SAMPLES = ("wrong_check_digit", "impossible_date", "unknown_type")
ALL_SAMPLES = SAMPLES + BROKEN_SAMPLES

PHOTO_LEN = 1024


def _photo() -> bytearray:
    return bytearray(b"\x57\x4c" + bytes(PHOTO_LEN - 2))  # "WL": a fictitious compressed photo


def _resident(sample: str) -> Identity | None:
    if sample == "resident":
        return Identity(
            id_number=complete("33010619900307123"), name="张测试", gender="男", nation="汉",
            birth_date=dt.date(1990, 3, 7), address="浙江省杭州市西湖区示例路1号",
            issuer="杭州市公安局西湖分局", valid_from=dt.date(2020, 5, 1), valid_to=dt.date(2040, 5, 1),
            photo=_photo())
    if sample == "resident_long_term":
        return Identity(
            id_number=complete("33010219550612246"), name="李样例", gender="女", nation="汉",
            birth_date=dt.date(1955, 6, 12), address="浙江省杭州市上城区演示街88号",
            issuer="杭州市公安局上城分局", valid_from=dt.date(2015, 1, 20), valid_to=None)
    if sample == "expired":
        return Identity(
            id_number=complete("33010520000101003"), name="王过期", gender="男", nation="汉",
            birth_date=dt.date(2000, 1, 1), address="浙江省杭州市拱墅区测试弄3号",
            issuer="杭州市公安局拱墅分局", valid_from=dt.date(2010, 1, 1), valid_to=dt.date(2020, 1, 1))
    return None


def _other(sample: str) -> Identity | None:
    if sample == "hmt_residence":
        return Identity(
            id_number=complete("81000019900101002"), name="陈测试", card_type=CardType.HMT_RESIDENCE, gender="女",
            birth_date=dt.date(1990, 1, 1), address="浙江省杭州市滨江区样例路2号",
            issuer="杭州市公安局滨江分局", valid_from=dt.date(2021, 7, 1), valid_to=dt.date(2045, 7, 1),
            pass_number="H12345678", issue_count="01", photo=_photo())
    if sample == "foreigner_2017":
        return Identity(
            id_number="USA330185061513", name="样例一", card_type=CardType.FOREIGNER_2017, gender="男",
            birth_date=dt.date(1985, 6, 15), valid_from=dt.date(2018, 3, 1), valid_to=dt.date(2048, 2, 28),
            name_en="TEST, SAMPLE ONE", nationality="USA", card_version="01", issuer="3300", photo=_photo())
    if sample == "foreigner_2023":
        return Identity(
            id_number=complete("93384019921120002"), name="测试样例", card_type=CardType.FOREIGNER_2023,
            gender="女", birth_date=dt.date(1992, 11, 20), valid_from=dt.date(2023, 12, 1),
            valid_to=dt.date(2043, 11, 30), name_en="YANGLI-CESHI, SAMPLE PERSON LONGNAME",
            nationality="USA", renewal_count="00", photo=_photo())
    return None


def sample_identity(sample: str = "resident") -> Identity:
    identity = _resident(sample) or _other(sample)
    if identity is None:
        raise ValueError(f"unknown sample card {sample!r}; known: {', '.join(SAMPLES)}")
    return identity


def sample_text_block(sample: str = "resident") -> bytearray:
    """The 256-byte text block of a sample card, as the card's chip would hand it to the reader."""
    from devices.idcard.text_block import encode_text_block

    base = "resident" if sample in BROKEN_SAMPLES else sample
    block = encode_text_block(sample_identity(base))
    if sample == "wrong_check_digit":
        at = 122 + 17 * 2  # the number's 18th character
        block[at:at + 2] = ("0" if block[at:at + 2] != "0".encode("utf-16-le") else "1").encode("utf-16-le")
    elif sample == "impossible_date":
        block[36:52] = "19900230".encode("utf-16-le")  # 30 February
    elif sample == "unknown_type":
        block[248:250] = "Q".encode("utf-16-le")
    elif sample not in SAMPLES:
        raise ValueError(f"unknown sample card {sample!r}; known: {', '.join(ALL_SAMPLES)}")
    return block


def sample_photo(sample: str = "resident") -> bytearray:
    return _photo()


_APPENDED_ADDRESSES = {"resident_long_term": "浙江省杭州市上城区新址路9号"}


def sample_appended_address(sample: str = "resident") -> str:
    """The address endorsement written to the card after issue (追加住址), for the samples that have one."""
    return _APPENDED_ADDRESSES.get(sample, "")
