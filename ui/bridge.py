"""Device events, carried onto the GUI thread as Qt signals (background results: ui/dispatcher.py).

Device listeners run on each device's worker thread; the signals here are
emitted there and delivered (queued) to slots on the GUI thread. Nothing in
this module touches a device's I/O.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from devices.health import Health
from devices.idcard.base import CardEvent, CardRead, CardRemoved, ReadFailed
from devices.qr.base import CodeScanned
from kiosk.app import Devices


class DeviceBridge(QObject):
    card_read = Signal(object)       # Identity
    card_removed = Signal()
    card_failed = Signal(object)     # common.i18n.Text
    code_scanned = Signal(object)    # CodeScanned
    health_changed = Signal(object)  # Health
    reader_available = Signal(bool)  # the ID reader is not out of order (Health.out_of_order)
    printer_available = Signal(bool)  # nor the A4 document printer

    def __init__(self, devices: Devices) -> None:
        super().__init__()
        self._devices = devices
        devices.id_reader.events.subscribe(self._on_card)
        devices.ss_card_reader.events.subscribe(self._on_card)  # the social security card identifies alike
        devices.qr_scanner.events.subscribe(self._on_code)
        for device in devices.all():
            device.health.subscribe(self._on_health)

    def detach(self) -> None:
        """Stop listening, so no device thread holds (or emits on) this object after it is gone."""
        self._devices.id_reader.events.unsubscribe(self._on_card)
        self._devices.ss_card_reader.events.unsubscribe(self._on_card)
        self._devices.qr_scanner.events.unsubscribe(self._on_code)
        for device in self._devices.all():
            device.health.unsubscribe(self._on_health)

    def _on_card(self, event: CardEvent) -> None:
        if isinstance(event, CardRead):
            self.card_read.emit(event.identity)
        elif isinstance(event, CardRemoved):
            self.card_removed.emit()
        elif isinstance(event, ReadFailed):
            self.card_failed.emit(event.message)

    def _on_code(self, event: CodeScanned) -> None:
        self.code_scanned.emit(event)

    def _on_health(self, health: Health) -> None:
        self.health_changed.emit(health)
        if health.device == self._devices.id_reader.name:
            self.reader_available.emit(not health.out_of_order)
        if health.device == self._devices.document_printer.name:
            self.printer_available.emit(not health.out_of_order)

    def healths(self) -> list[Health]:
        """Each of the terminal's devices' health now."""
        return [device.health.snapshot() for device in self._devices.all()]

    def announce(self) -> None:
        """What the availability signals would have said before anyone listened (a device opened early)."""
        self.reader_available.emit(not self._devices.id_reader.health.snapshot().out_of_order)
        if self._devices.document_printer.installed:
            self.printer_available.emit(not self._devices.document_printer.health.snapshot().out_of_order)

