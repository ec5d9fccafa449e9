"""The kiosk's screens for materials: the licence consent, the list, the camera, the signature, the notice."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from html import escape

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, QTimer
from PySide6.QtGui import QImageReader, QPixmap
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from common.domain import ServiceItem
from common.i18n import _, language, ngettext
from kiosk.materials import Checklist, licence_consent_text, Material, Provided, condition_text, notes_text, obtain_text, with_note
from kiosk.workflows.citizen import CitizenSession, Step
from ui.signature import SignaturePad, signature_png
from ui.widgets import (NoticeLabel, Screen, button, button_row, clear_layout, column_host, enable_swipe, label,
                        scroll_area)

_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class LicenceConsentScreen(Screen):
    """May we fetch the applicant's electronic licences for this service? (PIPL, scope "licences")"""

    def __init__(self, session: CitizenSession) -> None:
        super().__init__()
        self.title, self.body = label("title"), label("subtitle")
        self.notice = NoticeLabel()
        self.agree = button("primary", session.agree_licences)
        self.decline = button("", session.decline_licences)
        self.layout_.addStretch(1)
        for widget in (self.title, self.body, self.notice):
            self.layout_.addWidget(widget)
        self.layout_.addStretch(1)
        self.layout_.addLayout(button_row(self.decline, self.agree))

    def refresh(self, session: CitizenSession) -> None:
        title, body = licence_consent_text(session.service, language(), session.company is not None)
        self.title.setText(title)
        self.body.setText(body)
        self.notice.show_notice(session.notice)
        self.agree.setText(_("Fetching...") if session.busy else _("Yes, fetch them"))
        self.agree.setEnabled(not session.busy)
        self.decline.setText(_("No, I will show paper"))


@dataclass
class MaterialRow:
    """One material's row; rows are kept for the next application (``code`` says whose they are now)."""

    card: QWidget
    name: QLabel
    status: QLabel
    licence: QPushButton
    scan: QPushButton
    not_brought: QPushButton
    not_applicable: QPushButton
    code: str = ""


def bold_then(heading: str, rest: str) -> str:
    """Rich text: ``heading`` in bold, then ``rest`` on the same line, both escaped."""
    return f"<b>{escape(heading)}</b>　{escape(rest)}"


def status_text(material: Material, lang: str) -> str:
    if material.provided is Provided.LICENCE and material.licence:
        name = material.licence.get("name_en" if lang == "en" else "name_zh", "")
        return "✓ " + _("Electronic licence: {name}").format(name=name)
    if material.provided is Provided.PAGES:
        return "✓ " + ngettext("{count} page scanned", "{count} pages scanned", len(material.pages)).format(
            count=len(material.pages))
    if material.provided is Provided.NOT_BROUGHT:
        return _("Not brought: it will be on the one-time notice")
    if material.provided is Provided.NOT_APPLICABLE:
        return _("Does not apply to you")
    return ""


class MaterialsScreen(Screen):
    """Every material of the service: use an electronic licence, scan the paper, or say it is not here."""

    def __init__(self, session: CitizenSession) -> None:
        super().__init__()
        self._session = session
        self.title = label("title")
        self.notice = NoticeLabel()
        self.host, self.column = column_host()
        self.next = button("primary", session.materials_done)
        self.back = button("", session.back)
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.notice)
        self.scroll = scroll_area(self.host)
        self.layout_.addWidget(self.scroll, 1)
        self.layout_.addLayout(button_row(self.back, self.next))
        self.column.addStretch(1)
        self.rows: dict[str, MaterialRow] = {}
        self._pool: list[MaterialRow] = []  # every row made so far, in the column's order
        self._built_for: tuple[Checklist, ServiceItem, str] | None = None

    def forget(self) -> None:
        super().forget()
        for row in self._pool:  # kept for the next application, emptied of this one
            row.card.hide()
            row.code = ""
            row.name.setText("")
            row.status.setText("")
        self.scroll.verticalScrollBar().setValue(0)  # the next application's list starts at its top
        self.rows, self._built_for = {}, None

    def refresh(self, session: CitizenSession) -> None:
        lang = language()
        self.title.setText(_("Your materials"))
        self.next.setText(_("Continue"))
        self.back.setText(_("Back"))
        checklist = session.checklist
        if checklist is None:
            self.forget()
            return
        # The rows are filled once per application and language; each refresh only updates them. The
        # widgets themselves are made once and kept (making them for every application was 10-25 ms of
        # the GUI thread: bench ui's stall).
        # the objects themselves: an id could be reused by the next checklist; its service, which it follows when
        # the catalogue changes the materials mid-application (Checklist.follow)
        built_for = (checklist, checklist.service, lang)
        if self._built_for is None or any(now is not then for now, then in zip(built_for[:2], self._built_for)) \
                or lang != self._built_for[2]:
            self.forget()
            for index, material in enumerate(checklist.items):
                row = self._pool[index] if index < len(self._pool) else self._new_row()
                self._fill_row(row, material, lang)
                self.rows[material.code] = row
            self._built_for = built_for
        for material in checklist.items:
            self._update_row(session, material, lang)
        self.notice.show_notice(session.notice)  # after the rows: building them again forgets the screen's notice

    def _new_row(self) -> MaterialRow:
        card = QWidget(self.host)
        card.setObjectName("card")
        box = QVBoxLayout(card)
        box.setContentsMargins(20, 12, 20, 12)
        name, status = label("", align=_LEFT), label("materialStatus", align=_LEFT)
        row = MaterialRow(card, name, status, button("choice"), button("choice"), button("choice"), button("choice"))
        session = self._session
        row.licence.clicked.connect(lambda _c=False: session.use_licence(row.code))
        row.scan.clicked.connect(lambda _c=False: session.scan_material(row.code))
        row.not_brought.clicked.connect(lambda _c=False: session.material_not_brought(row.code))
        row.not_applicable.clicked.connect(lambda _c=False: session.material_does_not_apply(row.code))
        actions = QHBoxLayout()
        for widget in (row.licence, row.scan, row.not_brought, row.not_applicable):
            actions.addWidget(widget)
        actions.addStretch(1)
        for widget in (name, status):
            box.addWidget(widget)
        box.addLayout(actions)
        self.column.insertWidget(len(self._pool), card)  # before the stretch
        self._pool.append(row)
        return row

    def _fill_row(self, row: MaterialRow, material: Material, lang: str) -> None:
        m = material.requirement
        notes = [_("required") if m.required else _("if applicable")]
        if m.condition:
            notes.append(condition_text(m, lang))
        notes.append(ngettext("{count} page", "{count} pages", m.pages).format(count=m.pages))
        row.code = material.code
        row.name.setText(bold_then(m.name(lang), notes_text(notes, lang)))
        row.licence.setText(_("Use my electronic licence"))
        row.not_brought.setText(_("I do not have it"))
        row.not_applicable.setText(_("Does not apply to me"))
        row.card.show()

    def _update_row(self, session: CitizenSession, material: Material, lang: str) -> None:
        row = self.rows[material.code]
        row.status.setText(status_text(material, lang))
        row.status.setVisible(bool(row.status.text()))
        offered = session.offered_licences.get(material.code)
        row.licence.setVisible(offered is not None and material.provided is not Provided.LICENCE)
        row.scan.setText(_("Scan again") if material.provided is Provided.PAGES else _("Scan the paper"))
        row.not_brought.setVisible(material.provided is not Provided.NOT_BROUGHT)
        row.not_applicable.setVisible(material.conditional and material.provided is not Provided.NOT_APPLICABLE)


THUMB_HEIGHT = 90  # a page taken, in the capture screen's strip
BUTTON_ROW_PX = 1000  # the capture buttons side by side at most this wide: 1,280 px less margins and the strip
BESIDE_BUTTONS_PX = 280  # those margins and the strip, on a screen narrower than 1,280 px


def thumbnail(jpeg: bytes | bytearray, height: int = THUMB_HEIGHT) -> QPixmap:
    """A page's thumbnail, decoded at that size (the JPEG decoder scales while it reads: a few ms on the
    GUI thread for a 500 kB page, against ~30 for decoding it whole and then scaling)."""
    data = QByteArray(bytes(jpeg))
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer, b"jpeg")
    full = reader.size()
    if full.isValid() and full.height() > 0:
        reader.setScaledSize(QSize(max(1, full.width() * height // full.height()), height))
    return QPixmap.fromImage(reader.read())


class CaptureScreen(Screen):
    """One material's pages on the document camera: the live view, the pages taken, take / retake / done."""

    def __init__(self, session: CitizenSession) -> None:
        super().__init__()
        self._session = session
        self.title, self.hint = label("title"), label("subtitle")
        self.notice = NoticeLabel()
        self.preview: QWidget = self._preview(session)
        self.strip_host = QWidget()
        self.strip = QHBoxLayout(self.strip_host)
        self.strip.setContentsMargins(0, 0, 0, 0)
        self.strip_area = self._strip_area(self.strip_host)
        self.take = button("primary", session.capture_page)
        self.card = button("", session.copy_id_card)  # identity materials: both sides of the card on one page
        self.retake = button("", session.retake_last_page)
        self.done = button("", session.capture_done)
        self.compact()
        for widget in (self.title, self.hint, self.notice):
            self.layout_.addWidget(widget)
        self.layout_.addWidget(self.preview, 1)
        row = QHBoxLayout()  # the pages taken sit between the buttons: the live view keeps the height
        self._sides = (QBoxLayout(QBoxLayout.Direction.LeftToRight), QBoxLayout(QBoxLayout.Direction.LeftToRight))
        self._sides[0].addWidget(self.done)
        self._sides[0].addWidget(self.retake)
        self._sides[1].addWidget(self.card)
        self._sides[1].addWidget(self.take)
        row.addLayout(self._sides[0])
        row.addWidget(self.strip_area, 1)
        row.addLayout(self._sides[1])
        self.layout_.addLayout(row)

        # Auto-capture: a page the camera judges still and sharp is taken once; the next one only after
        # the view changed (the page moved or another was laid down).
        self._thumbs: dict[int, QPixmap] = {}
        self._armed = True
        self.auto = QTimer(self)
        self.auto.setInterval(150)
        self.auto.timeout.connect(self._watch)

    @staticmethod
    def _strip_area(strip: QWidget) -> QScrollArea:
        """The pages taken, scrolling sideways: however many a citizen takes, they never widen the
        screen past the kiosk's (the UI monkey's English captures of many pages made it 1,535 px wide)."""
        area = QScrollArea()
        area.setWidget(strip)
        area.setWidgetResizable(True)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        area.setMinimumHeight(THUMB_HEIGHT + area.horizontalScrollBar().sizeHint().height())
        enable_swipe(area)  # a finger drags the pages sideways
        return area

    def _show_newest_page(self) -> None:
        bar = self.strip_area.horizontalScrollBar()
        bar.setValue(bar.maximum())

    @staticmethod
    def _preview(session: CitizenSession) -> QWidget:
        """The camera's live view (ui.capture), or a plain line when the terminal has no camera."""
        if session.document_camera is None:
            return label("subtitle")
        from ui.capture import CameraPreview
        return CameraPreview(session.document_camera)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._armed = True
        self.auto.start()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.auto.stop()
        super().hideEvent(event)

    def _watch(self) -> None:
        view = getattr(self.preview, "view", None)
        if view is None or not view.steady:
            self._armed = True
            return
        if self._armed and not self._session.busy and self._session.step is Step.CAPTURE:
            self._armed = False
            self._session.capture_page()

    def forget(self) -> None:
        super().forget()
        clear_layout(self.strip)
        self._thumbs = {}

    def refresh(self, session: CitizenSession) -> None:
        lang = language()
        checklist, code = session.checklist, session.capture_code
        material = checklist[code] if checklist is not None and code else None
        wanted = material.requirement.pages if material else 1
        taken = len(material.pages) if material else 0
        self.title.setText(_("Scan: {name}").format(name=material.requirement.name(lang) if material else ""))
        if taken < wanted:
            hint = _("Lay the page flat under the camera; it is taken when it lies still.")
            count = ngettext("Page {next} of {pages}.", "Page {next} of {pages}.", wanted).format(
                next=taken + 1, pages=wanted)
            self.hint.setText(f"{hint} {count}")
        else:
            self.hint.setText(ngettext("The {pages} page is taken. Tap Finished, or add another page.",
                                       "All {pages} pages are taken. Tap Finished, or add another page.",
                                       wanted).format(pages=wanted))
        self.notice.show_notice(session.notice)
        retranslate = getattr(self.preview, "retranslate", None)  # the camera's advice: a language tapped here
        if retranslate is not None:  # left it in the old one until the view changed (kiosk bench ui-monkey, seed 89)
            retranslate()
        clear_layout(self.strip)
        pages = material.pages if material else []
        self._thumbs = {id(page): self._thumbs.get(id(page)) or thumbnail(page) for page in pages}  # each decoded once
        for page in pages:
            shot = QLabel(self.strip_host)
            shot.setPixmap(self._thumbs[id(page)])
            self.strip.addWidget(shot)
        self.strip.addStretch(1)
        QTimer.singleShot(0, self, self._show_newest_page)  # once the strip is laid out (not if the screen is gone)
        self.take.setText(_("Taking...") if session.busy else _("Take picture"))
        self.take.setEnabled(not session.busy)
        self.card.setText(_("Copy the back") if session.card_front is not None
                          else _("Copy an ID card"))
        self.card.setVisible(session.is_identity_material(code))
        self.card.setEnabled(not session.busy)
        self.retake.setText(_("Retake last page"))
        self.retake.setVisible(taken > 0)
        self.done.setText(_("Finished"))
        self._stack_buttons_if_too_wide()

    def narrow(self, on: bool, short: bool = False) -> None:
        """On a narrow or short screen the buttons stand in pairs sooner where the screen is narrower, and the live
        view may be smaller: at 1024 x 768 in large English the pairs and the view's least took the window to 800
        px."""
        super().narrow(on, short)
        frame = getattr(self.preview, "frame", None)
        if frame is not None:
            from ui.capture import FRAME_MIN, NARROW_FRAME_MIN
            frame.setMinimumSize(NARROW_FRAME_MIN if on else FRAME_MIN)

    def _stack_buttons_if_too_wide(self) -> None:
        """Side by side the buttons can outgrow the kiosk's width (large text in English: 1,435 px for
        the four); then each side's pair stands one above the other."""
        shown = [b for b in (self.done, self.retake, self.card, self.take) if not b.isHidden()]
        room = min(BUTTON_ROW_PX, self.window().width() - BESIDE_BUTTONS_PX) if self.is_narrow else BUTTON_ROW_PX
        wide = sum(b.sizeHint().width() for b in shown) > room
        for side in self._sides:
            side.setDirection(QBoxLayout.Direction.TopToBottom if wide else QBoxLayout.Direction.LeftToRight)


class SignatureScreen(Screen):
    def __init__(self, session: CitizenSession) -> None:
        super().__init__()
        self.title, self.hint = label("title"), label("subtitle")
        self.notice = NoticeLabel()
        self._busy = False
        self.pad = SignaturePad()
        self.pad.changed.connect(self._changed)
        self.back = button("", session.back)
        self.clear = button("", self.pad.clear)
        strokes = self.pad.strokes  # copied on the GUI thread; the image is made on a worker
        self.next = button("primary", lambda: session.sign_drawn(partial(signature_png, strokes())))
        for widget in (self.title, self.hint, self.notice):
            self.layout_.addWidget(widget)
        self.layout_.addWidget(self.pad, 1)
        row = QHBoxLayout()
        row.addWidget(self.back)
        row.addWidget(self.clear)
        row.addStretch(1)
        row.addWidget(self.next)
        self.layout_.addLayout(row)

    def _changed(self) -> None:
        self.next.setEnabled(not self.pad.is_empty() and not self._busy)

    def forget(self) -> None:
        super().forget()
        self.pad.clear()

    def refresh(self, session: CitizenSession) -> None:
        self.title.setText(_("Please sign"))
        self.hint.setText(_("Sign with your finger in the box below. This signature confirms your application."))
        self.back.setText(_("Back"))
        self.clear.setText(_("Clear and sign again"))
        self.next.setText(_("Continue"))
        self.notice.show_notice(session.notice)
        self._busy = session.busy  # the signature's image is being made
        self._changed()


class IncompleteScreen(Screen):
    """A required material is missing: the one-time notice and the saved draft."""

    def __init__(self, session: CitizenSession) -> None:
        super().__init__()
        self.title, self.body = label("title"), label("subtitle")
        self.missing = label("", align=_LEFT)
        self.notice = NoticeLabel()
        # lambdas, not the bound method: a button's clicked passes `checked` (False) as its first argument
        self.print = button("primary", lambda: session.leave_with_notice(keep=True))
        self.only = button("", lambda: session.leave_with_notice(keep=False))  # the citizen keeps nothing with us
        self.back = button("", session.back)
        for widget in (self.title, self.body):
            self.layout_.addWidget(widget)
        host = QWidget()
        column = QVBoxLayout(host)
        column.addWidget(self.missing)
        column.addStretch(1)
        self.layout_.addWidget(scroll_area(host), 1)
        self.layout_.addWidget(self.notice)
        row = button_row(self.back, self.print)
        row.insertWidget(2, self.only)
        self.layout_.addLayout(row)

    def refresh(self, session: CitizenSession) -> None:
        lang = language()
        self.title.setText(_("Some materials are still missing"))
        self.body.setText(_("We print a one-time notice listing all of them, and keep what you provided today, so "
                            "your next visit is the last. If you would rather we keep nothing, print the notice "
                            "only."))
        missing = session.checklist.missing() if session.checklist is not None else []
        lines = []
        for m in missing:
            when, where = condition_text(m, lang), obtain_text(m, lang)
            lines.append("• " + (with_note(m.name(lang), when) if when else m.name(lang)))
            if where:  # as the notice prints it (kiosk/receipts.py)
                lines.append("    " + _("Where to get it: {place}").format(place=where))
        self.missing.setText("\n".join(lines))
        self.notice.show_notice(session.notice)
        self.print.setText(_("Printing...") if session.busy else _("Print the notice and save"))
        self.print.setEnabled(not session.busy)
        self.only.setText(_("Print the notice only"))
        self.only.setEnabled(not session.busy)
        self.back.setText(_("Back"))
