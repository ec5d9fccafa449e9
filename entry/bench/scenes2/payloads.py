"""Texts for the second code generator: what citizens and clerks actually hold up to the kiosk.

The government app's identity code (``ZLBID1:`` and a token, kiosk/payloads.py), the hall's receipts
(``OTR1:`` case and provisional numbers, the latter made by :mod:`common.provisional` so their check
character is right), licences (``OTL1:``), payment orders (``OTP1:``), national e-invoice codes (the
comma-separated layout printed on fapiao), government URLs, and long texts for small modules.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from common import provisional

TOKEN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
HANZI = "政务服务中心受理回执办件编号申请人材料齐全请于个工作日后凭本回执领取结果窗口咨询电话"


def _draw(rng: np.random.Generator, alphabet: str, n: int) -> str:
    return "".join(alphabet[int(i)] for i in rng.integers(0, len(alphabet), n))


def _day(rng: np.random.Generator) -> dt.date:
    return dt.date(2026, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365)))


def identity(rng: np.random.Generator) -> str:
    """The app's identity code: a URL-safe token of a realistic length (a 32-byte or 64-byte value)."""
    return "ZLBID1:" + _draw(rng, TOKEN, int(rng.choice([22, 43, 64, 86])))


def receipt(rng: np.random.Generator) -> str:
    if rng.random() < 0.6:
        return f"OTR1:SQ{_day(rng):%Y%m%d}{int(rng.integers(1, 100000)):05d}"
    terminal = f"ZJ-HZ-T{int(rng.integers(1, 300)):03d}"
    return "OTR1:" + provisional.make(terminal, _day(rng), int(rng.integers(1, 100000)), int(rng.integers(0, 3)))


def licence(rng: np.random.Generator) -> str:
    return f"OTL1:LIC-{int(rng.integers(330000, 339999))}-{_day(rng):%Y}-{int(rng.integers(1, 99999)):05d}:{_draw(rng, B32, 8)}"


def payment(rng: np.random.Generator) -> str:
    return f"OTP1:PO{_day(rng):%Y%m%d}{_draw(rng, '0123456789ABCDEF', 10)}:{int(rng.integers(0, 50000))}.{int(rng.integers(0, 100)):02d}"


def invoice(rng: np.random.Generator) -> str:
    """A fapiao's code: version, type, code, number, amount, date, check code."""
    return (f"01,{rng.choice(['10', '04', '32'])},0{int(rng.integers(10**10, 10**11))},{int(rng.integers(10**7, 10**8))},"
            f"{int(rng.integers(1, 99999))}.{int(rng.integers(0, 100)):02d},{_day(rng):%Y%m%d},"
            f"{_draw(rng, '0123456789', 20)},{_draw(rng, '0123456789ABCDEF', 4)},")


def url(rng: np.random.Generator, long: bool = False) -> str:
    base = rng.choice(["https://www.zjzwfw.gov.cn/zjservice/matter/detail.do", "https://mapi.zjzwfw.gov.cn/web/mgop/gov-open/zj/",
                       "https://wsbs.hangzhou.gov.cn/check?"])
    query = f"id={_draw(rng, '0123456789', 16)}&from=kiosk"
    if long:
        query += "&ticket=" + _draw(rng, TOKEN, int(rng.integers(90, 220))) + "&sign=" + _draw(rng, "0123456789abcdef", 64)
    return f"{base}?{query}" if "?" not in base else base + query


def chinese(rng: np.random.Generator) -> str:
    return "受理回执:" + _draw(rng, HANZI, int(rng.integers(6, 24)))


def any_payload(rng: np.random.Generator, long: bool = False) -> str:
    """One payload; ``long`` ones (small modules: many of them) are long URLs, tokens and invoices."""
    if long:
        return [lambda: url(rng, True), lambda: "ZLBID1:" + _draw(rng, TOKEN, 128), lambda: invoice(rng) + url(rng)][
            int(rng.integers(0, 3))]()
    makers = (identity, identity, identity, receipt, receipt, licence, payment, invoice, url, chinese)
    return makers[int(rng.integers(0, len(makers)))](rng)
