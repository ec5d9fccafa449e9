"""The window's licence row: the applicant's electronic licences (电子证照) fetched with their consent, then used.

Buttons in the scanning row under the clerk's materials list (``ui/scan_row.py``): a row of their own above the
list grew the window to 908 px of 800 in large English beside a hand-over, and the left column has no height to
spare at 1280x800. Where the consent and licences stand is the row's tooltip and the desk's notice. "E-licences"
asks the applicant's consent, on their screen when the window has one
(``ui/customer_screen.py``), else aloud by the clerk, who then records "Agreed" or "Declined" ("Cancel the
question", in the window's left column for want of width here, withdraws it unanswered, recording nothing); once fetched,
"Use licence" lets the licence the applicant holds stand for the material current in the list (one tap). The
list marks which materials a licence can stand for (``ui.scan_row.material_note``). The desk does the rest
(``kiosk/workflows/clerk_licences.py``); the row shows only what the desk holds, and is hidden for a service
that takes no licence, so it takes no room where it cannot be used. For a service a company may apply for, the row
brings the company's row (``ui/company_row.py``, placed in the left column): once the company is found, "E-licences"
fetches the company's licences on the applicant's consent.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QHBoxLayout, QWidget

from common.i18n import _, ngettext
from kiosk.materials import licence_materials
from kiosk.workflows.clerk import ClerkDesk, Desk
from ui.company_row import CompanyRow
from ui.widgets import button


def status_text(desk: ClerkDesk) -> str:
    """Where the applicant's consent and licences stand, for the clerk."""
    consent = desk.licence_consent
    if desk.busy and consent == "agreed":
        return _("Fetching the applicant's electronic licences...")
    if consent == "asked":
        return _("Asked on the applicant's screen.")
    if consent == "witnessing":
        return _("Ask the applicant aloud, then record their answer.")
    if consent == "declined":
        return _("The applicant declined: no electronic licences.")
    if consent == "unavailable":
        return _("Electronic licences not fetched.")
    if consent == "agreed":
        return ngettext("{n} material can take a licence.", "{n} materials can take a licence.",
                        len(desk.offered)).format(n=len(desk.offered))
    return _("Electronic licences can stand for some materials.")


class LicenceRow(QWidget):
    def __init__(self, desk: ClerkDesk, current: Callable[[], str]) -> None:
        super().__init__()
        self._desk, self._current = desk, current  # current: the material chosen in the clerk's list
        self.fetch = button("", desk.ask_licences)
        self.agreed = button("primary", desk.agree_licences)  # asked aloud: the clerk records the answer
        self.declined = button("", desk.decline_licences)
        # no answer comes: the question leaves their screen. Placed by the window in its left column, above "Next
        # applicant" (ui/window_view.py): beside "Declined" in this row it grew the window to 1,457 px of 1,280 in
        # large English (329 px of button), and this row's width is the right column's
        self.withdraw = button("", desk.cancel_licence_question)
        self.use = button("", lambda: desk.use_licence(self._current()))
        # whose licences: the applicant's own, or a company's (ui/company_row.py). Placed by the window in its left
        # column under the applicant, as "Cancel the question"; shown by this row with the desk
        self.company = CompanyRow(desk)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.fetch, self.agreed, self.declined, self.use):
            row.addWidget(widget)
        self.setVisible(False)
        self.withdraw.setVisible(False)  # until a question is open: shown from the start, the window grew to 840 px

    def show_desk(self, desk: ClerkDesk) -> None:
        # the company's row and "Cancel the question" share one place: the one going is hidden before the other shows
        # (both shown for a moment grew the window to 862 px of 800 in large English: tests/test_window_company_ui.py)
        question = desk.licence_consent in ("asked", "witnessing")
        if question:
            self.company.show_desk(desk)
        takes = bool(licence_materials(desk.service, desk.for_company))  # a licence of the applicant's kind
        shown = (desk.identity is not None and takes and not desk.papers_held
                 and (desk.step is Desk.CHECKING or (desk.step is Desk.WORKING and not desk.result)))
        consent = desk.licence_consent
        self.setToolTip(status_text(desk) if shown else "")
        self.fetch.setText(_("E-licences") if consent in ("", "agreed") else _("Ask again"))
        self.agreed.setText(_("Agreed"))
        self.declined.setText(_("Declined"))
        self.withdraw.setText(_("Cancel the question"))
        self.use.setText(_("Use licence"))
        self.fetch.setEnabled(desk.can_ask_licences())
        # hidden before shown: "E-licences" shown while "Use licence" still was (the company changed after the
        # licences were fetched) grew the window to 1,356 px of 1,280 in large English
        for widget, visible in sorted(((self.fetch, takes and consent in ("", "declined", "unavailable")),
                                       (self.agreed, consent == "witnessing"),
                                       (self.declined, consent in ("asked", "witnessing")),
                                       (self.withdraw, shown and consent in ("asked", "witnessing")),
                                       (self.use, consent == "agreed" and bool(desk.offered))),
                                      key=lambda pair: pair[1]):
            widget.setVisible(visible)
        for widget in (self.agreed, self.declined, self.withdraw):
            widget.setEnabled(not desk.busy)
        self.use.setEnabled(desk.step is Desk.CHECKING and not desk.busy
                            and desk.licence_offered(self._current()) is not None)
        self.setVisible(shown)
        if not question:  # shown after "Cancel the question" is hidden (see above)
            self.company.show_desk(desk)
