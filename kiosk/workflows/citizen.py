"""A citizen's session at the kiosk, as a state machine without Qt.

Home -> place ID card -> identity shown masked -> choose a service -> confirm
-> submit -> receipt printed -> done -> home. The session never blocks: network
and printer calls go to the :class:`~kiosk.tasks.TaskRunner`, and their results
come back as method calls on the owning thread. A result that arrives after
the session was cancelled or timed out is dropped (the generation changed).
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import logging
from dataclasses import dataclass
from typing import Any, Callable

from devices.docprinter.base import DocumentPrinter
from devices.errors import DeviceError
from devices.receipt.base import ReceiptPrinter
from kiosk.backend.client import BackendClient
from common.backend_errors import BackendError, RejectedError
from common.domain import Application, CardType, Identity, Receipt, ServiceItem
from common.i18n import N_, Text, language, text
from common.masking import Masker
from kiosk.payloads import PayloadKind, classify
from kiosk.receipts import citizen_receipt
from kiosk.submission import Outcome, Submitter
from kiosk.search import CategoryCount, ServiceIndex, categories
from kiosk.tasks import TaskRunner
from kiosk.workflows import admit

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


RATINGS = (  # 好差评: five levels; the two lowest need a reason
    (5, N_("Very satisfied")), (4, N_("Satisfied")), (3, N_("Fair")), (2, N_("Dissatisfied")),
    (1, N_("Very dissatisfied")))
# The catalogue's category keys as the citizen reads them; an unknown key is shown as it comes.
CATEGORY_LABELS = {
    "market": N_("Business and market"), "public_security": N_("Public security"),
    "social_security": N_("Social security"), "housing": N_("Housing"),
    "natural_resources": N_("Land and natural resources"), "health": N_("Health"),
    "transport": N_("Transport"), "civil_affairs": N_("Civil affairs"), "tax": N_("Tax"),
    "": N_("Other services"),
}

LOW_RATING_REASONS = (N_("Long wait"), N_("Hard to use"), N_("Unclear what to bring"), N_("A device did not work"))


class Step(enum.Enum):
    HOME = "home"
    READ_CARD = "read_card"
    IDENTIFIED = "identified"
    CHOOSE_SERVICE = "choose_service"
    CONFIRM = "confirm"
    SUBMITTING = "submitting"
    LICENCES = "licences"        # ready licences to print (the "print my licence" errand)
    PROGRESS = "progress"        # a case's progress, from a scanned receipt code
    PRINTING = "printing"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class Notice:
    """A plain-language message for the screen, with whether it is an error."""

    message: Text
    error: bool = True


def user_message(exc: BaseException) -> Text:
    """The plain-language message for any failure; a traceback never reaches a citizen."""
    if isinstance(exc, RejectedError):
        return text("{message}", message=exc.server_message(language()))
    if isinstance(exc, (BackendError, DeviceError)) or isinstance(getattr(exc, "message", None), Text):
        return exc.message
    return text("Something went wrong. Please try again or ask the hall staff.")


class CitizenSession:
    def __init__(self, *, backend: BackendClient, submitter: Submitter, printer: ReceiptPrinter, tasks: TaskRunner,
                 terminal_id: str, masker: Masker, document_printer: DocumentPrinter | None = None) -> None:
        self._backend = backend
        self._submitter = submitter
        self._document_printer = document_printer
        self.purpose = "apply"   # or "licence": print a licence that is ready
        self.rating: int | None = None  # 好差评 given for this session's case
        self.progress: dict[str, Any] | None = None
        self.licences: list[dict[str, Any]] = []
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
        self.receipt: Receipt | None = None
        self.notice: Notice | None = None
        self.busy = False

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

    def _changed(self) -> None:
        for observer in list(self._observers):
            observer(self)

    def _background(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
                    on_error: Callable[[BaseException], None]) -> None:
        generation = self._generation

        def done(result: Any) -> None:
            if generation == self._generation:
                on_done(result)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                on_error(exc)
            else:
                log.info("session: dropped a late failure: %s", exc)

        self._tasks.run(fn, done, failed)

    # -- citizen actions and device events ---------------------------------

    def start_with_card(self, purpose: str = "apply") -> None:
        if self.step is Step.HOME:
            self.purpose = purpose
            self._go(Step.READ_CARD)

    def card_read(self, identity: Identity) -> None:
        if self.step not in (Step.HOME, Step.READ_CARD):
            identity.wipe()  # a card placed mid-session does not replace the applicant
            return
        refused = admit(identity, self._masker)
        if refused is not None:
            self._go(Step.READ_CARD, Notice(refused))
            return
        self.identity = identity
        log.info("session: identified %s", identity.masked_id)
        if self.purpose == "licence":
            self.busy = True
            self._go(Step.LICENCES)
            self._background(lambda: self._backend.ready_licences(identity.id_number), self._licences_loaded,
                             self._licences_failed)
            return
        self._go(Step.IDENTIFIED)

    # -- scanned codes ---------------------------------------------------------------------------

    def code_scanned(self, scanned: str) -> None:
        """A code from any scanner: the app's identity code, a receipt (progress), or a plain refusal."""
        if self.step not in (Step.HOME, Step.READ_CARD, Step.PROGRESS) or self.busy:
            return
        payload = classify(scanned)
        log.info("session: scanned a %s code", payload.kind.value)
        if payload.kind is PayloadKind.IDENTITY_TOKEN:
            token = payload.fields["token"]
            self.busy = True
            self._changed()
            self._background(lambda: identity_from_person(self._backend.resolve_app_token(token)),
                             self._token_resolved, self._scan_failed)
        elif payload.kind is PayloadKind.RECEIPT:
            number = payload.fields.get("case_number") or payload.fields["provisional_number"]
            self.busy = True
            self._changed()
            self._background(lambda: self._lookup_progress(number), self._progress_found, self._scan_failed)
        else:
            self._go(self.step if self.step is not Step.PROGRESS else Step.HOME,
                     Notice(payload.message or text("This code cannot be used here.")))

    def _token_resolved(self, identity: Identity) -> None:
        self.busy = False
        if self.step is Step.PROGRESS:
            self.step = Step.HOME
        self.card_read(identity)

    def _lookup_progress(self, number: str) -> dict[str, Any] | None:
        if number.startswith("P-"):
            return self._backend.case_by_provisional(number) or {"provisional_number": number, "pending": True}
        return self._backend.case_status(number)

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

    def print_licence(self, licence_id: str) -> None:
        if self.step is not Step.LICENCES or self._document_printer is None:
            return
        printer, backend = self._document_printer, self._backend
        self._go(Step.PRINTING)

        def work() -> str:
            ticket = backend.print_ticket(licence_id)  # the backend hands out one open ticket per licence
            pdf = bytearray(base64.b64decode(ticket["document_pdf_base64"]))
            try:
                printer.print_pdf(bytes(pdf), licence_id)
            except Exception:
                backend.release_ticket(ticket["ticket_id"])  # not printed: the licence stays printable
                raise
            finally:
                pdf[:] = b"\x00" * len(pdf)
            backend.confirm_ticket(ticket["ticket_id"])  # printed: consumed, once
            return licence_id

        self._background(work, self._licence_printed,
                         lambda exc: self._go(Step.LICENCES, Notice(user_message(exc))))

    def _licence_printed(self, licence_id: str) -> None:
        log.info("session: licence %s printed", licence_id)
        self.licences = [item for item in self.licences if item["licence_id"] != licence_id]
        self._go(Step.DONE, Notice(text("Your licence has been printed. Please take it from the printer."),
                                   error=False))

    def card_failed(self, message: Text) -> None:
        if self.step in (Step.HOME, Step.READ_CARD):
            self._go(Step.READ_CARD, Notice(message))

    def continue_to_services(self) -> None:
        if self.step is not Step.IDENTIFIED:
            return
        self.busy = True
        self._changed()
        self._background(self._load_catalogue, self._catalogue_loaded, self._catalogue_failed)

    def _load_catalogue(self) -> tuple[list[ServiceItem], ServiceIndex | None]:
        """On the task runner: the catalogue and its search index (built once per catalogue, ~0.2 s)."""
        items = [s for s in self._backend.catalogue() if "person" in s.applicant_types]
        index = self._service_index
        if index is None or index.items != tuple(items):
            try:
                index = ServiceIndex(items)
            except Exception:  # search is a help, not a must: the list still shows every service
                log.exception("session: building the service index failed")
                index = None
        return items, index

    def _catalogue_loaded(self, loaded: tuple[list[ServiceItem], ServiceIndex | None]) -> None:
        self.busy = False
        self.catalogue, self._service_index = loaded
        self.service_query, self.service_category = "", None
        self._go(Step.CHOOSE_SERVICE)

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
        if self.step is not Step.CHOOSE_SERVICE or self.identity is None:
            return
        found = next((s for s in self.catalogue if s.code == code), None)
        if found is None:
            self._go(Step.CHOOSE_SERVICE, Notice(text("That service is not available at this terminal.")))
            return
        self.service = found
        if self.application is None or self.application.service.code != code:
            self.application = Application(found, self.identity, self._terminal_id)
        self._go(Step.CONFIRM)

    def back(self) -> None:
        previous = {Step.CONFIRM: Step.CHOOSE_SERVICE, Step.CHOOSE_SERVICE: Step.IDENTIFIED,
                    Step.FAILED: Step.CONFIRM}
        if self.step in previous and not self.busy:
            self._go(previous[self.step])

    def confirm(self) -> None:
        if self.step is not Step.CONFIRM or self.application is None:
            return
        self._go(Step.SUBMITTING)
        application = self.application
        self._background(lambda: self._submitter.submit(application), self._submitted, self._submit_failed)

    def _submitted(self, outcome: Outcome) -> None:
        assert self.application is not None and self.identity is not None
        service = self.application.service
        try:
            when = dt.datetime.fromisoformat(outcome.submitted_at)
        except ValueError:
            when = dt.datetime.now().astimezone()
        self.receipt = Receipt(
            case_number=outcome.number, service_code=service.code, service_name_zh=service.name_zh,
            service_name_en=service.name_en, applicant_masked_name=self.identity.masked_name,
            applicant_masked_id=self.identity.masked_id, terminal_id=self._terminal_id, submitted_at=when,
            promised_days=outcome.promised_days, provisional=outcome.provisional)
        log.info("session: case %s %s", outcome.number, "stored offline" if outcome.provisional else "submitted")
        document = citizen_receipt(self.receipt, language())
        self._background(lambda: self._printer.print_receipt(document), self._printed, self._print_failed)

    def _submit_failed(self, exc: BaseException) -> None:
        log.warning("session: submission failed: %s", exc)
        self._go(Step.FAILED, Notice(user_message(exc)))

    def _printed(self, _result: Any) -> None:
        if self.receipt is not None and self.receipt.provisional:
            self._go(Step.DONE, Notice(text("The service system is offline. Your application is saved on this "
                                            "terminal and will be sent automatically; you do not need to come "
                                            "back. Your receipt has been printed."), error=False))
            return
        self._go(Step.DONE, Notice(text("Your receipt has been printed. Please take it."), error=False))

    def _print_failed(self, exc: BaseException) -> None:
        log.warning("session: receipt not printed: %s", exc)
        self._go(Step.DONE, Notice(text("The receipt could not be printed ({reason}). Your case number is on the "
                                        "screen; please note it down.", reason=user_message(exc))))

    def can_rate(self) -> bool:
        return (self.step is Step.DONE and self.receipt is not None and not self.receipt.provisional
                and self.rating is None)

    def rate(self, level: int, reason: str = "") -> None:
        """The citizen's evaluation of this case (好差评); levels 1 and 2 need one of the reasons."""
        if not self.can_rate() or level not in (1, 2, 3, 4, 5) or (level <= 2 and not reason):
            return
        assert self.receipt is not None
        number, self.rating = self.receipt.case_number, level
        self._changed()
        self._background(lambda: self._backend.evaluate(number, level, reason),
                         lambda _r: self._go(Step.DONE, Notice(text("Thank you for your evaluation."), error=False)),
                         lambda exc: self._go(Step.DONE, Notice(user_message(exc))))

    def finish(self) -> None:
        """The citizen is done (or walked away): wipe everything and go home."""
        self.end("finished")

    def timeout(self) -> None:
        if self.step is not Step.HOME:
            self.end("idle timeout")

    def end(self, reason: str) -> None:
        log.info("session: ended (%s)", reason)
        self._generation += 1
        if self.identity is not None:
            self.identity.wipe()
        self.identity = self.service = self.application = self.receipt = None
        self.catalogue = []
        self.service_query, self.service_category = "", None
        self.licences = []
        self.purpose = "apply"
        self.rating = None
        self.progress = None
        self.busy = False
        self._masker.forget_names()
        self._go(Step.HOME)
