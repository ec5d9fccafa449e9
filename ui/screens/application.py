"""The kiosk's screens before the form: consent, the service's guide, who applies, the company, the principal."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from common.domain import ApplyAs, CompanyRole, ServiceItem
from common.i18n import N_, _, language, ngettext
from kiosk import forms
from kiosk.forms import Keyboard
from kiosk.materials import condition_text, notes_text, with_note
from kiosk.workflows.citizen import CitizenSession, Step
from ui.keyboard import TouchKeyboard
from ui.keys_give_way import KeysGiveWay, field_room
from ui.widgets import (FocusWatch, NoticeLabel, Screen, button, button_row, field_edit, keyboard_row,
                        label, neutral, scroll_area, title_with_notice)

_TOP_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop


def rich_paragraph(heading: str, body: str) -> str:
    """A bold heading over its text, both escaped, for a rich-text label."""
    return f"<p><b>{escape(heading)}</b><br>{escape(body)}</p>" if body else f"<p><b>{escape(heading)}</b></p>"


def fee_text(service: ServiceItem) -> str:
    """The fee in the citizen's language: the catalogue words it in Chinese, its amount says the rest."""
    if language() != "en":
        return service.fee or (_("Free") if not service.fee_yuan else f"¥{service.fee_yuan:g}")
    if not service.fee_yuan:
        free = _("Free")
        return free if service.fee in ("", "免费") else f"{free} ({service.fee})"
    return f"¥{service.fee_yuan:g} ({service.fee})" if service.fee else f"¥{service.fee_yuan:g}"


def days_text(days: int) -> str:
    if days == 0:
        return _("Done on the spot")
    return ngettext("Within {days} working day", "Within {days} working days", days).format(days=days)


def applicant_text(session: CitizenSession) -> str:
    """Whom the application is for, as the form and confirm screens say it."""
    application = session.application
    if application is None:
        return ""
    if application.apply_as is ApplyAs.COMPANY and application.company is not None:
        return _("For {company}").format(company=application.company.name(language()))
    if application.apply_as is ApplyAs.AGENT:
        return _("For {name}, as their agent").format(name=application.holder.masked_name)
    return _("For yourself")


class ConsentScreen(Screen):
    """What is read, why, and how long it is kept; agree or decline (PIPL), before any card is read."""

    def __init__(self, session: CitizenSession) -> None:
        super().__init__()
        self._spoken: list[str] = []
        self.title = label("title")
        self.card = QWidget()
        self.card.setObjectName("card")
        column = QVBoxLayout(self.card)
        column.setContentsMargins(32, 24, 32, 24)
        column.setSpacing(16)
        self.points = [label("", align=_TOP_LEFT) for _n in range(3)]
        for point in self.points:
            point.setTextFormat(Qt.TextFormat.RichText)
            column.addWidget(point)
        column.addStretch(1)
        self.notice = NoticeLabel()
        self.agree = button("primary", session.agree_consent)
        self.decline = button("", session.decline_consent)
        neutral(self.agree, self.decline)  # consent freely given: the screen does not lean toward agreeing
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(scroll_area(self.card), 1)
        self.layout_.addWidget(self.notice)
        self.layout_.addLayout(button_row(self.decline, self.agree))

    def refresh(self, session: CitizenSession) -> None:
        self.title.setText(_("Before we read your ID card"))
        points = (
            (_("What we read"), _("From your ID card or the government app: your name, sex, ethnicity, date of "
                                  "birth, address, ID number, the card's validity and its photo.")),
            (_("Why"), _("To confirm who you are and to fill in your application for you. Before we fetch your "
                         "electronic licences for a service, we ask you again.")),
            (_("How long it is kept"), _("This terminal keeps nothing once you finish or walk away. Your "
                                         "application and this consent are kept by the department that handles "
                                         "your case, for as long as the law on records requires.")),
        )
        for widget, (heading, body) in zip(self.points, points):
            widget.setText(rich_paragraph(heading, body))
        self._spoken = [self.title.text(), *(f"{heading}: {body}" for heading, body in points)]
        self.notice.show_notice(session.notice)
        self.agree.setText(_("I agree"))
        self.decline.setText(_("I do not agree"))

    def spoken_prompt(self) -> list[str]:
        """Voice guidance reads what the citizen agrees to, not only the title (ui/voice.py)."""
        return self._spoken


class GuideScreen(Screen):
    """The service's guide: what it is, who may apply, conditions, legal basis, fee, days, visits, materials."""

    def __init__(self, session: CitizenSession, queue_tickets: bool = False) -> None:
        super().__init__()
        # terminal.queue_tickets: a service this terminal cannot take offers a number for its queue at the windows
        # (kiosk/workflows/citizen_ticket.py), as the result after the one-time notice does
        self.queue_tickets = queue_tickets
        self.title = label("title")
        self.body = label("", align=_TOP_LEFT)
        self.body.setObjectName("guide")
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        host = QWidget()
        column = QVBoxLayout(host)
        column.setContentsMargins(0, 0, 16, 0)
        column.addWidget(self.body)
        column.addStretch(1)
        self.scroll = scroll_area(host)
        self.notice = NoticeLabel()
        self.apply = button("primary", session.start_application)
        self.back = button("", session.back)
        self.ticket = button("", session.take_queue_ticket)  # "Take a number" (kiosk/workflows/citizen_ticket.py)
        self.ticket.hide()
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.scroll, 1)
        self.layout_.addWidget(self.notice)
        row = button_row(self.back, self.apply)
        row.insertWidget(2, self.ticket)  # after the stretch, before the way forward
        self.layout_.addLayout(row)

    def refresh(self, session: CitizenSession) -> None:
        service, lang = session.service, language()
        self.notice.show_notice(session.notice)
        self.apply.setText(_("Apply"))
        self.back.setText(_("Back"))
        self.ticket.setText(_("Take a number for the service windows"))
        self.ticket.setVisible(self.queue_tickets and session.ticket_offered())
        self.ticket.setEnabled(not session.busy)
        if service is None:
            return
        self.title.setText(service.name(lang))
        who = [_("individuals") if t == "person" else _("companies and organisations") if t == "company" else t
               for t in service.applicant_types]
        if service.agent_allowed:
            who.append(_("an agent with a power of attorney"))
        elif "person" in service.applicant_types:
            who.append(_("not through an agent: the person concerned applies with their own ID card"))
        who_text = ("、" if lang != "en" else ", ").join(who)
        if service.statutory_days:
            limit = _("{promised}; the law allows {statutory}").format(
                promised=days_text(service.promised_days),
                statutory=ngettext("{days} working day", "{days} working days",
                                   service.statutory_days).format(days=service.statutory_days))
        else:
            limit = days_text(service.promised_days)
        visits = _("No visit needed") if service.visits == 0 else ngettext(
            "{count} visit", "{count} visits", service.visits).format(count=service.visits)
        rows = [
            (_("About"), service.description(lang)),
            (_("Who may apply"), who_text[:1].upper() + who_text[1:]),
            (_("Conditions"), service.conditions(lang)),
            (_("Legal basis"), service.legal_basis),
            (_("Fee"), fee_text(service)),
            (_("Time limit"), limit),
            (_("Visits to the hall"), visits),
        ]
        parts = [rich_paragraph(heading, value) for heading, value in rows if value]
        materials = []
        for m in service.materials:
            notes = [_("required") if m.required else _("if applicable")]
            if m.condition:
                notes.append(condition_text(m, lang))  # the language's half of "中文 / English"
            notes.append(ngettext("{count} page", "{count} pages", m.pages).format(count=m.pages))
            if m.e_licence_type:
                notes.append(_("electronic licence accepted"))
            materials.append(f"<li>{escape(with_note(m.name(lang), notes_text(notes, lang)))}</li>")
        if materials:
            heading = _("Materials")
            parts.append(rich_paragraph(heading, "") + f"<ul>{''.join(materials)}</ul>")
        self.body.setText("".join(parts))


class WhoScreen(Screen):
    """Who is applying: one large button per choice the service allows."""

    _CHOICES = ((ApplyAs.MYSELF, N_("Myself"), N_("I am the applicant")),
                (ApplyAs.COMPANY, N_("A company"), N_("As its legal representative or an authorised handler")),
                (ApplyAs.AGENT, N_("Another person"), N_("As their agent, with their signed power of attorney")))

    def __init__(self, session: CitizenSession) -> None:
        super().__init__()
        self.title, self.service = label("title"), label("subtitle")
        self.notice = NoticeLabel()
        self.options: dict[ApplyAs, QPushButton] = {}
        host = QWidget()
        column = QVBoxLayout(host)
        column.setContentsMargins(0, 0, 16, 0)
        column.setSpacing(16)
        for kind, _name, _hint in self._CHOICES:
            widget = button("service", lambda _c=False, k=kind: session.choose_applicant(k))
            self.options[kind] = widget
            column.addWidget(widget)
        column.addStretch(1)
        self.scroll = scroll_area(host)
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.service)
        self.layout_.addWidget(self.notice)
        self.layout_.addWidget(self.scroll, 1)
        self.back = button("", session.back)
        self.layout_.addWidget(self.back, alignment=Qt.AlignmentFlag.AlignLeft)

    def refresh(self, session: CitizenSession) -> None:
        self.title.setText(_("Who is applying?"))
        self.service.setText(session.service.name(language()) if session.service else "")
        self.notice.show_notice(session.notice)
        allowed = session.apply_options()
        for kind, name, hint in self._CHOICES:
            title, detail = _(name), _(hint)
            self.options[kind].setText(f"{title}\n{detail}")
            self.options[kind].setVisible(kind in allowed)
        self.back.setText(_("Back"))


class CompanyScreen(Screen):
    """The company's unified social credit code, typed on the keyboard or scanned from the licence."""

    def __init__(self, session: CitizenSession) -> None:
        super().__init__()
        self._session = session
        self.title, self.hint = label("title"), label("subtitle")
        self.code = field_edit("field")
        self.code.setMaxLength(18)
        self.code.textChanged.connect(self._typed)
        self.message = label("fieldError", align=Qt.AlignmentFlag.AlignLeft)
        self.look_up = button("", session.look_up_company)
        row = QHBoxLayout()
        row.addWidget(self.code, 1)
        row.addWidget(self.look_up)
        self.found = label("", align=Qt.AlignmentFlag.AlignLeft)
        self.found.setObjectName("card")
        self.found.setContentsMargins(16, 8, 16, 8)
        self.notice = NoticeLabel()
        self.keyboard = TouchKeyboard()
        self.back = button("", session.back)
        self.next = button("primary", session.company_continue)
        host = QWidget()
        column = QVBoxLayout(host)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.hint)
        column.addLayout(row)
        for widget in (self.message, self.found):
            column.addWidget(widget)
        column.addStretch(1)
        self.compact()
        self._keys = keyboard_row(self.back, self.keyboard, self.next)
        heading = title_with_notice(self.title, self.notice)
        self.layout_.addLayout(heading)
        self.layout_.addWidget(scroll_area(host), 1)
        self.layout_.addLayout(self._keys)
        # only now, inside the screen: a keyboard shown before it has a parent opens as a window of its
        # own, and takes the focus from the kiosk's window
        self.keyboard.set_kind(Keyboard.CREDIT_CODE)
        self.keyboard.attach(self.code)
        # the company found, the keyboard gives its room to it (in large English the part that scrolls was 60 px
        # high, the company's name out of sight under the code: the demo's screenshot), and so to a notice it does
        # not fit beside (ui/keys_give_way.py); a touch on the code brings the keys back
        self.keys_give_way = KeysGiveWay(self, heading, self._keys, lambda _width: row.sizeHint().height(),
                                         wanted=lambda: session.company is None,
                                         shown_for=lambda: (session.notice, session.company))
        self.keys_give_way.watch(self.code)

    def forget(self) -> None:
        super().forget()
        self.code.blockSignals(True)
        self.code.clear()
        self.code.blockSignals(False)
        self.found.clear()

    def _typed(self, typed: str) -> None:
        self._session.set_company_code(typed)
        self._show_message()
        self.found.hide()
        self.next.setEnabled(False)

    def _show_message(self) -> None:
        message = self._session.company_code_message()
        self.message.setText(message.render() if message else "")
        self.message.setVisible(message is not None)

    def refresh(self, session: CitizenSession) -> None:
        self.title.setText(_("Which company?"))
        self.hint.setText(_("Type its unified social credit code, or hold the QR code of the business licence "
                            "under the scanner."))
        if self.code.text() != session.company_code:
            self.code.blockSignals(True)
            self.code.setText(session.company_code)
            self.code.blockSignals(False)
        self.code.setPlaceholderText(_("18 characters, e.g. 91330106MA2H7Q3K8C"))
        self._show_message()
        self.look_up.setText(_("Looking up...") if session.busy else _("Look up"))
        self.look_up.setEnabled(not session.busy)
        company = session.company
        if company is not None:
            role = (_("legal representative") if company.applicant_role is CompanyRole.LEGAL_REPRESENTATIVE
                    else _("authorised handler"))
            self.found.setText(_("{company}\nYou apply as its {role}.").format(company=company.name(language()),
                                                                               role=role))
        self.found.setVisible(company is not None)
        self.notice.show_notice(session.notice)
        self.keys_give_way.fit()
        self.keyboard.retranslate()
        self.back.setText(_("Back"))
        self.next.setText(_("Continue"))
        self.next.setEnabled(company is not None and not session.busy)
        if session.step is Step.COMPANY:
            self.code.setFocus()


class PrincipalScreen(Screen):
    """The person an agent acts for: their ID number and name, as on their ID card."""

    def __init__(self, session: CitizenSession) -> None:
        super().__init__()
        self._session = session
        self._generation: int | None = None
        self.title, self.hint = label("title"), label("subtitle")
        self.id_caption = label("", align=Qt.AlignmentFlag.AlignLeft)
        self.id_number = field_edit("field")
        self.id_number.setMaxLength(18)
        self.id_message = label("fieldError", align=Qt.AlignmentFlag.AlignLeft)
        self.name_caption = label("", align=Qt.AlignmentFlag.AlignLeft)
        self.name = field_edit("field")
        self.name.setMaxLength(30)
        self.name_message = label("fieldError", align=Qt.AlignmentFlag.AlignLeft)
        self.id_caption.setBuddy(self.id_number)  # each caption kept in sight with its field as the keyboard grows
        self.name_caption.setBuddy(self.name)
        self.notice = NoticeLabel()
        self.keyboard = TouchKeyboard()
        self._watch = FocusWatch(self._focused)
        for edit in (self.id_number, self.name):
            edit.installEventFilter(self._watch)
            edit.textChanged.connect(self._show_messages)
            edit.textChanged.connect(self._edited)
        self.back = button("", session.back)
        self.next = button("primary", lambda: session.submit_principal(self.id_number.text(), self.name.text()))
        host = QWidget()
        column = QVBoxLayout(host)
        column.setContentsMargins(0, 0, 16, 0)
        column.setSpacing(6)
        for widget in (self.hint, self.id_caption, self.id_number, self.id_message, self.name_caption, self.name,
                       self.name_message):
            column.addWidget(widget)
        column.addStretch(1)
        self.scroll = scroll_area(host)
        self.compact()
        heading, keys = title_with_notice(self.title, self.notice), keyboard_row(self.back, self.keyboard, self.next)
        self.layout_.addLayout(heading)
        self.layout_.addWidget(self.scroll, 1)
        self.layout_.addLayout(keys)
        # in large English the register's "No person is registered..." beside the title and the ID number's keys
        # stacked over Back and Continue pushed them 7 px off the screen: the keys give way until a field is touched
        self.keys_give_way = KeysGiveWay(self, heading, keys, lambda width: field_room(
            self.id_caption, self.id_number, width, column.spacing()))
        for edit in (self.id_number, self.name):
            self.keys_give_way.watch(edit)

    def _focused(self, edit: QObject) -> None:
        field = forms.PRINCIPAL_ID_FIELD if edit is self.id_number else forms.PRINCIPAL_NAME_FIELD
        self.keyboard.set_kind(forms.keyboard_for(field))
        self.keyboard.attach(edit)
        self.scroll.keep_in_sight(edit)

    def _edited(self) -> None:
        """Typed again: the backend's notice beside the title goes, and gives its room back to the fields (in large
        English it left the fields about 50 px)."""
        self._session.principal_edited()
        self.notice.show_notice(self._session.notice)
        self.keys_give_way.fit()

    def _show_messages(self) -> None:
        problems = self._session.principal_messages(self.id_number.text(), self.name.text())
        for key, widget in (("id_number", self.id_message), ("name", self.name_message)):
            message = problems.get(key)
            widget.setText(message.render() if message else "")
            widget.setVisible(message is not None)

    def forget(self) -> None:
        super().forget()
        self.keyboard.attach(None)
        self.id_number.clear()
        self.name.clear()

    def refresh(self, session: CitizenSession) -> None:
        if self._generation != session.generation:  # a new citizen: nothing of the last one's typing stays
            self._generation = session.generation
            self.forget()
        self.title.setText(_("The person you act for"))
        self.hint.setText(_("Type their details exactly as on their ID card. Their signed power of attorney "
                            "is one of the materials."))
        lang = language()
        self.id_caption.setText(forms.PRINCIPAL_ID_FIELD.label(lang))
        self.name_caption.setText(forms.PRINCIPAL_NAME_FIELD.label(lang))
        if session.correcting_principal and session.principal is not None and not self.id_number.text() \
                and not self.name.text():  # the register refused these (a saved application's): shown to correct
            for edit, value in ((self.id_number, session.principal.id_number), (self.name, session.principal.name)):
                edit.blockSignals(True)  # not "typed again": the register's notice stays
                edit.setText(value)
                edit.blockSignals(False)
        self._show_messages()
        self.notice.show_notice(session.notice)
        self.keys_give_way.fit()
        self.keyboard.retranslate()
        self.back.setText(_("Back"))
        self.next.setText(_("Checking...") if session.busy else _("Continue"))
        self.next.setEnabled(not session.busy)
        if session.step is Step.PRINCIPAL and not (self.id_number.hasFocus() or self.name.hasFocus()):
            self.id_number.setFocus()
            self._focused(self.id_number)
