"""Byte transports for ESC/POS printers. Each implements only: open, write, read, close."""

from __future__ import annotations

import errno
import logging
import os
import select
import socket
import time
from dataclasses import dataclass
from typing import Protocol

from common import names
from devices.errors import DeviceOfflineError, DeviceTimeoutError
from devices.serial_port import IN_USE, PortInUse, open_serial
from common.i18n import N_, text

log = logging.getLogger(__name__)

OFFLINE = N_("The receipt printer is not connected.")


class Transport(Protocol):
    def open(self) -> None: ...
    def write(self, data: bytes) -> None: ...
    def read(self, n: int, timeout_s: float) -> bytes: ...
    def close(self) -> None: ...


@dataclass
class TcpTransport:
    """A network printer (raw TCP, port 9100)."""

    host: str
    port: int = 9100
    timeout_s: float = 5.0
    _sock: socket.socket | None = None

    def open(self) -> None:
        try:  # a printer by name: looked up within the bound, its last address used while the DNS is away
            self._sock = names.tcp_connection(self.host, self.port, self.timeout_s)
        except TimeoutError as exc:
            raise DeviceTimeoutError(text(OFFLINE), detail=str(exc)) from None
        except OSError as exc:
            raise DeviceOfflineError(text(OFFLINE), detail=str(exc)) from None

    def write(self, data: bytes) -> None:
        if self._sock is None:
            self.open()
        assert self._sock is not None
        try:
            self._sock.sendall(data)
        except socket.timeout:
            raise DeviceTimeoutError(detail="send timed out") from None
        except OSError as exc:
            raise DeviceOfflineError(text(OFFLINE), detail=str(exc)) from None

    def read(self, n: int, timeout_s: float) -> bytes:
        if self._sock is None:
            self.open()
        assert self._sock is not None
        self._sock.settimeout(timeout_s)
        try:
            return self._sock.recv(n)
        except socket.timeout:
            return b""
        except OSError as exc:
            raise DeviceOfflineError(text(OFFLINE), detail=str(exc)) from None
        finally:
            self._sock.settimeout(self.timeout_s)

    def close(self) -> None:
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            self._sock.close()
            self._sock = None


@dataclass
class SerialTransport:
    """A printer on a serial or USB-serial port."""

    port: str
    baudrate: int = 9600
    timeout_s: float = 5.0
    _serial: object | None = None

    def open(self) -> None:
        import serial  # pyserial

        try:
            self._serial = open_serial(self.port, self.baudrate, timeout=self.timeout_s, write_timeout=self.timeout_s)
        except PortInUse as exc:
            raise DeviceOfflineError(text(IN_USE), detail=str(exc)) from None
        except serial.SerialException as exc:
            raise DeviceOfflineError(text(OFFLINE), detail=str(exc)) from None

    def write(self, data: bytes) -> None:
        import serial

        if self._serial is None:
            self.open()
        try:
            self._serial.write(data)  # type: ignore[union-attr]
            self._serial.flush()  # type: ignore[union-attr]
        except serial.SerialTimeoutException:
            raise DeviceTimeoutError(detail="serial write timed out") from None
        except serial.SerialException as exc:
            raise DeviceOfflineError(text(OFFLINE), detail=str(exc)) from None

    def read(self, n: int, timeout_s: float) -> bytes:
        if self._serial is None:
            self.open()
        self._serial.timeout = timeout_s  # type: ignore[union-attr]
        return self._serial.read(n)  # type: ignore[union-attr]

    def close(self) -> None:
        if self._serial is not None:
            self._serial.close()  # type: ignore[union-attr]
            self._serial = None


@dataclass
class DeviceFileTransport:
    """A USB printer through the kernel's usblp driver (``/dev/usb/lp0``).

    Opened for reading and writing where the device file allows it: usblp passes a bidirectional
    printer's answers (``DLE EOT`` status) back through ``read``. A unidirectional one answers nothing,
    or the read fails: either way ``read`` returns no bytes within its wait and the status is unknown.
    """

    path: str
    timeout_s: float = 5.0
    _fd: int | None = None

    def open(self) -> None:
        try:
            self._fd = os.open(self.path, os.O_RDWR | os.O_NONBLOCK | os.O_NOCTTY)
            return
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EPERM, errno.EINVAL, errno.EROFS):
                raise DeviceOfflineError(text(OFFLINE), detail=f"{self.path}: {exc.strerror}") from None
        try:  # write-only access to the device file: printing still works, status is unknown
            self._fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY)
        except OSError as exc:
            raise DeviceOfflineError(text(OFFLINE), detail=f"{self.path}: {exc.strerror}") from None

    def write(self, data: bytes) -> None:
        if self._fd is None:
            self.open()
        assert self._fd is not None
        deadline = time.monotonic() + self.timeout_s
        view = memoryview(data)
        while view:
            try:
                written = os.write(self._fd, view)
                view = view[written:]
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise DeviceTimeoutError(detail=f"{self.path}: write timed out") from None
                time.sleep(0.01)
            except OSError as exc:
                raise DeviceOfflineError(text(OFFLINE), detail=f"{self.path}: {exc.strerror}") from None

    def read(self, n: int, timeout_s: float) -> bytes:
        if self._fd is None:
            self.open()
        assert self._fd is not None
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                ready, _, _ = select.select([self._fd], [], [], max(0.0, deadline - time.monotonic()))
                if ready:
                    data = os.read(self._fd, n)
                    if data:
                        return data
            except BlockingIOError:
                pass
            except OSError as exc:  # a write-only file, a unidirectional printer: no answer, not a failure
                log.debug("%s: no read path (%s)", self.path, exc.strerror)
                return b""
            if time.monotonic() >= deadline:
                return b""
            time.sleep(0.01)  # read() said nothing yet although select() woke: usblp between transfers

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
