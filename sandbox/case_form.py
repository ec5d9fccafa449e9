"""The sandbox's check of a submitted case's form against its service's form definition.

Switched by the sandbox setting `enforce_forms` (app.state.settings, on by default: the kiosk's form screen and the
window's form panel fill every form). A case whose form misses a required field, or whose value fails the field's
pattern, length, bounds or choices, is refused with 422 `form_invalid` naming each field; a case a window submits to
refuse (`refusing`) is not checked. The terminal's own, kind-aware check with messages for the citizen and the clerk
is kiosk/forms.py; this one is the backend's last word on the contract's rules."""

from __future__ import annotations

from typing import Any

from common.form_patterns import UnsafePattern, full_match


def _value_error(field: dict[str, Any], value: Any) -> str:
    if field.get("type") == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            try:
                value = float(str(value))
            except ValueError:
                return "not a number"
        if field.get("min") is not None and value < field["min"]:
            return f"less than {field['min']}"
        if field.get("max") is not None and value > field["max"]:
            return f"more than {field['max']}"
        return ""
    value = str(value)
    if field.get("min_length") is not None and len(value) < field["min_length"]:
        return f"shorter than {field['min_length']} characters"
    if field.get("max_length") is not None and len(value) > field["max_length"]:
        return f"longer than {field['max_length']} characters"
    if field.get("choices") and value not in {c["value"] for c in field["choices"]}:
        return "not one of the choices"
    if field.get("pattern"):
        try:
            if not full_match(field["pattern"], value):
                return "does not match the pattern"
        except UnsafePattern:
            return "the catalogue's pattern is refused"
    return ""


def form_errors(service: dict[str, Any], form: dict[str, Any]) -> dict[str, str]:
    """{"form.<name>": why} for every field of the service's form that the submitted form gets wrong."""
    errors: dict[str, str] = {}
    for field in service.get("form", []):
        name = field["name"]
        value = form.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if field.get("required"):
                errors[f"form.{name}"] = "required"
            continue
        why = _value_error(field, value)
        if why:
            errors[f"form.{name}"] = why
    return errors
