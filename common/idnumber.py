"""ISO 7064 MOD 11-2 check characters, as GB 11643 uses for 18-character ID numbers."""

from __future__ import annotations

import datetime as dt
import re

_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_character(first17: str) -> str:
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("expected 17 digits")
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


def is_valid(number: str) -> bool:
    """True when ``number`` has the 18-character shape, a real birth date and the right check character."""
    number = number.upper()
    if not _SHAPE.match(number):
        return False
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return check_character(number[:17]) == number[17]


def complete(first17: str) -> str:
    return first17 + check_character(first17)
