"""A serial port another program holds (devices/serial_port.py): each device on a serial line says so in plain words
and opens nothing, rather than reading half of every frame beside the other program. Real ptys; the other program's
hold is pyserial's own exclusive open, as a second terminal's would be."""

from __future__ import annotations

import os
import pty

import pytest
import serial

from common.i18n import text
from devices.errors import DeviceOfflineError
from devices.idcard.serial_link import SerialLink
from devices.qr.serial_scanner import SerialQrScanner, SerialQrScannerOptions
from devices.receipt.transports import SerialTransport
from devices.serial_port import IN_USE, PortInUse, open_serial


@pytest.fixture
def held_port():
    """A pty's device, held exclusively by another open of it (as another program holds it)."""
    master, slave = pty.openpty()
    path = os.ttyname(slave)
    other = serial.Serial(path, 9600, exclusive=True, timeout=0)
    try:
        yield path
    finally:
        other.close()
        os.close(slave)
        os.close(master)


def test_a_held_port_is_refused_and_a_free_one_opened_for_one_program(held_port):
    with pytest.raises(PortInUse):
        open_serial(held_port, 9600, timeout=0)
    master, slave = pty.openpty()
    try:
        port = open_serial(os.ttyname(slave), 9600, timeout=0)
        try:
            with pytest.raises(PortInUse):  # and now this one holds it
                open_serial(os.ttyname(slave), 9600, timeout=0)
        finally:
            port.close()
        open_serial(os.ttyname(slave), 9600, timeout=0).close()  # let go: free again
    finally:
        os.close(slave)
        os.close(master)


def test_the_id_reader_and_the_receipt_printer_say_their_port_is_in_use(held_port):
    for device in (SerialLink(held_port), SerialTransport(held_port)):
        with pytest.raises(DeviceOfflineError) as refused:
            device.open(9600) if isinstance(device, SerialLink) else device.open()
        assert refused.value.message.render("en") == text(IN_USE).render("en")
        assert "held by another program" in refused.value.detail


def test_the_qr_scanner_says_its_port_is_in_use(held_port):
    scanner = SerialQrScanner("qr_scanner", SerialQrScannerOptions(port=held_port))
    assert scanner._try_open() is False
    health = scanner.health.snapshot()
    assert health.out_of_order and health.reason.render("en") == (
        "Another program is using this device's port. Please ask the hall staff for help.")
