"""Devices held by a call that never returned: marked in error, and the terminal started afresh once nobody uses it.

Each device's I/O runs on its own worker thread (devices/worker.py). A driver stuck inside a call that never
returns (a vendor's reader library, a camera's driver, a write to a port whose far end has stopped reading) holds
that thread for good: a thread cannot be stopped from outside, and a caller that stopped waiting only frees itself.
The device then answers nothing, while its health still says what it said before the call.

:meth:`HeldDevices.look` finds each device whose running call has passed ``supervisor.device_held_s``. The bound is
never less than twice the longest call a caller waits for (``[device_calls]``): a licence printed within a
``document_print_s`` set to 300 s is not a hung printer. The first look that finds one logs it and sets its health to
ERROR with a plain reason (maintenance's device list, the heartbeat's report to the hall), held there
(``HealthTracker.hold``) whatever a thread of the driver's own (a camera's feed) sets meanwhile; a look that finds it
let go releases it, and it shows what its driver set last. A thread of its own looks every ``LOOK_EVERY_S``.

Under ``kiosk supervise`` the terminal's signs of life say so while nobody uses it (kiosk/liveness.py ``HELD``), and
the supervisor starts it afresh: a new process is the only way to get the thread, and the port or library it holds,
back. The signs of life only ask :meth:`HeldDevices.any` each second, which reads each worker's start time and marks
nothing, so the GUI thread never waits on a health listener or the log. The window's desk asks
:meth:`HeldDevices.holds` when a scan fails, and tells the clerk to sign out.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from typing import Sequence

from common.i18n import N_, text
from devices.base import Device
from devices.call_timeouts import CallTimeouts

log = logging.getLogger(__name__)

LOOK_EVERY_S = 5.0  # how often the devices are looked at
MSG_HELD = N_("The device has stopped answering. The terminal will start again when nobody is using it.")


def held_bound_s(device_held_s: float, calls: CallTimeouts) -> float:
    """``supervisor.device_held_s``, raised to twice the longest wait of ``calls`` where that is longer."""
    return max(device_held_s, 2 * max(dataclasses.astuple(calls)))


class HeldDevices:
    def __init__(self, devices: Sequence[Device], bound_s: float) -> None:
        self._devices = list(devices)
        self.bound_s = bound_s
        self._lock = threading.Lock()
        self._marked: set[str] = set()  # the devices whose health this holds in error
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="held-devices", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(LOOK_EVERY_S):
            try:
                self.look()
            except Exception:  # a listener's or a driver's bug must not end the looking
                log.exception("held devices: a look failed")

    def look(self, now: float | None = None) -> tuple[str, ...]:
        """The names of the devices held past the bound now; marks and unmarks their health."""
        now = time.monotonic() if now is None else now
        with self._lock:
            held = []
            for device in self._devices:
                held_s = device.held_s(now)
                if held_s >= self.bound_s:
                    held.append(device.name)
                    if device.name not in self._marked:
                        self._mark(device, held_s)
                elif device.name in self._marked:
                    self._unmark(device)
            return tuple(held)

    def holds(self, device: Device, now: float | None = None) -> bool:
        """Whether ``device`` is held past the bound now (the window's clerk is told to sign out); reads only."""
        return device.held_s(now) >= self.bound_s

    def any(self, now: float | None = None) -> bool:
        """Whether a device is held past the bound now: each worker's start time read, nothing marked, no lock (the
        signs of life ask it each second on the GUI thread)."""
        now = time.monotonic() if now is None else now
        return any(self.holds(device, now) for device in self._devices)

    def _mark(self, device: Device, held_s: float) -> None:
        self._marked.add(device.name)
        log.error("%s: a call has run %.0f s (the bound: %g s) and holds the device's thread; marked in error until it "
                  "returns or the terminal is started afresh", device.name, held_s, self.bound_s)
        device.health.hold(text(MSG_HELD))

    def _unmark(self, device: Device) -> None:
        self._marked.discard(device.name)
        log.warning("%s: the call that held the device has returned", device.name)
        device.health.release()
