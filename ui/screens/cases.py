"""The identified citizen's applications, newest first: tap one for its progress."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from common.i18n import _, language
from kiosk.workflows.citizen import STATUS_LABELS, CitizenSession, case_key
from ui.widgets import NoticeLabel, Screen, button, clear_layout, column_host, label, scroll_area


class MyCasesScreen(Screen):
    def __init__(self, session: CitizenSession) -> None:
        super().__init__()
        self._session = session
        self.title = label("title")
        self.notice = NoticeLabel()
        self.host, self.column = column_host()
        self.column.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.back = button("", session.back)
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.notice)
        self.layout_.addWidget(scroll_area(self.host), 1)
        self.layout_.addWidget(self.back, alignment=Qt.AlignmentFlag.AlignLeft)
        self.buttons: dict[str, QPushButton] = {}

    def forget(self) -> None:
        super().forget()
        clear_layout(self.column)
        self.buttons = {}

    def refresh(self, session: CitizenSession) -> None:
        lang = language()
        self.title.setText(_("My applications"))
        self.notice.show_notice(session.notice)
        self.back.setText(_("Back"))
        clear_layout(self.column)
        self.buttons = {}
        for case in session.my_cases:
            number = case_key(case)
            submitted = str(case.get("submitted_at", ""))[:10]
            widget = button("service", lambda _c=False, n=number: self._session.open_case(n))
            if case.get("refused") is not None:  # saved offline, refused on arrival: which, why, a tap away
                # "Returned", as the backend says it (退回), not 不予受理: that is a window's formal decision
                refusal, refused = case["refused"], _("Returned")
                said = (refusal.service_name(lang), refusal.message(lang), f"{number} · {submitted} · {refused}")
                widget.setText("\n".join(part for part in said if part))
            else:
                name = case.get("service_name_en" if lang == "en" else "service_name_zh", "")
                status = _(STATUS_LABELS[case["status"]]) if case.get("status") in STATUS_LABELS else ""
                due = _("Fee not paid yet") if session.fee_due(case) else ""  # paid from its progress
                widget.setText(" · ".join(part for part in (f"{name}\n{number}", submitted, status, due) if part))
            self.column.addWidget(widget)
            self.buttons[number] = widget
