"""A service's materials as one applicant provides them: an electronic licence, pages, or not brought.

Qt-free, one module for the kiosk and the window. A :class:`Checklist` holds one :class:`Material`
per requirement of the service; the session marks each one, and the checklist answers what the
case carries (pages as attachments, licences as references) and what is still missing (for the
one-time notice and the draft). Conditional materials (``required`` false, with a ``condition``)
count as missing only once the applicant said the condition applies to them.

The catalogue words a condition, and where to get a material, in both languages in one string,
"中文 / English" (docs/api/payloads.md, 'Materials'); :func:`in_language` picks the citizen's half.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Mapping

from common.backend_errors import ServerText
from common.domain import Attachment, MaterialKind, MaterialRequirement, ServiceItem
from common.i18n import Text, _, catalogue, plural_text, text

SIGNATURE_NAME = "signature.png"


# The backend's refusals of a case that mean the service's materials changed under the terminal: a material it no
# longer lists, or a required one it lists now (docs/api/payloads.md, "The backend's check"). The terminal fetches the
# service again and follows it (``Checklist.follow``).
MATERIALS_REFUSALS = ("unknown_material", "materials_missing")


class Provided(enum.Enum):
    NOTHING = "nothing"          # not dealt with yet
    LICENCE = "licence"          # an electronic licence stands in for it
    PAGES = "pages"              # scanned on the document camera
    NOT_BROUGHT = "not_brought"  # the applicant does not have it with them: it goes on the notice
    NOT_APPLICABLE = "not_applicable"  # a conditional material whose condition does not apply


def in_language(both: str, lang: str) -> str:
    """The citizen's half of a catalogue string worded "中文 / English" (the whole when it has one half)."""
    zh, sep, en = both.partition(" / ")
    if not sep:
        return both
    return en.strip() if lang == "en" and en.strip() else zh.strip()


def page_taken(count: int, wanted: int) -> Text:
    """What a material's page just scanned is said as, at the kiosk and at the window: "page 2 of 3", or an
    extra page (an annex, a back side) as such, never "page 2 of 1"."""
    if count > wanted:
        return plural_text("Page {page} taken, an extra one ({pages} asked for).",
                           "Page {page} taken, an extra one ({pages} asked for).", wanted, page=count, pages=wanted)
    return plural_text("Page {count} of {pages} taken.", "Page {count} of {pages} taken.", wanted,
                       count=count, pages=wanted)


def with_note(name: str, note: str) -> str:
    """A material's name with a note after it in the language's own brackets, through the translation layer:
    'Resident ID card (required)', 居民身份证（必交） (the window's list and the kiosk's screens)."""
    return _("{material} ({note})").format(material=name, note=note)


def notes_text(notes: list[str], lang: str) -> str:
    """Several notes on one material, parted as the language parts them."""
    return ("；" if lang != "en" else "; ").join(notes)


def listed_text(i: int, requirement: MaterialRequirement, lang: str) -> str:
    """A material as a notice or a receipt lists it, in the language's own punctuation: "1. 购房合同（复印件，4 页）",
    not "(复印件, 4 页)" (the thermal notice and the A4 documents, one wording)."""
    t = catalogue(lang).gettext
    kind = {MaterialKind.ORIGINAL: t("original"), MaterialKind.COPY: t("copy"),
            MaterialKind.ORIGINAL_AND_COPY: t("original and copy")}[requirement.kind]
    pages = catalogue(lang).ngettext("{n} page", "{n} pages", requirement.pages).format(n=requirement.pages)
    return t("{i}. {name} ({kind}, {size})").format(i=i, name=requirement.name(lang), kind=kind, size=pages)


def condition_text(requirement: MaterialRequirement, lang: str) -> str:
    """The condition in the citizen's language ("" for an unconditional material)."""
    return in_language(requirement.condition, lang)


def obtain_text(requirement: MaterialRequirement, lang: str) -> str:
    """Where to get the material, in the citizen's language ("" when the catalogue does not say)."""
    return in_language(requirement.obtain, lang)


@dataclass
class Material:
    requirement: MaterialRequirement
    provided: Provided = Provided.NOTHING
    licence: dict[str, Any] | None = None          # the licence used: licence_id, name_zh, name_en, number
    pages: list[bytearray] = field(default_factory=list, repr=False)  # JPEG bytes, one per page

    @property
    def code(self) -> str:
        return self.requirement.code

    @property
    def conditional(self) -> bool:
        return not self.requirement.required and bool(self.requirement.condition)

    @property
    def done(self) -> bool:
        return self.provided in (Provided.LICENCE, Provided.PAGES, Provided.NOT_APPLICABLE) or (
            self.provided is Provided.NOTHING and not self.requirement.required and not self.conditional)

    @property
    def missing(self) -> bool:
        """On the notice: a required material not provided, or a conditional one that applies and is not."""
        if self.provided in (Provided.LICENCE, Provided.PAGES, Provided.NOT_APPLICABLE):
            return False
        return self.requirement.required or (self.conditional and self.provided is Provided.NOT_BROUGHT)

    def wipe(self) -> None:
        for page in self.pages:
            page[:] = b"\x00" * len(page)
            del page[:]
        self.pages.clear()
        self.licence = None


# The backend's refusals of a licence standing for a material (Checklist.refuse_licences reads which)
LICENCE_REFUSALS = frozenset({"licence_not_held", "licence_type_mismatch"})


class Checklist:
    """The materials of one application, in the service's order."""

    def __init__(self, service: ServiceItem) -> None:
        self.service = service
        self.items = [Material(requirement) for requirement in service.materials]

    def get(self, code: str) -> Material | None:
        """The material ``code``, or None when the service has no such material."""
        return next((m for m in self.items if m.code == code), None)

    def __getitem__(self, code: str) -> Material:
        found = self.get(code)
        if found is None:
            raise KeyError(code)
        return found

    def use_licence(self, code: str, licence: dict[str, Any]) -> None:
        material = self[code]
        material.wipe()
        material.provided, material.licence = Provided.LICENCE, licence

    def add_page(self, code: str, jpeg: bytes | bytearray) -> int:
        """A page scanned for ``code``; returns how many it has now."""
        material = self[code]
        if material.provided is not Provided.PAGES:
            material.wipe()
            material.provided = Provided.PAGES
        material.pages.append(bytearray(jpeg))
        return len(material.pages)

    def drop_last_page(self, code: str) -> None:
        material = self[code]
        if material.pages:
            last = material.pages.pop()
            last[:] = b"\x00" * len(last)
            del last[:]
        if not material.pages and material.provided is Provided.PAGES:
            material.provided = Provided.NOTHING

    def not_brought(self, code: str) -> None:
        material = self[code]
        material.wipe()
        material.provided = Provided.NOT_BROUGHT

    def does_not_apply(self, code: str) -> None:
        material = self[code]
        material.wipe()
        material.provided = Provided.NOT_APPLICABLE

    def pending(self) -> list[Material]:
        """Materials the applicant has not dealt with yet (required, or conditional and not answered)."""
        return [m for m in self.items if m.provided is Provided.NOTHING and (m.requirement.required or m.conditional)]

    def missing(self) -> list[MaterialRequirement]:
        """For the one-time notice: every material that applies and was not provided (pending ones too)."""
        return [m.requirement for m in self.items
                if m.missing or (m.provided is Provided.NOTHING and m.requirement.required)]

    @property
    def complete(self) -> bool:
        return not self.missing() and not self.pending()

    def attachments(self) -> list[Attachment]:
        """Every scanned page as the case carries it: ``<material>-<page>.jpg``."""
        return [Attachment(f"{m.code}-{n}.jpg", "image/jpeg", bytes(page))
                for m in self.items if m.provided is Provided.PAGES for n, page in enumerate(m.pages, 1)]

    def licence_ids(self) -> list[str]:
        return list(self.licences_by_material().values())

    def licences_by_material(self) -> dict[str, str]:
        """{material code: licence id} for every material an electronic licence stands in for."""
        return {m.code: m.licence["licence_id"] for m in self.items if m.provided is Provided.LICENCE and m.licence}

    def page_count(self) -> int:
        return sum(len(m.pages) for m in self.items)

    def refuse_licences(self, fields: Mapping[str, Any]) -> list[str]:
        """The backend would not take a licence standing for a material (422 ``licence_not_held``: not the
        applicant's; ``licence_type_mismatch``: not of the material's kind), named in its ``fields`` as
        ``material_licences.<code>`` or ``e_licences.<n>`` (with the licence id): each material it stood for is
        given back, nothing provided, for the applicant to bring its paper. Returns their codes, in the service's
        order."""
        codes: set[str] = set()
        for key, value in fields.items():
            if not isinstance(key, str):
                continue
            if key.startswith("material_licences."):
                codes.add(key[len("material_licences."):])
            elif key.startswith("e_licences."):
                codes.update(code for code, licence in self.licences_by_material().items() if licence == value)
        refused = [m.code for m in self.items if m.code in codes and m.provided is Provided.LICENCE]
        for code in refused:
            material = self[code]
            material.wipe()
            material.provided = Provided.NOTHING
        return refused

    def follow(self, fresh: ServiceItem) -> Changed:
        """The service's materials as the catalogue now lists them (changed mid-application): what was provided
        for a material still listed stays where it still stands (pages always; a licence while the material takes
        the same kind; "does not apply" while it is still conditional); a material no longer listed is dropped, its
        pages zeroed. Returns what changed, for the applicant to be told."""
        held = {m.code: m for m in self.items}
        kept: list[Material] = []
        changed = Changed()
        for requirement in fresh.materials:
            material = held.pop(requirement.code, None)
            if material is None:
                changed.added.append(requirement)
                kept.append(Material(requirement))
                continue
            before, material.requirement = material.requirement, requirement
            stands = {Provided.LICENCE: requirement.e_licence_type == before.e_licence_type,
                      Provided.NOT_APPLICABLE: material.conditional}.get(material.provided, True)
            if not stands:
                material.wipe()
                material.provided = Provided.NOTHING
                changed.reset.append(requirement)
            kept.append(material)
        for material in held.values():
            material.wipe()
            changed.dropped.append(material.requirement)
        self.service, self.items = fresh, kept
        return changed

    def wipe(self) -> None:
        for material in self.items:
            material.wipe()
            material.provided = Provided.NOTHING


@dataclass
class Changed:
    """How a service's materials changed under an application (:meth:`Checklist.follow`)."""

    added: list[MaterialRequirement] = field(default_factory=list)    # newly listed
    reset: list[MaterialRequirement] = field(default_factory=list)    # what was provided for it no longer stands
    dropped: list[MaterialRequirement] = field(default_factory=list)  # no longer listed: what was given, left out

    def __bool__(self) -> bool:
        return bool(self.added or self.reset or self.dropped)

    def codes(self) -> str:
        """The change in codes, for the audit trail and the log: ``+MX -M2`` (asked for now, left out)."""
        return " ".join([f"+{m.code}" for m in self.added + self.reset] + [f"-{m.code}" for m in self.dropped])

    def said(self) -> Text:
        """What changed, in a sentence or two for the applicant or the clerk: the materials asked for now (added, or
        whose earlier answer no longer stands), and those left out."""
        now, gone = _names(self.added + self.reset), _names(self.dropped)
        if self.dropped and (self.added or self.reset):
            return text("Now asked for: {now}. No longer asked for, left out: {gone}.", now=now, gone=gone)
        if self.dropped:
            return text("No longer asked for, left out: {gone}.", gone=gone)
        return text("Now asked for: {now}.", now=now)


def _names(requirements: list[MaterialRequirement]) -> Text:
    """Materials' names as the catalogue gives them in both languages, listed as each language lists."""
    return ServerText("", zh="、".join(r.name("zh_CN") for r in requirements),
                      en=", ".join(r.name("en") for r in requirements))


def licence_for(requirement: MaterialRequirement, licences: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first of the holder's electronic licences that can stand in for ``requirement``."""
    if not requirement.e_licence_type:
        return None
    return next((item for item in licences if item.get("type") == requirement.e_licence_type), None)


def licence_materials(service: ServiceItem | None, for_company: bool) -> tuple[MaterialRequirement, ...]:
    """The materials of ``service`` a licence of the applicant's can stand in for: a company's matter fetches the
    company's licences (a business licence), a person's their own (an ID card); a material whose licence the other
    holds is not asked for, and is brought on paper."""
    return tuple(m for m in (service.materials if service else ()) if m.licence_held_by(for_company))


def offered_licences(service: ServiceItem, licences: list[dict[str, Any]],
                     for_company: bool) -> dict[str, dict[str, Any]]:
    """{material code: the holder's licence that can stand for it}, for the service's materials (kiosk and window)."""
    return {m.code: found for m in licence_materials(service, for_company)
            if (found := licence_for(m, licences)) is not None}


def still_offered(offered: Mapping[str, dict[str, Any]], service: ServiceItem) -> dict[str, dict[str, Any]]:
    """The licences offered for materials that ``service`` (fetched again, changed) still lists as taking that
    licence's kind (kiosk and window)."""
    kinds = {m.code: m.e_licence_type for m in service.materials}
    return {code: licence for code, licence in offered.items() if kinds.get(code) == licence.get("type")}


def licence_kinds_text(service: ServiceItem | None, lang: str, for_company: bool) -> str:
    """The materials of ``service`` the applicant's licences can stand for, named and listed as ``lang`` lists them."""
    return ("、" if lang != "en" else ", ").join(m.name(lang) for m in licence_materials(service, for_company))


def licence_consent_text(service: ServiceItem | None, lang: str, for_company: bool) -> tuple[str, str]:
    """The consent to fetch licences as the applicant reads it (the kiosk's screen, the window's customer screen):
    a title and a body naming the kinds. A company's matter asks for the company's licences, not "yours"."""
    title = (_("Fetch the company's electronic licences?") if for_company
             else _("Fetch your electronic licences?"))
    body = _("For this application we can fetch these from the government's licence library instead of scanning "
             "paper: {kinds}. They are used for this application only.").format(
                 kinds=licence_kinds_text(service, lang, for_company))
    return title, body
