"""Electronic licences that stand for paper materials: held by whom the case is for, of the right type.

A case (or draft) names them in ``e_licences`` (licence ids) and ``material_licences`` ({material
code: licence id}, which also says which material each stands for). A licence must be held by the
applicant (for an agent's case, the principal), by the applicant's company, or by the agent (422
``licence_not_held``: a terminal cannot point at someone else's licence); one given for a material
must be of the material's ``e_licence_type`` (422 ``licence_type_mismatch``), for a material of
the service (422 ``unknown_material``).
"""

from __future__ import annotations

from typing import Any

from sandbox.errors import ApiError
from sandbox.store import Store


def _holders(applicant: dict[str, Any], agent: dict[str, Any] | None) -> set[str]:
    found = {applicant.get("id_number"), applicant.get("credit_code"), (agent or {}).get("id_number")}
    return {h for h in found if h}


def check_licences(store: Store, service: dict[str, Any], applicant: dict[str, Any], agent: dict[str, Any] | None,
                   e_licences: list[str], material_licences: dict[str, str]) -> None:
    holders = _holders(applicant, agent)
    materials = {m["code"]: m for m in service.get("materials", [])}
    named = [(f"e_licences.{i}", lid) for i, lid in enumerate(e_licences)]
    named += [(f"material_licences.{code}", lid) for code, lid in material_licences.items()]
    for field, licence_id in named:
        found = store.licence(licence_id)
        if found is None or found[0] not in holders:
            raise ApiError(422, "licence_not_held", "所选电子证照不属于申请人，请重新选择或提交纸质材料",
                           "The electronic licence is not the applicant's: choose another or bring the paper "
                           "material", {field: licence_id})
    for code, licence_id in material_licences.items():
        material = materials.get(code)
        if material is None:
            raise ApiError(422, "unknown_material", "材料编号不属于该事项", "A material code is not in this service",
                           {f"material_licences.{code}": "not a material of this service"})
        wanted, actual = material.get("e_licence_type", ""), store.licence(licence_id)[1].get("type", "")
        if not wanted or actual != wanted:
            name_en = material.get("name_en") or material["name_zh"]
            raise ApiError(422, "licence_type_mismatch", f"电子证照不能作为“{material['name_zh']}”提交",
                           f'This electronic licence cannot stand for "{name_en}"',
                           {f"material_licences.{code}": f"expected {wanted or 'no licence'}, got {actual}"})
