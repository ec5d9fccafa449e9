"""The sandbox's catalogue names whose electronic licence stands in for a material (``e_licence_holder``), typed by
hand for each material. Read against the sandbox's own applicants: a material may name a holder only of a kind that
holds such licences, or a consent would ask for a licence no applicant of that kind could ever bring (a company's
resident ID, a person's business licence: BDC-005 and JZ-002 before the field existed). A company's licence in a
service for persons alone (JZ-002's employer's business licence) stands: such a matter fetches the person's own, so
the kiosk never offers it (docs/api/payloads.md)."""

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "sandbox" / "data"


def _held_by_kind() -> dict[str, set[str]]:
    held: dict[str, set[str]] = {"person": set(), "company": set()}
    for applicant in json.loads((DATA / "applicants.json").read_text(encoding="utf-8")):
        kind = "company" if "credit_code" in applicant else "person"
        held[kind] |= {licence["type"] for licence in applicant.get("licences", ())}
    return held


def test_every_licence_backed_material_names_a_holder_that_holds_such_a_licence():
    held = _held_by_kind()
    assert held["person"] and held["company"]  # the seeds have both kinds
    services = json.loads((DATA / "services.json").read_text(encoding="utf-8"))
    services = services["services"] if isinstance(services, dict) else services
    backed, wrong = 0, []
    for service in services:
        for material in service["materials"]:
            kind, holder = material.get("e_licence_type", ""), material.get("e_licence_holder", "")
            if not kind:
                assert not holder, (service["code"], material["code"])  # a holder of no licence
                continue
            backed += 1
            kinds = ("person", "company") if holder == "" else (holder,)
            if not any(kind in held[k] for k in kinds):
                wrong.append((service["code"], material["code"], kind, holder))
            if holder == "" and not all(kind in held[k] for k in ("person", "company")):
                wrong.append((service["code"], material["code"], kind, "either, yet only one kind holds it"))
    assert backed >= 20, backed
    assert not wrong, wrong
