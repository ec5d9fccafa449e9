"""The service's form on the kiosk: one row per field, its message next to it, the touch keyboard below.

The fields come from the catalogue (common.domain.FormField); their checks and keyboards from
kiosk/forms.py, the one place those rules live. The values live in the session; this screen shows
them and passes every keystroke on.
"""

from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QPushButton, QWidget

from common.domain import FieldType, FormField, ServiceItem
from common.i18n import _, language
from kiosk import forms
from kiosk.workflows.citizen import CitizenSession, Step
from ui.keyboard import TouchKeyboard
from ui.keys_give_way import KeysGiveWay, field_room
from ui.screens.application import applicant_text
from ui.widgets import (FocusWatch, NoticeLabel, Screen, button, clear_layout, column_host, field_edit, keyboard_row,
                        label, scroll_area, title_with_notice)

# A value this long is complete: its message shows while typing, not only when the field is left.
_COMPLETE_AT = {FieldType.PHONE: 11, FieldType.ID_NUMBER: 18, FieldType.CREDIT_CODE: 18, FieldType.DATE: 8}


@dataclass
class FieldRow:
    field: FormField
    caption: QLabel
    message: QLabel
    edit: QLineEdit | None = None
    choices: dict[str, QPushButton] = dataclass_field(default_factory=dict)


class FormScreen(Screen):
    def __init__(self, session: CitizenSession) -> None:
        super().__init__()
        self._session = session
        self.title, self.applicant = label("title"), label("subtitle")
        self.host, self.column = column_host(spacing=6)
        self.scroll = scroll_area(self.host)
        self.notice = NoticeLabel()
        self.keyboard = TouchKeyboard()
        self.back = button("", session.back)
        self.next = button("primary", session.submit_form)
        self.compact()
        self.applicant.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        heading = title_with_notice(self.title, self.notice, self.applicant)
        keys = keyboard_row(self.back, self.keyboard, self.next)
        self.layout_.addLayout(heading)
        self.layout_.addWidget(self.scroll, 1)
        self.layout_.addLayout(keys)
        # a long notice beside the title (a backend's refusal of the answers, in its own words) and the keys stacked
        # over Back and Continue pushed them off the screen in large English: the keys give way until a field is
        # touched (ui/keys_give_way.py)
        self.keys_give_way = KeysGiveWay(self, heading, keys, self._field_room)
        self.rows: dict[str, FieldRow] = {}
        self._left: set[str] = set()
        self._watch = FocusWatch(self.focused, self.left)  # a field left once shows its message
        self._built_for: tuple[int, int, ServiceItem | None, str] | None = None

    # -- building -------------------------------------------------------------------------------

    def _build(self, session: CitizenSession, lang: str) -> None:
        clear_layout(self.column)
        self.rows, self._left = {}, set()
        self.keyboard.attach(None)
        service = session.service
        for f in service.form if service is not None else ():
            caption = label("", align=Qt.AlignmentFlag.AlignLeft)
            caption.setText(f.label(lang) + ("　*" if f.required else ""))
            message = label("fieldError", align=Qt.AlignmentFlag.AlignLeft)
            message.hide()
            row = FieldRow(f, caption, message)
            self.column.addWidget(caption)
            if f.type is FieldType.CHOICE:
                host = QWidget()
                grid = QGridLayout(host)
                grid.setContentsMargins(0, 0, 0, 0)
                for i, choice in enumerate(f.choices):
                    widget = button("choice", lambda _c=False, name=f.name, v=choice.value: self._chose(name, v))
                    widget.setCheckable(True)
                    widget.setText(choice.label(lang))
                    grid.addWidget(widget, i // 3, i % 3)
                    row.choices[choice.value] = widget
                self.column.addWidget(host)
            else:
                edit = field_edit("field")
                edit.setMaxLength(min(f.max_length or forms.MAX_VALUE, forms.MAX_VALUE))
                edit.setText(session.form_values.get(f.name, ""))
                hint = forms.example(f, touch=True)
                edit.setPlaceholderText(hint.render() if hint else "")
                edit.installEventFilter(self._watch)
                self.keys_give_way.watch(edit)
                edit.textChanged.connect(lambda value, name=f.name: self._typed(name, value))
                row.edit = edit
                caption.setBuddy(edit)  # kept in sight with its field (FocusKeepingScrollArea), and named for it
                self.column.addWidget(edit)
            self.column.addWidget(message)
            self.rows[f.name] = row
        self.column.addStretch(1)
        first = next((r.edit for r in self.rows.values() if r.edit is not None and not r.edit.text()), None)
        first = first or next((r.edit for r in self.rows.values() if r.edit is not None), None)
        if first is not None:
            first.setFocus()
            self.focused(first)
        else:
            self.keyboard.set_kind(forms.Keyboard.NONE)
        self.scroll.verticalScrollBar().setValue(0)

    # -- typing ---------------------------------------------------------------------------------

    def _field_room(self, width: int) -> int:
        """The least room of the fields: the field being typed in (or the first) with its caption."""
        rows = [r for r in self.rows.values() if r.edit is not None]
        row = next((r for r in rows if r.edit is self.keyboard.target), None) or next(iter(rows), None)
        return field_room(row.caption, row.edit, width, self.column.spacing()) if row is not None else 0

    def _row_of(self, edit: QObject) -> FieldRow | None:
        return next((r for r in self.rows.values() if r.edit is edit), None)

    def focused(self, edit: QObject) -> None:
        row = self._row_of(edit)
        if row is not None:
            self.keyboard.set_kind(forms.keyboard_for(row.field))
            self.keyboard.attach(row.edit)
            self.scroll.ensureWidgetVisible(row.message)
            self.scroll.ensureWidgetVisible(row.caption)
            self.scroll.keep_in_sight(row.edit)  # the field itself wins where the three do not fit (large text)

    def left(self, edit: QObject) -> None:
        row = self._row_of(edit)
        if row is not None and row.edit.text():
            self._left.add(row.field.name)
            self._show(row)

    def _typed(self, name: str, value: str) -> None:
        self._session.set_form_value(name, value)
        self._show(self.rows[name])

    def _chose(self, name: str, value: str) -> None:
        self._session.set_form_value(name, value)
        row = self.rows[name]
        for choice, widget in row.choices.items():
            widget.setChecked(choice == value)
        self._left.add(name)
        self._show(row)

    def _show(self, row: FieldRow) -> None:
        """The field's message: once it was left, Continue was pressed, or the value is long enough to judge."""
        value = self._session.form_values.get(row.field.name, "")
        complete = len(forms.normalise(row.field, value)) >= _COMPLETE_AT.get(row.field.type, 10 ** 6)
        message = self._session.form_messages().get(row.field.name)  # the backend's refusal of it included
        judged = self._session.form_checked or row.field.name in self._left or complete
        visible = message is not None and judged
        row.message.setText(message.render() if visible else "")
        row.message.setVisible(visible)

    def forget(self) -> None:
        """The fields and what was typed into them go with the session, and the line saying whom the application
        was for (an agent's principal's masked name)."""
        super().forget()
        self.title.clear()
        self.applicant.clear()
        clear_layout(self.column)
        self.rows, self._left, self._built_for = {}, set(), None
        self.keyboard.attach(None)

    # -- refresh --------------------------------------------------------------------------------

    def refresh(self, session: CitizenSession) -> None:
        lang = language()
        # the service compared by value: the same application's service fetched again with fields added
        built_for = (session.generation, id(session.application), session.service, lang)
        if built_for != self._built_for and session.step is Step.FORM:
            self._build(session, lang)
            self._built_for = built_for
        service = session.service
        self.title.setText(service.name(lang) if service else "")
        self.applicant.setText(applicant_text(session))
        for row in self.rows.values():
            for value, widget in row.choices.items():
                widget.setChecked(session.form_values.get(row.field.name) == value)
            self._show(row)
        self.notice.show_notice(session.notice)
        self.keys_give_way.fit()
        self.keyboard.retranslate()
        self.back.setText(_("Back"))
        self.next.setText(_("Continue"))
        if session.step is Step.FORM and session.form_checked:
            self._to_first_wrong(session)

    def _to_first_wrong(self, session: CitizenSession) -> None:
        """Continue refused, or the backend refused answers: the first field in red takes the keys and comes into
        sight, unless the citizen is typing in a field in red already (an older citizen looked for the red one
        below the fold)."""
        wrong = session.form_messages()
        rows = [row for name, row in self.rows.items() if name in wrong and row.edit is not None]
        if not rows or any(row.edit is self.keyboard.target for row in rows):
            return
        rows[0].edit.setFocus()
        self.focused(rows[0].edit)
