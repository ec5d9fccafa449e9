"""The QR scanner interface: it reports each code once per presentation."""

from __future__ import annotations

from dataclasses import dataclass

from devices.base import Device
from devices.events import Listeners


@dataclass(frozen=True)
class CodeScanned:
    text: str
    raw: bytes = b""


class QrScanner(Device):
    kind = "qr_scanner"

    def __init__(self, name: str, poll_interval_s: float | None = None) -> None:
        super().__init__(name, poll_interval_s=poll_interval_s)
        self.events: Listeners[CodeScanned] = Listeners(f"{name} events")
