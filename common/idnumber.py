"""The forms a person's ID number takes, and which of them are valid: the one place that decides.

Two forms are accepted, by the kiosk, the window and the sandbox alike:

- 18 characters, GB 11643: 17 digits and an ISO 7064 MOD 11-2 check character (``0-9`` or ``X``).
  The resident ID card, and since 2023-12-01 the foreigner's permanent residence card too (its
  first digit is ``9``; the same check, per the National Immigration Administration's 2023
  machine-readable rules). The birth date (characters 7-14) must be a real date.
- 15 characters, the 2017 foreigner's permanent residence card (外国人永久居留身份证, card type
  ``foreigner_2017``, still valid until it expires): three capital Latin letters for the
  nationality, then 12 digits. No check character of this form has been published that we could
  find: the 2023 rules describe it only as "3 位拉丁字母 + 12 位数字" and give MOD 11-2 to the new
  18-character form alone, and the validators in use accept any 15 characters of that shape. So
  only the shape is checked here; a wrong letter or digit in the middle is not caught.

The first-generation 15-digit resident number is not accepted: those cards expired in 2013.
"""

from __future__ import annotations

import datetime as dt
import re

_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_CHECK = "10X98765432"
RESIDENT_PATTERN = r"[0-9]{17}[0-9X]"
FOREIGNER_2017_PATTERN = r"[A-Z]{3}[0-9]{12}"
# The contract's pattern (sandbox/models.py, docs/api/openapi.yaml): either form, capitals only.
PATTERN = rf"^(?:{RESIDENT_PATTERN}|{FOREIGNER_2017_PATTERN})$"
_RESIDENT = re.compile(RESIDENT_PATTERN)
_FOREIGNER_2017 = re.compile(FOREIGNER_2017_PATTERN)
LENGTHS = (18, 15)


def check_character(first17: str) -> str:
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("expected 17 digits")
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


def is_resident_form(number: str) -> bool:
    """True when ``number`` is a valid 18-character GB 11643 number: shape, real birth date, check character."""
    if not _RESIDENT.fullmatch(number):
        return False
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return check_character(number[:17]) == number[17]


def is_foreigner_2017_form(number: str) -> bool:
    """True when ``number`` has the 2017 foreigner's card shape: three capital letters, 12 digits."""
    return bool(_FOREIGNER_2017.fullmatch(number))


def is_valid(number: str) -> bool:
    """True when ``number`` is valid in either form; small letters are taken as capitals (``x``, ``usa``).

    The contract's ``PATTERN`` asks for capitals: the terminal normalises before it sends."""
    if not isinstance(number, str):
        return False
    number = number.upper()
    return is_resident_form(number) or is_foreigner_2017_form(number)


def problem(number: str) -> str:
    """What is wrong, for the message a person sees: ``""`` (nothing), ``length``, ``shape``, ``check``."""
    if is_valid(number):
        return ""
    if len(number) not in LENGTHS:
        return "length"
    if _RESIDENT.fullmatch(number.upper()):
        return "check"  # the shape is right: the birth date or the check character is not
    return "shape"


def complete(first17: str) -> str:
    return first17 + check_character(first17)
