"""A serial port opened for one program at a time: pyserial's ``exclusive`` (an ``flock`` on the port, let go with
the process however it ends), shared by the ID card reader, the QR code scanner and a receipt printer on a serial
line.

Two programs on one port (a second terminal on another data folder set to the same port, a vendor's tool left
running) each read part of every frame: the reader's answers came garbled to both, and the terminal said the card
could not be read. A port another program holds is said so, in plain words, with the device's health (``IN_USE``),
not as a device that is not connected. One terminal per data folder: kiosk/instance_lock.py. Qt-free.
"""

from __future__ import annotations

import errno
from typing import Any

from common.i18n import N_

IN_USE = N_("Another program is using this device's port. Please ask the hall staff for help.")
_HELD = (errno.EWOULDBLOCK, errno.EAGAIN)


class PortInUse(Exception):
    def __init__(self, port: str) -> None:
        super().__init__(f"{port}: held by another program (flock)")
        self.port = port


def open_serial(port: str, baudrate: int, **options: Any):
    """``serial.Serial(port, baudrate, **options)`` opened exclusively; :class:`PortInUse` when another program holds
    it. pyserial's other failures are raised as they come."""
    import serial  # pyserial

    try:
        return serial.Serial(port, baudrate, exclusive=True, **options)
    except serial.SerialException as exc:
        if exc.errno in _HELD:
            raise PortInUse(port) from None
        raise
