"""The integrated window (一窗受理): the clerk signs in, reads the applicant's card, checks materials, decides."""

from __future__ import annotations

import math
import time
from typing import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QListWidget, QListWidgetItem, QStackedWidget,
                               QVBoxLayout)

from common.i18n import N_, _, language, ngettext, text
from devices.health import DeviceState, Health
from kiosk.config import TerminalConfig
from kiosk.materials import with_note
from kiosk.workflows.clerk import ClerkDesk, Desk
from ui.copy_row import CopyRow
from ui.draft_row import DraftRow
from ui.form_panel import FormPanel
from ui.customer_screen import APPLICANT_SCREEN, SCREEN_GONE, CustomerScreen
from ui.handover_row import HandoverRow
from ui.licence_row import LicenceRow
from ui.queue_row import QueueRow, applicant_prompt
from ui.rating import RatingPanel
from ui.refusal_row import RefusalRow
from ui.scan_row import ScanRow, material_note
from ui.staff_sign_in import SignInScreen
from ui.bridge import DeviceBridge
from ui.device_troubles import GRACE_S as TROUBLE_GRACE_S, DeviceTroubles
from ui.widgets import (LINE_HEIGHT_PERCENT, ComboBox, Label, NoticeLabel, Screen, button, forget_clipboard,
                        forget_histories, label, notice_area)
from ui.staff_idle import StaffIdle
from ui.wait_band import WaitBand


class ApplicantBox(Label):
    """The applicant's box: three lines high at least in its type (name, ID number, valid until), more when its words
    take more. A fixed 160 px was 14 px more than three lines of large text, and the left column of a company's matter
    that may be kept grew the window 9 px past a 1366 x 768 panel (tests/test_window_short_panel.py)."""

    LINES = 3

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("card")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.setContentsMargins(16, 8, 16, 8)  # the text off the box's border, as the kiosk's cards

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().minimumSizeHint()
        margins = self.contentsMargins()
        pitch = self.fontMetrics().lineSpacing() * LINE_HEIGHT_PERCENT / 100
        border = 2  # 1 px above and below (ui/theme.py, #card)
        lines = math.ceil(self.LINES * pitch) + margins.top() + margins.bottom() + border
        return QSize(hint.width(), max(hint.height(), lines))


class DeskScreen(Screen):
    def __init__(self, desk: ClerkDesk, rated_elsewhere: bool = False, queue_poll_s: float = 15.0) -> None:
        super().__init__()
        self.setObjectName("desk")  # its buttons less padded (ui/theme.py)
        self.compact()
        self._desk = desk
        # the applicant rates on the customer screen (ui/customer_screen.py) while its monitor is connected
        self._rated_elsewhere = rated_elsewhere
        self._filling = False
        row = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        self.clerk = label("subtitle", align=Qt.AlignmentFlag.AlignLeft)
        self.applicant = ApplicantBox()
        self.services = ComboBox()
        # a long service name never widens the window: the form's button shares the row (large English: 1,632 px)
        self.services.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.services.setMinimumContentsLength(8)
        self.services.activated.connect(self._service_chosen)
        # the application form in the materials' place, and the button between the two (ui/form_panel.py)
        self.form = FormPanel(desk, lambda: self._show_form_toggle(self._desk))
        self.form_toggle = button("", self._toggle_form)
        self._showing_form = False
        self._form_refusals_seen = 0  # the backend refused fields of the form: it opens once for each refusal
        self.materials = QListWidget()
        # by pixel: a row scrolled into sight is whole where the list is less than two rows high (large English at
        # 1280x800 beside a long notice); scrolled by row, the last one stayed cut in half
        self.materials.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.materials.itemChanged.connect(self._material_changed)
        self.scan = ScanRow(desk, self.materials, lambda: self._filling)  # scanned on the document camera
        self.licences = LicenceRow(desk, lambda: self.scan.code)  # electronic licences, with consent (licence_row.py)
        self.scan.add_beside(self.licences)
        # a choice of material, after the scan row's; not while the list is rebuilt (the licence question's buttons
        # shown beside the camera's not yet hidden grew the window to 1,305 px: window-monkey seeds 2 and 9)
        self.materials.currentItemChanged.connect(self._material_chosen)
        # read from the start of its line as the clerk's other texts are: centred, a wrapped message's second line
        # sat in the middle under the first (the headless demo's window screenshots)
        self.notice = NoticeLabel(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # all of it in its box: where the desk has less room than its lines need (large English at 1280x800 beside the
        # hand-over row has four lines; a backend's refusal in its own words may have ten) it scrolls, never cut short
        self.notice_area = notice_area(self.notice)
        self.accept = button("primary", self._accept)
        self.issue = button("", desk.issue_notice)
        # the applicant's say on a notice: what they provided kept for the next visit, or nothing (the kiosk's
        # "Print the notice only"); shown only when a notice would keep something
        self.keep_draft = button("", lambda: desk.set_keep_draft(self.keep_draft.isChecked()))
        self.keep_draft.setCheckable(True)
        self.next = button("", desk.next_applicant)
        self.sign_out = button("", desk.sign_out)
        self.refusal = RefusalRow(desk)  # not accepted (不予受理): the legal reason, a note, the button
        self.print_again = button("", desk.print_again)  # an A4 document the printer failed
        self.handover = HandoverRow(desk)  # licences ready for the applicant, handed over (领证)
        self.drafts = DraftRow(desk)  # the applicant's saved application, continued here (ui/draft_row.py)
        self.queue = QueueRow(desk, queue_poll_s)  # the queue ticket called here (叫号): ui/queue_row.py
        self.copy = CopyRow(desk)  # between applicants: a past decision's document printed again (ui/copy_row.py)
        # the applicant's side of the window (the customer-facing screen): the evaluation of what was just done
        # the reasons two to a row: three were 938 px wide in large English, past the right column's 812 (kiosk bench
        # window-monkey, seeds 2 and 6, once the header's large-text button was offered at the window)
        self.rating = RatingPanel("window", desk.choose_rating, desk.give_reason, desk.rating_comment,
                                  keyboard=False, levels_per_row=3, reasons_per_row=2)
        left.addWidget(self.clerk)
        left.addWidget(self.applicant)
        left.addWidget(self.queue)
        left.addWidget(self.licences.company)  # for a company: its credit code (ui/company_row.py)
        left.addStretch(1)
        left.addWidget(self.licences.withdraw)  # an unanswered licence question withdrawn (ui/licence_row.py)
        left.addWidget(self.keep_draft)  # the left column has room: a row on the right cost the materials' list rows
        left.addWidget(self.print_again)
        left.addWidget(self.next)
        left.addWidget(self.sign_out)
        chosen = QHBoxLayout()
        chosen.addWidget(self.services, 1)
        chosen.addWidget(self.form_toggle)
        right.addLayout(chosen)
        right.addWidget(self.drafts)
        right.addWidget(self.handover)
        right.addWidget(self.scan, 1)  # the materials list, the scanning row under it
        right.addWidget(self.form, 1)  # or the application form in their place
        right.addWidget(self.copy)
        right.addWidget(self.notice_area)
        right.addWidget(self.rating)
        right.addWidget(self.refusal)
        actions = QHBoxLayout()
        actions.addWidget(self.issue)
        actions.addStretch(1)
        actions.addWidget(self.accept)
        right.addLayout(actions)
        row.addLayout(left, 1)
        row.addLayout(right, 2)
        self.layout_.addLayout(row)

    def _service_chosen(self, index: int) -> None:
        code = self.services.itemData(index)
        if code:
            self._desk.choose_service(code)

    def _show_form_toggle(self, desk: ClerkDesk) -> None:
        to_fill = len(desk.form_messages())
        self.form_toggle.setText(_("Materials") if self._showing_form else
                                 ngettext("Application form ({n} to fill)", "Application form ({n} to fill)",
                                          to_fill).format(n=to_fill) if to_fill else _("Application form"))

    def _toggle_form(self) -> None:
        self._showing_form = not self._showing_form
        self.refresh(self._desk)

    def _accept(self) -> None:
        """Accept; when the form stops it, the form is shown at its first field to put right."""
        self._desk.accept()
        if self._desk.form_checked and self._desk.form_messages() and self._desk.step is Desk.CHECKING:
            self._showing_form = True
            self.refresh(self._desk)
            wrong = self.form.first_wrong()
            if wrong is not None:
                wrong.setFocus()
                self.form.scroll.ensureWidgetVisible(wrong)

    def _material_chosen(self, *_items) -> None:
        if not self._filling:
            self.licences.show_desk(self._desk)

    def _material_changed(self, item: QListWidgetItem) -> None:
        if not self._filling:
            self._desk.mark(item.data(Qt.ItemDataRole.UserRole), item.checkState() == Qt.CheckState.Checked)

    def refresh(self, desk: ClerkDesk) -> None:
        lang = language()
        staff = desk.staff or {}
        self.clerk.setText(_("Clerk: {name} ({id})").format(name=staff.get("name", ""), id=staff.get("staff_id", "")))
        if desk.identity is None:
            self.applicant.setText(applicant_prompt(desk))  # and the queue ticket called (ui/queue_row.py)
        else:
            identity = desk.identity
            valid = identity.valid_to.isoformat() if identity.valid_to else _("Long-term")
            self.applicant.setText(f"{identity.masked_name}\n{identity.masked_id}\n"
                                   + _("Valid until: {date}").format(date=valid))
        # what gives way is hidden before anything else changes, so that the window never grows on the way: the
        # applicant says why they were not satisfied, on this screen: the reasons and their words take the room of
        # the materials and the hand-over
        rated_here = not (self._rated_elsewhere and desk.screen_present)
        asking_why = desk.rating.asking_why() and desk.can_rate() and rated_here
        # the licence question open: the hand-over gives its room to the words the clerk reads out (the notice, four
        # lines in large English: the window grew to 1,305 px, window-monkey seeds 2 and 9)
        questioning = desk.licence_consent in ("asked", "witnessing")
        # the camera's and the licences' buttons share a row: it is set hidden, then shown whole (a row shown while one
        # side still had the last step's buttons and the other had its new ones grew the window: window-monkey seeds
        # 2, 5, 11 and 12 in large English)
        self.scan.controls.hide()
        if desk.identity is not None:  # the copy's line is for between applicants only (ui/copy_row.py)
            self.copy.hide()
        if desk.service is not None or desk.identity is None:  # a saved application, before a service only
            self.drafts.hide()
        if asking_why or questioning:
            self.handover.hide()
        if desk.form_refusals != self._form_refusals_seen:  # the backend would not take the form: shown to put right
            self._form_refusals_seen, self._showing_form = desk.form_refusals, True
        # the form only while the matter's materials are checked; else the materials' list is what the window shows
        self._showing_form = self._showing_form and desk.step is Desk.CHECKING and bool(desk.service and desk.service.form)
        if asking_why or self._showing_form:
            self.scan.hide()
        if not self._showing_form:  # closed, it holds nothing of the applicant: built again from the desk when opened
            self.form.hide()
            self.form.forget()
        self.notice.show_notice(desk.notice)  # its lines change with the room the rest leaves: set before they show
        self._filling = True
        self.services.clear()
        self.services.addItem(_("Choose the service..."), "")
        for service in desk.catalogue:
            self.services.addItem(service.name(lang), service.code)
        if desk.service is not None:
            self.services.setCurrentIndex(self.services.findData(desk.service.code))
        self.materials.clear()
        for m in (desk.service.materials if desk.service else ()):
            tag = _("required") if m.required else _("if applicable")
            item = QListWidgetItem(with_note(m.name(lang), material_note(desk, m.code, tag)),  # the language's brackets
                                   self.materials)
            item.setData(Qt.ItemDataRole.UserRole, m.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if desk.provided.get(m.code) else Qt.CheckState.Unchecked)
        self.scan.show_desk(desk, reveal=False)  # scanned rows marked, the chosen material's row
        self.licences.show_desk(desk)  # after the scan row: its current material is the one "Use licence" takes
        self._filling = False
        has_applicant = desk.identity is not None
        self.services.setEnabled(has_applicant and not desk.busy)
        checking = desk.step is Desk.CHECKING and not desk.busy
        self.accept.setEnabled(checking and not desk.missing())
        self.issue.setEnabled(checking and bool(desk.missing()))
        self.accept.setText(_("Accept"))
        missing = len(desk.missing())
        self.issue.setText(ngettext("Issue one-time notice ({n} item missing)",
                                    "Issue one-time notice ({n} items missing)", missing).format(n=missing)
                           if missing else _("Issue one-time notice"))  # nothing missing: no "0 items"
        self.keep_draft.setText(_("Keep for the next visit"))
        self.keep_draft.setChecked(desk.keep_draft)
        self.keep_draft.setEnabled(checking)
        self.next.setText(_("Next applicant"))
        self.sign_out.setText(_("Sign out"))
        self.next.setEnabled(not desk.busy)  # the matter in hand finishes first
        self.sign_out.setEnabled(not desk.busy)
        # decided: the rating takes their room (hidden before it shows, so the window never grows); no service
        # chosen yet: nothing to refuse
        # a decision's document printing (again) is the decided layout: the refusal and the decisions shown then,
        # with the evaluation, pushed the window past the screen (kiosk bench window-monkey, seeds 11 and 13)
        printing = desk.papers_held
        self.refusal.setVisible(desk.step in (Desk.CHECKING, Desk.WORKING) and not printing)
        for decision in (self.accept, self.issue):
            decision.setVisible(desk.step is not Desk.DONE and not printing)
        self.keep_draft.setVisible(self.issue.isVisibleTo(self) and bool(desk.missing()) and desk.would_keep_draft())
        self.rating.show_rating(desk.rating, desk.can_rate() and rated_here)
        self.refusal.show_desk(desk)
        self.print_again.setText(_("Print again"))
        self.print_again.setVisible(desk.can_print_again())
        if not (asking_why or questioning):
            self.handover.show_desk(desk)
        # no taller than the list beside it: the row's every pixel is the materials list's (large English)
        self.form_toggle.setFixedHeight(self.services.sizeHint().height())
        self.form_toggle.setVisible(desk.step is Desk.CHECKING and bool(desk.service and desk.service.form)
                                    and not asking_why)
        self._show_form_toggle(desk)
        if self._showing_form:
            self.form.show_desk(desk)
            self.form.show()
        elif not asking_why:
            self.scan.show()
        self.queue.show_desk(desk)
        self.copy.show_desk(desk)
        self.drafts.show_desk(desk)
        self.scan.reveal(desk)  # last: every other row is set, so the row shows into the room that is left


class WindowView(QStackedWidget):
    def __init__(self, desk: ClerkDesk, bridge: DeviceBridge, terminal: TerminalConfig | None = None,
                 report: Callable[[Callable[[], Health]], None] | None = None) -> None:
        """``report``: where the applicant monitor's state is reported with the devices (``Heartbeat.also_report``:
        the hall's list of terminals names it)."""
        super().__init__()
        terminal = terminal or TerminalConfig()
        customer_screen = terminal.customer_screen == "on"
        self.desk = desk
        self._applicant = None  # the identity of the matter in hand, as last shown
        self.sign_in = SignInScreen(desk, N_("Clerk sign-in"))
        self.desk_screen = DeskScreen(desk, rated_elsewhere=customer_screen, queue_poll_s=terminal.queue_poll_s)
        self.customer = None  # the applicant's own screen, when configured (terminal.customer_screen)
        # its monitor not connected is named with the devices not working now (ui/device_troubles.py)
        self._screen_health = Health(APPLICANT_SCREEN, DeviceState.READY, None, {}, time.monotonic())
        self.troubles = DeviceTroubles(bridge.healths() + ([self._screen_health] if customer_screen else []))
        if customer_screen:
            if report is not None:
                report(lambda: self._screen_health)  # read on the heartbeat's thread: one attribute, replaced whole
            self.customer = CustomerScreen(desk, on_presence=self.applicant_screen_changed)
            self.customer.place()
        self.addWidget(self.sign_in)
        self.addWidget(self.desk_screen)
        # in the window's footer, on the sign-in screen too: in the desk's left column it took the height the
        # column did not have (large Chinese, a company's matter at a window calling tickets: 1280 x 839,
        # kiosk bench window-monkey --monitor-unplugged, seed 869)
        self.status_line = self.troubles.widget
        bridge.health_changed.connect(self.troubles.follow)
        bridge.card_read.connect(desk.card_read)
        desk.subscribe(lambda _d: self.show_step())
        # an idle clerk is signed out (ui/staff_idle.py)
        self.idle = StaffIdle(self, desk, terminal.window_idle_timeout_s, terminal.window_idle_warning_s)
        bridge.card_read.connect(lambda _identity: self.idle.user_active())  # a card is the clerk at work
        # "still working" while the desk waits, as the kiosk's; "Stop waiting" while a saved application's pages come
        self.wait_band = WaitBand(self, under=self.idle.warning, on_stop=desk.stop_waiting)
        self.show_step()

    def applicant_screen_changed(self, present: bool) -> None:
        """The applicant's monitor came, or went past its grace (ui/customer_screen.py tells): the desk works with
        it or without it, and the clerk's line of devices not working names it at once (it had its grace)."""
        self._screen_health = Health(APPLICANT_SCREEN, DeviceState.READY if present else DeviceState.OFFLINE,
                                     None if present else text(SCREEN_GONE), {}, time.monotonic() - TROUBLE_GRACE_S)
        self.troubles.follow(self._screen_health)
        self.desk.applicant_screen(present)

    def show_step(self) -> None:
        if self.desk.identity is not self._applicant:
            if self._applicant is not None:  # their matter ended: what the window copied of it goes too
                forget_clipboard(only_ours=True)
                for view in (self, self.customer):  # and what was typed for them, from every field's undo history
                    if view is not None:
                        forget_histories(view)
            self._applicant = self.desk.identity
        screen = self.sign_in if self.desk.step is Desk.SIGNED_OUT else self.desk_screen
        screen.refresh(self.desk)
        self.setCurrentWidget(screen)
        self.wait_band.follow(self.desk.busy, self.desk.can_stop_waiting())

    def retranslate(self) -> None:
        self.show_step()
        self.troubles.refresh()
        self.idle.retranslate()
        self.wait_band.retranslate()
        if self.customer is not None:
            self.customer.refresh(self.desk)

    def close_customer_screen(self) -> None:
        if self.customer is not None:
            self.customer.close()
            self.customer.deleteLater()
            self.customer = None
