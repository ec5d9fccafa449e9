"""A small TOML writer for fuzzed configuration documents (tomllib reads, it does not write).

Writes what :mod:`entry.bench.fuzz_strategies` draws, hostile values included: ``nan``, ``-nan``,
``inf``, ``-0.0``, huge integers, control characters and NUL as escapes, keys that need quoting,
inline tables, and arrays of tables as ``[[section.key]]``.
"""

from __future__ import annotations

import math
import string
import typing


def toml_key(key: str) -> str:
    if key and all(c in string.ascii_letters + string.digits + "_-" for c in key):
        return key
    return toml_string(key)


def toml_string(value: str) -> str:
    out = ['"']
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F or 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(f"\\u{ord(ch):04X}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def toml_value(value: typing.Any) -> str:
    """An inline TOML value (tables as inline tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "-nan" if math.copysign(1, value) < 0 else "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def toml_document(table: dict[str, typing.Any], *, arrays_of_tables: bool = False) -> str:
    """``table`` as a TOML document: sections as ``[name]`` headers (lists of tables as ``[[name]]``)."""
    lines = []
    for name, values in table.items():
        if isinstance(values, dict):
            lines.append(f"[{toml_key(name)}]")
            for key, value in values.items():
                if isinstance(value, dict) and value and not arrays_of_tables:
                    lines.append(f"{toml_key(key)} = {toml_value(value)}")
                elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                    for item in value:
                        lines.append(f"[[{toml_key(name)}.{toml_key(key)}]]")
                        lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in item.items()]
                    lines.append(f"[{toml_key(name)}]")
                else:
                    lines.append(f"{toml_key(key)} = {toml_value(value)}")
        elif isinstance(values, list) and values and all(isinstance(v, dict) for v in values):
            for item in values:
                lines.append(f"[[{toml_key(name)}]]")
                lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in item.items()]
        else:
            lines.insert(0, f"{toml_key(name)} = {toml_value(values)}")
    return "\n".join(lines) + "\n"
