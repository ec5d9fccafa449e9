"""A staff terminal signs an idle staff member out: the clerk at the window, and hall staff at maintenance.

A window left signed in while the clerk walks away lets anyone act in their name; a kiosk left in maintenance
shows its log, its queue and the hall's terminals to whoever comes next. After the idle time without a
touch, key or card, the kiosk's warning band (``ui/idle_warning.py``, in staff's words) counts the warning
time down; a touch or a key anywhere on the window, or its "Stay signed in" button, ends it and the staff
member stays. At zero the seat signs them out (``ClerkDesk.sign_out_idle``,
``MaintenanceAccess.sign_out_idle``, audited ``signed_out_idle``): at the window the applicant's matter ends as at "Sign out", nothing of it kept.

Never while the seat is busy (a decision in flight at the window, a sign-in under way): the timer stands
still and starts again, whole, when it is done. Unlike the kiosk, a touch anywhere dismisses the warning:
the screen faces staff, and whoever can touch it could as well press the button.

The times are declared in ``kiosk/timeouts.py`` (``terminal.window_idle_*``, which the backend may set and
``MainWindow.apply_config`` applies through ``set_times`` on the GUI thread; ``terminal.maintenance_idle_*``,
the site file's): a wrong value (negative, NaN, a string) is refused at start with the key named, as every
timeout of the terminal.
"""

from __future__ import annotations

from typing import Callable, Protocol

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from common.i18n import N_, Text, plural_text
from ui.idle_warning import USER_INPUT, IdleWarning


class StaffSeat(Protocol):
    """Who sits at a staff terminal: ``ClerkDesk`` (kiosk/workflows/clerk.py), ``MaintenanceAccess``
    (kiosk/workflows/maintenance.py)."""

    busy: bool

    @property
    def signed_in(self) -> bool: ...

    def sign_out_idle(self) -> bool: ...

    def subscribe(self, observer: Callable) -> None: ...


def signed_out_soon(seconds: int) -> Text:
    return plural_text("No touch for a while. You will be signed out in {s} second.",
                       "No touch for a while. You will be signed out in {s} seconds.", seconds, s=seconds)


class StaffIdle(QObject):
    """The idle timer and its warning over ``view``; ``activity`` is the filter for the window's input."""

    def __init__(self, view: QWidget, seat: StaffSeat, idle_s: float, warning_s: float) -> None:
        super().__init__(view)
        self._seat = seat
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
        seat.subscribe(self._seat_changed)

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
        if not self._seat.signed_in:
            return
        self.warning.stop()
        if not self._seat.busy:
            self.idle.start()

    def stop(self) -> None:
        self.idle.stop()
        self.warning.stop()

    def retranslate(self) -> None:
        if self.warning.warning:
            self.warning.retranslate()

    def _seat_changed(self, seat: StaffSeat) -> None:
        if not seat.signed_in or seat.busy:  # nobody to sign out, or work in flight: wait
            self.stop()
        elif not self.idle.isActive() and not self.warning.warning:
            self.idle.start()  # signed in, or the desk's work done: the whole idle time again
        elif self.warning.warning:
            self.warning.raise_()  # above the screen the stack may have just raised

    def _idle_up(self) -> None:
        if self._seat.signed_in and not self._seat.busy:
            self.warning.start(round(self._warning_s))

    def _expired(self) -> None:
        if not self._seat.sign_out_idle():  # the seat took up work meanwhile: wait for it, then warn again
            self._seat_changed(self._seat)


class ActivityFilter(QObject):
    """On the window system's window (as the kiosk's, ``ui/kiosk_view.py``): every touch, click or key
    reaches it once, before any widget."""

    def __init__(self, idle: StaffIdle) -> None:
        super().__init__(idle)
        self._idle = idle

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in USER_INPUT:
            self._idle.user_active()
        return False
