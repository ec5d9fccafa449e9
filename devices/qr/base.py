"""The QR scanner interface: it reports each code once per presentation."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from devices.base import Device
from devices.events import Listeners

if TYPE_CHECKING:  # numpy costs 0.2 s of imports; a scanner without a camera never needs it
    import numpy as np


@dataclass(frozen=True)
class CodeScanned:
    text: str
    raw: bytes = b""
    # Where the code was in the camera frame (float32 (4, 2): TL, TR, BR, BL), None for scanners
    # that do not say (serial, keyboard wedge, simulator).
    corners: np.ndarray | None = field(default=None, repr=False, compare=False)
    source: str = ""  # "camera", "serial", "sim"


class QrScanner(Device):
    kind = "qr_scanner"

    def __init__(self, name: str, poll_interval_s: float | None = None) -> None:
        super().__init__(name, poll_interval_s=poll_interval_s)
        self.events: Listeners[CodeScanned] = Listeners(f"{name} events")

    def preview(self) -> np.ndarray | None:
        """A small BGR picture of what the scanner sees, for the UI; None if it has no camera."""
        return None


class PresentationTracker:
    """Reports a code once per presentation: when it appears, not again while it stays in view.

    A code counts as taken away once it has been missing for ``gone_after_s`` seconds of frames
    (a few frames where blur hides it do not make it new again). Only missing *frames* count: if
    no frame arrives at all (a stalled camera), nothing is forgotten.
    """

    def __init__(self, gone_after_s: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.gone_after_s = gone_after_s
        self._clock = clock
        self._last_seen: dict[str, float] = {}

    def update(self, texts: list[str], now: float | None = None) -> list[str]:
        """Feed the codes of one frame; returns those newly presented, in frame order."""
        now = self._clock() if now is None else now
        for text, seen in list(self._last_seen.items()):
            if text not in texts and now - seen > self.gone_after_s:
                del self._last_seen[text]
        new = [t for t in dict.fromkeys(texts) if t not in self._last_seen]
        for text in texts:
            self._last_seen[text] = now
        return new

    def forget(self) -> None:
        self._last_seen.clear()

    @property
    def in_view(self) -> list[str]:
        return list(self._last_seen)
