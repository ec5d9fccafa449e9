"""ISO 7064 pure-system check characters (MOD 11-2 for ID numbers, MOD 37-2 for provisional numbers)."""

from __future__ import annotations

MOD11_2 = ("0123456789X", 11, 2)
MOD37_2 = ("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*", 37, 2)
_DIGITS36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_VALUE = {ch: i for i, ch in enumerate(_DIGITS36)} | {ch.lower(): i for i, ch in enumerate(_DIGITS36)}


def pure_state(data: str, system: tuple[str, int, int] = MOD37_2, state: int = 0) -> int:
    """The running remainder after ``data``, continuing from ``state``: lets a caller compute a fixed prefix once."""
    _, modulus, radix = system
    p = state
    for ch in data:
        value = _VALUE.get(ch, modulus)
        if value >= modulus:
            raise ValueError(f"character {ch!r} is not allowed here")
        p = ((p + value) * radix) % modulus
    return p


def check_for_state(state: int, system: tuple[str, int, int] = MOD37_2) -> str:
    charset, modulus, _ = system
    return charset[(modulus + 1 - state) % modulus]


def pure_check(data: str, system: tuple[str, int, int] = MOD37_2) -> str:
    """The check character that makes ``data + check`` valid under the pure system ``(charset, M, r)``."""
    return check_for_state(pure_state(data, system), system)
