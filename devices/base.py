"""What every device has: a name, a health tracker, a worker thread, a self-test."""

from __future__ import annotations

import logging

from devices.call_timeouts import CallTimeouts
from devices.health import HealthTracker, SelfTestResult
from devices.worker import DeviceWorker

log = logging.getLogger(__name__)


class Device:
    kind = "device"
    installed = True  # False: configured as absent (``type = "none"``), left out of the terminal's device list
    call_timeouts = CallTimeouts()

    def __init__(self, name: str, *, poll_interval_s: float | None = None) -> None:
        self.name = name
        self.health = HealthTracker(name)
        poll = self._poll if poll_interval_s is not None else None
        self._worker = DeviceWorker(name, poll=poll, poll_interval_s=poll_interval_s or 0.2)

    def start(self) -> None:
        """Start the worker thread and open the device on it."""
        self._worker.start()
        self._worker.submit(self._open)

    def stop(self) -> None:
        if self._worker.running:
            try:
                self._worker.call(self._close, timeout_s=self.call_timeouts.close_s)
            except Exception:  # stopping goes on: the worker is stopped below whatever the driver did
                log.warning("%s: closing failed while stopping", self.name, exc_info=True)
        self._worker.stop()

    def held_s(self, now: float | None = None) -> float:
        """How long the call running on this device's worker now has run (0: none); see devices/worker.py."""
        return self._worker.held_s(now)

    def set_call_timeouts(self, timeouts: CallTimeouts) -> None:
        self.call_timeouts = timeouts

    def self_test(self, timeout_s: float | None = None) -> SelfTestResult:
        return self._worker.call(self._self_test, timeout_s=timeout_s or self.call_timeouts.self_test_s)

    # Driver hooks, run on the worker thread.
    def _open(self) -> None:
        raise NotImplementedError

    def _close(self) -> None:
        pass

    def _poll(self) -> None:
        pass

    def _self_test(self) -> SelfTestResult:
        raise NotImplementedError


class FaultInjection:
    """Simulators take faults on command, so tests and the demo can break them on purpose."""

    faults: tuple[str, ...] = ()

    def __init__(self) -> None:
        self._faults: set[str] = set()

    def inject(self, fault: str) -> None:
        if fault == "clear":
            self._faults.clear()
            return
        if fault not in self.faults:
            raise ValueError(f"unknown fault {fault!r}; this simulator knows: {', '.join(self.faults)}, clear")
        self._faults.add(fault)

    def clear(self, fault: str) -> None:
        self._faults.discard(fault)

    def fault(self, fault: str) -> bool:
        return fault in self._faults
