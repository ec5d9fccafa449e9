"""The IPP questions the CUPS driver asks (devices/docprinter/ipp.py): encoded as RFC 8010 says, answers read
strictly, and asked of the real CUPS that scripts/test-services.sh starts."""

import socket
import struct
import threading
import time

import pytest

from devices.docprinter.ipp import (DEFAULT_SOCKET, IppError, ask_device_state, ask_job_state, ask_printer_state,
                                    cups_address, http_body, job_state, job_state_request, keywords, printer_state,
                                    printer_state_request, printer_uri)
from devices.docprinter.printer_reasons import (JAMMED, OPEN, OUT_OF_PAPER, OUT_OF_TONER, PAPER_LOW, TONER_LOW,
                                                running_low, stopping, trays_empty)


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
    assert cups_address(()) in (DEFAULT_SOCKET, ("localhost", 631))
    mine, machines = tmp_path / "mine.conf", tmp_path / "client.conf"
    machines.write_text("# the hall's print server\nEncryption IfRequested\nServerName print.hall.local:8631\n")
    assert cups_address((mine, machines)) == ("print.hall.local", 8631)  # the user's own absent: the machine's
    mine.write_text("servername [fd00::7]\n")
    assert cups_address((mine, machines)) == ("fd00::7", 631)
    mine.write_text("ServerName /run/cups/other.sock\n")
    assert cups_address((mine, machines)) == "/run/cups/other.sock"
    monkeypatch.setenv("CUPS_SERVER", "printhost")  # the environment first, as lp reads it
    assert cups_address((mine, machines)) == ("printhost", 631)


def test_cups_named_as_another_server_is_asked_with_its_own_name(monkeypatch):
    """A hall's print server named in client.conf or CUPS_SERVER: CUPS refuses a request whose Host is not one of
    its names, so the request names the server as it was given (here the real CUPS, by its address)."""
    monkeypatch.setenv("CUPS_SERVER", "127.0.0.1:631")
    state, reasons = ask_printer_state("OneTrip-A4", "root", 5)
    assert state in ("idle", "processing") and reasons


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
    (["media-empty"], ("media-empty", OUT_OF_PAPER)),  # no severity given: an error (RFC 8011)
    # a tray empty, the by-pass most of all, while the main one feeds: ippeveprinter says -report idle, -warning busy
    (["media-empty-report"], None), (["media-empty-warning"], None),
    # a job waiting for paper says media-needed: at any severity (the suffix rates what the printer is doing)
    (["cups-waiting-for-job-completed", "media-empty-warning", "media-needed-warning"],
     ("media-needed-warning", OUT_OF_PAPER)),
    (["media-low-report", "toner-low-warning", "offline-report", "connecting-to-device", "paused"], None),
    (["toner-low-warning", "media-jam-error"], ("media-jam-error", JAMMED)),
    (["Door-Open-Error"], ("Door-Open-Error", OPEN)), (["door-open-report"], ("door-open-report", OPEN)),
    (["marker-supply-empty-error"], ("marker-supply-empty-error", OUT_OF_TONER)),
    (["toner-empty-report"], ("toner-empty-report", OUT_OF_TONER)),
    (["input-tray-missing-warning"], None),  # an optional tray not fitted: the main tray still feeds
])
def test_only_a_reason_that_stops_the_printer_ends_a_print(reasons, stops):
    assert stopping(reasons) == stops


def test_a_tray_empty_is_out_of_paper_only_when_the_trays_say_every_one_is():
    assert stopping(["media-empty-report"], trays_empty=True) == ("media-empty-report", OUT_OF_PAPER)
    assert stopping(["media-empty-report"], trays_empty=False) is None  # the main tray has paper
    assert stopping(["none"], trays_empty=True) is None  # the reasons decide; the trays only weigh media-empty


@pytest.mark.parametrize("trays, empty", [
    ([], None),
    ([b"type=sheetFeedAutoRemovableTray;mediafeed=11690;mediaxfeed=8267;maxcapacity=250;level=250;status=0;"
      b"name=main;", b"type=sheetFeedAutoNonRemovableTray;maxcapacity=25;level=0;status=0;name=by-pass-tray;"], False),
    ([b"type=sheetFeedAutoRemovableTray;level=0;name=main;", b"level=0;name=by-pass-tray;"], True),
    ([b"level=-3;name=main;", b"level=0;name=by-pass-tray;"], False),  # -3: some sheets
    ([b"level=-2;name=main;", b"level=0;name=by-pass-tray;"], True),  # -2: not known; the known one empty
    ([b"level=-2;name=main;"], None), ([b"name=main;"], None), ([b"level=;x", b"\xff\xfe"], None),
])
def test_the_trays_levels_say_whether_every_one_is_empty(trays, empty):
    assert trays_empty(trays) is empty


@pytest.mark.parametrize("reasons, low", [
    (["none"], None), (["media-empty-report"], None), (["offline-report"], None),
    (["media-low-report"], ("media-low-report", PAPER_LOW)),
    (["other-warning", "Toner-Low-Warning"], ("Toner-Low-Warning", TONER_LOW)),
    (["marker-supply-low-report"], ("marker-supply-low-report", TONER_LOW)),
])
def test_paper_or_toner_running_low_is_told_to_staff(reasons, low):
    assert running_low(reasons) == low


@pytest.mark.parametrize("device_uri, found", [
    ("ipp://10.0.0.7/ipp/print", ("ipp://10.0.0.7:631/ipp/print", "10.0.0.7", 631, "/ipp/print", False)),
    ("ipps://printer.hall.local:8443/ipp/print?waitjob=false",
     ("ipps://printer.hall.local:8443/ipp/print", "printer.hall.local", 8443, "/ipp/print", True)),
    ("http://10.0.0.7/ipp", ("ipp://10.0.0.7:80/ipp", "10.0.0.7", 80, "/ipp", False)),
    ("https://10.0.0.7", ("ipps://10.0.0.7:443/", "10.0.0.7", 443, "/", True)),
    ("IPP://[fe80::1]/ipp/print", ("ipp://[fe80::1]:631/ipp/print", "fe80::1", 631, "/ipp/print", False)),
    ("socket://10.0.0.7", None), ("lpd://10.0.0.8/queue", None), ("usb://HP/LaserJet", None),
    ("ipp:///ipp/print", None), ("ipp://10.0.0.7:99999/", None), ("cups-pdf:/", None),
])
def test_a_device_uri_names_an_ipp_printer_to_ask_or_none(device_uri, found):
    assert printer_uri(device_uri) == found


def test_an_ipp_question_to_a_uri_that_names_no_ipp_printer_is_refused_without_a_connection():
    with pytest.raises(IppError, match="names no IPP printer"):
        ask_device_state("socket://127.0.0.1:9", "root", 1)


@pytest.fixture
def answering():
    """A loopback server that gives each connection ``said`` and then holds it open (as a printer does after its
    answer to HTTP/1.0), or closes it when ``close`` is set."""
    servers = []

    def serve(said: bytes, close: bool = False) -> tuple[str, int]:
        server = socket.create_server(("127.0.0.1", 0))
        held = []

        def answer():
            while True:
                try:
                    connection = server.accept()[0]
                except OSError:
                    return
                connection.recv(65536)
                connection.sendall(said)
                if close:
                    connection.close()
                else:
                    held.append(connection)

        threading.Thread(target=answer, daemon=True).start()
        servers.append((server, held))
        return server.getsockname()

    yield serve
    for server, held in servers:
        server.close()
        for connection in held:
            connection.close()


def test_an_answer_is_read_up_to_its_content_length_on_a_connection_held_open(answering):
    body = answer(0, attribute(0x23, "printer-state", struct.pack(">i", 3)),
                  attribute(0x44, "printer-state-reasons", b"media-empty-report"))
    head = b"HTTP/1.0 200 OK\r\nContent-Type: application/ipp\r\nContent-Length: %d\r\n\r\n" % len(body)
    where = answering(head + body + b"trailing bytes of nothing asked")
    started = time.monotonic()
    assert ask_device_state("ipp://printer.hall.local/ipp/print", "root", 3, where) == ("idle",
                                                                                       ["media-empty-report"], [])
    assert time.monotonic() - started < 1  # not the 3 s bound: the answer was whole


@pytest.mark.parametrize("said, close, why", [
    (b"HTTP/1.0 200 OK\r\nContent-Length: 500\r\n\r\nshort", True, "an answer cut short of its Content-Length"),
    (b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello", False,
     "a chunked answer to an HTTP/1.0 request"),
    (b"HTTP/1.0 200 OK\r\nContent-Length: 500\r\n\r\nshort", False, "no whole answer within 0.5 s"),
])
def test_an_answer_that_does_not_come_whole_is_refused_plainly(answering, said, close, why):
    with pytest.raises(IppError) as caught:
        ask_device_state("ipp://printer/ipp/print", "root", 0.5, answering(said, close))
    assert str(caught.value) == why
