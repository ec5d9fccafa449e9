"""The window's line for the applicant's saved application (草稿), continued here as at a kiosk: the applications
they saved when something was missing, and the button that brings one back into the matter. The desk does the rest
(kiosk/workflows/clerk_drafts.py). Shown only after a card is read and before a service is chosen, when the
materials' list is empty, so it takes no room the window needs (it fits 1280x800 in large English)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QVBoxLayout, QWidget

from common.i18n import _
from kiosk.workflows.clerk import ClerkDesk
from ui.widgets import ComboBox, button, label


class DraftRow(QWidget):
    def __init__(self, desk: ClerkDesk) -> None:
        super().__init__()
        self._desk = desk
        self.title = label("", wrap=False, align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.drafts = ComboBox()
        self.drafts.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.drafts.setMinimumContentsLength(8)  # a long service name never widens the window
        self.resume = button("", self._resume)
        # the chosen one's whole line under the row, wrapped: the list cuts it short beside its button (its dates
        # went unread at 1280x800 even in standard Chinese), and the materials' list below is empty meanwhile
        self.whole = label("", align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.drafts.currentIndexChanged.connect(lambda _i: self._show_whole())
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.title)
        row.addWidget(self.drafts, 1)
        row.addWidget(self.resume)
        column.addLayout(row)
        column.addWidget(self.whole)
        self.setVisible(False)

    def _show_whole(self) -> None:
        self.whole.setText(self.drafts.currentText())
        self.drafts.setToolTip(self.drafts.currentText())

    def _resume(self) -> None:
        draft_id = self.drafts.currentData()
        if draft_id:
            self._desk.resume_draft(draft_id)

    def show_desk(self, desk: ClerkDesk) -> None:
        self.title.setText(_("Saved application:"))
        self.resume.setText(_("Continue it"))
        shown = bool(desk.drafts_found) and desk.identity is not None and desk.service is None \
            and (desk.can_resume_draft() or desk.busy)
        chosen = self.drafts.currentData()
        self.drafts.clear()
        for draft in desk.drafts_found if shown else ():
            said = desk.draft_label(draft)
            self.drafts.addItem(said, draft.get("draft_id"))
            self.drafts.setItemData(self.drafts.count() - 1, said, Qt.ItemDataRole.ToolTipRole)
        self.drafts.setCurrentIndex(max(0, self.drafts.findData(chosen)))
        # the line is cut short beside its button: the whole of it, the day it is kept until included, under it,
        # in its tooltip and in the list it opens, as wide as its longest line
        self._show_whole()
        widest = max((self.drafts.fontMetrics().horizontalAdvance(self.drafts.itemText(i))
                      for i in range(self.drafts.count())), default=0)
        self.drafts.view().setMinimumWidth(widest + 2 * self.drafts.fontMetrics().averageCharWidth() + 24)
        self.drafts.setEnabled(desk.can_resume_draft())
        self.resume.setEnabled(desk.can_resume_draft())
        self.setVisible(shown)
