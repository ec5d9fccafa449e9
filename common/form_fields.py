"""A form as the catalogue defines it, checked for what no one could fill in: for the sandbox when it loads its
catalogue and for the terminal when it reads one, so a form the backend serves is one the kiosk and the window can
complete.

A required choice with nothing to choose, a length range that is empty (at least 20 characters, at most 10, or more
than the MAX_VALUE characters a value may have), a number range that is empty (at least 100, at most 10), a field
named twice: the citizen would stand at the form with every answer refused, and the clerk could not accept. The
terminal takes such an entry as a malformed answer, as it takes an unsafe pattern (common/form_patterns.py).
"""

from __future__ import annotations

import math
from typing import Iterable

from common.form_patterns import MAX_VALUE


def field_problem(kind: str, choices: int, min_length: int | None, max_length: int | None,
                  low: float | None, high: float | None) -> str:
    """Why a field of this definition can never be answered ("" when it can)."""
    if kind == "choice" and choices == 0:
        return "a choice field without choices"
    if min_length is not None and min_length > MAX_VALUE:
        return f"at least {min_length} characters, more than a value may have ({MAX_VALUE})"
    if min_length is not None and max_length is not None and min_length > max_length:
        return f"at least {min_length} characters but at most {max_length}"
    if any(bound is not None and not math.isfinite(bound) for bound in (low, high)):
        return "a bound that is not a number"
    if low is not None and high is not None and low > high:
        return f"at least {low:g} but at most {high:g}"
    return ""


def repeated_name(names: Iterable[str]) -> str:
    """The first field name a form has twice ("" when none): two fields would share one answer."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            return name
        seen.add(name)
    return ""
