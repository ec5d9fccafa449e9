"""A4 printing through a real CUPS spooler and its PDF printer (scripts/test-services.sh starts them)."""

import io
import os
import pwd
import re
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from devices.docprinter.base import DocumentPrintError
from devices.health import DeviceState
from devices.docprinter.cups import DELETED, CupsDocumentPrinter, CupsDocumentPrinterOptions
from common.fonts import cjk_font_path
from entry.bench.own_queue import OwnQueue

OUTPUT = Path(pwd.getpwuid(os.getuid()).pw_dir) / "PDF"  # cups-pdf writes to the job owner's ~/PDF
SPOOL = Path("/var/spool/cups")  # not read: CUPS's spool (its RequestRoot), only asked whether a job's document is gone


def a4_pdf(line: str) -> bytes:
    if "CJK" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("CJK", str(cjk_font_path()), subfontIndex=0))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    pdf.setFont("CJK", 18)
    pdf.drawString(72, 760, line)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


@pytest.fixture
def printer():
    device = CupsDocumentPrinter("document_printer", CupsDocumentPrinterOptions(printer="OneTrip-A4", timeout_s=20))
    device.start()
    yield device
    device.stop()


def test_a_pdf_goes_through_cups_and_comes_out_intact(printer):
    tested = printer.self_test()
    assert tested.ok
    assert tested.details["printed_documents"] == DELETED  # as scripts/test-services.sh sets CUPS, as a hall does
    assert tested.details["reach"] == "cups-pdf:/: not asked (only a USB or a network printer is)"
    title = "onetrip-" + uuid.uuid4().hex[:8]
    job = printer.print_pdf(a4_pdf(f"营业执照（样证） {title}"), title, timeout_s=30)
    assert job.startswith("OneTrip-A4-")
    deadline = time.monotonic() + 30
    while not any(p.read_bytes().rstrip().endswith(b"%%EOF") for p in OUTPUT.glob(f"{title}*.pdf")):
        assert time.monotonic() < deadline, f"cups-pdf wrote no complete PDF to {OUTPUT}"
        time.sleep(0.2)
    (out,) = OUTPUT.glob(f"{title}*.pdf")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, timeout=30).stdout
    assert re.search(r"Pages:\s+1\n", info) and "595 x 842 pts (A4)" in info
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, timeout=30).stdout
    assert title in text
    out.unlink()  # a licence is personal data: nothing stays on disk after the test
    number = int(job.rsplit("-", 1)[1])
    while subprocess.run(["lpstat", "-W", "completed", "-o", "OneTrip-A4"], capture_output=True, text=True,
                         timeout=30).stdout.split().count(job) == 0:
        assert time.monotonic() < deadline + 30, f"CUPS never said {job} completed"
        time.sleep(0.2)
    assert not (SPOOL / f"d{number:05d}-001").exists()  # CUPS kept no copy of the document once printed


def test_where_ipp_cannot_be_asked_lpstat_says_the_job_is_done(printer, monkeypatch, caplog):
    """CUPS on another server (client.conf), or keeping no job history: IPP cannot tell the job's state (here its
    address refuses), and a job CUPS no longer lists as pending is taken as printed, as lpstat says, logged once."""
    from devices.docprinter import ipp

    monkeypatch.setattr(ipp, "cups_address", lambda: ("127.0.0.1", 9))
    title = "onetrip-" + uuid.uuid4().hex[:8]
    with caplog.at_level("INFO", logger="devices.docprinter.cups"):
        job = printer.print_pdf(a4_pdf(title), title, timeout_s=30)
    assert job.startswith("OneTrip-A4-")
    said = [r.getMessage() for r in caplog.records if "not asked over IPP" in r.getMessage()]
    assert said == [f"document_printer: {job}'s state not asked over IPP (127.0.0.1:9: Connection refused); lpstat "
                    "says whether it is pending"]
    deadline = time.monotonic() + 30
    while not (found := list(OUTPUT.glob(f"{title}*.pdf"))):  # cups-pdf's copy: personal data, not left behind
        assert time.monotonic() < deadline, f"cups-pdf wrote no PDF to {OUTPUT}"
        time.sleep(0.2)
    time.sleep(0.5)
    for out in found:
        out.unlink()


@pytest.fixture
def stalled_queue():
    """A CUPS queue whose printer takes the connection and never the job (entry/bench/own_queue.py)."""
    queue = OwnQueue()
    queue.listen()
    try:
        yield queue.name
    finally:
        queue.remove()


def test_a_job_the_printer_never_takes_is_cancelled_its_document_purged_and_said(stalled_queue):
    """CUPS keeps a job its printer does not take and retries: the page would come out whenever the printer is
    back, a citizen's licence in the tray for whoever is there. A job still pending past its time is cancelled, its
    document purged, and the print fails plainly."""
    device = CupsDocumentPrinter("document_printer", CupsDocumentPrinterOptions(
        printer=stalled_queue, timeout_s=10, printed_within_s=2))
    device.start()
    try:
        tested = device.self_test()
        assert tested.ok and " answers; SNMP not answered" in tested.details["reach"]  # nothing says it won't print
        started = time.monotonic()
        with pytest.raises(DocumentPrintError) as caught:
            device.print_pdf(a4_pdf("营业执照（样证）"), "onetrip-stalled", timeout_s=30)
        assert time.monotonic() - started < 15
        found = re.search(rf"^({stalled_queue}-(\d+)) not printed within 2 s \(.*\); cancelled, its document "
                          r"purged$", caught.value.detail)
        assert found, caught.value.detail
        assert "工作人员" in caught.value.message.render("zh_CN")
        assert device.health.state is DeviceState.ERROR
        pending = subprocess.run(["lpstat", "-W", "not-completed", "-o", stalled_queue], capture_output=True,
                                 text=True, timeout=30).stdout
        assert found[1] not in pending.split()  # not left to print later
        assert not (SPOOL / f"d{int(found[2]):05d}-001").exists()
    finally:
        device.stop()


def test_the_driver_decides_before_its_caller_stops_waiting(stalled_queue):
    """A caller that waits less than the driver's own limit (a window's print, say) hears the driver's plain answer,
    not a timeout while the job goes on: the job's wait is cut to the caller's, less a margin."""
    device = CupsDocumentPrinter("document_printer", CupsDocumentPrinterOptions(
        printer=stalled_queue, timeout_s=10, printed_within_s=60))
    device.start()
    try:
        with pytest.raises(DocumentPrintError) as caught:
            device.print_pdf(a4_pdf("x"), "onetrip-stalled", timeout_s=6)
        assert re.search(r" not printed within [23] s ", caught.value.detail), caught.value.detail
    finally:
        device.stop()


def test_a_job_staff_cancel_while_it_waits_is_not_taken_for_printed(stalled_queue):
    """Staff cancel a stuck job in CUPS (its web page, lprm): CUPS no longer lists it as pending, as it would a
    printed one; its job-state says it was cancelled, and the kiosk keeps the licence printable."""
    device = CupsDocumentPrinter("document_printer", CupsDocumentPrinterOptions(
        printer=stalled_queue, timeout_s=10, printed_within_s=30))
    device.start()
    outcome: list[BaseException | str] = []

    def print_it() -> None:
        try:
            outcome.append(device.print_pdf(a4_pdf("营业执照（样证）"), "onetrip-cancelled", timeout_s=40))
        except BaseException as exc:  # told to the test below
            outcome.append(exc)

    thread = threading.Thread(target=print_it)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not (jobs := pending(stalled_queue)):
            assert time.monotonic() < deadline, "the job never reached CUPS"
            time.sleep(0.1)
        subprocess.run(["cancel", jobs[0]], check=True, capture_output=True, timeout=30)
        thread.join(20)
        assert len(outcome) == 1 and isinstance(outcome[0], DocumentPrintError), outcome
        assert outcome[0].detail == f"{jobs[0]} canceled before it printed"
        assert device.health.state is DeviceState.ERROR
    finally:
        thread.join(40)
        device.stop()


@pytest.mark.parametrize("policy", ["abort-job", "stop-printer"])
def test_a_job_cups_stops_is_given_up_at_once_not_after_its_wait(policy):
    """A filter that fails on the document stops the job (``abort-job``) or the queue (``stop-printer``, CUPS's
    default): either way nothing will print, and the print says so at once rather than after ``printed_within_s``;
    the job is cancelled and its document purged."""
    queue = OwnQueue(f"printer-error-policy={policy}")
    queue.listen()
    device = CupsDocumentPrinter("document_printer", CupsDocumentPrinterOptions(
        printer=queue.name, timeout_s=10, printed_within_s=60))
    device.start()
    try:
        started = time.monotonic()
        with pytest.raises(DocumentPrintError) as caught:
            device.print_pdf(b"%PDF-1.4\n not a document\n%%EOF\n", "onetrip-broken", timeout_s=90)
        assert time.monotonic() - started < 20
        found = re.search(rf"^({queue.name}-\d+) stopped by CUPS \(.*\); cancelled, its document purged$",
                          caught.value.detail)
        assert found, caught.value.detail
        assert found[1] not in pending(queue.name)
    finally:
        device.stop()
        queue.remove()


@pytest.fixture
def reporting_queue():
    """A CUPS queue of its own on tests/cups_backend/onetriptest: a printer that reports a state reason."""
    made = []

    def make(uri: str) -> str:
        name = "OneTrip-Reports-" + uuid.uuid4().hex[:6]
        subprocess.run(["lpadmin", "-p", name, "-E", "-v", uri, "-m", "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"],
                       check=True, capture_output=True, timeout=30)
        made.append(name)
        return name

    yield make
    for name in made:
        subprocess.run(["lpadmin", "-x", name], capture_output=True, timeout=30)


def test_a_printer_out_of_paper_is_said_so_at_once_and_the_job_purged(reporting_queue):
    """The printer tells CUPS it is out of paper and CUPS keeps the job waiting for paper (as its ipp backend does):
    the print is given up at once, with the reason in the citizen's words, not after its wait; and that reason, which
    CUPS keeps on the idle queue after the job, does not stop the next print unseen (paper may be loaded by then): it
    counts once it stands 8 s into the next job, the printer's backend having had the time to take it away."""
    queue = reporting_queue("onetriptest:/media-empty?then=wait")
    device = CupsDocumentPrinter("document_printer", CupsDocumentPrinterOptions(
        printer=queue, timeout_s=10, printed_within_s=12))
    device.start()
    try:
        for attempt in range(2):
            started = time.monotonic()
            with pytest.raises(DocumentPrintError) as caught:
                device.print_pdf(a4_pdf("营业执照（样证）"), "onetrip-paper", timeout_s=90)
            took = time.monotonic() - started
            if attempt == 0:
                assert took < 8, took  # 0.2 s here
                assert caught.value.message.render("en") == ("The document printer is out of paper. Please ask the "
                                                             "hall staff for help.")
                found = re.search(rf"^({queue}-\d+) stopped: media-empty-error \(.*\); cancelled, its document "
                                  r"purged$", caught.value.detail)
                assert found, caught.value.detail
                assert found[1] not in pending(queue)
                assert device.health.snapshot().reason.msgid.startswith("The document printer is out of paper.")
                tested = device.self_test()
                assert tested.details["printer_state_reasons"] == "media-empty-error"  # kept by CUPS: for staff
                assert tested.ok  # the queue is enabled and takes jobs: the next print tries
            else:  # the reason was there before this job: taken as the printer's word once it stands 8 s into it
                assert 7.5 < took < 11, took
                assert " stopped: media-empty-error (" in caught.value.detail, caught.value.detail
                assert caught.value.message.render("en").startswith("The document printer is out of paper.")
    finally:
        device.stop()


def test_paper_loaded_after_a_job_given_up_for_want_of_it_prints(reporting_queue):
    """The reason a job given up left on the queue does not refuse the next one once the printer has paper: its
    backend takes the reason away and the job completes."""
    queue = reporting_queue("onetriptest:/media-empty?then=wait")
    device = CupsDocumentPrinter("document_printer", CupsDocumentPrinterOptions(
        printer=queue, timeout_s=10, printed_within_s=30))
    device.start()
    try:
        with pytest.raises(DocumentPrintError):
            device.print_pdf(a4_pdf("x"), "onetrip-paper", timeout_s=60)
        subprocess.run(["lpadmin", "-p", queue, "-v", "onetriptest:/ready"], check=True, capture_output=True,
                       timeout=30)  # paper loaded
        assert device.self_test().details["printer_state_reasons"] == "media-empty-error"  # as CUPS keeps it
        job = device.print_pdf(a4_pdf("营业执照（样证）"), "onetrip-paper-loaded", timeout_s=60)
        assert job.startswith(queue)
        assert device.self_test().details["printer_state_reasons"] == "none"
    finally:
        device.stop()


def test_a_jammed_printer_whose_backend_stops_the_queue_is_said_jammed(reporting_queue):
    queue = reporting_queue("onetriptest:/media-jam?then=stop")
    device = CupsDocumentPrinter("document_printer", CupsDocumentPrinterOptions(
        printer=queue, timeout_s=10, printed_within_s=60))
    device.start()
    try:
        started = time.monotonic()
        with pytest.raises(DocumentPrintError) as caught:
            device.print_pdf(a4_pdf("x"), "onetrip-jam", timeout_s=90)
        assert time.monotonic() - started < 20
        assert caught.value.message.render("zh_CN") == "文档打印机卡纸，请联系大厅工作人员。"
        assert " stopped: media-jam-error (" in caught.value.detail, caught.value.detail
    finally:
        device.stop()


def pending(queue: str) -> list[str]:
    said = subprocess.run(["lpstat", "-W", "not-completed", "-o", queue], capture_output=True, text=True,
                          timeout=30).stdout
    return [line.split()[0] for line in said.splitlines() if line.strip()]


def test_a_printer_out_of_reach_is_said_at_once_and_no_job_is_sent():
    """A printer switched off or unplugged from the network (a socket nobody listens on, scripts/test-services.sh):
    health says so between jobs, so the kiosk stops offering the print, and a print fails at once, with nothing
    left in CUPS to come out later."""
    device = CupsDocumentPrinter("document_printer", CupsDocumentPrinterOptions(
        printer="OneTrip-Unreachable", timeout_s=10, check_every_s=1))
    before = subprocess.run(["lpstat", "-W", "all", "-o", "OneTrip-Unreachable"], capture_output=True, text=True,
                            timeout=30).stdout
    device.start()
    try:
        deadline = time.monotonic() + 10
        while device.health.state is not DeviceState.ERROR:
            assert time.monotonic() < deadline, "health never said the printer is out of reach"
            time.sleep(0.05)
        assert device.health.snapshot().reason.msgid.startswith("The document printer cannot be reached.")
        tested = device.self_test()
        assert not tested.ok and tested.details["trouble"].startswith("127.0.0.1:9: ")
        assert tested.details["reach"] == tested.details["trouble"]
        started = time.monotonic()
        with pytest.raises(DocumentPrintError) as caught:
            device.print_pdf(a4_pdf("营业执照（样证）"), "onetrip-unreachable", timeout_s=30)
        assert time.monotonic() - started < 5  # the address asked twice, a second apart
        assert "工作人员" in caught.value.message.render("zh_CN")
        assert "Connection refused" in caught.value.detail
        after = subprocess.run(["lpstat", "-W", "all", "-o", "OneTrip-Unreachable"], capture_output=True, text=True,
                               timeout=30).stdout
        assert after == before  # no job was sent
    finally:
        device.stop()


def test_a_queue_stopped_in_cups_is_said_and_ready_again_once_started(stalled_queue):
    """CUPS stops a queue when a job fails (its error policy) or staff stop it: no job is sent to it, and once
    staff start it again the printer is offered again without a restart."""
    device = CupsDocumentPrinter("document_printer", CupsDocumentPrinterOptions(
        printer=stalled_queue, timeout_s=10, check_every_s=1))
    device.start()
    try:
        assert device.self_test().ok
        subprocess.run(["cupsdisable", stalled_queue], check=True, capture_output=True, timeout=30)
        tested = device.self_test()
        assert not tested.ok and "disabled" in tested.details["trouble"]
        with pytest.raises(DocumentPrintError):
            device.print_pdf(a4_pdf("x"), "onetrip-stopped", timeout_s=30)
        subprocess.run(["cupsenable", stalled_queue], check=True, capture_output=True, timeout=30)
        deadline = time.monotonic() + 10
        while device.health.state is not DeviceState.READY:
            assert time.monotonic() < deadline, "health never said the queue is started again"
            time.sleep(0.05)
    finally:
        device.stop()


def test_a_printer_cups_does_not_know_is_a_plain_error():
    device = CupsDocumentPrinter("document_printer", CupsDocumentPrinterOptions(printer="No-Such-Queue", timeout_s=10))
    device.start()
    try:
        assert not device.self_test().ok
        with pytest.raises(DocumentPrintError) as caught:
            device.print_pdf(a4_pdf("x"), "x", timeout_s=20)
        assert "工作人员" in caught.value.message.render("zh_CN")
    finally:
        device.stop()
