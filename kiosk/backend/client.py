"""The one HTTP client for the hall's backend (docs/api/openapi.yaml).

Every call has connect and read timeouts and is signed (common/signing.py).
Every answer must carry the backend's signature over its status, body and server time,
bound to the request's nonce (kiosk/backend/answer.py); one that does not is not believed.
Reads, and writes that carry an idempotency key, are retried a bounded number of
times with exponential backoff and jitter, honouring ``Retry-After``; nothing else
is. A retry starts only within the call's first read timeout: quick failures (refused,
503) are tried again, a backend that took the request and did not answer in time is not,
so a person waits about one read timeout for the terminal's word, not one per retry. An
answer, head and body, must arrive whole within twice the read timeout however it
trickles (kiosk/backend/answer_watch.py). A refused timestamp corrects the clock offset
from the server's time and is retried once. Whatever ``requests`` raises, and whatever a hostile answer holds, becomes
a typed :mod:`common.backend_errors` error before it leaves this module.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import random
import re
import threading
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping
from urllib.parse import clear_cache as forget_parsed_urls
from urllib.parse import quote, urlencode, urlsplit

from kiosk.backend import answer as answers
from kiosk.backend.declarations import declare
from kiosk.backend import tls_failure
from kiosk.backend.codec import (_get, _objects, company_from_json, consent_from_json, decision_from_json,
                                 evaluation_recorded_from_json, hall_terminals_from_json, notice_from_json,
                                 parse_time, payment_order_from_json, refusal_from_json, service_from_json,
                                 withdrawal_from_json)
from common import provisional, uscc
from common.backend_errors import (AuthError, BackendError, BadCreditCodeError, CompanyNotFoundError, OfflineError,
                                   RejectedError, ServerError, TlsError)
from common.audit_chain import audit_key
from common.signing import H_NONCE, Signer, demo_key
from kiosk.config import BackendConfig
from common.domain import (MAX_EVALUATION_COMMENT, Application, Attachment, CaseRefusal, Company, Consent,
                           ConsentWithdrawal, Evaluation, EvaluationKey, EvaluationRecorded, HallTerminal, PaymentOrder,
                           RatingReason, RecordedConsent, RecordedDecision, RecordedNotice, ServiceItem,
                           Submitted, WithdrawalRecorded)

if TYPE_CHECKING:
    import requests

    from kiosk.backend.answer_watch import AnswerWatch

log = logging.getLogger(__name__)
API = "/api/v1"


def load_signer(config: BackendConfig, terminal_id: str) -> Signer:
    if config.signing_key_file:
        try:
            raw = Path(config.signing_key_file).read_bytes().strip()
        except OSError as exc:
            raise AuthError(detail=f"cannot read signing key {config.signing_key_file}: {exc.strerror}") from None
        try:
            key = bytes.fromhex(raw.decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            key = raw
    else:
        log.warning("backend: signing with the sandbox demo key (set backend.signing_key_file in a hall)")
        key = demo_key(terminal_id)
    return Signer(terminal_id, key, config.signature_alg)


def application_draft(application: Application, *, materials_done: Iterable[str] = (), missing: Iterable[str] = (),
                      material_licences: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The ``DraftIn`` (without its pages' declarations) that keeps ``application``: its form, and who applies as
    its case would say (docs/api/payloads.md, "Drafts")."""
    payload = application.payload()
    body: dict[str, Any] = {"id_number": application.applicant.id_number, "service_code": application.service.code,
                            "form": application.form, "materials_done": list(materials_done),
                            "missing": list(missing), "material_licences": dict(material_licences or {}),
                            "applicant": payload["applicant"], "application_id": application.id}
    if payload.get("agent") is not None:
        body["agent"] = payload["agent"]
    return body


def _q(value: str) -> str:
    return quote(value, safe="")


_TICKET_NUMBER = re.compile(r"^[A-Z][0-9]{3,4}$")


def _queue_ticket(body: Any) -> dict[str, Any]:
    """A ``QueueTicket`` answer, its number checked: it is shown and spoken to the hall as it is."""
    number = _get(body, "ticket_number", str)
    if not _TICKET_NUMBER.match(number):
        raise ServerError(detail="queue ticket: not a ticket number")
    _get(body, "waiting_ahead", int, 0)
    return body


def _still(wanted: Callable[[], bool] | None) -> None:
    """Raise :class:`kiosk.tasks.Dropped` once the caller no longer waits for the answer (``wanted`` says False)."""
    if wanted is not None and not wanted():
        from kiosk.tasks import Dropped

        raise Dropped()


def _timed_out(exc: BaseException) -> bool:
    """Whether a timeout lies under ``exc`` (``requests`` wraps a write that timed out in a ConnectionError)."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        error = stack.pop()
        if id(error) in seen:
            continue
        seen.add(id(error))
        if isinstance(error, TimeoutError):
            return True
        stack.extend(arg for arg in error.args if isinstance(arg, BaseException))
        stack.extend(e for e in (error.__cause__, error.__context__) if e is not None)
    return False


class BackendClient:
    def __init__(self, config: BackendConfig, terminal_id: str, *, pool_size: int = 4,
                 backoff_s: float | None = None, sleep=time.sleep, signer: Signer | None = None, clock=time.time) -> None:
        self._config = config
        self._terminal_id = terminal_id
        self._prefix = urlsplit(config.url.rstrip("/")).path + API
        self._base = config.url.rstrip("/") + API
        self._backoff_s = backoff_s  # None: the configuration's retry_delay_s (tests pass a short one)
        self._sleep = sleep
        self._clock = clock  # the terminal's own clock, which may drift
        self._signer = signer or load_signer(config, terminal_id)
        self.clock_offset_s = 0.0
        self._pool_size = pool_size
        self._http: requests.Session | None = None
        self._http_lock = threading.Lock()
        # Passed on every request: a session-level value loses to REQUESTS_CA_BUNDLE in the environment.
        self._verify: str | bool = config.ca_bundle or True

    @property
    def _session(self) -> requests.Session:
        """The pooled HTTP session, made on the first call: importing requests takes 0.1-0.2 s, which the
        kiosk's first paint does not wait for (the heartbeat's first call makes it, on its own thread)."""
        with self._http_lock:
            if self._http is None:
                import requests
                from kiosk.backend.answer_watch import WatchedAdapter

                session = requests.Session()
                # a deadline on each whole answer, direct or through a proxy (kiosk/backend/answer_watch.py)
                adapter = WatchedAdapter(pool_connections=self._pool_size, pool_maxsize=self._pool_size, max_retries=0)
                session.mount("http://", adapter)
                session.mount("https://", adapter)
                # identity: the body is signed as sent, and a compressed bomb is refused unread (answer.read)
                session.headers.update({"User-Agent": f"OneTrip/{self._terminal_id}", "Accept-Encoding": "identity"})
                self._http = session
            return self._http

    def close(self) -> None:
        with self._http_lock:
            if self._http is not None:
                self._http.close()

    def reconfigure(self, config: BackendConfig) -> None:
        """Take new timeouts and retries (remote configuration); calls already under way keep theirs."""
        if (config.url, config.ca_bundle, config.signing_key_file, config.signature_alg) != (
                self._config.url, self._config.ca_bundle, self._config.signing_key_file, self._config.signature_alg):
            raise ValueError("only timeouts and retries change while the client runs")
        self._config = config

    @property
    def audit_key(self) -> bytes:
        """The audit chain's key, derived from this terminal's signing key (common/audit_chain.py)."""
        return audit_key(self._signer.key)

    @property
    def timeout(self) -> tuple[float, float]:
        return (self._config.connect_timeout_s, self._config.read_timeout_s)

    @property
    def answer_limit_s(self) -> float:
        """The whole answer, head and body, arrives within this of the request sent, however it trickles, or its body
        keeps coming at ``backend.min_download_kib_per_second`` (kiosk/backend/answer_watch.py): twice the read
        timeout, at least 1 s."""
        return max(1.0, 2 * self._config.read_timeout_s)

    def upload_limit_s(self, size: int) -> float:
        """A request's body of ``size`` bytes is taken by the backend within this of its start
        (kiosk/backend/answer_watch.py): the answer's limit and the body's time at the slowest line accepted."""
        return self.answer_limit_s + size / (1024 * self._config.min_upload_kib_per_second)

    # -- terminals ------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        return self._call("GET", "/health", retry=False)

    def enrol(self, hall_id: str, version: str, mode: str, installation: str = "") -> dict[str, Any]:
        """``installation``: this installation's id (kiosk/installation.py), said when there is one."""
        body = {"terminal_id": self._terminal_id, "hall_id": hall_id, "version": version, "mode": mode}
        if installation:
            body["installation"] = installation
        return self._call("POST", "/terminals/enrol", body=body, retry=True)

    def heartbeat(self, status: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", f"/terminals/{_q(self._terminal_id)}/heartbeat", body=status, retry=True)

    # -- identity ----------------------------------------------------------------------

    def resolve_app_token(self, token: str) -> dict[str, Any]:
        return self._call("POST", "/identity/app-token", body={"token": token})

    def lookup_identity(self, id_number: str, name: str) -> dict[str, Any]:
        return self._call("POST", "/identity/lookup", body={"id_number": id_number, "name": name}, retry=True)

    def record_consent(self, consent: Consent) -> RecordedConsent:
        """Record a consent (once per ``consent.key``: a retry or the same consent inside a case is not a second)."""
        return consent_from_json(self._call("POST", "/consents", body=consent.payload(), retry=True))

    def withdraw_consents(self, withdrawal: ConsentWithdrawal) -> WithdrawalRecorded:
        """Withdraw a person's consents (``POST /consents/withdrawals``), once per ``withdrawal.key``: a retry
        returns the stored withdrawal. The backend deletes their drafts too."""
        return self.send_withdrawal_payload(withdrawal.payload())

    def send_withdrawal_payload(self, payload: dict[str, Any]) -> WithdrawalRecorded:
        """A withdrawal as stored (``ConsentWithdrawal.payload()``: the offline queue keeps the JSON it first built)."""
        return withdrawal_from_json(self._call("POST", "/consents/withdrawals", body=payload, retry=True))

    def consents(self, id_number: str) -> list[RecordedConsent]:
        items = _objects(self._call("GET", "/consents", query={"id_number": id_number}, retry=True), "items")
        return [consent_from_json(item) for item in items]

    def company(self, credit_code: str, applicant_id_number: str) -> Company:
        """The company under a unified social credit code, and the applicant's role in it.

        BadCreditCodeError for a code that fails GB 32100 (checked here first, no call made),
        CompanyNotFoundError for one the backend does not hold.
        """
        return company_from_json(self._company_call(credit_code, "", {"id_number": applicant_id_number}))

    def licences(self, id_number: str, consent_id: str) -> list[dict[str, Any]]:
        """A person's electronic licences: {licence_id, type, name_zh, name_en, number, issuer, valid_to}."""
        body = self._call("GET", f"/persons/{_q(id_number)}/licences", headers={"X-Consent-Id": consent_id},
                          retry=True)
        return _objects(body, "items")

    def company_licences(self, credit_code: str, id_number: str, consent_id: str) -> list[dict[str, Any]]:
        """A company's electronic licences (items shaped as ``licences()``'), for ``id_number``, its legal
        representative or an authorised handler, with their consent of scope licences (``consent_id``).

        As ``company()``: BadCreditCodeError, CompanyNotFoundError; a RejectedError 403 ``consent_required``
        without a valid consent, 403 ``company_role`` when ``id_number`` has no role in the company.
        """
        body = self._company_call(credit_code, "/licences", {"id_number": id_number},
                                  headers={"X-Consent-Id": consent_id})
        return _objects(body, "items")

    def _company_call(self, credit_code: str, tail: str, query: dict[str, str],
                      headers: dict[str, str] | None = None) -> Any:
        """GET /companies/{code}{tail}: the code checked first (no call for a bad one), its refusals typed."""
        code = uscc.normalise(credit_code)
        if uscc.problem(code):
            raise BadCreditCodeError(code="bad_credit_code", detail=f"credit code: {uscc.problem(code)}")
        try:
            return self._call("GET", f"/companies/{_q(code)}{tail}", query=query, headers=headers, retry=True)
        except RejectedError as exc:
            typed = {"company_not_found": CompanyNotFoundError, "bad_credit_code": BadCreditCodeError}.get(exc.code)
            if typed is None:
                raise
            raise typed(code=exc.code, message_zh=exc.message_zh, message_en=exc.message_en, fields=exc.fields,
                        status=exc.status) from None

    # -- catalogue and drafts ------------------------------------------------------------

    def catalogue(self, category: str | None = None, applicant_type: str | None = None) -> list[ServiceItem]:
        query = {k: v for k, v in (("category", category), ("applicant_type", applicant_type)) if v}
        body = self._call("GET", "/services", query=query, retry=True)
        return [service_from_json(item) for item in _objects(body, "items")]

    def service(self, code: str) -> ServiceItem:
        return service_from_json(self._call("GET", f"/services/{_q(code)}", retry=True))

    def save_draft(self, id_number: str, service_code: str, form: dict[str, Any], materials_done: Iterable[str] = (),
                   *, applicant: dict[str, Any] | None = None, agent: dict[str, Any] | None = None,
                   material_licences: Mapping[str, str] | None = None, missing: Iterable[str] = (),
                   attachments: Iterable[Attachment] = ()) -> dict[str, Any]:
        """Keep an application while something is missing (PUT /drafts): the saved draft (``Draft``).

        ``id_number``: the person at the terminal; ``applicant`` / ``agent``: as in a case (None: the
        person, for themselves); ``materials_done``: every material settled (pages, a licence, or not
        applicable); ``material_licences``: {material code: licence id}; ``missing``: still to bring;
        ``attachments``: the pages so far, declared here as a case's. A save replaces the draft whole.
        """
        body: dict[str, Any] = {"id_number": id_number, "service_code": service_code, "form": form,
                                "materials_done": list(materials_done), "missing": list(missing),
                                "material_licences": dict(material_licences or {})}
        if applicant is not None:
            body["applicant"] = applicant
        if agent is not None:
            body["agent"] = agent
        return self.save_draft_payload(body, attachments)

    def save_draft_payload(self, body: dict[str, Any], attachments: Iterable[Attachment] = (), *,
                           upload_within_s: float | None = None, within_s: float | None = None) -> dict[str, Any]:
        """``PUT /drafts`` with a ``DraftIn`` as ``save_draft`` builds it (a draft queued while the backend was away
        is sent so: offline_queue/item_kinds.py), the pages declared here. A save replaces the draft whole, so the
        same save twice is one draft. ``upload_within_s``: the pages go within this, ``within_s``: the call whole
        within this, or it fails as offline (a person waits on it; the queue then sends it with the whole upload's
        time)."""
        body, files = dict(body), list(attachments)
        if files:
            body["attachments"] = declare(files)
        return self._call("PUT", "/drafts", body=body, files=files, json_part="draft", retry=True,
                          upload_within_s=upload_within_s, within_s=within_s)

    def save_application_draft(self, application: Application, attachments: Iterable[Attachment] = (), *,
                               materials_done: Iterable[str] = (), missing: Iterable[str] = (),
                               material_licences: Mapping[str, str] | None = None) -> dict[str, Any]:
        """``save_draft`` for an application: its form, and who applies as its case would say."""
        return self.save_draft_payload(application_draft(application, materials_done=materials_done,
                                                         missing=missing, material_licences=material_licences),
                                       attachments)

    def drafts(self, id_number: str) -> list[dict[str, Any]]:
        """The drafts saved by this person, or naming them as the applicant (a principal) or the agent."""
        return _objects(self._call("GET", "/drafts", query={"id_number": id_number}, retry=True), "items")

    def draft_page(self, draft_id: str, name: str, sha256: str | None = None,
                   wanted: Callable[[], bool] | None = None) -> bytes:
        """A draft's page as uploaded; with ``sha256`` (its declaration's), a page that differs is a ServerError.
        ``wanted``: asked between the answer's pieces and before a retry; once False the page is left where it is
        (its connection closed) and :class:`kiosk.tasks.Dropped` raised: on a slow line a page takes its time."""
        data = self._call("GET", f"/drafts/{_q(draft_id)}/pages/{_q(name)}", retry=True, raw=True, wanted=wanted)
        if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256.lower():
            raise ServerError(detail=f"draft page {name[:40]!r}: its bytes do not match its declared sha256")
        return data

    def delete_draft(self, draft_id: str) -> bool:
        """Once the case is submitted; False when the draft was already gone (a retry, another terminal)."""
        try:
            self._call("DELETE", f"/drafts/{_q(draft_id)}", retry=True)
        except RejectedError as exc:
            if exc.code == "draft_not_found":
                return False
            raise
        return True

    # -- cases ------------------------------------------------------------------------------

    def submit(self, application: Application, attachments: Iterable[Attachment] = (),
               provisional_number: str | None = None) -> Submitted:
        payload = application.payload()
        if provisional_number:
            payload["provisional_number"] = provisional_number
        return self.submit_payload(payload, application.idempotency_key, attachments)

    def submit_payload(self, payload: dict[str, Any], idempotency_key: str,
                       attachments: Iterable[Attachment] = ()) -> Submitted:
        """Send a case as stored (the offline queue keeps the exact JSON it first built, and the attachments).

        The attachments' declarations (``attachments`` in the JSON) are made here from the files
        (``declarations.declare``: ValueError for a name that does not say its material and page).
        """
        files = list(attachments)
        if files:
            payload = dict(payload, attachments=declare(files))
        body = self._call("POST", "/cases", body=payload, files=files, retry=True,
                          headers={"Idempotency-Key": idempotency_key})
        parse_time(_get(body, "submitted_at", str))
        return Submitted(_get(body, "case_number", str), _get(body, "status", str), _get(body, "submitted_at", str),
                         _get(body, "promised_days", int, 0), _get(body, "provisional_number", str, None))

    def case_status(self, case_number: str) -> dict[str, Any]:
        return self._call("GET", f"/cases/{_q(case_number)}", retry=True)

    def case_by_provisional(self, number: str) -> dict[str, Any] | CaseRefusal | None:
        """The case a provisional number became (a CaseView), its refusal (the backend refused the case that
        carried it: why and what to do), or None while it has not arrived (it waits in a terminal's queue)."""
        body = self._call("GET", "/cases", query={"provisional_number": number}, retry=True)
        items = _objects(body, "items")
        refused = _get(body, "refused", dict, None)
        if refused is not None and not items:
            return refusal_from_json(refused, number)
        if not items:
            return None
        for key in ("case_number", "status", "submitted_at"):
            _get(items[0], key, str)
        return items[0]

    def cases_of(self, id_number: str) -> list[dict[str, Any]]:
        """Every case of the person (as applicant or agent), and each refused case that carried a provisional number
        and named them, as ``{"provisional_number", "refused": CaseRefusal, "submitted_at"}`` (the refusal's time)."""
        body = self._call("GET", "/cases", query={"id_number": id_number}, retry=True)
        items, refused = _objects(body, "items"), []
        for obj in _objects(body, "refusals") if body.get("refusals") is not None else []:
            number = _get(obj, "provisional_number", str)
            if not provisional.is_valid(number):
                raise ServerError(detail="refusal: not a provisional number")
            refusal = refusal_from_json(obj, number)
            refused.append({"provisional_number": number, "refused": refusal, "submitted_at": refusal.refused_at})
        return items + refused

    def record_reprint(self, case_number: str, document: str = "receipt") -> dict[str, Any]:
        """POST /cases/{n}/reprints: a document of the case printed again here (each call is one more reprint:
        never retried, a lost answer at worst leaves one reprint unrecorded)."""
        return self._call("POST", f"/cases/{_q(case_number)}/reprints", body={"document": document})

    def issue_notice(self, service_code: str, id_number: str, missing: list[str], note: str = "",
                     case_number: str | None = None, idempotency_key: str | None = None,
                     credit_code: str | None = None, staff_token: str | None = None) -> dict[str, Any]:
        """Record a one-time notice (``NoticeOut``). ``idempotency_key``: one per notice, so an ask again (a retry
        here, a reprint after the printer failed, a retry after a lost answer) gets the notice recorded, not a
        second one; only a call with a key is retried. ``credit_code``: a company's matter; ``staff_token``: the
        clerk issuing it at a window (named when its paper is printed again)."""
        body = {"service_code": service_code, "id_number": id_number, "missing": missing, "note": note}
        if case_number:
            body["case_number"] = case_number
        if credit_code:
            body["credit_code"] = credit_code
        headers = {"X-Staff-Token": staff_token} if staff_token else {}
        if idempotency_key is None:
            return self._call("POST", "/notices", body=body, headers=headers)
        return self._call("POST", "/notices", body=body, retry=True,
                          headers={**headers, "Idempotency-Key": idempotency_key})

    def notice_of(self, number: str, staff_token: str) -> RecordedNotice:
        """A one-time notice as recorded, for its paper printed again at a window (kiosk/decision_copy.py)."""
        return notice_from_json(self._call("GET", f"/notices/{_q(number)}", retry=True,
                                           headers={"X-Staff-Token": staff_token}), number)

    def payment_order(self, case_number: str) -> PaymentOrder:
        """The case's fee order: the open (or paid) one if there is one, else a new one; never a second charge.
        A RejectedError 422 ``no_fee`` for a free service, 404 ``case_not_found``."""
        body = self._call("POST", f"/cases/{_q(case_number)}/payment", retry=True)  # one open order per case: safe
        return payment_order_from_json(body, case_number)

    def payment_status(self, order_id: str) -> PaymentOrder:
        """The order now: unpaid, paid, expired (past expires_at, or let lapse) or cancelled."""
        order = payment_order_from_json(self._call("GET", f"/payments/{_q(order_id)}", retry=True))
        if order.order_id != order_id:
            raise ServerError(detail="payment status: of another order")
        return order

    def ready_licences(self, id_number: str) -> list[dict[str, Any]]:
        return _objects(self._call("GET", "/licences/ready", query={"id_number": id_number}, retry=True), "items")

    def verify_licence(self, payload: str) -> dict[str, Any]:
        return self._call("POST", "/licences/verify", body={"payload": payload}, retry=True)  # a read

    def print_ticket(self, licence_id: str, idempotency_key: str | None = None) -> dict[str, Any]:
        """The licence's print ticket and document. ``idempotency_key``: one per print attempt, so an ask again
        (a retry, here or by the caller, after a lost answer) gets the open ticket it caused, not a 409."""
        if idempotency_key is None:
            return self._call("POST", f"/licences/{_q(licence_id)}/print-ticket")
        return self._call("POST", f"/licences/{_q(licence_id)}/print-ticket", retry=True,
                          headers={"Idempotency-Key": idempotency_key})

    def confirm_ticket(self, ticket_id: str) -> dict[str, Any]:
        return self._call("POST", f"/print-tickets/{_q(ticket_id)}/confirm", retry=True)

    def release_ticket(self, ticket_id: str) -> dict[str, Any]:
        return self._call("POST", f"/print-tickets/{_q(ticket_id)}/release", retry=True)

    def evaluate(self, key: str | EvaluationKey, level: int, reason: str | RatingReason | None = None,
                 channel: str = "kiosk", *, comment: str = "") -> EvaluationRecorded:
        """Rate one matter (5 非常满意 ... 1 非常不满意; 1 and 2 need a reason). ``key``: a case or provisional
        number as text, or an EvaluationKey (a notice, a licence). ``reason``: a RatingReason or its code; any
        other text is sent as reason ``other`` with that text as the comment (the older call shape)."""
        if isinstance(key, str):
            key = EvaluationKey.case(key)
        if isinstance(reason, str):
            known = {r.value: r for r in RatingReason}
            if reason and reason not in known:
                comment = comment or reason
            reason = known.get(reason, RatingReason.OTHER) if reason else None
        return self.send_evaluation(Evaluation(key, level, reason, comment[:MAX_EVALUATION_COMMENT], channel))

    def send_evaluation(self, evaluation: Evaluation) -> EvaluationRecorded:
        """POST /evaluations. A matter rated before is not an error: ``already_evaluated`` with the level that
        stands (a retry after a lost answer reads the same). ValueError for one the backend would refuse."""
        problem = evaluation.problem()
        if problem:
            raise ValueError(f"evaluation: {problem}")
        return self.send_evaluation_payload(evaluation.payload())

    def send_evaluation_payload(self, payload: dict[str, Any]) -> EvaluationRecorded:
        """An evaluation as stored (``Evaluation.payload()``: the offline queue keeps the JSON it first built)."""
        try:
            body = self._call("POST", "/evaluations", body=payload, retry=True)  # one per matter: safe
        except RejectedError as exc:
            if exc.code != "already_evaluated":
                raise
            level = str(exc.fields.get("level", ""))
            if level not in ("1", "2", "3", "4", "5"):
                raise ServerError(detail="already_evaluated without the first level") from None
            return EvaluationRecorded(int(level), True, recorded_at=str(exc.fields.get("recorded_at", ""))[:40])
        return evaluation_recorded_from_json(body, payload.get("level", 0))

    # -- clerk work ------------------------------------------------------------------------------

    def staff_sign_in(self, staff_id: str, password: str) -> dict[str, Any]:
        return self._call("POST", "/staff/sign-in", body={"staff_id": staff_id, "password": password})

    def decide(self, case_number: str, staff_token: str, decision: str, notice_id: str | None = None,
               legal_reason: str = "", note: str = "", received: Iterable[str] = (),
               within_s: float | None = None) -> dict[str, Any]:
        """``received``: with "accepted", the codes of the materials the clerk received (for the notice's copy);
        ``within_s``: the call whole within this (the rest of what a clerk and applicant wait for a decision:
        kiosk/workflows/clerk_case.py ``decide_in_time``)."""
        body: dict[str, Any] = {"decision": decision, "legal_reason": legal_reason, "note": note}
        if notice_id:
            body["notice_id"] = notice_id
        if received:
            body["received"] = list(received)
        return self._call("POST", f"/cases/{_q(case_number)}/decision", body=body,
                          headers={"X-Staff-Token": staff_token}, within_s=within_s)

    def decision_of(self, case_number: str, staff_token: str) -> RecordedDecision:
        """A case's window decision as recorded, for its document printed again (kiosk/decision_copy.py)."""
        return decision_from_json(self._call("GET", f"/cases/{_q(case_number)}/decision", retry=True,
                                             headers={"X-Staff-Token": staff_token}), case_number)

    def send_decision_payload(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A decision queued behind a case accepted offline (offline_queue/item_kinds.py, ``decision``): sent on the
        case's provisional number with the clerk's staff token it carries. The same decision recorded before (its
        answer lost) is an answer (``already_decided`` with that status); another decision standing, or the clerk's
        token not valid when the decision was made (the backend checks it as of ``decided_at``), is a
        ``RejectedError`` (a dead letter staff see, not a retry for ever)."""
        body = {k: v for k, v in payload.items() if k not in ("provisional_number", "staff_token")}
        try:
            return self._call("POST", f"/cases/{_q(str(payload['provisional_number']))}/decision", body=body,
                              headers={"X-Staff-Token": str(payload.get("staff_token", ""))}, retry=True)
        except RejectedError as exc:
            if exc.code != "already_decided" or exc.fields.get("status") != payload.get("decision"):
                raise
            return {"already_decided": True, "status": exc.fields.get("status")}
        except AuthError as exc:
            if exc.detail != "staff_auth":  # the terminal's own credentials: waits, as every item
                raise
            raise RejectedError(code="staff_auth", status=401, message_en="the clerk's sign-in was not valid when "
                                "the decision was made: decide the case at the backend", detail="staff_auth") from None

    def handover(self, staff_token: str, case_number: str, licence_id: str, recipient_id_number: str,
                 recipient_is_agent: bool = False, idempotency_key: str | None = None, *,
                 holder_id_number: str | None = None, authorisation_checked: bool = False) -> dict[str, Any]:
        """Record a licence handed over at the window. ``idempotency_key``: one per licence per applicant's visit, so
        asking again (a retry, here or by the caller) answers the hand-over recorded, never a second one. An agent
        (``recipient_is_agent``) names the holder and says the clerk checked the holder's authorisation."""
        headers = {"X-Staff-Token": staff_token}
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        body: dict[str, Any] = {"case_number": case_number, "licence_id": licence_id,
                                "recipient_id_number": recipient_id_number, "recipient_is_agent": recipient_is_agent}
        if recipient_is_agent:
            body.update(holder_id_number=holder_id_number, authorisation_checked=authorisation_checked)
        return self._call("POST", "/handovers", headers=headers, retry=idempotency_key is not None, body=body)

    # -- the hall's queue (叫号) ------------------------------------------------------------------------

    def take_queue_ticket(self, category: str | None = None, service_code: str | None = None,
                          idempotency_key: str | None = None) -> dict[str, Any]:
        """A ticket of the hall's queue (``QueueTicket``: ``ticket_number`` such as A012, ``waiting_ahead``), of a
        category or of the one ``service_code`` queues under. ``idempotency_key``: one per ticket asked for, so a
        retry after a lost answer gets the same number, not a second one; only a call with a key is retried."""
        body = {k: v for k, v in (("category", category), ("service_code", service_code)) if v is not None}
        if idempotency_key is None:
            return _queue_ticket(self._call("POST", "/queue/tickets", body=body))
        return _queue_ticket(self._call("POST", "/queue/tickets", body=body, retry=True,
                                        headers={"Idempotency-Key": idempotency_key}))

    def call_queue_ticket(self, staff_token: str, window: int, idempotency_key: str,
                          categories: Iterable[str] = ()) -> dict[str, Any] | None:
        """The next waiting ticket called to ``window`` (``QueueTicket``), or None when no one waits. Always under
        an ``Idempotency-Key`` (one per call the clerk makes), so a retry after a lost answer answers the ticket it
        called rather than skipping that citizen: retried with backoff."""
        try:
            return _queue_ticket(self._call("POST", "/queue/call", body={"window": window,
                                                                         "categories": list(categories)},
                                            retry=True, headers={"X-Staff-Token": staff_token,
                                                                 "Idempotency-Key": idempotency_key}))
        except RejectedError as exc:
            if exc.code == "queue_empty":
                return None
            raise

    def recall_queue_ticket(self, staff_token: str, ticket_number: str, window: int) -> dict[str, Any]:
        """The ticket this window called, called again (each call announces it once more: a retry is harmless)."""
        return _queue_ticket(self._call("POST", f"/queue/tickets/{_q(ticket_number)}/recall", body={"window": window},
                                        retry=True, headers={"X-Staff-Token": staff_token}))

    def finish_queue_ticket(self, staff_token: str, ticket_number: str, window: int, outcome: str) -> dict[str, Any]:
        """``served`` or ``no_show``: the same outcome again answers it again, so it is retried."""
        return _queue_ticket(self._call("POST", f"/queue/tickets/{_q(ticket_number)}/finish", retry=True,
                                        body={"window": window, "outcome": outcome},
                                        headers={"X-Staff-Token": staff_token}))

    def queue_waiting(self, categories: Iterable[str] = ()) -> int:
        """How many of today's tickets (of ``categories``; all when none) wait to be called."""
        query = [("category", c) for c in categories]
        body = self._call("GET", "/queue" + ("?" + urlencode(query) if query else ""), retry=True)
        return _get(body, "waiting", int)

    def hall_terminals(self, hall_id: str, staff_token: str) -> list[HallTerminal]:
        """Every terminal of this terminal's hall as the backend last heard from it (maintenance staff only)."""
        body = self._call("GET", f"/halls/{_q(hall_id)}/terminals", retry=True, headers={"X-Staff-Token": staff_token})
        return hall_terminals_from_json(body, hall_id)

    def send_audit(self, entries: list[dict[str, Any]]) -> dict[str, Any]:
        """Push audit entries; the answer is the head the backend holds (``count``, ``head``)."""
        return self._call("POST", "/audit", body={"entries": entries}, retry=True)  # the chain makes resends safe

    # -- plumbing ------------------------------------------------------------------------------------

    def _call(self, method: str, path: str, *, body: Any = None, files: list[Attachment] | None = None,
              query: dict[str, str] | None = None, headers: dict[str, str] | None = None,
              retry: bool = False, json_part: str = "case", raw: bool = False,
              upload_within_s: float | None = None, within_s: float | None = None,
              wanted: Callable[[], bool] | None = None) -> Any:
        """The answer's JSON object (``raw``: its bytes); ``json_part``: the multipart part that holds ``body``;
        ``upload_within_s``: a shorter deadline for the body's upload than its size gives (``upload_limit_s``);
        ``within_s``: the call whole, its tries included, within this (a person's wait with a share already
        spent); ``wanted``: the caller still waits for it (``draft_page``), else :class:`kiosk.tasks.Dropped`."""
        try:
            return self._tries(method, path, body, files, query, headers, retry, json_part, raw, upload_within_s,
                               within_s, wanted)
        finally:
            # the standard library keeps the last 128 URLs it parsed (``urllib.parse.urlsplit``'s cache, which
            # requests fills), and a look-up's URL holds an ID number (``?id_number=``): after 300 steps of the window's
            # monkey its memory still held the numbers of four applicants gone long before (monkey_common.in_memory)
            forget_parsed_urls()

    def _tries(self, method: str, path: str, body: Any, files: list[Attachment] | None, query: dict[str, str] | None,
               headers: dict[str, str] | None, retry: bool, json_part: str, raw: bool, upload_within_s: float | None,
               within_s: float | None, wanted: Callable[[], bool] | None) -> Any:
        target = path + ("?" + urlencode(query) if query else "")
        data, content_type = self._encode(body, files, json_part)
        attempts = 1 + (self._config.retries if (retry or method == "GET") else 0)
        clock_retried = False
        last: BackendError | None = None
        attempt = 0
        began = time.monotonic()
        tries_within_s = self._config.read_timeout_s if within_s is None else min(self._config.read_timeout_s,
                                                                                   within_s)
        while attempt < attempts:
            if attempt and last is not None:
                delay = self._delay(attempt, last)
                if time.monotonic() - began + delay >= tries_within_s:
                    log.info("%s %s: not tried again, %.1f s after it began", method, path, time.monotonic() - began)
                    break  # a slow failure is not asked again at once: the caller's next try, or the queue's, is
                self._sleep(delay)
                _still(wanted)
            try:
                left_s = None if within_s is None else max(0.1, within_s - (time.monotonic() - began))
                return self._once(method, target, data, content_type, headers or {}, raw, upload_within_s,
                                  left_s, wanted)
            except AuthError as exc:
                if exc.detail == "stale_timestamp" and not clock_retried:
                    clock_retried = True  # the offset was corrected from the refusal's server time
                    log.warning("%s %s: clock refused; retrying with offset %.1f s", method, path, self.clock_offset_s)
                    continue
                raise
            except (OfflineError, ServerError) as exc:
                last = exc
                attempt += 1
                log.warning("%s %s failed (attempt %d of %d): %s", method, path, attempt, attempts, exc.detail)
        assert last is not None
        raise last

    def _delay(self, attempt: int, last: BackendError) -> float:
        base = self._config.retry_delay_s if self._backoff_s is None else self._backoff_s
        delay = base * (2 ** (attempt - 1)) * (0.5 + random.random())
        retry_after = getattr(last, "retry_after", 0.0)
        return min(max(delay, retry_after), self._config.max_retry_after_s)

    @staticmethod
    def _encode(body: Any, files: list[Attachment] | None, json_part: str = "case") -> tuple[bytes, str | None]:
        if body is None:
            return b"", None
        text = json.dumps(body, ensure_ascii=False).encode("utf-8")
        if not files:
            return text, "application/json; charset=utf-8"
        boundary = "onetrip-" + uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{json_part}"\r\n'
                 f"Content-Type: application/json; charset=utf-8\r\n\r\n".encode() + text + b"\r\n"]
        for f in files:
            safe = f.name.replace('"', "").replace("\r", "").replace("\n", "")
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="{safe}"\r\n'
                         f"Content-Type: {f.mime}\r\n\r\n".encode() + f.data + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return b"".join(parts), f"multipart/form-data; boundary={boundary}"

    def _once(self, method: str, target: str, data: bytes, content_type: str | None,
              extra: dict[str, str], raw: bool = False, upload_within_s: float | None = None,
              within_s: float | None = None,
              wanted: Callable[[], bool] | None = None) -> dict[str, Any] | bytes:
        url = self._base + target
        headers = dict(extra)
        if content_type:
            headers["Content-Type"] = content_type
        signed = self._signer.headers(method, self._prefix + target, data, self._clock() + self.clock_offset_s)
        headers.update(signed)
        started = self._clock()
        session = self._session
        import requests  # made (and imported) by the line above

        from kiosk.backend.answer_watch import AnswerWatch

        upload_limit_s, answer_limit_s = self.upload_limit_s(len(data)), self.answer_limit_s
        if upload_within_s is not None:
            upload_limit_s = min(upload_limit_s, upload_within_s)
        if within_s is not None:  # what is said of a cut names the shorter time
            upload_limit_s, answer_limit_s = min(upload_limit_s, within_s), min(answer_limit_s, within_s)
        watch = AnswerWatch(answer_limit_s, upload_bytes=len(data), upload_limit_s=upload_limit_s,
                            answer_bytes_per_s=1024 * self._config.min_download_kib_per_second,
                            whole_within_s=within_s)
        try:
            with watch:
                # a file, so the body goes in pieces, each write within the socket's timeout (answer_watch.py)
                response = session.request(method, url, data=io.BytesIO(data) if data else None, headers=headers,
                                           timeout=self.timeout, verify=self._verify, stream=True,
                                           allow_redirects=False)
                answer = answers.read(response, answers.MAX_ANSWER_BYTES, watch.took if wanted is None else
                                      lambda size: (watch.took(size), _still(wanted)))
        except Exception as exc:
            if watch.fired_uploading:  # whatever the cut made the libraries say: the line did not take the body
                limit = f"{watch.upload_limit_s:.0f}" if watch.upload_limit_s >= 1 else f"{watch.upload_limit_s:.1f}"
                raise OfflineError(detail=f"{url} did not take the request's {len(data) // 1024} KiB within "
                                          f"{limit} s") from None
            if watch.fired:  # whatever the cut made the libraries say: the answer did not come in time
                raise self._late(watch, url) from None
            if isinstance(exc, BackendError):
                raise
            if isinstance(exc, requests.exceptions.SSLError):
                raise TlsError(detail=tls_failure.said(exc)) from None
            if isinstance(exc, requests.exceptions.ConnectTimeout):
                raise OfflineError(detail=f"connect to {url} timed out") from None
            if isinstance(exc, requests.exceptions.ReadTimeout):
                raise OfflineError(detail=f"no answer from {url} within {self._config.read_timeout_s} s") from None
            if isinstance(exc, requests.exceptions.ConnectionError) and _timed_out(exc):
                raise OfflineError(detail=f"the line to {url} took no piece of the request within "
                                          f"{self._config.connect_timeout_s} s") from None
            if isinstance(exc, requests.exceptions.RequestException):
                raise OfflineError(detail=f"{url}: {type(exc).__name__}") from None
            raise
        if watch.fired:  # cut, and the libraries took the end of the line for the end of the answer
            raise self._late(watch, url)
        received = self._clock()
        accept = answers.accept_bytes if raw else answers.accept
        return accept(answer, self._signer, method, self._prefix + target, signed[H_NONCE],
                      lambda server: self._learn_clock(server, started, received))

    def _late(self, watch: AnswerWatch, url: str) -> OfflineError:
        """What an answer cut at its deadline was (kiosk/backend/answer_watch.py)."""
        if watch.fired_slow:  # its body came, but slower than the slowest line given
            return OfflineError(detail=f"the answer from {url} came slower than "
                                       f"{self._config.min_download_kib_per_second:g} KiB/s ({watch.received // 1024} "
                                       f"KiB within {watch.limit_s:.3g} s and that pace)")
        return OfflineError(detail=f"no whole answer from {url} within {watch.limit_s:.3g} s")

    def _learn_clock(self, server: float, sent: float, received: float) -> None:
        self.clock_offset_s = server - (sent + received) / 2
