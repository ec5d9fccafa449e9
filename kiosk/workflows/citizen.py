"""A citizen's session at the kiosk, as a state machine without Qt.

Home -> consent -> place ID card -> identity shown masked -> choose a service -> its guide
-> who applies (myself, a company, another person; as the service allows) -> the company or the
principal -> the form -> confirm -> submit -> receipt printed -> done -> home. The session never blocks: network
and printer calls go to the :class:`~kiosk.tasks.TaskRunner`, and their results
come back as method calls on the owning thread. A result that arrives after
the session was cancelled or timed out is dropped (the generation changed).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import enum
import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from devices.docprinter.base import DocumentPrinter
from devices.doccam.base import CapturedPage, CaptureError, DocumentCamera
from devices.errors import DeviceError
from devices.health import DeviceState
from devices.receipt.base import PrintResult, ReceiptPrinter
from kiosk.backend.client import BackendClient
from kiosk.backend.declarations import refused_attachment
from kiosk.catalogue import HeldCatalogue
from common.backend_errors import (BackendError, CompanyNotFoundError, OfflineError, RejectedError, ServerError,
                                   outcome_unknown)
from common.domain import (Application, ApplyAs, Attachment, CardType, CaseRefusal, Company, Consent,
                           ConsentWithdrawal, Evaluation, EvaluationKey, Identity, PaymentOrder, PaymentStatus, Receipt,
                           ServiceItem, WithdrawalRecorded)
from common.i18n import N_, Text, language, text
from common.masking import Masker
from kiosk import companies, drafts, forms, progress
from kiosk.materials import (LICENCE_REFUSALS, MATERIALS_REFUSALS, Changed, Checklist, Provided, SIGNATURE_NAME,
                             licence_materials, offered_licences, page_taken, still_offered)
from kiosk.notices import Issued, NoticeAttempt, attempt_for, print_notice, record as record_notice
from kiosk.evaluation import Rating, RatingTaps, deliver, not_sent, thanks
from kiosk.payloads import PayloadKind, classify, credit_code_in
from kiosk.receipts import citizen_receipt
from kiosk.submission import Outcome, Submitter
from kiosk.search import CategoryCount, ServiceIndex, categories
from kiosk.tasks import Dropped, InTurn, TaskRunner, while_current
from kiosk.workflows import admit
from kiosk.workflows.citizen_ticket import SessionTicket

log = logging.getLogger(__name__)


STATUS_LABELS = {
    "submitted": N_("Submitted"), "accepted": N_("Accepted"), "in_review": N_("Under review"),
    "approved": N_("Approved"), "ready": N_("Ready to collect or print"), "collected": N_("Collected"),
    "incomplete": N_("Materials incomplete"), "not_accepted": N_("Not accepted"),
}


def identity_from_person(person: dict[str, Any]) -> Identity:
    """The applicant the backend resolved from the government app's identity code."""
    try:
        birth = dt.date.fromisoformat(person.get("birth_date", ""))
    except ValueError:
        birth = None
    return Identity(id_number=person["id_number"], name=person["name"], card_type=CardType.APP_TOKEN,
                    gender=person.get("gender", ""), nation=person.get("nation", ""), birth_date=birth,
                    address=person.get("address", ""))


# The catalogue's category keys as the citizen reads them; an unknown key is shown as it comes.
CATEGORY_LABELS = {
    "market": N_("Business and market"), "public_security": N_("Public security"),
    "social_security": N_("Social security"), "housing": N_("Housing"),
    "natural_resources": N_("Land and natural resources"), "health": N_("Health"),
    "transport": N_("Transport"), "civil_affairs": N_("Civil affairs"), "tax": N_("Tax"),
    "": N_("Other services"),
}

# The consent screen's text has a version; the backend records which one the citizen agreed to.
IDENTITY_CONSENT_VERSION = "identity-2026.12"
LICENCE_CONSENT_VERSION = "licences-2026.12"
# how the citizen was identified, for a consent; every other card on the ID reader: "id_card"
_CONSENT_METHOD = {CardType.APP_TOKEN: "app_token", CardType.SOCIAL_SECURITY: "social_security_card"}


def consent_method(card_type: CardType) -> str:
    """How a card identified the citizen, as a consent records it (the kiosk's and the window's)."""
    return _CONSENT_METHOD.get(card_type, "id_card")
# The backend's refusals of one file of a case (docs/api/payloads.md, 'Materials and attachments').
_FILE_REFUSALS = {"attachment_missing", "bad_attachment", "attachment_digest_mismatch"}
# Materials that are an identity document: the camera can copy them as an ID card (both sides, one page).
_IDENTITY_TYPES = {"resident_id"}



def case_key(case: dict[str, Any]) -> str:
    """How one of the citizen's cases is told from the others: its case number, or for a case refused on arrival
    (it never had one) its provisional number."""
    return str(case.get("case_number") or case.get("provisional_number") or "")


def _kept_said(kept: drafts.KeptDraft) -> Text:
    """What the citizen is told of their application after a one-time notice."""
    if kept.how is drafts.Kept.NOT_KEPT:
        return text("Your application could not be saved now: next time, please bring what you provided today again, "
                    "with everything on the list.")
    if kept.how is drafts.Kept.DECLINED:
        return text("As you chose, nothing of your application is kept: next time, please apply again and bring what "
                    "you provided today, with everything on the list.")
    if kept.how is drafts.Kept.QUEUED:
        return text("What you provided today is kept on this terminal and saved as soon as the service system "
                    "answers: next time, identify yourself and continue. If it is not found then, please bring "
                    "everything on the list.")
    if kept.until is not None:
        return text("What you provided today is saved until {date}: before then, identify yourself at any terminal "
                    "of this hall and continue.", date=kept.until.isoformat())
    return text("What you provided today is saved: next time, identify yourself at any terminal of this hall and "
                "continue.")


class Step(enum.Enum):
    HOME = "home"
    CONSENT = "consent"          # what is read, why, how long it is kept: agree or decline
    READ_CARD = "read_card"
    IDENTIFIED = "identified"
    CHOOSE_SERVICE = "choose_service"
    GUIDE = "guide"              # the service's guide: conditions, legal basis, fee, days, materials
    WHO = "who"                  # who applies: myself, a company, another person
    COMPANY = "company"          # the company's credit code, looked up on the backend
    PRINCIPAL = "principal"      # the person an agent acts for
    FORM = "form"
    LICENCE_CONSENT = "licence_consent"  # fetch electronic licences for this service? (PIPL, scope "licences")
    MATERIALS = "materials"      # each material: an electronic licence, pages scanned, not brought
    CAPTURE = "capture"          # one material's pages on the document camera
    SIGNATURE = "signature"
    INCOMPLETE = "incomplete"    # a required material is missing: the one-time notice and a saved draft
    CONFIRM = "confirm"
    SUBMITTING = "submitting"
    PAYMENT = "payment"          # the fee: the order's QR code, followed until paid, expired or cancelled
    LICENCES = "licences"        # ready licences to print (the "print my licence" errand)
    LICENCE_PREVIEW = "licence_preview"  # the licence as it will print, before it is printed
    MY_CASES = "my_cases"        # every case of the identified citizen
    PROGRESS = "progress"        # a case's progress, from a scanned receipt code or the citizen's cases
    PRINTING = "printing"
    DONE = "done"
    FAILED = "failed"
    WITHDRAW = "withdraw"        # after identification: withdraw consent? what happens, then confirm
    WITHDRAWN = "withdrawn"      # withdrawn (the session's data already wiped): what remains and why


@dataclass
class LicencePreview:
    """A ready licence's document, fetched with its print ticket to be shown before printing."""

    licence_id: str
    ticket_id: str
    pdf: bytearray = field(repr=False)


@dataclass(frozen=True)
class Notice:
    """A plain-language message for the screen, with whether it is an error, or (``check``) a thing the terminal
    could not tell that the person should look at: a printer that says nothing of itself may not have printed."""

    message: Text
    error: bool = True
    check: bool = False


# What a failure of no kind we know says: the person is told plainly, but it is a fault of ours (the monkeys fail on it)
UNEXPECTED = text("Something went wrong. Please try again or ask the hall staff.")


def user_message(exc: BaseException) -> Text:
    """The plain-language message for any failure; a traceback never reaches a citizen."""
    if isinstance(exc, RejectedError):
        return exc.server_text()
    if isinstance(exc, (BackendError, DeviceError)) or isinstance(getattr(exc, "message", None), Text):
        return exc.message
    return UNEXPECTED


class CitizenSession(SessionTicket, RatingTaps):
    def __init__(self, *, backend: BackendClient, submitter: Submitter, printer: ReceiptPrinter, tasks: TaskRunner,
                 terminal_id: str, masker: Masker, document_printer: DocumentPrinter | None = None,
                 document_camera: DocumentCamera | None = None, held_catalogue: HeldCatalogue | None = None,
                 device_tasks: TaskRunner | None = None, print_tasks: TaskRunner | None = None,
                 desk_tasks: TaskRunner | None = None) -> None:
        self._backend = backend
        self._device_tasks = device_tasks or tasks  # the camera's captures, never behind backend calls
        self._print_tasks = print_tasks or tasks  # the receipt's print jobs, never holding a backend call's worker
        # what the citizen waits on to leave with a paper (the submission, the notice and its draft, the fee's
        # order, a queue ticket, the rating), one at a time on a worker of its own, never queued behind the
        # pool's look-ups, each waiting out a trickling backend's deadline (kiosk/app.py Services.desk_tasks)
        self._desk_tasks = desk_tasks or tasks
        self._held_catalogue = held_catalogue or HeldCatalogue()  # the terminal's, shared by its sessions
        self.document_camera = document_camera
        self._submitter = submitter
        self._document_printer = document_printer
        self.purpose = "apply"   # or "licence": print a licence that is ready
        self.evaluation = Rating("kiosk")  # 好差评 of the matter that ended (kiosk.evaluation)
        self.progress: dict[str, Any] | None = None
        self.licences: list[dict[str, Any]] = []
        self.my_cases: list[dict[str, Any]] = []  # after identification: every case of the citizen
        self._printer = printer
        self._tasks = tasks
        self._terminal_id = terminal_id
        self._masker = masker
        self._observers: list[Callable[["CitizenSession"], None]] = []
        self._generation = 0
        self.step = Step.HOME
        self.identity: Identity | None = None
        self.catalogue: list[ServiceItem] = []
        # Finding a service: what the citizen typed and the category tapped (None: all), and the
        # catalogue's search index, kept between sessions while the catalogue stays the same.
        self.service_query = ""
        self.service_category: str | None = None
        self._service_index: ServiceIndex | None = None
        self.service: ServiceItem | None = None
        self.application: Application | None = None
        # Consent (PIPL): taken before a card is read into the session. A card placed or an app code
        # scanned on the home screen waits here, unread by the session, until the citizen agrees.
        self.consents: list[Consent] = []
        self._pending_card: Identity | None = None
        self._pending_token: str | None = None
        # Who applies, and the answers that go with it; the form's values as typed.
        self.apply_as: ApplyAs | None = None
        self.company_code = ""
        self.company: Company | None = None
        self.principal: Identity | None = None
        self.form_values: dict[str, str] = {}
        self.form_checked = False  # Continue was pressed once: every field shows its message
        self.form_refused: dict[str, str] = {}  # values the backend refused at submission (kiosk.forms.refused_values)
        self._trail: list[Step] = []  # the steps behind the current one, for Back
        # Materials: what the applicant provides for each, the electronic licences offered, the page
        # being scanned, the signature; the one-time notice's number when something is missing.
        self.checklist: Checklist | None = None
        self.offered_licences: dict[str, dict[str, Any]] = {}  # material code -> the licence that can stand in
        self.licence_consent: str = ""  # "", "agreed", "declined", "unavailable"
        self.capture_code: str | None = None
        self.card_front: Any = None  # an ID card's front, until its back is copied too
        # "Finished" tapped while a picture was being taken: carried out when it is
        self._leave_capture = False
        self.signature: bytes | None = None
        self.notice_number = ""
        self.ticket_number = ""  # the queue number taken after the one-time notice (citizen_ticket.py): once
        self._notice_attempt: NoticeAttempt | None = None  # recorded once under its key, however often printed
        self.payment: PaymentOrder | None = None  # the fee order of the case just submitted, or of the case shown
        self._paying_shown_case = False  # the fee paid from the citizen's applications (pay_fee), not after a submit
        self.licence_printed = ""  # the licence printed in this session (for its evaluation)
        self.licence_preview: LicencePreview | None = None
        self._print_keys: dict[str, str] = {}  # licence id -> the Idempotency-Key of its print attempt here
        self._tickets_unheard: set[str] = set()  # licences whose ticket ask went unanswered (a ticket may be open)
        self._polling = False
        self.drafts_found: list[dict[str, Any]] = []  # saved applications offered after identification
        self.resumed_draft_id: str | None = None
        self.receipt: Receipt | None = None
        self.notice: Notice | None = None
        self.busy = False
        self.reader_down = False  # the ID reader is offline or in error (its health): the card screen says so
        self.printer_down = False  # the A4 printer is offline or in error: "Print my licence" is not offered
        # Consent withdrawn (PIPL art. 15): the withdrawal being sent (one key however often it is tried),
        # then the backend's answer, shown after the session's data is wiped.
        self._withdrawal: ConsentWithdrawal | None = None
        self.withdrawn: WithdrawalRecorded | None = None
        self.withdrawal_queued = False  # offline: kept on the terminal, sent by the queue when the backend answers
        self.withdrawal_waits_behind = False  # queued behind something of theirs still to be sent, not offline
        self.correcting_principal = False  # the register refused the principal at submission: typed again
        self.correcting_form = False  # the backend refused the form at submission: its fields put right
        self._materials_said: Notice | None = None  # the materials' list changed: said when the citizen reaches it
        self.correcting_company = False  # the company's register refused the citizen's role at submission
        self._refused_items: list[str] = []  # dead letters this session's refused submissions left (discard_refused)

    @property
    def generation(self) -> int:
        """Changes when a session ends: a screen keeping typed text clears it for the next citizen."""
        return self._generation

    @property
    def at_home(self) -> bool:
        """No citizen in front of the terminal."""
        return self.step is Step.HOME

    # -- observation -------------------------------------------------------

    def subscribe(self, observer: Callable[["CitizenSession"], None]) -> None:
        self._observers.append(observer)

    def _go(self, step: Step, notice: Notice | None = None) -> None:
        log.info("session: %s -> %s", self.step.value, step.value)
        self.step, self.notice = step, notice
        self._changed()

    def _advance(self, step: Step) -> None:
        """Forward to ``step``; Back returns to the current one."""
        if step is not self.step:
            self._trail.append(self.step)
        self._go(step)

    def _changed(self) -> None:
        for observer in list(self._observers):
            observer(self)

    def _background(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
                    on_error: Callable[[BaseException], None], runner: TaskRunner | None = None,
                    lookup: bool = False) -> None:
        """``fn`` on the runner, its result or failure reported only while the session is the same citizen's.
        ``lookup``: a read asked about the citizen (their drafts, cases, licences), not asked at all when their
        session has ended before a worker took it up: it would carry their ID number after they left
        (``kiosk.tasks.while_current``). Never for work that must be done whoever is at the screen (a submission)."""
        generation = self._generation
        if lookup:
            fn = while_current(lambda: generation == self._generation, fn)

        def done(result: Any) -> None:
            if generation == self._generation:
                on_done(result)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                on_error(exc)
            else:
                log.info("session: dropped a late failure: %s", exc)

        (runner or self._tasks).run(fn, done, failed)

    # -- citizen actions and device events ---------------------------------

    def start_with_card(self, purpose: str = "apply") -> None:
        """The citizen starts an errand: the consent screen comes before any card is read."""
        if self.step is Step.HOME and not (purpose == "licence" and (self.printer_down or not self.prints_licences)):
            self.purpose = purpose if purpose in ("apply", "licence") else "apply"
            self._go(Step.CONSENT)

    def agree_consent(self) -> None:
        """Agreed: read the card (or resolve the code) that may be waiting, else ask for one."""
        if self.step is not Step.CONSENT:
            return
        self._go(Step.READ_CARD, self._reader_notice())
        card, token = self._pending_card, self._pending_token
        self._pending_card = self._pending_token = None
        if card is not None:
            self.card_read(card)
        elif token is not None:
            self._resolve_token(token)

    def decline_consent(self) -> None:
        """Declined: back home, nothing kept."""
        if self.step is Step.CONSENT:
            self.end("consent declined")

    def card_read(self, identity: Identity) -> None:
        if self.step in (Step.HOME, Step.CONSENT):
            # placed before agreeing: held, unread by the session, until the citizen agrees or leaves
            if self._pending_card is not None:
                self._pending_card.wipe()
            self._pending_card, self._pending_token = identity, None
            if self.step is Step.HOME:
                self.purpose = "apply"
            self._go(Step.CONSENT)  # and a failed read's message no longer holds
            return
        if self.step is not Step.READ_CARD:
            identity.wipe()  # a card placed mid-session does not replace the applicant
            return
        refused = admit(identity, self._masker)
        if refused is not None:
            self._go(Step.READ_CARD, Notice(refused))
            return
        self.identity = identity
        log.info("session: identified %s", identity.masked_id)
        self._record_consent(Consent(identity.id_number, "identity", consent_method(identity.card_type),
                                     IDENTITY_CONSENT_VERSION))
        if self.purpose == "licence":
            self.busy = True
            self._go(Step.LICENCES)
            self._background(lambda: self._backend.ready_licences(identity.id_number), self._licences_loaded,
                             self._licences_failed, lookup=True)
            return
        self._go(Step.IDENTIFIED)
        self._look_for_drafts(identity.id_number)

    def _record_consent(self, consent: Consent) -> None:
        """Kept with the session (every case of it carries it) and recorded at once when the backend is
        there: a consent given while it is away waits in the offline queue inside the case."""
        self.consents.append(consent)
        self._tasks.run(lambda: self._backend.record_consent(consent),
                        lambda _recorded: log.info("session: consent (%s) recorded", consent.scope),
                        lambda exc: log.info("session: consent (%s) not recorded now, travels with the case: %s",
                                             consent.scope, exc))

    # -- scanned codes ---------------------------------------------------------------------------

    def code_scanned(self, scanned: str) -> None:
        """A code from any scanner: the app's identity code, a receipt (progress), or a plain refusal."""
        if self.step is Step.COMPANY and not self.busy:
            self._company_code_scanned(scanned)
            return
        if self.step not in (Step.HOME, Step.CONSENT, Step.READ_CARD, Step.PROGRESS) or self.busy:
            return
        payload = classify(scanned)
        log.info("session: scanned a %s code", payload.kind.value)
        if payload.kind is PayloadKind.IDENTITY_TOKEN:
            if self.step is Step.READ_CARD:
                self._resolve_token(payload.fields["token"])
                return
            if self._pending_card is not None:  # one applicant at a time: the card placed first stays
                return
            self._pending_token = payload.fields["token"]  # resolved once the citizen agrees
            if self.step is not Step.CONSENT:
                self.purpose = "apply"
                self._go(Step.CONSENT)
        elif self.step is Step.CONSENT:
            self._go(Step.CONSENT, Notice(text("This code cannot be used here.")))
        elif payload.kind is PayloadKind.RECEIPT:
            number = payload.fields.get("case_number") or payload.fields["provisional_number"]
            self.busy = True
            self._changed()
            self._background(lambda: self._lookup_progress(number), self._progress_found, self._scan_failed)
        else:
            self._go(self.step if self.step is not Step.PROGRESS else Step.HOME,
                     Notice(payload.message or text("This code cannot be used here.")))

    def _resolve_token(self, token: str) -> None:
        self.busy = True
        self._changed()
        self._background(lambda: identity_from_person(self._backend.resolve_app_token(token)),
                         self._token_resolved, self._scan_failed)

    def _token_resolved(self, identity: Identity) -> None:
        self.busy = False
        if self.step is Step.PROGRESS:
            self.step = Step.HOME
        self.card_read(identity)

    def _lookup_progress(self, number: str) -> dict[str, Any] | None:
        if number.startswith("P-"):
            found = self._backend.case_by_provisional(number)
            if isinstance(found, CaseRefusal):  # refused when it arrived: why, and what to do now
                return {"provisional_number": number, "refused": found}
            return found or {"provisional_number": number, "pending": True}
        return self._backend.case_status(number)

    # -- consent withdrawn -------------------------------------------------------------------------

    def ask_withdraw(self) -> None:
        """After identification: the screen that says what withdrawing does, to confirm or go back."""
        if self.step is Step.IDENTIFIED and not self.busy and self.identity is not None:
            self._advance(Step.WITHDRAW)

    def withdraw_consent(self) -> None:
        """Confirmed: the withdrawal is recorded through the contract (once per key, a retry included); then the
        terminal wipes what it holds for this person (the session's identity, drafts found, pages, everything the
        session kept) and says what remains. Not recorded (offline, refused): said plainly, nothing wiped yet,
        the citizen may try again or go back."""
        if self.step is not Step.WITHDRAW or self.busy or self.identity is None:
            return
        if self._withdrawal is None:
            self._withdrawal = ConsentWithdrawal(self.identity.id_number,
                                                 consent_method(self.identity.card_type))
        backend, withdrawal, submitter = self._backend, self._withdrawal, self._submitter
        self.busy = True
        self._changed()

        def withdraw() -> WithdrawalRecorded | str:
            """Sent now; or, when something of theirs still waits in the outbox (a saved application or a case
            queued while the backend was away), queued behind it, so it is not sent after the withdrawal (a draft
            saved again, on a consent withdrawn): the queued item's id."""
            if submitter.waiting_for(withdrawal.id_number):
                return submitter.queue_withdrawal(withdrawal)
            return backend.withdraw_consents(withdrawal)

        def done(result: WithdrawalRecorded | str) -> None:
            if isinstance(result, str):
                self._withdrawal_queued(result, behind=True)
            else:
                self._withdrawn(result)

        self._background(withdraw, done, self._not_withdrawn)

    def _withdrawn(self, recorded: WithdrawalRecorded) -> None:
        self._wipe("consent withdrawn")
        self.withdrawn = recorded
        log.info("session: consent withdrawn (%s); %d consent(s), %d draft(s) on the backend", recorded.withdrawal_id,
                 len(recorded.consents_withdrawn), recorded.drafts_deleted)
        self._go(Step.WITHDRAWN)

    def _not_withdrawn(self, exc: BaseException) -> None:
        if isinstance(exc, (OfflineError, ServerError)) and self._withdrawal is not None:
            # the service system is away: the terminal keeps the withdrawal and sends it itself
            withdrawal, submitter = self._withdrawal, self._submitter
            self._background(lambda: submitter.queue_withdrawal(withdrawal), self._withdrawal_queued,
                             self._withdrawal_not_kept)
            return
        self._withdrawal_not_kept(exc)

    def _withdrawal_queued(self, _item_id: str, behind: bool = False) -> None:
        self._wipe("consent withdrawn behind the outbox" if behind else "consent withdrawn offline")
        self.withdrawal_queued, self.withdrawal_waits_behind = True, behind
        log.info("session: consent withdrawal kept on the terminal, to be sent when the backend answers")
        self._go(Step.WITHDRAWN)

    def _withdrawal_not_kept(self, exc: BaseException) -> None:
        self.busy = False
        log.info("session: consent withdrawal not recorded: %s", exc)
        self._go(Step.WITHDRAW, Notice(text("Your withdrawal was not recorded: {reason} Nothing has been withdrawn "
                                            "yet. Please try again, or ask the hall staff.", reason=user_message(exc))))

    def show_my_cases(self) -> None:
        """After identification: every case of the citizen, newest first."""
        if self.step is not Step.IDENTIFIED or self.busy or self.identity is None:
            return
        backend, id_number = self._backend, self.identity.id_number
        self.busy = True
        self._changed()

        known = bool(self.catalogue)

        def fetch() -> tuple[list[dict[str, Any]], Any]:
            cases = backend.cases_of(id_number)
            loaded = None
            if cases and not known:
                try:  # the services' promised days, for the promised dates
                    loaded = self._load_catalogue()
                except BackendError as exc:
                    log.info("session: no catalogue for promised dates: %s", exc)
            return cases, loaded

        def found(result: tuple[list[dict[str, Any]], Any]) -> None:
            cases, loaded = result
            self.busy = False
            if loaded is not None:
                self.catalogue, self._service_index = loaded
            self.my_cases = sorted((c for c in cases if isinstance(c, dict)),
                                   key=lambda c: str(c.get("submitted_at", "")), reverse=True)
            self._advance(Step.MY_CASES)
            if not self.my_cases:
                self._go(Step.MY_CASES, Notice(text("No application of yours is on record yet."), error=False))

        def failed(exc: BaseException) -> None:
            self.busy = False
            self._go(Step.IDENTIFIED, Notice(user_message(exc)))

        self._background(fetch, found, failed, lookup=True)

    def open_case(self, case_number: str) -> None:
        """One of the citizen's cases, by its case number (a refused one, which has none, by its provisional)."""
        if self.step is Step.MY_CASES:
            self.progress = next((c for c in self.my_cases if case_key(c) == case_number), None)
            if self.progress is not None:
                self._advance(Step.PROGRESS)

    def leave_progress(self) -> None:
        """Back to the citizen's cases when they came from there; else the errand is over."""
        if self.step is Step.PROGRESS and self._trail:
            self.progress = None
            self._go(self._trail.pop())
        else:
            self.finish()

    def promised_date(self, case: dict[str, Any]) -> dt.date | None:
        """When the case is promised by, from its service's promised days (when the catalogue is known)."""
        service = self._service_of(case)
        if service is None or not service.promised_days:
            return None
        return progress.promised_date(str(case.get("submitted_at", "")), service.promised_days)

    def can_reprint(self) -> bool:
        """A receipt is reprinted only for the identified citizen's own case, never from a scanned code alone."""
        return (self.step is Step.PROGRESS and self.identity is not None and self.progress is not None
                and bool(self.progress.get("case_number")) and not self.busy)

    def _service_of(self, case: dict[str, Any]) -> ServiceItem | None:
        return next((s for s in self.catalogue if s.code == case.get("service_code")), None)

    def _receipt_of(self, case: dict[str, Any]) -> Receipt:
        """The receipt of one of the identified citizen's cases, from its record: the promised days and the fee of
        its service (when the catalogue is known: else the receipt says neither), the fee paid as the backend says."""
        assert self.identity is not None
        try:
            submitted = dt.datetime.fromisoformat(str(case.get("submitted_at", "")))
        except ValueError:
            submitted = dt.datetime.now().astimezone()
        service = self._service_of(case)
        agent_case, company = progress.agent_case(case), progress.company_case(case)
        here = self.identity.masked_name, self.identity.masked_id  # who is at the kiosk
        if agent_case is not None:  # an agent's: the principal applies, the agent handled it
            applicant, handled_by = (agent_case.principal_name, agent_case.principal_id), \
                (agent_case.agent_name, agent_case.agent_id)
        elif company is not None:  # a company's, as its first receipt: the company, and who came for it
            applicant, handled_by = company, here
        else:
            applicant, handled_by = here, ("", "")
        names = {"applicant_masked_name": applicant[0], "applicant_masked_id": applicant[1],
                 "handled_by_name": handled_by[0], "handled_by_id": handled_by[1]}
        return Receipt(case_number=str(case["case_number"]), service_code=str(case.get("service_code", "")),
                       service_name_zh=str(case.get("service_name_zh", "")),
                       service_name_en=str(case.get("service_name_en", "")),
                       terminal_id=self._terminal_id, submitted_at=submitted, reprint=True,
                       promised_days=service.promised_days if service is not None else None,
                       fee_yuan=service.fee_yuan if service is not None else 0.0,
                       fee_paid=case.get("fee_paid") is True, **names)

    def shown_fee(self, case: dict[str, Any] | None = None) -> tuple[float, bool] | None:
        """The fee of one of the identified citizen's cases (by default the one shown) and whether the backend says it
        is paid; None for a free service, a case the catalogue does not know, or a case shown from a scanned code."""
        case = self.progress if case is None else case
        service = self._service_of(case) if self.identity is not None and case is not None else None
        if service is None or not service.fee_yuan or not case.get("case_number"):
            return None
        return service.fee_yuan, case.get("fee_paid") is True

    def fee_due(self, case: dict[str, Any] | None = None) -> float:
        """The fee still to pay on a case (``shown_fee``): 0 once paid, or when the case was not accepted or is
        collected."""
        case = self.progress if case is None else case
        fee = self.shown_fee(case)
        if fee is None or fee[1] or (case or {}).get("status") in ("not_accepted", "collected"):
            return 0.0
        return fee[0]

    def can_pay_fee(self) -> bool:
        return self.step is Step.PROGRESS and not self.busy and self.fee_due() > 0

    def pay_fee(self) -> None:
        """The fee of the case shown, left unpaid (paid later, or the citizen walked away from the code): its order's
        code, as after a submission; paid, the receipt is printed again saying so, and the case is shown again."""
        if not self.can_pay_fee():
            return
        assert self.progress is not None
        self.receipt, self.payment, self._paying_shown_case = self._receipt_of(self.progress), None, True
        self._go(Step.PAYMENT)
        self.new_payment_order()

    def reprint_receipt(self) -> None:
        """The receipt of the case shown, printed again ("Print the receipt again")."""
        self._reprint_receipt(fee_paid_now=False)

    def _reprint_receipt(self, fee_paid_now: bool) -> None:
        """``fee_paid_now``: just after its fee was paid (pay_fee), which is said whatever the printer does. Apart from
        the button's slot, which Qt may hand its ``checked`` argument."""
        if not self.can_reprint():
            return
        assert self.identity is not None and self.progress is not None
        receipt = self._receipt_of(self.progress)
        document = citizen_receipt(receipt, language())
        self.busy = True
        self._changed()

        def with_fee(said: Text) -> Text:
            return text("{printed} {kept}", printed=text("The fee is paid."), kept=said) if fee_paid_now else said

        def printed(result: Any) -> None:
            self.busy = False
            unchecked = isinstance(result, PrintResult) and not result.status_known
            if unchecked:
                said = with_fee(text("Please check that your receipt was printed."))
            elif fee_paid_now:
                said = text("The fee is paid, and your receipt printed again says so. Please take it.")
            else:
                said = text("The receipt is printed again. Please take it.")
            self._go(Step.PROGRESS, Notice(said, error=False, check=unchecked))

        def failed(exc: BaseException) -> None:
            self.busy = False
            self._go(Step.PROGRESS, Notice(with_fee(user_message(exc))))

        printer, backend, number, tasks = self._printer, self._backend, receipt.case_number, self._tasks

        def work() -> PrintResult:
            result = printer.print_receipt(document)
            # the hall sees every reprint, recorded on the backend's workers; the paper in the citizen's hand matters
            # more than the record
            tasks.run(lambda: backend.record_reprint(number), lambda _r: None, lambda exc: log.warning(
                "session: reprint of %s printed but not recorded (%s)", number, type(exc).__name__))
            return result

        self._background(work, printed, failed, self._print_tasks)

    def _progress_found(self, case: dict[str, Any] | None) -> None:
        self.busy = False
        self.progress = case
        self._go(Step.PROGRESS)

    def _scan_failed(self, exc: BaseException) -> None:
        self.busy = False
        self._go(self.step if self.step is not Step.PROGRESS else Step.HOME, Notice(user_message(exc)))

    # -- printing a licence that is ready -----------------------------------------------------

    def _licences_loaded(self, items: list[dict[str, Any]]) -> None:
        self.busy = False
        self.licences = items
        self._go(Step.LICENCES, None if items else Notice(text("No licence is ready to print for you yet."),
                                                          error=False))

    def _licences_failed(self, exc: BaseException) -> None:
        self.busy = False
        self._go(Step.LICENCES, Notice(user_message(exc)))

    def preview_licence(self, licence_id: str) -> None:
        """A ready licence tapped: its print ticket (the backend holds one open ticket per licence) and the
        document itself, shown before anything is printed."""
        if self.step is not Step.LICENCES or self.busy or self._document_printer is None:
            return
        backend = self._backend
        key = self._print_keys.setdefault(licence_id, uuid.uuid4().hex)  # an ask again finds the ticket it caused
        self.busy = True
        self._changed()

        def fetch() -> LicencePreview:
            ticket = backend.print_ticket(licence_id, key)
            return LicencePreview(licence_id, str(ticket["ticket_id"]),
                                  bytearray(base64.b64decode(ticket["document_pdf_base64"])))

        def ready(preview: LicencePreview) -> None:
            self.busy = False
            self._tickets_unheard.discard(licence_id)
            self.licence_preview = preview
            self._advance(Step.LICENCE_PREVIEW)

        def failed(exc: BaseException) -> None:
            self.busy = False
            if outcome_unknown(exc):
                self._tickets_unheard.add(licence_id)
            self._go(Step.LICENCES, Notice(user_message(exc)))

        self._background(fetch, ready, failed)

    def _release_unheard_tickets(self) -> None:
        """Walked away after a ticket ask went unanswered: the ticket it may have caused, asked for again under
        its key and released, so the licence is printable at once rather than when that ticket expires."""
        backend = self._backend
        for licence_id in self._tickets_unheard:
            key = self._print_keys[licence_id]

            def release(licence_id: str = licence_id, key: str = key) -> None:
                backend.release_ticket(str(backend.print_ticket(licence_id, key)["ticket_id"]))

            self._tasks.run(release, lambda _r: None,
                            lambda exc: log.info("session: an unheard ticket not released now (it expires): %s", exc))
        self._tickets_unheard = set()

    def print_licence(self) -> None:
        """Print the previewed licence; printed, its ticket is consumed (once); not printed, released."""
        preview = self.licence_preview
        if self.step is not Step.LICENCE_PREVIEW or preview is None or self._document_printer is None:
            return
        printer, submitter = self._document_printer, self._submitter
        # On the one print worker the job may wait behind a receipt printer's timeout. A session ended meanwhile
        # (the idle timeout) released the ticket: the licence is not printed for nobody to take (while_current),
        # and stays printable. The job has its own copy, as the preview is zeroed then; zeroed in turn.
        pdf, generation = bytearray(preview.pdf), self._generation
        self._go(Step.PRINTING)

        def work() -> str:
            try:
                if generation != self._generation:
                    raise Dropped()
                printer.print_pdf(bytes(pdf), preview.licence_id)
            finally:
                pdf[:] = b"\x00" * len(pdf)
            # printed: consumed, once; the confirmation waits in the outbox until the backend has it
            submitter.confirm_print(preview.ticket_id, preview.licence_id)
            return preview.licence_id

        def failed(exc: BaseException) -> None:
            self._drop_preview(release=True)  # not printed: released on the backend's worker, printable again
            self._trail = [step for step in self._trail if step is not Step.LICENCES]
            self._go(Step.LICENCES, Notice(user_message(exc)))

        self._background(work, self._licence_printed, failed, self._print_tasks)

    def cancel_preview(self) -> None:
        """Back from the preview: nothing printed, the ticket released so the licence stays printable."""
        if self.step is Step.LICENCE_PREVIEW and not self.busy:
            self._drop_preview(release=True)
            self.back()

    def _drop_preview(self, release: bool) -> None:
        preview, self.licence_preview = self.licence_preview, None
        if preview is None:
            return
        preview.pdf[:] = b"\x00" * len(preview.pdf)
        del preview.pdf[:]
        if release:
            backend = self._backend
            self._tasks.run(lambda: backend.release_ticket(preview.ticket_id), lambda _r: None,
                            lambda exc: log.info("session: ticket not released now (it expires): %s", exc))

    def _licence_printed(self, licence_id: str) -> None:
        log.info("session: licence %s printed", licence_id)
        self._drop_preview(release=False)
        self.licence_printed = licence_id
        self.licences = [item for item in self.licences if item["licence_id"] != licence_id]
        self._go(Step.DONE, Notice(text("Your licence has been printed. Please take it from the printer."),
                                   error=False))

    def card_failed(self, message: Text) -> None:
        if self.step is Step.HOME:  # a card laid at the home screen: the consent still comes first
            self.purpose = "apply"
            self._go(Step.CONSENT, Notice(message))
        elif self.step is Step.READ_CARD:
            self._go(Step.READ_CARD, Notice(message))

    def reader_available(self, available: bool) -> None:
        """The ID reader's health: while it is offline or in error, the card screen says so and what else works."""
        if self.reader_down != available:  # no change
            return
        self.reader_down = not available
        if self.step is Step.READ_CARD:
            self._go(Step.READ_CARD, self._reader_notice())

    @property
    def prints_licences(self) -> bool:
        """The terminal has an A4 printer (``document_printer`` is not ``none``): printing a licence is offered."""
        return self._document_printer is not None

    def printer_available(self, available: bool) -> None:
        """The A4 printer's health: while it is offline or in error (out of reach, stopped, held), the home screen
        does not offer to print a licence, rather than let a citizen identify and choose one to hear it fail."""
        if self.printer_down != available:  # no change
            return
        self.printer_down = not available
        if self.step is Step.HOME:
            self._changed()

    def _reader_notice(self) -> Notice | None:
        if not self.reader_down:
            return None
        return Notice(text("The ID card reader is not working right now. You can show the identity code of the "
                           "government app to the scanner instead, or ask the hall staff for help."))

    # -- a saved application (draft) from an earlier visit ----------------------------------------

    def _look_for_drafts(self, id_number: str) -> None:
        """In the background: the citizen's saved applications this terminal can continue."""
        backend = self._backend

        def find() -> tuple[list[dict[str, Any]], tuple[list[ServiceItem], ServiceIndex | None] | None]:
            found = backend.drafts(id_number)
            return (found, self._load_catalogue()) if found else ([], None)

        def found(result: tuple[list[dict[str, Any]], Any]) -> None:
            saved, loaded = result
            if loaded is None or self.step is not Step.IDENTIFIED:
                return
            self.catalogue, self._service_index = loaded
            self.drafts_found = drafts.resumable(saved, self.catalogue)
            if self.drafts_found:
                self._changed()

        self._background(find, found, lambda exc: log.info("session: drafts not looked up: %s", exc), lookup=True)

    def draft_service_name(self, draft: dict[str, Any]) -> str:
        service = next((s for s in self.catalogue if s.code == draft.get("service_code")), None)
        return service.name(language()) if service else str(draft.get("service_code", ""))

    def resume_draft(self, draft_id: str) -> None:
        """Continue a saved application: its form, who applies and the materials already provided come back."""
        if self.step is not Step.IDENTIFIED or self.busy or self.identity is None:
            return
        draft = next((d for d in self.drafts_found if d.get("draft_id") == draft_id), None)
        service = next((s for s in self.catalogue if draft and s.code == draft.get("service_code")), None)
        if draft is None or service is None:
            return
        backend, id_number, generation = self._backend, self.identity.id_number, self._generation
        self.busy = True
        self._changed()
        self._background(lambda: drafts.load(backend, draft, service, id_number,
                                             wanted=lambda: generation == self._generation),
                         self._draft_loaded, self._draft_failed)

    def _draft_loaded(self, resumed: drafts.Resumed) -> None:
        self.busy = False
        assert self.identity is not None
        self._forget_application()
        self.service, self.company, self.principal = resumed.service, resumed.company, resumed.principal
        self.apply_as = ApplyAs.COMPANY if self.company else ApplyAs.AGENT if self.principal else ApplyAs.MYSELF
        if self.principal is not None:
            self._masker.add_name(self.principal.name)
        self.application = resumed.application(self.identity, self._terminal_id, consents=list(self.consents),
                                               company=self.company, principal=self.principal)
        self.form_values = {k: str(v) for k, v in resumed.form.items()}
        self.checklist = Checklist(self.service)
        drafts.restore(self.checklist, resumed)
        resumed.pages.clear()
        self.licence_consent = "resumed"
        self.resumed_draft_id = resumed.draft_id
        self._trail = [Step.IDENTIFIED]
        list_changed = None
        if resumed.changed:  # the hall changed the service's materials since it was saved: said on the list
            log.info("session: the saved application's materials changed since it was saved")
            list_changed = Notice(text("Welcome back. The list of materials for this service has changed since you "
                                       "saved it. {change} What you provided that is still asked for is here.",
                                       change=resumed.changed.said()))
        if self.form_messages():  # the service's form changed since it was saved: completed first, nothing lost
            given = forms.prefill(self.service, self.principal or self.identity, self.company)
            self.form_values = {**given, **self.form_values}
            self.form_checked = True
            self._materials_said = list_changed  # said when the citizen reaches the materials
            self._go(Step.FORM, Notice(text("Welcome back: please complete the fields in red. Your materials are "
                                            "kept.")))
            return
        self._go(Step.MATERIALS, list_changed or Notice(text(
            "Welcome back. What you provided last time is here; please add what is still missing."), error=False))

    def _draft_failed(self, exc: BaseException) -> None:
        self.busy = False
        self._go(Step.IDENTIFIED, Notice(text("Your saved application could not be opened ({reason}). You can start "
                                              "it again, or ask the hall staff.", reason=user_message(exc))))

    def continue_to_services(self) -> None:
        if self.step is not Step.IDENTIFIED:
            return
        self.busy = True
        self._changed()
        self._background(self._load_offered, self._catalogue_loaded, self._catalogue_failed)

    def _load_catalogue(self) -> tuple[list[ServiceItem], ServiceIndex | None]:
        """On the task runner: the catalogue and its search index (built once per catalogue, ~0.2 s).

        Every service: who may apply for it (the person, their company, an agent) is asked after its guide."""
        items, index, _held_since = self._load_offered()
        return items, index

    def _load_offered(self) -> tuple[list[ServiceItem], ServiceIndex | None, dt.datetime | None]:
        """``_load_catalogue``, and since when the catalogue offered is held (None: the backend's now): with the
        backend away, the one it last gave this terminal (kiosk/catalogue.py)."""
        fetched = self._held_catalogue.fetch(self._backend)
        items = fetched.items
        index = self._service_index
        if index is None or index.items != tuple(items):
            try:
                index = ServiceIndex(items)
            except Exception:  # search is a help, not a must: the list still shows every service
                log.exception("session: building the service index failed")
                index = None
        return items, index, fetched.held_since

    def _catalogue_loaded(self, loaded: tuple[list[ServiceItem], ServiceIndex | None, dt.datetime | None]) -> None:
        self.busy = False
        self.catalogue, self._service_index, held_since = loaded
        self.service_query, self.service_category = "", None
        self._advance(Step.CHOOSE_SERVICE)
        if held_since is not None:  # the backend away: its last list, and what still works
            self._go(Step.CHOOSE_SERVICE, Notice(text(
                "The service system is away: services as of {time}. You can still apply.",
                time=held_since.strftime("%H:%M" if held_since.date() == dt.date.today() else "%Y-%m-%d %H:%M")),
                error=False))

    def _catalogue_failed(self, exc: BaseException) -> None:
        self.busy = False
        log.warning("session: catalogue failed: %s", exc)
        self._go(Step.IDENTIFIED, Notice(user_message(exc)))

    def set_service_query(self, query: str) -> None:
        """The citizen typed in the search field: the list shows what matches, best first."""
        if self.step is Step.CHOOSE_SERVICE and query != self.service_query:
            self.service_query = query
            self._changed()

    def set_service_category(self, category: str | None) -> None:
        """A category tapped (None: all of them)."""
        if self.step is Step.CHOOSE_SERVICE and category != self.service_category:
            self.service_category = category
            self._changed()

    def clear_service_search(self) -> None:
        if self.step is Step.CHOOSE_SERVICE and (self.service_query or self.service_category is not None):
            self.service_query, self.service_category = "", None
            self._changed()

    def service_categories(self) -> list[CategoryCount]:
        return categories(self.catalogue)

    def visible_services(self, lang: str) -> list[ServiceItem]:
        """The services to show: matches of the query, best first, or the catalogue in its order."""
        in_category = [s for s in self.catalogue
                       if self.service_category is None or s.category == self.service_category]
        if not any(ch.isalnum() for ch in self.service_query) or self._service_index is None:
            return in_category  # nothing typed, or no index (its build failed): the whole list
        return self._service_index.search(self.service_query, category=self.service_category, lang=lang)

    def choose_service(self, code: str) -> None:
        """A service tapped: its guide comes first."""
        if self.step is not Step.CHOOSE_SERVICE or self.identity is None:
            return
        found = next((s for s in self.catalogue if s.code == code), None)
        if found is None:
            self._go(Step.CHOOSE_SERVICE, Notice(text("That service is not available at this terminal.")))
            return
        if self.service is None or self.service.code != code:
            self._forget_application()
        self.service = found
        self._advance(Step.GUIDE)

    # -- who applies ------------------------------------------------------------------------------

    def apply_options(self) -> list[ApplyAs]:
        """Who may apply for the chosen service, as its applicant_types and agent_allowed say."""
        service = self.service
        if service is None:
            return []
        options = []
        if "person" in service.applicant_types:
            options.append(ApplyAs.MYSELF)
        if "company" in service.applicant_types:
            options.append(ApplyAs.COMPANY)
        if "person" in service.applicant_types and service.agent_allowed:
            options.append(ApplyAs.AGENT)
        return options

    def start_application(self) -> None:
        """Apply, from the guide: who applies is asked only when the service allows more than one."""
        if self.step is not Step.GUIDE or self.service is None:
            return
        options = self.apply_options()
        if not options:
            self._go(Step.GUIDE, Notice(text("This service cannot be applied for at this terminal. Please ask at "
                                             "the service window.")))
        elif len(options) == 1:
            self.choose_applicant(options[0])
        else:
            self._advance(Step.WHO)

    def choose_applicant(self, apply_as: ApplyAs) -> None:
        if self.step not in (Step.GUIDE, Step.WHO) or self.service is None:
            return
        if apply_as not in self.apply_options():
            why = (text("This service does not accept an application on behalf of another person. The person "
                        "concerned can apply here with their own ID card.") if apply_as is ApplyAs.AGENT
                   else text("This service is not open to this kind of applicant."))
            self._go(self.step, Notice(why))
            return
        self._forget_application()
        self.apply_as = apply_as
        if apply_as is ApplyAs.COMPANY:
            self._advance(Step.COMPANY)
        elif apply_as is ApplyAs.AGENT:
            self._advance(Step.PRINCIPAL)
        else:
            self._begin_form()

    # -- a company: its unified social credit code, looked up on the backend -----------------------

    def set_company_code(self, typed: str) -> None:
        """The code as typed so far; a company found for an earlier code is forgotten."""
        if self.step is not Step.COMPANY:
            return
        code = companies.typed_code(typed)
        if code != self.company_code:
            self.company_code, self.company = code, None
            self.notice = None

    def company_code_message(self, final: bool = False) -> Text | None:
        """What is wrong with the code as typed (a code still being typed is not yet 'too short')."""
        return companies.code_message(self.company_code, final)

    def look_up_company(self) -> None:
        if self.step is not Step.COMPANY or self.busy or self.identity is None:
            return
        problem = companies.look_up_problem(self.company_code)
        if problem is not None:
            self._go(Step.COMPANY, Notice(problem))
            return
        code, id_number = self.company_code, self.identity.id_number
        self.busy = True
        self._changed()
        self._background(lambda: self._backend.company(code, id_number), self._company_found, self._company_failed)

    def _company_code_scanned(self, scanned: str) -> None:
        """The QR code of a business licence (or any code holding a valid credit code)."""
        code = credit_code_in(scanned)
        if code is None:
            self._go(Step.COMPANY, Notice(text("This code does not hold a unified social credit code. Please type "
                                               "the code printed on the business licence.")))
            return
        self.set_company_code(code)
        self.look_up_company()

    def _company_found(self, company: Company) -> None:
        self.busy = False
        if company.credit_code != self.company_code:
            self._go(Step.COMPANY)  # the code was changed while it was being looked up
            return
        if not company.may_apply:
            self._go(Step.COMPANY, Notice(text(
                "You are not registered as the legal representative or an authorised handler of {company}. "
                "Ask the company to register you as a handler, or apply as its agent at the service window with "
                "a power of attorney.", company=company.name(language()).rstrip("."))))  # not "Co., Ltd.."
            return
        self.company = company
        self._go(Step.COMPANY)

    def _company_failed(self, exc: BaseException) -> None:
        self.busy = False
        if isinstance(exc, CompanyNotFoundError):
            message = text("No company is registered under {code}. Please check the code against the business "
                           "licence; a company registered in the last few days may not be known yet: ask the hall "
                           "staff.", code=self.company_code)
        else:
            message = user_message(exc)
        self._go(Step.COMPANY, Notice(message))

    def company_continue(self) -> None:
        if self.step is Step.COMPANY and self.company is not None and self.company.may_apply and not self.busy:
            application = self.application
            if self.correcting_company and application is not None and application.company is not None \
                    and application.company.credit_code == self.company.credit_code and self.identity is not None:
                # the same company in the role the register now gives: the rest of the case stands
                self.correcting_company = False
                self.application = Application(self.service, self.identity, self._terminal_id,
                                               form=dict(application.form), consents=list(self.consents),
                                               company=self.company, id=application.id)  # the same application
                if self._trail and self._trail[-1] is Step.CONFIRM:
                    self._trail.pop()
                self._go(Step.CONFIRM, Notice(text("The company is looked up again. Please confirm and submit."),
                                              error=False))
                return
            if self.correcting_company:  # another company: its application from the start, nothing of the last
                company, code = self.company, self.company_code
                self._forget_application()
                self.apply_as, self.company, self.company_code = ApplyAs.COMPANY, company, code
            self._begin_form()

    # -- another person: the principal an agent acts for -----------------------------------------

    def principal_edited(self) -> None:
        """The principal's details typed again: the backend's answer to the last ones no longer applies (as a company
        code typed again forgets its notice)."""
        if self.step is Step.PRINCIPAL:
            self.notice = None

    def principal_messages(self, id_number: str, name: str, final: bool = False) -> dict[str, Text]:
        """{"id_number" | "name": what is wrong}; while typing, an ID number that is only short says nothing."""
        problems: dict[str, Text] = {}
        id_number = forms.normalise(forms.PRINCIPAL_ID_FIELD, id_number)
        if final or len(id_number) >= 18:
            message = forms.validate(forms.PRINCIPAL_ID_FIELD, id_number)
            if message is None and self.identity is not None and id_number == self.identity.id_number:
                message = text("This is your own ID number. To apply for yourself, go back and choose "
                               '"Myself".')
            if message is not None:
                problems["id_number"] = message
        if final or name.strip():
            message = forms.validate(forms.PRINCIPAL_NAME_FIELD, name)
            if message is not None:
                problems["name"] = message
        return problems

    def submit_principal(self, id_number: str, name: str) -> None:
        """The principal's details, checked here and then against the backend's register of persons."""
        if self.step is not Step.PRINCIPAL or self.busy:
            return
        problems = self.principal_messages(id_number, name, final=True)
        if problems:
            self._go(Step.PRINCIPAL, Notice(next(iter(problems.values()))))
            return
        id_number = forms.normalise(forms.PRINCIPAL_ID_FIELD, id_number)
        name = name.strip()
        self.busy = True
        self._changed()
        self._background(lambda: self._check_principal(id_number, name),
                         lambda _ok: self._principal_confirmed(id_number, name), self._principal_failed)

    def _check_principal(self, id_number: str, name: str) -> None:
        """The backend knows the person under this name; when it cannot be asked, the clerk checks the details
        against the power of attorney (the case says 'declared')."""
        try:
            self._backend.lookup_identity(id_number, name)
        except (OfflineError, ServerError) as exc:  # away, failing or not to be trusted: the register was not asked
            log.info("session: principal not checked (%s); declared details go with the case", type(exc).__name__)

    def _principal_confirmed(self, id_number: str, name: str) -> None:
        self.busy = False
        self._masker.add_name(name)
        if self.principal is not None:  # typed again: the details before go (the application is made anew)
            self.principal.wipe()
        self.principal = Identity(id_number=id_number, name=name, card_type=CardType.DECLARED)
        if self.correcting_principal and self.application is not None and self.service is not None \
                and self.identity is not None:  # the register refused the last: the rest of the case stands
            self.correcting_principal = False
            self.application = Application(self.service, self.identity, self._terminal_id,
                                           form=dict(self.application.form), consents=list(self.consents),
                                           company=self.company, principal=self.principal,
                                           id=self.application.id)  # the same application, put right
            if self._trail and self._trail[-1] is Step.CONFIRM:
                self._trail.pop()
            self._go(Step.CONFIRM, Notice(text("The details of the person you act for are corrected. Please "
                                               "confirm and submit."), error=False))
            return
        self._begin_form()

    def _principal_failed(self, exc: BaseException) -> None:
        self.busy = False
        if isinstance(exc, RejectedError) and exc.code in ("person_not_found", "name_mismatch"):
            message = text("No person is registered with this ID number and name. Please check both against the "
                           "ID card of the person you act for.")
        else:
            message = user_message(exc)
        self._go(Step.PRINCIPAL, Notice(message))

    # -- the form ---------------------------------------------------------------------------------

    def _begin_form(self) -> None:
        assert self.service is not None and self.identity is not None
        self.application = Application(self.service, self.identity, self._terminal_id, consents=list(self.consents),
                                       company=self.company, principal=self.principal)
        self.form_values = forms.prefill(self.service, self.principal or self.identity, self.company)
        self.form_checked, self.form_refused = False, {}
        if self.service.form:
            self._advance(Step.FORM)
        else:
            self._to_materials()

    def set_form_value(self, name: str, value: str) -> None:
        """A field as typed (the screen shows :func:`kiosk.forms.validate`'s message next to it)."""
        if self.step is Step.FORM and self.service is not None and any(f.name == name for f in self.service.form):
            self.form_values[name] = value

    def form_messages(self) -> dict[str, Text]:
        if self.service is None:
            return {}
        return forms.validate_all(self.service, self.form_values, self.form_refused)

    def submit_form(self) -> None:
        if self.step is not Step.FORM or self.service is None or self.application is None:
            return
        if self.form_messages():
            self.form_checked = True
            self._go(Step.FORM, Notice(text("Please look at the fields marked in red.")))
            return
        self.application.form = forms.submission(self.service, self.form_values)
        if self.correcting_form and self.identity is not None:  # refused at submission: the rest of the case stands
            self.correcting_form, self.form_refused = False, {}
            self.application = Application(self.service, self.identity, self._terminal_id,
                                           form=dict(self.application.form), consents=list(self.consents),
                                           company=self.company, principal=self.principal,
                                           id=self.application.id)  # the same application, put right
            if self._trail and self._trail[-1] is Step.CONFIRM:
                self._trail.pop()
            self._go(Step.CONFIRM, Notice(text("The form is corrected. Please confirm and submit."), error=False))
            return
        self._to_materials()

    # -- materials: electronic licences, pages, or not brought ------------------------------------

    def _licence_holder(self) -> str | None:
        """Whose electronic licences may be fetched: the applicant's own, or their company's; never a
        principal's (the agent cannot consent for them: their materials come on paper)."""
        if self.application is None or self.application.principal is not None:
            return None
        return self.application.company.credit_code if self.application.company else self.application.applicant.id_number

    def _to_materials(self) -> None:
        assert self.service is not None
        if self.checklist is None or self.checklist.service is not self.service:
            self.checklist = Checklist(self.service)
        wants_licences = bool(licence_materials(self.service, self.company is not None))
        if wants_licences and self._licence_holder() is not None and not self.licence_consent:
            self._advance(Step.LICENCE_CONSENT)
        elif self.service.materials:
            said, self._materials_said = self._materials_said, None
            self._advance(Step.MATERIALS)
            if said is not None:  # its list changed while the form was put right (_service_changed)
                self._go(Step.MATERIALS, said)
        else:
            self._after_materials()

    def agree_licences(self) -> None:
        """Consent (scope "licences", for this service), then the holder's licences are fetched."""
        if self.step is not Step.LICENCE_CONSENT or self.busy or self.identity is None or self.service is None:
            return
        consent = Consent(self.identity.id_number, "licences", consent_method(self.identity.card_type),
                          LICENCE_CONSENT_VERSION, service_code=self.service.code)
        self.consents.append(consent)
        if self.application is not None:
            self.application.consents.append(consent)
        company, backend = self.application.company if self.application else None, self._backend
        self.busy = True
        self._changed()
        self._background(lambda: companies.fetch_licences(backend, consent, company), self._licences_fetched,
                         self._licences_unavailable)

    def decline_licences(self) -> None:
        if self.step is Step.LICENCE_CONSENT and not self.busy:
            self.licence_consent = "declined"
            self._go_materials()

    def _licences_fetched(self, licences: list[dict[str, Any]]) -> None:
        self.busy = False
        self.licence_consent = "agreed"
        assert self.service is not None
        self.offered_licences = offered_licences(self.service, licences, self.company is not None)
        self._go_materials()

    def _licences_unavailable(self, exc: BaseException) -> None:
        self.busy = False
        self.licence_consent = "unavailable"
        log.info("session: electronic licences not fetched: %s", exc)
        self._go_materials(Notice(text("Your electronic licences cannot be fetched right now. Please show the "
                                       "paper documents to the camera instead.")))

    def _go_materials(self, notice: Notice | None = None) -> None:
        """To the materials list, in place of the licence consent (Back from the list skips it)."""
        if self.step is Step.LICENCE_CONSENT:
            self._go(Step.MATERIALS, notice)
        else:
            self._advance(Step.MATERIALS)
            self.notice = notice

    def use_licence(self, code: str) -> None:
        if self.step is Step.MATERIALS and self.checklist is not None and code in self.offered_licences:
            self.checklist.use_licence(code, self.offered_licences[code])
            self._go(Step.MATERIALS)

    def material_not_brought(self, code: str) -> None:
        if self.step is Step.MATERIALS and self.checklist is not None:
            self.checklist.not_brought(code)
            self._go(Step.MATERIALS)

    def material_does_not_apply(self, code: str) -> None:
        if self.step is Step.MATERIALS and self.checklist is not None and self.checklist[code].conditional:
            self.checklist.does_not_apply(code)
            self._go(Step.MATERIALS)

    def scan_material(self, code: str) -> None:
        """To the document camera for this material's pages."""
        if self.step is not Step.MATERIALS or self.checklist is None:
            return
        if self.document_camera is None:
            self.checklist.not_brought(code)
            self._go(Step.MATERIALS, Notice(text("This terminal has no document camera. The material is listed "
                                                 "for the service window.")))
            return
        self.capture_code, self._leave_capture = code, False
        self._advance(Step.CAPTURE)

    def capture_page(self) -> None:
        """The citizen taps "take the picture" (auto-capture may take it first: :meth:`page_captured`)."""
        if self.step is not Step.CAPTURE or self.busy or self.document_camera is None:
            return
        camera = self.document_camera
        self.busy = True
        self._changed()
        self._background(lambda: camera.capture(), self.page_captured, self._capture_failed,
                         self._device_tasks)

    def page_captured(self, page: CapturedPage) -> None:
        """A page from the camera (tapped or auto-captured): kept unless the camera advises a retake."""
        self.busy = False
        if self.step is not Step.CAPTURE or self.checklist is None or self.capture_code is None:
            page.wipe()
            return
        if page.advice:  # not found, blurred, glare: say what to fix; the citizen takes it again
            advice = page.advice[0]
            page.wipe()
            if not self._finish_capture_if_asked():  # finished meanwhile: the advice is moot
                self._go(Step.CAPTURE, Notice(advice))
            return
        count = self.checklist.add_page(self.capture_code, page.jpeg)
        page.wipe()
        wanted = self.checklist[self.capture_code].requirement.pages
        if self._finish_capture_if_asked():  # finished meanwhile: the list shows the page
            return
        self._go(Step.CAPTURE, Notice(page_taken(count, wanted), error=False))

    def is_identity_material(self, code: str | None) -> bool:
        """An identity document: it can be copied as an ID card, both sides on one page."""
        return bool(code and self.checklist is not None and self.checklist[code].requirement.e_licence_type
                    in _IDENTITY_TYPES)

    def copy_id_card(self) -> None:
        """Copy an ID card the way a counter does: the front, then the back, on one page at true size."""
        if self.step is not Step.CAPTURE or self.busy or self.document_camera is None:
            return
        camera = self.document_camera
        self.busy = True
        self._changed()
        self._background(lambda: camera.capture_card(), self._card_side_taken, self._capture_failed,
                         self._device_tasks)

    def _card_side_taken(self, side: Any) -> None:
        self.busy = False
        if self.card_front is None:
            self.card_front = side
            if self._finish_capture_if_asked():  # finished before the back: the front is dropped
                return
            self._go(Step.CAPTURE, Notice(text('The front is copied. Turn the card over and tap "Copy the back".'),
                                          error=False))
            return
        front, self.card_front, camera = self.card_front, None, self.document_camera
        assert camera is not None
        self.busy = True
        self._changed()
        self._background(lambda: camera.id_card_copy(front, side), self.page_captured, self._capture_failed,
                         self._device_tasks)

    def _capture_failed(self, exc: BaseException) -> None:
        self.busy = False
        # "not found, lay it again" (CaptureError) is advice; any other device failure, or a camera that
        # reports itself offline, means this terminal cannot copy the material: it goes to the window
        camera_gone = (self.document_camera is None or (isinstance(exc, DeviceError) and not isinstance(exc, CaptureError))
                       or self.document_camera.health.snapshot().state in (DeviceState.OFFLINE, DeviceState.ERROR))
        if (camera_gone and self.checklist is not None and self.capture_code is not None
                and not self.checklist[self.capture_code].pages):
            # the camera is gone: the material goes on the notice, for the service window
            self.checklist.not_brought(self.capture_code)
            self.capture_code = None
            self._go(Step.MATERIALS, Notice(text("The document camera is not working ({reason}). This material is "
                                                 "listed for the service window.", reason=user_message(exc))))
            return
        if not self._finish_capture_if_asked():
            self._go(Step.CAPTURE, Notice(user_message(exc)))

    def retake_last_page(self) -> None:
        if self.step is Step.CAPTURE and self.checklist is not None and self.capture_code and not self.busy:
            self.checklist.drop_last_page(self.capture_code)
            self._go(Step.CAPTURE)

    def capture_done(self) -> None:
        """The citizen taps "Finished": back to the list. Tapped while a picture is
        being taken, it is carried out once the picture is in (kept if it is a good page), not dropped."""
        if self.step is not Step.CAPTURE:
            return
        if self.busy:
            self._leave_capture = True
            return
        self.capture_code, self._leave_capture = None, False
        self._drop_card_front()
        self.back()

    def _finish_capture_if_asked(self) -> bool:
        """After a picture came in: leave the camera if the citizen tapped "finished" meanwhile."""
        if not (self._leave_capture and self.step is Step.CAPTURE and not self.busy):
            return False
        self.capture_done()
        return True

    def materials_done(self) -> None:
        """Continue from the list: every material answered; anything missing leads to the notice."""
        if self.step is not Step.MATERIALS or self.checklist is None:
            return
        pending = self.checklist.pending()
        if pending:
            lang = language()
            self._go(Step.MATERIALS, Notice(text('Please choose for each material, including "{name}".',
                                                 name=pending[0].requirement.name(lang))))
            return
        if self.checklist.missing():
            self._advance(Step.INCOMPLETE)
        else:
            self._after_materials()

    def _after_materials(self) -> None:
        assert self.service is not None
        self._advance(Step.SIGNATURE if self.service.signature_required else Step.CONFIRM)

    def sign(self, png: bytes) -> None:
        """The signature drawn on the pad; on to the confirm screen."""
        if self.step is Step.SIGNATURE and png:
            self.signature = png
            self._advance(Step.CONFIRM)

    def sign_drawn(self, render: Callable[[], bytes]) -> None:
        """The signature drawn on the pad, its image made by ``render`` on a worker (not the GUI
        thread); then :meth:`sign`."""
        if self.step is not Step.SIGNATURE or self.busy:
            return
        self.busy = True
        self._changed()

        def done(png: bytes) -> None:
            self.busy = False
            self.sign(png)

        def failed(exc: BaseException) -> None:
            log.error("session: the signature image could not be made: %s", type(exc).__name__)
            self.busy = False
            self._go(Step.SIGNATURE, Notice(text("Your signature could not be kept. Please sign again.")))

        self._background(render, done, failed)

    def attachments(self) -> list[Attachment]:
        """Everything the case carries beside its JSON: the pages, then the signature."""
        files = self.checklist.attachments() if self.checklist is not None else []
        if self.signature:
            files.append(Attachment(SIGNATURE_NAME, "image/png", self.signature))
        return files

    # -- incomplete: the one-time notice and a saved draft ---------------------------------------

    def leave_with_notice(self, *, keep: bool = True) -> None:
        """Print the one-time notice and keep what was provided as a draft for the next visit; ``keep`` False: the
        notice only, nothing kept (a draft this session continued is deleted too: the citizen chose to keep none)."""
        if self.step is not Step.INCOMPLETE or self.busy or self.checklist is None or self.application is None:
            return
        application, checklist = self.application, self.checklist
        holder = application.holder
        missing, lang = checklist.missing(), language()
        backend, printer, terminal, submitter = self._backend, self._printer, self._terminal_id, self._submitter
        draft = drafts.to_save(application, checklist, self.attachments()) if keep else None
        dropped = None if keep else self.resumed_draft_id  # forgotten once the notice is out (_notice_printed)
        # printed again (the printer failed): the same notice, recorded once
        attempt = self._notice_attempt = attempt_for(self._notice_attempt, application.service, missing)

        def work() -> tuple[str, drafts.KeptDraft]:
            """Recorded, then the draft kept (saved, or queued while the backend is away), then printed (below, on
            the print worker): a printer out of paper loses nothing provided."""
            began = time.monotonic()  # the citizen's wait: the draft has what the notice leaves of it
            number = record_notice(backend, application.service, holder.id_number, missing, attempt,
                                   application.company)
            kept = drafts.KeptDraft(drafts.Kept.DECLINED)
            if dropped:  # through the outbox under the person at the terminal, as a draft continued into a case is
                submitter.discard_draft(dropped, application.applicant.id_number)
            if draft is not None:
                try:
                    kept = drafts.keep(backend, submitter, draft, began)
                except Exception as exc:  # refused, or the terminal cannot store it: the notice prints all the same
                    kept = drafts.KeptDraft(drafts.Kept.NOT_KEPT)
                    log.warning("session: draft not kept (%s)", type(exc).__name__)
            return number, kept

        def print_it(recorded: tuple[str, drafts.KeptDraft]) -> tuple[Issued, drafts.KeptDraft]:
            number, kept = recorded
            return print_notice(printer, number, application.service, holder.masked_name, missing, terminal, lang,
                                application.company, kept_until=kept.until, kept_nothing=kept.how.nothing), kept

        self.busy = True
        self._changed()
        self._background(work, self._notice_printed, self._notice_failed,
                         InTurn(self._desk_tasks, self._print_tasks, print_it))

    def _notice_printed(self, result: tuple[Issued, drafts.KeptDraft]) -> None:
        """Said as it happened: a notice the backend did not confirm has no number and is printed as provisional;
        a draft the backend could not take now waits on this terminal, and the citizen is told it is saved once the
        service system answers; a printer that told nothing of itself may not have printed, so the citizen is asked
        to look."""
        self.busy = False
        issued, saved = result
        if saved.how is drafts.Kept.DECLINED:
            self.resumed_draft_id = None  # its deletion is in the outbox: not deleted again behind a case
        kept = _kept_said(saved)
        if issued.failure is not None:  # recorded (asked again, the same notice) and saved: only the paper is missing
            self._go(Step.INCOMPLETE, Notice(text("The one-time notice could not be printed: {reason} {kept}",
                                                  reason=user_message(issued.failure), kept=kept)))
            return
        self.notice_number = issued.number
        printed = (text("The one-time notice is printed: it lists everything still missing.") if self.notice_number
                   else text("The one-time notice is printed without a number, marked provisional: the service "
                             "system did not confirm it. The list on it is complete."))
        if not issued.print_known:
            printed = text("Please check that the one-time notice was printed: it lists everything still missing. "
                           "If it was not, please ask the hall staff.")
        self._go(Step.DONE, Notice(text("{printed} {kept}", printed=printed, kept=kept),
                                   error=not (self.notice_number and saved.how in (drafts.Kept.SAVED,
                                                                                   drafts.Kept.DECLINED)),
                                   check=not issued.print_known))

    def _notice_failed(self, exc: BaseException) -> None:
        self.busy = False
        if isinstance(exc, RejectedError) and exc.code == "unknown_material" and self.step is Step.INCOMPLETE \
                and self.service is not None and self.application is not None and self.checklist is not None:
            # the notice names a material the service no longer lists: its list as it is now, what still stands kept
            self._fetch_service_again(exc, set(), self._notice_not_recorded)
            return
        self._notice_not_recorded(exc)

    def _notice_not_recorded(self, exc: BaseException) -> None:
        self.busy = False
        self._go(Step.INCOMPLETE, Notice(text("The notice could not be printed ({reason}). Please ask the hall "
                                              "staff.", reason=user_message(exc))))

    def _forget_application(self) -> None:
        """What was answered for one service or applicant, when the citizen changes it."""
        self.correcting_principal = self.correcting_form = self.correcting_company = False
        if self.principal is not None:
            self.principal.wipe()
        if self.checklist is not None:
            self.checklist.wipe()
        self.application, self.apply_as, self.company, self.principal = None, None, None, None
        self.company_code = ""
        self.form_values, self.form_checked, self.form_refused = {}, False, {}
        self.checklist, self.offered_licences, self.licence_consent = None, {}, ""
        self.capture_code, self.signature, self.notice_number = None, None, ""
        self._leave_capture = False
        self._notice_attempt = None
        self._materials_said = None
        self.resumed_draft_id = None
        self._drop_card_front()

    def _drop_card_front(self) -> None:
        front, self.card_front = self.card_front, None
        if front is not None and hasattr(front, "fill"):
            front.fill(0)  # the card's picture: zeroed, not just forgotten

    def back(self) -> None:
        if self.busy:
            return
        if self.step is Step.FAILED:
            self._go(Step.CONFIRM)
        elif self.step is Step.IDENTIFIED:
            self.end("back from the identity")
        elif self.step in (Step.MY_CASES, Step.WITHDRAW) and self._trail:
            self._go(self._trail.pop())
        elif self._trail and self.step in (Step.CHOOSE_SERVICE, Step.GUIDE, Step.WHO, Step.COMPANY, Step.PRINCIPAL,
                                           Step.FORM, Step.LICENCE_CONSENT, Step.MATERIALS, Step.CAPTURE,
                                           Step.SIGNATURE, Step.INCOMPLETE, Step.CONFIRM, Step.LICENCE_PREVIEW):
            self._go(self._trail.pop())

    def confirm(self) -> None:
        if self.step is not Step.CONFIRM or self.application is None:
            return
        self._go(Step.SUBMITTING)
        application = self.application
        if self.checklist is not None:
            application.e_licences = self.checklist.licence_ids()
            application.material_licences = self.checklist.licences_by_material()
        files = self.attachments()
        self._background(lambda: self._submitter.submit(application, files), self._submitted, self._submit_failed,
                         self._desk_tasks)

    def _submitted(self, outcome: Outcome) -> None:
        assert self.application is not None and self.identity is not None
        service = self.application.service
        try:
            when = dt.datetime.fromisoformat(outcome.submitted_at)
        except ValueError:
            when = dt.datetime.now().astimezone()
        company = self.application.company
        # the receipt names whom the case is for: the company, the principal of an agent, or the applicant
        name, number = ((company.name_zh, company.credit_code) if company is not None
                        else (self.application.holder.masked_name, self.application.holder.masked_id))
        came = self.application.applicant  # and who came for it, when that is someone else (经办人)
        self.receipt = Receipt(
            case_number=outcome.number, service_code=service.code, service_name_zh=service.name_zh,
            service_name_en=service.name_en, applicant_masked_name=name,
            applicant_masked_id=number, terminal_id=self._terminal_id, submitted_at=when,
            promised_days=outcome.promised_days, provisional=outcome.provisional,
            **({"handled_by_name": came.masked_name, "handled_by_id": came.masked_id}
               if self.application.apply_as is not ApplyAs.MYSELF else {}))
        log.info("session: case %s %s", outcome.number, "stored offline" if outcome.provisional else "submitted")
        if self._refused_items:  # what was refused before, now put right and submitted: no dead letter for staff
            refused, submitter, self._refused_items = self._refused_items, self._submitter, []
            self._tasks.run(lambda: submitter.discard_refused(refused), lambda _n: None,
                            lambda exc: log.info("session: refused items not discarded: %s", type(exc).__name__))
        if self.resumed_draft_id:  # the saved application became this case: deleted behind it (the outbox)
            draft_id, submitter, self.resumed_draft_id = self.resumed_draft_id, self._submitter, None
            applicant, after = self.application.applicant.id_number, outcome.provisional_number
            self._tasks.run(lambda: submitter.discard_draft(draft_id, applicant, after), lambda _r: None,
                            lambda exc: log.info("session: draft not discarded: %s", type(exc).__name__))
        if service.fee_yuan > 0:
            self.receipt = dataclasses.replace(self.receipt, fee_yuan=service.fee_yuan)
            if not outcome.provisional:  # the fee first; the receipt then says paid, or how to pay later
                self._go(Step.PAYMENT)
                self.new_payment_order()
                return
        self._print_receipt()

    def _print_receipt(self) -> None:
        assert self.receipt is not None
        document = citizen_receipt(self.receipt, language())
        self._background(lambda: self._printer.print_receipt(document), self._printed, self._print_failed,
                         self._print_tasks)

    # -- the fee ----------------------------------------------------------------------------------

    def new_payment_order(self) -> None:
        """The case's order (the open one if there is one: the backend never charges twice)."""
        if self.step is not Step.PAYMENT or self.receipt is None or self.busy:
            return
        number, backend = self.receipt.case_number, self._backend
        self.busy = True
        self._changed()

        def ready(order: PaymentOrder) -> None:
            self.busy = False
            if self.step is Step.PAYMENT and self.receipt is not None and self.receipt.case_number == number:
                self.payment = order
                self._payment_state(order)
            else:  # the fee settled meanwhile, or another case's: the screen has moved on
                log.info("session: a payment order's answer dropped: the screen has moved on")

        def failed(exc: BaseException) -> None:
            self.busy = False
            if self.step is not Step.PAYMENT:  # the screen has moved on (the fee settled meanwhile): not taken back
                log.info("session: a payment order not had, no longer asked for: %s", type(exc).__name__)
                return
            self._go(Step.PAYMENT, Notice(text("The payment code cannot be shown now ({reason}). You can pay at the "
                                               "service window.", reason=user_message(exc))))

        self._background(lambda: backend.payment_order(number), ready, failed, self._desk_tasks)

    def poll_payment(self) -> None:
        """Every few seconds while the code is shown (the screen's timer): has the citizen paid?"""
        order = self.payment
        if self.step is not Step.PAYMENT or order is None or not order.status.open or self._polling:
            return
        self._polling = True
        backend = self._backend

        def answered(now: PaymentOrder) -> None:
            self._polling = False
            # only about the order still shown: not one left by "Pay later" and asked for again since (its answer
            # then settles the fee; kiosk bench ui-monkey --trickle, seed 614, settled it twice)
            if self.step is Step.PAYMENT and self.payment is order and now.order_id == order.order_id:
                self.payment = now
                self._payment_state(now)

        def failed(exc: BaseException) -> None:
            self._polling = False
            log.info("session: payment status not read now: %s", exc)

        self._background(lambda: backend.payment_status(order.order_id), answered, failed)

    def _payment_state(self, order: PaymentOrder) -> None:
        if order.status is PaymentStatus.PAID:
            self._settle_fee(paid=True)
        elif order.status is PaymentStatus.EXPIRED:
            self._go(Step.PAYMENT, Notice(text("The payment code has expired. Ask for a new one, or pay at the "
                                               "service window.")))
        elif order.status is PaymentStatus.CANCELLED:
            self._go(Step.PAYMENT, Notice(text("The payment was cancelled. Ask for a new code, or pay at the "
                                               "service window.")))
        else:
            self._go(Step.PAYMENT)

    def pay_later(self) -> None:
        if self.step is Step.PAYMENT and not self.busy:
            self._settle_fee(paid=False)

    def _settle_fee(self, paid: bool) -> None:
        if self.receipt is None:  # settled already: a second answer about it changes nothing
            log.warning("session: a fee settled twice was settled once")
            return
        if self._paying_shown_case:  # paid from the citizen's applications: back to the case (pay_fee)
            self._paying_shown_case, self.receipt, self.payment = False, None, None
            self._go(Step.PROGRESS)
            if paid and self.progress is not None:
                self.progress = dict(self.progress, fee_paid=True)
                self._reprint_receipt(fee_paid_now=True)
            return
        self.receipt = dataclasses.replace(self.receipt, fee_paid=paid)
        self._go(Step.PRINTING)
        self._print_receipt()

    def _submit_failed(self, exc: BaseException) -> None:
        log.warning("session: submission failed: %s", exc)
        if isinstance(exc, RejectedError) and exc.queued_item:  # deleted if the citizen puts it right and submits
            self._refused_items.append(exc.queued_item)
        if isinstance(exc, RejectedError) and exc.code == "principal_not_registered" and self.principal is not None:
            # declared while the register could not be asked (a saved application, or typed offline): typed again,
            # and the case goes with everything else given; Back returns to the confirmation
            self.correcting_principal = True
            self._trail.append(Step.CONFIRM)
            self._go(Step.PRINCIPAL, Notice(text("Not in the register under this ID number and name: please check both "
                                                 "against their ID card. The rest is kept.")))
            return
        if self._form_refused(exc) or self._materials_refused(exc) or self._licence_refused(exc) \
                or self._company_refused(exc):
            return
        refused = self._refused_file(exc)
        if refused is not None and self.checklist is not None:
            # the backend names the page and why; the citizen takes that material (or signs) again
            self._trail = [step for step in self._trail if step not in (Step.CONFIRM, Step.SIGNATURE)]
            if refused == SIGNATURE_NAME:
                self.signature = None
                self._go(Step.SIGNATURE, Notice(user_message(exc)))
                return
            code = refused.rsplit("-", 1)[0]
            material = self.checklist.get(code)
            if material is not None:
                material.wipe()
                material.provided = Provided.NOTHING
                self._go(Step.MATERIALS, Notice(user_message(exc)))
                return
        self._go(Step.FAILED, Notice(user_message(exc)))

    def _form_refused(self, exc: BaseException) -> bool:
        """The backend refused answers this terminal's check passed (its catalogue changed under the terminal): the
        citizen puts those fields right on the form, then comes back to the confirmation with the rest kept. A field
        the form held here does not have: the service is fetched again first (``_service_changed``). False when the
        refusal names no field at all."""
        if not isinstance(exc, RejectedError) or exc.code != "form_invalid" or self.service is None \
                or self.application is None:
            return False
        added = forms.unknown_fields(exc.fields, self.service)
        refused = forms.refused_values(exc.fields, self.service, self.form_values)
        if refused and not added:
            self._correct_form(refused, text("The service system did not accept some answers on the form: please "
                                             "check the fields marked in red. The rest is kept."))
            return True
        if not added:
            return False
        self._fetch_service_again(exc, added)  # fields added to the catalogue's form: the service again
        return True

    def _materials_refused(self, exc: BaseException) -> bool:
        """The backend refused the case naming a material the service no longer lists (422 ``unknown_material``) or
        a required one it now lists (422 ``materials_missing``): its catalogue's materials changed under the
        terminal, and the service is fetched again (``_service_changed``)."""
        if not isinstance(exc, RejectedError) or exc.code not in MATERIALS_REFUSALS or self.service is None \
                or self.application is None or self.checklist is None:
            return False
        self._fetch_service_again(exc, set())
        return True

    def _fetch_service_again(self, exc: RejectedError, added: set[str],
                             otherwise: Callable[[RejectedError], None] | None = None) -> None:
        """The service fetched again after ``exc`` (``_service_changed``); ``otherwise`` says the refusal as it is
        when the catalogue turns out not to have changed so (the failure screen by default)."""
        held, backend = self.service, self._backend
        assert held is not None
        said = otherwise or self._service_not_changed
        self.busy = True
        self._changed()
        self._background(lambda: backend.service(held.code),
                         lambda fresh: self._service_changed(exc, held, fresh, added, said),
                         lambda _e: said(exc))  # each way of saying it ends the wait

    def _correct_form(self, refused: dict[str, str], said: Text) -> None:
        self.form_refused, self.form_checked, self.correcting_form = refused, True, True
        self._trail.append(Step.CONFIRM)
        self._go(Step.FORM, Notice(said))

    def _service_changed(self, exc: RejectedError, held: ServiceItem, fresh: ServiceItem, added: set[str],
                         otherwise: Callable[[RejectedError], None]) -> None:
        """The service as the backend now has it, after a refusal naming fields its form held here lacked
        (``added``) or a material it no longer lists: as the same service with those fields, it takes the old one's
        place. Its materials unchanged, the citizen fills in what the form gained and goes back to the confirmation;
        changed, what was provided and still stands is kept (``Checklist.follow``) and the citizen goes through the
        form (when it gained fields) and the materials again. Anything else: the failure screen."""
        self.busy = False
        if self.service is not held or self.application is None or not forms.takes_place_of(fresh, held, added):
            otherwise(exc)
            return
        self.service = self.application.service = fresh
        self.catalogue = [fresh if s.code == fresh.code else s for s in self.catalogue]
        changed = self.checklist.follow(fresh) if self.checklist is not None else Changed()
        refused = forms.refused_values(exc.fields, fresh, self.form_values) if added else {}
        log.info("session: %s changed under the terminal: %d field(s) added, materials %s", fresh.code, len(added),
                 "changed" if changed else "the same")
        if not changed:
            self._correct_form(refused, text("The form of this service has changed since you began: please fill in "
                                             "the fields marked in red. The rest is kept."))
            return
        self.offered_licences = still_offered(self.offered_licences, fresh)
        said = Notice(text("The list of materials for this service has changed since you began. {change} What you "
                           "gave is kept.", change=changed.said()))
        if refused:  # the form first, then the materials, each screen in its usual order and saying its own change
            self.form_refused, self.form_checked, self._materials_said = refused, True, said
            self._back_to(Step.FORM, Notice(text("The form and the materials of this service have changed since you "
                                                 "began: please fill in the fields marked in red; the materials come "
                                                 "next.")))
            return
        self._back_to(Step.MATERIALS, said)

    def _back_to(self, step: Step, notice: Notice) -> None:
        """Back to ``step`` of the application, the screens after it to be gone through again (Back from it as
        from there the first time)."""
        if step in self._trail:
            del self._trail[self._trail.index(step):]
        else:
            self._trail = [s for s in self._trail if s not in (Step.CONFIRM, Step.SIGNATURE)]
        self._go(step, notice)

    def _service_not_changed(self, exc: RejectedError) -> None:
        self.busy = False
        self._go(Step.FAILED, Notice(user_message(exc)))

    def _company_refused(self, exc: BaseException) -> bool:
        """The company's register no longer names the citizen as they applied (their role changed, or they have none,
        since they looked it up): the company is looked up again on its screen, the code kept; found with a role that
        may apply, the application goes back to the confirmation in that role, the rest kept."""
        if not isinstance(exc, RejectedError) or exc.code != "company_role" or self.company is None \
                or self.application is None:
            return False
        self.correcting_company, self.company = True, None  # the role it was found with no longer stands
        self._trail.append(Step.CONFIRM)
        self._go(Step.COMPANY, Notice(user_message(exc)))
        return True

    def _licence_refused(self, exc: BaseException) -> bool:
        """The backend would not take an electronic licence standing for a material (not the applicant's, not of
        its kind): that material is given back, and that licence not offered for it again, for the citizen to scan
        its paper or leave with the notice; the rest stays. False when the refusal names no licence in use."""
        if not isinstance(exc, RejectedError) or exc.code not in LICENCE_REFUSALS or self.checklist is None:
            return False
        refused = self.checklist.refuse_licences(exc.fields)
        if not refused:
            return False
        for code in refused:
            self.offered_licences.pop(code, None)
        self._trail = [step for step in self._trail if step not in (Step.CONFIRM, Step.SIGNATURE)]
        self._go(Step.MATERIALS, Notice(user_message(exc)))
        return True

    def _refused_file(self, exc: BaseException) -> str | None:
        """The name of the file the backend refused ("M2-1.jpg", "signature.png"), from its 'attachments.N'."""
        if not isinstance(exc, RejectedError) or exc.code not in _FILE_REFUSALS:
            return None
        refused = refused_attachment(exc, self.attachments())
        return refused.name if refused is not None else None

    def _printed(self, result: Any) -> None:
        unchecked = isinstance(result, PrintResult) and not result.status_known  # the printer tells nothing
        if self.receipt is not None and self.receipt.provisional:
            self._go(Step.DONE, Notice(text("The service system is offline. Your application is saved on this "
                                            "terminal and will be sent automatically; you do not need to come "
                                            "back. Please check that your receipt was printed.") if unchecked else
                                       text("The service system is offline. Your application is saved on this "
                                            "terminal and will be sent automatically; you do not need to come "
                                            "back. Your receipt has been printed."), error=False, check=unchecked))
            return
        said = (text("Please check that your receipt was printed. If it was not, your case number is on the screen; "
                     "please note it down.") if unchecked else text("Your receipt has been printed. Please take it."))
        due = self._fee_left(said)
        self._go(Step.DONE, Notice(due or said, error=False, check=unchecked or due is not None))

    def _fee_left(self, said: Text) -> Text | None:
        """``said`` and where to pay, when the citizen chose to pay the fee later; None when nothing is left to pay."""
        receipt = self.receipt
        if receipt is None or not receipt.fee_yuan or receipt.fee_paid or receipt.provisional:
            return None
        return text("{printed} {kept}", printed=said, kept=text(
            "The fee is not paid yet: pay it at any terminal of this hall (My applications) or at the service "
            "window before you collect the result."))

    def _print_failed(self, exc: BaseException) -> None:
        log.warning("session: receipt not printed: %s", exc)
        said = text("The receipt could not be printed ({reason}). Your case number is on the screen; please note it "
                    "down.", reason=user_message(exc))
        self._go(Step.DONE, Notice(self._fee_left(said) or said))

    def rating_key(self) -> EvaluationKey | None:
        """What the citizen may rate now that a matter ended: the case (by its provisional number while it
        waits offline), the one-time notice, or the licence printed."""
        if self.receipt is not None:
            return EvaluationKey.case(self.receipt.case_number)
        if self.notice_number:
            return EvaluationKey.notice(self.notice_number)
        if self.licence_printed:
            return EvaluationKey.licence(self.licence_printed)
        return None

    def _rating(self) -> Rating:
        """The evaluation of the matter that ended (offered afresh when the matter is another)."""
        key = self.rating_key()
        if self.evaluation.key != key:
            self.evaluation.offer(key)
        return self.evaluation

    @property
    def rating(self) -> int | None:
        return self.evaluation.level

    @property
    def rating_low(self) -> int | None:
        return self.evaluation.low

    def _rating_open(self) -> bool:
        return self.step is Step.DONE and not self.busy

    def _send_rating(self, evaluation: Evaluation) -> None:
        """The citizen's evaluation (好差评) of the matter that ended (kiosk.evaluation). A case still waiting
        offline is rated by its provisional number, and the rating waits behind it."""
        applicant = self.application.applicant.id_number if self.application is not None else ""
        backend, submitter = self._backend, self._submitter
        self.busy = True
        self._changed()
        self._background(lambda: deliver(evaluation, backend, submitter, applicant), self._rated, self._not_rated,
                         self._desk_tasks)

    def _rated(self, recorded: Any) -> None:
        self.busy = False
        self._go(Step.DONE, Notice(thanks(recorded), error=False))

    def _not_rated(self, exc: BaseException) -> None:
        """Not sent: offered again (one that did arrive reads back as 'rated before')."""
        self.busy = False
        self._go(Step.DONE, Notice(not_sent(self.evaluation, user_message(exc))))

    def finish(self) -> None:
        """The citizen is done (or walked away): wipe everything and go home."""
        self.end("finished")

    def timeout(self) -> None:
        if self.step is not Step.HOME:
            self.end("idle timeout")

    def tell_at_home(self, notice: Notice) -> None:
        """A message for whoever stands at the home screen (the terminal has just restarted); it goes as the
        home screen's messages go, after ``terminal.home_notice_s``."""
        if self.step is Step.HOME and not self.busy:
            self._go(Step.HOME, notice)

    def clear_home_notice(self) -> None:
        """A message left on the home screen (a scanned code it could not use) goes after the idle time, so the next
        citizen does not find it."""
        if self.step is Step.HOME and self.notice is not None and not self.busy:
            self._go(Step.HOME)

    def end(self, reason: str) -> None:
        self._wipe(reason)
        self._go(Step.HOME)

    def _wipe(self, reason: str) -> None:
        """Forget everything of the session's citizen: identity buffers zeroed, names unlearned, results dropped."""
        log.info("session: ended (%s)", reason)
        self._generation += 1
        self._tasks.drop_gone()  # the look-ups queued for this citizen let go now, not when a worker is free
        self._withdrawal, self.withdrawn, self.withdrawal_queued = None, None, False
        self.withdrawal_waits_behind = False
        for person in (self.identity, self._pending_card):
            if person is not None:
                person.wipe()
        self._forget_application()
        self._pending_card = self._pending_token = None
        self.consents = []
        self._trail = []
        self.drafts_found, self.resumed_draft_id = [], None
        self.identity = self.service = self.application = self.receipt = None
        self.catalogue = []
        self.service_query, self.service_category = "", None
        self.licences = []
        self.my_cases = []
        self.purpose = "apply"
        self.evaluation.reset()
        self.payment, self._polling, self._paying_shown_case = None, False, False
        self.licence_printed = ""
        self.ticket_number = ""
        self._release_unheard_tickets()
        self._print_keys = {}
        self._drop_preview(release=True)  # walked away from a preview: the licence stays printable
        self.progress = None
        self.busy = False
        self._masker.forget_names()
