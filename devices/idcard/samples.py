"""Fictitious sample cards for the simulator, the demo and the tests (valid check digits)."""

from __future__ import annotations

import datetime as dt

from kiosk.domain import CardType, Identity
from kiosk.idnumber import complete

SAMPLES = ("resident", "resident_long_term", "expired")


def sample_identity(sample: str = "resident") -> Identity:
    if sample == "resident":
        return Identity(
            id_number=complete("33010619900307123"), name="张测试", gender="男", nation="汉",
            birth_date=dt.date(1990, 3, 7), address="浙江省杭州市西湖区示例路1号",
            issuer="杭州市公安局西湖分局", valid_from=dt.date(2020, 5, 1), valid_to=dt.date(2040, 5, 1),
            photo=bytearray(b"\x57\x4c" + bytes(1022)))
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
    raise ValueError(f"unknown sample card {sample!r}; known: {', '.join(SAMPLES)}")


def card_type_of(identity: Identity) -> CardType:
    return identity.card_type
