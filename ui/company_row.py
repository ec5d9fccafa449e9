"""The window's company row: the matter applied for in a company's name (法人), its credit code and the company found.

In the clerk's left column under the applicant (``ui/window_view.py``), one line shown while a service that
companies may apply for is checked: the unified social credit code typed from the business licence (typing one makes
the matter a company's, emptying the field the applicant's own again; a service for companies only is a company's
from the start), or read by a keyboard-wedge scanner, which types the licence's QR code text into the field (the
desk finds the code in it), then "Look up" (or Enter). What is wrong with the code is said in the desk's notice as it
is typed. Once found, the company's name and what the applicant is to it take the field's place, with "Change".
The desk does the rest (``kiosk/workflows/clerk_company.py``); once the company is found the licence row
(``ui/licence_row.py``) offers the company's licences. The row shows only what the desk holds: the field is emptied
when the desk forgets the company (another service, the next applicant, sign-out).

The left column has no height to spare at 1280x800 in large English: a row of "For a company", then the field and
"Look up", then the company found, grew the window to 1,046 px of 800. So the row is one line, hidden while the
licence question is open, when "Cancel the question" takes the same place.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from common.domain import CompanyRole
from common.i18n import _, language
from kiosk import companies
from kiosk.payloads import MAX_LENGTH
from kiosk.workflows.clerk import ClerkDesk, Desk
from ui.widgets import button, field_edit


def company_text(desk: ClerkDesk) -> str:
    """The company found and what the applicant is to it ("" while none is)."""
    company = desk.company
    if company is None:
        return ""
    role = (_("legal representative") if company.applicant_role is CompanyRole.LEGAL_REPRESENTATIVE
            else _("authorised handler"))
    return _("{company}\nThe applicant is its {role}.").format(company=company.name(language()), role=role)


class ElidedLines(QLabel):
    """Lines each cut to the label's width with an ellipsis (the whole text on its tooltip): a company's name in
    large English is three lines where the row has room for two."""

    def __init__(self) -> None:
        super().__init__()
        self._full = ""
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.setMinimumWidth(1)  # the row gives it what is left, never its whole text's width

    def set_full_text(self, full: str) -> None:
        self._full = full
        self.setToolTip(full)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        metrics, width = self.fontMetrics(), max(self.width(), 1)
        self.setText("\n".join(metrics.elidedText(line, Qt.TextElideMode.ElideRight, width)
                               for line in self._full.split("\n")))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        lines = self._full.count("\n") + 1
        return QSize(1, self.fontMetrics().lineSpacing() * lines)

    minimumSizeHint = sizeHint


class CompanyRow(QWidget):
    def __init__(self, desk: ClerkDesk) -> None:
        super().__init__()
        self._desk = desk
        self.code = field_edit()  # typed: the matter is a company's; emptied: the applicant's own again
        self.code.setMaxLength(MAX_LENGTH)  # a wedge scanner types a licence QR code's whole text
        self.code.textEdited.connect(self._typed)
        self.code.returnPressed.connect(desk.look_up_company)
        self.look_up = button("", desk.look_up_company)
        self.found = ElidedLines()  # in the field's place once found
        self.change = button("", self._change)  # another company: the field again
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        # one line, in the place "Cancel the question" takes while the licence question is open (see above)
        line = QHBoxLayout()
        line.addWidget(self.code, 1)
        line.addWidget(self.look_up)
        line.addWidget(self.found, 1)
        line.addWidget(self.change)
        column.addLayout(line)
        self.setVisible(False)  # until a service that takes companies is checked

    def _typed(self, typed: str) -> None:
        desk = self._desk
        desk.apply_for_company(bool(typed.strip()) or not desk.takes_person())  # no-op when it stands already
        desk.set_company_code(typed)
        if companies.typed_code(typed) != desk.company_code:  # not taken (the desk busy): what the desk holds
            self.code.setText(desk.company_code)  # (a scanned QR code's text stays as typed: the desk holds its code)
        self.show_desk(desk)  # the desk redraws the window only when the code typed dropped something

    def _change(self) -> None:
        self._desk.set_company_code("")
        self.code.setFocus()

    def show_desk(self, desk: ClerkDesk) -> None:
        question = desk.licence_consent in ("asked", "witnessing")  # "Cancel the question" in this row's place
        shown = (desk.identity is not None and desk.takes_company() and not desk.papers_held and not question
                 and (desk.step is Desk.CHECKING or (desk.step is Desk.WORKING and not desk.result)))
        free, found = desk.can_change_company(), desk.company is not None
        kept = self.code.text()  # blanks alone are no code: they stayed past the matter (window-monkey seed 10)
        if kept != desk.company_code and (not desk.company_code or companies.typed_code(kept) != desk.company_code):
            self.code.setText(desk.company_code)  # forgotten by the desk: nothing typed stays
        # a few words, whole in large text beside "Look up" ("Company credit code" was cut short); the tooltip says more
        self.code.setPlaceholderText(_("Company code") if desk.takes_person() else _("Credit code"))
        self.code.setToolTip(_("For a company: its unified social credit code, typed or scanned from the business "
                               "licence. Empty: the applicant applies for themselves.") if desk.takes_person() else
                             _("This service is for companies: the unified social credit code, typed or scanned "
                               "from the business licence."))
        self.code.setEnabled(free)
        self.look_up.setText(_("Looking up...") if desk.busy and desk.for_company and not found else _("Look up"))
        self.look_up.setEnabled(free and bool(desk.company_code))
        self.found.set_full_text(company_text(desk))
        self.change.setText(_("Change"))
        self.change.setEnabled(free)
        # hidden before shown: the line never holds the field and the company found at once (its width is the column's)
        for widget, visible in sorted(((self.code, not found), (self.look_up, not found), (self.found, found),
                                       (self.change, found)), key=lambda pair: pair[1]):
            widget.setVisible(visible)
        self.setVisible(shown)
