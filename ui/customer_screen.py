"""The window's customer-facing screen (一窗受理的对客屏): what the applicant across the counter sees and rates.

A second top-level window, full screen on the terminal's second monitor, that only observes the clerk's
``ClerkDesk``: it greets the applicant and names the clerk serving them (the staff member's name, never their id),
shows the applicant masked as the card's masker masks them, the service chosen (for a company's matter, the company
with its credit code under it: ``kiosk/workflows/clerk_company.py``) and the materials the clerk has checked so
far, with how many pages of each were scanned (read-only, in the language shown; no page shown), what was decided
(accepted with its case number, the one-time notice with its number, not accepted), then the same evaluation panel
as the kiosk's (``ui/rating.py``), whose taps go to the desk as the clerk's in-window panel's did; with this screen
configured (``terminal.customer_screen``) the clerk's window hides its own.

State lives in the desk; the screen renders it on every change, so the next applicant, a sign-out or
another card leaves nothing of the last one: every label is emptied and the panel's words forgotten.
Always in large text: the applicant reads it from across the counter.

A service that asks for the applicant's signature (``signature_required``) is signed here, on the
kiosk's pad (``ui/signature.py``), once the clerk accepts: the desk then submits the case with it
(``kiosk/workflows/clerk_signature.py``). While the pad is shown, the application form as the clerk typed it
(``kiosk.forms.answers_shown``, as the kiosk's confirmation lists it) takes the materials' place, for the
applicant to check what they sign; the decision gives its room.

When the clerk offers to fetch the applicant's electronic licences (``kiosk/workflows/clerk_licences.py``), the
applicant is asked here, in the kiosk's words: what is fetched (the kinds of licence the service can take), why
(in place of paper, for this application only), "Yes, fetch them" or "No, I will show paper". Nothing is fetched
before they agree; the panel takes the materials' room while it is shown.

With no second monitor (off, unplugged, broken) it is hidden, never a window over the clerk's: after
``GONE_GRACE_MS`` (a monitor switching its mode goes and comes back within it) the desk is told
(``kiosk/workflows/clerk_applicant_screen.py``): the window works as one without that screen, and the clerk's
line of devices not working names it. It comes back on its own when the monitor does.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QIcon, QScreen
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QMainWindow, QVBoxLayout, QWidget

from common.domain import EvaluationKeyKind
from common.i18n import N_, _, language
from kiosk import forms
from kiosk.drafts import Kept
from kiosk.materials import licence_consent_text, with_note
from kiosk.receipts import company_line
from kiosk.workflows.clerk import ClerkDesk, Desk
from ui.display import DESIGN_HEIGHT, DESIGN_WIDTH, SMALL, Display, below_applicant_least, below_design, display_for
from ui.rating import RatingPanel
from ui.scan_row import material_note
from ui.signature import SignaturePad
from ui.theme import Theme, stylesheet
from ui.widgets import button, enable_swipe, label

log = logging.getLogger(__name__)

# a sign beside each material, colour never the only signal: drawn as an icon, so that every name starts at one
# edge (as text, "✓ " and "○ " set the names 10 px apart), and said in the item's accessible text
ICONS = Path(__file__).parent / "icons"
PROVIDED, NOT_YET = "✓ ", "○ "
_UNBOUNDED = (1 << 24) - 1  # Qt's QWIDGETSIZE_MAX, which PySide6 does not export
APPLICANT_SCREEN = "customer_screen"  # its name among the devices (kiosk.diagnostics.KIND_LABELS)
SCREEN_GONE = N_("The applicant's screen is not connected: ask for their consent aloud, and they rate on this "
                 "screen. Cases are accepted without their signature on screen.")
MARGINS, COMPACT_MARGINS = (48, 24, 48, 24), (16, 8, 16, 8)  # left, top, right, bottom
SPACING, COMPACT_SPACING = 12, 6
# a monitor gone for less than this (RandR re-set for a new mode, an input switched) changes nothing at the desk
GONE_GRACE_MS = 3000


def decision_text(desk: ClerkDesk) -> str:
    """What was decided on the matter, in the language shown; empty while nothing is."""
    number, key = desk.result, desk.rating.key
    # a notice's draft: the applicant is told what is kept of theirs, and for what (kiosk/workflows/clerk_drafts.py)
    held = desk.draft_kept
    said = {Kept.SAVED: _("What you provided today is saved: next time, identify yourself at any terminal or window of "
                          "this hall and continue."),
            Kept.QUEUED: _("What you provided today is kept and saved as soon as the service system answers: next "
                           "time, identify yourself and continue."),
            Kept.DECLINED: _("As you chose, nothing of your application is kept: next time, please apply again and "
                             "bring what you provided today, with everything on the list."),
            Kept.NOT_KEPT: _("Your application could not be saved now: next time, please bring what you provided "
                             "today again, with everything on the list.")}
    kept = "\n" + said[held.how] if held is not None else ""
    if held is not None and held.until is not None:
        kept = "\n" + _("What you provided today is saved until {date}: before then, identify yourself at any "
                        "terminal or window of this hall and continue.").format(date=held.until.isoformat())
    if desk.step is not Desk.DONE or not number or number == "-":
        # not "is printed": its papers may not have printed (kiosk/workflows/clerk_documents.py)
        return _("The one-time notice, without a number, lists everything still missing.") + kept \
            if desk.step is Desk.DONE and number == "-" else ""
    if key is not None and key.kind is EvaluationKeyKind.NOTICE:
        return _("One-time notice {number}: it lists everything still missing.").format(number=number) + kept
    if desk.decision == "not_accepted":
        return _("Not accepted (case {number}). The written decision gives the reason and your rights of "
                 "appeal.").format(number=number)
    return _("Accepted. Your case number is {number}.").format(number=number)


class CustomerScreen(QMainWindow):
    """The applicant's side of the window: a top-level window that renders the desk. A main window around the
    column, as the clerk's: a bare top-level widget took its layout's height for its width, and the touch
    keyboard's (791 px at 1,184 px wide) grew it to 937 px on the 800 px panel."""

    def __init__(self, desk: ClerkDesk, display: Display = SMALL,
                 on_presence: Callable[[bool], None] = lambda _present: None) -> None:
        super().__init__()
        self._desk = desk
        self._on_presence = on_presence  # told when the applicant's monitor is there, or gone past its grace
        self.present: bool | None = None  # None until placed once
        self.setObjectName("customer_screen")
        self.setStyleSheet(stylesheet(Theme(display, True)))
        body = QWidget()
        self.setCentralWidget(body)
        column = QVBoxLayout(body)
        self.compact = False  # a monitor below the least (a 1024 x 600 evaluation pad): see fit()
        self.greeting = label("title")
        self.called = label("title")  # 请 A012 号到 3 号窗口: the ticket this window called (kiosk/workflows/clerk_queue.py)
        self.clerk = label("subtitle")
        self.applicant = label("")
        self.service = label("subtitle")
        self.materials = QListWidget()
        # the applicant's own say on what a one-time notice keeps of theirs (the clerk's "Keep for the next visit")
        self.keep_draft = button("", lambda: desk.set_keep_draft(self.keep_draft.isChecked()))
        self.keep_draft.setCheckable(True)
        self._marks = {True: QIcon(str(ICONS / "provided.svg")), False: QIcon(str(ICONS / "not-yet.svg"))}
        self.materials.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.materials.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # the applicant's finger drags it: a long form's answers, checked before signing, scroll under the
        # 9-pixel scrollbar of a screen meant for a finger
        self.materials.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        enable_swipe(self.materials)
        self.sign_hint = label("subtitle")
        self.pad = SignaturePad()
        self.pad.changed.connect(self._pad_changed)
        self.clear_pad = button("", self.pad.clear)
        self.signed = button("primary", lambda: desk.sign(self.pad.to_png()))
        # the applicant's consent to fetch their electronic licences (kiosk/workflows/clerk_licences.py): the kiosk's words
        self.consent_title, self.consent_body = label("title"), label("subtitle")
        self.consent_agree = button("primary", desk.agree_licences)
        self.consent_decline = button("", desk.decline_licences)
        self.decision = label("subtitle")
        self.thanks = label("")
        self.rating = RatingPanel("window", desk.choose_rating, desk.give_reason, desk.rating_comment,
                                  on_typing=lambda _typing: self.refresh(self._desk), levels_per_row=3)
        for widget in (self.greeting, self.called, self.clerk, self.applicant, self.service):
            column.addWidget(widget)
        column.addWidget(self.materials, 1)
        column.addWidget(self.keep_draft, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.sign_hint)
        column.addWidget(self.pad, 1)
        self.sign_row = QWidget()
        row = QHBoxLayout(self.sign_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.clear_pad)
        row.addStretch(1)
        row.addWidget(self.signed)
        column.addWidget(self.sign_row)
        column.addWidget(self.consent_title)
        column.addWidget(self.consent_body)
        self.consent_row = QWidget()
        row = QHBoxLayout(self.consent_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.consent_decline)
        row.addStretch(1)
        row.addWidget(self.consent_agree)
        column.addWidget(self.consent_row)
        for widget in (self.decision, self.rating, self.thanks):
            column.addWidget(widget)
        self.fit(False)
        desk.subscribe(self.refresh)
        self.refresh(desk)
        self.on_screen: QScreen | None = None  # the applicant's own monitor it fills, or None (a window of its own)
        # placed again once Qt has taken in a monitor coming, going or changing its size: the applicant's monitor is
        # often switched on after the terminal (it came up as a window of its own and stayed so), and one unplugged
        # left it full screen over the clerk's (Qt moves a gone screen's windows to the primary one)
        self._place_again = QTimer(self, singleShot=True, interval=0, timeout=self.place)
        self._gone = QTimer(self, singleShot=True, interval=GONE_GRACE_MS, timeout=lambda: self._tell(False))
        app = QGuiApplication.instance()
        for changed in (app.screenAdded, app.screenRemoved, app.primaryScreenChanged):
            changed.connect(self._place_again.start)

    def refresh(self, desk: ClerkDesk) -> None:
        lang = language()
        self.setWindowTitle(_("OneTrip — for the applicant"))
        staff = desk.staff
        self.greeting.setText(_("Welcome") if staff else _("This window is closed"))
        self.clerk.setText(_("{name} is serving you.").format(name=staff.get("name", "")) if staff else "")
        identity = desk.identity
        ticket = desk.called_ticket if staff and identity is None else None  # called, its holder not served yet
        self.called.setText(_("Ticket {number}, please come to window {window}").format(
            number=ticket.number, window=ticket.window) if ticket is not None else "")
        self.applicant.setText(f"{identity.masked_name}  {identity.masked_id}" if identity is not None
                               else (_("Please place your ID card on the reader.") if staff else ""))
        service = desk.service if identity is not None else None
        company = desk.company if service is not None else None  # a company's matter: named under the service
        self.service.setText((_("Service: {name}").format(name=service.name(lang))
                              + (f"\n{company_line(company, lang)}" if company is not None else "")) if service else "")
        signing = desk.signature_asked and desk.awaiting_signature() and desk.step is Desk.CHECKING and not desk.busy
        self.materials.clear()
        side = self.materials.fontMetrics().height()
        self.materials.setIconSize(QSize(side, side))
        # signing: the application form as the clerk typed it, for the applicant to check what they sign
        for caption, value in (forms.answers_shown(service, desk.form_values, lang) if signing and service else ()):
            item = QListWidgetItem(_("{label}: {value}").format(label=caption, value=value), self.materials)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.sign_hint.setText((_("Please check your answers above, then sign with your finger in the box below. This "
                                  "signature confirms your application.") if self.materials.count() else
                                _("Sign with your finger in the box below. This signature confirms your application."))
                               if signing else "")
        # the answers in full above the pad (no scrolling to find the last) where they fit: at most a third of the
        # screen, and never more than the rest leaves (a company's matter names the company under the service: four
        # answers grew the screen to 1280x853, kiosk bench window-monkey seed 449); else the list takes the room it
        # is given
        rows = sum(self.materials.sizeHintForRow(i) for i in range(self.materials.count()))
        if signing and rows:
            frame, row = 2 * self.materials.frameWidth(), self.materials.sizeHintForRow(0)
            room = min(self.height() // 3, self._room_for_answers())
            # whole rows where they do not all fit: the last one cut in half read as the end of the list
            self.materials.setFixedHeight(rows + frame + 8 if rows + frame + 8 <= room else
                                          frame + row * max(1, (room - frame) // max(1, row)))
        else:
            self.materials.setMinimumHeight(0)
            self.materials.setMaximumHeight(_UNBOUNDED)
        for m in (service.materials if service and not signing else ()):
            provided = bool(desk.provided.get(m.code))
            tag = _("required") if m.required else _("if applicable")
            shown = with_note(m.name(lang), material_note(desk, m.code, tag))  # with the pages scanned
            item = QListWidgetItem(self._marks[provided], shown, self.materials)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, (PROVIDED if provided else NOT_YET) + shown)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # read-only: the clerk checks them
        self.decision.setText(decision_text(desk) if identity is not None else "")
        given = desk.rating.key is not None and desk.rating.level is not None and not desk.busy
        self.thanks.setText(_("Thank you for your evaluation.") if given else "")
        if desk.rating.key is None:
            self.rating.forget()  # the matter ended: the words typed for it go too
        if not signing:
            self.pad.clear()  # signed, or the matter went: no strokes stay for the next one
        self.keep_draft.setText(_("Keep what I provided for my next visit"))
        self.keep_draft.setChecked(desk.keep_draft)
        self.clear_pad.setText(_("Clear and sign again"))
        self.signed.setText(_("Continue"))
        self._pad_changed()
        consenting = (desk.licence_consent == "asked" and service is not None and desk.step is Desk.CHECKING
                      and not desk.busy and not signing)
        title, body = licence_consent_text(service, lang, desk.for_company) if consenting else ("", "")
        self.consent_title.setText(title)
        self.consent_body.setText(body)
        self.consent_agree.setText(_("Yes, fetch them"))
        self.consent_decline.setText(_("No, I will show paper"))
        typing = self.rating.typing  # the touch keyboard for the applicant's words takes the room of the rest
        decided = bool(self.decision.text())
        shown = {self.greeting: bool(self.greeting.text()), self.called: bool(self.called.text()),
                 self.clerk: bool(self.clerk.text()), self.applicant: bool(self.applicant.text()),
                 self.service: service is not None,
                 self.materials: service is not None and not decided and not consenting
                 and (not signing or self.materials.count() > 0),
                 self.keep_draft: service is not None and desk.step is Desk.CHECKING and not desk.busy and not signing
                 and not consenting and bool(desk.missing()) and desk.would_keep_draft(),
                 self.consent_title: consenting, self.consent_body: consenting, self.consent_row: consenting,
                 self.decision: decided, self.sign_hint: signing, self.pad: signing, self.sign_row: signing}
        shown = {widget: visible and not typing for widget, visible in shown.items()}
        if signing or (self.compact and (decided or consenting)):
            # the answers and the pad, or on a small monitor the decision and the rating or the licence question,
            # take the room of the greeting and the clerk's name (the card stays)
            shown[self.greeting] = shown[self.clerk] = False
        if desk.rating.asking_why():  # the reasons and the applicant's words: only what was decided stays above
            for widget in (self.greeting, self.called, self.clerk, self.applicant, self.service):
                shown[widget] = False
        shown[self.thanks] = given
        # what goes is hidden before the panel grows, what comes shown after it shrank: a top-level window that
        # held both for a moment grew past its screen (1,357 px of 800) and stayed so
        for widget in (w for w, visible in shown.items() if not visible):
            widget.hide()
        self.rating.show_rating(desk.rating, desk.can_rate())
        for widget in (w for w, visible in shown.items() if visible):
            widget.show()

    def suit(self, width: int, height: int, dpi: float = 0.0) -> bool:
        """Styled and laid out for a monitor of ``width`` x ``height`` (its type in points at its size, always large;
        compact below the design's screen); True when compact."""
        self.setStyleSheet(stylesheet(Theme(display_for(width, height, 0.0, dpi), True)))
        compact = below_design(width, height)
        self.fit(compact)
        self.refresh(self._desk)
        return compact

    def fit(self, compact: bool) -> None:
        """Below the design's screen (``ui.display.below_design``; down to ``APPLICANT_LEAST``, the 7-inch 1024 x 600
        evaluation pads sold for windows) the margins and spacing narrow, the rating's reasons go two to a row and the decision takes the
        greeting's room: in large English the screen grew to 1,110 x 625 px (kiosk bench window-monkey)."""
        self.compact = compact
        column = self.centralWidget().layout()
        column.setContentsMargins(*(COMPACT_MARGINS if compact else MARGINS))
        column.setSpacing(COMPACT_SPACING if compact else SPACING)
        self.rating.narrow(compact)

    def _room_for_answers(self) -> int:
        """The height the answers may take while the applicant signs: the screen's, less what shows with them (the
        applicant, the service and company, the hint, the pad at its least and its buttons) and the spacing."""
        column = self.centralWidget().layout()
        margins = column.contentsMargins()
        width = self.width() - margins.left() - margins.right()
        used = margins.top() + margins.bottom() + self.pad.minimumHeight()
        with_them = [w for w in (self.applicant, self.service, self.sign_hint) if w.text()] + [self.sign_row]
        for widget in with_them:
            used += widget.heightForWidth(width) if widget.hasHeightForWidth() else widget.sizeHint().height()
        used += column.spacing() * (len(with_them) + 1)  # between the list, the pad and each of them
        return self.height() - used

    def _pad_changed(self) -> None:
        self.signed.setEnabled(not self.pad.is_empty())

    def place(self) -> None:
        """Full screen on the screen that is not the clerk's, when there is one; else hidden (the clerk's screen
        takes its part). Again whenever a monitor comes, goes or changes its size
        (tests/test_customer_screen_display.py)."""
        screens = QGuiApplication.screens()
        primary = QGuiApplication.primaryScreen()
        others = [s for s in screens if s is not primary]
        self._follow(others[0] if others else None)
        if others:
            screen = others[0]
            size = screen.size().width(), screen.size().height()
            # laid out for the monitor before it is shown on it: shown first at the last layout, a larger one's, a
            # top-level window may grow past the monitor and stay so
            compact = self.suit(*size, screen.physicalDotsPerInch())
            # the screen itself, not only its geometry: two X screens (a display of its own per monitor) both start
            # at (0, 0), and the geometry alone put the applicant's screen full over the clerk's
            # (tests/test_customer_screen_display.py, under an Xvfb with two screens)
            self.setScreen(screen)
            self.setGeometry(screen.geometry())
            self.showFullScreen()
            log.info("customer screen: full screen on %s at %dx%d", screen.name(), *size)
            compact_least = below_applicant_least(*size)
            if compact_least is not None:
                log.warning("customer screen: %dx%d is below %dx%d even laid out compact: the signature pad and the "
                            "evaluation grow past it (kiosk doctor)", *size, *compact_least)
            elif compact:  # a 7-inch evaluation pad's 1024 x 600
                log.info("customer screen: %dx%d is below %dx%d: laid out compact", *size, DESIGN_WIDTH, DESIGN_HEIGHT)
            self._gone.stop()
            self._tell(True)
        else:
            self.without_monitor()

    def without_monitor(self) -> None:
        """No monitor for it: hidden, and the desk told at once at start, else once the grace has passed without
        one coming back (kiosk bench window-monkey --monitor-unplugged unplugs it so)."""
        # not a window of its own over the clerk's (it hid the clerk's desk, and the applicant could not see it);
        # Qt moves a gone monitor's windows to the primary one, still full screen: out of that state first
        if self.isFullScreen():
            self.showNormal()
        self.hide()
        log.info("customer screen: no second monitor; hidden")
        if self.present is None:  # none at start: the desk works without it from the first applicant
            self._tell(False)
        elif self.present and not self._gone.isActive():
            self._gone.start()

    def _tell(self, present: bool) -> None:
        if present != self.present:
            self.present = present
            self._on_presence(present)

    def _follow(self, screen: QScreen | None) -> None:
        """Size changes of the monitor it fills place it again (a monitor's mode set after it came on)."""
        if screen is self.on_screen:
            return
        if self.on_screen is not None:
            try:
                self.on_screen.geometryChanged.disconnect(self._place_again.start)
            except (RuntimeError, TypeError):  # the screen object is gone with its monitor
                pass
        self.on_screen = screen
        if screen is not None:
            screen.geometryChanged.connect(self._place_again.start)
