"""The window's licence hand-over (领证): the licences ready for the applicant in hand, and the button that hands
the chosen one over. The desk does the rest (kiosk/workflows/clerk_handover.py); the row shows only what the
desk holds, so it holds nothing of an applicant once they go. A hand-over recorded whose receipt did not print
is offered again here ("Print again") until the applicant's matter ends. Hidden when there is nothing to hand over, so
it takes no room on a screen where it cannot be used (the window fits 1280x800 in large English)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QWidget

from common.i18n import _, language, ngettext
from kiosk.workflows.clerk import ClerkDesk
from ui.widgets import button, label


class HandoverRow(QWidget):
    def __init__(self, desk: ClerkDesk) -> None:
        super().__init__()
        self._desk = desk
        self.title = label("", wrap=False, align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.licences = QComboBox()
        self.licences.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.licences.setMinimumContentsLength(8)  # a long licence name never widens the window
        self.hand_over = button("", self._hand_over)
        self.print_again = button("", desk.print_handover_again)  # a recorded hand-over whose receipt failed
        row = QHBoxLayout(self)  # one line above the materials: the left column has no height to spare at 1280x800
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.title)
        row.addWidget(self.licences, 1)
        row.addWidget(self.hand_over)
        row.addWidget(self.print_again)

    def _hand_over(self) -> None:
        licence_id = self.licences.currentData()
        if licence_id:
            self._desk.hand_over(licence_id)

    def show_desk(self, desk: ClerkDesk) -> None:
        ready, unprinted = desk.ready_licences, desk.unprinted_handovers
        self.setVisible(bool(ready) or desk.licences_unknown or bool(unprinted))
        if not ready:
            self.title.setText(_("The licences ready for collection could not be looked up.")
                               if desk.licences_unknown else
                               _("Hand-over receipt not printed:") if unprinted else "")
        else:
            self.title.setText(ngettext("{n} licence ready for collection:", "{n} licences ready for collection:",
                                        len(ready)).format(n=len(ready)))
        chosen = self.licences.currentData()
        self.licences.clear()
        lang = language()
        for licence in ready:
            self.licences.addItem(licence.name(lang), licence.licence_id)
        self.licences.setCurrentIndex(max(0, self.licences.findData(chosen)))
        self.licences.setVisible(bool(ready))
        self.hand_over.setVisible(bool(ready))
        self.hand_over.setText(_("Hand over"))
        self.licences.setEnabled(desk.can_hand_over())
        self.hand_over.setEnabled(desk.can_hand_over())
        self.print_again.setText(_("Print again"))
        self.print_again.setVisible(bool(unprinted))
        self.print_again.setEnabled(desk.can_print_handover_again())
