"""Form-field patterns from the catalogue, compiled only when they cannot take the terminal hostage.

A catalogue is data from the network, and a regular expression is a tiny program: `(a+)+$` against
thirty `a`s and a `!` runs for minutes in a backtracking engine such as Python's `re`. So a pattern is
accepted only when it is short (at most MAX_PATTERN characters), parses, and has no nested quantifier:
parsed with the standard library's own regex parser, no repeat (`*`, `+`, `?`, `{m,n}`) may contain
another repeat or an alternation (`|`) anywhere inside it, and no backreference is allowed. Without
nesting, backtracking is polynomial, of degree the number of repeats in a row (`a*a*a*!`); so the
product over all repeats of (its upper bound, capped at MAX_VALUE, + 1) must stay under MAX_WORK
(one million: two unbounded repeats, or a credit code's three bounded ones at 3 x 7 x 11). With the
cap on the value (MAX_VALUE characters, checked before matching) a match is bounded in time. The sandbox uses the same check when
it loads its catalogue, so a pattern it serves is one the kiosk accepts.
"""

from __future__ import annotations

import functools
import re
from typing import Any

try:  # Python 3.11+: the parser behind re
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
    from re import _constants as _sre_const  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older interpreters
    import sre_constants as _sre_const  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

MAX_PATTERN = 200
MAX_VALUE = 500
MAX_WORK = 1_000_000

_REPEATS = {_sre_const.MAX_REPEAT, _sre_const.MIN_REPEAT}
if hasattr(_sre_const, "POSSESSIVE_REPEAT"):
    _REPEATS.add(_sre_const.POSSESSIVE_REPEAT)


class UnsafePattern(ValueError):
    """The pattern is too long, malformed, or could backtrack without bound."""


def _children(op: Any, av: Any) -> list[Any]:
    """The sub-patterns under one parsed node."""
    if op in _REPEATS:
        return [av[2]]
    if op == _sre_const.SUBPATTERN:
        return [av[-1]]
    if op == _sre_const.BRANCH:
        return list(av[1])
    if op in (_sre_const.ASSERT, _sre_const.ASSERT_NOT):
        return [av[1]]
    if op == _sre_const.GROUPREF_EXISTS:
        return [branch for branch in av[1:] if branch is not None]
    return []


def _check(parsed: Any, inside_repeat: bool, work: list[int]) -> None:
    for op, av in parsed:
        if op in _REPEATS:
            work[0] *= min(av[1], MAX_VALUE) + 1
            if work[0] > MAX_WORK:
                raise UnsafePattern("too many repeats: the pattern could take too long to match")
        if op in (_sre_const.GROUPREF, _sre_const.GROUPREF_EXISTS):
            raise UnsafePattern("backreferences are not allowed")
        if inside_repeat and (op in _REPEATS or op == _sre_const.BRANCH):
            raise UnsafePattern("a repeat inside a repeat (nested quantifier) is not allowed")
        for child in _children(op, av):
            _check(child, inside_repeat or op in _REPEATS, work)


@functools.lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The compiled pattern, or UnsafePattern saying why it is refused (see the module's docstring)."""
    if not isinstance(pattern, str) or len(pattern) > MAX_PATTERN:
        raise UnsafePattern(f"a pattern is a string of at most {MAX_PATTERN} characters")
    try:
        parsed = _sre_parse.parse(pattern)
        compiled = re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        raise UnsafePattern(f"the pattern does not parse: {exc}") from None
    _check(parsed, False, [1])
    return compiled


def full_match(pattern: str, value: str) -> bool:
    """Whether the whole value matches; a value over MAX_VALUE characters never does."""
    return len(value) <= MAX_VALUE and compile_pattern(pattern).fullmatch(value) is not None
