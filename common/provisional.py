"""Provisional case numbers, issued by a terminal while the backend is out of reach.

Format (docs/api/payloads.md): ``P-<terminal id>-<YYYYMMDD>-<sequence, 5 digits>-<check>``, where
the check character is ISO 7064 MOD 37-2 over the terminal id (dashes removed), the date and the
sequence. Example: ``P-ZJ-HZ-T001-20261127-00042-<c>``.
"""

from __future__ import annotations

import datetime as dt
import re

from common.checkchars import MOD37_2, check_for_state, pure_check, pure_state

PATTERN = re.compile(r"^P-(?P<terminal>[A-Z0-9-]{1,16})-(?P<date>\d{8})-(?P<seq>\d{5})-(?P<check>[0-9A-Z*])$")


def _body(terminal_id: str, date: str, sequence: int) -> str:
    return terminal_id.replace("-", "") + date + f"{sequence:05d}"


_TERMINAL = re.compile(r"[A-Z0-9-]{1,16}")


class DayNumbers:
    """The numbers of one terminal on one day; the check over the fixed prefix is computed once."""

    def __init__(self, terminal_id: str, date: str) -> None:
        terminal_id = terminal_id.upper()
        if not _TERMINAL.fullmatch(terminal_id):
            raise ValueError("terminal id must be 1-16 letters, digits or dashes")
        self._prefix = f"P-{terminal_id}-{date}-"
        self._state = pure_state(terminal_id.replace("-", "") + date, MOD37_2)

    def make(self, sequence: int) -> str:
        if not 0 < sequence < 100000:
            raise ValueError("sequence must be 1..99999")
        digits = f"{sequence:05d}"
        return f"{self._prefix}{digits}-{check_for_state(pure_state(digits, MOD37_2, self._state), MOD37_2)}"


def make(terminal_id: str, day: dt.date, sequence: int) -> str:
    return DayNumbers(terminal_id, day.strftime("%Y%m%d")).make(sequence)


def is_valid(number: str) -> bool:
    match = PATTERN.match(number)
    if match is None:
        return False
    try:
        dt.datetime.strptime(match["date"], "%Y%m%d")
    except ValueError:
        return False
    body = _body(match["terminal"], match["date"], int(match["seq"]))
    return pure_check(body, MOD37_2) == match["check"]
