"""Typed options: declared once (default, bounds, choices, whether the backend may set them) and
checked the same way wherever a value comes from (a TOML file, the environment, the backend, a
device section). Used by ``kiosk/config.py`` and ``devices/registry.py``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import field
from typing import Any

from common.errors import OneTripError
from common.i18n import N_


class ConfigError(OneTripError):
    """A configuration value is missing, unknown or of the wrong type; ``str()`` names the key and file."""

    default = N_("This terminal's configuration is not valid. Please ask the hall staff.")

    def __init__(self, detail: str) -> None:
        super().__init__(detail=detail)

    def __str__(self) -> str:
        return self.detail


def option(default: Any, *, choices: tuple | None = None, minimum: float | None = None,
           maximum: float | None = None, remote: bool = False, doc: str = "") -> Any:
    meta = {"choices": choices, "min": minimum, "max": maximum, "remote": remote, "doc": doc}
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    return field(default=default, metadata=meta)


def _type_name(tp: Any) -> str:
    return {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}.get(tp, str(tp))


def coerce(value: Any, tp: Any, where: str, *, from_text: bool = False) -> Any:
    """Check ``value`` against ``tp`` (str, int, float, bool); ``from_text`` parses env strings."""
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
                return tp(value)
        except ValueError:
            raise ConfigError(f"{where}: expected {_type_name(tp)}, got {value!r}") from None
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if tp is bool and not isinstance(value, bool):
        raise ConfigError(f"{where}: expected {_type_name(tp)}, got {value!r}")
    if tp in (int, float) and isinstance(value, bool):
        raise ConfigError(f"{where}: expected {_type_name(tp)}, got {value!r}")
    if not isinstance(value, tp):
        raise ConfigError(f"{where}: expected {_type_name(tp)}, got {value!r}")
    return value


def check_field(f: dataclasses.Field, value: Any, where: str) -> None:
    choices, lo, hi = f.metadata.get("choices"), f.metadata.get("min"), f.metadata.get("max")
    if choices and value not in choices:
        raise ConfigError(f"{where}: {value!r} is not one of {', '.join(map(str, choices))}")
    if lo is not None and value < lo:
        raise ConfigError(f"{where}: {value!r} is below the minimum {lo}")
    if hi is not None and value > hi:
        raise ConfigError(f"{where}: {value!r} is above the maximum {hi}")
