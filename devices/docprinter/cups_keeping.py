"""Whether CUPS keeps a printed document in its spool after printing, read from its settings (``cupsctl``).

CUPS keeps each job's document (``/var/spool/cups/d*``) after it has printed for ``PreserveJobFiles``: a day
when ``cupsd.conf`` does not set it (CUPS 2.x's default, 86400 s). A citizen's licence printed at the kiosk lies
there unencrypted for that day, beside the terminal's own sealed data. A hall sets it off (``cupsctl
PreserveJobFiles=No``: each document is deleted once printed, the job's history kept); ``kiosk doctor`` warns, and
the printer's self-test says, when it is not. Pure: the caller runs ``cupsctl``.
"""

from __future__ import annotations

import re

SETTING = "PreserveJobFiles"
DEFAULT_S = 86400  # what CUPS 2.x keeps when cupsd.conf is silent
FIX = "cupsctl PreserveJobFiles=No"
_OFF = {"no", "off", "false"}
_ON = {"yes", "on", "true"}
_UNIT_S = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}  # cupsd.conf's time units


def kept_for(settings: str) -> str | None:
    """How long CUPS keeps a printed document, in words for staff, or None when it deletes it once printed.
    ``settings``: what ``cupsctl`` prints (``name=value`` lines; it lists only what cupsd.conf sets)."""
    value = ""
    for line in settings.splitlines():
        name, equals, given = line.partition("=")
        if equals and name.strip().lower() == SETTING.lower():
            value = given.strip()
    if not value:
        return f"{_duration(DEFAULT_S)} (CUPS's default: {SETTING} is not set)"
    lowered = value.lower()
    if lowered in _OFF:
        return None
    if lowered in _ON:
        return f"until the job's history is cleared ({SETTING}={value})"
    match = re.fullmatch(r"(\d{1,9})\s*([smhdw]?)", lowered)
    if match is None:
        return f"as CUPS reads {SETTING}={value!r} (not understood here)"
    seconds = int(match[1]) * _UNIT_S[match[2]]
    return None if seconds == 0 else f"{_duration(seconds)} ({SETTING}={value})"


def _duration(seconds: int) -> str:
    for unit, size in (("week", 7 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} s"
