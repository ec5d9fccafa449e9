"""A matter for a company (法人) at the window: the clerk takes the company by its unified social credit code, as
the kiosk's citizen does.

A mix-in of ``ClerkDesk``. For a service whose ``applicant_types`` hold "company" the matter becomes a company's
(``apply_for_company``: the window's company row does it when the clerk types a code; a service for companies only
starts there), the clerk types the code from the business licence (or a keyboard-wedge scanner types its QR code's
text into the field: ``kiosk.companies.typed_code`` finds the code in it), and looks it up on the backend
(``BackendClient.company``, on the task runner): the company and what the applicant, whose card was read, is to it.
The code is checked as the kiosk checks it (``kiosk.companies``, GB 32100 by ``common.uscc``); a company the
applicant is neither the legal representative nor an authorised handler of is refused, as at the kiosk. Once
found, the matter's case is the kiosk's company case (``Application.company``: the applicant travels as the
company's, docs/api/payloads.md 'Who applies') and the electronic licences offered are the company's
(``kiosk/workflows/clerk_licences.py``, through ``kiosk.companies.fetch_licences``), on the applicant's own consent
as before.

The licences belong to their holder: choosing or dropping the company, or another code, drops the consent, the
licences fetched and those used for materials (the applicant's own cannot stand in a company's case, nor the
other way round). The company goes with the service and the matter (next applicant, another card, sign-out, idle).
Neither the log nor the audit trail names the company: an individual business's code stands for a person.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from common.backend_errors import CompanyNotFoundError, RejectedError
from common.domain import Company
from common.i18n import Text, language, text
from kiosk import companies
from kiosk.workflows.citizen import Notice
from kiosk.staff_words import staff_message

if TYPE_CHECKING:
    from kiosk.workflows.clerk import ClerkDesk

log = logging.getLogger(__name__)


class DeskCompany:
    """What ``ClerkDesk`` adds for a matter applied for by a company."""

    for_company = False  # the clerk chose "For a company" (or the service is for companies only)
    company_code = ""  # as typed, normalised
    company: Company | None = None  # found, and the applicant may apply for it

    def _init_company(self) -> None:
        self.for_company, self.company_code, self.company = False, "", None

    def takes_company(self: "ClerkDesk") -> bool:
        """The service in hand may be applied for by a company."""
        return self.service is not None and "company" in self.service.applicant_types

    def takes_person(self: "ClerkDesk") -> bool:
        return self.service is not None and "person" in self.service.applicant_types

    def can_change_company(self: "ClerkDesk") -> bool:
        """The applicant's kind or company may change: checking, the desk free, no licence question open and no
        decision asked on the matter's case yet."""
        from kiosk.workflows.clerk import Desk

        return (self.identity is not None and self.step is Desk.CHECKING and not self.busy and self.takes_company()
                and self.licence_consent not in ("asked", "witnessing") and not self.decision)

    def apply_for_company(self: "ClerkDesk", wanted: bool) -> None:
        """"For a company" (True) or for the applicant themselves (False, when the service takes persons)."""
        from kiosk.workflows.clerk import Desk

        if not self.can_change_company() or wanted == self.for_company or (not wanted and not self.takes_person()):
            return
        self._drop_company()
        self.for_company = wanted
        self._audit_step("applicant_kind", "company" if wanted else "person")
        self._go(Desk.CHECKING)

    def set_company_code(self: "ClerkDesk", typed: str) -> None:
        """The code as typed so far; a company found for another code is dropped with its licences."""
        if not self.for_company or not self.can_change_company():
            return
        code = companies.typed_code(typed)
        if code == self.company_code:
            return
        dropped = self.company is not None or bool(self.licence_consent)
        before = self.notice
        self._drop_company()
        self.company_code = code
        message = self.company_code_message()  # said as typed, as the kiosk does
        self.notice = Notice(message) if message is not None else None
        # the window is redrawn only when what it shows changed, not for every key: a wedge scanner types a licence
        # QR code's whole text in one burst, and the same "not a credit code" for each key redrew it 60 times
        if dropped or self.notice != before:
            self._changed()

    def company_code_message(self: "ClerkDesk", final: bool = False) -> Text | None:
        """What is wrong with the code typed (a code still being typed is not yet 'too short')."""
        return companies.code_message(self.company_code, final)

    def look_up_company(self: "ClerkDesk") -> None:
        from kiosk.workflows.clerk import Desk

        if not self.for_company or not self.can_change_company() or self.identity is None:
            return
        problem = companies.look_up_problem(self.company_code)  # as the kiosk's
        if problem is not None:
            self._go(Desk.CHECKING, Notice(problem))
            return
        identity, service, code = self.identity, self.service, self.company_code
        backend = self._backend
        self.busy, self.notice = True, None
        self._changed()
        self._tasks.run(lambda: backend.company(code, identity.id_number),
                        lambda company: self._company_found(company, identity, service),
                        lambda exc: self._company_failed(exc, identity, service, code))

    def _company_in_hand(self: "ClerkDesk", identity: object, service: object, code: str) -> bool:
        return identity is self.identity and service is self.service and self.for_company and code == self.company_code

    def _company_found(self: "ClerkDesk", company: Company, identity: object, service: object) -> None:
        from kiosk.workflows.clerk import Desk

        self.busy = False
        if not self._company_in_hand(identity, service, company.credit_code) or self.identity is None:
            self._changed()  # the matter, the service or the code changed meanwhile
            return
        if not company.may_apply:
            self._audit_step("company_refused", "no role")
            self._go(Desk.CHECKING, Notice(text(
                "{name} is neither the legal representative nor an authorised handler of {company}. The company can "
                "register them as a handler, or they can apply as its agent with a power of attorney.",
                name=self.identity.masked_name, company=company.name(language()))))
            return
        self.company = company
        self._company_prefill()  # its name and code in the form's fields that take them (clerk_form.py)
        self._audit_step("company_found", company.applicant_role.value)  # the role, never the code
        self._go(Desk.CHECKING, Notice(text("For {company}: the case goes in the company's name.",
                                            company=company.name(language())), error=False))

    def _company_failed(self: "ClerkDesk", exc: BaseException, identity: object, service: object, code: str) -> None:
        from kiosk.workflows.clerk import Desk

        self.busy = False
        if not self._company_in_hand(identity, service, code):
            self._changed()
            return
        log.info("desk: company not found (%s)", type(exc).__name__)
        message = (text("No company is registered under {code}. Check the code against the business licence.",
                        code=code) if isinstance(exc, CompanyNotFoundError) else staff_message(exc))
        self._go(Desk.CHECKING, Notice(message))

    def _company_refused(self: "ClerkDesk", exc: BaseException) -> None:
        """The case refused for the applicant's role in the company (422 company_role: the register changed it since
        the look-up): the company is to be looked up again, its code kept, and the case goes in the role the
        register now gives (a new application: clerk_case.py); the licences used stay, the company's still."""
        if isinstance(exc, RejectedError) and exc.code == "company_role" and self.company is not None:
            self.company = None
            self._audit_step("company_refused", "role changed")

    def applicant_problem(self: "ClerkDesk") -> Text | None:
        """What stops a decision on the matter for want of its applicant (None when nothing does): a company to be
        found first, or a service for companies only without one."""
        if self.service is None or self.company is not None:
            return None
        if self.for_company or not self.takes_person():
            return text("Look up the company first: this matter is applied for in a company's name.")
        return None

    def _drop_company(self: "ClerkDesk") -> None:
        """The company found goes, and with it everything fetched on its behalf: the licence consent, the licences
        offered and those standing for materials."""
        self.company_code, self.company = "", None
        self._drop_used_licences()
        self._forget_licences()

    def _start_company(self: "ClerkDesk") -> None:
        """A service chosen: no company yet; for a service for companies only, the matter is a company's from the
        start."""
        self._init_company()
        self.for_company = self.takes_company() and not self.takes_person()

    def _forget_company(self) -> None:
        self._init_company()
