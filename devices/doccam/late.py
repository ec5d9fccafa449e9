"""A document camera built late: its driver (OpenCV, numpy, the page finder: about 200 ms of imports
and set-up, the largest single cost of a terminal's start) is built on the device's own worker once
the rest of the terminal is up, so the home screen and the card reader do not wait for it.

It stands where the real driver stands (``Devices.document_camera``) from the start: its health
says "starting" until the driver exists, then mirrors the driver's; capture and self-test go to the
driver, waiting behind its construction on the worker like any other call; its live view is None
until the driver exists.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from common.i18n import N_, text
from devices.doccam.base import CapturedPage, CaptureError, DocumentCamera, PreviewView
from devices.health import DeviceState, Health, SelfTestResult
from devices.worker import on_worker

log = logging.getLogger(__name__)

MSG_STARTING = N_("The document camera is starting.")
WAIT_FOR_TERMINAL_S = 10.0  # build anyway after this long, whatever the rest of the terminal does


class LateDocumentCamera(DocumentCamera):
    def __init__(self, name: str, build: Callable[[], DocumentCamera], after: threading.Event) -> None:
        super().__init__(name)
        self._build, self._after = build, after
        self._real: DocumentCamera | None = None
        self.health.set_state(DeviceState.OFFLINE, text(MSG_STARTING))

    @on_worker
    def _open(self) -> None:
        self._after.wait(WAIT_FOR_TERMINAL_S)
        real = self._build()
        real.set_call_timeouts(self.call_timeouts)
        real.health.subscribe(self._mirror)
        self._real = real
        real.start()
        self._mirror(real.health.snapshot())

    def _mirror(self, health: Health) -> None:
        self.health.set_state(health.state, health.reason)

    @on_worker
    def _close(self) -> None:
        if self._real is not None:
            self._real.stop()

    def latest_view(self) -> PreviewView | None:
        """None until the driver exists, then the driver's (never waits for the build)."""
        real = self._real
        return None if real is None else real.latest_view()

    @on_worker
    def _capture(self) -> CapturedPage:
        return self._real.capture()

    def capture_card(self, timeout_s: float | None = None) -> Any:
        real = self._real
        if real is None:
            raise CaptureError(text(MSG_STARTING))
        return real.capture_card(timeout_s or self.call_timeouts.capture_s)

    def id_card_copy(self, front: Any, back: Any) -> CapturedPage:
        real = self._real
        if real is None:
            raise CaptureError(text(MSG_STARTING))
        return real.id_card_copy(front, back)

    def held_s(self, now: float | None = None) -> float:
        """The longer of this worker's call and the driver's (a capture waits on the driver's worker)."""
        real = self._real
        return max(super().held_s(now), 0.0 if real is None else real.held_s(now))

    @on_worker
    def _self_test(self) -> SelfTestResult:
        return self._real.self_test()

    def __getattr__(self, name: str):
        """What a driver has beyond the interface (a simulator's controls, a preview), once it exists."""
        real = self.__dict__.get("_real")
        if real is None:
            raise AttributeError(f"{name} (the document camera is still starting)")
        return getattr(real, name)
