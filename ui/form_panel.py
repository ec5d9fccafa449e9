"""The window's application form: the service's fields, typed by the clerk on the desk's keyboard, each field's message
next to it. It takes the materials' place in the window while it is open (ui/window_view.py), so the window needs no
more room. The values live in the desk, checked there by the kiosk's rules (kiosk/workflows/clerk_form.py); this panel
shows them and passes every change on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QWidget

from common.domain import FieldType, FormField, ServiceItem
from common.i18n import _, language
from kiosk import forms
from kiosk.workflows.clerk import ClerkDesk, Desk
from ui.widgets import ComboBox, LineEdit, clear_layout, label, scroll_area


@dataclass
class PanelRow:
    field: FormField
    caption: QLabel
    message: QLabel
    edit: QLineEdit | None = None
    choice: QComboBox | None = None


class FormPanel(QWidget):
    def __init__(self, desk: ClerkDesk, edited: Callable[[], None] = lambda: None) -> None:
        super().__init__()
        self._desk = desk
        self._edited = edited  # after each change: the window's count of fields left (not a whole redraw)
        self.host = QWidget()
        self.grid = QGridLayout(self.host)
        self.grid.setContentsMargins(0, 0, 16, 0)
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(2)
        self.scroll = scroll_area(self.host)
        outer = QGridLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)
        self.rows: dict[str, PanelRow] = {}
        self._left: set[str] = set()  # fields the clerk finished with: their message shows
        self._built_for: tuple[int, ServiceItem | None, str] | None = None
        self.setVisible(False)

    def _build(self, desk: ClerkDesk, lang: str) -> None:
        clear_layout(self.grid)
        for r in range(self.grid.rowCount()):
            self.grid.setRowStretch(r, 0)
        self.rows, self._left = {}, set()
        for i, f in enumerate(desk.service.form if desk.service is not None else ()):
            caption = label("", align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            caption.setText(f.label(lang) + (" *" if f.required else ""))
            message = label("fieldError", align=Qt.AlignmentFlag.AlignLeft)
            message.hide()
            row = PanelRow(f, caption, message)
            if f.type is FieldType.CHOICE:
                row.choice = ComboBox()
                row.choice.addItem(_("Choose..."), "")
                for choice in f.choices:
                    row.choice.addItem(choice.label(lang), choice.value)
                row.choice.activated.connect(lambda _i, name=f.name, box=row.choice: self._chose(name, box))
                editor: QWidget = row.choice
            else:
                row.edit = LineEdit()
                row.edit.setMaxLength(min(f.max_length or forms.MAX_VALUE, forms.MAX_VALUE))
                hint = forms.example(f, touch=False)
                row.edit.setPlaceholderText(hint.render() if hint else "")
                row.edit.textEdited.connect(lambda value, name=f.name: self._typed(name, value))
                row.edit.editingFinished.connect(lambda name=f.name: self._finished(name))
                editor = row.edit
            caption.setBuddy(editor)
            self.grid.addWidget(caption, 2 * i, 0)
            self.grid.addWidget(editor, 2 * i, 1)
            self.grid.addWidget(message, 2 * i + 1, 1)
            self.rows[f.name] = row
        self.grid.setColumnStretch(1, 1)
        self.grid.setRowStretch(2 * len(self.rows), 1)

    def _typed(self, name: str, value: str) -> None:
        self._desk.set_form_value(name, value)
        self._show(self.rows[name])
        self._edited()

    def _chose(self, name: str, box: QComboBox) -> None:
        self._left.add(name)
        self._desk.set_form_value(name, box.currentData() or "")
        self._show(self.rows[name])
        self._edited()

    def _finished(self, name: str) -> None:
        self._left.add(name)
        self._show(self.rows[name])

    def first_wrong(self) -> QWidget | None:
        """The first field whose message shows: where the clerk goes on."""
        wrong = self._desk.form_messages()
        row = next((r for name, r in self.rows.items() if name in wrong), None)
        return None if row is None else (row.edit or row.choice)

    def show_desk(self, desk: ClerkDesk) -> None:
        lang = language()
        # the service compared by value: fetched again with fields added, the panel is built again
        built_for = (id(desk.identity), desk.service, lang)
        if built_for != self._built_for:
            self._build(desk, lang)
            self._built_for = built_for
        for name, row in self.rows.items():
            value = desk.form_values.get(name, "")
            if row.edit is not None and row.edit.text() != value:
                with QSignalBlocker(row.edit):
                    row.edit.setText(value)
            if row.choice is not None:
                with QSignalBlocker(row.choice):
                    row.choice.setCurrentIndex(max(0, row.choice.findData(value)))
            editable = desk.step is Desk.CHECKING and not desk.busy
            (row.edit or row.choice).setEnabled(editable)
            self._show(row)

    def _show(self, row: PanelRow) -> None:
        """A field's message, once the clerk left the field or a decision was asked with the form not complete."""
        message = self._desk.form_messages().get(row.field.name)  # the backend's refusal of it included
        visible = message is not None and (self._desk.form_checked or row.field.name in self._left)
        row.message.setText(message.render() if visible else "")
        row.message.setVisible(visible)

    def forget(self) -> None:
        """What was typed goes with the applicant."""
        clear_layout(self.grid)
        self.rows, self._left, self._built_for = {}, set(), None
