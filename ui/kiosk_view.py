"""The citizen kiosk: one screen per session step, and the idle timeout that warns, then wipes the session."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Callable, Iterator

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from kiosk.timeouts import ELDERLY_TIME_FACTOR
from ui.display import DESIGN_HEIGHT, Display
from ui.idle_warning import USER_INPUT, IdleWarning
from ui.page_stack import PageStack
from ui.qt_messages import native_while_loading
from ui.rating import RatingPanel
from ui.screens.home import HomeScreen
from ui.theme import narrow
from ui.wait_band import WaitBand
from ui.wedge import WedgeFilter
from ui.widgets import Screen, forget_clipboard, forget_histories

if TYPE_CHECKING:
    from kiosk.config import TerminalConfig
    from kiosk.workflows.citizen import CitizenSession, Step
    from ui.bridge import DeviceBridge


# After the terminal came up (``terminal.warm_up_after_s``), the screens not built yet are built one per
# turn of the event loop, so the first citizen's taps find them ready; until then a screen is built the
# first time it is shown.


class Screens(Mapping):
    """The kiosk's screens by session step, each built the first time it is asked for.

    Building every screen at start-up (and importing their modules) made the terminal usable later
    (kiosk bench ui, 'usable'); a screen nobody asked for costs nothing until the warm-up builds it.
    """

    def __init__(self, factories: dict, on_built: Callable[[Screen], None]) -> None:
        self._factories = factories
        self._built: dict = {}
        self._on_built = on_built

    def __getitem__(self, step: "Step") -> Screen:
        screen = self._built.get(step)
        if screen is None:
            screen = self._built[step] = self._factories[step]()
            self._on_built(screen)  # into the stack (once: a shared screen is already there)
        return screen

    def __iter__(self) -> Iterator:
        return iter(self._factories)

    def __len__(self) -> int:
        return len(self._factories)

    def built(self) -> set[Screen]:
        return set(self._built.values())

    def build_next(self) -> bool:
        """Build one screen not built yet; False when every one is."""
        step = next((step for step in self._factories if step not in self._built), None)
        if step is None:
            return False
        self[step]
        return True


class KioskView(PageStack):
    """The home screen at once; the session and the other screens when the services are built (:meth:`attach`)."""

    card_left_shown = Signal()  # a session ended with the citizen's card still on the reader
    warmed_up = Signal()  # every screen is built: what the terminal keeps for its life exists now

    def __init__(self) -> None:
        super().__init__()
        self.home = HomeScreen()
        self.addWidget(self.home)
        self.session: CitizenSession | None = None
        self.screens: Mapping = {}
        self.narrow = self.short = False  # a landscape screen narrower or shorter than the design: see set_display
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.timeout.connect(self._idle_up)
        self.warning = IdleWarning(self)  # the countdown before an idle session ends, inside the view
        self.warning.more_time.connect(self.idle.start)
        self.wait_band = WaitBand(self, under=self.warning)  # "still working" while the session waits
        self.home_notice = QTimer(self)  # a message at home goes after terminal.home_notice_s, touched or not
        self.home_notice.setSingleShot(True)
        self.home_notice.timeout.connect(self._home_notice_up)
        self._home_notice_s = 60.0
        self._notice_timed = None  # the home message the timer runs for (a refresh does not restart it)
        self.elderly = False
        self.second_ms = 1000  # the timers' second (tests shorten it)
        self._idle_s = self._warning_s = 0.0
        self.card_on_reader = False  # a card read and not lifted since: reminded of at home
        self.wedge = WedgeFilter(self)  # keyboard-wedge scanners type fast and press Enter
        self.online_check = QTimer(self)
        self.warm_up = QTimer(self)
        self.warm_up.setSingleShot(True)
        self.warm_up.timeout.connect(self._warm_next)

    def attach(self, session: CitizenSession, bridge: DeviceBridge, terminal: TerminalConfig,
               backend_online: Callable[[], bool] | None = None, social_security_card: bool = False) -> None:
        from kiosk.workflows.citizen import Step

        self.session = session
        if backend_online is not None:  # the home screen says what works while the service system is away
            self.online_check.timeout.connect(lambda: self.home.show_offline(not backend_online()))
            self.online_check.start(int(terminal.online_check_s * 1000))
        self.home.bind(session, social_security_card, queue_tickets=terminal.queue_tickets == "on")
        self.screens = Screens(self._factories(session, terminal, social_security_card), self._add)
        self.screens[Step.HOME]
        self._home_notice_s = terminal.home_notice_s
        self.set_timeouts(terminal.idle_timeout_s, terminal.idle_warning_s)
        self.warning.expired.connect(session.timeout)
        bridge.card_read.connect(self._card_placed)  # first: whatever step the read leads to knows it is there
        bridge.card_read.connect(session.card_read)
        bridge.card_removed.connect(self._card_lifted)
        bridge.card_failed.connect(session.card_failed)
        bridge.reader_available.connect(session.reader_available)  # a broken reader is told on the card screen
        bridge.printer_available.connect(session.printer_available)  # a broken A4 printer: no licence offered
        bridge.announce()
        bridge.code_scanned.connect(lambda event: session.code_scanned(event.text))
        self.wedge.scanned.connect(session.code_scanned)
        session.subscribe(lambda _s: self.show_step())
        self.show_step()
        self.warm_up.start(int(terminal.warm_up_after_s * 1000))

    def _factories(self, session: CitizenSession, terminal: TerminalConfig, social_security_card: bool) -> dict:
        """How each step's screen is built; the screens' modules are imported only then."""
        from kiosk.workflows.citizen import Step

        def screen(module: str, name: str, **options) -> Callable[[], Screen]:
            def build() -> Screen:
                with native_while_loading():  # a screen's module may load a Qt library (QtPdf)
                    loaded = importlib.import_module(f"ui.screens.{module}")
                return getattr(loaded, name)(session, **options)
            return build

        return {
            Step.HOME: lambda: self.home,
            Step.CONSENT: screen("application", "ConsentScreen"),
            Step.READ_CARD: screen("citizen", "ReadCardScreen", social_security_card=social_security_card),
            Step.IDENTIFIED: screen("citizen", "IdentityScreen"),
            Step.CHOOSE_SERVICE: screen("citizen", "ServicesScreen"),
            Step.GUIDE: screen("application", "GuideScreen", queue_tickets=terminal.queue_tickets == "on"),
            Step.WHO: screen("application", "WhoScreen"),
            Step.COMPANY: screen("application", "CompanyScreen"),
            Step.PRINCIPAL: screen("application", "PrincipalScreen"),
            Step.FORM: screen("form", "FormScreen"),
            Step.LICENCE_CONSENT: screen("materials", "LicenceConsentScreen"),
            Step.MATERIALS: screen("materials", "MaterialsScreen"),
            Step.CAPTURE: screen("materials", "CaptureScreen"),
            Step.SIGNATURE: screen("materials", "SignatureScreen"),
            Step.INCOMPLETE: screen("materials", "IncompleteScreen"),
            Step.CONFIRM: screen("citizen", "ConfirmScreen"),
            Step.SUBMITTING: screen("citizen", "SubmittingScreen"),
            Step.PAYMENT: screen("payment", "PaymentScreen", poll_s=terminal.payment_poll_s),
            Step.PRINTING: lambda: self.screens[Step.SUBMITTING],  # one waiting screen, its text by step
            Step.LICENCES: screen("citizen", "LicencesScreen"),
            Step.LICENCE_PREVIEW: screen("licence_preview", "LicencePreviewScreen"),
            Step.MY_CASES: screen("cases", "MyCasesScreen"),
            Step.PROGRESS: screen("citizen", "ProgressScreen"),
            Step.DONE: screen("citizen", "DoneScreen", queue_tickets=terminal.queue_tickets == "on"),
            Step.FAILED: screen("citizen", "FailedScreen"),
            Step.WITHDRAW: screen("withdrawal", "WithdrawScreen"),
            Step.WITHDRAWN: screen("withdrawal", "WithdrawnScreen"),
        }

    def _add(self, screen: Screen) -> None:
        if self.indexOf(screen) < 0:
            self.addWidget(screen)
        self._fit(screen)

    def _warm_next(self) -> None:
        if not isinstance(self.screens, Screens):
            return
        if self.screens.build_next():
            self.warm_up.start(0)
        else:
            self.warmed_up.emit()

    def current_screen(self) -> Screen:
        return self.screens[self.session.step] if self.session is not None else self.home

    def show_step(self) -> None:
        screen = self.current_screen()
        screen.refresh(self.session)
        self.wait_band.follow(self.session is not None and self.session.busy and not self.session.at_home)
        show_card_on_reader = getattr(screen, "show_card_on_reader", None)
        if show_card_on_reader is not None:  # asked for a card that lies there already: lift and lay it again
            show_card_on_reader(self.card_on_reader)
        self.setCurrentWidget(screen)
        if screen is not self.home:
            self.home_notice.stop()
            self._notice_timed = None
        if screen is self.home:
            self.idle.stop()
            self.warning.stop()
            if self.session.notice is None:
                self.home_notice.stop()
            elif self.session.notice is not self._notice_timed:  # a message at home (a number taken, a code it
                self.home_notice.start()  # cannot use) is not left for the next citizen: it goes after a while
            self._notice_timed = self.session.notice
            newly_left = self.card_on_reader and self.home.card_left.isHidden()
            self.home.show_card_left(self.card_on_reader)
            if newly_left:
                self.card_left_shown.emit()
            for other in self.screens.built():
                if other is not screen:  # home keeps the message it has just been given (a code it cannot use)
                    other.forget()  # nothing one citizen typed waits in a hidden screen for the next
            forget_clipboard()  # nor what they copied
            forget_histories(self)  # nor what they typed, in a field's undo history however it was emptied
        elif not self.warning.warning:  # a new screen while warned does not extend: only "More time" does
            self.idle.start()
        else:
            self.warning.raise_()  # above the new screen, which the stack has just raised

    def retranslate(self) -> None:
        self.current_screen().refresh(self.session)
        self.warning.retranslate()
        self.wait_band.retranslate()

    def set_timeouts(self, idle_s: float, warning_s: float) -> None:
        """The idle timeout and its warning (configuration; a running countdown keeps its start)."""
        self._idle_s, self._warning_s = idle_s, warning_s
        self._apply_timeouts()

    @property
    def warning_s(self) -> float:
        """The configured warning before an idle session ends (before elderly mode doubles it)."""
        return self._warning_s

    def set_second_ms(self, ms: int) -> None:
        """How long the timers' second lasts: 1000, but tests shorten it so a 20 s countdown passes quickly."""
        self.second_ms = ms
        self._apply_timeouts()

    def set_display(self, display: Display) -> None:
        """A landscape screen narrower than the design (an old 4:3 kiosk's 1024 x 768): less air on the screens with
        the keyboard (``Screen.narrow``) and the result screen's rating in narrower rows (ui/rating.py ``narrow``),
        on the screens built and those built later (the style itself: ui/theme.py ``narrow``)."""
        self.narrow, self.short = narrow(display), not display.portrait and display.height_px < DESIGN_HEIGHT
        for screen in self.screens.built() if isinstance(self.screens, Screens) else ():
            self._fit(screen)

    def _fit(self, screen: Screen) -> None:
        screen.narrow(self.narrow, self.short)
        rating = getattr(screen, "rating", None)
        if isinstance(rating, RatingPanel):
            rating.narrow(self.narrow)

    def set_elderly(self, elderly: bool) -> None:
        """Elderly mode doubles the citizen's times and enlarges the "More time" button."""
        self.elderly = elderly
        self.warning.set_elderly(elderly)
        self._apply_timeouts()

    def _factor(self) -> int:
        return ELDERLY_TIME_FACTOR if self.elderly else 1

    def _apply_timeouts(self) -> None:
        self.idle.setInterval(int(self._idle_s * self._factor() * self.second_ms))
        self.home_notice.setInterval(int(self._home_notice_s * self._factor() * self.second_ms))
        self.warning.second_ms = self.wait_band.second_ms = self.second_ms

    def _card_placed(self, _identity) -> None:
        self.card_on_reader = True

    def _card_lifted(self) -> None:
        self.card_on_reader = False
        self.home.show_card_left(False)
        shown = self.current_screen()
        if hasattr(shown, "show_card_on_reader"):
            shown.show_card_on_reader(False)

    def _idle_up(self) -> None:
        """No touch for the idle time: warn, and end the session only when the countdown runs out."""
        if self.session is not None and not self.session.at_home:
            self.warning.start(round(self._warning_s * self._factor()))

    def _home_notice_up(self) -> None:
        if self.session is not None:
            self.session.clear_home_notice()

    def user_active(self) -> None:
        if self.idle.isActive():
            self.idle.start()


class ActivityFilter(QObject):
    """The kiosk's one filter on the input of its window: a touch, click or key press anywhere restarts
    the idle timer, and key presses go on to the keyboard-wedge scanner's filter (ui/wedge.py).

    Installed on the window system's window (``QWindow``), where every input event arrives once,
    before Qt hands it to a widget. On the application it saw each key press twice (at the window, then
    at the focused widget), so a wedge scanner's first character came out doubled ("aabcd1234" for
    "abcd1234"; without ``swallow`` every character); and it was called for every event of the app
    (paints, layouts, timers), each call a crossing into Python, the first ones making PySide build
    the enum types of nearly every Qt class: about 170, 60-100 ms of the GUI thread at start-up."""

    def __init__(self, view: KioskView) -> None:
        super().__init__()
        self._view = view

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in USER_INPUT:
            return False
        self._view.user_active()
        return kind == QEvent.Type.KeyPress and self._view.wedge.eventFilter(watched, event)
