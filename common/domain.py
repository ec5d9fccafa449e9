"""The terminal's domain: who is applying, for what, with which materials, and the receipt."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from dataclasses import dataclass, field
from typing import Any

from common.masking import mask_id_number, mask_name


class CardType(enum.Enum):
    RESIDENT = "resident"            # 居民身份证
    HMT_RESIDENCE = "hmt_residence"  # 港澳台居民居住证 (J)
    FOREIGNER_2017 = "foreigner_2017"  # 外国人永久居留身份证 (I)
    FOREIGNER_2023 = "foreigner_2023"  # 外国人永久居留身份证, 2023 (Y)
    SOCIAL_SECURITY = "social_security"  # 社会保障卡, read in a PC/SC reader
    APP_TOKEN = "app_token"          # identified through the government app's QR code
    DECLARED = "declared"            # typed by an agent for the person they act for, not read from a card


@dataclass
class Identity:
    """A person as read from a card or resolved from an app token. Lives for one session only."""

    id_number: str
    name: str
    card_type: CardType = CardType.RESIDENT
    gender: str = ""
    nation: str = ""
    birth_date: dt.date | None = None
    address: str = ""
    issuer: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None  # None: long-term (长期)
    name_en: str = ""
    nationality: str = ""
    pass_number: str = ""         # J: the Hong Kong/Macau/Taiwan travel permit number
    issue_count: str = ""         # J: how many times the permit was issued
    renewal_count: str = ""       # Y: how many times the card was renewed
    card_version: str = ""        # I: card version
    appended_address: str = ""    # resident: the address endorsement (追加住址), when the card has one
    photo: bytearray = field(default_factory=bytearray, repr=False)
    raw: bytearray = field(default_factory=bytearray, repr=False)

    @property
    def masked_id(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    def __repr__(self) -> str:  # never print the unmasked fields
        return f"Identity({self.masked_name}, {self.masked_id}, {self.card_type.value})"

    def expired(self, today: dt.date | None = None) -> bool:
        return self.valid_to is not None and self.valid_to < (today or dt.date.today())

    def wipe(self) -> None:
        """Zero the byte buffers and drop every personal field (Python strings cannot be zeroed)."""
        for buf in (self.photo, self.raw):
            buf[:] = b"\x00" * len(buf)
            del buf[:]
        self.id_number = self.name = self.address = self.issuer = self.name_en = ""
        self.gender = self.nation = self.nationality = ""
        self.pass_number = self.issue_count = self.renewal_count = self.card_version = self.appended_address = ""
        self.birth_date = self.valid_from = self.valid_to = None


class MaterialKind(enum.Enum):
    ORIGINAL = "original"
    COPY = "copy"
    ORIGINAL_AND_COPY = "original_and_copy"


@dataclass(frozen=True)
class MaterialRequirement:
    code: str
    name_zh: str
    name_en: str
    required: bool = True
    condition: str = ""  # when it is required, for conditional materials
    kind: MaterialKind = MaterialKind.COPY
    pages: int = 1
    e_licence_type: str = ""  # an electronic licence that can stand in for it
    e_licence_holder: str = ""  # whose licence that is: "person", "company", or "" (either, as the applicant is)
    obtain: str = ""          # where to get it, "中文 / English" (the one-time notice says it)

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_zh

    def licence_held_by(self, company: bool) -> bool:
        """Whether an applicant of this kind (a company, or a person) can hold the licence that stands in for it."""
        return bool(self.e_licence_type) and self.e_licence_holder in ("", "company" if company else "person")


class FieldType(enum.Enum):
    """A form field's kind (the contract's FormField.type): it sets the validation and the touch keyboard."""

    TEXT = "text"
    CHINESE_TEXT = "chinese_text"
    LATIN_TEXT = "latin_text"
    DIGITS = "digits"            # a string of digits: an account number, not a quantity
    PHONE = "phone"              # a mainland mobile number
    NUMBER = "number"
    DATE = "date"                # YYYY-MM-DD
    CHOICE = "choice"
    ID_NUMBER = "id_number"      # 18 characters (GB 11643 check) or 15 of the 2017 foreigner card: common/idnumber
    CREDIT_CODE = "credit_code"  # unified social credit code, GB 32100 check character


@dataclass(frozen=True)
class FormChoice:
    value: str
    label_zh: str
    label_en: str = ""

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" and self.label_en else self.label_zh


@dataclass(frozen=True)
class FormField:
    """One field of a service's form, as the catalogue defines it (see kiosk/forms.py for its checks)."""

    name: str
    label_zh: str
    label_en: str
    type: FieldType = FieldType.TEXT
    required: bool = False
    min_length: int | None = None
    max_length: int | None = None
    min: float | None = None
    max: float | None = None
    pattern: str = ""            # checked for safety when the catalogue is decoded (common.form_patterns)
    choices: tuple[FormChoice, ...] = ()
    prefill: str = ""            # the identity's or company's attribute that fills it ("" for none)

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" and self.label_en else self.label_zh


@dataclass(frozen=True)
class ServiceItem:
    code: str
    name_zh: str
    name_en: str
    category: str
    applicant_types: tuple[str, ...] = ("person",)
    description_zh: str = ""
    description_en: str = ""
    conditions_zh: str = ""
    conditions_en: str = ""
    legal_basis: str = ""
    fee: str = ""
    fee_yuan: float = 0.0
    statutory_days: int = 0
    promised_days: int = 0
    visits: int = 0
    agent_allowed: bool = False
    materials: tuple[MaterialRequirement, ...] = ()
    form: tuple[FormField, ...] = ()
    signature_required: bool = False  # the applicant signs on the terminal; sent with the case as signature.png

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_zh

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" and self.description_en else self.description_zh

    def conditions(self, lang: str) -> str:
        return self.conditions_en if lang == "en" and self.conditions_en else self.conditions_zh


class ApplyAs(enum.Enum):
    """Who an application is for: the person at the terminal, their company, or another person."""

    MYSELF = "myself"
    COMPANY = "company"  # as its legal representative or an authorised handler
    AGENT = "agent"      # for another person (the principal), with a power of attorney


@dataclass
class Application:
    """One citizen's application. The idempotency key is made here, once, not at send time.

    ``applicant`` is always the person at the terminal, identified by their card. For a company
    ``company`` says which and what the applicant is to it; for another person ``principal`` holds
    the details the agent typed (card type DECLARED) and the applicant travels as the agent.
    """

    service: ServiceItem
    applicant: Identity
    terminal_id: str
    form: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    idempotency_key: str = field(default_factory=lambda: uuid.uuid4().hex)
    created_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())
    consents: list[Consent] = field(default_factory=list)  # travel with the case: one made offline is not lost
    company: Company | None = None
    principal: Identity | None = None
    e_licences: list[str] = field(default_factory=list)  # electronic licences standing in for paper materials
    material_licences: dict[str, str] = field(default_factory=dict)  # material code -> the licence standing in
    refusing: bool = False  # submitted at a window to be refused (不予受理): the backend does not check its form
    counter_checked: list[str] = field(default_factory=list)  # a window's: paper the clerk checked and keeps, unscanned

    @property
    def apply_as(self) -> ApplyAs:
        return ApplyAs.COMPANY if self.company else ApplyAs.AGENT if self.principal else ApplyAs.MYSELF

    @property
    def holder(self) -> Identity:
        """The person the case is for: the principal of an agent, else the applicant."""
        return self.principal or self.applicant

    def payload(self) -> dict[str, Any]:
        """The JSON body of a case submission (docs/api/payloads.md, 'Who applies')."""
        a = self.applicant
        person = {"id_number": a.id_number, "name": a.name, "card_type": a.card_type.value}
        body: dict[str, Any] = {
            "application_id": self.id,
            "service_code": self.service.code,
            "terminal_id": self.terminal_id,
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "applicant": {"type": "person", **person},
            "form": self.form,
        }
        if self.company is not None:
            body["applicant"] = {"type": "company", **person, "credit_code": self.company.credit_code,
                                 "company_name": self.company.name_zh, "role": self.company.applicant_role.value}
        elif self.principal is not None:
            p = self.principal
            body["applicant"] = {"type": "person", "id_number": p.id_number, "name": p.name,
                                 "card_type": p.card_type.value}
            body["agent"] = person
        if self.e_licences:
            body["e_licences"] = list(self.e_licences)
        if self.material_licences:
            body["material_licences"] = dict(self.material_licences)
        if self.consents:
            body["consents"] = [c.payload() for c in self.consents]
        if self.counter_checked:
            body["counter_checked"] = list(self.counter_checked)
        if self.refusing:
            body["refusing"] = True
        return body


@dataclass(frozen=True)
class Receipt:
    case_number: str
    service_code: str
    service_name_zh: str
    service_name_en: str
    applicant_masked_name: str
    applicant_masked_id: str
    terminal_id: str
    submitted_at: dt.datetime
    promised_days: int | None = 0  # 0: done on the spot; None: not known (printed again, the catalogue not known)
    provisional: bool = False
    reprint: bool = False  # printed again later, from the case's record
    fee_yuan: float = 0.0  # the service's fee, when it has one
    fee_paid: bool = False
    handled_by_name: str = ""  # the person who came for a company or as an agent (经办人), masked; "" for oneself
    handled_by_id: str = ""

    def service_name(self, lang: str) -> str:
        return self.service_name_en if lang == "en" and self.service_name_en else self.service_name_zh


@dataclass(frozen=True)
class Attachment:
    """One scanned page or file of a material: ``name`` like ``M2-1.jpg`` (material code, page)."""

    name: str
    mime: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Submitted:
    """The backend's answer to a submitted case (or the case it already holds for a replay)."""

    case_number: str
    status: str
    submitted_at: str
    promised_days: int
    provisional_number: str | None = None


@dataclass(frozen=True)
class Consent:
    """A citizen's agreement (PIPL) to one consent text, as the terminal took it.

    ``scope``: "identity" (the card read into a session) or "licences" (electronic licences for
    ``service_code``). ``key`` makes the backend record it once, alone or inside a case.
    """

    id_number: str
    scope: str
    method: str
    text_version: str
    service_code: str | None = None
    agreed_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())
    key: str = field(default_factory=lambda: uuid.uuid4().hex)

    def payload(self) -> dict[str, Any]:
        return {"id_number": self.id_number, "scope": self.scope, "service_code": self.service_code,
                "method": self.method, "text_version": self.text_version,
                "agreed_at": self.agreed_at.isoformat(timespec="seconds"), "consent_key": self.key}


@dataclass(frozen=True)
class RecordedConsent:
    """A consent as the backend stored it; ``consent_id`` unlocks electronic licences (scope "licences")."""

    consent_id: str
    scope: str
    service_code: str | None
    text_version: str
    agreed_at: str
    recorded_at: str
    expires_at: str
    key: str | None = None
    case_number: str | None = None


@dataclass(frozen=True)
class ConsentWithdrawal:
    """A citizen withdrawing consent (PIPL art. 15) after identification: ``scope`` "all" (every consent of
    theirs), "identity" or "licences". ``key`` makes the backend record it once however often it is sent."""

    id_number: str
    method: str
    scope: str = "all"
    withdrawn_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())
    key: str = field(default_factory=lambda: uuid.uuid4().hex)

    def payload(self) -> dict[str, Any]:
        return {"id_number": self.id_number, "scope": self.scope, "method": self.method,
                "withdrawn_at": self.withdrawn_at.isoformat(timespec="seconds"), "withdrawal_key": self.key}


@dataclass(frozen=True)
class WithdrawalRecorded:
    """The backend's answer: which consents it marked withdrawn and how many saved applications it deleted."""

    withdrawal_id: str
    consents_withdrawn: tuple[str, ...]
    drafts_deleted: int


class CompanyRole(enum.Enum):
    LEGAL_REPRESENTATIVE = "legal_representative"  # 法定代表人
    AUTHORISED_HANDLER = "authorised_handler"      # 经授权的经办人
    NONE = "none"


@dataclass(frozen=True)
class Company:
    """A company found by its unified social credit code, and what the applicant is to it."""

    credit_code: str
    name_zh: str
    name_en: str
    address: str
    legal_representative_masked_name: str
    applicant_role: CompanyRole

    @property
    def may_apply(self) -> bool:
        return self.applicant_role is not CompanyRole.NONE

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_zh


class PaymentStatus(enum.Enum):
    UNPAID = "unpaid"
    PAID = "paid"
    EXPIRED = "expired"      # past expires_at, or the platform let it lapse: ask for a new order to pay
    CANCELLED = "cancelled"  # the payment platform cancelled it: ask for a new order to pay

    @property
    def open(self) -> bool:
        return self is PaymentStatus.UNPAID


@dataclass(frozen=True)
class PaymentOrder:
    """A case's fee order (``POST /cases/{n}/payment``): one open order per case, never a second charge."""

    order_id: str
    case_number: str
    amount_yuan: float
    qr_payload: str          # OTP1:<order id>:<amount>, for the citizen's payment app (docs/api/payloads.md)
    expires_at: dt.datetime
    status: PaymentStatus


@dataclass(frozen=True)
class CaseRefusal:
    """The backend refused the case that carried this provisional number: why, and what to do now."""

    provisional_number: str
    code: str
    message_zh: str
    message_en: str
    advice_zh: str
    advice_en: str
    refused_at: str
    fields: dict[str, str] = field(default_factory=dict)
    service_code: str = ""  # the service the case applied for, with its names, when the backend says
    service_name_zh: str = ""
    service_name_en: str = ""

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" and self.message_en else self.message_zh

    def service_name(self, lang: str) -> str:
        return self.service_name_en if lang == "en" and self.service_name_en else self.service_name_zh

    def advice(self, lang: str) -> str:
        return self.advice_en if lang == "en" and self.advice_en else self.advice_zh


class EvaluationKeyKind(enum.Enum):
    CASE = "case_number"
    PROVISIONAL = "provisional_number"  # a case accepted offline: the backend joins it to the case when it arrives
    NOTICE = "notice_number"            # a one-time notice (GZ...)
    LICENCE = "licence_id"              # a licence printed at a terminal


@dataclass(frozen=True)
class EvaluationKey:
    """The one matter an evaluation is of."""

    kind: EvaluationKeyKind
    value: str

    @classmethod
    def case(cls, number: str) -> "EvaluationKey":
        return cls(EvaluationKeyKind.PROVISIONAL if number.startswith("P-") else EvaluationKeyKind.CASE, number)

    @classmethod
    def notice(cls, number: str) -> "EvaluationKey":
        return cls(EvaluationKeyKind.NOTICE, number)

    @classmethod
    def licence(cls, licence_id: str) -> "EvaluationKey":
        return cls(EvaluationKeyKind.LICENCE, licence_id)


class RatingReason(enum.Enum):
    """Why a citizen rated 1 (非常不满意) or 2 (不满意): one is required for those levels."""

    LONG_WAIT = "long_wait"
    HARD_TO_USE = "hard_to_use"
    UNCLEAR_MATERIALS = "unclear_materials"
    DEVICE_FAULT = "device_fault"
    STAFF_ATTITUDE = "staff_attitude"
    OTHER = "other"


MAX_EVALUATION_COMMENT = 200


@dataclass(frozen=True)
class Evaluation:
    """A citizen's evaluation (好差评): level 5 非常满意 ... 1 非常不满意; 1 and 2 need a reason.

    ``comment`` is the citizen's free text: sent and stored, never logged (not in the repr)."""

    key: EvaluationKey
    level: int
    reason: RatingReason | None = None
    comment: str = field(default="", repr=False)
    channel: str = "kiosk"

    def problem(self) -> str | None:
        """Why the backend would refuse it (checked before sending), or None."""
        if self.level not in (1, 2, 3, 4, 5):
            return f"level {self.level!r} is not 1-5"
        if self.level <= 2 and self.reason is None:
            return "levels 1 and 2 need a reason"
        if len(self.comment) > MAX_EVALUATION_COMMENT:
            return f"the comment is over {MAX_EVALUATION_COMMENT} characters"
        return None

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {self.key.kind.value: self.key.value, "level": self.level, "channel": self.channel}
        if self.reason is not None:
            body["reason_code"] = self.reason.value
        if self.comment:
            body["comment"] = self.comment
        return body


@dataclass(frozen=True)
class EvaluationRecorded:
    """The backend's answer: recorded now, or (``already_evaluated``) the matter had one, whose level stands."""

    level: int
    already_evaluated: bool = False
    evaluation_id: str = ""
    recorded_at: str = ""
    case_number: str | None = None  # the case it belongs to (None: a notice, a licence, a case still on its way)


# a terminal's clock against the backend's, as its heartbeat says (``clock_offset_s``): a century either way; a
# terminal further off (a dead clock battery reads 1970) says nothing rather than have its heartbeat refused
CLOCK_OFFSET_MAX_S = 100 * 365 * 86400.0
# host names a terminal's heartbeat says its DNS does not answer for (``dns_stale``; ``common.names``): at most this
# many, each a DNS name's letters, digits, dots and hyphens (RFC 1123), so no backend can put other words in them
DNS_STALE_MAX = 10
# a terminal's installation (kiosk/installation.py): 128 random bits in hex, or none said; and how long the backend
# counts installations under one terminal id (two within it: two terminals under one id)
INSTALLATION_OR_NONE = r"^([0-9a-f]{32})?$"
INSTALLATIONS_WITHIN_S = 600.0
HOST_NAME = r"^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$"


@dataclass(frozen=True)
class HallTerminal:
    """One terminal of the hall as the backend last heard from it (maintenance's list of the hall's terminals)."""

    terminal_id: str
    mode: str
    version: str
    silent_s: float | None               # since its last heartbeat (or enrolment), as the backend counts
    heard: bool                          # a heartbeat came, not only its enrolment
    devices_not_ready: tuple[tuple[str, str], ...]  # (device name, state): ("receipt_printer", "offline") ...
    queue_waiting: int
    queue_for_staff: int                 # refused, held and damaged items together
    restarts_24h: int
    last_restart: str                    # froze, crashed, exited, unstartable, memory, device, disk; "" for none
    window_registered: bool | None = None  # on the hall's register of windows; None: the backend did not say
    clock_offset_s: float | None = None  # the backend's clock less the terminal's, as its heartbeat said; None: unsaid
    dns_stale: tuple[str, ...] = ()      # names its DNS does not answer for, reached at their last addresses
    disk_writable: bool | None = None    # its disk took the last write it tried; None: its heartbeat did not say
    installations: int = 0               # installations heard under its id lately: more than one, two terminals


@dataclass(frozen=True)
class RecordedDecision:
    """A case's window decision as the backend recorded it (GET /cases/{n}/decision): for its document printed again."""

    case_number: str
    decision: str  # one of DECISIONS
    clerk_id: str
    clerk_name: str
    decided_at: dt.datetime
    service_code: str
    masked_name: str
    masked_id: str
    company: tuple[str, str] | None  # (name, credit code) for a company's case
    received: tuple[str, ...]  # material codes, with "accepted"
    legal_reason: str  # with "not_accepted": as recorded, in Chinese
    note: str
    notice_number: str = ""  # with "incomplete": the one-time notice's, printed again by its own number
    hall_id: str = ""  # the hall where it was decided ("" when the backend does not say)

    @property
    def has_document(self) -> bool:
        """An acceptance notice or a decision not to accept: the one-time notice is the notice's, not the case's."""
        return self.decision in ("accepted", "not_accepted")


@dataclass(frozen=True)
class RecordedNotice:
    """A one-time notice as the backend recorded it (GET /notices/{number}): for its paper printed again."""

    number: str
    issued_at: dt.datetime
    service_code: str
    masked_name: str  # "" when the backend has no name on record for the applicant
    masked_id: str
    missing: tuple[str, ...]  # material codes of the service's list
    company: tuple[str, str] | None  # (name, credit code) for a company's matter
    clerk_id: str  # "" for a notice a kiosk issued
    clerk_name: str
    hall_id: str = ""  # the hall where it was issued ("" when the backend does not say)
