"""The service's application form at the window: the clerk types it in from what the applicant says or wrote.

A mix-in of ``ClerkDesk``. The kiosk's citizen fills the form on the touch screen; at the integrated window the
clerk keys the same fields into the same form (the catalogue's ``form``), checked by the same rules, with the same
messages (kiosk/forms.py, the one place those rules live). A case goes with the form as the backend wants it: the
desk does not accept while a field is missing or wrong (the backend would refuse the case on arrival, 422
``form_invalid``), and says which.

The values start from what the card gives (the applicant's name, address, birth date, for fields whose
``prefill`` names them), and from the company once it is found; a field the clerk typed is never overwritten by a
prefill. A saved application continued at the window brings its form back, and a one-time notice saves what was
typed so far with the draft (kiosk/workflows/clerk_drafts.py). The values are the applicant's: forgotten with them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Mapping

from common.backend_errors import RejectedError
from common.domain import Company, Identity, ServiceItem
from common.i18n import Text, plural_text, text
from kiosk import forms
from kiosk.materials import MATERIALS_REFUSALS, Changed, still_offered
from kiosk.workflows.citizen import Notice
from kiosk.staff_words import staff_message

if TYPE_CHECKING:
    from kiosk.workflows.clerk import ClerkDesk

log = logging.getLogger(__name__)


class DeskForm:
    """What ``ClerkDesk`` adds for the service's form."""

    form_refusals = 0  # how often the backend refused the form's fields: the window opens the form at each

    def _init_form(self) -> None:
        self.form_values: dict[str, str] = {}
        self.form_checked = False  # a decision was asked once: every field shows its message
        self._typed: set[str] = set()  # fields the clerk typed: a later prefill leaves them be
        self.form_refused: dict[str, str] = {}  # values the backend refused (kiosk.forms.refused_values)

    def _start_form(self, service: ServiceItem, identity: Identity | None, company: Company | None = None,
                    saved: Mapping[str, Any] | None = None) -> None:
        """``service`` chosen (or a saved application's continued, with its ``saved`` form): the card's values, then
        the saved ones over them."""
        self._init_form()
        if identity is not None:
            self.form_values = forms.prefill(service, identity, company)
        for name, value in (saved or {}).items():
            if any(f.name == name for f in service.form):
                self.form_values[name] = str(value)
                self._typed.add(name)

    def _company_prefill(self: "ClerkDesk") -> None:
        """The company found: the fields it fills (its name, its code, its address) that the clerk left alone."""
        if self.service is None or self.identity is None:
            return
        for name, value in forms.prefill(self.service, self.identity, self.company).items():
            if name not in self._typed:
                self.form_values[name] = value

    def set_form_value(self: "ClerkDesk", name: str, value: str) -> None:
        """A field as the clerk typed or chose it. The panel shows :meth:`form_messages` next to it itself: the
        window is not redrawn for every key (a wedge scanner types a code's whole text in a burst), only while the
        applicant is asked to sign, whose screen lists the answers."""
        from kiosk.workflows.clerk import Desk

        if self.step is not Desk.CHECKING or self.busy or self.service is None:
            return
        if any(f.name == name for f in self.service.form) and self.form_values.get(name, "") != value:
            self.form_values[name] = value
            self._typed.add(name)
            if self.signature_asked:
                self._changed()

    def form_messages(self: "ClerkDesk") -> dict[str, Text]:
        """{field name: what is wrong with it} over the service's form; empty when the form will do."""
        if self.service is None:
            return {}
        return forms.validate_all(self.service, self.form_values, self.form_refused)

    def form_problem(self: "ClerkDesk") -> Text | None:
        """What stops a decision for want of the form: None when it is complete. Marks every field's message."""
        wrong = self.form_messages()
        if not wrong:
            return None
        self.form_checked = True
        return plural_text("The application form has {count} field to put right, marked in red.",
                           "The application form has {count} fields to put right, marked in red.",
                           len(wrong), count=len(wrong))

    def _form_submission(self: "ClerkDesk", only_right: bool = False) -> dict[str, str | int | float]:
        """The form as the case carries it (normalised; numbers as numbers). ``only_right``: for a saved application,
        the fields that will do (a half-typed phone number is not kept)."""
        if self.service is None:
            return {}
        values: Mapping[str, Any] = self.form_values
        if only_right:
            wrong = self.form_messages()
            values = {name: value for name, value in values.items() if name not in wrong}
        return forms.submission(self.service, values)

    def _form_refused(self: "ClerkDesk", exc: BaseException) -> bool:
        """A case refused for answers the window's check passed (the backend's catalogue changed under the
        terminal): those fields marked for the clerk to put right with the applicant. False when the refusal names no
        field of the form, or names one the form held here does not have (``_form_added``)."""
        if not isinstance(exc, RejectedError) or exc.code != "form_invalid" or self.service is None \
                or forms.unknown_fields(exc.fields, self.service):
            return False
        refused = forms.refused_values(exc.fields, self.service, self.form_values)
        if not refused:
            return False
        self._mark_refused(refused)
        return True

    def _mark_refused(self, refused: dict[str, str]) -> None:
        self.form_refused, self.form_checked = refused, True
        self.form_refusals += 1

    def _form_added(self: "ClerkDesk", exc: BaseException) -> bool:
        """A case refused naming fields the form held here does not have (added to the catalogue since): the service
        fetched again (``_service_again``), the panel opening at those fields. False for any other refusal."""
        if not isinstance(exc, RejectedError) or exc.code != "form_invalid" or self.service is None:
            return False
        added = forms.unknown_fields(exc.fields, self.service)
        if not added:
            return False
        self._service_again(exc, added)
        return True

    def _materials_refused(self: "ClerkDesk", exc: BaseException) -> bool:
        """A case refused naming a material the service no longer lists (422 ``unknown_material``) or a required one
        it now lists (422 ``materials_missing``): the catalogue's materials changed under the terminal, and the
        service is fetched again (``_service_again``)."""
        if not isinstance(exc, RejectedError) or exc.code not in MATERIALS_REFUSALS or self.service is None \
                or self.checklist is None:
            return False
        self._service_again(exc, set())
        return True

    def _service_again(self: "ClerkDesk", exc: RejectedError, added: set[str]) -> None:
        """The service fetched again on the task runner. As the same service with the fields the refusal named it
        takes the old one's place (``_service_changed``): the answers, scans and ticks kept where they still stand,
        the panel opening at the fields added, the clerk told which materials are asked for now and which were
        left out. Not so (the same materials and no field added, another service, not fetched): the refusal is said
        as any other."""
        from kiosk.workflows.clerk import Desk

        held, backend = self.service, self._backend
        assert held is not None

        def fetched(fresh: ServiceItem) -> None:
            if self.service is not held or not forms.takes_place_of(fresh, held, added):
                self._go(Desk.CHECKING, Notice(staff_message(exc)))
                return
            changed = self._service_changed(fresh)
            if added:
                self._mark_refused(forms.refused_values(exc.fields, fresh, self.form_values))
            said = (text("The application form and the materials of this service have changed: fill in the fields "
                         "marked in red with the applicant, and check the materials. {change}",
                         change=changed.said()) if added and changed
                    else text("The materials of this service have changed: check them with the applicant. {change}",
                              change=changed.said()) if changed
                    else text("The application form of this service has changed: fill in the fields marked in red "
                              "with the applicant."))
            self._go(Desk.CHECKING, Notice(said))

        self._go(Desk.WORKING)
        self._desk_tasks.run(lambda: backend.service(held.code), fetched,
                             lambda _e: self._go(Desk.CHECKING, Notice(staff_message(exc))))

    def _service_changed(self: "ClerkDesk", fresh: ServiceItem) -> Changed:
        """The same service as the backend now has it, in the matter's place: its case, its materials' list (what
        was provided and still stands kept, ``Checklist.follow``; a tick kept for a material still listed whose
        provision did not lapse). Returns how its materials changed."""
        self.service = fresh
        changed = self.checklist.follow(fresh) if self.checklist is not None else Changed()
        lapsed = {m.code for m in changed.reset}
        self.provided = {m.code: self.provided.get(m.code, False) and m.code not in lapsed for m in fresh.materials}
        self.offered = still_offered(self.offered, fresh)
        if self._kept_case is not None:
            self._kept_case.application.service = fresh
        self.catalogue = [fresh if s.code == fresh.code else s for s in self.catalogue]
        log.info("desk: %s changed under the terminal (materials %s)", fresh.code,
                 "changed" if changed else "the same")
        if changed:
            self._audit_step("materials_changed", changed.codes())
        return changed

    def _forget_form(self) -> None:
        self._init_form()
