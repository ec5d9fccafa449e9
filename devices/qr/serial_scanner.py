"""Serial QR scanners (RS-232 or USB virtual COM): each scan is the code's bytes and a line ending."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from devices.health import DeviceState, SelfTestResult
from devices.qr.base import CodeScanned, QrScanner
from devices.qr.text import decode_bytes
from devices.worker import on_worker
from devices.serial_port import IN_USE, PortInUse, open_serial
from common.i18n import text

log = logging.getLogger(__name__)

MAX_SCAN_BYTES = 4096  # a QR code holds at most 2953 bytes; anything longer is line noise


@dataclass(frozen=True)
class SerialQrScannerOptions:
    port: str = "/dev/ttyACM0"
    baudrate: int = 9600
    read_timeout_s: float = 0.05     # one read's wait; a scan arrives within a few of them
    inter_byte_timeout_s: float = 0.3  # a scan without its line ending is taken as complete after this gap
    repeat_suppress_s: float = 1.0   # the same code again within this time is one presentation (continuous mode)
    reconnect_interval_s: float = 1.0


def split_scans(buffer: bytes) -> tuple[list[bytes], bytes]:
    """Complete scans (ended by CR, LF or CRLF) in ``buffer``, and the unfinished rest."""
    scans = []
    start = 0
    i = 0
    while i < len(buffer):
        if buffer[i] in (0x0D, 0x0A):
            if i > start:
                scans.append(buffer[start:i])
            if buffer[i] == 0x0D and i + 1 < len(buffer) and buffer[i + 1] == 0x0A:
                i += 1
            start = i + 1
        i += 1
    return scans, buffer[start:]


class SerialQrScanner(QrScanner):
    def __init__(self, name: str, options: SerialQrScannerOptions) -> None:
        super().__init__(name, poll_interval_s=0.01)
        self.options = options
        self._serial = None
        self._buffer = b""
        self._last_byte_at = 0.0
        self._next_open_at = 0.0
        self._last_text = ""
        self._last_text_at = -1e9

    @on_worker
    def _open(self) -> None:
        self._try_open()

    def _try_open(self) -> bool:
        import serial

        self._next_open_at = time.monotonic() + self.options.reconnect_interval_s
        try:
            self._serial = open_serial(self.options.port, self.options.baudrate,
                                       timeout=self.options.read_timeout_s)
        except PortInUse as exc:
            self._serial = None
            self.health.set_state(DeviceState.OFFLINE, text(IN_USE))
            log.debug("%s: %s", self.name, exc)
            return False
        except (serial.SerialException, OSError, ValueError) as exc:
            self._serial = None
            self.health.set_state(DeviceState.OFFLINE, text("The QR code scanner is not connected."))
            log.debug("%s: cannot open %s: %s", self.name, self.options.port, exc)
            return False
        self._buffer = b""
        self.health.set_state(DeviceState.READY)
        return True

    @on_worker
    def _close(self) -> None:
        port, self._serial = self._serial, None
        if port is not None:
            try:
                port.close()
            except Exception as exc:  # the port is gone either way
                log.debug("%s: closing the port failed: %s", self.name, exc)

    @on_worker
    def _poll(self) -> None:
        import serial

        if self._serial is None:
            if time.monotonic() >= self._next_open_at:
                self._try_open()
            return
        try:
            waiting = self._serial.in_waiting
            chunk = self._serial.read(max(1, waiting))
        except (serial.SerialException, OSError) as exc:
            log.info("%s: lost %s: %s", self.name, self.options.port, exc)
            self._close()
            self.health.count("disconnects")
            self.health.set_state(DeviceState.OFFLINE, text("The QR code scanner is not connected."))
            self._next_open_at = time.monotonic() + self.options.reconnect_interval_s
            return
        now = time.monotonic()
        if chunk:
            self._buffer += chunk
            self._last_byte_at = now
            scans, self._buffer = split_scans(self._buffer)
            if len(self._buffer) > MAX_SCAN_BYTES:
                self._buffer = b""
                self.health.count("overlong_scans")
            for raw in scans:
                self._emit(raw, now)
        elif self._buffer and now - self._last_byte_at > self.options.inter_byte_timeout_s:
            raw, self._buffer = self._buffer, b""  # a scanner set up without a line ending
            self._emit(raw, now)

    def _emit(self, raw: bytes, now: float) -> None:
        message = decode_bytes(raw)
        if message == self._last_text and now - self._last_text_at < self.options.repeat_suppress_s:
            self._last_text_at = now
            return
        self._last_text, self._last_text_at = message, now
        self.health.count("codes_scanned")
        self.events.emit(CodeScanned(message, raw, source="serial"))

    @on_worker
    def _self_test(self) -> SelfTestResult:
        if self._serial is None and not self._try_open():
            return SelfTestResult(self.name, False, text("The QR code scanner is not connected."),
                                  {"port": self.options.port})
        return SelfTestResult(self.name, True, text("The QR code scanner is connected."), {"port": self.options.port})
