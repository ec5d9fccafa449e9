"""The backend's check that a case brings every material its service requires (422 ``materials_missing``).

A material is brought when a file part is declared for it (pages scanned), a licence stands for it
(``material_licences``), or a window's clerk checked its paper at the counter and keeps it (``counter_checked``).
Only materials the catalogue marks ``required`` are asked for: a conditional one applies or not by what the applicant
says, which the backend cannot know. A case a window sends to be refused is taken as it is, as its form is.

The terminals send a case only when it is complete (the kiosk's checklist, the window's Accept), so the refusal means
the catalogue asked for more since the terminal's copy: a material added while the case was made (from the catalogue
held while the backend was away, kiosk/catalogue.py, or while the citizen was at the confirmation). Switched by the
sandbox setting ``enforce_materials`` (on by default), which a test turns off to send a case no terminal would.
"""

from __future__ import annotations

from typing import Any, Iterable

from sandbox.errors import ApiError


def check_materials(service: dict[str, Any], attached: Iterable[str], licensed: Iterable[str],
                    counter_checked: Iterable[str]) -> None:
    """Raises 422 ``unknown_material`` for a counter-checked code the service does not list, 422
    ``materials_missing`` (``fields.missing``: the codes, comma-separated) for each required material not brought."""
    listed = {m["code"]: m for m in service.get("materials", [])}
    counter = list(counter_checked)
    strange = [code for code in counter if code not in listed]
    if strange:
        raise ApiError(422, "unknown_material", "材料编号不属于该事项", "A material code is not in this service",
                       {"counter_checked": ",".join(strange)[:200]})
    brought = {*attached, *licensed, *counter}
    missing = [m for m in listed.values() if m.get("required") and m["code"] not in brought]
    if missing:
        raise ApiError(422, "materials_missing",
                       "缺少必交材料：" + "、".join(m["name_zh"] for m in missing),
                       "Required materials are missing: " + ", ".join(m.get("name_en") or m["name_zh"]
                                                                      for m in missing),
                       {"missing": ",".join(m["code"] for m in missing)})
