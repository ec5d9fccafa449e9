"""``kiosk bench a4-printer``: seconds from a hall's A4 printer trouble to the terminal's word, on a real CUPS.

Each round, on printers of the bench's own (docs/a4-printer.md says what each case is):

- **ipp**: CUPS's IPP Everywhere reference printer behind a driverless queue (entry/bench/ipp_printer.py): a licence
  printed (to ``completed``); its tray emptied between jobs, until health says so (the driver checks every
  ``--check-every`` s: the figure is that wait and the question); a print then refused; the paper made to run out as
  a job starts, until the print is given up.
- **snmp**: a JetDirect printer (a loopback print port, entry/bench/own_queue.py; its SNMP agent net-snmp's snmpd,
  entry/bench/snmp_agent.py): its tray emptied, until health says so; a print then refused.
- **off**: the JetDirect printer switched off (its print port refuses): a print refused.

Medians and the slowest of ``--rounds`` rounds. Needs scripts/test-services.sh's CUPS, ippeveprinter and snmpd (the
system packages scripts/system-deps.sh installs); run as root, as the tests are."""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from typing import Callable


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rounds", type=int, default=5, help="rounds of every case (default 5)")
    parser.add_argument("--check-every", type=float, default=1.0,
                        help="the driver's check_every_s between jobs (default 1; a hall's default is 10)")


def _until(condition: Callable[[], bool], within_s: float = 60.0) -> float:
    """Seconds until ``condition`` holds (polled every 10 ms); RuntimeError past ``within_s``."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > within_s:
            raise RuntimeError(f"not within {within_s:g} s")
        time.sleep(0.01)
    return time.monotonic() - started


def _refused(device, pdf: bytes) -> float:
    """Seconds until a print is refused (RuntimeError when it prints)."""
    from devices.docprinter.base import DocumentPrintError

    started = time.monotonic()
    try:
        device.print_pdf(pdf, "bench-refused", timeout_s=60)
    except DocumentPrintError:
        return time.monotonic() - started
    raise RuntimeError("printed, where it should have been refused")


def _printed(device, pdf: bytes) -> float:
    started = time.monotonic()
    device.print_pdf(pdf, "bench-printed", timeout_s=60)
    return time.monotonic() - started


def _said(device, msgid: str) -> Callable[[], bool]:
    return lambda: device.health.snapshot().reason is not None and device.health.snapshot().reason.msgid == msgid


def _ready(device) -> Callable[[], bool]:
    from devices.health import DeviceState

    return lambda: device.health.snapshot().state is DeviceState.READY


def run(args: argparse.Namespace) -> int:
    from devices.docprinter.cups import CupsDocumentPrinter, CupsDocumentPrinterOptions
    from devices.docprinter.printer_reasons import OUT_OF_PAPER
    from entry.bench.ipp_printer import IppPrinter
    from entry.bench.own_queue import OwnQueue
    from entry.bench.snmp_agent import SnmpAgent
    from kiosk.a4_test_page import page

    if args.rounds < 1 or not 1.0 <= args.check_every <= 3600:
        print("kiosk bench a4-printer: --rounds at least 1, --check-every between 1 and 3600 s")
        return 2
    pdf = page("BENCH-A4", dt.datetime.now())
    figures: dict[str, list[float]] = {}

    def options(queue: str, **more) -> CupsDocumentPrinterOptions:
        return CupsDocumentPrinterOptions(printer=queue, timeout_s=10, check_every_s=args.check_every, reach_s=2,
                                          printed_within_s=30, **more)

    ipp, runs_out = IppPrinter(), IppPrinter(paper_runs_out_in_a_job=True)
    queue, agent = OwnQueue(), SnmpAgent()
    queue.listen()
    devices = [CupsDocumentPrinter("ipp", options(ipp.name)), CupsDocumentPrinter("ipp-runs-out", options(
        runs_out.name)), CupsDocumentPrinter("snmp", options(queue.name, snmp_port=agent.port))]
    for device in devices:
        device.start()
    on_ipp, on_runs_out, on_snmp = devices
    try:
        for _ in range(args.rounds):
            ipp.load_paper()
            _until(_ready(on_ipp))
            figures.setdefault("ipp: a licence printed (completed)", []).append(_printed(on_ipp, pdf))
            ipp.run_out_of_paper()
            figures.setdefault("ipp: tray emptied -> health says so", []).append(_until(_said(on_ipp, OUT_OF_PAPER)))
            figures.setdefault("ipp: a print refused, out of paper", []).append(_refused(on_ipp, pdf))
            runs_out.load_paper()
            _until(_ready(on_runs_out))
            figures.setdefault("ipp: paper runs out in the job -> given up", []).append(_refused(on_runs_out, pdf))
            agent.say(b"\x00\x00")
            _until(_ready(on_snmp))
            agent.say(b"\x40\x00")
            figures.setdefault("snmp: tray emptied -> health says so", []).append(_until(_said(on_snmp, OUT_OF_PAPER)))
            figures.setdefault("snmp: a print refused, out of paper", []).append(_refused(on_snmp, pdf))
            queue.unplug()
            figures.setdefault("off: a print refused, printer off", []).append(_refused(on_snmp, pdf))
            queue.listen()
    finally:
        for device in devices:
            device.stop()
        for part in (ipp, runs_out):
            part.close()
        agent.close()
        queue.remove()
    print(f"kiosk bench a4-printer: {args.rounds} round(s), check_every_s {args.check_every:g} (a hall's default 10)")
    print(f"{'case':<46} {'median s':>9} {'slowest s':>10}")
    for case, seconds in figures.items():
        print(f"{case:<46} {statistics.median(seconds):>9.2f} {max(seconds):>10.2f}")
    return 0
