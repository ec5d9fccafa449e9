"""Who is at maintenance, as a state machine without Qt: a staff member signed in with the maintenance
role (kiosk/staff_sign_in.py, the window's code path), or whoever knows the break-glass PIN
(kiosk/break_glass.py). Every maintenance action is recorded in the keyed audit trail under the staff
id, or under ``break-glass``, and the trail is pushed to the backend.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from common.i18n import plural_text, text
from common.domain import HallTerminal
from kiosk.audit import AuditTrail
from kiosk.break_glass import Attempt, BreakGlassPin
from kiosk.staff_sign_in import StaffSignIn
from kiosk.tasks import TaskRunner
from kiosk.workflows.clerk import record_and_push
from kiosk.workflows.citizen import Notice, user_message

log = logging.getLogger(__name__)

BREAK_GLASS = "break-glass"  # the audit trail's actor when the PIN unlocked maintenance


class MaintenanceAccess:
    """Signed out, signing in, or unlocked by ``actor``; ``busy`` and ``notice`` for the screens."""

    def __init__(self, *, staff_sign_in: StaffSignIn, break_glass: BreakGlassPin, tasks: TaskRunner,
                 audit: AuditTrail, backend: Any, hall_id: str = "") -> None:
        self._staff_sign_in, self.break_glass, self._tasks = staff_sign_in, break_glass, tasks
        self._audit, self._backend, self._hall_id = audit, backend, hall_id
        self._observers: list[Callable[[MaintenanceAccess], None]] = []
        self.actor = ""  # the staff id, or BREAK_GLASS; "" while locked
        self.staff: dict[str, Any] | None = None
        self.busy = False
        self.notice: Notice | None = None

    def subscribe(self, observer: Callable[[MaintenanceAccess], None]) -> None:
        self._observers.append(observer)

    def _changed(self, notice: Notice | None = None) -> None:
        self.busy, self.notice = False, notice
        for observer in list(self._observers):
            observer(self)

    @property
    def unlocked(self) -> bool:
        return bool(self.actor)

    def record(self, action: str, detail: str = "") -> None:
        """One maintenance action, under whoever unlocked; then the trail is pushed (on the task pool)."""
        if not self.actor:
            return
        record_and_push(self._audit, self._backend, self._tasks, self.actor, action, detail)

    def hall_terminals(self) -> list[HallTerminal] | None:
        """Blocking (the task pool): every terminal of this hall as the backend last heard from it; None when no
        staff member is signed in online (the break-glass PIN, an offline sign-in): the backend answers a staff
        token alone."""
        token = (self.staff or {}).get("token", "")
        if not token:
            return None
        return self._backend.hall_terminals(self._hall_id, token)

    def sign_in(self, staff_id: str, password: str) -> None:
        if self.busy:
            return
        self.busy, self.notice = True, None
        for observer in list(self._observers):
            observer(self)
        self._tasks.run(lambda: self._staff_sign_in.sign_in(staff_id, password, role="maintenance"),
                        self._signed_in, self._sign_in_failed)

    def _signed_in(self, session: dict[str, Any]) -> None:
        self.staff, self.actor = session, session["staff_id"]
        self.record("maintenance_sign_in", "offline" if session.get("offline") else "")
        self._changed()

    def _sign_in_failed(self, exc: BaseException) -> None:
        log.info("maintenance: sign-in refused (%s: %s)", type(exc).__name__, getattr(exc, "detail", ""))
        self._changed(Notice(user_message(exc)))

    def enter_pin(self, pin: str) -> None:
        if self.busy or not self.break_glass.configured:
            return
        self.busy, self.notice = True, None
        for observer in list(self._observers):
            observer(self)
        self._tasks.run(lambda: self.break_glass.attempt(pin), self._pin_answered, self._sign_in_failed)

    def _pin_answered(self, attempt: Attempt) -> None:
        if attempt.unlocked:
            self.staff, self.actor = None, BREAK_GLASS
            self.record("maintenance_unlock", "break-glass PIN")
            self._changed()
            return
        record_and_push(self._audit, self._backend, self._tasks, BREAK_GLASS, "maintenance_pin_refused",
                        "locked" if attempt.locked_for_s else "wrong")
        seconds = attempt.locked_for_s
        self._changed(Notice(plural_text("Too many wrong PINs. Try again in {s} second.",
                                         "Too many wrong PINs. Try again in {s} seconds.", seconds, s=seconds)
                             if seconds else text("Wrong PIN.")))

    @property
    def signed_in(self) -> bool:
        return self.unlocked

    def sign_out(self) -> None:
        self.record("maintenance_sign_out")
        self.staff, self.actor = None, ""
        self._changed()

    def sign_out_idle(self) -> bool:
        """Maintenance was left without a touch or key for its idle time and the warning's (ui/staff_idle.py):
        locked as by "Sign out", audited ``signed_out_idle``. Not while a sign-in is under way: False."""
        if self.busy or not self.actor:
            return False
        self.record("signed_out_idle")
        self.staff, self.actor = None, ""
        self._changed()
        return True
