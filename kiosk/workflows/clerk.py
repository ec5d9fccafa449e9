"""The clerk's desk at the integrated window (一窗受理), as a state machine without Qt.

Sign in -> the applicant's card -> the service -> check the materials -> accept (the case is
submitted through the outbox, the acceptance decision recorded, a receipt printed) or issue the
one-time notice listing everything missing -> next applicant. Every step goes into the
keyed audit chain (kiosk/audit.py), with masked identifiers, and the trail is pushed to the backend.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import time
from typing import Any, Callable

from devices.doccam.base import DocumentCamera
from devices.docprinter.base import DocumentPrinter
from devices.receipt.base import ReceiptPrinter
from kiosk.audit import AuditTrail, push as push_audit
from kiosk.backend.client import BackendClient
from kiosk.catalogue import HeldCatalogue
from kiosk.held_devices import HeldDevices
from common.backend_errors import BackendError, OfflineError, RejectedError, ServerError
from common.domain import Application, Evaluation, EvaluationKey, Identity, MaterialRequirement, ServiceItem
from common.i18n import N_, language, text
from common.masking import Masker
from kiosk.materials import Provided
from kiosk.evaluation import Rating, RatingTaps, deliver, not_sent, thanks
from kiosk.notices import NoticeAttempt, attempt_for, record as record_notice
from kiosk.receipts import acceptance_receipt, one_time_notice
from kiosk.staff_sign_in import StaffSignIn
from kiosk.submission import Outcome, Submitter
from offline_queue.outbox import QueueFullError
from kiosk.tasks import TaskRunner, while_current
from kiosk.workflows import admit
from kiosk.window_documents import AcceptanceNotice, OneTimeNoticeA4
from kiosk.workflows.citizen import Notice
from kiosk.staff_words import staff_message
from kiosk.workflows.clerk_case import DeskCase, decide_in_time
from kiosk.workflows.clerk_company import DeskCompany
from kiosk.workflows.clerk_copy import DeskCopy
from kiosk.workflows.clerk_documents import DeskDocuments
from kiosk.drafts import Kept, KeptDraft
from kiosk.workflows.clerk_drafts import DeskDrafts, save_again
from kiosk.workflows.clerk_form import DeskForm
from kiosk.workflows.clerk_handover import DeskHandover
from kiosk.workflows.clerk_licences import DeskLicences
from kiosk.workflows.clerk_queue import DeskQueue
from kiosk.workflows.clerk_refusal import DeskRefusal
from kiosk.workflows.clerk_scan import DeskScan
from kiosk.workflows.clerk_applicant_screen import DeskApplicantScreen
from kiosk.workflows.clerk_signature import DeskSignature

log = logging.getLogger(__name__)
# said at the sign-in after kiosk supervise started the window again (a crash, a freeze): a clerk halfway through a
# matter finds the sign-in screen and would not know what became of it
RESTARTED = N_("This terminal has just restarted, and the matter in hand was not kept. After signing in, read the "
               "applicant's card again. A decision the window confirmed before stands; its document can be printed "
               "again by the case number.")


def _audit_kept(exc: BaseException) -> None:
    """A push that failed: the entries stay unsent. Away or busy is ordinary; a refusal (the backend
    would not take the chain, already logged by ``push``) or anything else needs staff."""
    if isinstance(exc, (OfflineError, ServerError)):
        log.info("audit: kept for later (%s)", type(exc).__name__)
    else:
        log.warning("audit: not sent (%s: %s)", type(exc).__name__, getattr(exc, "detail", "") or exc)


def record_and_push(audit: AuditTrail, backend: BackendClient, tasks: TaskRunner, actor: str, action: str,
                    detail: str = "") -> None:
    """One step into the audit trail, then the trail pushed to the backend on the task pool (the window's
    steps and maintenance's actions)."""
    audit.record(actor, action, detail)
    if audit.has_unsent():
        tasks.run(lambda: push_audit(audit, backend), lambda _n: None, _audit_kept)


class Desk(enum.Enum):
    SIGNED_OUT = "signed_out"
    WAITING = "waiting"          # for the applicant's card
    CHECKING = "checking"        # service chosen, materials being checked
    WORKING = "working"
    DONE = "done"


class ClerkDesk(DeskRefusal, DeskCase, DeskHandover, DeskDocuments, DeskCopy, DeskSignature, DeskApplicantScreen,
                DeskQueue, DeskScan, DeskLicences, DeskCompany, DeskDrafts, DeskForm, RatingTaps):
    def __init__(self, *, backend: BackendClient, submitter: Submitter, printer: ReceiptPrinter, tasks: TaskRunner,
                 audit: AuditTrail, terminal_id: str, masker: Masker, staff_sign_in: StaffSignIn,
                 document_printer: DocumentPrinter | None = None, hall: str = "", signs_at_window: bool = False,
                 window_number: int = 0, document_camera: DocumentCamera | None = None,
                 consent_on_screen: bool = False,
                 queue_categories: tuple[str, ...] = (), hall_id: str = "",
                 held_catalogue: HeldCatalogue | None = None, device_tasks: TaskRunner | None = None,
                 print_tasks: TaskRunner | None = None, desk_tasks: TaskRunner | None = None,
                 registered_window: Callable[[], bool | None] = lambda: None,
                 held_devices: HeldDevices | None = None) -> None:
        self._backend, self._submitter, self._printer = backend, submitter, printer
        # whether the hall registered this terminal as a window, as the backend last said (kiosk/heartbeat.py)
        self._registered_window = registered_window
        self._device_tasks = device_tasks or tasks  # the camera's captures (kiosk/app.py Services.device_tasks)
        self._print_tasks = print_tasks or tasks  # the papers' print jobs (kiosk/app.py Services.print_tasks)
        # what the clerk waits on with the desk busy (a decision, a notice, a hand-over, a copy, a draft continued):
        # never queued behind the pool's look-ups (kiosk/app.py Services.desk_tasks)
        self._desk_tasks = desk_tasks or tasks
        self._held_catalogue = held_catalogue or HeldCatalogue()  # the backend away: its last list (kiosk/catalogue.py)
        self._tasks, self._audit, self._terminal_id, self._masker = tasks, audit, terminal_id, masker
        self._staff_sign_in = staff_sign_in  # online, or offline by the cached verifier (shared with maintenance)
        self._observers: list[Callable[["ClerkDesk"], None]] = []
        self.step = Desk.SIGNED_OUT
        self.staff: dict[str, Any] | None = None
        self.catalogue: list[ServiceItem] = []
        self.identity: Identity | None = None
        self.service: ServiceItem | None = None
        self.provided: dict[str, bool] = {}
        self.result: str = ""
        self.draft_kept: KeptDraft | None = None  # what a notice kept of the applicant's for their next visit
        self._notice_attempt: NoticeAttempt | None = None  # recorded once under its key, however often printed
        self.notice: Notice | None = None
        self.rating = Rating("window")  # the applicant's 好差评 on the customer-facing side (kiosk.evaluation)
        self._rating_applicant = ""  # whom a case rated offline is queued under
        self.busy = False
        self._after_restart = False  # the next sign-in is audited as the first after a restart
        self.signs_at_window = signs_at_window  # the applicant signs on the customer screen (clerk_signature.py)
        self._init_documents(document_printer, hall, hall_id)  # the A4 documents (kiosk/workflows/clerk_documents.py)
        self._init_handover()  # licences ready for collection (kiosk/workflows/clerk_handover.py)
        self._init_queue(window_number, queue_categories)  # queue tickets called to this window (kiosk/workflows/clerk_queue.py)
        self._init_scans(document_camera, held_devices)  # paper materials scanned (kiosk/workflows/clerk_scan.py)
        self._init_licences(consent_on_screen)  # electronic licences for materials (kiosk/workflows/clerk_licences.py)
        self._init_company()  # a matter for a company (kiosk/workflows/clerk_company.py)
        self._init_drafts()  # the applicant's saved applications, continued here (kiosk/workflows/clerk_drafts.py)
        self._init_form()  # the service's application form, typed by the clerk (kiosk/workflows/clerk_form.py)

    # -- plumbing -------------------------------------------------------------------------

    def subscribe(self, observer: Callable[["ClerkDesk"], None]) -> None:
        self._observers.append(observer)

    def _go(self, step: Desk, notice: Notice | None = None) -> None:
        """Every step goes through here; the desk is busy exactly while it works (accepting, printing a notice)."""
        self.step, self.notice, self.busy = step, notice, step is Desk.WORKING
        self._changed()

    def _changed(self) -> None:
        for observer in list(self._observers):
            observer(self)

    @property
    def actor(self) -> str:
        return self.staff["staff_id"] if self.staff else "-"

    def _audit_step(self, action: str, detail: str = "") -> None:
        record_and_push(self._audit, self._backend, self._tasks, self.actor, action, self._masker.mask(detail))

    # -- sign-in ------------------------------------------------------------------------------

    def sign_in(self, staff_id: str, password: str) -> None:
        self.busy, self.notice = True, None
        self._changed()

        def work() -> tuple[dict[str, Any], list[ServiceItem]]:
            session = self._staff_sign_in.sign_in(staff_id, password, role="clerk")
            try:
                catalogue = self._held_catalogue.fetch(self._backend).items
            except BackendError:
                catalogue = []
            return session, catalogue

        self._tasks.run(work, self._signed_in, self._sign_in_failed)

    def _signed_in(self, result: tuple[dict[str, Any], list[ServiceItem]]) -> None:
        session, catalogue = result
        self.staff = session
        self.catalogue = catalogue or self.catalogue
        detail = ["offline"] if session.get("offline") else []
        if self._after_restart:  # the trail says why the matter before has no end
            detail.append("after a restart")
            self._after_restart = False
        self._audit_step("sign_in", ", ".join(detail))
        self._go(Desk.WAITING, self._not_registered())

    def tell_restarted(self) -> None:
        """``kiosk supervise`` has just started the terminal again after a crash or a freeze: the sign-in screen says
        what became of the matter in hand, and the next sign-in is audited as after a restart."""
        self._after_restart = True
        if self.step is Desk.SIGNED_OUT and not self.busy:
            self._go(Desk.SIGNED_OUT, Notice(text(RESTARTED), error=False, check=True))  # to look at, not done

    def _not_registered(self) -> Notice | None:
        """Said at sign-in when the backend's register does not list this terminal as a window: every acceptance
        with paper checked at the counter would be refused (403 ``not_a_window``), those made offline later."""
        if self._registered_window() is not False:
            return None
        return Notice(text("This terminal is not registered with the service system as a window, so an acceptance "
                           "with paper checked at the counter will be refused. Ask the hall's administrator to "
                           "register terminal {terminal}.", terminal=self._terminal_id))

    def _sign_in_failed(self, exc: BaseException) -> None:
        self._go(Desk.SIGNED_OUT, Notice(staff_message(exc)))

    def sign_out(self) -> None:
        self._sign_out("sign_out")

    @property
    def signed_in(self) -> bool:
        return self.step is not Desk.SIGNED_OUT

    def sign_out_idle(self) -> bool:
        """The window was left without a touch, key or card for its idle time and its warning (ui/staff_idle.py):
        signed out as by the button, audited ``signed_out_idle``. Not while the desk works on a decision: False,
        and the window waits for it."""
        return self._sign_out("signed_out_idle")

    def _sign_out(self, action: str) -> bool:
        if self.busy or self.staff is None:  # the matter in hand finishes first (kiosk bench window-monkey, seed 1)
            return False
        self.next_applicant()  # nothing of the applicant remains
        self._audit_step(action)
        self._forget_queue()
        self.staff = None
        self._go(Desk.SIGNED_OUT)
        return True

    # -- the applicant ---------------------------------------------------------------------------

    def card_read(self, identity: Identity) -> None:
        if self.step not in (Desk.WAITING, Desk.DONE) or self.staff is None or self.busy:
            identity.wipe()
            return
        if self._holder_card(identity):  # the agent's line open: the holder's card (kiosk/workflows/clerk_agent.py)
            return
        self._clear_applicant()
        refused = admit(identity, self._masker)
        if refused is not None:
            self._go(Desk.WAITING, Notice(refused))
            return
        self.identity = identity
        self._audit_step("card_read", identity.masked_id)
        self._go(Desk.WAITING, self._left_unprinted())  # a hand-over receipt the last matter left (clerk_handover)
        self._look_up_licences()
        self._look_up_drafts()
        self._catalogue_again()

    def _catalogue_again(self) -> None:
        """The catalogue asked again for each applicant, on the task runner: a clerk signed in all day otherwise
        chose from the morning's, and every matter of a service the hall changed since met it only at Accept
        (followed then: clerk_form.py). Not answered, the one held stays."""
        backend, held, identity = self._backend, self._held_catalogue, self.identity

        def fetched(found: list[ServiceItem]) -> None:
            if found and self.staff is not None:
                self.catalogue = found
                self._changed()

        # asked for this applicant: another card read before a worker took it up, that one's own asking will do
        self._tasks.run(while_current(lambda: self.identity is identity, lambda: held.fetch(backend).items), fetched,
                        lambda exc: log.info("desk: the catalogue not asked again (%s)", type(exc).__name__))

    def choose_service(self, code: str) -> None:
        if self.identity is None or self.step not in (Desk.WAITING, Desk.CHECKING) or self.busy:
            return
        service = next((s for s in self.catalogue if s.code == code), None)
        if service is None:
            return
        self._start_service(service)
        self._go(Desk.CHECKING)

    def _start_service(self, service: ServiceItem) -> None:
        """``service`` in hand, nothing of it provided yet (chosen, or a saved application's: clerk_drafts.py)."""
        self.service = service
        self.provided = {m.code: False for m in service.materials}
        self._forget_signature()  # signed for another service
        self._start_scans()  # its materials, none scanned yet
        self._forget_licences()  # a consent is for one service (kiosk/workflows/clerk_licences.py)
        self._start_company()  # for a company: chosen for this service (kiosk/workflows/clerk_company.py)
        self._leave_draft()  # a saved application continued is for its own service (kiosk/workflows/clerk_drafts.py)
        self._start_form(service, self.identity)  # the card's values in it (kiosk/workflows/clerk_form.py)
        self._audit_step("service_chosen", service.code)

    def mark(self, material_code: str, provided: bool) -> None:
        if self._keeps_scan(material_code, provided):  # a scanned material: its tick stays while it has pages
            return
        if self.step is Desk.CHECKING and material_code in self.provided:
            self._drops_licence(material_code, provided)  # unticked: a licence no longer stands for it
            self.provided[material_code] = provided
            self._audit_step("material_checked", f"{material_code}={'provided' if provided else 'missing'}")
            self._go(Desk.CHECKING)

    def missing(self) -> list[MaterialRequirement]:
        if self.service is None:
            return []
        return [m for m in self.service.materials if m.required and not self.provided.get(m.code)]

    def counter_checked(self) -> list[str]:
        """The materials ticked whose paper the clerk checked at the counter and keeps: neither scanned nor a licence
        (the case's ``counter_checked``: the backend then knows every required one came; the list says "paper
        checked")."""
        carried = {m.code for m in (self.checklist.items if self.checklist is not None else ())
                   if (m.provided is Provided.PAGES and m.pages) or m.provided is Provided.LICENCE}  # as the case
        return [m.code for m in (self.service.materials if self.service is not None else ())
                if self.provided.get(m.code) and m.code not in carried]

    # -- decisions ---------------------------------------------------------------------------------

    def accept(self) -> None:
        if self.step is not Desk.CHECKING or self.missing() or self.identity is None or self.service is None:
            return
        if self.applicant_problem() is not None:  # a company's matter without its company (clerk_company.py)
            self._go(Desk.CHECKING, Notice(self.applicant_problem()))
            return
        form_problem = self.form_problem()  # the backend refuses a case whose form is not complete (clerk_form.py)
        if form_problem is not None:
            self._go(Desk.CHECKING, Notice(form_problem))
            return
        if self.awaiting_signature():
            self._ask_signature()  # on the customer screen; accepted when signed (kiosk/workflows/clerk_signature.py)
            return
        case = self._matter_case()  # tried again after a failure: the same case (kiosk/workflows/clerk_case.py)
        application, files = case.application, self._scan_files() + self._signature_files()
        application.form = self._form_submission()  # as typed now: a first try refused for it sent nothing
        application.refusing = False  # a refusal tried and failed before sending (else: the decision asked stands)
        self._licence_refs(application)  # licences standing for materials, as the kiosk's (clerk_licences.py)
        application.counter_checked = self.counter_checked()
        token = (self.staff or {}).get("token", "")
        received = [m.code for m in self.service.materials if self.provided.get(m.code)]  # for the notice's copy
        self._go(Desk.WORKING)

        def work() -> Outcome:
            began = time.monotonic()
            outcome = self._submitter.submit(application, files)
            if token:
                case.ask("accepted")
                self._record_acceptance(outcome, application, token, received, began)
            return outcome

        self._desk_tasks.run(work, lambda outcome: self._accepted(outcome, application), self._failed)

    def _record_acceptance(self, outcome: Outcome, application: Application, token: str, received: list[str],
                           began: float) -> None:
        """The acceptance recorded in the clerk's name (on the worker): sent now, within what is left of the wait
        since ``began`` (``decide_in_time``), or queued behind the case when the backend is away or slow (at the case
        or just after it), as a refusal is (kiosk/workflows/clerk_refusal.py). Never raises: the case stands accepted
        and its papers print whatever becomes of the record."""
        decided_at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        if not outcome.provisional:
            try:
                decide_in_time(self._backend, self._submitter, began, outcome.number, token, "accepted",
                               received=received)
                return
            except RejectedError as exc:
                if exc.code != "already_decided":  # else: this desk's acceptance, its answer or receipt lost
                    log.warning("desk: acceptance decision not recorded (%s)", exc.code)
                return
            except (OfflineError, ServerError) as exc:
                log.info("desk: the backend took %s, then went away (%s): its acceptance is queued", outcome.number,
                         type(exc).__name__)
            except BackendError as exc:
                log.warning("desk: acceptance decision not recorded (%s)", type(exc).__name__)
                return
        if not outcome.provisional_number:  # sent straight (the queue could not take it): nothing to queue behind
            log.warning("desk: acceptance of %s not recorded: no provisional number to queue it behind", outcome.number)
            return
        try:
            self._submitter.queue_decision(outcome.provisional_number, application.applicant.id_number, token,
                                           "accepted", received=received, decided_at=decided_at)
        except QueueFullError as exc:
            log.warning("desk: acceptance of %s not recorded: %s", outcome.number, exc.detail)

    def _accepted(self, outcome: Outcome, application: Application) -> None:
        """The case stands accepted, whatever its papers come to (kiosk/workflows/clerk_documents.py)."""
        self.result = outcome.number
        self._case_went()  # tries refused before it: their dead letters deleted (clerk_case.py)
        self._offer_rating(EvaluationKey.case(outcome.number))
        self._audit_step("accepted", outcome.number)
        self._draft_submitted(outcome)  # a saved application continued here: done with (kiosk/workflows/clerk_drafts.py)
        received = tuple(m for m in self.service.materials if self.provided.get(m.code)) if self.service else ()
        a4 = AcceptanceNotice(self._matter(), outcome.number, outcome.provisional, received)
        slip = acceptance_receipt(outcome, application, (self.staff or {}).get("name", ""), language())
        self._print_papers(Notice(text("Accepted as {number}.", number=outcome.number), error=False), a4, slip)

    def issue_notice(self) -> None:
        missing = self.missing()
        if self.step is not Desk.CHECKING or not missing or self.identity is None or self.service is None:
            return
        service, identity, company = self.service, self.identity, self.company
        attempt = self._notice_attempt = attempt_for(self._notice_attempt, service, missing)  # again: recorded once
        token = (self.staff or {}).get("token", "")
        declined = self.would_keep_draft() and not self.keep_draft  # the applicant's choice (clerk_drafts.py)
        to_save, dropped = self._draft_for_notice()  # what was provided, kept for the next visit, or nothing
        self._go(Desk.WORKING)

        def work() -> tuple[str, KeptDraft | None]:
            began = time.monotonic()  # the applicant's wait: the draft has what the notice leaves of it
            number = record_notice(self._backend, service, identity.id_number, missing, attempt, company, token)
            return number or "-", save_again(self._backend, self._submitter, to_save, declined, dropped,
                                             identity.id_number, began)

        self._desk_tasks.run(work, lambda done: self._notice_issued(*done), self._failed)

    def _notice_issued(self, number: str, kept: KeptDraft | None) -> None:
        """The notice stands issued, whatever its papers come to (kiosk/workflows/clerk_documents.py)."""
        assert self.service is not None and self.identity is not None
        self.result, self.draft_kept = number, kept  # the customer screen tells the applicant what is kept
        if kept is not None:
            step = {Kept.SAVED: "draft_saved", Kept.QUEUED: "draft_queued", Kept.DECLINED: "draft_declined",
                    Kept.NOT_KEPT: "draft_not_kept"}[kept.how]
            if kept.how is Kept.DECLINED:
                self._draft_declined()
            self._audit_step(step, f"{self.service.code} {len(self.missing())} missing")
        if number != "-":
            self._offer_rating(EvaluationKey.notice(number))
        self._audit_step("notice_issued", number)
        recorded, missing = "" if number == "-" else number, self.missing()
        until, nothing = (kept.until, kept.how.nothing) if kept is not None else (None, False)
        a4 = OneTimeNoticeA4(self._matter(), recorded, tuple(missing), until, nothing)
        slip = one_time_notice(recorded, self.service, self.identity.masked_name, missing, self._terminal_id,
                               language(), self.company, kept_until=until, kept_nothing=nothing)
        kept_said = {Kept.DECLINED: text("Nothing the applicant provided is kept, as they chose."),
                     Kept.NOT_KEPT: text("What the applicant provided could not be kept: they bring it again with "
                                         "what the notice lists."),
                     Kept.SAVED: text("What the applicant provided is saved for their next visit."),
                     Kept.QUEUED: text("What the applicant provided is kept on this terminal and saved for their "
                                       "next visit as soon as the service system answers.")}.get(kept.how) if kept else None
        if kept is not None and kept.until is not None:
            kept_said = text("What the applicant provided is saved for their next visit, until {date}.",
                             date=kept.until.isoformat())
        if number == "-":  # not confirmed by the backend: printed marked provisional, as the clerk must know
            issued = text("The one-time notice has no number and is marked provisional: the service system did not "
                          "confirm it. The list on it is complete.")
            self._print_papers(Notice(text("{issued} {kept}", issued=issued, kept=kept_said) if kept_said else issued),
                               a4, slip)
            return
        issued = text("One-time notice {number} issued: it lists everything still missing.", number=number)
        if kept_said:
            issued = text("{issued} {kept}", issued=issued, kept=kept_said)
        self._print_papers(Notice(issued, error=False), a4, slip)

    # -- the applicant's evaluation (好差评), on the customer-facing side ---------------------------------

    def _offer_rating(self, key: EvaluationKey) -> None:
        self.rating.offer(key)
        self._rating_applicant = self.identity.id_number if self.identity is not None else ""

    def _rating(self) -> Rating:
        return self.rating

    def _rating_open(self) -> bool:
        return self.step is Desk.DONE and not self.busy

    def _send_rating(self, evaluation: Evaluation) -> None:
        applicant = self._rating_applicant
        self.busy = True
        self._changed()
        self._audit_step("evaluated", f"{evaluation.key.value} level {evaluation.level}")
        self._tasks.run(lambda: deliver(evaluation, self._backend, self._submitter, applicant),
                        lambda recorded: self._go(Desk.DONE, Notice(thanks(recorded), error=False)),
                        lambda exc: self._go(Desk.DONE, Notice(not_sent(self.rating, staff_message(exc)))))

    def _failed(self, exc: BaseException) -> None:
        self._audit_step("failed", type(exc).__name__)
        self._case_refused(exc)  # its dead letter deleted once the matter is put right (clerk_case.py)
        if self._form_added(exc) or self._materials_refused(exc):  # the catalogue changed: the service again first
            return
        if self._form_refused(exc):  # fields of the form the backend would not take: marked (clerk_form.py)
            self._go(Desk.CHECKING, Notice(text("The service system did not accept some answers on the application "
                                                "form: check the fields marked in red with the applicant.")))
            return
        self._licence_refused(exc)  # a licence the backend would not take: its material unticked (clerk_licences.py)
        self._company_refused(exc)  # the applicant's role in the company changed: looked up again (clerk_company.py)
        self._go(Desk.CHECKING, Notice(staff_message(exc)))

    def next_applicant(self) -> None:
        """The matter in hand ends. Not while the desk works on it: an acceptance or a notice finishing after the
        applicant went (or the clerk signed out) came back as the next one's, or to a desk nobody was signed in
        at (kiosk bench window-monkey, seed 1)."""
        if self.busy:
            return
        if self.identity is not None:
            self._audit_step("applicant_done")
        self._finish_called_ticket()  # the ticket called for the matter: served (kiosk/workflows/clerk_queue.py)
        self._clear_applicant()
        if self.staff is not None:
            self._go(Desk.WAITING, self._left_unprinted())

    def _clear_applicant(self) -> None:
        self._forget_documents()  # first: papers never printed are audited by the matter's result
        if self.identity is not None:
            self.identity.wipe()
        self.identity = self.service = None
        self._tasks.drop_gone()  # the look-ups queued for the applicant let go now, not when a worker is free
        self.provided, self.result, self.draft_kept = {}, "", None
        self._notice_attempt = None
        self.rating.reset()
        self._rating_applicant = ""
        self._masker.forget_names()
        self._forget_case()
        self._forget_handover()
        self._forget_signature()
        self._forget_scans()
        self._forget_licences()
        self._forget_company()
        self._forget_drafts()
        self._forget_form()
