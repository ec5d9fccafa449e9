"""The serial port under a SAM reader: pyserial opens and configures it; reads land in one buffer.

Every read has a deadline. Bytes are read straight into a fixed receive buffer (``os.readv``), so
card data never sits in an immutable ``bytes`` object and the buffer can be zeroed once a frame
is used. Garbage before a frame is dropped (resynchronisation), and counted.
"""

from __future__ import annotations

import logging

import os
import select
import time

from devices.errors import DeviceOfflineError, DeviceTimeoutError
from devices.serial_port import IN_USE, PortInUse, open_serial
from devices.idcard import frames
from common.i18n import N_, text

NOT_CONNECTED = N_("The ID card reader is not connected.")
CAPACITY = 8192

log = logging.getLogger(__name__)


class ReplyTimeoutError(DeviceTimeoutError):
    """No whole frame before the deadline; ``received`` bytes of one had arrived."""

    def __init__(self, *, received: int, detail: str) -> None:
        self.received = received
        super().__init__(detail=detail)


class SerialLink:
    """One serial port, opened at one baud rate at a time."""

    def __init__(self, port: str) -> None:
        self.port = port
        self._serial = None
        self._buffer = bytearray(CAPACITY)
        self._length = 0
        self.garbage_bytes = 0

    @property
    def is_open(self) -> bool:
        return self._serial is not None

    def open(self, baudrate: int) -> None:
        import serial  # pyserial

        self.close()
        try:
            self._serial = open_serial(self.port, baudrate, timeout=0, write_timeout=1.0)
        except PortInUse as exc:
            raise DeviceOfflineError(text(IN_USE), detail=str(exc)) from None
        except (serial.SerialException, OSError, ValueError) as exc:
            raise DeviceOfflineError(text(NOT_CONNECTED), detail=f"{self.port}: {exc}") from None

    def set_baudrate(self, baudrate: int) -> None:
        import serial

        try:
            self._port().baudrate = baudrate
        except (serial.SerialException, OSError, ValueError) as exc:
            raise DeviceOfflineError(text(NOT_CONNECTED), detail=f"{self.port}: {exc}") from None

    def close(self) -> None:
        if self._serial is not None:
            try:
                self._serial.close()
            except Exception as exc:  # the port is gone either way
                log.debug("%s: closing failed: %s", self.port, exc)
            self._serial = None
        self.discard()

    def _port(self):
        if self._serial is None:
            raise DeviceOfflineError(text(NOT_CONNECTED), detail=f"{self.port} is closed")
        return self._serial

    def write(self, data: bytes) -> None:
        import serial

        try:
            self._port().write(data)
        except serial.SerialTimeoutException:
            raise DeviceTimeoutError(detail=f"{self.port}: write timed out") from None
        except (serial.SerialException, OSError) as exc:
            raise DeviceOfflineError(text(NOT_CONNECTED), detail=f"{self.port}: {exc}") from None

    def discard(self) -> None:
        """Drop (and zero) whatever was received and not yet used, and the port's input queue."""
        self._buffer[:self._length] = bytes(self._length)
        self._length = 0
        if self._serial is not None:
            try:
                self._serial.reset_input_buffer()
            except Exception as exc:  # a port that cannot flush fails its next read, which says so
                log.debug("%s: flushing input failed: %s", self.port, exc)

    def _drop(self, count: int) -> None:
        """Remove ``count`` bytes from the front of the buffer; the freed tail is zeroed."""
        if count <= 0:
            return
        rest = self._length - count
        self._buffer[:rest] = self._buffer[count:self._length]
        self._buffer[rest:self._length] = bytes(count)
        self._length = rest

    def _fill(self, deadline: float) -> bool:
        """Read what has arrived into the buffer; False when the deadline passed first."""
        port = self._port()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        if self._length >= CAPACITY:
            self.garbage_bytes += self._length
            self._drop(self._length)
        try:
            fd = port.fileno()
        except Exception:
            return self._fill_portable(port, remaining)
        try:
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                return False
            count = os.readv(fd, [memoryview(self._buffer)[self._length:]])
        except BlockingIOError:
            return True
        except (OSError, ValueError) as exc:
            raise DeviceOfflineError(text(NOT_CONNECTED), detail=f"{self.port}: read failed: {exc}") from None
        if count == 0:  # readable but empty: the device went away
            raise DeviceOfflineError(text(NOT_CONNECTED), detail=f"{self.port}: disconnected")
        self._length += count
        return True

    def _fill_portable(self, port, remaining: float) -> bool:
        """Platforms without file descriptors: pyserial's own read (it returns bytes)."""
        import serial

        try:
            port.timeout = remaining
            chunk = port.read(max(1, min(port.in_waiting, CAPACITY - self._length)))
        except (serial.SerialException, OSError) as exc:
            raise DeviceOfflineError(text(NOT_CONNECTED), detail=f"{self.port}: read failed: {exc}") from None
        self._buffer[self._length:self._length + len(chunk)] = chunk
        self._length += len(chunk)
        return bool(chunk)

    def read_frame(self, deadline: float, gap_s: float | None = None) -> memoryview:
        """The next whole frame, as a view into the buffer; call :meth:`release` when done with it.

        ``gap_s``: once part of a frame has arrived, give up when the line stays quiet this long
        (a reader streams a reply without pauses; a stalled reply will not complete).
        """
        last_arrival = time.monotonic()
        while True:
            found = frames.scan(self._buffer, end=self._length)
            if found.start:
                self.garbage_bytes += found.start
                self._drop(found.start)
            if found.end is not None:
                return memoryview(self._buffer)[:found.end - found.start]
            wait_until = deadline
            if gap_s is not None and self._length:
                wait_until = min(deadline, last_arrival + gap_s)
            if not self._fill(wait_until):
                raise ReplyTimeoutError(received=self._length, detail=f"{self.port}: no whole reply in time "
                                                                       f"({self._length} bytes of one)")
            last_arrival = time.monotonic()

    def release(self, frame: memoryview) -> None:
        """Zero a frame returned by :meth:`read_frame` and drop it from the buffer."""
        size = len(frame)
        frame.release()
        self._drop(size)

    def skip_false_start(self, frame: memoryview) -> bool:
        """Drop the first byte of a frame that failed its checks; True when another preamble is buffered."""
        frame.release()
        self.garbage_bytes += 1
        self._drop(1)
        return self._buffer.find(frames.PREAMBLE, 0, self._length) >= 0
