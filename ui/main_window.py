"""The window every mode shares: a header (hall, clock, language, large text, voice), the mode's view, a footer."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut, QWindow
from PySide6.QtWidgets import QApplication, QHBoxLayout, QMainWindow, QVBoxLayout, QWidget

from common.i18n import _, language, set_language
from ui.kiosk_view import ActivityFilter
from ui.page_stack import PageStack
from ui.display import SMALL, Display
from ui.theme import Theme, narrow, stylesheet
from ui.widgets import button, label



class MainWindow(QMainWindow):
    """The frame around one mode's view. It gets the view built for it and the little it shows itself."""

    def __init__(self, view: QWidget, mode: str, terminal_id: str, *, default_language: str) -> None:
        super().__init__()
        self.view = view
        self.mode = mode
        self.terminal_id = terminal_id
        self.default_language = default_language
        self.elderly = False
        self._at_home = True  # the session's step as last seen: a terminal starts at home
        self.display = SMALL  # the screen's real size: type is set in points on it (ui/display.py)
        self.session = self.desk = None
        self._clerk_in = False  # the window's clerk signed in, as last seen
        self.voice = None  # ui.voice.VoiceGuide, given with the kiosk's session
        root = QWidget()
        root.setObjectName("root")
        column = QVBoxLayout(root)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)

        header = self._header = QWidget()
        header.setObjectName("header")
        bar = QHBoxLayout(header)
        bar.setContentsMargins(24, 10, 24, 10)
        self.hall = label("", align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.clock = label("", align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.language_button = button("", self.toggle_language)
        self.elderly_button = button("", self.toggle_elderly)
        self.voice_button = button("", self.toggle_voice)  # spoken prompts on or off
        self.voice_button.setCheckable(True)
        self.repeat_button = button("", self.repeat_voice)  # the current screen's prompt said again
        bar.addWidget(self.hall, 1)
        bar.addWidget(self.clock)
        bar.addWidget(self.voice_button)
        bar.addWidget(self.repeat_button)
        bar.addWidget(self.elderly_button)
        bar.addWidget(self.language_button)
        column.addWidget(header)

        if mode not in ("kiosk", "window"):  # large text for the citizen, and for a clerk who wants it
            self.elderly_button.hide()
        self.voice_button.hide()  # shown once the kiosk's voice guide is attached
        self.repeat_button.hide()
        self._column = column
        column.addWidget(self.view, 1)

        footer = self._footer = QWidget()
        footer.setObjectName("footer")
        line = QHBoxLayout(footer)
        line.setContentsMargins(24, 6, 24, 6)
        self.help = label("", align=Qt.AlignmentFlag.AlignLeft)
        self.terminal = label("", wrap=False, align=Qt.AlignmentFlag.AlignRight)  # one line: wrapped, it cost every
        # screen a line of height in large English ("Terminal" over its number), where the help beside it had room
        line.addWidget(self.help, 1)
        line.addWidget(self.terminal)
        column.addWidget(footer)
        self.setCentralWidget(root)

        self._tick = QTimer(self)
        self._tick.timeout.connect(self._update_clock)
        self._tick.start(1000)
        self.retranslate()

    def attach(self, view: QWidget, card_sim=None, voice=None) -> None:
        """The mode's working view, once the services are built: the kiosk's view is the one shown
        from the start (its home screen), now with its session; another mode's replaces the placeholder."""
        if view is not self.view:
            self._column.replaceWidget(self.view, view)
            self.view.deleteLater()
            self.view = view
        self.session = getattr(view, "session", None)
        self.desk = getattr(view, "desk", None)
        status = getattr(view, "status_line", None)  # the window's devices not working now (ui/device_troubles.py)
        if status is not None:
            # its width the footer's, never its text's: the names or their count are chosen by the width
            # (ui/device_troubles.py), and a line as wide as its count never had room for the names again
            self._footer.layout().insertWidget(0, status, 1)
        if self.session is not None:
            self._activity = ActivityFilter(self.view)
            self._input_window().installEventFilter(self._activity)  # the wedge scanner's filter too
            self.session.subscribe(self._session_changed)
            self.view.idle.timeout.connect(self._idle_at_home)
            if voice is not None:  # after _session_changed: a session's end resets voice before home is said
                self.voice = voice
                voice.follow(self.session, self.view.current_screen)
                warning = self.view.warning  # the idle warning is said when it appears, cut off by "More time"
                warning.started.connect(lambda _seconds: voice.announce("idle_warning", [warning.message.text()]))
                warning.more_time.connect(voice.stop)
                band = self.view.wait_band  # "still working", said once when it appears; the next screen cuts it off
                band.shown.connect(lambda: voice.announce("still_working", [band.message.text()]))
                reminder = self.view.home.card_left  # the call is dropped if the screen is gone (shutdown)
                self.view.card_left_shown.connect(lambda: QTimer.singleShot(0, reminder, self._remind_card_aloud))
                self.voice_button.show()
                self.repeat_button.show()
        if self.desk is not None:
            self._clerk_in = self.desk.staff is not None
            self.desk.subscribe(self._desk_changed)
        staff_idle = self._staff_idle()
        if staff_idle is not None:  # the window, maintenance: a touch, a key keeps staff signed in
            self._input_window().installEventFilter(staff_idle.activity)
        self._install_rehearsal_keys(card_sim)
        self.retranslate()

    def shutdown(self) -> None:
        self._tick.stop()
        if self.voice is not None:
            self.voice.close()
        if self.session is not None:
            self.view.idle.stop()
            self.view.warning.stop()
            self.view.warm_up.stop()
            self.view.online_check.stop()
            self._input_window().removeEventFilter(self._activity)
        staff_idle = self._staff_idle()
        if staff_idle is not None:
            staff_idle.stop()
            self._input_window().removeEventFilter(staff_idle.activity)

    def _staff_idle(self):
        """The staff view's idle sign-out (ui/staff_idle.py); None for the kiosk, whose idle timer is its own."""
        idle = getattr(self.view, "idle", None) if self.session is None else None
        return idle if hasattr(idle, "activity") else None

    def _input_window(self) -> QWindow:
        """The window system's window under this one, made now if it has not been shown yet: a touch,
        click or key reaches it once, before any widget."""
        if self.windowHandle() is None:
            self.winId()  # creates it
        return self.windowHandle()

    def _install_rehearsal_keys(self, reader) -> None:
        """With a simulated reader, F2 places the sample card and F3 takes it away (rehearsals, demo)."""
        if reader is not None:
            QShortcut(QKeySequence("F2"), self, activated=lambda: reader.place_card("resident"))
            QShortcut(QKeySequence("F3"), self, activated=reader.remove_card)

    def _update_clock(self) -> None:
        # a portrait screen, or a narrow landscape one, is narrow for the header's buttons: the time alone there
        self.clock.setText(time.strftime("%H:%M" if self.display.portrait or narrow(self.display)
                                         else "%Y-%m-%d %H:%M"))

    def _name_hall(self) -> None:
        title = {"kiosk": _("Government Service Hall · Self-service"),
                 "window": _("Government Service Hall · Integrated window"),
                 "maintenance": _("Government Service Hall · Maintenance")}[self.mode]
        # a narrow landscape screen (1024 x 768): the hall alone, on one line beside the header's buttons (the mode's
        # words after it took the header a second line, and the keyboard's screens their "Continue")
        self.hall.setText(_("Government Service Hall") if narrow(self.display) else title)
        self.setWindowTitle("OneTrip — " + title)

    def retranslate(self) -> None:
        self._name_hall()
        self.language_button.setText("English" if language() == "zh_CN" else "中文")
        self.elderly_button.setText(_("Standard text") if self.elderly else _("Large text"))
        voice_on = self.voice is not None and self.voice.enabled
        self.voice_button.setChecked(voice_on)
        self.voice_button.setText(_("Voice: on") if voice_on else _("Voice: off"))
        self.repeat_button.setText(_("Repeat"))
        # the citizen's way to a person; at the window and the maintenance terminal the hall's staff are the users
        self.help.setText(_("Need help? Please ask the hall staff.") if self.mode == "kiosk" else "")
        self.terminal.setText(_("Terminal {id}").format(id=self.terminal_id))
        self._update_clock()
        if hasattr(self.view, "retranslate"):
            self.view.retranslate()
        if self.voice is not None:
            self.voice.screen_changed()  # a new language: the screen said again in it

    def apply_config(self, config) -> None:
        """Remote configuration, on the GUI thread: the idle timeout and its warning at once (a running
        countdown keeps its start), the window's and maintenance's idle times likewise (ui/staff_idle.py), the
        window's queue's poll and categories (the next count and call; ui/queue_row.py,
        kiosk/workflows/clerk_queue.py), the default language at once on the home screen, else when the citizen
        is done."""
        if self.session is not None:
            self.view.set_timeouts(config.terminal.idle_timeout_s, config.terminal.idle_warning_s)
        if self.desk is not None:
            from kiosk.workflows.clerk_queue import categories_served  # the window's only: not on the first paint

            self.view.idle.set_times(config.terminal.window_idle_timeout_s, config.terminal.window_idle_warning_s)
            self.view.desk_screen.queue.set_poll(config.terminal.queue_poll_s)  # the queue's too (ui/queue_row.py)
            self.desk.set_queue_categories(categories_served(config.terminal.queue_categories))
        if self.mode == "maintenance" and hasattr(self.view, "idle"):  # its staff's idle times (ui/staff_idle.py)
            self.view.idle.set_times(config.terminal.maintenance_idle_timeout_s,
                                     config.terminal.maintenance_idle_warning_s)
        changed = config.terminal.language != self.default_language  # the same again leaves a citizen's choice
        self.default_language = config.terminal.language
        if changed and (self.session is None or self.session.at_home):
            self._back_to_default_language()

    def _session_changed(self, session) -> None:
        """Back at home, the next citizen starts as the hall set the terminal, whatever the last one chose.
        Only on the way back: what a citizen chooses at home (English, large text, voice) holds when their card
        is laid or their code shown, where every change of the session at home used to undo it."""
        arrived, self._at_home = session.at_home and not self._at_home, session.at_home
        if arrived:
            self._to_hall_settings()

    def _desk_changed(self, desk) -> None:
        """A clerk's sign-out (by the button or the idle time) leaves the window as the hall set it: the next clerk
        does not inherit the last one's large text or language. Only on the way out: a failed sign-in keeps what the
        clerk at the sign-in screen chose."""
        signed_out, self._clerk_in = self._clerk_in and desk.staff is None, desk.staff is not None
        if signed_out:
            self._to_hall_settings()

    def _to_hall_settings(self) -> None:
        self._back_to_default_language()
        if self.elderly:
            self.toggle_elderly()
        if self.voice is not None and self.voice.enabled != self.voice.default_enabled:
            self.toggle_voice()

    def _chosen_at_home(self) -> None:
        """A choice made at home by someone who then walks away is undone after the idle time."""
        if self.session is not None and self.session.at_home:
            self.view.idle.start()

    def _idle_at_home(self) -> None:
        if self.session is not None and self.session.at_home:
            self._to_hall_settings()

    def _remind_card_aloud(self) -> None:
        """A card left on the reader is said even when voice is off (after the session's end reset it);
        with voice on, the home screen's prompt already begins with it."""
        if self.voice is not None and not self.voice.enabled and self.session.at_home:
            self.voice.say("card_left", self.view.home.card_left.text())

    def _back_to_default_language(self) -> None:
        """Each citizen starts in the hall's language, whatever the last one chose."""
        if language() != self.default_language:
            set_language(self.default_language)
            self.retranslate()

    def toggle_language(self) -> None:
        set_language("en" if language() == "zh_CN" else "zh_CN")
        self.retranslate()
        self._chosen_at_home()

    def toggle_voice(self) -> None:
        if self.voice is not None:
            self.voice.toggle()
        self.retranslate()
        self._chosen_at_home()

    def repeat_voice(self) -> None:
        if self.voice is not None:
            self.voice.repeat()

    def toggle_elderly(self) -> None:
        self.elderly = not self.elderly
        self._apply_theme()
        if self.session is not None:  # the kiosk's view: elderly mode doubles the citizen's times
            self.view.set_elderly(self.elderly)
        self.retranslate()
        self._chosen_at_home()

    def set_display(self, display: Display) -> None:
        """The screen the window is shown on (its real size sets the type), e.g. from the configuration."""
        self.display = display
        if hasattr(self.view, "set_display"):  # the kiosk's: narrower rows on a narrow screen
            self.view.set_display(display)
        self._apply_theme()
        self._name_hall()  # the header's words for the screen's width
        self._update_clock()

    def _apply_theme(self) -> None:
        self.restyle(self.display, self.elderly)

    def restyle(self, display: Display, large: bool) -> None:
        """The style only: the display's standard sizes on the application (every widget restyled: only when the
        display changes), large text on the header, the footer and the view over it. A kiosk's view restyles the
        screen shown at once and the hidden ones one at a time (ui/page_stack.py), so a tap on the large-text
        button does not hold the screen for a third of a second."""
        app = QApplication.instance()
        standard = stylesheet(Theme(display, False))
        if app.styleSheet() != standard:
            app.setStyleSheet(standard)
        overlay = stylesheet(Theme(display, True)) if large else ""
        for part in (self._header, self._footer):
            if part.styleSheet() != overlay:
                part.setStyleSheet(overlay)
        if isinstance(self.view, PageStack):
            self.view.set_page_style(overlay)
        elif self.view.styleSheet() != overlay:
            self.view.setStyleSheet(overlay)
