"""The sandbox's SQLite store: seed data, and every record the contract creates.

One connection, used from the server's threads under one lock; every write is
one transaction. Case progress is computed from the time since submission
(``advance_s`` per stage), so progress queries show movement without a timer thread.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
import secrets
import sqlite3
import threading
import time
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterator

from contextlib import contextmanager

from common.domain import INSTALLATIONS_WITHIN_S
from common.masking import mask_id_number, mask_name
from sandbox.audit_chains import AuditChains
from sandbox.evaluations import Evaluations
from sandbox.models import Service
from sandbox.payments import Payments
from sandbox.refusals import Refusals
from sandbox.handovers import Handovers
from sandbox.hall_queue import HallQueue
from sandbox.reprints import Reprints
from sandbox.window_register import WindowRegister

SCHEMA = """
CREATE TABLE IF NOT EXISTS services (code TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS persons (id_number TEXT PRIMARY KEY, body TEXT NOT NULL, app_token TEXT UNIQUE);
CREATE TABLE IF NOT EXISTS companies (credit_code TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS licences (licence_id TEXT PRIMARY KEY, holder TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS consents (consent_id TEXT PRIMARY KEY, id_number TEXT NOT NULL, scope TEXT NOT NULL,
    service_code TEXT NOT NULL, method TEXT NOT NULL, terminal_id TEXT NOT NULL, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS consent_withdrawals (withdrawal_id TEXT PRIMARY KEY, withdrawal_key TEXT NOT NULL UNIQUE,
    id_number TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS draft_pages (draft_id TEXT NOT NULL, name TEXT NOT NULL, mime TEXT NOT NULL,
    sha256 TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (draft_id, name));
CREATE TABLE IF NOT EXISTS cases (case_number TEXT PRIMARY KEY, service_code TEXT NOT NULL, holder TEXT NOT NULL,
    terminal_id TEXT NOT NULL, provisional_number TEXT UNIQUE, body TEXT NOT NULL, submitted REAL NOT NULL,
    fixed_status TEXT, history TEXT NOT NULL DEFAULT '[]', licence_ready INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS attachments (case_number TEXT NOT NULL, name TEXT NOT NULL, mime TEXT NOT NULL,
    sha256 TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency (key TEXT PRIMARY KEY, digest TEXT NOT NULL, response TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS notices (notice_id TEXT PRIMARY KEY, number TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS staff (staff_id TEXT PRIMARY KEY, body TEXT NOT NULL, salt TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS staff_sessions (token TEXT PRIMARY KEY, staff_id TEXT NOT NULL, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS decisions (case_number TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS handovers (handover_id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tickets (ticket_id TEXT PRIMARY KEY, licence_id TEXT NOT NULL, status TEXT NOT NULL,
    expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS terminals (terminal_id TEXT PRIMARY KEY, body TEXT NOT NULL, last_seen REAL NOT NULL);
CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, seen REAL NOT NULL);
CREATE INDEX IF NOT EXISTS nonces_seen ON nonces (seen);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""

# One draft per person at the terminal, applicant (holder: a credit code or an ID number) and service.
DRAFTS_TABLE = """CREATE TABLE IF NOT EXISTS drafts (draft_id TEXT PRIMARY KEY, id_number TEXT NOT NULL,
    service_code TEXT NOT NULL, body TEXT NOT NULL, updated_at TEXT NOT NULL, holder TEXT NOT NULL,
    UNIQUE (id_number, holder, service_code))"""

PROGRESSION = ("submitted", "accepted", "in_review", "approved", "ready")
STAGE_NOTES = {
    "submitted": ("申请已提交", "Application submitted"),
    "accepted": ("已受理", "Accepted"),
    "in_review": ("审查中", "Under review"),
    "approved": ("已审批通过", "Approved"),
    "ready": ("证照已制作完成，可自助打印或到窗口领取", "Licence ready: print it at a terminal or collect it"),
    "collected": ("证照已领取", "Licence collected"),
}
PBKDF2_ITERATIONS = 60_000
STAFF_SESSION_S = 8 * 3600  # a staff sign-in's length
CLOCK_SLACK_S = 300.0  # how far a terminal's clock (a queued decision's time) may be from the backend's


def _seed(name: str) -> list[dict[str, Any]]:
    resource = resources.files("sandbox").joinpath(f"data/{name}.json")
    return json.loads(resource.read_text("utf-8")) if resource.is_file() else []


def _company(case: dict[str, Any]) -> dict[str, str] | None:
    """A company's case: the company (CaseView.company)."""
    applicant = case.get("applicant") or {}
    if applicant.get("type") != "company" or not applicant.get("credit_code"):
        return None
    return {"credit_code": str(applicant["credit_code"]), "name_zh": str(applicant.get("company_name") or "")}


def _agent_case(case: dict[str, Any]) -> dict[str, str] | None:
    """An agent's case: its principal and agent, masked (CaseView.agent_case)."""
    agent, applicant = case.get("agent"), case.get("applicant") or {}
    if not isinstance(agent, dict) or not agent.get("id_number"):
        return None
    return {"principal_masked_name": mask_name(str(applicant.get("name", ""))),
            "principal_masked_id": mask_id_number(str(applicant.get("id_number", ""))),
            "agent_masked_name": mask_name(str(agent.get("name", ""))),
            "agent_masked_id": mask_id_number(str(agent["id_number"]))}


def now_iso(ts: float | None = None) -> str:
    return dt.datetime.fromtimestamp(time.time() if ts is None else ts).astimezone().isoformat(timespec="seconds")


def terminal_time(value: str | None) -> float | None:
    """When something was done at a terminal, by its clock (a decision queued while the backend was away, a draft
    saved with a notice): a timestamp no later than now, or None when the time is missing, unreadable, without its
    offset or more than ``CLOCK_SLACK_S`` in the future (the caller then goes by its own clock)."""
    try:
        when = dt.datetime.fromisoformat(value or "")
    except ValueError:
        return None
    if when.tzinfo is None or when.timestamp() > time.time() + CLOCK_SLACK_S:
        return None
    return min(when.timestamp(), time.time())


def password_hash(password: str, salt: bytes, iterations: int = PBKDF2_ITERATIONS) -> str:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations).hex()


@functools.lru_cache(maxsize=None)
def _seed_credential(password: str) -> tuple[str, str]:
    """A demo staff member's salt and slow hash, made once per process: every sandbox a test starts
    seeds the same staff, and four PBKDF2 hashes were a third of a sandbox's start."""
    salt = secrets.token_bytes(16)
    return salt.hex(), password_hash(password, salt)


class CaseConflict(Exception):
    """A submission that conflicts with a stored case: by its idempotency key or its provisional number."""

    def __init__(self, by: str, case_number: str) -> None:
        super().__init__(by)
        self.by, self.case_number = by, case_number


class NoticeConflict(Exception):
    """A notice asked for under an Idempotency-Key that holds a notice of other content."""

    def __init__(self, number: str) -> None:
        super().__init__(number)
        self.number = number


def _withdrawn_since(db: sqlite3.Connection, consent: dict[str, Any]) -> str | None:
    """When the person withdrew, after agreeing to ``consent``, a scope that covers it (else None): a consent that
    reaches the backend after its withdrawal is recorded withdrawn, whatever order the two arrived in."""
    try:
        agreed = dt.datetime.fromisoformat(consent["agreed_at"])
    except (TypeError, ValueError):
        return None
    for row in db.execute("SELECT body FROM consent_withdrawals WHERE id_number = ? ORDER BY rowid",
                          (consent["id_number"],)):
        withdrawal = json.loads(row["body"])
        try:
            withdrawn = dt.datetime.fromisoformat(withdrawal["withdrawn_at"])
            later = withdrawn >= agreed
        except (TypeError, ValueError):  # an unreadable time, or one with a zone against one without
            continue
        if later and withdrawal["scope"] in ("all", consent["scope"]):
            return withdrawal["withdrawn_at"]
    return None


# A draft not saved again or made a case within this many days is deleted with its pages (payloads.md "Drafts").
DRAFT_KEEP_DAYS = 30


class Store:
    def __init__(self, path: Path | str = ":memory:", advance_s: float = 60.0,
                 draft_keep_days: float = DRAFT_KEEP_DAYS) -> None:
        if not (isinstance(draft_keep_days, (int, float)) and math.isfinite(draft_keep_days)
                and 0 < draft_keep_days <= 3650):
            raise ValueError("draft_keep_days must be more than 0 and at most 3650")
        self.advance_s = advance_s
        self.draft_keep_days = float(draft_keep_days)
        self.clock: Callable[[], float] = time.time  # drafts expire by it (tests move it on)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        if str(path) != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        self._migrate()
        self.purge_expired_drafts()
        with self.tx() as db:
            if db.execute("SELECT COUNT(*) FROM services").fetchone()[0] == 0:
                self._load_seed(db)
        self.payments = Payments(self)
        self.refusals = Refusals(self)
        self.reprints = Reprints(self)
        self.handovers = Handovers(self)
        self.evaluations = Evaluations(self)
        self.audit = AuditChains(self)
        self.queue = HallQueue(self)
        self.windows = WindowRegister(self)

    # -- plumbing -------------------------------------------------------------------

    def _migrate(self) -> None:
        """Columns added since a database file was made (kiosk sandbox --db keeps one across versions)."""
        with self.tx() as db:
            columns = {r["name"] for r in db.execute("PRAGMA table_info(consents)")}
            if "body" not in columns:
                db.execute("ALTER TABLE consents ADD COLUMN body TEXT NOT NULL DEFAULT '{}'")
            if "consent_key" not in columns:
                db.execute("ALTER TABLE consents ADD COLUMN consent_key TEXT")
            db.execute("CREATE UNIQUE INDEX IF NOT EXISTS consents_key ON consents (consent_key)")
            columns = {r["name"] for r in db.execute("PRAGMA table_info(drafts)")}
            if columns and "holder" not in columns:  # drafts were one per person and service
                db.execute("ALTER TABLE drafts RENAME TO drafts_before_holder")
                db.execute(DRAFTS_TABLE)
                db.execute("INSERT INTO drafts SELECT draft_id, id_number, service_code, body, updated_at, id_number "
                           "FROM drafts_before_holder")
                db.execute("DROP TABLE drafts_before_holder")
            db.execute(DRAFTS_TABLE)
            columns = {r["name"] for r in db.execute("PRAGMA table_info(tickets)")}
            for column in ("idempotency_key", "terminal_id"):  # the ask a ticket answers (an Idempotency-Key)
                if column not in columns:
                    db.execute(f"ALTER TABLE tickets ADD COLUMN {column} TEXT")
            columns = {r["name"] for r in db.execute("PRAGMA table_info(notices)")}
            for column in ("idempotency_key", "terminal_id", "issued_at", "issued_by"):  # the ask, and the clerk
                if column not in columns:
                    db.execute(f"ALTER TABLE notices ADD COLUMN {column} TEXT")

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _one(self, sql: str, *args: Any) -> sqlite3.Row | None:
        with self._lock:
            return self._db.execute(sql, args).fetchone()

    def _all(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def next_number(self, db: sqlite3.Connection, name: str) -> int:
        db.execute("INSERT INTO counters VALUES (?, 0) ON CONFLICT(name) DO NOTHING", (name,))
        db.execute("UPDATE counters SET value = value + 1 WHERE name = ?", (name,))
        return db.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()[0]

    def _load_seed(self, db: sqlite3.Connection) -> None:
        for s in _seed("services"):
            Service.model_validate(s)  # a malformed entry or an unsafe form pattern stops the sandbox at start
            db.execute("INSERT INTO services VALUES (?, ?)", (s["code"], json.dumps(s, ensure_ascii=False)))
        for p in _seed("applicants"):
            licences = p.pop("licences", [])
            holder = p.get("id_number") or p.get("credit_code")
            if "credit_code" in p:
                db.execute("INSERT INTO companies VALUES (?, ?)", (p["credit_code"], json.dumps(p, ensure_ascii=False)))
            else:
                db.execute("INSERT INTO persons VALUES (?, ?, ?)",
                           (p["id_number"], json.dumps(p, ensure_ascii=False), p.get("app_token")))
            for lic in licences:
                db.execute("INSERT INTO licences VALUES (?, ?, ?)",
                           (lic["licence_id"], holder, json.dumps(lic, ensure_ascii=False)))
        for c in _seed("cases"):
            submitted = dt.datetime.fromisoformat(c["submitted_at"]).timestamp()
            db.execute("INSERT INTO cases (case_number, service_code, holder, terminal_id, body, submitted, "
                       "fixed_status, history, licence_ready) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (c["case_number"], c["service_code"], c.get("id_number") or c.get("credit_code"), "seed",
                        json.dumps(c, ensure_ascii=False), submitted, c["status"],
                        json.dumps(c.get("history", []), ensure_ascii=False), int(c.get("licence_ready", False))))
        for s in _seed("staff"):
            salt, hashed = _seed_credential(s.pop("password"))
            db.execute("INSERT INTO staff VALUES (?, ?, ?, ?)", (s["staff_id"], json.dumps(s, ensure_ascii=False),
                                                                 salt, hashed))

    # -- catalogue, identity ------------------------------------------------------------

    def services(self) -> list[dict[str, Any]]:
        return [json.loads(r["body"]) for r in self._all("SELECT body FROM services ORDER BY code")]

    def service(self, code: str) -> dict[str, Any] | None:
        row = self._one("SELECT body FROM services WHERE code = ?", code)
        return json.loads(row["body"]) if row else None

    def person(self, id_number: str) -> dict[str, Any] | None:
        row = self._one("SELECT body FROM persons WHERE id_number = ?", id_number)
        return json.loads(row["body"]) if row else None

    def person_by_token(self, token: str) -> dict[str, Any] | None:
        row = self._one("SELECT body FROM persons WHERE app_token = ?", token)
        return json.loads(row["body"]) if row else None

    def companies_represented_by(self, id_number: str) -> list[str]:
        return [json.loads(r["body"])["credit_code"] for r in self._all("SELECT body FROM companies")
                if json.loads(r["body"]).get("legal_representative_id") == id_number]

    def company(self, credit_code: str) -> dict[str, Any] | None:
        row = self._one("SELECT body FROM companies WHERE credit_code = ?", credit_code)
        return json.loads(row["body"]) if row else None

    def add_consent(self, consent: dict[str, Any], terminal_id: str, case_number: str | None = None,
                    ttl_s: float = 1800, db: sqlite3.Connection | None = None) -> dict[str, Any]:
        """Record a consent (ConsentIn's fields) once per ``consent_key``: the stored one (ConsentOut's fields).

        A key already recorded returns the stored consent, and a case that carries it is linked to it.
        ``db``: inside the caller's transaction (a case and its consents are stored together).
        """
        if db is None:
            with self.tx() as db:
                return self.add_consent(consent, terminal_id, case_number, ttl_s, db)
        key = consent.get("consent_key")
        if key:
            row = db.execute("SELECT consent_id, body FROM consents WHERE consent_key = ?", (key,)).fetchone()
            if row is not None:
                stored = json.loads(row["body"])
                if case_number and not stored.get("case_number"):
                    stored["case_number"] = case_number
                    db.execute("UPDATE consents SET body = ? WHERE consent_id = ?",
                               (json.dumps(stored, ensure_ascii=False), row["consent_id"]))
                return stored
        now = time.time()
        consent_id, expires = "CS-" + secrets.token_hex(8), now + ttl_s
        stored = {"consent_id": consent_id, "expires_at": now_iso(expires), "id_number": consent["id_number"],
                  "scope": consent["scope"], "service_code": consent.get("service_code"), "method": consent["method"],
                  "text_version": consent["text_version"], "agreed_at": consent.get("agreed_at") or now_iso(now),
                  "recorded_at": now_iso(now), "terminal_id": terminal_id, "consent_key": key,
                  "case_number": case_number}
        withdrawn_at = _withdrawn_since(db, stored)
        if withdrawn_at:  # it arrived after the citizen withdrew it (sent alongside, or queued in a case)
            stored["withdrawn_at"], expires = withdrawn_at, 0
        db.execute("INSERT INTO consents (consent_id, id_number, scope, service_code, method, terminal_id, expires, "
                   "body, consent_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (consent_id, consent["id_number"], consent["scope"], consent.get("service_code") or "",
                    consent["method"], terminal_id, expires, json.dumps(stored, ensure_ascii=False), key))
        return stored

    def consents(self, id_number: str) -> list[dict[str, Any]]:
        return [json.loads(r["body"]) for r in self._all("SELECT body FROM consents WHERE id_number = ? "
                                                         "AND body != '{}' ORDER BY rowid", id_number)]

    def withdraw_consents(self, withdrawal: dict[str, Any], terminal_id: str) -> dict[str, Any]:
        """Record a withdrawal (ConsentWithdrawalIn's fields) once per ``withdrawal_key``: the person's consents
        of its scope are marked withdrawn (they unlock nothing since) and their drafts deleted with the pages."""
        with self.tx() as db:
            row = db.execute("SELECT body FROM consent_withdrawals WHERE withdrawal_key = ?",
                             (withdrawal["withdrawal_key"],)).fetchone()
            if row is not None:
                return json.loads(row["body"])
            now, id_number, scope = time.time(), withdrawal["id_number"], withdrawal["scope"]
            withdrawn_at = withdrawal.get("withdrawn_at") or now_iso(now)
            withdrawn = []
            for consent in db.execute("SELECT consent_id, body FROM consents WHERE id_number = ? AND body != '{}' "
                                      "ORDER BY rowid", (id_number,)).fetchall():
                stored = json.loads(consent["body"])
                if stored.get("withdrawn_at") or scope not in ("all", stored["scope"]):
                    continue
                stored["withdrawn_at"] = withdrawn_at
                db.execute("UPDATE consents SET body = ?, expires = 0 WHERE consent_id = ?",
                           (json.dumps(stored, ensure_ascii=False), consent["consent_id"]))
                withdrawn.append(consent["consent_id"])
            drafts = [r["draft_id"] for r in db.execute("SELECT draft_id FROM drafts WHERE id_number = ?",
                                                         (id_number,))]
            for draft_id in drafts:
                db.execute("DELETE FROM draft_pages WHERE draft_id = ?", (draft_id,))
                db.execute("DELETE FROM drafts WHERE draft_id = ?", (draft_id,))
            stored = {"withdrawal_id": "WD-" + secrets.token_hex(8), "id_number": id_number, "scope": scope,
                      "method": withdrawal["method"], "withdrawn_at": withdrawn_at, "recorded_at": now_iso(now),
                      "terminal_id": terminal_id, "withdrawal_key": withdrawal["withdrawal_key"],
                      "consents_withdrawn": withdrawn, "drafts_deleted": len(drafts)}
            db.execute("INSERT INTO consent_withdrawals VALUES (?, ?, ?, ?)",
                       (stored["withdrawal_id"], stored["withdrawal_key"], id_number,
                        json.dumps(stored, ensure_ascii=False)))
        return stored

    def consent_withdrawals(self, id_number: str) -> list[dict[str, Any]]:
        return [json.loads(r["body"]) for r in self._all("SELECT body FROM consent_withdrawals WHERE id_number = ? "
                                                         "ORDER BY rowid", id_number)]

    def consent_valid(self, consent_id: str, id_number: str, scope: str = "licences") -> bool:
        row = self._one("SELECT expires FROM consents WHERE consent_id = ? AND id_number = ? AND scope = ?",
                        consent_id, id_number, scope)
        return row is not None and row["expires"] > time.time()

    def licences(self, holder: str) -> list[dict[str, Any]]:
        return [json.loads(r["body"]) for r in self._all("SELECT body FROM licences WHERE holder = ? ORDER BY licence_id",
                                                         holder)]

    def licence(self, licence_id: str) -> tuple[str, dict[str, Any]] | None:
        row = self._one("SELECT holder, body FROM licences WHERE licence_id = ?", licence_id)
        return (row["holder"], json.loads(row["body"])) if row else None

    # -- drafts ------------------------------------------------------------------------------

    @staticmethod
    def _draft_holder(body: dict[str, Any]) -> str:
        """Whom a draft is for, as its case's holder would be: the company's credit code, or the person."""
        applicant = body.get("applicant") or {}
        return applicant.get("credit_code") or applicant.get("id_number") or body["id_number"]

    def draft_superseded(self, body: dict[str, Any], saved: float) -> bool:
        """Whether a draft save made at ``saved`` (the terminal's time) came too late: the draft held under its key
        was saved after it (by its own ``saved_at``, else when it was stored; the same save again is not later), or
        a case of the same holder and service was made after it (its ``created_at``, the terminal's time: not when
        it arrived, since a case queued before the save may arrive after it)."""
        holder = self._draft_holder(body)
        self.purge_expired_drafts()  # an expired draft is no longer there to be later than the save
        row = self._one("SELECT body FROM drafts WHERE id_number = ? AND holder = ? AND service_code = ?",
                        body["id_number"], holder, body["service_code"])
        if row is not None:
            held = json.loads(row["body"])
            when = terminal_time(held.get("saved_at"))
            if when is None:
                when = dt.datetime.fromisoformat(held["updated_at"]).timestamp()
            if when > saved:
                return True
        cases = self._all("SELECT body FROM cases WHERE holder = ? AND service_code = ?", holder, body["service_code"])
        return any((terminal_time(json.loads(c["body"]).get("created_at")) or 0.0) > saved for c in cases)

    def _draft_expires(self, updated_at: str) -> float:
        return dt.datetime.fromisoformat(updated_at).timestamp() + self.draft_keep_days * 86400

    def _as_kept(self, body: dict[str, Any]) -> dict[str, Any]:
        """A stored draft as it is answered: with when it will be deleted, by the keeping period now in force."""
        return dict(body, expires_at=now_iso(self._draft_expires(body["updated_at"])))

    def purge_expired_drafts(self) -> int:
        """Delete the drafts (and their pages) past their keeping period; how many. Run whenever drafts are touched,
        so none is ever answered, listed or found after it expired."""
        now = self.clock()
        with self.tx() as db:
            expired = [r["draft_id"] for r in db.execute("SELECT draft_id, updated_at FROM drafts")
                       if self._draft_expires(r["updated_at"]) <= now]
            for draft_id in expired:
                db.execute("DELETE FROM draft_pages WHERE draft_id = ?", (draft_id,))
                db.execute("DELETE FROM drafts WHERE draft_id = ?", (draft_id,))
        return len(expired)

    def save_draft(self, body: dict[str, Any], pages: list[tuple[str, str, str, bytes]]) -> dict[str, Any]:
        """Keep a draft (DraftIn's fields) whole, its pages (name, mime, sha256, data) replacing any before:
        one draft per person at the terminal, applicant and service. Each save starts its keeping period again."""
        holder = self._draft_holder(body)
        self.purge_expired_drafts()
        with self.tx() as db:
            row = db.execute("SELECT draft_id FROM drafts WHERE id_number = ? AND holder = ? AND service_code = ?",
                             (body["id_number"], holder, body["service_code"])).fetchone()
            draft_id = row["draft_id"] if row else "DR-" + secrets.token_hex(6)
            saved = dict(body, draft_id=draft_id, updated_at=now_iso(self.clock()))
            db.execute("INSERT OR REPLACE INTO drafts (draft_id, id_number, service_code, body, updated_at, holder) "
                       "VALUES (?, ?, ?, ?, ?, ?)", (draft_id, body["id_number"], body["service_code"],
                                                     json.dumps(saved, ensure_ascii=False), saved["updated_at"],
                                                     holder))
            db.execute("DELETE FROM draft_pages WHERE draft_id = ?", (draft_id,))
            for name, mime, sha, data in pages:
                db.execute("INSERT INTO draft_pages VALUES (?, ?, ?, ?, ?)", (draft_id, name, mime, sha, data))
        return self._as_kept(saved)

    def drafts(self, id_number: str) -> list[dict[str, Any]]:
        """The drafts saved by ``id_number``, or naming it as the applicant (a principal) or the agent."""
        self.purge_expired_drafts()
        return [self._as_kept(json.loads(r["body"])) for r in self._all(
            "SELECT body FROM drafts WHERE id_number = ? OR json_extract(body, '$.applicant.id_number') = ? "
            "OR json_extract(body, '$.agent.id_number') = ? ORDER BY updated_at DESC", id_number, id_number, id_number)]

    def draft_page(self, draft_id: str, name: str) -> tuple[str, bytes] | None:
        """(mime, bytes) of a draft's page."""
        self.purge_expired_drafts()
        row = self._one("SELECT mime, data FROM draft_pages WHERE draft_id = ? AND name = ?", draft_id, name)
        return (row["mime"], bytes(row["data"])) if row else None

    def draft_exists(self, draft_id: str) -> bool:
        self.purge_expired_drafts()
        return self._one("SELECT 1 FROM drafts WHERE draft_id = ?", draft_id) is not None

    def delete_draft(self, draft_id: str) -> bool:
        self.purge_expired_drafts()  # expired: gone already, 404 as any deleted draft
        with self.tx() as db:
            db.execute("DELETE FROM draft_pages WHERE draft_id = ?", (draft_id,))
            return db.execute("DELETE FROM drafts WHERE draft_id = ?", (draft_id,)).rowcount > 0

    # -- cases ---------------------------------------------------------------------------------

    def create_case(self, key: str, digest: str, body: dict[str, Any],
                    attachments: list[tuple[str, str, str, bytes]]) -> tuple[dict[str, Any], bool]:
        """Store a case once per idempotency key: (response, replayed).

        CaseConflict when the key holds other content (naming the key's case), or when another
        key's case holds the provisional number.
        """
        with self.tx() as db:
            row = db.execute("SELECT digest, response FROM idempotency WHERE key = ?", (key,)).fetchone()
            if row is not None:
                if row["digest"] != digest:
                    raise CaseConflict("idempotency_key", json.loads(row["response"])["case_number"])
                return json.loads(row["response"]), True
            provisional = body.get("provisional_number")
            if provisional:
                row = db.execute("SELECT case_number FROM cases WHERE provisional_number = ?", (provisional,)).fetchone()
                if row is not None:
                    raise CaseConflict("provisional_number", row["case_number"])
            now = time.time()
            day = dt.datetime.fromtimestamp(now).strftime("%Y%m%d")
            case_number = f"SQ{day}{self.next_number(db, 'case:' + day):05d}"
            service = json.loads(db.execute("SELECT body FROM services WHERE code = ?",
                                            (body["service_code"],)).fetchone()["body"])
            holder = body["applicant"].get("credit_code") or body["applicant"]["id_number"]
            response = {"case_number": case_number, "status": "submitted", "submitted_at": now_iso(now),
                        "promised_days": service.get("promised_days", 0), "provisional_number": provisional,
                        "attachments": len(attachments)}
            db.execute("INSERT INTO cases (case_number, service_code, holder, terminal_id, provisional_number, body, "
                       "submitted) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (case_number, body["service_code"], holder, body["terminal_id"], provisional,
                        json.dumps(body, ensure_ascii=False), now))
            for name, mime, sha, data in attachments:
                db.execute("INSERT INTO attachments VALUES (?, ?, ?, ?, ?)", (case_number, name, mime, sha, data))
            for consent in body.get("consents", []):
                self.add_consent(consent, body["terminal_id"], case_number, db=db)
            db.execute("INSERT INTO idempotency VALUES (?, ?, ?)", (key, digest, json.dumps(response)))
            return response, False

    def _view(self, row: sqlite3.Row) -> dict[str, Any]:
        service = self.service(row["service_code"]) or {}
        body = json.loads(row["body"])
        history = json.loads(row["history"])
        if row["fixed_status"]:
            status = row["fixed_status"]
        else:
            reached = min(int((time.time() - row["submitted"]) // self.advance_s), len(PROGRESSION) - 1)
            status = PROGRESSION[reached]
            history = history + [{"status": s, "at": now_iso(row["submitted"] + i * self.advance_s),
                                  "note_zh": STAGE_NOTES[s][0], "note_en": STAGE_NOTES[s][1]}
                                 for i, s in enumerate(PROGRESSION[:reached + 1])]
        return {"case_number": row["case_number"], "service_code": row["service_code"],
                "service_name_zh": service.get("name_zh", ""), "service_name_en": service.get("name_en", ""),
                "status": status, "submitted_at": now_iso(row["submitted"]),
                "provisional_number": row["provisional_number"],
                "licence_ready": bool(row["licence_ready"]) or status == "ready",
                "fee_paid": self.payments.paid(row["case_number"]),
                "company": _company(body) or self._seeded_company(body), "agent_case": _agent_case(body),
                "history": history}

    def _seeded_company(self, body: dict[str, Any]) -> dict[str, str] | None:
        """A seeded company case (sandbox/data/cases.json names its credit code only): the company on record."""
        company = self.company(str(body.get("credit_code") or "")) if body.get("credit_code") else None
        return {"credit_code": company["credit_code"], "name_zh": company["name"]} if company else None

    def case(self, case_number: str) -> dict[str, Any] | None:
        row = self._one("SELECT * FROM cases WHERE case_number = ?", case_number)
        return self._view(row) if row else None

    def case_holder(self, case_number: str) -> str:
        """Who holds the case's licence: an ID number or a company's credit code ("" for no such case)."""
        row = self._one("SELECT holder FROM cases WHERE case_number = ?", case_number)
        return row["holder"] if row else ""

    def case_by_provisional(self, number: str) -> dict[str, Any] | None:
        row = self._one("SELECT * FROM cases WHERE provisional_number = ?", number)
        return self._view(row) if row else None

    def cases_of(self, holder: str, as_agent: bool = False) -> list[dict[str, Any]]:
        """The cases held by ``holder`` (an ID number or credit code); ``as_agent``: and those it filed for others (an
        agent's for a principal, a handler's or legal representative's for a company)."""
        filed = (" OR json_extract(body, '$.agent.id_number') = ? OR (json_extract(body, '$.applicant.type') = "
                 "'company' AND json_extract(body, '$.applicant.id_number') = ?)") if as_agent else ""
        return [self._view(r) for r in self._all(f"SELECT * FROM cases WHERE holder = ?{filed} ORDER BY submitted DESC",
                                                 *[holder] * (3 if as_agent else 1))]

    def cases_followed_by(self, id_number: str) -> list[dict[str, Any]]:
        """What a person's applications list shows (GET /cases?id_number=): their own cases, those they filed for
        others, and every case of a company they are the legal representative of (whoever filed it), newest first."""
        seen: dict[str, dict[str, Any]] = {}
        for holder, as_agent in ((id_number, True), *((code, False) for code in self.companies_represented_by(
                id_number))):
            for case in self.cases_of(holder, as_agent=as_agent):
                seen.setdefault(case["case_number"], case)
        return sorted(seen.values(), key=lambda case: case["submitted_at"], reverse=True)

    def case_body(self, case_number: str) -> dict[str, Any] | None:
        """The case as it was submitted (CaseIn): who applied, the form, the consents."""
        row = self._one("SELECT body FROM cases WHERE case_number = ?", case_number)
        return json.loads(row["body"]) if row else None

    def cases_count(self) -> int:
        return self._one("SELECT COUNT(*) AS n FROM cases")["n"]

    def attachments(self, case_number: str) -> list[tuple[str, str, str]]:
        return [(r["name"], r["mime"], r["sha256"]) for r in
                self._all("SELECT name, mime, sha256 FROM attachments WHERE case_number = ?", case_number)]

    def attachment(self, case_number: str, name: str) -> tuple[str, bytes] | None:
        """(mime, bytes) of one of a case's files, as it was sent."""
        row = self._one("SELECT mime, data FROM attachments WHERE case_number = ? AND name = ?", case_number, name)
        return (row["mime"], bytes(row["data"])) if row else None

    def set_status(self, case_number: str, status: str, note_zh: str, note_en: str) -> None:
        with self.tx() as db:
            row = db.execute("SELECT * FROM cases WHERE case_number = ?", (case_number,)).fetchone()
            history = self._view(row)["history"] + [{"status": status, "at": now_iso(), "note_zh": note_zh,
                                                     "note_en": note_en}]
            db.execute("UPDATE cases SET fixed_status = ?, history = ? WHERE case_number = ?",
                       (status, json.dumps(history, ensure_ascii=False), case_number))

    # -- staff ------------------------------------------------------------------------------------

    def staff_sign_in(self, staff_id: str, password: str, ttl_s: float = STAFF_SESSION_S) -> dict[str, Any] | None:
        row = self._one("SELECT * FROM staff WHERE staff_id = ?", staff_id)
        if row is None or not secrets.compare_digest(password_hash(password, bytes.fromhex(row["salt"])), row["hash"]):
            return None
        token, expires = secrets.token_urlsafe(24), time.time() + ttl_s
        with self.tx() as db:
            db.execute("INSERT INTO staff_sessions VALUES (?, ?, ?)", (token, staff_id, expires))
        body = json.loads(row["body"])
        return dict(body, token=token, expires_at=now_iso(expires),
                    offline_verifier={"algorithm": "pbkdf2-sha256", "salt": row["salt"], "iterations": PBKDF2_ITERATIONS,
                                      "hash": row["hash"], "valid_until": now_iso(time.time() + 7 * 86400)})

    def staff_for_token(self, token: str, at: float | None = None) -> dict[str, Any] | None:
        """The staff member signed in under ``token`` while it is valid, or, with ``at`` (a past time), if it was
        valid then (not expired at it, signed in before it, give or take the terminal's clock): a decision the
        terminal queued while the backend was away (docs/api/payloads.md, "Window decisions")."""
        if at is None:
            row = self._one("SELECT s.body FROM staff_sessions t JOIN staff s ON s.staff_id = t.staff_id "
                            "WHERE t.token = ? AND t.expires > ?", token, time.time())
        else:
            row = self._one("SELECT s.body FROM staff_sessions t JOIN staff s ON s.staff_id = t.staff_id "
                            "WHERE t.token = ? AND t.expires > ? AND t.expires <= ?", token, at,
                            at + STAFF_SESSION_S + CLOCK_SLACK_S)
        return json.loads(row["body"]) if row else None

    def add_decision(self, case_number: str, body: dict[str, Any]) -> None:
        with self.tx() as db:
            db.execute("INSERT INTO decisions VALUES (?, ?)", (case_number, json.dumps(body, ensure_ascii=False)))

    def decision(self, case_number: str) -> dict[str, Any] | None:
        """The case's window decision as recorded (the last, should there be more), with whom the case names."""
        row = self._one("SELECT d.body, c.body AS case_body, c.provisional_number, c.holder FROM decisions d "
                        "JOIN cases c ON c.case_number = d.case_number WHERE d.case_number = ? "
                        "ORDER BY d.rowid DESC LIMIT 1", case_number)
        if row is None:
            return None
        decided, case = json.loads(row["body"]), json.loads(row["case_body"])
        clerk = self._one("SELECT body FROM staff WHERE staff_id = ?", decided.get("staff_id", ""))
        # a seeded case names its holder only (sandbox/data/cases.json): the person on record
        applicant = case.get("applicant") or self.person(row["holder"]) or {"id_number": row["holder"]}
        return {"case_number": case_number, "provisional_number": row["provisional_number"],
                "decision": decided["decision"], "decided_by": decided.get("staff_id", ""),
                "decided_by_name": json.loads(clerk["body"]).get("name", "") if clerk else "",
                "decided_at": decided.get("at", ""), "service_code": case.get("service_code", ""),
                "applicant_masked_name": mask_name(str(applicant.get("name", ""))),
                "applicant_masked_id": mask_id_number(str(applicant.get("id_number", ""))),
                "company": _company(case) or self._seeded_company(case),
                "received": list(decided.get("received") or []),
                "legal_reason": decided.get("legal_reason", ""), "note": decided.get("note", ""),
                "notice_number": self._notice_number(decided.get("notice_id") or ""),
                "hall_id": self.hall_of(str(decided.get("terminal_id") or ""))}

    def hall_of(self, terminal_id: str) -> str:
        """The hall the terminal enrolled in ("" for one unknown, or a record made before terminals were kept)."""
        return str((self.terminal(terminal_id) or {}).get("hall_id", "")) if terminal_id else ""

    def _notice_number(self, notice_id: str) -> str | None:
        row = self._one("SELECT number FROM notices WHERE notice_id = ?", notice_id) if notice_id else None
        return row["number"] if row else None

    def add_notice(self, body: dict[str, Any], idempotency_key: str | None = None,
                   terminal_id: str = "", issued_by: str = "") -> tuple[str, str, str, bool]:
        """Record a one-time notice: (notice id, number, issued at, replayed), ``issued_by`` the clerk's staff id
        at a window. A notice asked for again under its Idempotency-Key from the same terminal is the one recorded
        (replayed); NoticeConflict when that key holds a notice of other content."""
        with self.tx() as db:
            if idempotency_key:
                row = db.execute("SELECT * FROM notices WHERE idempotency_key = ? AND terminal_id = ?",
                                 (idempotency_key, terminal_id)).fetchone()
                if row is not None:
                    if json.loads(row["body"]) != body:
                        raise NoticeConflict(row["number"])
                    return row["notice_id"], row["number"], row["issued_at"], True
            day = dt.date.today().strftime("%Y%m%d")
            number = f"GZ{day}{self.next_number(db, 'notice:' + day):05d}"
            notice_id, issued_at = "NT-" + secrets.token_hex(6), now_iso()
            db.execute("INSERT INTO notices (notice_id, number, body, idempotency_key, terminal_id, issued_at, "
                       "issued_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (notice_id, number, json.dumps(body, ensure_ascii=False), idempotency_key, terminal_id,
                        issued_at, issued_by))
        return notice_id, number, issued_at, False

    def notice(self, number: str) -> dict[str, Any] | None:
        """A one-time notice as recorded (NoticeView), the applicant masked, for its paper printed again."""
        row = self._one("SELECT * FROM notices WHERE number = ?", number)
        if row is None:
            return None
        body = json.loads(row["body"])
        person = self.person(str(body.get("id_number", ""))) or {}
        clerk = self._one("SELECT body FROM staff WHERE staff_id = ?", row["issued_by"] or "")
        company = self.company(str(body.get("credit_code") or "")) if body.get("credit_code") else None
        return {"number": number, "issued_at": row["issued_at"] or "", "service_code": body.get("service_code", ""),
                "applicant_masked_name": mask_name(str(person.get("name", ""))) if person else "",
                "applicant_masked_id": mask_id_number(str(body.get("id_number", ""))),
                "missing": list(body.get("missing") or []),
                "company": {"credit_code": company["credit_code"], "name_zh": company["name"]} if company else None,
                "case_number": body.get("case_number"), "issued_by": row["issued_by"] or "",
                "issued_by_name": json.loads(clerk["body"]).get("name", "") if clerk else "",
                "hall_id": self.hall_of(row["terminal_id"] or "")}

    def notice_exists(self, notice_id: str) -> bool:
        return self._one("SELECT 1 FROM notices WHERE notice_id = ?", notice_id) is not None

    def notice_number_exists(self, number: str) -> bool:
        return self._one("SELECT 1 FROM notices WHERE number = ?", number) is not None

    # -- print tickets --------------------------------------------------------

    def issue_ticket(self, licence_id: str, idempotency_key: str | None = None, terminal_id: str = "",
                     ttl_s: float = 600) -> tuple[str, float, bool] | None:
        """One open ticket per licence; a consumed licence gets no new ticket (print once).

        Returns (ticket id, expiry, replayed), or None when the licence is printed or another ask holds
        its open ticket. An ask under the key (and from the terminal) of the open ticket gets that ticket
        again (replayed): a retry after a lost answer finds the ticket it caused."""
        with self.tx() as db:
            rows = db.execute("SELECT * FROM tickets WHERE licence_id = ?", (licence_id,)).fetchall()
            if any(r["status"] == "consumed" for r in rows):
                return None
            open_ = [r for r in rows if r["status"] == "issued" and r["expires"] > time.time()]
            for row in open_:
                if idempotency_key and (row["idempotency_key"], row["terminal_id"]) == (idempotency_key, terminal_id):
                    return row["ticket_id"], row["expires"], True
            if open_:
                return None
            ticket_id, expires = "TK-" + secrets.token_hex(8), time.time() + ttl_s
            db.execute("INSERT INTO tickets (ticket_id, licence_id, status, expires, idempotency_key, terminal_id) "
                       "VALUES (?, ?, 'issued', ?, ?, ?)", (ticket_id, licence_id, expires, idempotency_key, terminal_id))
            return ticket_id, expires, False

    def finish_ticket(self, ticket_id: str, status: str) -> str | None:
        """issued -> consumed | released. Returns the new status, "unchanged" when it has that status already,
        or the other one when it cannot change."""
        with self.tx() as db:
            row = db.execute("SELECT status FROM tickets WHERE ticket_id = ?", (ticket_id,)).fetchone()
            if row is None:
                return None
            if row["status"] == status:
                return "unchanged"
            if row["status"] != "issued":
                return row["status"]
            db.execute("UPDATE tickets SET status = ? WHERE ticket_id = ?", (status, ticket_id))
            return status

    def ticket_consumed(self, licence_id: str) -> bool:
        return self._one("SELECT 1 FROM tickets WHERE licence_id = ? AND status = 'consumed'", licence_id) is not None

    def ticket(self, ticket_id: str) -> sqlite3.Row | None:
        return self._one("SELECT * FROM tickets WHERE ticket_id = ?", ticket_id)

    # -- terminals, nonces ------------------------------------------------------------------------------

    def touch_terminal(self, terminal_id: str, body: dict[str, Any]) -> int:
        """What a terminal said last, over what it said before (its enrolment's hall stays with its heartbeats);
        returns how many installations spoke under its id within ``INSTALLATIONS_WITHIN_S`` (kiosk/installation.py),
        this one included (0: none said one)."""
        with self.tx() as db:
            row = db.execute("SELECT body FROM terminals WHERE terminal_id = ?", (terminal_id,)).fetchone()
            before = json.loads(row[0]) if row else {}
            now = time.time()
            heard = {name: at for name, at in (before.get("installations_heard") or {}).items()
                     if now - at < INSTALLATIONS_WITHIN_S}
            if body.get("installation"):
                heard[body["installation"]] = now
            merged = {**before, **body, "installations_heard": heard}
            db.execute("INSERT OR REPLACE INTO terminals VALUES (?, ?, ?)",
                       (terminal_id, json.dumps(merged, ensure_ascii=False), now))
        return len(heard)

    def hall_terminals(self, hall_id: str) -> list[tuple[str, dict[str, Any], float]]:
        """(terminal id, what it said last, when) for every terminal enrolled in ``hall_id``, by id."""
        rows = self._all("SELECT terminal_id, body, last_seen FROM terminals ORDER BY terminal_id")
        found = [(row["terminal_id"], json.loads(row["body"]), row["last_seen"]) for row in rows]
        return [(tid, body, seen) for tid, body, seen in found if body.get("hall_id") == hall_id]

    def terminal(self, terminal_id: str) -> dict[str, Any] | None:
        row = self._one("SELECT body FROM terminals WHERE terminal_id = ?", terminal_id)
        return json.loads(row["body"]) if row else None

    def use_nonce(self, nonce: str, window_s: float) -> bool:
        """True the first time a nonce is seen within the window; False for a replay."""
        with self.tx() as db:
            now = time.time()
            db.execute("DELETE FROM nonces WHERE seen < ?", (now - window_s,))
            try:
                db.execute("INSERT INTO nonces VALUES (?, ?)", (nonce, now))
            except sqlite3.IntegrityError:
                return False
            return True
