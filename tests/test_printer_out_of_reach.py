"""A kiosk whose A4 printer is out of reach does not offer to print a licence, and offers it again once the printer
answers: a real CUPS queue whose printer is a loopback address switched on and off (entry/bench/own_queue.py)."""

import subprocess
import uuid

import pytest
from PySide6.QtCore import Qt

from devices.docprinter.base import DocumentPrintError
from devices.docprinter.cups import CupsDocumentPrinter, CupsDocumentPrinterOptions
from devices.docprinter.cups_reach import device_uri, network_address, unreachable, usb_listed
from kiosk.workflows.citizen import Step
from entry.bench.cups_queue import PPD
from entry.bench.own_queue import OwnQueue


@pytest.mark.parametrize("uri, address", [
    ("socket://192.168.1.20", ("192.168.1.20", 9100)),
    ("socket://192.168.1.20:9101?waiteof=false", ("192.168.1.20", 9101)),
    ("ipp://printer.hall.local/ipp/print", ("printer.hall.local", 631)),
    ("ipps://10.0.0.7:443/ipp/print", ("10.0.0.7", 443)),
    ("http://10.0.0.7/ipp", ("10.0.0.7", 80)),
    ("lpd://10.0.0.8/queue", ("10.0.0.8", 515)),
    ("IPP://[fe80::1]:631/ipp", ("fe80::1", 631)),
    ("cups-pdf:/", None),
    ("usb://HP/LaserJet%20Pro?serial=X", None),
    ("dnssd://Printer._ipp._tcp.local/", None),
    ("file:///dev/null", None),
    ("socket://10.0.0.9:99999", None),  # out of range: not a usable address, never probed
    ("socket://10.0.0.9:abc", None),
    ("socket://", None),
    ("", None),
])
def test_a_device_uri_gives_a_network_printers_address_and_nothing_else(uri, address):
    assert network_address(uri) == address


def test_the_device_uri_is_read_for_its_own_queue_only():
    said = "device for OneTrip-A4: cups-pdf:/\ndevice for OneTrip-A4-2: socket://10.0.0.5\n"
    assert device_uri(said, "OneTrip-A4") == "cups-pdf:/"
    assert device_uri(said, "OneTrip-A4-2") == "socket://10.0.0.5"
    assert device_uri(said, "Other") is None
    assert device_uri("", "OneTrip-A4") is None


def test_an_address_that_refuses_is_said_plainly():
    queue = OwnQueue()  # its port, nobody listening
    try:
        assert unreachable(("127.0.0.1", queue.port), 1.0).startswith(f"127.0.0.1:{queue.port}: ")
        queue.listen()
        assert unreachable(("127.0.0.1", queue.port), 1.0) is None
    finally:
        queue.remove()


def test_the_kiosk_offers_licence_printing_only_while_its_printer_answers(open_gui, qtbot):
    queue = OwnQueue()
    try:
        kiosk = open_gui("kiosk", devices={"document_printer": {"type": "cups", "printer": queue.name, "timeout_s": 10,
                                                                "check_every_s": 1, "reach_s": 0.5}})
        home = kiosk.window.view.screens[Step.HOME]
        button = home.licence_button
        qtbot.waitUntil(lambda: not button.isEnabled(), timeout=10000)
        assert button.text() == "证照打印暂停服务"
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # a finger on it anyway: nothing starts
        assert kiosk.window.view.session.step is Step.HOME
        queue.listen()  # the printer is switched on again
        qtbot.waitUntil(button.isEnabled, timeout=10000)
        assert button.text() == "打印证照"
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: kiosk.window.view.session.step is Step.CONSENT, timeout=5000)
    finally:
        queue.remove()


def test_an_address_needs_no_name():
    assert unreachable(("127.0.0.1", 9), 0.5) == "127.0.0.1:9: Connection refused"
    # a name the hall's DNS does not answer for: tests/test_names.py, with a real resolver


LPINFO = """network socket
network beh
direct usb://HP/LaserJet%20Pro%20M404?serial=PHBXX12345&interface=1
direct usb://Kyocera/ECOSYS%20P2040dn?serial=VCF9Z00001
network ipp
"""


@pytest.mark.parametrize("uri, listed", [
    ("usb://HP/LaserJet%20Pro%20M404?serial=PHBXX12345", True),  # the queue's URI without the interface
    ("usb://HP/LaserJet%20Pro%20M404?serial=PHBXX12345&interface=1", True),
    ("usb://hp/laserjet%20pro%20m404", True),  # no serial named: the model alone
    ("usb://HP/LaserJet%20Pro%20M404?serial=OTHER", False),  # another printer of the same model
    ("usb://Kyocera/ECOSYS%20P2040dn?serial=VCF9Z00001", True),
    ("usb://Brother/HL-L2350DW?serial=E7", False),  # unplugged, or switched off
    ("usb://[", True),  # a queue's URI that cannot be read says nothing of the bus (it raised ValueError: fuzzing)
])
def test_a_usb_printer_is_looked_for_among_those_on_the_bus(uri, listed):
    assert usb_listed(LPINFO, uri) is listed


def test_a_usb_printer_not_on_the_bus_is_said_not_connected():
    """A queue on a USB printer that is not plugged in (none is, on this machine: CUPS's usb backend finds none)."""
    name = "OneTrip-USB-" + uuid.uuid4().hex[:6]
    subprocess.run(["lpadmin", "-p", name, "-E", "-v", "usb://Brother/HL-L2350DW?serial=E7", "-m", PPD],
                   check=True, capture_output=True, timeout=30)
    device = CupsDocumentPrinter("document_printer", CupsDocumentPrinterOptions(printer=name, timeout_s=10))
    device.start()
    try:
        tested = device.self_test()
        assert not tested.ok
        assert tested.message.render("en") == "The document printer is not connected. Please ask the hall staff for " \
                                              "help."
        assert tested.details["trouble"] == "usb://Brother/HL-L2350DW?serial=E7 is not among the USB printers CUPS " \
                                            "finds"
        with pytest.raises(DocumentPrintError):
            device.print_pdf(b"%PDF-1.4\n%%EOF\n", "onetrip-usb", timeout_s=30)
        assert name not in subprocess.run(["lpstat", "-o"], capture_output=True, text=True, timeout=30).stdout
    finally:
        device.stop()
        subprocess.run(["lpadmin", "-x", name], capture_output=True, timeout=30)
