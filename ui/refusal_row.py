"""The window's refusal (不予受理): the legal reason chosen from kiosk/refusal_reasons.py's short list, a note
(required for "Other", its hint saying so), and the button that refuses. The desk does the rest
(kiosk/workflows/clerk_refusal.py); the row holds nothing of a matter once it ends: the note is emptied with the
applicant."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QWidget

from common.i18n import _
from kiosk.refusal_reasons import LABELS, NOTE_MAX, RefusalReason
from kiosk.workflows.clerk import ClerkDesk, Desk
from ui.widgets import ComboBox, button, field_edit


class RefusalRow(QWidget):
    def __init__(self, desk: ClerkDesk) -> None:
        super().__init__()
        self._desk = desk
        self.reason = ComboBox()
        self.reason.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.reason.setMinimumContentsLength(8)  # a long label never widens the window
        self.reason.currentIndexChanged.connect(lambda _i: self._enable())
        self.note: QLineEdit = field_edit()
        self.note.setMaxLength(NOTE_MAX)
        self.note.textChanged.connect(lambda _t: self._enable())
        self.refuse = button("", self._refuse)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.reason, 2)
        row.addWidget(self.note, 2)
        row.addWidget(self.refuse)

    def chosen(self) -> RefusalReason | None:
        value = self.reason.currentData()
        return RefusalReason(value) if value else None

    def _refuse(self) -> None:
        reason = self.chosen()
        if reason is not None:
            self._desk.refuse(reason, self.note.text())

    def _open(self) -> bool:
        desk = self._desk
        return desk.step is Desk.CHECKING and not desk.busy

    def _enable(self) -> None:
        reason = self.chosen()
        # the hint says whether this reason needs a note, in a few words: "Note (required for "Other")" was cut short
        # in large English, and at the kiosk's input size in Chinese (tests/test_window_refusal_ui.py)
        self.note.setPlaceholderText(_("Note (required)") if reason is RefusalReason.OTHER else _("Note (optional)"))
        self.reason.setEnabled(self._open())
        self.note.setEnabled(self._open())
        self.refuse.setEnabled(self._open() and reason is not None
                               and (reason is not RefusalReason.OTHER or bool(self.note.text().strip())))

    def show_desk(self, desk: ClerkDesk) -> None:
        chosen = self.reason.currentData() if desk.identity is not None else ""
        self.reason.blockSignals(True)
        self.reason.clear()
        self.reason.addItem(_("Reason for not accepting..."), "")
        for reason, label in LABELS.items():
            self.reason.addItem(_(label), reason.value)
        self.reason.setCurrentIndex(max(0, self.reason.findData(chosen)))
        self.reason.blockSignals(False)
        if desk.identity is None or desk.step is Desk.DONE:  # the matter ended or was decided: its note goes
            self.note.clear()
            self.reason.setCurrentIndex(0)
        self.refuse.setText(_("Do not accept"))
        self._enable()
