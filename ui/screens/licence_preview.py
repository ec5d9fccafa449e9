"""A ready licence as it will print, before it is printed: its first page drawn from the PDF."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtPdf import QPdfDocument

from common.i18n import _
from kiosk.workflows.citizen import CitizenSession
from ui.widgets import NoticeLabel, Screen, button, button_row, label

PAGE_HEIGHT = 440  # the page drawn to fit between the title and the buttons, in both text sizes (1280x800)


def first_page(pdf: bytes, height: int = PAGE_HEIGHT) -> QPixmap | None:
    """The PDF's first page at ``height`` pixels (None when the document cannot be read)."""
    document = QPdfDocument()
    data = QByteArray(pdf)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
        return None
    size = document.pagePointSize(0)
    width = max(1, int(size.width() * height / max(size.height(), 1.0)))
    image = document.render(0, QSize(width, height))
    document.close()
    return None if image.isNull() else QPixmap.fromImage(image)


class LicencePreviewScreen(Screen):
    def __init__(self, session: CitizenSession) -> None:
        super().__init__()
        self.title = label("title")
        self.page = label("")
        self.page.setObjectName("card")
        self.notice = NoticeLabel()
        self.print = button("primary", session.print_licence)
        self.back = button("", session.cancel_preview)
        self.compact()
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.page, 1, Qt.AlignmentFlag.AlignHCenter)
        self.layout_.addWidget(self.notice)
        self.layout_.addLayout(button_row(self.back, self.print))
        self._shown_for = ""

    def forget(self) -> None:
        super().forget()
        self.page.clear()
        self._shown_for = ""

    def refresh(self, session: CitizenSession) -> None:
        self.title.setText(_("Your licence, as it will print"))
        self.print.setText(_("Print it"))
        self.back.setText(_("Back"))
        self.notice.show_notice(session.notice)
        preview = session.licence_preview
        if preview is not None and preview.ticket_id != self._shown_for:
            pixmap = first_page(bytes(preview.pdf))
            if pixmap is None:
                self.page.setText(_("The licence cannot be shown, but it can be printed."))
            else:
                self.page.setPixmap(pixmap)
            self._shown_for = preview.ticket_id
