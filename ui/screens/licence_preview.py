"""A ready licence as it will print, before it is printed: its first page drawn from the PDF."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QLabel

from common.i18n import _
from kiosk.workflows.citizen import CitizenSession
from ui.widgets import NoticeLabel, Screen, button, button_row, label

PAGE_HEIGHT = 440  # the page drawn to fit between the title and the buttons, in both text sizes (1280x800)
LEAST_HEIGHT = 160  # the least the page is drawn at, on a screen with less room (a 1366x768 panel in large text)


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


class PagePicture(QLabel):
    """The page, drawn at ``PAGE_HEIGHT`` where there is room and smaller where there is not: a fixed picture set the
    screen's least height, and on a 1366 x 768 panel in large text the window grew to 785 px, its footer off the
    screen (tests/test_legibility.py, other sizes)."""

    def __init__(self) -> None:
        super().__init__()
        self._page: QPixmap | None = None
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def show_page(self, page: QPixmap) -> None:
        self._page = page
        self.updateGeometry()
        self._fit()

    def clear(self) -> None:
        self._page = None
        super().clear()
        self.updateGeometry()

    def _frame(self) -> int:
        return 2 * self.frameWidth() + self.contentsMargins().top() + self.contentsMargins().bottom()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        if self._page is None:
            return super().sizeHint()
        return self._page.size() + QSize(self._frame(), self._frame())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        if self._page is None:
            return super().minimumSizeHint()
        height = min(LEAST_HEIGHT, self._page.height())
        return QSize(round(self._page.width() * height / max(self._page.height(), 1)) + self._frame(),
                     height + self._frame())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self._page is None:
            return
        room = max(1, min(self._page.height(), self.height() - self._frame()))
        if self.pixmap().isNull() or self.pixmap().height() != room:
            self.setPixmap(self._page if room == self._page.height() else self._page.scaledToHeight(
                room, Qt.TransformationMode.SmoothTransformation))


class LicencePreviewScreen(Screen):
    def __init__(self, session: CitizenSession) -> None:
        super().__init__()
        self.title = label("title")
        self.page = PagePicture()
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
                self.page.show_page(pixmap)
            self._shown_for = preview.ticket_id
