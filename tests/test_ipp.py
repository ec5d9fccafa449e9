"""The IPP questions the CUPS driver asks (devices/docprinter/ipp.py): encoded as RFC 8010 says, answers read
strictly, and asked of the real CUPS that scripts/test-services.sh starts."""

import struct

import pytest

from devices.docprinter.ipp import (DEFAULT_SOCKET, IppError, ask_job_state, ask_printer_state, cups_address,
                                    http_body, job_state, job_state_request, keywords, printer_state,
                                    printer_state_request)
from devices.docprinter.printer_reasons import JAMMED, OPEN, OUT_OF_PAPER, OUT_OF_TONER, stopping


def attribute(tag: int, name: str, value: bytes) -> bytes:
    return struct.pack(">BH", tag, len(name)) + name.encode() + struct.pack(">H", len(value)) + value


def answer(status: int, *attributes: bytes) -> bytes:
    return struct.pack(">BBHI", 1, 1, status, 1) + b"\x01" + attribute(0x47, "attributes-charset", b"utf-8") \
        + b"\x02" + b"".join(attributes) + b"\x03"


def test_the_request_is_an_ipp_1_1_get_job_attributes_for_the_job_state():
    request = job_state_request(42, "root")
    assert request[:4] == b"\x01\x01\x00\x09"  # version 1.1, Get-Job-Attributes
    assert request[8] == 0x01 and request[-1] == 0x03  # the operation group, then the end of the attributes
    assert attribute(0x45, "job-uri", b"ipp://localhost/jobs/42") in request
    assert attribute(0x44, "requested-attributes", b"job-state") in request
    assert attribute(0x42, "requesting-user-name", b"root") in request
    both = printer_state_request("OneTrip-A4", "root")  # two attributes in one question: the second value unnamed
    assert both[:4] == b"\x01\x01\x00\x0b"  # Get-Printer-Attributes
    assert attribute(0x44, "requested-attributes", b"printer-state") + attribute(0x44, "", b"printer-state-reasons") \
        in both


@pytest.mark.parametrize("number, name", [(3, "pending"), (6, "processing-stopped"), (7, "canceled"),
                                          (8, "aborted"), (9, "completed")])
def test_the_job_state_is_read_by_its_name(number, name):
    assert job_state(answer(0, attribute(0x23, "job-state", struct.pack(">i", number)))) == name


def test_another_value_of_an_earlier_attribute_is_not_taken_for_the_one_asked():
    said = answer(0, attribute(0x44, "job-state-reasons", b"none"), attribute(0x44, "", b"job-printing"),
                  attribute(0x23, "job-state", struct.pack(">i", 5)))
    assert job_state(said) == "processing"
    assert printer_state(answer(0, attribute(0x23, "printer-state", struct.pack(">i", 5)))) == "stopped"


@pytest.mark.parametrize("said, why", [
    (b"", "an IPP answer of 0 bytes"),
    (answer(0x0406), "IPP status 0x0406"),  # client-error-not-found: a job CUPS keeps no history of
    (answer(0), "no job-state in the answer"),
    (answer(0, attribute(0x21, "job-state", struct.pack(">i", 9))), "no job-state in the answer"),  # an integer
    (answer(0, attribute(0x23, "job-state", struct.pack(">i", 12))), "job-state 12 is not one IPP defines"),
    (answer(0, attribute(0x23, "job-state", struct.pack(">i", 9)))[:-4], "an IPP attribute cut short"),
    (answer(0)[:-1] + b"\x23\x00", "an IPP attribute cut short"),
])
def test_an_answer_that_does_not_say_is_refused_plainly(said, why):
    with pytest.raises(IppError) as caught:
        job_state(said)
    assert str(caught.value) == why


def test_only_an_http_200_answer_gives_its_body():
    assert http_body(b"HTTP/1.0 200 OK\r\nContent-Type: application/ipp\r\n\r\nBODY") == b"BODY"
    for said in (b"HTTP/1.1 403 Forbidden\r\n\r\n", b"garbage", b"HTTP/1.0 200 OK\r\n"):
        with pytest.raises(IppError):
            http_body(said)


def test_cups_is_found_where_its_own_clients_find_it(monkeypatch, tmp_path):
    monkeypatch.setenv("CUPS_SERVER", "/run/other.sock")
    assert cups_address() == "/run/other.sock"
    monkeypatch.setenv("CUPS_SERVER", "printhost:8631")
    assert cups_address() == ("printhost", 8631)
    monkeypatch.setenv("CUPS_SERVER", "printhost")
    assert cups_address() == ("printhost", 631)
    monkeypatch.delenv("CUPS_SERVER")
    assert cups_address() in (DEFAULT_SOCKET, ("localhost", 631))


def test_the_real_cups_answers_for_its_queue_and_says_a_job_it_does_not_know():
    """(A job printed is said completed: tests/test_document_printer.py prints through the driver, which asks.)"""
    state, reasons = ask_printer_state("OneTrip-A4", "root", 5)
    assert state in ("idle", "processing") and reasons  # "none" at the least
    for where in (DEFAULT_SOCKET, ("localhost", 631)):  # both places cupsd listens (its default)
        with pytest.raises(IppError, match="IPP status 0x0406"):
            ask_job_state(2_000_000_000, "root", 5, address=where)


def test_every_value_of_a_reason_list_is_read():
    said = answer(0, attribute(0x44, "printer-state-reasons", b"media-empty-error"), attribute(0x44, "", b"paused"),
                  attribute(0x44, "printer-name", b"x"))
    assert keywords(said, "printer-state-reasons") == ["media-empty-error", "paused"]


@pytest.mark.parametrize("reasons, stops", [
    (["none"], None),
    (["media-empty-error", "paused"], ("media-empty-error", OUT_OF_PAPER)),
    (["media-empty"], ("media-empty", OUT_OF_PAPER)),  # no suffix: an error (RFC 8011)
    (["media-low-report", "toner-low-warning", "offline-report", "connecting-to-device"], None),
    (["toner-low-warning", "media-jam-error"], ("media-jam-error", JAMMED)),
    (["Door-Open-Error"], ("Door-Open-Error", OPEN)),
    (["marker-supply-empty-error"], ("marker-supply-empty-error", OUT_OF_TONER)),
])
def test_only_an_error_that_stops_the_printer_ends_a_print(reasons, stops):
    assert stopping(reasons) == stops
