"""Provisional case numbers, issued by a terminal while the backend is out of reach.

Format (docs/api/payloads.md): ``P-<terminal id>-<YYYYMMDD>-<series>-<sequence, 5 digits>-<check>``.
The series (4 characters of :data:`SERIES_ALPHABET`) is drawn at random when a terminal's
sequence file is created (or found lost or damaged), and the sequence counts on within it,
whatever the date says: the date is the day the case was accepted, for people to read, and
takes no part in keeping numbers apart. A clock set back therefore repeats nothing, and a lost
sequence file starts a new random series (34^4 = 1,336,336 of them). The check character is
ISO 7064 MOD 37-2 over the terminal id (dashes removed), the date, the series and the sequence.
Example: ``P-ZJ-HZ-T001-20261127-K7QM-00042-<c>``.

Numbers of the first format, without a series (``P-ZJ-HZ-T001-20261127-00042-<c>``), were
printed on receipts before; they stay valid to read and to deliver.
"""

from __future__ import annotations

import datetime as dt
import re

from common.checkchars import MOD37_2, check_for_state, pure_check, pure_state

SERIES_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O: they read as 1 and 0
SERIES_LENGTH = 4
SERIES_COUNT = len(SERIES_ALPHABET) ** SERIES_LENGTH
MAX_SEQUENCE = 99999

PATTERN = re.compile(r"^P-(?P<terminal>[A-Z0-9-]{1,16})-(?P<date>\d{8})-(?:(?P<series>[0-9A-HJ-NP-Z]{4})-)?"
                     r"(?P<seq>\d{5})-(?P<check>[0-9A-Z*])$", re.ASCII)  # \d: not ０-９ or ٠-٩

_TERMINAL = re.compile(r"[A-Z0-9-]{1,16}")


def series_name(index: int) -> str:
    """The series' 4 characters for an index in ``0 .. SERIES_COUNT - 1``."""
    if not 0 <= index < SERIES_COUNT:
        raise ValueError(f"series index must be 0..{SERIES_COUNT - 1}")
    chars = []
    for _ in range(SERIES_LENGTH):
        index, digit = divmod(index, len(SERIES_ALPHABET))
        chars.append(SERIES_ALPHABET[digit])
    return "".join(reversed(chars))


class SeriesNumbers:
    """The numbers of one terminal in one series; the check over the fixed prefix is computed once a day."""

    def __init__(self, terminal_id: str, series: int) -> None:
        terminal_id = terminal_id.upper()
        if not _TERMINAL.fullmatch(terminal_id):
            raise ValueError("terminal id must be 1-16 letters, digits or dashes")
        self._terminal = terminal_id
        self.series = series_name(series)
        self._date = ""
        self._prefix, self._state = "", 0

    def make(self, date: str, sequence: int) -> str:
        """The number for ``sequence`` (1..99999) accepted on ``date`` (YYYYMMDD)."""
        if not 0 < sequence <= MAX_SEQUENCE:
            raise ValueError("sequence must be 1..99999")
        if date != self._date:
            self._prefix = f"P-{self._terminal}-{date}-{self.series}-"
            self._state = pure_state(self._terminal.replace("-", "") + date + self.series, MOD37_2)
            self._date = date
        digits = f"{sequence:05d}"
        return f"{self._prefix}{digits}-{check_for_state(pure_state(digits, MOD37_2, self._state), MOD37_2)}"


def make(terminal_id: str, day: dt.date, sequence: int, series: int = 0) -> str:
    return SeriesNumbers(terminal_id, series).make(day.strftime("%Y%m%d"), sequence)


def is_valid(number: str) -> bool:
    """A well-formed provisional number of either format, with a real date and the right check character."""
    match = PATTERN.fullmatch(number)  # match() let a trailing newline through ($ matches before it)
    if match is None:
        return False
    try:
        dt.datetime.strptime(match["date"], "%Y%m%d")
    except ValueError:
        return False
    body = match["terminal"].replace("-", "") + match["date"] + (match["series"] or "") + match["seq"]
    return pure_check(body, MOD37_2) == match["check"]
