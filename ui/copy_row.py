"""The window's line for a past decision's document, or a one-time notice, printed again (补打): the case or
notice number, typed or scanned from the receipt's code, and the button. Shown only between applicants at a window
with an A4 printer; the desk does the rest (kiosk/workflows/clerk_copy.py). The number is emptied once asked for: it
is no applicant's to keep."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget

from common.i18n import _
from kiosk.workflows.clerk import ClerkDesk
from ui.widgets import button, field_edit


class CopyRow(QWidget):
    def __init__(self, desk: ClerkDesk) -> None:
        super().__init__()
        self._desk = desk
        self.number = field_edit()
        self.number.setMaxLength(64)  # a receipt code scanned by a wedge: "OTR1:" and a provisional number
        self.number.returnPressed.connect(self._print)
        self.number.textChanged.connect(lambda _t: self._enable())
        self.print_copy = button("", self._print)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.number, 1)
        row.addWidget(self.print_copy)
        self.setVisible(False)

    def _print(self) -> None:
        typed = self.number.text()
        if typed.strip() and self._desk.can_print_copy():
            self.number.clear()
            self._desk.print_copy(typed)

    def _enable(self) -> None:
        self.print_copy.setEnabled(self._desk.can_print_copy() and bool(self.number.text().strip()))

    def show_desk(self, desk: ClerkDesk) -> None:
        self.number.setPlaceholderText(_("Case or notice number"))
        self.print_copy.setText(_("Print a copy"))
        shown = desk.identity is None and desk.staff is not None and desk.has_document_printer() and \
            (desk.can_print_copy() or desk.busy)
        if not shown:
            self.number.clear()
        self.number.setEnabled(desk.can_print_copy())
        self._enable()
        self.setVisible(shown)
