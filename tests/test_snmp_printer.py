"""A network printer that speaks no IPP (``socket://``, JetDirect) says over SNMP that it is out of paper, jammed or
open (devices/docprinter/snmp.py): its request encoded and its answer read as X.690 says, strictly; and between
jobs the driver asks it, so the kiosk stops offering a print its printer cannot make. The printer's print port is a
loopback listener (entry/bench/own_queue.py), its SNMP agent a real snmpd (entry/bench/snmp_agent.py)."""

import time

import pytest

from devices.docprinter.base import DocumentPrintError
from devices.docprinter.cups import CupsDocumentPrinter, CupsDocumentPrinterOptions
from devices.docprinter.printer_reasons import JAMMED, OUT_OF_PAPER, PAPER_LOW
from devices.docprinter.snmp import SnmpError, get_request, reasons, response_value
from devices.health import DeviceState
from entry.bench.own_queue import OwnQueue
from entry.bench.snmp_agent import SnmpAgent
from tests.test_document_printer import a4_pdf, pending
from tests.test_ipp_printer import said, wait_for

OID = bytes.fromhex("06 0b 2b 06 01 02 01 19 03 05 01 02 01")  # 1.3.6.1.2.1.25.3.5.1.2.1


def tlv(tag: int, value: bytes) -> bytes:
    return bytes([tag, len(value)]) + value  # short lengths: these answers are under 128 bytes


def response(request_id: int = 7, status: int = 0, value: bytes = b"\x04\x02\x40\x00", oid: bytes = OID,
             pdu: int = 0xA2) -> bytes:
    """An SNMPv1 GetResponse as a printer's agent sends it (``value``: the variable's whole TLV)."""
    varbinds = tlv(0x30, tlv(0x30, oid + value))
    body = tlv(0x02, bytes([request_id])) + tlv(0x02, bytes([status])) + tlv(0x02, b"\x00") + varbinds
    return tlv(0x30, tlv(0x02, b"\x00") + tlv(0x04, b"public") + tlv(pdu, body))


def test_the_request_is_an_snmpv1_get_of_the_printers_error_state():
    assert get_request("public", 1) == bytes.fromhex(
        "30 29 02 01 00 04 06 70 75 62 6c 69 63 a0 1c 02 01 01 02 01 00 02 01 00 30 11 30 0f"
        "06 0b 2b 06 01 02 01 19 03 05 01 02 01 05 00")
    assert get_request("public", 300)[15:19] == bytes.fromhex("02 02 01 2c")  # a longer request id


@pytest.mark.parametrize("error_state, said", [
    (b"\x00\x00", ["none"]), (b"", ["none"]),
    (b"\x40\x00", ["media-empty"]),  # noPaper
    (b"\x00\x04", ["input-tray-empty"]),  # a tray empty, perhaps the by-pass: not the printer out of paper
    (b"\x44", ["media-empty", "media-jam"]), (b"\x08\x00", ["door-open"]), (b"\x80\x00", ["media-low"]),
    (b"\x30\x00", ["toner-low", "toner-empty"]), (b"\x03\x00", ["none"]),  # offline, serviceRequested: unreliable
    (b"\x00\x80\xff", ["input-tray-missing"]),  # octets past the second read too (none of them names a bit)
])
def test_the_printers_bits_read_as_cups_reads_them(error_state, said):
    assert reasons(error_state) == said


def test_an_answer_is_read_for_its_value():
    assert response_value(response(), 7) == b"\x40\x00"


@pytest.mark.parametrize("said, why", [
    (response(status=2), "SNMP error status 2"),  # noSuchName: an agent without the printer's MIB
    (response(request_id=8), "an answer to another request"),
    (response(value=b"\x80\x00"), "is not a printer's state here (0x80)"),  # SNMPv2c's noSuchObject
    (response(value=b"\x02\x01\x05"), "is not a printer's state here (0x02)"),
    (response(oid=bytes.fromhex("06 03 2b 06 01")), "an answer for 1.3.6.1"),
    (response(pdu=0xA0), "an SNMP answer with 0xa0 where 0xa2 belongs"),
    (response()[:-3], "an SNMP answer cut short"),
    (response() + b"\x00", "bytes after the SNMP answer"),
    (b"\x30\x84\xff\xff\xff\xff", "an SNMP answer cut short"),
    (b"", "an SNMP answer cut short"),
])
def test_an_answer_that_does_not_say_is_refused_plainly(said, why):
    with pytest.raises(SnmpError, match=why.replace("(", r"\(").replace(")", r"\)")):
        response_value(said, 7)


@pytest.fixture
def jetdirect():
    """A socket:// printer switched on (its print port answers) and its SNMP agent."""
    queue, agent = OwnQueue(), SnmpAgent()
    queue.listen()
    yield queue, agent
    agent.close()
    queue.remove()


def test_a_jetdirect_printer_out_of_paper_between_jobs_is_said_before_a_print_and_nothing_is_sent(jetdirect):
    queue, agent = jetdirect
    device = CupsDocumentPrinter("document_printer", CupsDocumentPrinterOptions(
        printer=queue.name, timeout_s=10, check_every_s=1, reach_s=2, snmp_port=agent.port))
    device.start()
    try:
        wait_for(lambda: device.health.snapshot().state is DeviceState.READY, 5)
        assert "; it says over SNMP none" in device.self_test().details["reach"]
        agent.say(b"\x40\x00")  # the tray empty
        wait_for(lambda: said(device) == OUT_OF_PAPER, 5)
        started = time.monotonic()
        with pytest.raises(DocumentPrintError) as caught:
            device.print_pdf(a4_pdf("x"), "onetrip-snmp-empty", timeout_s=60)
        assert time.monotonic() - started < 3
        assert caught.value.message.render("zh_CN") == "文档打印机缺纸，请联系大厅工作人员。"
        assert caught.value.detail.startswith("the printer says media-empty (")
        assert not pending(queue.name)  # nothing sent: no page later for whoever stands there
        agent.say(b"\x04\x00")
        wait_for(lambda: said(device) == JAMMED, 5)
        agent.say(b"\x80\x00")  # paper low: it prints, staff are told
        wait_for(lambda: said(device) == PAPER_LOW, 5)
        assert device.health.snapshot().state is DeviceState.READY
        agent.say(b"\x00\x00")
        wait_for(lambda: device.health.snapshot().state is DeviceState.READY and said(device) == "", 5)
    finally:
        device.stop()


def test_a_printer_without_snmp_is_taken_at_its_connection_and_not_asked_again_for_a_while():
    """SNMP off (its port refuses; a firewall's silence costs the wait once): the print port's answer decides, and
    the next checks do not ask SNMP (each would cost a print the wait)."""
    queue = OwnQueue()
    queue.listen()
    device = CupsDocumentPrinter("document_printer", CupsDocumentPrinterOptions(
        printer=queue.name, timeout_s=10, check_every_s=60, reach_s=2, snmp_port=9))
    device.start()
    try:
        wait_for(lambda: "SNMP" in device.reach, 5)  # the check as the device opened
        assert "; SNMP not answered (" in device.reach, device.reach
        again = device.self_test()
        assert again.ok and again.details["reach"].endswith("; SNMP not answered lately"), again.details["reach"]
    finally:
        device.stop()
        queue.remove()
