"""The citizen's screens at the kiosk, one per step of the session."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QListView, QListWidget, QListWidgetItem,
                               QProgressBar, QPushButton, QScrollArea, QSizePolicy, QVBoxLayout, QWidget)

from common.i18n import _, language
from kiosk import drafts, forms
from kiosk.forms import Keyboard
from kiosk.materials import with_note
from kiosk.workflows.citizen import CATEGORY_LABELS, STATUS_LABELS, CitizenSession, Step
from kiosk.progress import next_step
from ui.screens.application import applicant_text, days_text, fee_text
from ui.rating import RatingPanel
from ui.screens.materials import status_text
from ui.keyboard import TouchKeyboard
from ui.widgets import (LineEdit, NoticeLabel, Screen, TouchWatch, button, button_row, clear_layout, enable_swipe,
                        height_for, keyboard_row, label, restyle_as, scroll_area)


class ReadCardScreen(Screen):
    """Where the citizen shows a card: the ID card, and the social security card where the terminal has
    its reader (``social_security_card``)."""

    def __init__(self, session: CitizenSession, social_security_card: bool = False) -> None:
        super().__init__()
        self.social_security_card = social_security_card
        self.title, self.hint = label("title"), label("subtitle")
        self.notice = NoticeLabel()
        # a card read before (the last session's, or this citizen's at home) still lies there: a reader reads
        # a card once per placement, so it waits to be lifted and laid down again, and says so
        self.card_on_reader = label("notice")
        self.card_on_reader.hide()
        self.back = button("", session.finish)
        self.layout_.addStretch(1)
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.hint)
        self.layout_.addWidget(self.notice)
        self.layout_.addWidget(self.card_on_reader)
        self.layout_.addStretch(2)
        self.layout_.addWidget(self.back, alignment=Qt.AlignmentFlag.AlignLeft)

    def refresh(self, session: CitizenSession) -> None:
        if self.social_security_card:
            self.title.setText(_("Please place your ID card on the reader, or insert your social security card"))
            self.hint.setText(_("Lay the ID card flat in the marked area below the screen, or insert the social "
                                "security card into its slot, chip first. Leave it there until it has been read."))
        else:
            self.title.setText(_("Please place your ID card on the reader"))
            self.hint.setText(_("Lay the card flat in the marked area below the screen and keep it there until "
                                "it has been read."))
        self.notice.show_notice(session.notice)
        self.card_on_reader.setText(_("Your ID card is already on the reader. Please lift it and lay it down "
                                      "again to have it read."))
        self.back.setText(_("Back to start"))

    def show_card_on_reader(self, lying: bool) -> None:
        self.card_on_reader.setVisible(lying)

    def spoken_prompt(self) -> list[str]:
        """What voice guidance says here: a card already lying there first, then the title and the hint."""
        parts = [self.card_on_reader.text()] if not self.card_on_reader.isHidden() else []
        return parts + [self.title.text(), self.hint.text()]


class IdentityScreen(Screen):
    def __init__(self, session: CitizenSession) -> None:
        super().__init__()
        self.title = label("title")
        self.card = QWidget()
        self.card.setObjectName("card")
        grid = QGridLayout(self.card)
        grid.setContentsMargins(32, 24, 32, 24)
        self.fields = {key: (label("", align=Qt.AlignmentFlag.AlignRight), label("big" if key == "name" else "",
                                                                               align=Qt.AlignmentFlag.AlignLeft))
                       for key in ("name", "id", "valid")}
        for row, (caption, value) in enumerate(self.fields.values()):
            grid.addWidget(caption, row, 0)
            grid.addWidget(value, row, 1)
        self.notice = NoticeLabel()
        self.next = button("primary", session.continue_to_services)
        self.back = button("", session.finish)
        self._session = session
        self.drafts_host = QWidget()
        self.drafts = QVBoxLayout(self.drafts_host)
        self.drafts.setContentsMargins(0, 0, 0, 0)
        self.draft_buttons: dict[str, QPushButton] = {}
        # the saved applications scroll: a citizen with several (the UI monkey's, one per visit) made the
        # screen taller than 1280x800 in large text, 92 px a button, and the window grew
        self.drafts_area = scroll_area(self.drafts_host)
        self.drafts_area.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.drafts_area.hide()
        self.compact()  # less air: with a saved application, large text needed 828 px of 800 even so
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.card)
        self.layout_.addWidget(self.notice)
        self.layout_.addWidget(self.drafts_area)
        self.cases = button("", session.show_my_cases)  # the citizen's applications and their progress
        self.withdraw = button("", session.ask_withdraw)  # PIPL art. 15: withdrawing is as easy as agreeing
        errands = QHBoxLayout()  # side by side: one row less, so the screen fits 1280x800 in large text
        errands.addWidget(self.cases)
        errands.addWidget(self.withdraw)
        errands.addStretch(1)
        self.layout_.addLayout(errands)
        self.layout_.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.back)
        row.addStretch(1)
        row.addWidget(self.next)
        self.layout_.addLayout(row)

    def forget(self) -> None:
        """The citizen's masked name and ID number, and their saved applications, go with the session."""
        super().forget()
        for _caption, value in self.fields.values():
            value.clear()
        clear_layout(self.drafts)
        self.draft_buttons = {}
        self.drafts_area.hide()

    def refresh(self, session: CitizenSession) -> None:
        identity = session.identity
        self.title.setText(_("Welcome"))
        captions = {"name": _("Name"), "id": _("ID number"), "valid": _("Valid until")}
        if identity is not None:
            valid = identity.valid_to.isoformat() if identity.valid_to else _("Long-term")
            values = {"name": identity.masked_name, "id": identity.masked_id, "valid": valid}
        else:
            values = {key: "" for key in captions}
        for key, (caption, value) in self.fields.items():
            caption.setText(_("{label}:").format(label=captions[key]))
            value.setText(values[key])
        self.notice.show_notice(session.notice)
        forward = _("Start a new application") if session.drafts_found else _("Continue")
        self.next.setText(_("Loading services...") if session.busy else forward)
        self.next.setEnabled(not session.busy)
        self.back.setText(_("Not me / cancel"))
        self.cases.setText(_("My applications and their progress"))
        self.cases.setEnabled(not session.busy)
        self.cases.setVisible(session.purpose == "apply")
        self.withdraw.setText(_("Withdraw my consent"))
        self.withdraw.setEnabled(not session.busy)
        clear_layout(self.drafts)
        self.draft_buttons = {}
        for draft in session.drafts_found:  # a saved application from an earlier visit: continue it
            draft_id = str(draft["draft_id"])
            widget = button("service", lambda _c=False, d=draft_id: self._session.resume_draft(d))
            said = _("Continue your saved application:") + "\n" + session.draft_service_name(draft)
            until = drafts.kept_until(draft)  # the backend's word; none believed, no date said
            widget.setText(said + ("\n" + _("Kept until {date}").format(date=until.isoformat()) if until else ""))
            widget.setEnabled(not session.busy)
            self.drafts.addWidget(widget)
            self.draft_buttons[draft_id] = widget
        self.drafts_area.setVisible(bool(self.draft_buttons))


SEARCH_MAX_CHARS = 80  # the longest service name of the sandbox's catalogue is 62 characters (in English)
QUOTED_CHARS = 24  # "No service matches" quotes this much of the search, on a line that does not break


class ServicesScreen(Screen):
    """The service list: a search field and a category row on top, the matching services below.

    The query and the category live in the session; this screen renders them. The service buttons
    are built once per catalogue and language, and each refresh shows the matching ones in rank order.
    """

    def __init__(self, session: CitizenSession) -> None:
        super().__init__()
        self._session = session
        self.title = label("title")
        self.notice = NoticeLabel()
        self.search = LineEdit()
        self.search.setObjectName("search")
        # no clear button of Qt's: 22 x 18 px, under any touch floor; the keys' Clear empties the field
        self.search.setMinimumHeight(56)
        # a name, its initials or a code is a few words; "No service matches" quoted it whole, and 20,000
        # characters pasted or scanned there made the label, and with it the window, 230,000 px wide for good
        self.search.setMaxLength(SEARCH_MAX_CHARS)
        self.search.textChanged.connect(session.set_service_query)
        self.category_host = QWidget()
        self.category_row = QHBoxLayout(self.category_host)
        self.category_row.setContentsMargins(0, 0, 0, 0)
        self.category_row.setSpacing(12)
        # a strip that scrolls sideways: however many categories, the screen never grows wider
        self.category_strip = QScrollArea()
        self.category_strip.setWidgetResizable(True)
        self.category_strip.setWidget(self.category_host)
        self.category_strip.setFrameShape(QScrollArea.Shape.NoFrame)
        self.category_strip.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.category_strip.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        enable_swipe(self.category_strip)
        self.category_buttons: dict[str | None, QPushButton] = {}
        self.no_match = label("subtitle")
        # one line, the search cut to it (_quoted) with the metrics it is drawn with: wrapped, a quote of symbols
        # from fallback fonts measured one line and was set on two (kiosk bench ui-monkey, seed 891); never wider
        # than the screen, whatever it says
        self.no_match.setWordWrap(False)
        self.no_match.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._no_match_words = ("", "")  # what it says, and the search it quotes
        self.no_match.installEventFilter(self)
        self.show_all = button("", session.clear_service_search)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setSpacing(16)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.grid_host)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the list scrolls down only
        enable_swipe(self.scroll)
        self.back = button("", self._back)
        # a touch screen has no other keys: a tap on the search brings up letters and digits (pinyin, initials, a
        # code, English words); the title and the categories stand aside for them while they are up, and Back
        # puts the keys away first
        self.keyboard = TouchKeyboard()
        # on a touch only: the focus alone (moved there by Qt when a focused widget elsewhere hides, a scanner typing
        # into it) brings no keys up
        self._search_watch = TouchWatch(lambda _field: self._type(True))
        self.search.installEventFilter(self._search_watch)
        self.typing = False  # the keys are up
        self._texts: dict[str, tuple[str, str]] = {}  # a service's button's words: in full, and while typing
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.notice)
        self.layout_.addWidget(self.search)
        self.layout_.addWidget(self.category_strip)
        self.layout_.addWidget(self.no_match)
        self.layout_.addWidget(self.scroll, 1)
        self.layout_.addStretch(0)  # where the list was, when nothing matches: Back stays at the bottom
        # "Show all services" beside Back, the way on: under the message it made the screen taller than the kiosk's
        # in large text with the held catalogue's notice above (kiosk bench ui-monkey --trickle, seed 475: 1280x850)
        # the keys between them, beside them where the screen is wide enough (ui/widgets.py, KeyboardRow)
        self.layout_.addLayout(keyboard_row(self.back, self.keyboard, self.show_all))
        # only now, inside the screen: a keyboard shown before it has a parent opens as a window of its own
        self.keyboard.set_kind(Keyboard.SEARCH)
        self.keyboard.attach(self.search)
        self.keyboard.hide()
        self.buttons: dict[str, QPushButton] = {}
        self._built_for: tuple[tuple[str, ...], str] | None = None

    def _type(self, on: bool) -> None:
        """The keys up (the search touched) or put away (Back), the title and the categories the other way."""
        if on == self.typing:
            return
        self.typing = on
        self.keyboard.setVisible(on)
        self.title.setVisible(not on)
        self.category_strip.setVisible(not on and bool(self.category_buttons))
        self.show_all.setVisible(self.no_match.isVisibleTo(self) and not on)  # the keys' Clear does it
        self._compact = on  # less air while the keys are up
        self._air()
        for code, widget in self.buttons.items():  # a line each, the name alone: more of the list above the keys
            widget.setText(self._texts[code][on])
        for widget, name in [(w, "brief") for w in self.buttons.values()] + [(self.search, "typing")]:
            restyle_as(widget, name, on)  # the search in the title's type: what is typed is the headline
        if not on:
            self.search.clearFocus()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().hideEvent(event)
        self._type(False)  # a service chosen, or the citizen gone: the list as it was, come back to

    def _back(self) -> None:
        if self.typing:
            self._type(False)  # the keys put away first, as a phone's Back does
        else:
            self._session.back()

    def forget(self) -> None:
        """What the citizen searched for goes with the session: the field, and "No service matches" quoting it."""
        super().forget()
        self._type(False)
        self.search.blockSignals(True)  # the session has already dropped its query
        self.search.clear()
        self.search.blockSignals(False)
        self._no_match_words = ("", "")  # the search it quoted too, said again at a resize otherwise
        self.no_match.clear()
        self.no_match.hide()
        self.show_all.hide()

    def refresh(self, session: CitizenSession) -> None:
        lang = language()
        self.title.setText(_("Choose a service"))
        self.notice.show_notice(session.notice)
        self.search.setPlaceholderText(_("Search: name, pinyin initials or code"))
        if self.search.text() != session.service_query:
            self.search.setText(session.service_query)
        self.show_all.setText(_("Show all services"))
        self.back.setText(_("Back"))
        built_for = (tuple(s.code for s in session.catalogue), lang)
        if built_for != self._built_for:
            self._build(session, lang)
            self._built_for = built_for
        self._check_category()
        # tall enough for the buttons (at this text size) and a sideways scrollbar when they overflow
        bar = self.category_strip.horizontalScrollBar().sizeHint().height()
        self.category_strip.setFixedHeight(self.category_host.sizeHint().height() + bar)
        visible = session.visible_services(lang)
        while self.grid.count():
            self.grid.takeAt(0)
        shown = {s.code for s in visible}
        for code, widget in self.buttons.items():
            widget.setVisible(code in shown)
        for index, service in enumerate(visible):
            self.grid.addWidget(self.buttons[service.code], index // 2, index % 2)
        nothing = not visible and bool(session.catalogue)
        if nothing:
            query = session.service_query.strip()
            query = query if len(query) <= QUOTED_CHARS else query[:QUOTED_CHARS - 3] + "..."
            self._no_match_words = (_('No service matches "{query}".'), query) if session.service_query.strip() \
                else (_("No service in this category."), "")
            self._say_no_match()
        self.no_match.setVisible(nothing)
        self.show_all.setVisible(nothing and not self.typing)
        # an empty list gives up its place: in large English its least height and the two lines above made
        # the screen 62 px taller than a 1280x800 window (kiosk bench ui-monkey, seed 46)
        self.scroll.setVisible(not nothing)

    def _say_no_match(self) -> None:
        said, query = self._no_match_words
        self.no_match.setText(said.format(query=self._quoted(query, said)) if query else said)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.no_match and event.type() in (QEvent.Type.FontChange, QEvent.Type.Resize):
            self._say_no_match()  # cut again for its type (large text comes to a hidden screen later) and width
        return super().eventFilter(watched, event)

    def _quoted(self, query: str, said: str) -> str:
        """As much of the query as leaves ``said`` one line on this screen, cut with "…": two lines of it, with the
        held catalogue's notice above, left the screen 2 px short of a 1024 x 768 kiosk in large text (kiosk bench
        ui-monkey --screen 1024x768 --whole-words, seeds 889 and 891: symbols drawn from fallback fonts)."""
        margins = self.layout_.contentsMargins()
        width = self.no_match.width() if self.no_match.isVisible() else self.width() - margins.left() - margins.right()
        if width <= 0:
            return query
        metrics = QFontMetrics(self.no_match.font())
        room = width - metrics.horizontalAdvance(said.format(query=""))
        for _attempt in range(8):  # the whole line measured again: fallback fonts' glyphs add up otherwise in pieces
            quoted = metrics.elidedText(query, Qt.TextElideMode.ElideRight, max(room, 0)) or "…"
            over = metrics.horizontalAdvance(said.format(query=quoted)) - width
            if over <= 0 or quoted == "…":
                break
            room -= max(over, metrics.averageCharWidth())
        return quoted

    def _tap_category(self, category: str | None) -> None:
        self._session.set_service_category(category)
        self._check_category()  # a second tap on the chosen one changes nothing: keep it checked

    def _check_category(self) -> None:
        for category, widget in self.category_buttons.items():
            widget.setChecked(category == self._session.service_category)

    def _build(self, session: CitizenSession, lang: str) -> None:
        """One button per service and per category, for this catalogue in this language."""
        for widget in [*self.buttons.values(), *self.category_buttons.values()]:
            widget.hide()  # at once: deleteLater frees it only when the event loop next runs
            widget.deleteLater()
        while self.grid.count():
            self.grid.takeAt(0)
        while self.category_row.count():
            self.category_row.takeAt(0)
        self.buttons, self.category_buttons, self._texts = {}, {}, {}
        for service in session.catalogue:
            visits = _("No visit needed") if service.visits == 0 else _("One visit")
            days = days_text(service.promised_days)
            widget = button("service", lambda _checked=False, code=service.code: self._session.choose_service(code))
            widget.setParent(self.grid_host)
            widget.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # the columns share the width
            self._texts[service.code] = (f"{service.name(lang)}\n{visits} · {days}", service.name(lang))
            widget.setText(self._texts[service.code][self.typing])
            widget.setProperty("brief", self.typing)
            self.buttons[service.code] = widget
        categories = session.service_categories()
        if len(categories) > 1:
            choices = [(None, _("All"))] + [(c.category, _(CATEGORY_LABELS[c.category]) if c.category in CATEGORY_LABELS
                                             else c.category) for c in categories]
            for category, name in choices:
                widget = button("category", lambda _checked=False, c=category: self._tap_category(c))
                widget.setCheckable(True)
                widget.setText(name)
                self.category_row.addWidget(widget)
                # shown now: a layout shows a widget added to a visible parent only on the next turn of the
                # event loop, and until then the strip, sized from its row below, measured it as nothing
                # (built again in another language on this screen, the strip was 14 px high, every category gone)
                widget.show()
                self.category_buttons[category] = widget
            self.category_row.addStretch(1)
        self.category_strip.setVisible(bool(self.category_buttons) and not self.typing)


class ConfirmScreen(Screen):
    def __init__(self, session: CitizenSession) -> None:
        super().__init__()
        self.title = label("title")
        self.summary = label("subtitle", align=Qt.AlignmentFlag.AlignLeft)
        self.materials_title = label("", align=Qt.AlignmentFlag.AlignLeft)
        self.materials = QListWidget()
        enable_swipe(self.materials)
        self.confirm = button("primary", session.confirm)
        self.back = button("", session.back)
        for widget in (self.title, self.summary, self.materials_title):
            self.layout_.addWidget(widget)
        self.layout_.addWidget(self.materials, 1)
        row = QHBoxLayout()
        row.addWidget(self.back)
        row.addStretch(1)
        row.addWidget(self.confirm)
        self.layout_.addLayout(row)

    def forget(self) -> None:
        """Whom the application was for and every answer listed go with the session."""
        super().forget()
        self.summary.clear()
        self.materials.clear()

    def refresh(self, session: CitizenSession) -> None:
        service, application, lang = session.service, session.application, language()
        if service is None:
            return
        self.title.setText(service.name(lang))
        fee, limit = _("Fee"), _("Time limit")
        self.summary.setText(applicant_text(session) + "\n" + _("{fee_label}: {fee} · {limit_label}: {limit}").format(
            fee_label=fee, fee=fee_text(service), limit_label=limit, limit=days_text(service.promised_days)))
        self.materials_title.setText(_("Please check your answers and your materials:"))
        self.materials.clear()
        for caption, value in forms.answers_shown(service, application.form if application is not None else {}, lang):
            QListWidgetItem(_("{label}: {value}").format(label=caption, value=value), self.materials)
        if session.checklist is not None:  # what was provided for each material
            for material in session.checklist.items:
                state = status_text(material, lang)
                if state:
                    QListWidgetItem("• " + _("{label}: {value}").format(label=material.requirement.name(lang),
                                                                         value=state), self.materials)
        else:
            for m in service.materials:
                tag = _("required") if m.required else _("if applicable")
                e_ok = "  ✓ " + _("electronic licence accepted") if m.e_licence_type else ""
                QListWidgetItem(f"• {with_note(m.name(lang), tag)}{e_ok}", self.materials)
        if session.signature:
            QListWidgetItem("✓ " + _("Signed"), self.materials)
        self.confirm.setText(_("Confirm and submit"))
        self.back.setText(_("Back"))


class ProgressScreen(Screen):
    def __init__(self, session: CitizenSession) -> None:
        super().__init__()
        self.title, self.status = label("title"), label("big")
        self.service, self.next = label("subtitle"), label("subtitle")
        self.notice = NoticeLabel()
        self.history = QListWidget()
        enable_swipe(self.history)
        # an entry longer than the screen is wide wraps: it was cut off, with a scroll bar across (large English)
        self.history.setWordWrap(True)
        self.history.setResizeMode(QListView.ResizeMode.Adjust)
        self.history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.back = button("primary", session.leave_progress)
        self.reprint = button("", session.reprint_receipt)
        self.pay = button("primary", session.pay_fee)  # a fee left unpaid: its code, as after the submit
        # the case's lines scroll where they do not fit: a case under review, with its next step and promised date
        # under a notice, in large text, grew the window to 1280x801 (kiosk bench ui-monkey, seeds 314 and 315);
        # the notice stays in sight below them
        host = QWidget()
        lines = QVBoxLayout(host)
        lines.setContentsMargins(0, 0, 0, 0)
        for widget in (self.title, self.service, self.status, self.next):
            lines.addWidget(widget)
        lines.addStretch(1)  # together at the top when the area is taller (a refused case has no history)
        self.lines = scroll_area(host, fit=True)
        self.layout_.addWidget(self.lines)
        self.layout_.addWidget(self.notice)
        # the history gives way first, down to Qt's smallest for a list: it scrolls on its own
        self.history.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.history.setMinimumHeight(self.history.minimumSizeHint().height())
        self.layout_.addWidget(self.history, 1)
        row = button_row(self.reprint, self.back)
        row.insertWidget(1, self.pay)
        self.layout_.addLayout(row)

    def forget(self) -> None:
        """The case looked up (its number, service, status and history) goes with the session."""
        super().forget()
        for widget in (self.title, self.service, self.status, self.next, self.history):
            widget.clear()

    def refresh(self, session: CitizenSession) -> None:
        self._show_case(session)
        for line in (self.service, self.next):  # an empty line takes no room (a case on its way names no service)
            line.setVisible(bool(line.text()))

    def _show_case(self, session: CitizenSession) -> None:
        lang, case = language(), session.progress or {}
        self.back.setText(_("Back") if session.my_cases else _("Back to start"))
        self.reprint.setText(_("Printing...") if session.busy else _("Print the receipt again"))
        self.reprint.setVisible(session.can_reprint() or (session.busy and session.identity is not None))
        self.pay.setText(_("Pay the fee"))
        self.pay.setVisible(session.fee_due() > 0)
        self.pay.setEnabled(session.can_pay_fee())
        self.notice.show_notice(session.notice)
        self.history.clear()
        refusal = case.get("refused")
        # a refused case has no timeline: why and what to do say it all; nor has one on its way, whose line says why
        self.history.setVisible(refusal is None and not case.get("pending"))
        if refusal is not None:  # an application saved offline that the backend refused when it arrived
            self.title.setText(case.get("provisional_number", ""))
            self.service.setText(refusal.service_name(lang))
            self.status.setText(_("Returned"))  # by the service system on arrival: not a window's 不予受理
            self.next.setText("\n".join(part for part in (refusal.message(lang), refusal.advice(lang)) if part))
            return
        if case.get("pending"):
            self.title.setText(case.get("provisional_number", ""))
            self.service.setText("")
            self.status.setText(_("On its way"))
            self.next.setText(_("Saved on a terminal while the service system was offline; it is sent automatically "
                                "and will show here once it has arrived."))
            return
        self.title.setText(_("Case {number}").format(number=case.get("case_number", "")))
        self.service.setText(case.get("service_name_en" if lang == "en" else "service_name_zh", ""))
        self.status.setText(_(STATUS_LABELS.get(case.get("status", ""), "")) if case.get("status") else "")
        lines = []
        upcoming = next_step(str(case.get("status", "")))
        if upcoming is not None:
            lines.append(upcoming.render())
        promised = session.promised_date(case)
        if promised is not None and case.get("status") not in ("ready", "collected", "not_accepted"):
            lines.append(_("Promised by {date}").format(date=promised.isoformat()))
        fee = session.shown_fee()
        if fee is not None and (fee[1] or session.fee_due()):
            amount = f"¥{fee[0]:.2f}"  # as the payment screen says it (the receipt's full-width sign is for GBK)
            lines.append(_("Fee {amount}: paid").format(amount=amount) if fee[1] else
                         _("Fee {amount}: not paid yet").format(amount=amount))
        self.next.setText("\n".join(lines))
        history = case.get("history")  # the backend's answer as it came: what is not an entry is passed over
        entries = [e for e in history if isinstance(e, dict)] if isinstance(history, list) else []
        # the newest first: it is what the citizen came to see, and the list may have room for one entry only
        for entry in sorted(entries, key=lambda e: str(e.get("at") or ""), reverse=True):
            at, note = str(entry.get("at") or ""), str(entry.get("note_en" if lang == "en" else "note_zh") or "")
            QListWidgetItem(f"{at[:16].replace('T', ' ')}  {note}", self.history)
        if self.history.count():  # it gives way, but never below one entry in sight (41 px of a 60 px row, large text)
            frame = 2 * self.history.frameWidth()
            self.history.setMinimumHeight(max(self.history.minimumSizeHint().height(),
                                              self.history.sizeHintForRow(0) + frame))


class LicencesScreen(Screen):
    def __init__(self, session: CitizenSession) -> None:
        super().__init__()
        self._session = session
        self.title = label("title")
        self.hint = label("subtitle")  # what a tap on a licence does (said aloud with the title)
        self.notice = NoticeLabel()
        self.list_host = QWidget()
        self.list = QVBoxLayout(self.list_host)
        self.list.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.back = button("", session.finish)
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.hint)
        self.layout_.addWidget(self.notice)
        self.layout_.addWidget(scroll_area(self.list_host), 1)  # however many licences: swipe down
        self.layout_.addWidget(self.back, alignment=Qt.AlignmentFlag.AlignLeft)
        self.buttons: dict[str, object] = {}

    def forget(self) -> None:
        """The citizen's licences (each button names its case number) go with the session."""
        super().forget()
        clear_layout(self.list)
        self.buttons = {}

    def refresh(self, session: CitizenSession) -> None:
        lang = language()
        self.title.setText(_("Looking for your licences...") if session.busy else _("Licences ready to print"))
        self.hint.setText(_("Tap a licence to see it; it prints only when you confirm.")
                          if session.licences and not session.busy else "")
        self.hint.setVisible(bool(self.hint.text()))
        self.notice.show_notice(session.notice)
        self.back.setText(_("Back to start"))
        clear_layout(self.list)
        self.buttons = {}
        for licence in session.licences:
            name = licence["name_en"] if lang == "en" else licence["name_zh"]
            widget = button("service", lambda _c=False, lid=licence["licence_id"]: self._session.preview_licence(lid))
            widget.setText(f"{name}\n" + _("Case number: {number}").format(number=licence["case_number"]))
            self.list.addWidget(widget)
            self.buttons[licence["licence_id"]] = widget


class SubmittingScreen(Screen):
    def __init__(self, session: CitizenSession) -> None:
        super().__init__()
        self.title = label("title")
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.layout_.addStretch(1)
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.bar)
        self.layout_.addStretch(1)

    def refresh(self, session: CitizenSession) -> None:
        if session.step is Step.PRINTING:
            self.title.setText(_("Printing your licence, please wait...") if session.purpose == "licence"
                               else _("Printing your receipt, please wait..."))
        else:
            self.title.setText(_("Submitting your application, please wait..."))


class DoneScreen(Screen):
    def __init__(self, session: CitizenSession, queue_tickets: bool = False) -> None:
        super().__init__()
        self._session = session
        self.queue_tickets = queue_tickets  # terminal.queue_tickets: after the one-time notice, a number offered
        self.title, self.caption, self.number = label("title"), label("subtitle"), label("big")
        self.notice = NoticeLabel()
        self.finish = button("primary", session.finish)
        self.rating = RatingPanel("kiosk", session.choose_rating, session.give_reason, session.rating_comment,
                                  on_typing=lambda _typing: self.refresh(session))
        self.rate_buttons, self.reason_buttons = self.rating.level_buttons, self.rating.reason_buttons
        self._caption_wanted = True  # what refresh last wanted of the caption, before it gives way
        self._big = label("big")  # never shown: the big type, to measure the number in
        self._big.setParent(self)
        self._big.hide()
        self.compact()  # it carries the keyboard for the rating's words; in large text a notice's number, its
        # message and the five levels needed 802 px of 800 with the standard margins (kiosk bench ui-monkey, seed 201)
        self.layout_.addStretch(1)
        for widget in (self.title, self.caption, self.number, self.notice, self.rating):
            self.layout_.addWidget(widget)
        self.layout_.addStretch(1)
        self.ticket = button("", session.take_queue_ticket)  # "Take a number" (kiosk/workflows/citizen_ticket.py)
        self.ticket.hide()
        row = QHBoxLayout()
        row.setSpacing(32)  # between shown items only: "Finish" centred again once the number is taken
        row.addStretch(1)
        row.addWidget(self.ticket)
        row.addWidget(self.finish)
        row.addStretch(1)
        self.layout_.addLayout(row)

    def forget(self) -> None:
        """The case (or notice) number and the words of the rating go with the session."""
        super().forget()
        self.number.clear()
        self.rating.forget()

    def refresh(self, session: CitizenSession) -> None:
        receipt, notice = session.receipt, session.notice_number
        offline = receipt is not None and receipt.provisional
        if receipt is None and notice:  # something was missing: the one-time notice was printed
            self.title.setText(_("One-time notice printed"))
            self.caption.setText(_("Notice number"))
            self.number.setText(notice)
        else:
            self.title.setText(_("Done") if receipt is None else _("Saved on this terminal") if offline
                               else _("Submitted"))
            self.caption.setText(_("Your provisional number") if offline else _("Your case number"))
            self.number.setText(receipt.case_number if receipt else "")
        self._fit_number()
        self.notice.show_notice(session.notice)
        self.finish.setText(_("Finish"))
        self.rating.show_rating(session.evaluation, session.can_rate())  # the session holds it: never a screen
        asking_why = session.can_rate() and session.evaluation.asking_why()
        for widget in (self.title, self.caption, self.number):  # the number is on the paper: room for the keyboard
            widget.setVisible(not asking_why and (widget is not self.caption or bool(self.number.text())))
        self.notice.setVisible(self.notice.isVisibleTo(self) and not self.rating.typing)
        self._caption_wanted = self.caption.isVisibleTo(self)
        self._caption_gives_way()
        self.finish.setVisible(not self.rating.typing)  # the words are closed with "done", then the reason tapped
        self.ticket.setText(_("Take a number for the service windows"))
        self.ticket.setVisible(self.queue_tickets and session.ticket_offered() and not self.rating.typing)
        self.ticket.setEnabled(not session.busy)


    def _caption_gives_way(self) -> None:
        """In large English a receipt not printed with the fee still to pay made a notice of five lines, and with the
        number and the five levels it needed more than the screen: it was cut short (kiosk bench ui-monkey
        --ipp-printer --whole-words, seed 847). The caption over the number then gives way (the notice says what the
        number is and to note it down); where everything fits it stays."""
        if self.caption.isHidden() or not self.notice.isVisibleTo(self) or self.height() <= 0:
            return
        layout = self.layout_
        margins, spacing = layout.contentsMargins(), max(layout.spacing(), 0)
        width = self.width() - margins.left() - margins.right()
        shown = [self.layout_.itemAt(i) for i in range(self.layout_.count())]
        need = margins.top() + margins.bottom() + sum(
            (height_for(item.widget(), width) if item.widget() is not None else item.minimumSize().height()) + spacing
            for item in shown if not item.isEmpty() and item.spacerItem() is None) - spacing
        self.caption.setVisible(need <= self.height())

    def _fit_number(self) -> None:
        """A number too long for one line in the big type is set in the title's, on one line: an offline receipt's
        provisional number (34 characters, 1,120 px in large English) broke inside its code over two lines on a
        1024 x 768 kiosk ("...-GH / 41-..."), and with the offline notice the screen needed 26 px more than it had
        (kiosk bench ui-monkey --screen 1024x768 --whole-words, seed 892)."""
        margins = self.layout_.contentsMargins()
        width = self.width() - margins.left() - margins.right()
        if width <= 0:
            return
        self._big.ensurePolished()  # the type in force (large text, the screen's size)
        long = QFontMetrics(self._big.font()).horizontalAdvance(self.number.text()) > width
        if bool(self.number.property("long")) != long:
            restyle_as(self.number, "long", long)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_number()
        self.caption.setVisible(self._caption_wanted)  # a size changes what fits: fitted again
        self._caption_gives_way()

    def spoken_prompt(self) -> list[str]:
        """Voice guidance says the number the citizen keeps, and asks for the rating when it is offered."""
        parts = [w.text() for w in (self.title, self.caption, self.number) if not w.isHidden() and w.text()]
        if not self.rating.isHidden():
            parts.append(self.rating.caption.text())
        return parts


class FailedScreen(Screen):
    def __init__(self, session: CitizenSession) -> None:
        super().__init__()
        self.title = label("title")
        self.notice = NoticeLabel()
        self.retry = button("primary", session.back)
        self.home = button("", session.finish)
        self.layout_.addStretch(1)
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.notice)
        self.layout_.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.home)
        row.addStretch(1)
        row.addWidget(self.retry)
        self.layout_.addLayout(row)

    def refresh(self, session: CitizenSession) -> None:
        self.title.setText(_("Not submitted yet"))
        self.notice.show_notice(session.notice)
        self.retry.setText(_("Try again"))
        self.home.setText(_("Back to start"))
