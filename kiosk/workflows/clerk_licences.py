"""Electronic licences (电子证照) standing for materials at the window, as at the kiosk, after the applicant's consent.

A mix-in of ``ClerkDesk``. A service whose materials name an ``e_licence_type`` can take the applicant's
electronic licences in place of paper, exactly as the kiosk's (``kiosk/workflows/citizen.py``,
LICENCE_CONSENT then MATERIALS): the same consent (scope "licences", for the service in hand, the kiosk's
``LICENCE_CONSENT_VERSION``), the same fetch (``POST /consents``, then ``GET /persons/{id}/licences`` with its
``consent_id``; for a company's matter, ``kiosk/workflows/clerk_company.py``, the company's licences on the
applicant's own consent, ``GET /companies/{code}/licences``, both through ``kiosk.companies.fetch_licences``), the
same matching (``kiosk.materials.offered_licences``) and the same checklist
(``Checklist.use_licence``): the accepted case carries ``e_licences`` and ``material_licences`` as the kiosk's
cases do, with the consent in ``CaseIn.consents``.

The consent is asked before anything is fetched. With a screen facing the applicant (``terminal.customer_screen``)
the applicant reads what is fetched and why on it and answers there (``ui/customer_screen.py``): the consent's
method is how their card identified them, as at the kiosk. Without that screen the clerk asks aloud, reading
the same words from their own window, and records the answer: the consent goes as ``clerk_witnessed``, a
method the contract has always allowed (docs/api/payloads.md, 'Consents'), and the audit trail names the clerk
who witnessed it (``licence_consent`` under their staff id). Declined, nothing is fetched and nothing is sent. An applicant who never answers leaves the clerk "Cancel the
question" (``cancel_licence_question``): the question leaves their screen, nothing is recorded, and it may be asked
again.

Fetching runs on the task runner, the desk busy meanwhile; an answer that comes back for a matter or service no
longer in hand is dropped. The consent and the licences belong to the applicant's matter and its service:
another service, the next applicant, a sign-out (an idle one too) or another card drop them, and so does another
holder (the matter turned into a company's, another company, or back to the applicant's own): the licences used
for materials with them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from common.backend_errors import RejectedError
from common.domain import Consent
from common.i18n import Text, language, text
from kiosk import companies
from kiosk.materials import LICENCE_REFUSALS, Provided, licence_kinds_text, licence_materials, offered_licences
from kiosk.workflows.citizen import LICENCE_CONSENT_VERSION, Notice, consent_method

if TYPE_CHECKING:
    from kiosk.workflows.clerk import ClerkDesk

log = logging.getLogger(__name__)

WITNESSED = "clerk_witnessed"  # the consent's method when the clerk asked aloud (no customer screen)


class DeskLicences:
    """What ``ClerkDesk`` adds for electronic licences standing for materials."""

    consent_on_screen = False  # the applicant answers on the customer screen (set from the configuration)
    # "" (not asked), "asked" (on the applicant's screen), "witnessing" (the clerk asks aloud), "agreed",
    # "declined", "unavailable" (agreed, but the licences could not be fetched)
    licence_consent: str = ""
    offered: dict[str, dict[str, Any]] = {}  # material code -> the applicant's licence that can stand for it

    def _init_licences(self, consent_on_screen: bool) -> None:
        self.consent_on_screen = consent_on_screen
        self.licence_consent, self.offered = "", {}

    def can_ask_licences(self: "ClerkDesk") -> bool:
        """A service in hand that takes licences, the desk free, and no consent given or being asked."""
        from kiosk.workflows.clerk import Desk

        return (self.identity is not None and self.service is not None and self.step is Desk.CHECKING
                and not self.busy and self.licence_consent in ("", "declined", "unavailable")
                and bool(licence_materials(self.service, self.for_company))
                and (self.company is not None or not self.for_company))  # a company's: once it is found

    def ask_licences(self: "ClerkDesk") -> None:
        """The clerk offers to fetch the applicant's licences: asked on their screen, or aloud by the clerk."""
        from kiosk.workflows.clerk import Desk

        if not self.can_ask_licences():
            return
        # on their screen while its monitor is connected (kiosk/workflows/clerk_applicant_screen.py)
        on_screen = self.consent_on_screen and self.screen_present
        self.licence_consent = "asked" if on_screen else "witnessing"
        self._audit_step("licence_consent_asked", "screen" if on_screen else "aloud")
        said = (text("The applicant is asked on their screen whether their electronic licences may be fetched.")
                if on_screen else self._aloud_question())
        self._go(Desk.CHECKING, Notice(said, error=False))

    def _aloud_question(self: "ClerkDesk") -> Text:
        """The words the clerk reads out to ask the consent before witnessing it."""
        return text("Ask the applicant aloud: \"For this application we can fetch these from the government's "
                    "licence library instead of your paper: {kinds}. They are used for this application only. May "
                    "we?\" Then record their answer.",
                    kinds=licence_kinds_text(self.service, language(), self.for_company))

    def agree_licences(self: "ClerkDesk") -> None:
        """The applicant agreed (on their screen, or aloud before the clerk): the consent recorded, then their
        licences fetched on the task runner."""
        if self.licence_consent not in ("asked", "witnessing") or self.busy or self.identity is None \
                or self.service is None:
            return
        identity, service = self.identity, self.service
        method = consent_method(identity.card_type) if self.licence_consent == "asked" else WITNESSED
        consents = self._matter_case().application.consents  # the consent travels with the case, as the kiosk's
        # asked again after the licences could not be fetched: the same consent (its key), so a case carries it
        # once however often the clerk asks (CaseIn.consents holds at most 6)
        consent = next((c for c in consents if c.scope == "licences" and c.service_code == service.code
                        and c.method == method), None)
        if consent is None:
            consent = Consent(identity.id_number, "licences", method, LICENCE_CONSENT_VERSION,
                              service_code=service.code)
            consents.append(consent)
        self.licence_consent = "agreed"
        self._audit_step("licence_consent", f"{service.code} {method}")
        backend, company = self._backend, self.company  # a company's matter: the company's licences (kiosk.companies)
        self.busy, self.notice = True, None
        self._changed()
        self._tasks.run(lambda: companies.fetch_licences(backend, consent, company),
                        lambda found: self._licences_fetched(found, identity, service, company),
                        lambda exc: self._licences_unavailable(exc, identity, service, company))

    def decline_licences(self: "ClerkDesk") -> None:
        """Declined: nothing fetched, nothing recorded; the materials are checked on paper."""
        from kiosk.workflows.clerk import Desk

        if self.licence_consent not in ("asked", "witnessing") or self.busy:
            return
        self.licence_consent = "declined"
        self._audit_step("licence_consent_declined")
        self._go(Desk.CHECKING, Notice(text("No electronic licences: the applicant declined. Check the paper "
                                            "materials."), error=False))

    def cancel_licence_question(self: "ClerkDesk") -> None:
        """The clerk withdraws the question unanswered (an applicant who never answers on their screen): it leaves
        the applicant's screen, no answer is recorded (neither a consent nor a refusal), and the clerk may ask
        again. The audit trail closes the question it opened (``licence_consent_asked``)."""
        from kiosk.workflows.clerk import Desk

        if self.licence_consent not in ("asked", "witnessing") or self.busy:
            return
        self.licence_consent = ""
        self._audit_step("licence_question_withdrawn")
        self._go(Desk.CHECKING, Notice(text("The question was withdrawn: nothing was recorded. You can ask again."),
                                       error=False))

    def _still_in_hand(self: "ClerkDesk", identity: object, service: object, company: object) -> bool:
        return (identity is self.identity and service is self.service and company is self.company
                and self.licence_consent == "agreed")

    def _licences_fetched(self: "ClerkDesk", found: list[dict[str, Any]], identity: object, service: object,
                          company: object) -> None:
        from kiosk.workflows.clerk import Desk

        if not self._still_in_hand(identity, service, company) or self.service is None:  # the matter went meanwhile
            self.busy = False
            self._changed()
            return
        self.offered = offered_licences(self.service, found, company is not None)
        self._audit_step("licences_fetched", str(len(self.offered)))
        said = (text("Licences can stand for the materials marked in the list.") if self.offered else
                text("The applicant holds no electronic licence for this service's materials."))
        self._go(Desk.CHECKING, Notice(said, error=False))

    def _licences_unavailable(self: "ClerkDesk", exc: BaseException, identity: object, service: object,
                              company: object) -> None:
        from kiosk.workflows.clerk import Desk

        if not self._still_in_hand(identity, service, company):
            self.busy = False
            self._changed()
            return
        self.licence_consent = "unavailable"
        log.info("desk: electronic licences not fetched (%s)", type(exc).__name__)
        self._go(Desk.CHECKING, Notice(text("The electronic licences cannot be fetched right now. Check the paper "
                                            "materials instead.")))

    def licence_offered(self: "ClerkDesk", code: str) -> dict[str, Any] | None:
        """The licence that can stand for ``code`` and is not used for it yet (None otherwise)."""
        material = self.material(code)
        if code not in self.offered or material is None:
            return None
        return None if material.provided is Provided.LICENCE else self.offered[code]

    def licence_used(self: "ClerkDesk", code: str) -> dict[str, Any] | None:
        """The licence standing for ``code`` (None when none does)."""
        material = self.material(code)
        return material.licence if material is not None and material.provided is Provided.LICENCE else None

    def use_licence(self: "ClerkDesk", code: str) -> None:
        """One tap: the applicant's licence stands for ``code`` (pages scanned for it are zeroed)."""
        from kiosk.workflows.clerk import Desk

        licence = self.licence_offered(code)
        if licence is None or self.step is not Desk.CHECKING or self.busy or self.checklist is None:
            return
        self.checklist.use_licence(code, licence)
        self.provided[code] = True
        self._audit_step("material_licence_used", code)  # the material, not the person's licence
        self._go(Desk.CHECKING)

    def _drops_licence(self: "ClerkDesk", code: str, provided: bool) -> None:
        """A tick taken away from a material a licence stood for: the licence no longer stands for it."""
        material = self.material(code)
        if not provided and material is not None and material.provided is Provided.LICENCE:
            material.wipe()
            material.provided = Provided.NOTHING

    def _licence_refs(self: "ClerkDesk", application: Any) -> None:
        """The licences standing for materials, on the application as the kiosk's (``e_licences``,
        ``material_licences``)."""
        checklist = self.checklist
        application.e_licences = checklist.licence_ids() if checklist is not None else []
        application.material_licences = checklist.licences_by_material() if checklist is not None else {}

    def _drop_used_licences(self: "ClerkDesk") -> None:
        """Every licence standing for a material no longer does (its holder changed: clerk_company.py)."""
        for material in (self.checklist.items if self.checklist is not None else ()):
            if material.provided is Provided.LICENCE:
                self._drops_licence(material.code, False)
                self.provided[material.code] = False

    def _licence_refused(self: "ClerkDesk", exc: BaseException) -> bool:
        """The backend would not take an electronic licence standing for a material (not the applicant's, not of
        its kind): the material unticked and that licence not offered for it again, for the clerk to scan its paper
        or issue the notice. False when the refusal names no licence in use."""
        if not isinstance(exc, RejectedError) or exc.code not in LICENCE_REFUSALS \
                or self.checklist is None:
            return False
        refused = self.checklist.refuse_licences(exc.fields)
        for code in refused:
            self.provided[code] = False
            self.offered.pop(code, None)
        if refused:
            self._audit_step("licence_refused", " ".join(refused))
        return bool(refused)

    def _forget_licences(self) -> None:
        self.licence_consent, self.offered = "", {}
