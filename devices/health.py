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
    since: float  # time.time() of the last state change


@dataclass(frozen=True)
class SelfTestResult:
    device: str
    ok: bool
    message: Text
    details: dict[str, str] = field(default_factory=dict)


class HealthTracker:
    """Holds a device's state. Every transition passes through :meth:`set_state` (logged, notified)."""

    def __init__(self, device: str, state: DeviceState = DeviceState.OFFLINE, reason: Text | None = None) -> None:
        self._device = device
        self._lock = threading.Lock()
        self._state = state
        self._reason = reason
        self._since = time.time()
        self._counters: dict[str, int] = {}
        self._listeners: list[Callable[[Health], None]] = []

    def subscribe(self, listener: Callable[[Health], None]) -> None:
        with self._lock:
            self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[Health], None]) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def set_state(self, state: DeviceState, reason: Text | None = None) -> None:
        with self._lock:
            if state == self._state and reason == self._reason:
                return
            previous = self._state
            self._state, self._reason, self._since = state, reason, time.time()
            listeners = list(self._listeners)
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
