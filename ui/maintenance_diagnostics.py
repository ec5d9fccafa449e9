"""Maintenance's second page: the network, the hall's terminals, the log's newest warnings and errors, and the
configuration in effect (kiosk/diagnostics.py composes them; the hall's terminals and the log are read on the task
pool)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from common.domain import HallTerminal
from common.i18n import Text, _, text
from kiosk.config import DEFAULTS_SOURCE, Config
from kiosk.diagnostics import (TAIL_BYTES, BackendContact, LogEntry, clock_text, disk_text, hall_terminal_text, id_text,
                               names_text, network_text, newest_log_entries, settings_in_effect)
from kiosk.tasks import TaskRunner
from kiosk.workflows.citizen import user_message
from ui.widgets import Screen, button, enable_swipe, label


_NOT_READ = object()  # the hall's terminals, before the backend's answer


def _left(name: str = "") -> QLabel:
    widget = label(name, align=Qt.AlignmentFlag.AlignLeft)
    widget.setWordWrap(True)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return widget


class DiagnosticsScreen(Screen):
    def __init__(self, contact: Callable[[], BackendContact], log_file: Path, config: Config, tasks: TaskRunner,
                 back: Callable[[], None],
                 hall_terminals: Callable[[], list[HallTerminal] | None] | None = None,
                 config_in_effect: Callable[[], Config] | None = None) -> None:
        """``config``: the configuration the terminal started with; ``config_in_effect``: the heartbeat's, with
        the backend's keys applied since (without it, the one it started with)."""
        super().__init__()
        self.compact()
        self._contact = contact  # Heartbeat.contact: read from memory, no network call
        self._hall_terminals = hall_terminals  # MaintenanceAccess.hall_terminals: a backend call, on the task pool
        self._asking = False  # the hall's terminals asked and not answered yet: "Read again" does not ask twice
        self._log_file = log_file
        self._config = config
        self._config_in_effect = config_in_effect or (lambda: config)
        self._tasks = tasks
        self._entries: list[LogEntry] | None = None  # the log's newest warnings and errors, once read
        self.title = label("title")
        self.network_heading = _left("section")
        self.network_line = _left()
        self.hall_heading = _left("section")
        self.hall_lines = _left()
        self.log_heading = _left("section")
        self.log_lines = _left()
        self.config_heading = _left("section")
        self.config_lines = _left()
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (self.network_heading, self.network_line, self.hall_heading, self.hall_lines, self.log_heading,
                       self.log_lines, self.config_heading, self.config_lines):
            column.addWidget(widget)
        column.addStretch(1)
        self.area = QScrollArea()
        self.area.setWidget(body)
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        enable_swipe(self.area)
        self.read_again = button("", self.refresh)
        self.back = button("primary", back)
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.area, 1)
        row = QHBoxLayout()
        row.addWidget(self.read_again)
        row.addStretch(1)
        row.addWidget(self.back)
        self.layout_.addLayout(row)

    def refresh(self, _session=None) -> None:
        self.title.setText(_("Diagnostics: network, terminals, log, configuration"))
        self.read_again.setText(_("Read again"))
        self.back.setText(_("Back to devices"))
        self.network_heading.setText(_("Network"))
        contact = self._contact()
        clock = clock_text(contact)  # a clock far from the backend's prints wrong times on every paper
        said = (network_text(contact), names_text(contact), clock, id_text(contact), disk_text(contact))
        self.network_line.setText("\n".join(t.render() for t in said if t is not None))
        self.hall_heading.setVisible(self._hall_terminals is not None)
        self.hall_lines.setVisible(self._hall_terminals is not None)
        if self._hall_terminals is not None:
            self.hall_heading.setText(_("This hall's terminals"))
            self._show_terminals(_NOT_READ)
            if not self._asking:  # taps while the backend is slow would each hold a worker of the pool
                self._asking = True
                self._tasks.run(self._hall_terminals, self._terminals_answered, self._terminals_answered)
        self.log_heading.setText(_("Newest warnings and errors in {file}").format(file=self._log_file.name))
        self._show_log(self._entries)
        self._tasks.run(lambda: newest_log_entries(self._log_file), self._show_log,
                        lambda exc: self.log_lines.setText(user_message(exc).render()))
        source = self._config.source
        self.config_heading.setText(_("Configuration from {source}; set otherwise than the defaults:").format(
            source=_("the built-in defaults") if source == DEFAULTS_SOURCE else source))
        shown = settings_in_effect(self._config_in_effect(), self._config)
        remote = _("set by the backend since this terminal started")
        self.config_lines.setText("\n".join(f"{key} = {value.render() if isinstance(value, Text) else value}"
                                            + (f" ({remote})" if by_backend else "")
                                            for key, value, by_backend in shown) or _("Everything at its default."))

    def _show_log(self, entries: list[LogEntry] | None) -> None:
        self._entries = entries
        if entries is None:
            self.log_lines.setText(_("Reading the log..."))
        elif not entries:
            self.log_lines.setText(text("No warnings or errors in the log's newest {kb} KB.",
                                        kb=TAIL_BYTES // 1024).render())
        else:
            self.log_lines.setText("\n".join(entry.line() for entry in entries))

    def _terminals_answered(self, found: list[HallTerminal] | None | BaseException) -> None:
        self._asking = False
        self._show_terminals(found)

    def _show_terminals(self, found: list[HallTerminal] | None | BaseException | object) -> None:
        """The list, or why there is none: not read yet, nobody signed in online, the backend's failure."""
        if found is _NOT_READ:
            shown = _("Asking the backend...")
        elif found is None:
            shown = _("Sign in with your staff id while the backend answers to see this hall's terminals.")
        elif isinstance(found, BaseException):
            shown = user_message(found).render()
        elif not found:
            shown = _("No terminal of this hall is enrolled.")
        else:
            interval = self._config.backend.heartbeat_interval_s
            shown = "\n".join(hall_terminal_text(t, interval).render() for t in found)
        self.hall_lines.setText(shown)
