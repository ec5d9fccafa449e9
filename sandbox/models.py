"""The contract's shapes (pydantic). They generate docs/api/openapi.yaml, so the spec cannot drift."""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from common import idnumber
from common.domain import CLOCK_OFFSET_MAX_S, DNS_STALE_MAX, HOST_NAME, INSTALLATION_OR_NONE
from common.form_fields import field_problem, repeated_name
from common.form_patterns import MAX_PATTERN, compile_pattern
from sandbox.attachments import MATERIAL_CODE, MAX_FILES, SIGNATURE, SIGNATURE_NAME, name_problem

ID_NUMBER = idnumber.PATTERN  # 18 characters (GB 11643) or the 2017 foreigner card's 15: common/idnumber.py
CREDIT_CODE = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"
CASE_NUMBER = r"^SQ[0-9]{13}$"
NOTICE_NUMBER = r"^GZ[0-9]{13}$"
PROVISIONAL = r"^P-[A-Z0-9-]{1,16}-[0-9]{8}-([0-9A-HJ-NP-Z]{4}-)?[0-9]{5}-[0-9A-Z*]$"  # series optional: the first format
CaseStatus = Literal["submitted", "accepted", "in_review", "approved", "ready", "collected",
                     "incomplete", "not_accepted"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    code: str = Field(description="machine-readable error code")
    message_zh: str
    message_en: str
    fields: dict[str, str] = Field(default_factory=dict)


class ErrorBody(BaseModel):
    error: ErrorDetail


# -- terminals ----------------------------------------------------------------

class DeviceStatus(Strict):
    name: str = Field(max_length=40)
    state: Literal["ready", "busy", "offline", "error"]
    reason: str = Field(default="", max_length=200)


class QueueStatus(Strict):
    depth: int = Field(ge=0, description="items waiting to be delivered")
    oldest_age_s: float = Field(ge=0)
    dead: int = Field(default=0, ge=0, description="refused by the backend or given up on: staff may retry")
    quarantined: int = Field(default=0, ge=0, description="damaged on the terminal: cannot be read or authenticated")
    held: int = Field(default=0, ge=0, description="kept for staff: the backend holds another application under "
                                                   "the item's provisional number")
    recovered_from: Optional[str] = Field(default=None, max_length=500,
                                          description="where a damaged queue database was moved aside at start "
                                                      "(kiosk queue import takes its items back); null when none")


class RestartStatus(Strict):
    last_24h: int = Field(default=0, ge=0, le=100000, description="times kiosk supervise started the terminal again "
                                                                  "in the last 24 hours")
    last_reason: Literal["", "froze", "crashed", "exited", "unstartable", "memory", "device", "disk"] = Field(
        default="", description="why the last restart was needed (empty: none recorded)")
    last_at: str = Field(default="", max_length=32, pattern=r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2})?$",
                         description="when the last restart was needed, ISO 8601 with its offset (empty: none)")


INSTALLATION_DOC = ("the terminal's installation, a random id made once in its data folder, so that two terminals "
                    "under one terminal id are seen; absent from older terminals")


class EnrolIn(Strict):
    terminal_id: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9-]+$")
    hall_id: str = Field(min_length=1, max_length=32)
    version: str = Field(max_length=32)
    mode: Literal["kiosk", "window", "maintenance"]
    installation: str = Field(default="", pattern=INSTALLATION_OR_NONE, description=INSTALLATION_DOC)


class HeartbeatIn(Strict):
    version: str = Field(max_length=32)
    mode: Literal["kiosk", "window", "maintenance"] = "kiosk"
    devices: list[DeviceStatus] = Field(default_factory=list, max_length=20)
    queue: QueueStatus
    free_disk_mb: float = Field(ge=0)
    audit_head: str = Field(default="", max_length=64, description="mac of the last entry of the terminal's audit "
                                                                   "chain; empty when none")
    audit_count: int = Field(default=0, ge=0, description="how many entries the terminal's audit chain holds")
    config_refused: str = Field(default="", max_length=300,
                                description="why the last remote configuration was refused (empty: it was applied)")
    restarts: RestartStatus = Field(default_factory=RestartStatus,
                                    description="the terminal started again by its supervisor: frozen, crashed "
                                                "or ended")
    clock_offset_s: Optional[float] = Field(default=None, ge=-CLOCK_OFFSET_MAX_S, le=CLOCK_OFFSET_MAX_S,
                                            description="the backend's clock less the terminal's, as the terminal "
                                                        "learned it from the backend's signed answers (seconds); null "
                                                        "before any, absent from older terminals")
    dns_stale: list[Annotated[str, StringConstraints(pattern=HOST_NAME)]] = Field(
        default_factory=list, max_length=DNS_STALE_MAX,
        description="host names the terminal's DNS does not answer for, which it reaches at the addresses they last "
                    "gave (the backend's, a printer's); empty while every name answers, absent from older terminals")
    installation: str = Field(default="", pattern=INSTALLATION_OR_NONE, description=INSTALLATION_DOC)
    disk_writable: bool = Field(default=True, strict=True, description="whether the terminal's disk took the last write it tried "
                                                          "(false: worn and remounted read-only, or full; it keeps "
                                                          "nothing, and under kiosk supervise shows that it is out of "
                                                          "order once nobody uses it); absent from older terminals")


class HallTerminal(BaseModel):
    terminal_id: str
    mode: Literal["kiosk", "window", "maintenance"]
    version: str = Field(max_length=32)
    last_heartbeat: str = Field(description="when its last heartbeat came, ISO 8601; empty: enrolled, none yet")
    silent_s: Optional[float] = Field(ge=0, description="seconds since its last heartbeat (or its enrolment), as "
                                                        "the backend counts them; null when it never enrolled")
    devices: list[DeviceStatus] = Field(max_length=20)
    queue: Optional[QueueStatus] = Field(description="its offline queue as its last heartbeat said; null before one")
    free_disk_mb: Optional[float] = Field(ge=0)
    restarts: RestartStatus
    window: bool = Field(default=False, description="whether the hall registered it as one of its windows (a "
                                                   "case's counter_checked is taken only from one); absent from "
                                                   "older backends")
    clock_offset_s: Optional[float] = Field(default=None, description="the backend's clock less the terminal's, "
                                            "as its last heartbeat said; null when it did not say")
    dns_stale: list[str] = Field(default_factory=list, max_length=DNS_STALE_MAX,
                                 description="host names its DNS does not answer for, as its last heartbeat said; "
                                             "absent from older backends")
    installations: int = Field(default=0, ge=0, description="how many installations spoke under this terminal id "
                                                            "in the last 10 minutes: more than one is two terminals "
                                                            "under one id; absent from older backends")
    disk_writable: Optional[bool] = Field(default=None, description="whether its disk took the last write it tried, "
                                                                    "as its last heartbeat said; null when it did not "
                                                                    "say, absent from older backends")


class HallTerminals(BaseModel):
    hall_id: str
    terminals: list[HallTerminal] = Field(max_length=500, description="every terminal enrolled in the hall, by id")


class TerminalReply(BaseModel):
    terminal_id: str
    server_time: float = Field(description="seconds since the epoch, for clock-offset correction")
    config: dict[str, dict[str, float | int | str | bool]] = Field(
        description="remote configuration: only the keys the terminal lists as remote (docs/api/payloads.md, "
                    "'Remote configuration'; the timeouts among them with their bounds in docs/timeouts.md)")
    window: bool = Field(default=False, description="whether the hall registered this terminal as one of its windows, "
                                                   "so a case's counter_checked is taken from it (payloads.md, "
                                                   "'Forms'); a window not registered says so to its staff")
    id_shared: bool = Field(default=False, description="whether another installation spoke under this terminal id in "
                                                       "the last 10 minutes (two terminals under one id); absent from "
                                                       "older backends")


# -- identity -----------------------------------------------------------------

class AppTokenIn(Strict):
    token: str = Field(min_length=8, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")


class IdentityLookupIn(Strict):
    id_number: str = Field(pattern=ID_NUMBER)
    name: str = Field(min_length=1, max_length=60)


class Person(BaseModel):
    id_number: str
    name: str
    gender: str
    nation: str
    birth_date: str
    address: str
    phone: str = ""


class ConsentIn(Strict):
    """A citizen's agreement (PIPL) to what one screen said: recorded online, or inside a queued case."""

    id_number: str = Field(pattern=ID_NUMBER)
    scope: Literal["identity", "licences"] = Field(
        default="licences", description="identity: the card read into a session; licences: electronic licences "
                                        "fetched for one service")
    service_code: Optional[str] = Field(default=None, min_length=1, max_length=32,
                                        description="required for the licences scope (else 422 service_required)")
    method: Literal["id_card", "social_security_card", "app_token", "clerk_witnessed"]
    text_version: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$",
                              description="the version id of the consent text the citizen was shown")
    agreed_at: Optional[str] = Field(default=None, max_length=40,
                                     description="when the citizen agreed, ISO 8601 on the terminal's clock "
                                                 "(null: when the backend records it)")
    consent_key: Optional[str] = Field(default=None, min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
                                       description="made by the terminal: a consent is recorded once per key, "
                                                   "whether it arrives alone or inside a case")


class CaseConsent(ConsentIn):
    """A consent carried inside a case (CaseIn.consents): the same fields as ConsentIn."""


class ConsentOut(BaseModel):
    consent_id: str
    expires_at: str
    id_number: str
    scope: Literal["identity", "licences"]
    service_code: Optional[str] = None
    method: str
    text_version: str
    agreed_at: str
    recorded_at: str
    terminal_id: str
    consent_key: Optional[str] = None
    case_number: Optional[str] = Field(default=None, description="set when the consent came inside a case")
    withdrawn_at: Optional[str] = Field(default=None, description="set when the citizen withdrew it (POST "
                                                                  "/consents/withdrawals): it unlocks nothing since")


class ConsentList(BaseModel):
    items: list[ConsentOut]


class ConsentWithdrawalIn(Strict):
    """A citizen withdraws consent (PIPL art. 15) at a terminal, after identification."""

    id_number: str = Field(pattern=ID_NUMBER)
    scope: Literal["identity", "licences", "all"] = Field(
        default="all", description="which of the person's consents: every one (all), or those of one scope")
    method: Literal["id_card", "social_security_card", "app_token", "clerk_witnessed"] = Field(
        description="how the citizen was identified when withdrawing")
    withdrawn_at: Optional[str] = Field(default=None, max_length=40,
                                        description="when the citizen confirmed, ISO 8601 on the terminal's clock "
                                                    "(null: when the backend records it)")
    withdrawal_key: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
                                description="made by the terminal: a withdrawal is recorded once per key (a retry "
                                            "returns the stored one)")


class ConsentWithdrawalOut(BaseModel):
    withdrawal_id: str
    id_number: str
    scope: Literal["identity", "licences", "all"]
    method: str
    withdrawn_at: str
    recorded_at: str
    terminal_id: str
    withdrawal_key: str
    consents_withdrawn: list[str] = Field(description="the consent ids marked withdrawn by this withdrawal")
    drafts_deleted: int = Field(description="the person's saved applications (drafts) deleted with their pages: "
                                            "they were kept on the consent's strength, not the law's")


# -- companies -------------------------------------------------------------------

class Company(BaseModel):
    credit_code: str = Field(description="the unified social credit code (GB 32100-2015)")
    name_zh: str
    name_en: str = ""
    address: str = ""
    legal_representative_masked_name: str = Field(description="masked (张*): never another person's full name "
                                                               "or ID number")
    applicant_role: Optional[Literal["legal_representative", "authorised_handler", "none"]] = Field(
        default=None, description="what the id_number given in the query is to this company (null: none given)")


class Licence(BaseModel):
    licence_id: str
    type: str
    name_zh: str
    name_en: str
    number: str
    issuer: str
    valid_to: str


class LicenceList(BaseModel):
    items: list[Licence]


# -- catalogue -----------------------------------------------------------------

class Choice(BaseModel):
    value: str
    label_zh: str
    label_en: str


FormFieldType = Literal["text", "chinese_text", "latin_text", "digits", "phone", "number", "date", "choice", "id_number",
                        "credit_code"]
Prefill = Literal["", "name", "id_number", "address", "birth_date", "company_name", "credit_code",
                  "company_address"]


class FormField(BaseModel):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label_zh: str
    label_en: str
    type: FormFieldType = Field(description="the value's kind, which also chooses the touch keyboard (see payloads.md)")
    required: bool = False
    min_length: Optional[int] = Field(default=None, ge=0, le=2000)
    max_length: Optional[int] = Field(default=None, ge=1, le=2000)
    min: Optional[float] = Field(default=None, description="number fields: the smallest value allowed")
    max: Optional[float] = Field(default=None, description="number fields: the largest value allowed")
    pattern: str = Field(default="", max_length=MAX_PATTERN,
                         description="a regular expression the whole value must match (Python syntax); no nested "
                                     "quantifier, alternation inside a repeat or backreference (payloads.md)")
    choices: list[Choice] = Field(default_factory=list)
    prefill: Prefill = Field(default="", description="the identity's or company's attribute that fills it")

    @field_validator("pattern")
    @classmethod
    def _safe_pattern(cls, value: str) -> str:
        if value:
            compile_pattern(value)  # UnsafePattern is a ValueError: pydantic reports it as a validation error
        return value

    @model_validator(mode="after")
    def _choices_for_choice(self) -> "FormField":
        if (self.type == "choice") != bool(self.choices):
            raise ValueError("a choice field needs choices, and only a choice field has them")
        problem = field_problem(self.type, len(self.choices), self.min_length, self.max_length, self.min, self.max)
        if problem:  # no answer would do: the terminals refuse such a catalogue (common/form_fields.py)
            raise ValueError(problem)
        return self


class Material(BaseModel):
    code: str
    name_zh: str
    name_en: str
    required: bool = True
    condition: str = ""
    kind: Literal["original", "copy", "original_and_copy"] = "copy"
    pages: int = 1
    e_licence_type: str = ""
    e_licence_holder: Literal["", "person", "company"] = Field(
        default="", description="who holds the licence of e_licence_type: the person who applies, or the company "
                                "(a business licence); \"\" either, as the applicant is")
    obtain: str = Field(default="", max_length=300,
                        description="where the applicant gets it, \"中文 / English\" as condition (one-time notice)")


class Service(BaseModel):
    code: str
    name_zh: str
    name_en: str
    category: str
    applicant_types: list[Literal["person", "company"]]
    description_zh: str = ""
    description_en: str = ""
    conditions_zh: str = ""
    conditions_en: str = ""
    legal_basis: str = ""
    fee: str = ""
    fee_yuan: float = 0
    statutory_days: int = 0
    promised_days: int = 0
    visits: Literal[0, 1] = 0
    agent_allowed: bool = False
    signature_required: bool = Field(default=False, description="the applicant signs on the terminal; the "
                                                                "signature travels with the case as signature.png")
    materials: list[Material] = Field(default_factory=list)
    form: list[FormField] = Field(default_factory=list, description="each field named once (payloads.md)")

    @model_validator(mode="after")
    def _each_field_once(self) -> "Service":
        twice = repeated_name(f.name for f in self.form)
        if twice:
            raise ValueError(f"form field {twice} defined twice")
        return self


class ServiceList(BaseModel):
    items: list[Service]


# -- cases ---------------------------------------------------------------------

CompanyRoleIn = Literal["legal_representative", "authorised_handler"]


class Applicant(Strict):
    """Who the case is for (payloads.md, "Who applies"): a person, or a company through the person at the terminal."""

    type: Literal["person", "company"]
    id_number: str = Field(pattern=ID_NUMBER,
                           description="person: the applicant (for an agent's case, the principal); company: the "
                                       "person at the terminal, its legal representative or an authorised handler")
    name: str = Field(min_length=1, max_length=60)
    card_type: str = Field(max_length=20, description="resident, hmt_residence, foreigner_2017, foreigner_2023, "
                                                      "social_security or app_token: read from a card or the app; "
                                                      "declared: typed by an agent, checked later against the "
                                                      "power of attorney")
    credit_code: Optional[str] = Field(default=None, pattern=CREDIT_CODE,
                                       description="company only, and required there (else 422 bad_credit_code)")
    company_name: Optional[str] = Field(default=None, max_length=100, description="company only")
    role: Optional[CompanyRoleIn] = Field(
        default=None, description="company only: what id_number is to the company (422 company_role when "
                                  "missing or when the backend's records say otherwise)")

    @model_validator(mode="after")
    def _company_fields_for_a_company(self) -> "Applicant":
        if self.type == "person" and (self.credit_code or self.company_name or self.role):
            raise ValueError("credit_code, company_name and role belong to a company applicant only")
        return self


class Agent(Strict):
    """The person at the terminal applying for another person (the principal, CaseIn.applicant)."""

    id_number: str = Field(pattern=ID_NUMBER)
    name: str = Field(min_length=1, max_length=60)
    card_type: Optional[str] = Field(default=None, max_length=20, description="as Applicant.card_type: read from "
                                                                              "the agent's own card")


MaterialCode = Annotated[str, StringConstraints(pattern=MATERIAL_CODE)]
LicenceId = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class AttachmentRef(Strict):
    """One file part of a multipart case or draft, declared in its JSON: the backend takes a file only
    as declared (payloads.md, "Materials and attachments")."""

    name: str = Field(max_length=48, description=f"the file part's filename: <material_code>-<page>.jpg (or .png, "
                                                 f".pdf), e.g. M2-1.jpg; the signature's is {SIGNATURE_NAME}")
    material_code: MaterialCode = Field(description=f"a material of the service, or {SIGNATURE!r}")
    page: int = Field(ge=1, le=999, description="1-based page of the material (1 for the signature)")
    mime: Literal["image/jpeg", "image/png", "application/pdf"] = Field(
        description="the file's type, which its content must be (sniffed)")
    size: int = Field(ge=0, le=1 << 31, description="bytes")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="lower-case hex SHA-256 of the file's bytes")

    @model_validator(mode="after")
    def _name_says_material_and_page(self) -> "AttachmentRef":
        problem = name_problem(self.name, self.material_code, self.page)
        if problem:
            raise ValueError(f"name {self.name!r}: {problem}")
        return self


class CaseIn(Strict):
    application_id: str = Field(min_length=8, max_length=64)
    service_code: str = Field(min_length=1, max_length=32)
    terminal_id: str = Field(min_length=1, max_length=32)
    created_at: str = Field(max_length=40)
    applicant: Applicant
    agent: Optional[Agent] = Field(default=None, description="only for a person applicant, on a service with "
                                                             "agent_allowed (else 422 agent_not_allowed)")
    form: dict[str, str | int | float | bool] = Field(default_factory=dict)
    e_licences: list[LicenceId] = Field(default_factory=list, max_length=30,
                                        description="licence ids standing in for paper materials; each must be "
                                                    "held by the applicant, its company or the agent (else 422 "
                                                    "licence_not_held)")
    material_licences: dict[MaterialCode, LicenceId] = Field(
        default_factory=dict, max_length=30,
        description="which licence stands for which material: {material_code: licence_id}; the licence's type "
                    "must be the material's e_licence_type (else 422 licence_type_mismatch)")
    attachments: list[AttachmentRef] = Field(
        default_factory=list, max_length=MAX_FILES,
        description="every file part of a multipart submission, declared: a file not declared, a declared file "
                    "missing, or one whose size or sha256 differs is refused (422, payloads.md)")
    counter_checked: list[MaterialCode] = Field(
        default_factory=list, max_length=30,
        description="materials whose paper a window's clerk checked at the counter and keeps, not scanned: with the "
                    "pages declared in attachments and the licences in material_licences, every material the "
                    "service requires must be brought (else 422 materials_missing); taken only from a terminal the "
                    "hall registered as a window (else 403 not_a_window); a kiosk sends none")
    consent_id: Optional[str] = Field(default=None, max_length=64)
    consents: list[CaseConsent] = Field(default_factory=list, max_length=6,
                                      description="consents given in the session that made the case; recorded "
                                                  "with it (once per consent_key), so one made offline is not lost")
    provisional_number: Optional[str] = Field(default=None, pattern=PROVISIONAL,
                                              description="set when the terminal accepted the case offline")
    refusing: bool = Field(default=False, description="submitted at a window to be refused (不予受理): its form is "
                                                      "not checked, and the only decision it takes is not_accepted "
                                                      "(else 409 refusing_case)")

    @model_validator(mode="after")
    def _an_agent_acts_for_a_person(self) -> "CaseIn":
        if self.agent is not None and self.applicant.type == "company":
            raise ValueError("an agent acts for a person; a company applies through its legal representative "
                             "or an authorised handler")
        return self


class Submitted(BaseModel):
    case_number: str
    status: CaseStatus
    submitted_at: str
    promised_days: int
    provisional_number: Optional[str] = None
    attachments: int = 0


class HistoryEntry(BaseModel):
    status: CaseStatus
    at: str
    note_zh: str = ""
    note_en: str = ""


class AgentCase(BaseModel):
    """Who an agent's case (代办) is for and who filed it, masked as a receipt prints them."""

    principal_masked_name: str = Field(max_length=60, description="the applicant, e.g. 李**")
    principal_masked_id: str = Field(max_length=40, description="e.g. 3301**********2468")
    agent_masked_name: str = Field(max_length=60)
    agent_masked_id: str = Field(max_length=40)


class CaseCompany(BaseModel):
    """The company a company's case is for, as its receipt names it."""

    credit_code: str = Field(max_length=18)
    name_zh: str = Field(max_length=100)


class CaseView(BaseModel):
    case_number: str
    service_code: str
    service_name_zh: str
    service_name_en: str
    status: CaseStatus
    submitted_at: str
    provisional_number: Optional[str] = None
    licence_ready: bool = False
    fee_paid: bool = Field(default=False, description="an order of the case's fee was paid (false for a service "
                                                      "without a fee); the fee itself is the service's fee_yuan")
    company: Optional[CaseCompany] = Field(default=None, description="set for a company's case: the company it is "
                                                                    "for (the person who filed it is not named)")
    agent_case: Optional[AgentCase] = Field(default=None, description="set for a case an agent filed for another "
                                                                     "person: both masked, for its receipt printed "
                                                                     "again")
    history: list[HistoryEntry]


class Refusal(BaseModel):
    """A case the backend refused that carried a provisional number (payloads.md, "A refused offline case")."""

    provisional_number: str
    terminal_id: str = Field(description="the terminal that sent the case")
    code: str = Field(description="the refusal's error code, as the terminal was answered")
    message_zh: str = Field(description="why, in Chinese")
    message_en: str = Field(description="why, in English")
    fields: dict[str, str] = Field(default_factory=dict, description="the fields the refusal named, with why")
    advice_zh: str = Field(description="what the citizen does now, in Chinese")
    advice_en: str = Field(description="what the citizen does now, in English")
    refused_at: str
    service_code: str = Field(default="", description="the service the case applied for; empty when it named none "
                                                      "the backend knows")
    service_name_zh: str = Field(default="", description="that service's name in Chinese, or empty")
    service_name_en: str = Field(default="", description="that service's name in English, or empty")


class CaseList(BaseModel):
    items: list[CaseView]
    refused: Optional[Refusal] = Field(default=None,
                                       description="by provisional_number only: the case carrying the number was "
                                                   "refused (items is then empty); null otherwise")
    refusals: list[Refusal] = Field(default_factory=list,
                                    description="by id_number only: the refused cases that carried a provisional "
                                                "number and named this person as applicant or agent, newest first")


class ReprintIn(Strict):
    """A document of a case printed again at a terminal (payloads.md, "Reprints")."""

    document: Literal["receipt"] = Field(description="what was printed again")


class ReprintOut(BaseModel):
    reprint_id: str
    case_number: str
    document: str
    count: int = Field(description="how many times this document of the case has been reprinted, this one included")
    terminal_id: str
    at: str


# -- drafts --------------------------------------------------------------------

class ListedMaterial(Strict):
    """A material as the service listed it when a draft was saved."""

    code: MaterialCode
    name_zh: str = Field(max_length=100)
    name_en: str = Field(default="", max_length=200)


class DraftIn(Strict):
    """An application kept while something is missing (payloads.md, "Drafts"): resumable at any terminal.

    Sent as JSON, or as multipart/form-data with the JSON in the part ``draft`` and its pages in
    ``attachments``, declared as a case's are. A save replaces the draft whole, pages included.
    """

    id_number: str = Field(pattern=ID_NUMBER, description="the person at the terminal who saved it: the applicant "
                                                          "(for a company, its representative or handler) or the "
                                                          "agent")
    service_code: str = Field(min_length=1, max_length=32)
    applicant: Optional[Applicant] = Field(default=None, description="who applies, as in CaseIn (null: the person "
                                                                     "id_number, for themselves)")
    agent: Optional[Agent] = Field(default=None, description="as in CaseIn")
    form: dict[str, str | int | float | bool] = Field(default_factory=dict)
    materials_done: list[MaterialCode] = Field(default_factory=list, max_length=30,
                                               description="every material settled: pages, a licence, or a "
                                                           "condition that does not apply")
    material_licences: dict[MaterialCode, LicenceId] = Field(default_factory=dict, max_length=30,
                                                             description="as in CaseIn")
    missing: list[MaterialCode] = Field(default_factory=list, max_length=30,
                                        description="the materials still to be brought (the one-time notice's)")
    attachments: list[AttachmentRef] = Field(default_factory=list, max_length=MAX_FILES,
                                             description="the pages uploaded with the draft, declared as a "
                                                         "case's; fetched back with GET /drafts/{id}/pages/{name}")
    listed_materials: Optional[list[ListedMaterial]] = Field(
        default=None, max_length=30,
        description="the service's materials as the terminal listed them when the draft was saved: continuing it, a "
                    "terminal tells the applicant which the hall has added or dropped since (absent or null: a draft "
                    "from a terminal that did not send it; nothing is said). Stored and answered as sent; its codes "
                    "need not be the service's now")
    application_id: Optional[str] = Field(
        default=None, min_length=8, max_length=64,
        description="the application the draft keeps, as its case would carry it (CaseIn): the case made when the "
                    "draft is continued carries it again, so a refusal of that application (a case refused on "
                    "arrival and kept as this draft) is superseded by it (payloads.md, 'A refused offline case'); "
                    "absent or null: a terminal that did not send it, and the case is a new application")
    saved_at: Optional[str] = Field(default=None, max_length=40,
                                    description="when the applicant left it (ISO 8601 with its offset, the terminal's "
                                                "clock): a save the terminal queued while the backend was away may "
                                                "arrive late, and is refused (409 draft_superseded) when the draft "
                                                "held was saved after it, or a case of the same holder and service "
                                                "was made after it (its created_at). Absent, unreadable or more than 300 s ahead: "
                                                "not checked")

    @model_validator(mode="after")
    def _saved_by_someone_in_it(self) -> "DraftIn":
        if self.agent is not None and (self.applicant is None or self.applicant.type == "company"):
            raise ValueError("an agent acts for a person applicant")
        people = {self.applicant.id_number if self.applicant else self.id_number,
                  self.agent.id_number if self.agent else None}
        if self.id_number not in people:
            raise ValueError("id_number must be the applicant's or the agent's")
        return self


class Draft(DraftIn):
    draft_id: str
    updated_at: str
    expires_at: str = Field(description="when the backend deletes it with its pages unless it is saved again (which "
                                        "starts the period again) or made a case first: ISO 8601 with its offset; "
                                        "the hall's keeping period after updated_at (the sandbox: 30 days, "
                                        "kiosk sandbox --draft-keep-days)")


class DraftList(BaseModel):
    items: list[Draft]


# -- clerk work ------------------------------------------------------------------

class StaffSignIn(Strict):
    staff_id: str = Field(min_length=2, max_length=16)
    password: str = Field(min_length=1, max_length=128)


class OfflineVerifier(BaseModel):
    algorithm: Literal["pbkdf2-sha256"] = "pbkdf2-sha256"
    salt: str
    iterations: int
    hash: str
    valid_until: str


class StaffSession(BaseModel):
    token: str
    staff_id: str
    name: str
    roles: list[str]
    window: str
    expires_at: str
    offline_verifier: OfflineVerifier


class DecisionIn(Strict):
    decision: Literal["accepted", "incomplete", "not_accepted"]
    notice_id: Optional[str] = Field(default=None, max_length=64)
    legal_reason: str = Field(default="", max_length=500)
    note: str = Field(default="", max_length=500)
    received: list[str] = Field(default_factory=list, max_length=60,
                                description="with accepted: the codes of the materials the clerk received (scanned, "
                                            "an electronic licence, or checked on paper), for the acceptance notice "
                                            "printed again (GET /cases/{case_number}/decision)")
    decided_at: Optional[str] = Field(default=None, max_length=40,
                                      description="when the clerk decided at the window, for a decision the terminal "
                                                  "queued behind a case accepted offline (ISO 8601 with its offset); "
                                                  "kept beside the backend's own time. On a provisional number the "
                                                  "staff token is checked as of this time (at most 300 s ahead of "
                                                  "the backend's clock): a sign-in valid when the clerk decided is "
                                                  "enough")


class DecisionOut(BaseModel):
    case_number: str
    status: CaseStatus
    decided_by: str
    decided_at: str


class DecisionView(BaseModel):
    """A case's window decision, for its formal document printed again at a window: the applicant masked, the
    materials received as codes of the service's list, the refusal's legal reason as recorded (Chinese)."""

    case_number: str
    provisional_number: Optional[str] = None
    decision: Literal["accepted", "incomplete", "not_accepted"]
    decided_by: str = Field(description="the clerk's staff id")
    decided_by_name: str = Field(default="", description="the clerk's name, as staff records hold it")
    decided_at: str
    service_code: str
    applicant_masked_name: str
    applicant_masked_id: str
    company: Optional[CaseCompany] = None
    received: list[str] = Field(default_factory=list)
    legal_reason: str = ""
    note: str = ""
    notice_number: Optional[str] = Field(default=None, description="with \"incomplete\": the one-time notice's number")
    hall_id: str = Field(default="", description="the hall of the terminal that recorded the decision (its "
                                                 "enrolment); \"\" when not known")


class NoticeView(BaseModel):
    """A one-time notice as recorded, for its paper printed again at a window: the applicant masked, the missing
    materials as codes of the service's list, the clerk who issued it (none for a kiosk's notice)."""

    number: str
    issued_at: str
    service_code: str
    applicant_masked_name: str = Field(description="\"\" when the applicant is not on record")
    applicant_masked_id: str
    missing: list[str]
    company: Optional[CaseCompany] = None
    case_number: Optional[str] = None
    issued_by: str = Field(default="", description="the clerk's staff id; \"\" for a notice a kiosk issued")
    issued_by_name: str = Field(default="", description="the clerk's name, as staff records hold it")
    hall_id: str = Field(default="", description="the hall of the terminal that issued it (its enrolment); \"\" "
                                                 "when not known")


class HandoverIn(Strict):
    case_number: str = Field(pattern=CASE_NUMBER)
    licence_id: str = Field(min_length=1, max_length=64)
    recipient_id_number: str = Field(pattern=ID_NUMBER, description="whose card was read at the window: the holder "
                                      "(or the company's legal representative), or the agent collecting for them")
    recipient_is_agent: bool = False
    holder_id_number: Optional[str] = Field(default=None, pattern=ID_NUMBER,
                                            description="with recipient_is_agent: the holder the agent collects for, "
                                                        "as the clerk took it from the holder's papers; it must be "
                                                        "the case's holder")
    authorisation_checked: bool = Field(default=False, description="with recipient_is_agent: the clerk saw the "
                                        "holder's written authorisation (授权委托书) and ID card; required true")


class HandoverOut(BaseModel):
    handover_id: str
    recorded_at: str


class AuditEntry(Strict):
    """One step of a terminal's audit chain (docs/api/payloads.md, 'Audit chain')."""

    v: Literal[2] = Field(description="the chain's format: 2, keyed")
    seq: int = Field(ge=0, description="0, 1, 2, ... with no gap")
    at: str = Field(max_length=40)
    actor: str = Field(max_length=40)
    action: str = Field(max_length=60)
    detail: str = Field(default="", max_length=1000)
    prev_mac: str = Field(max_length=64, pattern="^([0-9a-f]{64})?$",
                          description="the entry before's mac; empty for entry 0")
    mac: str = Field(pattern="^[0-9a-f]{64}$",
                     description="lower-case hex HMAC-SHA256, under the terminal's audit key, of the other fields as "
                                 "sorted compact JSON")


class AuditIn(Strict):
    entries: list[AuditEntry] = Field(min_length=1, max_length=500)


class AuditOut(BaseModel):
    accepted: int = Field(description="entries new to the backend (a resend of held ones counts none)")
    count: int = Field(description="how many entries of this terminal's chain the backend holds: the acknowledged "
                                   "head is entry count - 1")
    head: str = Field(description="the mac of the last entry held; empty when none")


# -- the hall's queue (叫号) ------------------------------------------------------------

QUEUE_CATEGORY = r"^[A-Z]$"
TICKET_NUMBER = r"^[A-Z][0-9]{3,4}$"


class QueueTicketIn(Strict):
    """A ticket taken at a terminal (a kiosk, the hall's ticket dispenser): of a queue category, or of the one a
    service queues under. Nothing of the person: the ticket stands for whoever holds the paper."""

    category: Optional[str] = Field(default=None, pattern=QUEUE_CATEGORY,
                                    description="the queue category (A 综合受理, B 企业开办); null: the service's")
    service_code: Optional[str] = Field(default=None, min_length=1, max_length=32,
                                        description="the service the ticket is taken for (404 service_not_found "
                                                    "for an unknown one); its category chooses the queue when "
                                                    "category is null")

    @model_validator(mode="after")
    def _a_queue(self) -> "QueueTicketIn":
        if self.category is None and self.service_code is None:
            raise ValueError("name a category or a service")
        return self


class QueueTicket(BaseModel):
    ticket_number: str = Field(pattern=TICKET_NUMBER, description="the category's letter and the day's sequence, "
                                                                   "from 001 each day: A012")
    category: str
    service_code: Optional[str] = None
    status: Literal["waiting", "called", "served", "no_show", "expired"] = Field(
        description="expired: of an earlier day (only a replay under an old Idempotency-Key answers one)")
    waiting_ahead: int = Field(ge=0, description="tickets of its category taken before it and still waiting "
                                                 "(0 once called)")
    window: Optional[int] = Field(default=None, description="the window it was called to; null while waiting")
    calls: int = Field(ge=0, description="how often it was called (1, then one more per recall)")
    issued_at: str
    called_at: Optional[str] = Field(default=None, description="its last call")
    finished_at: Optional[str] = None
    expires_at: str = Field(description="the end of the day it was taken: never called after")


class QueueCallIn(Strict):
    window: int = Field(ge=1, le=999, description="the calling window's number, as the hall's signs show it")
    categories: list[Annotated[str, StringConstraints(pattern=QUEUE_CATEGORY)]] = Field(
        default_factory=list, max_length=26, description="the categories this window serves; empty: all")


class QueueRecallIn(Strict):
    window: int = Field(ge=1, le=999)


class QueueFinishIn(Strict):
    window: int = Field(ge=1, le=999)
    outcome: Literal["served", "no_show"]


class QueueWaiting(BaseModel):
    waiting: int = Field(ge=0, description="today's tickets still waiting, of the categories asked")
    by_category: dict[str, int]


# -- notices, fees, licences, evaluation --------------------------------------------

class NoticeIn(Strict):
    service_code: str = Field(min_length=1, max_length=32)
    id_number: str = Field(pattern=ID_NUMBER)
    missing: list[str] = Field(min_length=1, max_length=30, description="material codes")
    note: str = Field(default="", max_length=500)
    case_number: Optional[str] = Field(default=None, pattern=CASE_NUMBER)
    credit_code: Optional[str] = Field(default=None, pattern=CREDIT_CODE, description=(
        "a company's matter: the company the notice is for (422 bad_credit_code, company_not_found)"))


class NoticeOut(BaseModel):
    notice_id: str
    number: str
    issued_at: str
    missing: list[Material]


class PaymentOut(BaseModel):
    order_id: str
    case_number: str
    amount_yuan: float
    status: Literal["unpaid", "paid", "expired", "cancelled"] = Field(
        description="unpaid until the payment platform says paid or cancelled; expired by itself at expires_at")
    qr_payload: str = Field(description="OTP1:<order id>:<amount, 2 decimals> (payloads.md)")
    expires_at: str


class ReadyLicence(BaseModel):
    licence_id: str
    case_number: str
    name_zh: str
    name_en: str


class ReadyList(BaseModel):
    items: list[ReadyLicence]


class PrintTicket(BaseModel):
    ticket_id: str
    licence_id: str
    status: Literal["issued", "consumed", "released"]
    expires_at: str
    document_pdf_base64: str = Field(description="the licence to print, as a PDF")


class TicketState(BaseModel):
    ticket_id: str
    status: Literal["issued", "consumed", "released"]


class LicenceVerifyIn(Strict):
    payload: str = Field(min_length=8, max_length=256, description="the OTL1 QR payload printed on a licence")


class LicenceVerifyOut(BaseModel):
    valid: bool
    licence_id: str = ""
    case_number: str = ""
    name_zh: str = ""
    name_en: str = ""
    holder_masked: str = ""


EvaluationKey = Literal["case_number", "provisional_number", "notice_number", "licence_id"]
ReasonCode = Literal["long_wait", "hard_to_use", "unclear_materials", "device_fault", "staff_attitude", "other"]


class EvaluationIn(Strict):
    """One evaluation (好差评) of one matter, named by exactly one key (payloads.md, "Evaluations")."""

    case_number: Optional[str] = Field(default=None, pattern=CASE_NUMBER, description="a case")
    provisional_number: Optional[str] = Field(default=None, pattern=PROVISIONAL,
                                              description="a case the terminal accepted offline: kept until the "
                                                          "case arrives, then it is that case's")
    notice_number: Optional[str] = Field(default=None, pattern=NOTICE_NUMBER, description="a one-time notice")
    licence_id: Optional[str] = Field(default=None, min_length=1, max_length=64,
                                      description="a licence printed at a terminal")
    level: Literal[1, 2, 3, 4, 5] = Field(description="5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意")
    reason_code: Optional[ReasonCode] = Field(default=None, description="required for levels 1 and 2 (else 422 "
                                                                        "reason_required)")
    comment: str = Field(default="", max_length=200, description="free text, optional; stored, never logged")
    channel: Literal["kiosk", "window"] = "kiosk"

    @model_validator(mode="after")
    def _one_key(self) -> "EvaluationIn":
        if len(self.keys()) != 1:
            raise ValueError("name exactly one of case_number, provisional_number, notice_number, licence_id")
        return self

    def keys(self) -> list[tuple[str, str]]:
        return [(name, value) for name in ("case_number", "provisional_number", "notice_number", "licence_id")
                if (value := getattr(self, name))]


class EvaluationOut(BaseModel):
    evaluation_id: str
    recorded_at: str
    case_number: Optional[str] = Field(default=None, description="the case it belongs to; null for a notice, a "
                                                                 "licence, or a provisional number whose case has "
                                                                 "not arrived yet")


class Health(BaseModel):
    status: Literal["ok"]
    server_time: float
