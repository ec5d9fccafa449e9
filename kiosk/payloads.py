"""What a scanned code is, by the formats in docs/api/payloads.md. Pure: nothing is opened or sent.

:func:`classify` takes the text of any scanner (camera, serial, keyboard wedge) and returns a
:class:`Payload`: its kind, its validated fields, and for anything the terminal cannot use, the
plain message to show. A URL is only ever recognised as one: it is never opened, fetched or
shown as a link.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field

from common import provisional, uscc
from common.i18n import N_, Text, text

MAX_LENGTH = 256

MSG_NOT_OURS = N_("This code is not one of ours.")
MSG_CANNOT_USE = N_("This code cannot be used here.")
MSG_DAMAGED = N_("This code looks like one of ours but is not valid. Please ask the staff for help.")


class PayloadKind(enum.Enum):
    IDENTITY_TOKEN = "identity_token"  # ZLBID1: the government app's identity code
    RECEIPT = "receipt"                # OTR1: a case number or a provisional number
    LICENCE = "licence"                # OTL1: a licence verification code
    PAYMENT_ORDER = "payment_order"    # OTP1: a payment order
    URL = "url"                        # never opened
    UNKNOWN = "unknown"                # anything else: "this code cannot be used here"
    INVALID = "invalid"                # one of our prefixes, but the rest is wrong
    REJECTED = "rejected"              # too long or not printable ASCII: "this code is not one of ours"


@dataclass(frozen=True)
class Payload:
    kind: PayloadKind
    fields: dict[str, str] = field(default_factory=dict)
    message: Text | None = None  # for the citizen; None when the code is usable
    detail: str = ""             # for the log (never the payload itself: it may be a token)

    @property
    def usable(self) -> bool:
        return self.message is None


# ASCII only: a bare \d also takes ０-９, ٠-٩ and the like, and int() and strptime() read them.
_CASE = re.compile(r"SQ(?P<date>[0-9]{8})(?P<seq>[0-9]{5})")
_NOTICE = re.compile(r"GZ(?P<date>[0-9]{8})(?P<seq>[0-9]{5})")  # a one-time notice's number (payloads.md)
_B32 = re.compile(r"[A-Z2-7]{8}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{8,128}")
_LICENCE_ID = re.compile(r"[A-Z0-9][A-Z0-9-]{0,63}")
_ORDER_ID = re.compile(r"[A-Z0-9][A-Z0-9-]{0,63}")
_AMOUNT = re.compile(r"(0|[1-9][0-9]{0,8})\.[0-9]{2}")
_URL = re.compile(r"(?i)^(https?|ftp|ftps|file|javascript|data|mailto|tel|sms|weixin|alipays?|intent|market|zlb)"
                  r":(//)?\S*$")
_WWW = re.compile(r"(?i)^www\.[a-z0-9-]+(\.[a-z0-9-]+)+(/\S*)?$")


def _valid_date(yyyymmdd: str) -> bool:
    try:
        dt.datetime.strptime(yyyymmdd, "%Y%m%d")
    except ValueError:
        return False
    return True


def is_case_number(value: str) -> bool:
    match = _CASE.fullmatch(value)
    return match is not None and _valid_date(match["date"])


def is_notice_number(value: str) -> bool:
    match = _NOTICE.fullmatch(value)
    return match is not None and _valid_date(match["date"])


def _invalid(kind: str, why: str) -> Payload:
    return Payload(PayloadKind.INVALID, {"format": kind}, text(MSG_DAMAGED), why)


def classify(scanned: str) -> Payload:
    """The kind and fields of a scanned text; never raises, whatever the input."""
    if not isinstance(scanned, str):
        return Payload(PayloadKind.REJECTED, message=text(MSG_NOT_OURS), detail="not text")
    if len(scanned) > MAX_LENGTH:
        return Payload(PayloadKind.REJECTED, message=text(MSG_NOT_OURS), detail=f"{len(scanned)} characters")
    if not scanned or any(not (" " <= ch <= "~") for ch in scanned):
        # Scanners may add a line ending; anything else outside printable ASCII is not ours.
        stripped = scanned.rstrip("\r\n")
        if stripped and stripped != scanned and all(" " <= ch <= "~" for ch in stripped):
            return classify(stripped)
        return Payload(PayloadKind.REJECTED, message=text(MSG_NOT_OURS), detail="empty or not printable ASCII")
    prefix, _, rest = scanned.partition(":")
    if prefix == "ZLBID1":
        if not _TOKEN.fullmatch(rest):
            return _invalid("ZLBID1", "token must be 8-128 of A-Z a-z 0-9 _ -")
        return Payload(PayloadKind.IDENTITY_TOKEN, {"token": rest})
    if prefix == "OTR1":
        if is_case_number(rest):
            return Payload(PayloadKind.RECEIPT, {"case_number": rest})
        if rest.startswith("P-"):
            if provisional.is_valid(rest):
                return Payload(PayloadKind.RECEIPT, {"provisional_number": rest})
            return _invalid("OTR1", "provisional number fails its format or check character")
        return _invalid("OTR1", "neither a case number nor a provisional number")
    if prefix == "OTL1":
        licence_id, sep, code = rest.rpartition(":")
        if not sep or not _LICENCE_ID.fullmatch(licence_id) or not _B32.fullmatch(code):
            return _invalid("OTL1", "expected <licence id>:<8 characters A-Z 2-7>")
        return Payload(PayloadKind.LICENCE, {"licence_id": licence_id, "code": code})
    if prefix == "OTP1":
        order_id, sep, amount = rest.rpartition(":")
        if not sep or not _ORDER_ID.fullmatch(order_id) or not _AMOUNT.fullmatch(amount):
            return _invalid("OTP1", "expected <order id>:<amount with 2 decimals>")
        return Payload(PayloadKind.PAYMENT_ORDER, {"order_id": order_id, "amount": amount})
    if _URL.match(scanned) or _WWW.match(scanned):
        scheme = scanned.split(":", 1)[0].lower() if ":" in scanned else "www"
        return Payload(PayloadKind.URL, {"scheme": scheme}, text(MSG_CANNOT_USE), "a URL; not opened")
    return Payload(PayloadKind.UNKNOWN, message=text(MSG_CANNOT_USE), detail="not a OneTrip format")


_CREDIT_CODE_RUN = re.compile(r"(?<![0-9A-Z])[0-9A-Z]{18}(?![0-9A-Z])")


def credit_code_in(scanned: str) -> str | None:
    """The unified social credit code in a scanned business licence code, or None.

    A paper licence's QR code holds a link to the national enterprise credit system with the code
    somewhere in it (a query parameter such as ``uniscid=``), or the bare code: the first run of
    exactly 18 capitals and digits that passes the GB 32100 check is the one. Codes that carry the
    licence encrypted (the electronic business licence) need the issuer's app and give None.
    """
    if not isinstance(scanned, str) or len(scanned) > MAX_LENGTH:
        return None
    for match in _CREDIT_CODE_RUN.finditer(scanned.upper()):
        if uscc.is_valid(match.group()):
            return match.group()
    return None
