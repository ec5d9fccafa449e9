"""The fee: the order's QR code shown large for the citizen's payment app, followed until it is paid.

The session asks the backend for the order and, every few seconds while this screen shows, for its
status (on the task runner: the GUI thread never waits on the network); this screen draws the code
and counts down to the order's expiry."""

from __future__ import annotations

import base64
import datetime as dt

import segno
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from common.i18n import _, language
from kiosk.workflows.citizen import CitizenSession, Step
from ui.widgets import NoticeLabel, Screen, button, button_row, label

QR_SIDE = 320


def qr_pixmap(payload: str, side: int = QR_SIDE) -> QPixmap:
    """The payment code as the citizen's phone reads it (segno, medium error correction, a quiet zone)."""
    png = segno.make_qr(payload, error="m").png_data_uri(scale=10, border=4)
    pixmap = QPixmap()
    pixmap.loadFromData(base64.b64decode(png.split(",", 1)[1]), "PNG")
    return pixmap.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation)


class PaymentScreen(Screen):
    def __init__(self, session: CitizenSession, poll_s: float) -> None:
        super().__init__()
        self._session = session
        self.title, self.amount = label("title"), label("big")
        self.code = label("")
        self.code.setMinimumSize(QR_SIDE, QR_SIDE)
        self.hint, self.countdown = label("subtitle"), label("subtitle")
        self.what = label("")  # what the fee is for: the service and the case's number
        self.notice = NoticeLabel()
        self.later = button("", session.pay_later)
        self.again = button("primary", session.new_payment_order)
        # the code on the left, what to do on the right: the screen stays within 800 px in large text
        side = QVBoxLayout()
        for widget in (self.what, self.amount, self.hint, self.countdown, self.notice):
            side.addWidget(widget)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.code, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(side, 1)
        self.layout_.addWidget(self.title)
        self.layout_.addLayout(row, 1)
        self.layout_.addLayout(button_row(self.later, self.again))
        self._shown_for = ""
        self.poll = QTimer(self)
        self.poll.setInterval(int(poll_s * 1000))  # terminal.payment_poll_s
        self.poll.timeout.connect(session.poll_payment)
        self.clock = QTimer(self)
        self.clock.setInterval(1000)
        self.clock.timeout.connect(self._tick)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.poll.start()
        self.clock.start()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.poll.stop()
        self.clock.stop()
        super().hideEvent(event)

    def forget(self) -> None:
        super().forget()
        self.code.clear()
        self.what.clear()
        self._shown_for = ""

    def _tick(self) -> None:
        order = self._session.payment
        if order is None or not order.status.open or self._session.step is not Step.PAYMENT:
            self.countdown.setText("")
            self.countdown.setVisible(False)
            return
        now = dt.datetime.now(order.expires_at.tzinfo) if order.expires_at.tzinfo else dt.datetime.now()
        left = int((order.expires_at - now).total_seconds())
        left = max(left, 0)
        self.countdown.setText(_("Pay within {time}").format(time=f"{left // 60}:{left % 60:02d}"))
        self.countdown.setVisible(True)

    def refresh(self, session: CitizenSession) -> None:
        order = session.payment
        self.title.setText(_("Pay the fee"))
        self.notice.show_notice(session.notice)
        self.later.setText(_("Pay later at the service window"))
        self.again.setText(_("Getting the code...") if session.busy else _("New payment code"))
        self.again.setEnabled(not session.busy)
        self.again.setVisible(order is None or not order.status.open)
        open_order = order is not None and order.status.open
        self.code.setVisible(open_order)
        if open_order and self._shown_for != order.order_id:
            self.code.setPixmap(qr_pixmap(order.qr_payload))
            self._shown_for = order.order_id
        receipt = session.receipt
        self.what.setText("\n".join((receipt.service_name(language()), _("Case number: {number}").format(
            number=receipt.case_number))) if receipt is not None else "")
        # no order (its code could not be had): the fee of the case, paid from its progress, or of the service just
        # applied for; never ¥0.00 for a fee unknown
        fee = order.amount_yuan if order is not None else (receipt.fee_yuan if receipt is not None else 0.0) or (
            session.service.fee_yuan if session.service is not None else 0.0)
        self.amount.setText(f"¥{fee:.2f}" if fee or order is not None else "")
        self.hint.setText(_("Scan the code with your payment app. This screen moves on by itself once it is paid.")
                          if open_order else "")
        self._tick()
        for shown in (self.amount, self.hint, self.countdown):  # an empty one takes no room from the others
            shown.setVisible(bool(shown.text()))
