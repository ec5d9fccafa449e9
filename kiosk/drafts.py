"""A saved application (draft): kept with the backend when something is missing, resumed at the next visit.

Qt-free and blocking (network): called from the task runner. One module for the kiosk and the window
(kiosk/workflows/clerk_drafts.py), so what a draft holds is decided once: the form, who applies, each
material settled (its pages uploaded, or the electronic licence standing in for it, or "does not
apply"), and what is still missing (docs/api/payloads.md, 'Drafts'). A resumed draft is deleted once its case is
submitted, through the outbox behind that case (kiosk/submission.py, ``Submitter.discard_draft``). A draft the
backend cannot take now waits in the outbox too (``keep``), and reaches it when it is back.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Callable

from common.backend_errors import AuthError, OfflineError, RejectedError, ServerError
from common.domain import Application, Attachment, CardType, Company, Identity, MaterialRequirement, ServiceItem
from kiosk.backend.client import BackendClient, application_draft
from kiosk.backend.declarations import material_and_page
from kiosk.materials import MATERIALS_REFUSALS, Changed, Checklist, Provided
from kiosk.tasks import Dropped
from offline_queue.item_kinds import DRAFT_SAVE
from offline_queue.outbox import Outbox, OutboxItem, Payload

if TYPE_CHECKING:
    from kiosk.submission import Submitter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ToSave:
    """A draft as it is sent (``DraftIn`` and its pages): saved now, or queued while the backend is away."""

    body: dict[str, Any]
    pages: list[Attachment] = field(repr=False)


def to_save(application: Application, checklist: Checklist, files: list[Attachment],
            missing: list[str] | None = None) -> ToSave:
    """The application as it stands: its form, who applies, and what was provided for each material.
    ``missing``: what the notice lists, when the caller knows better than the checklist (a window's clerk ticks a
    paper the hall keeps, which the checklist does not hold); by default the checklist's missing materials."""
    pages = [f for f in files if f.mime == "image/jpeg"]  # the pages; a signature is given again on resuming
    done = [m.code for m in checklist.items if m.provided in (Provided.LICENCE, Provided.PAGES, Provided.NOT_APPLICABLE)]
    listed = missing if missing is not None else [m.code for m in checklist.missing()]
    body = application_draft(application, materials_done=done, missing=listed,
                             material_licences=checklist.licences_by_material())
    body["listed_materials"] = listing(checklist.service)
    body["saved_at"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")  # a late arrival is refused
    return ToSave(body, pages)


class Kept(Enum):
    SAVED = "saved"      # the backend holds it: found at the next visit at any terminal of the hall
    QUEUED = "queued"    # in this terminal's encrypted outbox, saved when the backend is back
    DECLINED = "declined"  # the applicant chose the notice alone: nothing kept (a draft they continued deleted)
    NOT_KEPT = "not_kept"  # refused by the backend, or no room on this terminal either: nothing kept this time

    @property
    def nothing(self) -> bool:
        """Nothing of the application is kept: what the applicant showed today is to be brought again."""
        return self in (Kept.DECLINED, Kept.NOT_KEPT)


@dataclass(frozen=True)
class KeptDraft:
    """How a draft was kept, and (saved now) the last day the backend keeps it, when its answer said so."""

    how: Kept
    until: dt.date | None = None  # only ever for SAVED


# A keeping period past this is no answer to believe (the contract's periods are days or months).
_LONGEST_KEPT = dt.timedelta(days=3650)


def kept_until(answer: Any, now: dt.datetime | None = None) -> dt.date | None:
    """The day a saved ``Draft``'s ``expires_at`` falls on, in this terminal's time zone; None when it is absent, not
    ISO 8601 with an offset, already past or more than ten years ahead: the applicant is then told no date."""
    value = answer.get("expires_at") if isinstance(answer, dict) else None
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        expires = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if expires.tzinfo is None:
        return None
    now = now or dt.datetime.now().astimezone()
    if not now < expires <= now + _LONGEST_KEPT:
        return None
    return expires.astimezone(now.tzinfo).date()


def keep(backend: BackendClient, submitter: Submitter, draft: ToSave, began: float | None = None) -> KeptDraft:
    """Save the draft now; while the backend is away (no answer, an answer lost or not believed, a 5xx, this
    terminal's credentials refused, or the save not done within ``queue.deliver_wait_s``, as a case's wait) queue
    it, so what the applicant provided is not lost (a save replaces the draft whole: one sent twice is one).
    ``began``: when the person's wait began (``time.monotonic()`` at the notice's tap): the save has what is left of
    it, the notice recorded before it having taken its share (a backend slow at both made them wait for the two in
    turn). Queued too while anything of the person's still waits in the outbox: a deletion of the draft under the
    same key (they kept nothing, then changed their mind) sent after a save made directly would delete that save.
    Raises RejectedError when the backend refuses it and QueueFullError when the terminal cannot store it either.
    Blocking (network, fsync): on the task runner."""
    # a save the line or the backend takes longer over goes through the queue
    within_s = submitter.deliver_timeout_s if began is None else submitter.wait_left(began)
    if submitter.waiting_for(str(draft.body["id_number"])):
        log.info("drafts: queued behind what waits in the outbox for the same person")
    elif not within_s:
        log.info("drafts: nothing left of the person's wait: queued")
    else:
        asked = time.monotonic()
        try:
            try:
                answer = backend.save_draft_payload(draft.body, draft.pages, within_s=within_s)
            except RejectedError as exc:
                if exc.code != "unknown_material":
                    raise
                # a material the service no longer lists (its catalogue changed since the applicant began): what
                # it still lists is kept, once (a second refusal is said as any other)
                try:
                    fresh = backend.service(str(draft.body["service_code"]))
                except (OfflineError, ServerError, AuthError, RejectedError):
                    raise exc from None  # not queued as it is: the backend would refuse it again on arrival
                draft = listed_only(draft, fresh)
                log.info("drafts: the service's materials changed: saved with what it still lists")
                again_s = within_s - (time.monotonic() - asked)  # what is left of it, the refused try taken out
                answer = backend.save_draft_payload(draft.body, draft.pages, within_s=max(again_s, 0.5))
            return KeptDraft(Kept.SAVED, kept_until(answer))
        except (OfflineError, ServerError, AuthError) as exc:
            log.info("drafts: not saved now (%s): queued", type(exc).__name__)
    submitter.queue_draft(draft.body, draft.pages)
    return KeptDraft(Kept.QUEUED)


MAX_LISTED = 30  # the contract's most materials of a service (DraftIn.listed_materials): more is not a list to say


def listing(service: ServiceItem) -> list[dict[str, str]]:
    """The service's materials as a draft records them (``listed_materials``): what its list was when it was saved,
    so that continuing it can say what changed since (``changed_since``)."""
    return [{"code": m.code, "name_zh": m.name_zh, "name_en": m.name_en} for m in service.materials]


def changed_since(draft: dict[str, Any], service: ServiceItem) -> Changed:
    """How ``service``'s materials changed since ``draft`` was saved, by the list it recorded: those listed now and
    not then (added), and those listed then and not now (dropped: what was given for them is left out). Nothing,
    for a draft that recorded no list (saved by an older terminal, or kept from a case refused for anything but
    materials missing) or one not shaped so."""
    listed = draft.get("listed_materials")
    if not isinstance(listed, list) or len(listed) > MAX_LISTED or not all(
            isinstance(m, dict) and isinstance(m.get("code"), str) and 0 < len(m["code"]) <= 32 for m in listed):
        return Changed()
    before = {str(m["code"]): m for m in listed}
    now = {m.code for m in service.materials}
    added = [m for m in service.materials if m.code not in before]
    dropped = [MaterialRequirement(code, _name(m.get("name_zh"), code), _name(m.get("name_en"), ""))
               for code, m in before.items() if code not in now]
    return Changed(added=added, dropped=dropped)


def _name(value: Any, otherwise: str) -> str:
    return value[:100] if isinstance(value, str) and value.strip() else otherwise


def listed_only(draft: ToSave, service: ServiceItem) -> ToSave:
    """``draft`` with only the materials ``service`` (as the backend now lists it) has: the pages, licences and
    answers of any other left out."""
    codes = {m.code for m in service.materials}
    body = dict(draft.body)
    for key in ("materials_done", "missing"):
        body[key] = [code for code in body.get(key) or [] if code in codes]
    body["material_licences"] = {code: licence for code, licence in (body.get("material_licences") or {}).items()
                                 if code in codes}
    return ToSave(body, [page for page in draft.pages if material_and_page(page.name)[0] in codes])


def as_listed_without(draft: ToSave, service: ServiceItem, named: Any) -> ToSave:
    """``draft`` recording ``service``'s list without the materials ``named`` (a refusal's ``fields.missing``, the
    codes comma-separated: the backend's word, so anything else names none): the list the applicant applied
    against, when those were added since. Nothing named that the service lists: the draft as it is."""
    codes = {code.strip() for code in named.split(",")[:MAX_LISTED]} if isinstance(named, str) else set()
    if not codes & {m.code for m in service.materials}:
        return draft
    listed = [entry for entry in listing(service) if entry["code"] not in codes]
    return ToSave({**draft.body, "listed_materials": listed}, draft.pages)


def from_case(body: dict[str, Any], files: list[Attachment]) -> ToSave | None:
    """A queued case (``CaseIn``) as the applicant's saved application: who applies, the form, the licences and pages
    (not the signature, given again), as of when it was made (``saved_at``: its ``created_at``). None for a body
    that is not a case's, or for a case a window sent to be refused (``refusing``: the applicant was told it is not
    accepted, and nothing is for them to continue)."""
    if body.get("refusing") is True:
        return None
    applicant, agent = body.get("applicant"), body.get("agent")
    person = agent if isinstance(agent, dict) else applicant
    if not isinstance(applicant, dict) or not isinstance(person, dict) or not isinstance(body.get("service_code"), str):
        return None
    licences = body.get("material_licences") if isinstance(body.get("material_licences"), dict) else {}
    pages = [f for f in files if f.mime == "image/jpeg"]  # declared when the case was queued: their names read
    done = sorted({material_and_page(f.name)[0] for f in pages} | set(licences))
    draft: dict[str, Any] = {"id_number": person.get("id_number"), "service_code": body["service_code"],
                             "applicant": applicant, "form": body.get("form") or {}, "materials_done": done,
                             "missing": [], "material_licences": licences, "saved_at": body.get("created_at")}
    if isinstance(agent, dict):
        draft["agent"] = agent
    if _application_id(body.get("application_id")):  # continued, its case is this one put right (its refusal)
        draft["application_id"] = body["application_id"]
    return ToSave(draft, pages)


def _application_id(value: Any) -> str | None:
    """An application id as the contract takes it (8-64 characters), else None: a new application."""
    return value if isinstance(value, str) and 8 <= len(value) <= 64 and value.isprintable() else None


def kept_when_refused(outbox: Outbox, backend: BackendClient | None = None
                      ) -> Callable[[OutboxItem, Payload, RejectedError], None]:
    """For the sync worker (``on_refused``): a case the backend refused on arrival, with no one at the terminal to
    hear it, is kept as the applicant's saved application, queued after it (``draft_save``): at their next visit,
    at any terminal, they continue it and put right what was refused (an agent's principal typed again) rather than
    provide everything again. The dead letter stays for staff.

    A case refused for a material its service no longer lists (made from the catalogue held while the backend was
    away, kiosk/catalogue.py, and changed meanwhile) would have its draft refused the same way, and nothing would be
    kept: the service is fetched (on the worker's thread, the backend having just answered) and the draft keeps
    what it still lists (``listed_only``). A case refused for required materials it lacks (added meanwhile) is kept
    with the list as the applicant saw it, today's without the ones named (``as_listed_without``), so that
    continuing it says what is asked for now. Not fetched, the draft is queued as it is."""
    def keep_refused(item: OutboxItem, payload: Payload, exc: RejectedError) -> None:
        draft = from_case(payload.body, payload.attachments)
        if draft is None or not isinstance(draft.body["id_number"], str):
            return
        if exc.code in MATERIALS_REFUSALS and backend is not None:
            try:
                fresh = backend.service(str(draft.body["service_code"]))
            except (OfflineError, ServerError, AuthError, RejectedError) as fetch:
                log.info("drafts: the service not fetched for the refused case's draft (%s)", type(fetch).__name__)
            else:
                draft = listed_only(draft, fresh) if exc.code == "unknown_material" else \
                    as_listed_without(draft, fresh, exc.fields.get("missing"))
        outbox.enqueue(DRAFT_SAVE.queued(draft.body), uuid.uuid4().hex, draft.body["id_number"], None, draft.pages)
        log.info("drafts: case %s refused on arrival (%s): kept as a saved application", item.provisional_number,
                 exc.code or exc.status)
    return keep_refused


def resumable(drafts: list[dict[str, Any]], catalogue: list[ServiceItem]) -> list[dict[str, Any]]:
    """The drafts this terminal can continue: those of a service it offers, shaped as the contract says (one that
    is not is left out, never shown: the backend's answer is not trusted to be)."""
    codes = {s.code for s in catalogue}
    return [d for d in drafts if _well_formed(d) and d["service_code"] in codes]


_SHAPES = (("applicant", dict), ("agent", dict), ("form", dict), ("material_licences", dict),
           ("attachments", list), ("materials_done", list), ("missing", list), ("updated_at", str),
           ("id_number", str), ("listed_materials", list), ("application_id", str))


def _well_formed(draft: Any) -> bool:
    """A draft whose fields have the contract's types (docs/api/payloads.md, "Drafts"), each optional one absent
    or null allowed; what its pages say is checked again when they are fetched (``load``)."""
    if not isinstance(draft, dict) or not isinstance(draft.get("draft_id"), str) or not draft["draft_id"] \
            or not isinstance(draft.get("service_code"), str):
        return False
    return all(draft.get(key) is None or isinstance(draft[key], kind) for key, kind in _SHAPES)


@dataclass
class Resumed:
    """A draft brought back: the pieces the session puts together again."""

    draft_id: str
    service: ServiceItem
    form: dict[str, Any]
    company: Company | None = None
    principal: Identity | None = None
    licences: dict[str, str] = field(default_factory=dict)          # material code -> licence id
    pages: dict[str, list[bytes]] = field(default_factory=dict, repr=False)  # material code -> pages in order
    not_applicable: list[str] = field(default_factory=list)
    changed: Changed = field(default_factory=Changed)  # the service's materials since the draft was saved
    application_id: str | None = None  # the application it keeps: its case carries it again (None: a new one)

    def application(self, applicant: Identity, terminal_id: str, **kw: Any) -> Application:
        """The application the draft keeps, made again: its id kept, so that a refusal of it is superseded once the
        case made from it is taken (docs/api/payloads.md, "A refused offline case")."""
        made = Application(self.service, applicant, terminal_id, form=dict(self.form), **kw)
        if self.application_id:
            made.id = self.application_id
        return made


def load(backend: BackendClient, draft: dict[str, Any], service: ServiceItem, id_number: str,
         wanted: Callable[[], bool] = lambda: True) -> Resumed:
    """Fetch a draft's pages (each checked against its declared digest) and what applied. ``wanted``: asked before
    each page and between the pieces of the page coming; once the person it is for has gone (the kiosk's session
    ended) or the clerk stopped waiting (the window's "Stop"), no more is fetched and :class:`kiosk.tasks.Dropped` is
    raised: on a slow line a draft's pages take minutes, which held a worker and fetched a person's papers for
    nobody."""
    draft_id = str(draft["draft_id"])
    applicant = draft.get("applicant") or {}
    company = principal = None
    if applicant.get("type") == "company" and applicant.get("credit_code"):
        company = backend.company(str(applicant["credit_code"]), id_number)  # the role, as it is today
    elif draft.get("agent") and applicant.get("id_number"):
        principal = Identity(id_number=str(applicant["id_number"]), name=str(applicant.get("name", "")),
                             card_type=CardType.DECLARED)
    pages: dict[str, list[bytes]] = {}
    declared = sorted((a for a in draft.get("attachments", []) if isinstance(a, dict)),
                      key=lambda a: (str(a.get("material_code")), int(a.get("page", 0))))
    try:
        for ref in declared:
            if not wanted():
                raise Dropped()
            data = backend.draft_page(draft_id, str(ref["name"]), ref.get("sha256"), wanted=wanted)
            pages.setdefault(str(ref["material_code"]), []).append(data)
    except BaseException:
        pages.clear()  # nothing of the person's kept by a load that did not finish
        raise
    licences = {str(k): str(v) for k, v in (draft.get("material_licences") or {}).items()}
    done = {str(code) for code in draft.get("materials_done", [])}
    not_applicable = [code for code in done if code not in pages and code not in licences]
    return Resumed(draft_id, service, dict(draft.get("form") or {}), company, principal, licences, pages,
                   not_applicable, changed_since(draft, service), _application_id(draft.get("application_id")))


def restore(checklist: Checklist, resumed: Resumed) -> None:
    """Put what the draft held back into a fresh checklist."""
    codes = {m.code for m in checklist.items}
    for code, licence_id in resumed.licences.items():
        if code in codes:
            requirement = checklist[code].requirement
            checklist.use_licence(code, {"licence_id": licence_id, "name_zh": requirement.name_zh,
                                         "name_en": requirement.name_en})
    for code, pages in resumed.pages.items():
        if code in codes:
            for page in pages:
                checklist.add_page(code, page)
    for code in resumed.not_applicable:
        if code in codes and checklist[code].conditional:
            checklist.does_not_apply(code)


