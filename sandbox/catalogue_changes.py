"""The hall changes a service in its catalogue while applications are under way, on the sandbox's control route
(not the contract): ``POST /control/catalogue`` with ``{"service_code", "change", "material_code"?}``.

A real hall adds a material to a service, drops one, or adds a field to its form on a given day, and terminals with
an application half-way through meet it as a refusal (422 ``unknown_material`` or ``form_invalid``). The monkeys
(``kiosk bench ui-monkey --catalogue-changes``, ``window-monkey --catalogue-changes``) and a tester by hand change
the catalogue here:

- ``drop_material``: the service no longer lists ``material_code`` (by default its last material); never its only one;
- ``add_material``: it lists :data:`ADDED_MATERIAL` (required, one page, on paper) at the end;
- ``add_field``: its form gains :data:`ADDED_FIELD` (required text);
- ``restore``: the service as it was before its first change.

Each service's body before its first change is kept; :meth:`CatalogueChanges.restore_all` puts every one back (the
bench between seeds). The answer names the service's materials and fields as they now are.
"""

from __future__ import annotations

import copy
import json
import threading
from typing import Any

CHANGES = ("drop_material", "add_material", "add_field", "restore")

ADDED_MATERIAL = {"code": "MX", "name_zh": "补充说明", "name_en": "Supplementary statement", "required": True,
                  "condition": "", "kind": "original", "pages": 1, "e_licence_type": "",
                  "obtain": "由您本人书写 / written by you"}
ADDED_FIELD = {"name": "extra_contact", "label_zh": "紧急联系人", "label_en": "Emergency contact", "type": "text",
               "required": True}


class CatalogueChanges:
    def __init__(self, store: Any) -> None:
        self._store = store
        self._before: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def change(self, code: str, what: str, material_code: str = "") -> dict[str, Any] | None:
        """Change ``code`` so; its materials' codes and fields' names as they now are, or None when the catalogue
        has no such service. ``what`` must be one of :data:`CHANGES` (ValueError)."""
        if what not in CHANGES:
            raise ValueError(what)
        with self._lock:
            body = self._store.service(code)
            if body is None:
                return None
            if what == "restore":
                body = self._before.pop(code, body)
            else:
                self._before.setdefault(code, copy.deepcopy(body))
                body = _changed(body, what, material_code)
            self._write(code, body)
            return {"service_code": code, "materials": [m["code"] for m in body["materials"]],
                    "form": [f["name"] for f in body.get("form", [])]}

    def restore_all(self) -> None:
        with self._lock:
            for code, body in self._before.items():
                self._write(code, body)
            self._before.clear()

    def _write(self, code: str, body: dict[str, Any]) -> None:
        with self._store.tx() as db:
            db.execute("UPDATE services SET body = ? WHERE code = ?", (json.dumps(body, ensure_ascii=False), code))


def _changed(body: dict[str, Any], what: str, material_code: str) -> dict[str, Any]:
    body = copy.deepcopy(body)
    materials = body.setdefault("materials", [])
    if what == "drop_material" and len(materials) > 1:
        gone = material_code or materials[-1]["code"]
        body["materials"] = [m for m in materials if m["code"] != gone] or materials
    elif what == "add_material" and all(m["code"] != ADDED_MATERIAL["code"] for m in materials):
        materials.append(dict(ADDED_MATERIAL))
    elif what == "add_field" and all(f["name"] != ADDED_FIELD["name"] for f in body.setdefault("form", [])):
        body["form"].append(dict(ADDED_FIELD))
    return body
