"""The health model every device shares: a state, a plain-language reason, counters, a self-test."""

from __future__ import annotations

import enum
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from common.i18n import N_, Text, text

log = logging.getLogger(__name__)


class DeviceState(enum.Enum):
    READY = "ready"
    BUSY = "busy"
    OFFLINE = "offline"
    ERROR = "error"

    @property
    def label(self) -> Text:
        return text(_STATE_LABELS[self.value])


_STATE_LABELS = {"ready": N_("Ready"), "busy": N_("Busy"), "offline": N_("Offline"), "error": N_("Error")}


@dataclass(frozen=True)
class Health:
    device: str
    state: DeviceState
    reason: Text | None
    counters: dict[str, int]
    since: float  # time.monotonic() of the last state change: a clock set back or ahead moves no grace

    @property
    def out_of_order(self) -> bool:
        """In error, or offline for a reason its driver gave. A device not opened yet is offline with no reason
        (every driver gives one): not out of order, or a kiosk at start-up would hide what it has for a moment."""
        if self.state is DeviceState.OFFLINE:
            return self.reason is not None
        return self.state is DeviceState.ERROR


@dataclass(frozen=True)
class SelfTestResult:
    device: str
    ok: bool
    message: Text
    details: dict[str, str] = field(default_factory=dict)


# a state shown: the one before, the new one, its reason, whom to tell
_Change = tuple[DeviceState, DeviceState, "Text | None", list[Callable[[Health], None]]]


class HealthTracker:
    """Holds a device's state. Every transition passes through :meth:`set_state` (logged, notified).

    :meth:`hold` shows ERROR with a reason over whatever the driver says until :meth:`release`: a device stuck in a
    call that never returns (kiosk/held_devices.py) stays marked while a thread of the driver's own (a camera's feed)
    goes on setting its state, and once released it shows the last state the driver set."""

    def __init__(self, device: str, state: DeviceState = DeviceState.OFFLINE, reason: Text | None = None) -> None:
        self._device = device
        self._lock = threading.Lock()
        self._state = state
        self._reason = reason
        self._since = time.monotonic()
        self._counters: dict[str, int] = {}
        self._listeners: list[Callable[[Health], None]] = []
        self._under: tuple[DeviceState, Text | None] | None = None  # held: what the driver last set, shown on release

    def subscribe(self, listener: Callable[[Health], None]) -> None:
        with self._lock:
            self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[Health], None]) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def set_state(self, state: DeviceState, reason: Text | None = None) -> None:
        with self._lock:
            if self._under is not None:  # held: kept for the release, the hold still shown
                self._under = (state, reason)
                return
            change = self._change(state, reason)
        self._notify(change)

    def hold(self, reason: Text) -> None:
        """ERROR with ``reason`` shown until :meth:`release`, whatever the driver sets meanwhile."""
        with self._lock:
            if self._under is None:
                self._under = (self._state, self._reason)
            change = self._change(DeviceState.ERROR, reason)
        self._notify(change)

    def release(self) -> None:
        """The hold ends: the state the driver last set is shown."""
        with self._lock:
            under, self._under = self._under, None
            change = self._change(*under) if under is not None else None
        self._notify(change)

    @property
    def held(self) -> bool:
        return self._under is not None

    def _change(self, state: DeviceState, reason: Text | None) -> _Change | None:
        """Under the lock: the state shown set; what to log and whom to tell, or None when nothing changed."""
        if state == self._state and reason == self._reason:
            return None
        previous = self._state
        self._state, self._reason, self._since = state, reason, time.monotonic()
        return previous, state, reason, list(self._listeners)

    def _notify(self, change: _Change | None) -> None:
        if change is None:
            return
        previous, state, reason, listeners = change
        log.info("%s: %s -> %s%s", self._device, previous.value, state.value,
                 f" ({reason.render('en')})" if reason else "")
        snapshot = self.snapshot()
        for listener in listeners:
            try:
                listener(snapshot)
            except Exception:  # a listener's bug must not kill the device thread
                log.exception("%s: health listener failed", self._device)

    def count(self, counter: str, n: int = 1) -> None:
        with self._lock:
            self._counters[counter] = self._counters.get(counter, 0) + n

    @property
    def state(self) -> DeviceState:
        return self._state

    def snapshot(self) -> Health:
        with self._lock:
            return Health(self._device, self._state, self._reason, dict(self._counters), self._since)
