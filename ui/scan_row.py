"""The window's scanning row: the material chosen in the clerk's list scanned on the document camera.

The clerk's materials list with a row under it (``ui/window_view.py``): for the material current in the list
(at first the first one not yet provided; its name and pages on the Scan button's tooltip), its last page's
thumbnail, and "Scan" (a page; "Scan next page" once it has some), "Retake"
(the last page again) and "Remove" (every page). The desk does the rest (``kiosk/workflows/clerk_scan.py``).
The row also marks the list: a scanned material's row carries its last page's thumbnail and how many pages
were scanned, and its tick cannot be taken away while it has pages. Thumbnails are decoded at their size by the
kiosk's own ``ui.screens.materials.thumbnail`` (a few ms); the row keeps them only for pages the desk still
holds, so nothing of a matter stays once it ends.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from common.i18n import _, language, ngettext
from kiosk.materials import licence_materials, notes_text, with_note
from kiosk.workflows.clerk import ClerkDesk, Desk
from ui.screens.materials import thumbnail
from ui.widgets import button

ICON_HEIGHT = 48  # a scanned page in the list's row
THUMB_HEIGHT = 64  # the chosen material's last page, in the scanning row


def scanned_text(desk: ClerkDesk, code: str) -> str:
    """How many pages of ``code`` were scanned ("" for none), for the clerk's list and the customer screen."""
    material = desk.scanned(code)
    if material is None:
        return ""
    return ngettext("{count} page scanned", "{count} pages scanned", len(material.pages)).format(
        count=len(material.pages))


def licence_text(desk: ClerkDesk, code: str) -> str:
    """An electronic licence standing for ``code``, or one the applicant holds that can ("" for neither)."""
    if desk.licence_used(code) is not None:
        return _("electronic licence used")
    return _("licence held") if desk.licence_offered(code) is not None else ""


def material_note(desk: ClerkDesk, code: str, tag: str) -> str:
    """A material's note: required or if applicable, then how many pages were scanned or the licence standing
    for it (ui/licence_row.py)."""
    paper = _("paper checked") if code in desk.counter_checked() else ""  # kept by the hall, not scanned
    notes = [note for note in (tag, scanned_text(desk, code), licence_text(desk, code), paper) if note]
    return notes_text(notes, language())


class ScanRow(QWidget):
    def __init__(self, desk: ClerkDesk, materials: QListWidget, filling: Callable[[], bool] = lambda: False) -> None:
        super().__init__()
        self._desk, self._materials, self._filling = desk, materials, filling  # filling: the list is being rebuilt
        self.code = ""  # the material the clerk chose in the list
        self._listed: tuple[str, tuple[str, ...]] = ("", ())  # the service's code and materials the list last showed
        self._thumbs: dict[int, tuple[bytearray, QPixmap]] = {}  # id(page) -> (the page, its thumbnail)
        materials.setIconSize(QSize(ICON_HEIGHT * 3 // 4, ICON_HEIGHT))
        materials.currentItemChanged.connect(self._chosen)
        self.thumb = QLabel()
        self.thumb.setFixedSize(THUMB_HEIGHT * 3 // 4, THUMB_HEIGHT)
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scan = button("", lambda: desk.scan(self.code))
        self.retake = button("", lambda: desk.retake(self.code))
        self.remove = button("", lambda: desk.remove_scan(self.code))
        self.controls = QWidget()  # the row under the list: shown while a service's materials are being checked
        row = QHBoxLayout(self.controls)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)  # with "E-licences" beside Scan next page, Retake and Remove: 1,283 px of 1,280 at 6 px
        row.addWidget(self.thumb)
        row.addStretch(1)
        for widget in (self.scan, self.retake, self.remove):
            row.addWidget(widget)
        # The list and its row share the list's room: the clerk's right-hand column is full at 1280x800 in large
        # English (the hand-over, the refusal and a long notice): the row under the list in a place of its own grew
        # the window to 847 px of 800, and in the left-hand column, under the applicant, to 852 (two rows: three
        # buttons side by side need 450 px there, the column has 356). Here the list may shrink to one line of it.
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(materials, 1)
        column.addWidget(self.controls)
        materials.setMinimumHeight(materials.fontMetrics().lineSpacing() + 2 * materials.frameWidth() + 8)
        self.controls.setVisible(False)  # until a service's materials are in hand: the hidden desk screen counts in
        # the window's height from the start (shown before its first refresh, the window grew to 851 px of 800)

    def add_beside(self, widget: QWidget) -> None:
        """Another row's buttons in this row, after the thumbnail (ui/licence_row.py): a row of their own did not fit."""
        self.controls.layout().insertWidget(1, widget)

    def _chosen(self, item: QListWidgetItem | None) -> None:
        if item is not None and not self._filling():  # a row made current while the list is rebuilt: not a choice
            self.code = item.data(Qt.ItemDataRole.UserRole) or ""
            self.show_desk(self._desk)

    def _thumbnail(self, page: bytearray, height: int) -> QPixmap:
        cached = self._thumbs.get(id(page))
        if cached is None or cached[0] is not page or cached[1].height() != height:
            cached = self._thumbs[id(page)] = (page, thumbnail(page, height))
        return cached[1]

    def show_desk(self, desk: ClerkDesk, reveal: bool = True) -> None:
        """``reveal`` False: the row's buttons set, the row itself left hidden for the window to show once the
        licence row beside them is set too (``reveal``)."""
        service = desk.service if desk.identity is not None else None
        codes = [m.code for m in service.materials] if service else []
        listed = (service.code if service else "", tuple(codes))
        # the same service with another list (the catalogue changed under the matter: clerk_form.py): the first
        # material not provided is chosen, in sight, for the clerk to scan or tick what is asked for now
        followed = listed[0] == self._listed[0] and listed != self._listed
        self._listed = listed
        if self.code not in codes or followed:
            self.code = next((c for c in codes if not desk.provided.get(c)), codes[0] if codes else "")
            # scrolled to once the window is laid out again: the notice saying why takes the list's room first
            QTimer.singleShot(0, self, self._chosen_in_sight)
        held = {id(page) for m in (desk.checklist.items if desk.checklist else ()) for page in m.pages}
        self._thumbs = {key: value for key, value in self._thumbs.items() if key in held}  # dropped pages go
        self._mark_list(desk)
        lang = language()
        requirement = next((m for m in service.materials if m.code == self.code), None) if service else None
        material = desk.scanned(self.code)
        self.scan.setToolTip(with_note(requirement.name(lang), scanned_text(desk, self.code) or _("not scanned"))
                             if requirement is not None else "")
        self.thumb.setPixmap(self._thumbnail(material.pages[-1], THUMB_HEIGHT) if material else QPixmap())
        free = desk.can_scan() and bool(self.code)
        self.scan.setText(_("Scanning...") if desk.scanning else _("Scan next page") if material else _("Scan"))
        self.retake.setText(_("Retake"))
        self.remove.setText(_("Remove"))
        self.scan.setEnabled(free)
        self.retake.setEnabled(free and material is not None)
        self.remove.setEnabled(free and material is not None)
        # while checking, and while a decision taken from there is worked on; not for work after a decision (a licence
        # handed over once the matter was decided: shown then, it grew the window to 933 px, window-monkey seed 2)
        # the camera's buttons give their room to the consent being asked (ui/licence_row.py: the row's width at
        # 1280x800 in large English)
        camera = desk.document_camera is not None and desk.licence_consent not in ("asked", "witnessing")
        for widget in (self.thumb, self.scan, self.retake, self.remove):
            widget.setVisible(camera)
        if reveal:
            self.reveal(desk)

    def reveal(self, desk: ClerkDesk) -> None:
        """The row shown while a service's materials are checked (or a decision taken from there is worked on)."""
        service = desk.service if desk.identity is not None else None
        takes = bool(licence_materials(service, desk.for_company))
        # what the row's buttons need, measured now: set while the row was hidden, the layouts kept the last step's
        # sizes (the licence row's "Agreed" and "Declined", 312 px, after they were hidden) and the row showed at
        # 917 px, which grew the window to 1,305 (window-monkey seed 13 in large English)
        for widget in self.controls.findChildren(QWidget):
            if widget.layout() is not None:
                widget.layout().invalidate()
            widget.updateGeometry()  # the row's layout asks it again (Qt caches a widget's hints in its layout item)
        self.controls.setVisible((desk.document_camera is not None or takes) and service is not None
                                 and not desk.papers_held
                                 and (desk.step is Desk.CHECKING or (desk.step is Desk.WORKING and not desk.result)))

    def _chosen_in_sight(self) -> None:
        chosen = self._materials.currentItem()
        if chosen is not None:
            self._materials.scrollToItem(chosen)

    def _mark_list(self, desk: ClerkDesk) -> None:
        """Scanned rows: the last page's thumbnail, the tick kept while it has pages; the chosen row current."""
        self._materials.blockSignals(True)  # no tick reported, no choice made, while the rows are marked
        try:
            for row in range(self._materials.count()):
                item = self._materials.item(row)
                code = item.data(Qt.ItemDataRole.UserRole)
                material = desk.scanned(code)
                if material is not None:
                    item.setIcon(QIcon(self._thumbnail(material.pages[-1], ICON_HEIGHT)))
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
                if code == self.code:
                    self._materials.setCurrentItem(item)
        finally:
            self._materials.blockSignals(False)
