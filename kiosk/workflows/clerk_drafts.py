"""The applicant's saved application (草稿) continued at the window, as the kiosk continues it.

A mix-in of ``ClerkDesk``. A citizen who left a kiosk (or a window) with a one-time notice comes back with what was
missing; many come to a window. When their card is read the desk looks up their saved applications on the task
runner (``kiosk.drafts``, the kiosk's own module): those they saved for themselves or for a company they represent,
of a service this window offers. The clerk continues one: its service is taken, its company looked up again (the
applicant's role as it is today), and the form and every material settled come back into the matter: the pages
(checked against their digests), the electronic licences standing for materials, what does not apply. The clerk
then checks and scans only what the notice listed. The case accepted or not accepted carries them as the kiosk's
would, and once it is submitted the draft's deletion goes into the outbox behind the case
(``Submitter.discard_draft``). A notice issued again saves the application as it now stands, the pages scanned at
the window included, for the next visit. A notice on a matter begun at the window saves one too when something was
provided (pages scanned, a licence used), so the applicant brings only what it lists, to a window or a kiosk (which
asks for the form there): not when their saved applications could not be looked up, nor over one saved before for
the same service and holder that the clerk did not continue (the kiosk's form would be lost).

An agent's draft (saved for another person) is not offered here: the window decides matters of the person at the
desk or their company; the agent continues it at a kiosk. Pages are personal data: held in memory by the matter's
``Checklist`` and zeroed with it; the drafts found are forgotten with the applicant.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from common.domain import Identity, ServiceItem
from common.i18n import language, text
from kiosk import drafts
from kiosk.materials import Provided
from kiosk.workflows.clerk_case import MatterCase
from kiosk.tasks import while_current
from kiosk.workflows.citizen import Notice
from kiosk.staff_words import staff_message

if TYPE_CHECKING:
    from kiosk.backend.client import BackendClient
    from kiosk.workflows.clerk import ClerkDesk
    from kiosk.submission import Outcome, Submitter

log = logging.getLogger(__name__)


def for_the_window(found: list[dict[str, Any]], catalogue: list[ServiceItem], id_number: str) -> list[dict[str, Any]]:
    """The saved applications a window may continue for the person ``id_number``: theirs, or their company's, of a
    service it offers, newest first (as the backend lists them); no agent's."""
    return [d for d in drafts.resumable(found, catalogue)
            if not d.get("agent") and d.get("id_number") == id_number]


class DeskDrafts:
    """What ``ClerkDesk`` adds to continue a saved application."""

    drafts_found: list[dict[str, Any]] = []
    drafts_looked_up = False  # the applicant's saved applications are known (drafts_found may be empty)
    resumed_draft_id = ""  # the saved application the matter in hand continues ("" for none)
    keep_draft = True  # the applicant's choice: a notice keeps what they provided for the next visit
    _draft_loading: object | None = None  # the load under way (its token); None once it ended or the clerk stopped it

    def _init_drafts(self) -> None:
        self.drafts_found, self.drafts_looked_up, self.resumed_draft_id = [], False, ""
        self.keep_draft = True
        self._draft_loading = None

    def would_keep_draft(self: "ClerkDesk") -> bool:
        """A notice now would keep something of the applicant's for the next visit (so they may say no): the saved
        application the matter continues, or what was provided on a matter begun here."""
        if self.checklist is None or self.identity is None or self.service is None:
            return False
        return bool(self.resumed_draft_id) or self._worth_saving()

    def set_keep_draft(self: "ClerkDesk", keep: bool) -> None:
        """The applicant says whether a notice keeps what they provided (the kiosk's "Print the notice only"), to the
        clerk or on their own screen; while the matter is checked, not while a decision is made."""
        from kiosk.workflows.clerk import Desk

        if self.step is Desk.CHECKING and not self.busy and bool(keep) != self.keep_draft:
            self.keep_draft = bool(keep)
            self._changed()

    def _draft_for_notice(self: "ClerkDesk") -> tuple[drafts.ToSave | None, str]:
        """For a notice: (what to save, the saved application to delete): as the applicant chose. Keeping nothing,
        the application the matter continued goes too (through the outbox), as at a kiosk."""
        return (self._draft_to_save(), "") if self.keep_draft else (None, self.resumed_draft_id)

    def _draft_declined(self: "ClerkDesk") -> None:
        """The notice issued keeping nothing: the saved application the matter continued is being deleted."""
        dropped, self.resumed_draft_id = self.resumed_draft_id, ""
        self.drafts_found = [d for d in self.drafts_found if d.get("draft_id") != dropped]

    def _look_up_drafts(self: "ClerkDesk") -> None:
        """After a card is read: the applicant's saved applications, asked on the task runner."""
        identity, backend, catalogue = self.identity, self._backend, list(self.catalogue)
        if identity is None or not catalogue:
            return

        def found(saved: list[dict[str, Any]]) -> None:
            if self.identity is identity:  # not the applicant's any more: not theirs to show
                self.drafts_found, self.drafts_looked_up = saved, True
                self._changed()

        self._tasks.run(while_current(lambda: self.identity is identity, lambda: for_the_window(
                            backend.drafts(identity.id_number), catalogue, identity.id_number)),
                        found, lambda exc: log.info("desk: saved applications not looked up (%s)", type(exc).__name__))

    def can_resume_draft(self: "ClerkDesk") -> bool:
        """A saved application to continue, before a service is chosen for the applicant in hand."""
        from kiosk.workflows.clerk import Desk

        return (bool(self.drafts_found) and self.identity is not None and self.service is None
                and self.step is Desk.WAITING and not self.busy and self.collecting_for is None)

    def draft_label(self: "ClerkDesk", draft: dict[str, Any]) -> str:
        """How the clerk sees a saved application: its service, for whom, when it was saved, and until when the
        backend keeps it (when its answer says a day the terminal believes: ``drafts.kept_until``), for the clerk to
        tell the applicant as the kiosk's button does."""
        service = next((s for s in self.catalogue if s.code == draft.get("service_code")), None)
        name = service.name(language()) if service else str(draft.get("service_code", ""))
        applicant = draft.get("applicant") or {}
        saved = str(draft.get("updated_at", ""))[:10]
        until = drafts.kept_until(draft)
        said = {"service": name, "date": saved, "until": until.isoformat() if until else ""}
        if applicant.get("type") == "company":
            company = str(applicant.get("company_name") or applicant.get("credit_code") or "")
            return (text("{service}, for {company}, saved {date}, kept until {until}", company=company, **said) if until
                    else text("{service}, for {company}, saved {date}", company=company, **said)).render(language())
        return (text("{service}, saved {date}, kept until {until}", **said) if until
                else text("{service}, saved {date}", **said)).render(language())

    def resume_draft(self: "ClerkDesk", draft_id: str) -> None:
        """Continue the saved application ``draft_id``: fetched on the task runner, then put into the matter."""
        from kiosk.workflows.clerk import Desk

        if not self.can_resume_draft():
            return
        draft = next((d for d in self.drafts_found if d.get("draft_id") == draft_id), None)
        service = next((s for s in self.catalogue if draft and s.code == draft.get("service_code")), None)
        identity = self.identity
        if draft is None or service is None or identity is None:
            return
        backend = self._backend
        loading = self._draft_loading = object()
        self._go(Desk.WORKING)
        self._desk_tasks.run(lambda: drafts.load(backend, draft, service, identity.id_number,
                                                 wanted=lambda: self._draft_loading is loading),
                             lambda resumed: self._draft_loaded(resumed, identity, loading),
                             lambda exc: self._draft_failed(exc, loading))

    def can_stop_waiting(self: "ClerkDesk") -> bool:
        """The desk waits on something the clerk may give up: a saved application's pages coming (on a slow line a
        page of 4 MB takes half a minute: ``kiosk bench unanswered --failures slow-download``). A decision, a notice or
        a hand-over is never stopped halfway: it is recorded, or queued, within the backend's limits."""
        return self.busy and self._draft_loading is not None

    def stop_waiting(self: "ClerkDesk") -> None:
        """"Stop waiting": the saved application is not opened. The desk is the clerk's again at once; its pages stop
        coming within a piece of the one on its way (16 KiB), and what came is dropped. It stays saved: the clerk may
        try again, or choose the service to start afresh."""
        from kiosk.workflows.clerk import Desk

        if not self.can_stop_waiting():
            return
        self._draft_loading = None
        self._audit_step("draft_load_stopped")
        self._go(Desk.WAITING, Notice(text(
            "Stopped: the saved application was not opened, and it stays saved. Try again, or choose the service to "
            "start afresh."), error=False))

    def _draft_loaded(self: "ClerkDesk", resumed: drafts.Resumed, identity: Identity, loading: object) -> None:
        from kiosk.workflows.clerk import Desk

        if loading is not self._draft_loading:  # the clerk stopped waiting for it: nothing of it is kept
            _wipe(resumed)
            return
        self._draft_loading = None
        if identity is not self.identity:  # cannot happen while busy; nothing of theirs is kept if it did
            _wipe(resumed)
            self._go(Desk.WAITING if self.staff is not None else Desk.SIGNED_OUT)
            return
        company = resumed.company
        if company is not None and not company.may_apply:  # their role in the company is not what it was
            _wipe(resumed)
            self._go(Desk.WAITING, Notice(text(
                "{name} may no longer apply for {company}: the saved application cannot be continued in its name.",
                name=identity.masked_name, company=company.name(language()))))
            return
        self._start_service(resumed.service)
        assert self.checklist is not None
        if company is not None:
            self.for_company, self.company_code, self.company = True, company.credit_code, company
        drafts.restore(self.checklist, resumed)
        self._start_form(resumed.service, identity, self.company, saved=resumed.form)  # its form as saved (clerk_form)
        _wipe(resumed)
        for material in self.checklist.items:
            if material.provided in (Provided.PAGES, Provided.LICENCE):
                self.provided[material.code] = True
        self._kept_case = MatterCase(resumed.application(identity, self._terminal_id, company=self.company))
        self.resumed_draft_id = resumed.draft_id
        self._audit_step("draft_resumed", f"{resumed.service.code} {len(self.missing())} missing")
        changed = resumed.changed
        if changed:  # the hall changed the service's list since the draft was saved
            self._audit_step("materials_changed", changed.codes())
            self._go(Desk.CHECKING, Notice(text(
                "The saved application is back. The list of materials for this service has changed since it was "
                "saved: {change} Check and scan what is still missing.", change=changed.said())))
            return
        self._go(Desk.CHECKING, Notice(text(
            "The saved application is back with what was provided then. Check and scan what is still missing.",
        ), error=False))

    def _draft_failed(self: "ClerkDesk", exc: BaseException, loading: object) -> None:
        from kiosk.workflows.clerk import Desk

        if loading is not self._draft_loading:  # stopped by the clerk (Dropped), or ended before it: said then
            return
        self._draft_loading = None
        log.info("desk: saved application not continued (%s)", type(exc).__name__)
        self._go(Desk.WAITING if self.staff is not None else Desk.SIGNED_OUT, Notice(text(
            "The saved application could not be opened: {reason} Choose the service to start afresh.",
            reason=staff_message(exc))))

    def _draft_submitted(self: "ClerkDesk", outcome: Outcome) -> None:
        """The matter's case went (accepted or not accepted): the saved application it continued is done with, once
        the case reaches the backend (kept when the backend refuses it on arrival: ``Submitter.discard_draft``)."""
        draft_id, submitter = self.resumed_draft_id, self._submitter
        if not draft_id or self.identity is None:
            return
        applicant = self.identity.id_number  # whom the case was queued under: the deletion goes after it
        self.resumed_draft_id = ""
        self.drafts_found = [d for d in self.drafts_found if d.get("draft_id") != draft_id]
        after = outcome.provisional_number
        self._tasks.run(lambda: submitter.discard_draft(draft_id, applicant, after), lambda _r: None,
                        lambda exc: log.info("desk: draft not discarded (%s)", type(exc).__name__))

    def _draft_to_save(self: "ClerkDesk") -> drafts.ToSave | None:
        """For a notice: what to save for the next visit, listing as missing what the notice lists; the saved
        application the matter continues, or a new one (``_worth_saving``); None for nothing to save."""
        if self.checklist is None or self.identity is None or self.service is None:
            return None
        if not self.resumed_draft_id and not self._worth_saving():
            return None
        application = self._matter_case().application
        application.form = self._form_submission(only_right=True)  # what was typed and will do (kiosk/workflows/clerk_form.py)
        return drafts.to_save(application, self.checklist, self._scan_files(), [m.code for m in self.missing()])

    def _worth_saving(self: "ClerkDesk") -> bool:
        """A matter begun here: something provided to keep, and no saved application of this service and holder
        that a save would replace (the backend keeps one per person, holder and service), as far as is known."""
        assert self.checklist is not None and self.service is not None and self.identity is not None
        if not self.drafts_looked_up or not any(m.provided in (Provided.PAGES, Provided.LICENCE)
                                                for m in self.checklist.items):
            return False
        holder = self.company.credit_code if self.company is not None else self.identity.id_number
        return not any(d.get("service_code") == self.service.code and _holder_of(d) == holder
                       for d in self.drafts_found)

    def _leave_draft(self) -> None:
        """Another service chosen: the saved application is no longer the matter (it stays saved)."""
        self.resumed_draft_id = ""

    def _forget_drafts(self) -> None:
        self._init_drafts()


def _holder_of(draft: dict[str, Any]) -> str:
    """Whom a saved application is for, as the backend keys it: the company's credit code, or the person."""
    applicant = draft.get("applicant") or {}
    return str(applicant.get("credit_code") or applicant.get("id_number") or draft.get("id_number") or "")


def _wipe(resumed: drafts.Resumed) -> None:
    """A loaded draft's pages dropped from memory (they are the backend's still)."""
    resumed.pages.clear()


def save_again(backend: BackendClient, submitter: Submitter, draft: drafts.ToSave | None, declined: bool = False,
               dropped: str = "", applicant: str = "", began: float | None = None) -> drafts.KeptDraft | None:
    """On the task runner, after the notice is recorded: the application as it now stands saved, or queued while
    the backend is away or slow (``began``: the applicant's wait, as ``drafts.keep``); None when there was nothing
    to save, NOT_KEPT when it could not be kept (the draft saved before, if any, stays). ``declined``: the applicant
    keeps nothing; the saved application ``dropped`` (if any) is deleted through the outbox under ``applicant``."""
    if declined:
        if dropped:
            submitter.discard_draft(dropped, applicant)
        return drafts.KeptDraft(drafts.Kept.DECLINED)
    if draft is None:
        return None
    try:
        return drafts.keep(backend, submitter, draft, began)
    except Exception as exc:  # refused, or the terminal cannot store it either: the notice stands all the same
        log.warning("desk: saved application not kept (%s)", type(exc).__name__)
        return drafts.KeptDraft(drafts.Kept.NOT_KEPT)
