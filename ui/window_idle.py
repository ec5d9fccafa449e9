"""The clerk's window signs an idle clerk out.

A window left signed in while the clerk walks away lets anyone act in their name. After
``terminal.window_idle_timeout_s`` without a touch, key or card, the kiosk's warning band
(``ui/idle_warning.py``, in the window's words) counts ``terminal.window_idle_warning_s`` down; a touch or
a key anywhere on the window, or its "Stay signed in" button, ends it and the clerk stays. At zero the desk
signs the clerk out (``ClerkDesk.sign_out_idle``, audited ``signed_out_idle``): the applicant's matter ends
as at "Sign out", nothing of it kept.

Never while the desk works on a decision (an acceptance, a notice, a refusal, a hand-over in flight): the
timer stands still while the desk is busy and starts again, whole, when it is done. Unlike the kiosk, a
touch anywhere dismisses the warning: the screen faces the clerk behind the counter, and whoever can touch
it could as well press the button.

Both times are declared in ``kiosk/timeouts.py``: a wrong value (negative, NaN, a string) is refused at
start with the key named, as every timeout of the terminal. The backend may set both (remote configuration,
applied by ``MainWindow.apply_config`` through ``set_times`` on the GUI thread), as the kiosk's idle times.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from common.i18n import N_, Text, plural_text
from kiosk.workflows.clerk import ClerkDesk, Desk
from ui.idle_warning import USER_INPUT, IdleWarning


def signed_out_soon(seconds: int) -> Text:
    return plural_text("No touch for a while. You will be signed out in {s} second.",
                       "No touch for a while. You will be signed out in {s} seconds.", seconds, s=seconds)


class WindowIdle(QObject):
    """The idle timer and its warning over ``view``; ``activity`` is the filter for the window's input."""

    def __init__(self, view: QWidget, desk: ClerkDesk, idle_s: float, warning_s: float) -> None:
        super().__init__(view)
        self._desk = desk
        self.second_ms = 1000  # the timers' second (tests and the window monkey shorten it)
        self._idle_s, self._warning_s = idle_s, warning_s
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.timeout.connect(self._idle_up)
        self.warning = IdleWarning(view, signed_out_soon, N_("Stay signed in"))
        self.warning.more_time.connect(self.user_active)
        self.warning.expired.connect(self._expired)
        self.activity = ActivityFilter(self)
        self._apply()
        desk.subscribe(self._desk_changed)

    def set_second_ms(self, ms: int) -> None:
        """How long the timers' second lasts: 1000; tests shorten it so the countdown passes quickly."""
        self.second_ms = ms
        self._apply()

    def set_times(self, idle_s: float, warning_s: float) -> None:
        """The backend's remote configuration (on the GUI thread): a running idle timer starts again with the new
        time; a countdown under way finishes as it started, the next one is the new one."""
        self._idle_s, self._warning_s = idle_s, warning_s
        self._apply()

    def _apply(self) -> None:
        self.idle.setInterval(int(self._idle_s * self.second_ms))  # a running timer starts again with it
        self.warning.second_ms = self.second_ms
        if self.warning.warning:  # a countdown under way goes on at the new second
            self.warning.tick.start(self.second_ms)

    def user_active(self) -> None:
        """A touch, a key or a card: the warning goes and the idle time starts again."""
        if self._desk.step is Desk.SIGNED_OUT:
            return
        self.warning.stop()
        if not self._desk.busy:
            self.idle.start()

    def stop(self) -> None:
        self.idle.stop()
        self.warning.stop()

    def retranslate(self) -> None:
        if self.warning.warning:
            self.warning.retranslate()

    def _desk_changed(self, desk: ClerkDesk) -> None:
        if desk.step is Desk.SIGNED_OUT or desk.busy:  # nobody to sign out, or a decision in flight: wait
            self.stop()
        elif not self.idle.isActive() and not self.warning.warning:
            self.idle.start()  # signed in, or the desk's work done: the whole idle time again
        elif self.warning.warning:
            self.warning.raise_()  # above the screen the stack may have just raised

    def _idle_up(self) -> None:
        if self._desk.step is not Desk.SIGNED_OUT and not self._desk.busy:
            self.warning.start(round(self._warning_s))

    def _expired(self) -> None:
        if not self._desk.sign_out_idle():  # the desk took up work meanwhile: wait for it, then warn again
            self._desk_changed(self._desk)


class ActivityFilter(QObject):
    """On the window system's window (as the kiosk's, ``ui/kiosk_view.py``): every touch, click or key
    reaches it once, before any widget."""

    def __init__(self, idle: WindowIdle) -> None:
        super().__init__(idle)
        self._idle = idle

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in USER_INPUT:
            self._idle.user_active()
        return False
