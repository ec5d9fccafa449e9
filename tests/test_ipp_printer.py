"""An IPP printer's own word on paper and toner, through a real CUPS to a real IPP printer (CUPS's IPP Everywhere
reference printer, entry/bench/ipp_printer.py): between jobs the driver asks the printer itself, so a kiosk whose
printer is out of paper stops offering the print before a citizen asks, and a print meets the empty tray at once with
nothing sent; paper that runs out while a job waits ends the print at once (the printer says so at the ``-warning``
severity, which CUPS passes on)."""

import subprocess
import time

import pytest
from PySide6.QtCore import Qt

from devices.docprinter.base import DocumentPrintError
from devices.docprinter.cups import CupsDocumentPrinter, CupsDocumentPrinterOptions
from devices.docprinter.ipp import GET_JOB_ATTRIBUTES, ask, state_request, values
from devices.docprinter.printer_reasons import OUT_OF_PAPER, OUT_OF_TONER, PAPER_LOW, TONER_LOW
from devices.health import DeviceState
from kiosk.workflows.citizen import Step
from entry.bench.ipp_printer import IppPrinter
from tests.test_document_printer import a4_pdf, pending


@pytest.fixture
def ipp_printer():
    printers = []

    def make(**options) -> IppPrinter:
        printers.append(IppPrinter(**options))
        return printers[-1]

    yield make
    for printer in printers:
        printer.close()


def job_media(job: str) -> str:
    """The ``media`` CUPS printed ``job`` on, asked of it over IPP."""
    number = int(job.rsplit("-", 1)[1])
    asked = state_request(GET_JOB_ATTRIBUTES, "job-uri", f"ipp://localhost/jobs/{number}", ("media",), "root")
    return b"".join(value for _tag, value in values(ask(asked, "/jobs", 5), "media")).decode()


def said(device: CupsDocumentPrinter) -> str:
    reason = device.health.snapshot().reason
    return reason.msgid if reason is not None else ""


def wait_for(condition, within_s: float) -> None:
    deadline = time.monotonic() + within_s
    while not condition():
        assert time.monotonic() < deadline, "not within the wait"
        time.sleep(0.1)


def test_a_printer_out_of_paper_between_jobs_is_said_before_a_print_and_nothing_is_sent(ipp_printer):
    printer = ipp_printer()
    device = CupsDocumentPrinter("document_printer", CupsDocumentPrinterOptions(
        printer=printer.name, timeout_s=10, check_every_s=1, reach_s=2))
    device.start()
    try:
        job = device.print_pdf(a4_pdf("营业执照（样证）"), "onetrip-ipp", timeout_s=60)
        assert job.startswith(printer.name) and printer.jobs_received() == 1
        # on A4, though the queue's default is the printer's own, Letter (as many a printer made for another market)
        assert "*Letter" in subprocess.run(["lpoptions", "-p", printer.name, "-l"], capture_output=True, text=True,
                                           timeout=30).stdout
        assert job_media(job) == "A4"
        assert "; it says idle, none" in device.self_test().details["reach"]

        printer.run_out_of_paper()  # the last sheet taken: the printer idle, its tray empty
        wait_for(lambda: said(device) == OUT_OF_PAPER, 5)  # within a check (1 s here; 10 s by default)
        assert device.health.snapshot().state is DeviceState.ERROR
        tested = device.self_test()
        assert not tested.ok and tested.message.render("zh_CN") == "文档打印机缺纸，请联系大厅工作人员。"
        assert tested.details["trouble"].startswith("the printer says media-empty-report (")
        started = time.monotonic()
        with pytest.raises(DocumentPrintError) as caught:
            device.print_pdf(a4_pdf("x"), "onetrip-ipp-empty", timeout_s=60)
        assert time.monotonic() - started < 3
        assert caught.value.message.render("en").startswith("The document printer is out of paper.")
        assert printer.jobs_received() == 1 and not pending(printer.name)  # nothing sent: no page later

        printer.load_paper()
        wait_for(lambda: device.health.snapshot().state is DeviceState.READY, 5)
        device.print_pdf(a4_pdf("营业执照（样证）"), "onetrip-ipp-loaded", timeout_s=60)
        assert printer.jobs_received() == 2

        printer.toner(0)
        wait_for(lambda: said(device) == OUT_OF_TONER, 5)
        printer.toner(5)  # low, not empty: still prints, and staff are told (maintenance, the hall's fleet view)
        wait_for(lambda: said(device) == TONER_LOW, 5)
        assert device.health.snapshot().state is DeviceState.READY and not device.health.snapshot().out_of_order
        tested = device.self_test()
        assert tested.ok and tested.message.render("en") == ("The document printer is ready. The document printer's "
                                                              "toner is running low.")
        assert "toner-low-report" in tested.details["reach"]
        printer.toner(80)
        printer.load_paper(sheets=10)
        wait_for(lambda: said(device) == PAPER_LOW, 5)
        device.print_pdf(a4_pdf("营业执照（样证）"), "onetrip-ipp-low", timeout_s=60)
        assert printer.jobs_received() == 3 and said(device) == PAPER_LOW  # printed, and still said
        printer.load_paper()
        wait_for(lambda: said(device) == "" and device.health.snapshot().state is DeviceState.READY, 5)
    finally:
        device.stop()


def test_paper_that_runs_out_while_a_job_waits_ends_the_print_at_once(ipp_printer):
    """The printer takes the job and waits for paper; CUPS says ``media-empty-warning``: given up at once (it waited
    the whole 30 s for an ``-error`` before), the job cancelled in CUPS, and the kiosk stops offering the print. Again
    after paper is loaded: the reason CUPS kept from the last job is stale, but the printer itself, asked while the
    job waits, says it anew (CUPS's copy alone counted only 8 s into the job)."""
    printer = ipp_printer(paper_runs_out_in_a_job=True)
    device = CupsDocumentPrinter("document_printer", CupsDocumentPrinterOptions(
        printer=printer.name, timeout_s=10, check_every_s=1, reach_s=2))
    device.start()
    try:
        for attempt in (1, 2):
            started = time.monotonic()
            with pytest.raises(DocumentPrintError) as caught:
                device.print_pdf(a4_pdf("营业执照（样证）"), "onetrip-ipp-runs-out", timeout_s=60)
            took = time.monotonic() - started
            assert took < 5, took  # 1.1 to 1.4 s here
            assert caught.value.message.render("en").startswith("The document printer is out of paper.")
            assert " stopped: media-" in caught.value.detail and "cancelled, its document purged" in \
                caught.value.detail, caught.value.detail
            assert printer.jobs_received() == attempt and not pending(printer.name)
            wait_for(lambda: said(device) == OUT_OF_PAPER, 5)  # the printer still says so, idle: not offered
            printer.load_paper()
            wait_for(lambda: device.health.snapshot().state is DeviceState.READY, 5)
    finally:
        device.stop()


def test_the_kiosk_offers_licence_printing_only_while_its_printer_has_paper(ipp_printer, open_gui, qtbot):
    printer = ipp_printer()
    kiosk = open_gui("kiosk", devices={"document_printer": {"type": "cups", "printer": printer.name, "timeout_s": 10,
                                                            "check_every_s": 1, "reach_s": 1}})
    button = kiosk.window.view.screens[Step.HOME].licence_button
    qtbot.waitUntil(button.isEnabled, timeout=10000)
    printer.run_out_of_paper()
    qtbot.waitUntil(lambda: not button.isEnabled(), timeout=10000)
    assert button.text() == "证照打印暂停服务"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # a finger on it anyway: nothing starts
    assert kiosk.window.view.session.step is Step.HOME
    printer.load_paper()
    qtbot.waitUntil(button.isEnabled, timeout=10000)
    assert button.text() == "打印证照"


def test_a_by_pass_tray_left_empty_does_not_stop_the_kiosk_offering_the_print(ipp_printer):
    """The printer says ``media-empty-report`` of its empty by-pass tray while its main tray is full: its trays
    (``printer-input-tray``) say there is paper, so the print is offered; every tray empty, it is not."""
    printer = ipp_printer()
    device = CupsDocumentPrinter("document_printer", CupsDocumentPrinterOptions(
        printer=printer.name, timeout_s=10, check_every_s=1, reach_s=2))
    device.start()
    try:
        printer.by_pass_empty()
        tested = device.self_test()
        assert tested.ok and device.health.snapshot().state is DeviceState.READY, tested.details
        assert tested.details["reach"].endswith("; it says idle, media-empty-report; paper in a tray"), tested.details
        printer.run_out_of_paper()
        wait_for(lambda: said(device) == OUT_OF_PAPER, 5)
        assert device.self_test().details["reach"].endswith("; every tray empty")
    finally:
        device.stop()


def test_a_printer_that_answers_no_ipp_at_its_address_is_taken_at_its_connection(ipp_printer):
    """An ``ipp://`` address where something answers but not IPP (a printer's web page on port 80): the
    connection says the printer is there; the self-test says its state was not asked."""
    printer = ipp_printer()
    subprocess.run(["lpadmin", "-p", printer.name, "-v", f"ipp://localhost:{printer.port}/no/such/printer"],
                   check=True, capture_output=True, timeout=30)
    device = CupsDocumentPrinter("document_printer", CupsDocumentPrinterOptions(
        printer=printer.name, timeout_s=10, check_every_s=60, reach_s=2))
    device.start()
    try:
        tested = device.self_test()
        assert tested.ok, tested.details
        assert "; its own state not asked (" in tested.details["reach"], tested.details["reach"]
    finally:
        device.stop()
