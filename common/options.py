"""Typed options: declared once (default, bounds, choices, whether the backend may set them) and
checked the same way wherever a value comes from (a TOML file, the environment, the backend, a
device section). Used by ``kiosk/config.py`` and ``devices/registry.py``.
"""

from __future__ import annotations

import dataclasses
import math
import re
import reprlib
from dataclasses import field
from typing import Any

from common.errors import OneTripError
from common.i18n import N_


def _repr_limits() -> reprlib.Repr:
    limits = reprlib.Repr()
    limits.maxlevel, limits.maxstring, limits.maxother, limits.maxlong = 2, 60, 60, 40
    return limits


_SHOWN = _repr_limits()


class ConfigError(OneTripError):
    """A configuration value is missing, unknown or of the wrong type; ``str()`` names the key and file."""

    default = N_("This terminal's configuration is not valid. Please ask the hall staff.")

    def __init__(self, detail: str) -> None:
        super().__init__(detail=detail)

    def __str__(self) -> str:
        return self.detail


def option(default: Any, *, choices: tuple | None = None, minimum: float | None = None,
           maximum: float | None = None, pattern: str | None = None, form: str = "", remote: bool = False,
           doc: str = "") -> Any:
    """``pattern``: a string option must match this regular expression whole, ``form`` saying in words what
    it accepts (the error names the key and the form)."""
    meta = {"choices": choices, "min": minimum, "max": maximum, "pattern": pattern, "form": form, "remote": remote,
            "doc": doc}
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    return field(default=default, metadata=meta)


_INT_LIMIT = 2**31 - 1    # no count, size or port of ours is larger; a larger one is a typo or an attack
_MAX_NESTING = 4         # a list of lists is as deep as any option goes


def _type_name(tp: Any) -> str:
    return {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}.get(tp, str(tp))


def shown(value: Any) -> str:
    """A value for an error message: short, and safe for a value nested 100,000 deep."""
    return _SHOWN.repr(value)


def coerce(value: Any, tp: Any, where: str, *, from_text: bool = False) -> Any:
    """Check ``value`` against ``tp`` (str, int, float, bool); ``from_text`` parses env strings.

    Whatever the source, a number must be finite and within 32 bits, a string must not hold NUL,
    and a list must not nest deeper than a few levels: each is refused with the key named.
    """
    if from_text and isinstance(value, str):
        try:
            if tp is bool:
                lowered = value.strip().lower()
                if lowered in ("1", "true", "yes", "on"):
                    return True
                if lowered in ("0", "false", "no", "off"):
                    return False
                raise ValueError(value)
            if tp in (int, float):
                value = tp(value)
        except (ValueError, OverflowError):
            raise ConfigError(f"{where}: expected {_type_name(tp)}, got {shown(value)}") from None
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        try:
            value = float(value)
        except OverflowError:
            raise ConfigError(f"{where}: {shown(value)} is too large") from None
    if tp in (bool, int, float) and isinstance(value, bool) != (tp is bool):
        raise ConfigError(f"{where}: expected {_type_name(tp)}, got {shown(value)}")
    if not isinstance(value, tp):
        raise ConfigError(f"{where}: expected {_type_name(tp)}, got {shown(value)}")
    return _sane(value, where, 0)


def _sane(value: Any, where: str, depth: int) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"{where}: {value!r} is not a number that can be used (NaN and infinity are refused)")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _INT_LIMIT:
        raise ConfigError(f"{where}: {shown(value)} is too large")
    if isinstance(value, str) and "\x00" in value:
        raise ConfigError(f"{where}: contains a NUL character")
    if isinstance(value, (list, tuple, dict)):
        if depth >= _MAX_NESTING:
            raise ConfigError(f"{where}: nested too deeply")
        for item in (value.values() if isinstance(value, dict) else value):
            _sane(item, where, depth + 1)
    return value


def check_field(f: dataclasses.Field, value: Any, where: str) -> None:
    choices, lo, hi = f.metadata.get("choices"), f.metadata.get("min"), f.metadata.get("max")
    if choices and value not in choices:
        raise ConfigError(f"{where}: {shown(value)} is not one of {', '.join(map(str, choices))}")
    if lo is not None and value < lo:
        raise ConfigError(f"{where}: {value!r} is below the minimum {lo}")
    if hi is not None and value > hi:
        raise ConfigError(f"{where}: {value!r} is above the maximum {hi}")
    pattern = f.metadata.get("pattern")
    if pattern is not None and not re.fullmatch(pattern, value):
        raise ConfigError(f"{where}: {shown(value)} is not {f.metadata.get('form') or 'of the form ' + pattern}")
