"""The staff sign-in screen, for the clerk's window and for maintenance: a staff id and a password,
handed to a workflow that signs in through kiosk/staff_sign_in.py (``ClerkDesk``, ``MaintenanceAccess``)."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLineEdit

from common.i18n import _
from kiosk.workflows.citizen import Notice
from ui.widgets import LineEdit, NoticeLabel, Screen, button, label


class Signer(Protocol):
    busy: bool
    notice: Notice | None

    def sign_in(self, staff_id: str, password: str) -> None: ...


class SignInScreen(Screen):
    def __init__(self, signer: Signer, title: str) -> None:
        super().__init__()
        self._signer, self._title = signer, title  # ``title``: an N_() msgid, translated on each refresh
        self.title = label("title")
        self.staff_id, self.password = LineEdit(), LineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self.submit)
        self.notice = NoticeLabel()
        self.sign_in = button("primary", self.submit)
        self.form = form = QGridLayout()
        beside = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter  # level with the field's text
        self.id_caption, self.password_caption = label("", align=beside), label("", align=beside)
        form.addWidget(self.id_caption, 0, 0)
        form.addWidget(self.staff_id, 0, 1)
        form.addWidget(self.password_caption, 1, 0)
        form.addWidget(self.password, 1, 1)
        self.layout_.addStretch(1)
        self.layout_.addWidget(self.title)
        self.layout_.addLayout(form)
        self.layout_.addWidget(self.notice)
        self.buttons = QHBoxLayout()  # "sign in", and what else a place offers beside it
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.sign_in)
        self.buttons.addStretch(1)
        self.layout_.addLayout(self.buttons)
        self.layout_.addStretch(2)

    def fields_in_one_row(self) -> None:
        """Staff id, password and the buttons side by side: two rows less, for a screen that also carries the touch
        keyboard (maintenance's, at 1280x800: with the buttons in a row of their own, a refusal's notice pushed the
        window 2 px past the screen's height; ``kiosk bench maintenance-monkey`` seed 1)."""
        for widget in (self.password_caption, self.password):
            self.form.removeWidget(widget)
        self.form.addWidget(self.password_caption, 0, 2)
        self.form.addWidget(self.password, 0, 3)
        self.layout_.removeItem(self.buttons)
        for index in reversed(range(self.buttons.count())):  # the stretches that centred them under the fields
            if self.buttons.itemAt(index).spacerItem() is not None:
                self.buttons.takeAt(index)
        self.form.addLayout(self.buttons, 0, 4)

    def submit(self) -> None:
        password = self.password.text()
        self.password.clear()
        self._signer.sign_in(self.staff_id.text().strip(), password)

    def refresh(self, signer: Signer | None = None) -> None:
        signer = signer or self._signer
        self.title.setText(_(self._title))
        self.id_caption.setText(_("Staff id"))
        self.password_caption.setText(_("Password"))
        self.sign_in.setText(_("Signing in...") if signer.busy else _("Sign in"))
        self.sign_in.setEnabled(not signer.busy)
        self.notice.show_notice(signer.notice)
