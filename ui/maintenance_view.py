"""Maintenance mode for hall staff: a staff sign-in with the maintenance role (or the break-glass PIN), then
device status, self-tests, a test print, a voice test and the audit check, each recorded in the audit trail
under the staff id (kiosk/workflows/maintenance.py)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QHeaderView, QLineEdit, QScrollArea, QStackedWidget,
                               QTableWidget, QTableWidgetItem)

from common.audit_chain import ChainReport, Head
from devices.health import Health, SelfTestResult
from devices.base import Device
from devices.docprinter.base import DocumentPrinter
from devices.receipt.base import ReceiptPrinter
from kiosk.audit import report_text
from kiosk.diagnostics import KIND_LABELS
from kiosk.forms import Keyboard
from kiosk.restarts import LABELS as RESTART_LABELS, Reason, Restart, of_the_day
from kiosk.retention import report_lines
from kiosk.tasks import TaskRunner
from common.i18n import N_, _, plural_text, text
from kiosk.workflows.citizen import Notice, user_message
from kiosk.workflows.maintenance import MaintenanceAccess
from ui.bridge import DeviceBridge
from ui.keyboard import TouchKeyboard
from ui.staff_idle import StaffIdle
from ui.staff_sign_in import SignInScreen
from ui.widgets import FocusWatch, LineEdit, NoticeLabel, Screen, button, label

if TYPE_CHECKING:
    from ui.maintenance_diagnostics import DiagnosticsScreen
    from ui.voice import VoiceGuide


def device_label(device: Device) -> str:
    """The device's kind in the language shown, with its name when a hall named it otherwise."""
    kind = getattr(device, "kind", device.name)
    shown = _(KIND_LABELS[kind]) if kind in KIND_LABELS else device.name
    return shown if device.name == kind else f"{shown} ({device.name})"


# The counters that tell staff something is wrong, in words they read (the others are the devices' bookkeeping)
COUNTER_LABELS = {"damaged_replies": N_("damaged answers"), "silent_replies": N_("unanswered polls")}


WRAPPED_COLUMNS = (2, 3)  # the device table's reason and self-test: the rest are short
SPLIT_SLACK_PX = 8  # the reason's and self-test's columns split with this much to spare on each side
QUEUE_LINES_MAX_PX = 150  # the queue's and retention's lines before they scroll (a 1280x800 screen)

def self_test_text(result: SelfTestResult) -> str:
    """The verdict, then what the device reported, on one line (a PC/SC reader: the service, each reader's
    state and its card's ATR, as PC/SC tools show them); the table scrolls sideways for a long one, so
    every device keeps one row on the screen."""
    parts = [("✓ " if result.ok else "✗ ") + result.message.render()]
    parts += [f"{key}: {value}" for key, value in result.details.items()]
    return " · ".join(parts)


def counters_text(counters: dict[str, int]) -> str:
    """A device's telling counters that are not zero, e.g. "damaged answers 3, unanswered polls 1"."""
    shown = [(_(label), counters.get(name, 0)) for name, label in COUNTER_LABELS.items()]
    return ", ".join(f"{label} {n}" for label, n in shown if n)


def restarts_text(restarts: list[Restart], now: float) -> str:
    """kiosk supervise's restarts of the last day for staff: how many, the last one's time and reason, and where
    a freeze's stacks are; empty when there were none."""
    today = of_the_day(restarts, now)
    if not today:
        return ""
    last = today[-1]
    params = dict(count=len(today), time=datetime.fromtimestamp(last.at).strftime("%H:%M"),
                  reason=_(RESTART_LABELS[last.reason]))
    if any(r.reason is Reason.FROZE for r in today):  # one message: Chinese joins its sentences without a space
        return plural_text("This terminal was started again {count} time in the last 24 hours; the last time at "
                           "{time}: {reason}. What it was doing when it froze is in logs/freeze-stacks.txt for "
                           "support.",
                           "This terminal was started again {count} times in the last 24 hours; the last time at "
                           "{time}: {reason}. What it was doing when it froze is in logs/freeze-stacks.txt for "
                           "support.", len(today), **params).render()
    return plural_text("This terminal was started again {count} time in the last 24 hours; the last time at {time}: "
                       "{reason}.",
                       "This terminal was started again {count} times in the last 24 hours; the last time at {time}: "
                       "{reason}.", len(today), **params).render()


def _wrapped_height(metrics: QFontMetrics, value: str, width: int) -> int:
    """How tall ``value`` is wrapped at words within ``width`` pixels."""
    if not value:
        return 0
    return metrics.boundingRect(0, 0, max(width, 1), 1 << 20, Qt.TextFlag.TextWordWrap, value).height()


class PinScreen(Screen):
    """The break-glass PIN on a keypad; compared (scrypt) and counted (a file) on the task pool."""

    def __init__(self, access: MaintenanceAccess, back) -> None:
        super().__init__()
        self.compact()  # with a notice, the pad pushed the window to 1280x804 (maintenance-monkey seed 6)
        self._access = access
        self.title = label("title")
        self.entry = LineEdit()
        self.entry.setEchoMode(QLineEdit.EchoMode.Password)
        self.entry.setMaxLength(12)
        self.entry.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.entry.returnPressed.connect(self.submit)
        self.notice = NoticeLabel()
        pad = QGridLayout()
        self.keys = {}  # the keypad's buttons by their label
        for i, key in enumerate("123456789C0✓"):
            handler = {"C": self.entry.clear, "✓": self.submit}.get(key, lambda _c=False, k=key: self.entry.insert(k))
            widget = button("primary" if key == "✓" else "", handler)
            widget.setText(key)
            pad.addWidget(widget, i // 3, i % 3)
            self.keys[key] = widget
        self.back = button("", back)
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.entry)
        self.layout_.addWidget(self.notice)
        self.layout_.addLayout(pad)
        self.layout_.addWidget(self.back, alignment=Qt.AlignmentFlag.AlignCenter)
        self.layout_.addStretch(1)

    def refresh(self, _access=None) -> None:
        self.title.setText(_("Break-glass PIN"))
        self.back.setText(_("Back to staff sign-in"))
        self.keys["✓"].setEnabled(not self._access.busy)
        self.notice.show_notice(self._access.notice)

    def submit(self) -> None:
        entered = self.entry.text()
        self.entry.clear()
        self._access.enter_pin(entered)


class StatusScreen(Screen):
    COLUMNS = 5

    def __init__(self, devices: list[Device], receipt_printer: ReceiptPrinter, tasks: TaskRunner,
                 bridge: DeviceBridge, queue_status: Callable[[], dict] | None = None,
                 config_refused: Callable[[], str] = lambda: "", voice: VoiceGuide | None = None,
                 audit_check: Callable[[], tuple[ChainReport, Head, bool]] | None = None,
                 record: Callable[..., None] = lambda action, detail="": None,
                 restarts: Callable[[], list[Restart]] | None = None,
                 document_printer: DocumentPrinter | None = None, terminal_id: str = "") -> None:
        """``document_printer``: the A4 printer "Test A4 print" prints a page on (None, or one not installed: no
        button); ``terminal_id``: said on that page."""
        super().__init__()
        self.compact()  # staff's dense page: the air of a citizen's screen cost the device table its sixth row
        self.record = record  # an action into the audit trail under whoever unlocked (MaintenanceAccess.record)
        self._audit_check = audit_check  # AuditTrail.check: reads and checks the whole trail, on the task pool
        self._audit_result: tuple[ChainReport, Head, bool] | None = None
        self.audit_line = label("", align=Qt.AlignmentFlag.AlignLeft)
        self.audit_line.setWordWrap(True)
        self.audit_line.setVisible(audit_check is not None)
        self.check_audit = button("", self.run_audit_check)
        self.check_audit.setVisible(audit_check is not None)
        self.sign_out = button("", lambda: None)  # MaintenanceView connects it
        self.more = button("", lambda: None)  # the network, the log and the configuration: MaintenanceView connects it
        self.more.setVisible(False)
        self.voice = voice  # the kiosk's voice guidance at the configured volume, for a test prompt
        self._config_refused = config_refused  # the heartbeat's last refusal of remote configuration
        self._queue_status = queue_status  # Outbox.status, read on the task pool (it may wait on the queue's lock)
        self.queue_line = label("", align=Qt.AlignmentFlag.AlignLeft)
        self.queue_line.setWordWrap(True)  # a refusal's reason in full, not cut at the screen's right edge
        self._devices = devices
        self._receipt_printer = receipt_printer
        self._tasks = tasks
        self._results: dict[str, SelfTestResult] = {}
        self.title = label("title")
        self.table = QTableWidget(len(devices), self.COLUMNS)
        self.table.verticalHeader().setVisible(False)
        # the reason's and the self-test's lines wrap within the screen and their rows grow to hold them: sized
        # to their contents they ran past its right edge, the counters wholly out of sight, behind a sideways scroll
        header = self.table.horizontalHeader()
        for column in range(self.COLUMNS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column in WRAPPED_COLUMNS
                                        else QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(True)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # rows grow or shrink when the columns' split changes, after the table was last fitted: fitted again once
        # they settle (fitted only on refresh and resize, the table kept the height of the rows before the split)
        self._refit = QTimer(self, singleShot=True, interval=0, timeout=self._fit_table)
        self.table.verticalHeader().sectionResized.connect(lambda *_args: self._refit.start())
        self.notice = NoticeLabel()
        self.self_test = button("primary", self.run_self_tests)
        self.test_print = button("", self.run_test_print)
        self._document_printer = document_printer if document_printer is not None and document_printer.installed \
            else None
        self._terminal_id = terminal_id
        self.test_a4 = button("", self.run_test_a4)
        self.test_a4.setVisible(self._document_printer is not None)
        self.test_voice = button("", self.run_test_voice)
        self.test_voice.setVisible(voice is not None)
        self.voice_line = label("", align=Qt.AlignmentFlag.AlignLeft)
        self.voice_line.setVisible(voice is not None)
        # the printers' test pages and the way to the second page beside the title: the row of actions below has no
        # room left for them in English on a 1080 px wide screen
        heading = QHBoxLayout()
        heading.addWidget(self.title, 1)
        heading.addWidget(self.test_print)
        heading.addWidget(self.test_a4)
        heading.addWidget(self.more)
        self.layout_.addLayout(heading)
        self.layout_.addWidget(self.table, 1)
        # one line per refused or held item and per kind kept: it scrolls, so the screen fits however many there are
        self.queue_area = QScrollArea()
        self.queue_area.setWidget(self.queue_line)
        self.queue_area.setWidgetResizable(True)
        self.queue_area.setFrameShape(QFrame.Shape.NoFrame)
        self.layout_.addWidget(self.queue_area, 1)
        self.config_line = label("", align=Qt.AlignmentFlag.AlignLeft)
        self.config_line.setWordWrap(True)
        self.layout_.addWidget(self.config_line)
        self._restarts = restarts  # RestartLog.recent: kiosk supervise's restarts, read on the task pool
        self._restarts_seen: list[Restart] = []
        self._reading = 0  # the refreshes' readings of the queue and the restarts, counted
        self.restart_line = label("", align=Qt.AlignmentFlag.AlignLeft)
        self.restart_line.setWordWrap(True)
        self.restart_line.setVisible(False)
        self.layout_.addWidget(self.restart_line)
        self.layout_.addWidget(self.audit_line)
        self.layout_.addWidget(self.voice_line)
        self.layout_.addWidget(self.notice)
        self.layout_.addStretch(0)  # what the table's and the queue's lines leave, kept above the buttons
        row = QHBoxLayout()
        row.addWidget(self.self_test)
        row.addWidget(self.test_voice)
        row.addWidget(self.check_audit)
        row.addStretch(1)
        row.addWidget(self.sign_out)
        self.layout_.addLayout(row)
        # results that come together (six devices' self-tests, a burst of health changes) are shown by one refresh
        # once they are in: a refresh each held the GUI thread 25 ms, six in a row 120-220 ms (maintenance-monkey,
        # seeds 20-22, "Run self-tests": the results' posted events ran back to back, no timer between them)
        self._refresh_soon = QTimer(self, singleShot=True, interval=0, timeout=self.refresh)
        bridge.health_changed.connect(lambda _h: self._refresh_soon.start())

    def refresh(self, _session=None) -> None:
        self.title.setText(_("Devices"))
        self.table.setHorizontalHeaderLabels([_("Device"), _("State"), _("Reason"), _("Self-test"), _("Counters")])
        self.self_test.setText(_("Run self-tests"))
        self.test_print.setText(_("Test receipt print"))
        self.test_a4.setText(_("Test A4 print"))
        self.test_voice.setText(_("Test voice"))
        self.check_audit.setText(_("Check the audit trail"))
        self.sign_out.setText(_("Sign out"))
        self.more.setText(_("Diagnostics"))
        self.notice.show_notice(self.notice.shown)  # in the language now shown (it stayed in the last one)
        if self._audit_result is not None:
            self.audit_line.setText(report_text(*self._audit_result).render())
        if self.voice is not None:
            self.voice_line.setText(_("Voice guidance volume: {volume} % (voice.volume in the site file)").format(
                volume=self.voice.volume))
        refused = self._config_refused()
        self.config_line.setText(_("The backend's last configuration was refused and not applied: {reason}").format(
            reason=refused) if refused else "")
        self.config_line.setVisible(bool(refused))
        for row, device in enumerate(self._devices):
            health: Health = device.health.snapshot()
            result = self._results.get(device.name)
            cells = [device_label(device), health.state.label.render(), health.reason.render() if health.reason else "",
                     self_test_text(result) if result else "", counters_text(health.counters)]
            for col, value in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(value))
        # the counters' column only while some device counts something: empty, its header's width was taken from
        # the self-tests' wrapped lines
        self.table.setColumnHidden(4, not any(self.table.item(r, 4).text() for r in range(self.table.rowCount())))
        self._fit_reason_column()
        self._fit_table()
        # read on the task pool; only the last refresh's reading is shown (an earlier one may come back later, and
        # may have read the restarts' record before its last entry was written)
        self._reading += 1
        reading = self._reading

        def latest(show: Callable) -> Callable:
            return lambda value: show(value) if reading == self._reading else None

        if self._queue_status is not None:
            self._tasks.run(self._queue_status, latest(self._show_queue),
                            latest(lambda exc: self.queue_line.setText(user_message(exc).render())))
        self._show_restarts(self._restarts_seen)  # in the language now shown, until the file is read again
        if self._restarts is not None:
            self._tasks.run(self._restarts, latest(self._show_restarts),
                            latest(lambda exc: self.restart_line.setText(user_message(exc).render())))

    def _show_restarts(self, restarts: list[Restart]) -> None:
        self._restarts_seen = restarts
        line = restarts_text(restarts, time.time())
        self.restart_line.setText(line)
        self.restart_line.setVisible(bool(line))

    def _fit_reason_column(self) -> None:
        """The width the reason's and the self-test's columns share, split where their wrapped rows are least tall
        together: stretched alike, one short reason left the self-tests' lines wrapped to four and five, and the
        sixth device scrolled out of sight at 1280x800; empty, the reason takes no more than its header."""
        table, header = self.table, self.table.horizontalHeader()
        reasons = [table.item(r, 2).text() if table.item(r, 2) else "" for r in range(table.rowCount())]
        if not any(reasons):
            header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
            return
        tests = [table.item(r, 3).text() if table.item(r, 3) else "" for r in range(table.rowCount())]
        shared = table.viewport().width() - sum(header.sectionSize(c) for c in range(self.COLUMNS)
                                                if c not in WRAPPED_COLUMNS and not table.isColumnHidden(c))
        metrics = table.fontMetrics()
        # a cell's margins, as the delegate's size hint counts them, and a few pixels more: the split chosen at the
        # edge of a wrap in this model wrapped one more line on the screen
        padding = table.sizeHintForColumn(2) - max(metrics.horizontalAdvance(r) for r in reasons) + SPLIT_SLACK_PX
        floor = min(table.sizeHintForColumn(2), max(header.sectionSizeHint(2), shared // 5))

        def height(width: int) -> int:  # the two columns' rows, each as tall as its taller cell
            return sum(max(_wrapped_height(metrics, reason, width - padding),
                           _wrapped_height(metrics, test, shared - width - padding))
                       for reason, test in zip(reasons, tests))

        def best(widths) -> int:
            return min(widths, key=lambda w: (height(w), -w))  # of equal heights, the reason wrapped least

        # coarse steps, then 4 px ones around the best: at 1280x800 after the self-tests, a median 4.6 ms (Chinese)
        # and 7.8 ms (English) of the GUI thread a call, where every 8 px across took 6.4 and 9.8 ms
        top = max(floor, min(table.sizeHintForColumn(2), shared - floor))
        coarse = best(range(floor, top + 1, 32))
        width = best(range(max(floor, coarse - 28), min(top, coarse + 28) + 1, 4))
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(2, max(1, width))

    def _show_queue(self, status: dict) -> None:
        counts = status["counts"]
        lines = [text("Offline queue: waiting {pending}, refused {dead}, damaged {quarantined}, "
                      "held for staff {held}", pending=counts["pending"], dead=counts["dead"],
                      quarantined=counts["quarantined"], held=counts["held"]).render()]
        for item in status.get("for_staff", []):  # the citizen may come back with this number: staff know why
            lines.append(text("{number}: refused by the backend ({reason})", number=item["provisional_number"] or "-",
                              reason=item["reason"]).render() if item["state"] == "dead" else
                         text("{number}: held for staff ({reason})", number=item["provisional_number"] or "-",
                              reason=item["reason"]).render())
        if status.get("recovered_from"):
            lines.append(text("A damaged queue database was moved aside to {path}. Take its items back with: "
                              "kiosk queue import {path}", path=status["recovered_from"]).render())
        lines += [line.render() for line in report_lines(status.get("retention"))]  # kiosk/retention.py's last pass
        self.queue_line.setText("\n".join(lines))
        self._fit_queue_area()

    def _fit_queue_area(self) -> None:
        """The queue's lines in sight up to QUEUE_LINES_MAX_PX before they scroll: laid out by its minimum alone, the
        area was squeezed to a line and a half under the device table's empty rows (the demo's picture 136)."""
        width = self.queue_area.viewport().width() - self.queue_area.verticalScrollBar().sizeHint().width()
        need = self.queue_line.heightForWidth(max(width, 1))
        self.queue_area.setMinimumHeight(min(need, QUEUE_LINES_MAX_PX))
        self.queue_area.setMaximumHeight(max(need, 1))  # room left over goes to it, never more than its lines

    def _fit_table(self) -> None:
        """The device table as tall as its rows and no taller: stretched, its empty rows took the room while the
        queue's lines below were cut (1920x1080); it scrolls only where the screen cannot hold them all."""
        table = self.table
        table.resizeRowsToContents()
        rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
        table.setMaximumHeight(table.horizontalHeader().height() + rows + 2 * table.frameWidth())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_reason_column()  # its share of the new width
        self._fit_table()  # narrower, the rows wrap more
        self._fit_queue_area()

    def run_audit_check(self) -> None:
        """Check the audit chain against its seal and the backend's acknowledged head (on unlock, and on demand)."""
        if self._audit_check is None:
            return
        self.audit_line.setText(_("Checking the audit trail..."))
        self._tasks.run(self._audit_check, self._audit_checked,
                        lambda exc: self.audit_line.setText(user_message(exc).render()))

    def _audit_checked(self, result: tuple[ChainReport, Head, bool]) -> None:
        self._audit_result = result
        self.record("audit_check", f"{result[0].entries} entries, {'intact' if result[0].ok else 'broken'}")
        self.audit_line.setText(report_text(*result).render())

    def run_self_tests(self) -> None:
        self.record("self_tests", ", ".join(device.name for device in self._devices))
        for device in self._devices:
            self._tasks.run(device.self_test, self._self_tested,
                                     lambda exc, name=device.name: self._self_test_failed(name, exc))

    def _self_tested(self, result: SelfTestResult) -> None:
        self._results[result.device] = result
        self._refresh_soon.start()

    def _self_test_failed(self, name: str, exc: BaseException) -> None:
        self._results[name] = SelfTestResult(name, False, user_message(exc))
        self._refresh_soon.start()

    def run_test_print(self) -> None:
        printer = self._receipt_printer
        page = printer.test_page() if hasattr(printer, "test_page") else None
        if page is None:
            return
        self.record("test_print", printer.name)
        self._tasks.run(lambda: printer.print_receipt(page),
                        lambda _r: self.notice.show_notice(Notice(text("Test page printed."), error=False)),
                        lambda exc: self.notice.show_notice(Notice(user_message(exc))))

    def run_test_a4(self) -> None:
        """A test page on the A4 printer, made and printed on the task pool; said once it printed (or why not)."""
        printer, terminal_id = self._document_printer, self._terminal_id
        if printer is None:
            return
        self.record("test_print_a4", printer.name)

        def print_page() -> str:
            from kiosk import a4_test_page

            return printer.print_pdf(a4_test_page.page(terminal_id, datetime.now()), "test-page")

        self._tasks.run(print_page,
                        lambda _job: self.notice.show_notice(Notice(text("A4 test page printed."), error=False)),
                        lambda exc: self.notice.show_notice(Notice(user_message(exc))))

    def run_test_voice(self) -> None:
        """A sentence of voice guidance at the configured volume, to set the speakers by (silent without an engine)."""
        if self.voice is not None:
            self.record("voice_test", f"volume {self.voice.volume}")
            self.voice.say("maintenance", _("This is voice guidance at this terminal's volume."))


class MaintenanceView(QStackedWidget):
    """Staff sign-in (or the break-glass PIN's keypad), then the device status, until signed out."""

    @property
    def voice(self) -> "VoiceGuide | None":
        """The voice staff test ("Test voice"), warmed up before the terminal's long-lived objects are frozen."""
        return self.status.voice

    def __init__(self, access: MaintenanceAccess, status: StatusScreen,
                 diagnostics: DiagnosticsScreen | None = None, idle_s: float = 180.0, warning_s: float = 30.0) -> None:
        """``idle_s``, ``warning_s``: staff left without a touch this long are warned, then signed out
        (``terminal.maintenance_idle_*``; ui/staff_idle.py)."""
        super().__init__()
        self.access = access
        self.sign_in = SignInScreen(access, N_("Maintenance sign-in"))
        self.sign_in.compact()
        self.sign_in.fields_in_one_row()  # with the keyboard under them, the screen fits 1280x800
        self.use_pin = button("", lambda: self._show(self.pin))
        self.use_pin.setVisible(access.break_glass.configured)
        self.sign_in.buttons.addWidget(self.use_pin)  # beside "sign in"
        # a kiosk in maintenance has no keyboard at hand: the touch keyboard types into the field touched last
        self.keyboard = TouchKeyboard()
        self.keyboard.set_kind(Keyboard.LATIN)
        self.keyboard.attach(self.sign_in.staff_id)
        self._watch = FocusWatch(self.keyboard.attach)
        for field in (self.sign_in.staff_id, self.sign_in.password):
            field.installEventFilter(self._watch)
        self.sign_in.layout_.insertWidget(self.sign_in.layout_.count() - 1, self.keyboard)
        self.pin = PinScreen(access, lambda: self._show(self.sign_in))
        self.status = status
        status.sign_out.clicked.connect(access.sign_out)
        self.diagnostics = diagnostics
        screens: list[Screen] = [self.sign_in, self.pin, status]
        if diagnostics is not None:
            status.more.setVisible(True)
            status.more.clicked.connect(self.show_diagnostics)
            screens.append(diagnostics)
        for screen in screens:
            self.addWidget(screen)
        access.subscribe(lambda _a: self.show_step())
        self.idle = StaffIdle(self, access, idle_s, warning_s)  # after show_step's subscription: it raises its band
        self._show(self.sign_in)

    def _show(self, screen: Screen) -> None:
        if screen is not self.currentWidget():  # what was typed on the page left is not kept for the next person
            if screen is self.pin:
                self.sign_in.password.clear()
            elif screen is self.sign_in:
                self.pin.entry.clear()
        screen.refresh()
        self.use_pin.setText(_("Break-glass PIN"))
        self.setCurrentWidget(screen)

    def show_diagnostics(self) -> None:
        """The network, the log's newest warnings and errors, the configuration; audited as looked at."""
        if self.diagnostics is None or not self.access.unlocked:
            return
        self.access.record("diagnostics")
        self._show(self.diagnostics)

    def back_to_devices(self) -> None:
        self._show(self.status)

    def show_step(self) -> None:
        if self.access.unlocked:
            if self.currentWidget() not in (self.status, self.diagnostics):
                self.unlock()
        elif self.currentWidget() in (self.status, self.diagnostics):
            self._clear_fields()
            self._show(self.sign_in)
        else:
            self._show(self.currentWidget())

    def _clear_fields(self) -> None:
        for field in (self.sign_in.staff_id, self.sign_in.password, self.pin.entry):
            field.clear()

    def unlock(self) -> None:
        self._clear_fields()  # unlocked by the PIN, a password half typed on the sign-in stayed for the next person
        self.status.notice.show_notice(None)  # the last staff member's test print is not this one's
        self.status.refresh()
        self.status.run_audit_check()
        self.setCurrentWidget(self.status)

    def retranslate(self) -> None:
        self.keyboard.retranslate()
        self._show(self.currentWidget())
        self.idle.retranslate()
