"""The unified social credit code (统一社会信用代码) of a company or other organisation.

GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》: 18 characters from a set of 31
(the digits and the capital letters without I, O, Z, S and V) -- the registration authority (1),
the organisation category (1), the administrative division code (6 digits, GB/T 2260), the
organisation code (9, GB 11714) and a check character (1). The check character ``c`` makes
``sum(value(a_i) * 3**(i-1) mod 31 for i in 1..17) + value(c)`` a multiple of 31 (weights 1, 3, 9,
27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28). It is not an ISO 7064 pure system, so
common.checkchars does not serve it.

Qt-free: the kiosk checks a code as it is typed, the sandbox checks it on the way in.
"""

from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 18
WEIGHTS = tuple(pow(3, i, 31) for i in range(LENGTH - 1))
_VALUE = {ch: i for i, ch in enumerate(CHARSET)}


def normalise(text: str) -> str:
    """Upper case without spaces, as typed on a keyboard or read from a QR code."""
    return "".join(text.split()).upper()


def check_character(first17: str) -> str:
    """The check character for the first 17 characters; ValueError for a character outside the set."""
    if len(first17) != LENGTH - 1:
        raise ValueError(f"expected {LENGTH - 1} characters, got {len(first17)}")
    total = 0
    for ch, weight in zip(first17, WEIGHTS):
        if ch not in _VALUE:
            raise ValueError(f"character {ch!r} is not used in credit codes")
        total += _VALUE[ch] * weight
    return CHARSET[-total % 31]


def problem(code: str) -> str:
    """Why ``code`` is not a unified social credit code ('' when it is one): a machine word for the caller.

    ``short`` while fewer than 18 characters are typed (and none is wrong yet), ``long``, ``character``
    (one outside the set, e.g. I, O, Z, S or V), ``division`` (positions 3-8 must be digits), ``check``.
    """
    bad = next((ch for ch in code if ch not in _VALUE), None)
    if bad is not None:
        return "character"
    if any(not ch.isdigit() for ch in code[2:8]):
        return "division"
    if len(code) < LENGTH:
        return "short"
    if len(code) > LENGTH:
        return "long"
    return "" if check_character(code[:17]) == code[17] else "check"


def is_valid(code: str) -> bool:
    return problem(code) == ""
