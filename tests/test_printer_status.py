"""The receipt printer's status in full: DLE EOT 1-4 read, asked before, after and between jobs, over TCP,
a pty standing for a USB printer's device file, and the in-process simulator under a citizen's session."""

import os
import pty
import threading
import time
import tty

import pytest

from devices.health import DeviceState
from devices.receipt.base import EscposReceiptPrinter, PaperOutError, PrinterNotReadyError, ReceiptCutShortError
from devices.receipt.document import Line, Qr, ReceiptDocument
from devices.receipt.escpos import PROFILES, encode, raster_commands
from devices.receipt.mechanism import PrinterMechanism
from devices.receipt.status import Condition, PrinterStatus, conditions
from devices.receipt.transports import DeviceFileTransport, TcpTransport
from devices.receipt.virtual import VirtualPrinterServer
from kiosk.workflows.citizen import Step
from tests.citizen_steps import walk_to_confirm
from tests.maintenance_steps import signed_in

DOC = ReceiptDocument("t", tuple(Line(f"line {i}") for i in range(12)) + (Qr("OTR1:SQ1"),))
EXPECTED = encode(DOC, PROFILES["80mm"])


def wait_for(predicate, timeout_s=8.0):
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


@pytest.mark.parametrize("n, byte, found", [
    (1, 0x12, set()), (1, 0x1A, {Condition.OFFLINE}),
    (2, 0x12, set()), (2, 0x16, {Condition.COVER_OPEN}), (2, 0x32, {Condition.PAPER_OUT}),
    (2, 0x52, {Condition.PRINTER_ERROR}),
    (3, 0x12, set()), (3, 0x1A, {Condition.CUTTER_ERROR}), (3, 0x32, {Condition.PRINTER_ERROR}),
    (3, 0x52, {Condition.PRINTER_ERROR}),
    (4, 0x12, set()), (4, 0x1E, {Condition.PAPER_NEAR_END}), (4, 0x72, {Condition.PAPER_OUT}),
    (4, 0x7E, {Condition.PAPER_OUT}),
    (4, 0x00, {Condition.UNKNOWN}), (1, 0xFF, {Condition.UNKNOWN}), (2, 0x13, {Condition.UNKNOWN}),
    (3, 0x92, {Condition.UNKNOWN}),  # bit 7 set, bits 1 and 4 set: not a status answer
])
def test_each_answer_byte_read_as_the_spec_says(n, byte, found):
    assert conditions(n, byte) == found


def test_a_status_is_its_most_telling_condition():
    out = PrinterStatus.read({1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x7E})  # paper end takes the printer offline
    assert out.blocking is Condition.PAPER_OUT and out.known and "缺纸" in out.reason.render("zh_CN")
    near = PrinterStatus.read({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1E})
    assert near.blocking is None and near.reason == Condition.PAPER_NEAR_END.message
    cutter = PrinterStatus.read({1: 0x1A, 2: 0x52, 3: 0x1A, 4: 0x12})
    assert cutter.conditions == {Condition.OFFLINE, Condition.CUTTER_ERROR}
    silent = PrinterStatus.read({1: None})
    assert not silent.known and silent.blocking is None and silent.reason == Condition.UNKNOWN.message
    assert PrinterStatus.read({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12}).reason is None


def test_the_mechanism_answers_queries_and_skips_binary_data():
    mechanism = PrinterMechanism(near_end=True)
    stream = mechanism.stream()
    raster = raster_commands([[True] * 16, [x in (3, 13) for x in range(16)]])  # holds 10 04
    assert b"\x10\x04" in raster
    job = b"\x1b@" + raster + b"ok\n"
    answers = b"".join(stream.feed(job[i:i + 3]) for i in range(0, len(job), 3)) + stream.feed(b"\x10\x04\x04")
    assert answers == b"\x1e" and stream.finish() == job


def printer_on(transport, **kwargs):
    printer = EscposReceiptPrinter("p", transport, PROFILES["80mm"], status_interval_s=0.05, **kwargs)
    printer.start()
    return printer


@pytest.mark.parametrize("condition, set_it, error, words", [
    ("cover_open", lambda m: setattr(m, "cover_open", True), PrinterNotReadyError, "盖"),
    ("cutter_error", lambda m: setattr(m, "cutter_error", True), PrinterNotReadyError, "切纸"),
    ("offline", lambda m: setattr(m, "offline", True), PrinterNotReadyError, "脱机"),
    ("paper_out", lambda m: setattr(m, "paper_out", True), PaperOutError, "缺纸"),
])
def test_a_stopped_printer_is_named_before_the_job_and_between_jobs(condition, set_it, error, words):
    with VirtualPrinterServer() as server:
        printer = printer_on(TcpTransport(*server.address, timeout_s=2))
        try:
            set_it(server.mechanism)
            with pytest.raises(error) as caught:
                printer.print_receipt(DOC, timeout_s=10)
            assert words in caught.value.message.render("zh_CN")
            health = printer.health.snapshot()
            assert health.state is DeviceState.ERROR and words in health.reason.render("zh_CN")
            assert not server.jobs  # nothing printed
            server.mechanism = PrinterMechanism()  # fixed: the check between jobs sees it
            wait_for(lambda: printer.health.state is DeviceState.READY)
            assert printer.health.snapshot().reason is None
            assert not server.jobs  # a job refused before it began is not printed by itself later
        finally:
            printer.stop()


def test_paper_near_its_end_prints_and_warns():
    with VirtualPrinterServer() as server:
        server.mechanism.near_end = True
        printer = printer_on(TcpTransport(*server.address, timeout_s=2))
        try:
            result = printer.print_receipt(DOC, timeout_s=10)
            assert result.status_known
            health = printer.health.snapshot()
            assert health.state is DeviceState.READY and "即将用完" in health.reason.render("zh_CN")
            assert "nearly used up" in printer.self_test().message.render("en")
            wait_for(lambda: server.jobs)
            assert server.jobs == [EXPECTED]
        finally:
            printer.stop()


def test_paper_out_mid_job_is_told_and_the_receipt_reprinted_once():
    with VirtualPrinterServer() as server:
        printer = printer_on(TcpTransport(*server.address, timeout_s=2))
        try:
            server.mechanism.paper_lines = 4  # the roll ends four lines into the receipt
            with pytest.raises(ReceiptCutShortError) as caught:
                printer.print_receipt(DOC, timeout_s=10)
            assert "cut short" in caught.value.detail and "打印过程中" in caught.value.message.render("zh_CN")
            health = printer.health.snapshot()
            assert health.state is DeviceState.ERROR and "缺纸" in health.reason.render("zh_CN")
            wait_for(lambda: server.jobs)
            assert EXPECTED.startswith(server.jobs[0]) and server.jobs[0].count(b"\n") == 4  # a torn-off half
            checks = printer.health.snapshot().counters["status_checks"]
            wait_for(lambda: printer.health.snapshot().counters["status_checks"] >= checks + 3)
            assert len(server.jobs) == 1  # no paper: not printed again yet
            server.mechanism.paper_out = False  # a new roll
            wait_for(lambda: len(server.jobs) == 2)
            assert server.jobs[1] == EXPECTED
            checks = printer.health.snapshot().counters["status_checks"]
            wait_for(lambda: printer.health.snapshot().counters["status_checks"] >= checks + 5)
            assert len(server.jobs) == 2  # once, never twice
            health = printer.health.snapshot()
            assert health.state is DeviceState.READY and health.counters["receipts_reprinted"] == 1
        finally:
            printer.stop()


class PtyPrinter:
    """The far end of a pty standing for a USB printer's device file: answers DLE EOT like its mechanism."""

    def __init__(self, mechanism):
        self.mechanism = mechanism
        self.master, slave = pty.openpty()
        tty.setraw(slave)
        self.path = os.ttyname(slave)
        self._slave = slave  # held open so the pty stays up between the driver's opens
        self.stream = mechanism.stream()
        self.received = bytearray()
        self._running = True
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        import select
        while self._running:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    data = os.read(self.master, 4096)
                except OSError:
                    continue
                self.received += data
                answers = self.stream.feed(data)
                if answers:
                    os.write(self.master, answers)

    def close(self):
        self._running = False
        self._thread.join(10)
        # a loop still running would read and write the closed descriptor's number, another file's once reused
        assert not self._thread.is_alive(), "the printer's pty loop did not stop"
        os.close(self.master)
        os.close(self._slave)


@pytest.mark.parametrize("silent", [False, True])
def test_a_usb_printer_is_asked_through_its_read_path(silent):
    far = PtyPrinter(PrinterMechanism(near_end=not silent, silent=silent))
    printer = EscposReceiptPrinter("usb", DeviceFileTransport(far.path, timeout_s=2), PROFILES["80mm"],
                                   status_timeout_s=0.3, status_interval_s=30)
    printer.start()
    try:
        result = printer.print_receipt(DOC, timeout_s=10)
        health = printer.health.snapshot()
        assert health.state is DeviceState.READY
        wait_for(lambda: EXPECTED in bytes(far.received))
        if silent:  # no answer: printed, but nobody can say it came out
            assert not result.status_known and "无法" in health.reason.render("zh_CN")
        else:
            assert result.status_known and "即将用完" in health.reason.render("zh_CN")
            far.mechanism.paper_out = True
            with pytest.raises(PaperOutError):
                printer.print_receipt(DOC, timeout_s=10)
    finally:
        printer.stop()
        far.close()


@pytest.fixture
def quick_services(sandbox, make_config):
    """The terminal's services with a simulated printer whose status is asked between jobs every 0.05 s."""
    from kiosk.app import build_services
    from kiosk.tasks import SyncTaskRunner

    built = build_services(make_config(sandbox.url, devices={"receipt_printer": {"type": "sim",
                                                                              "status_interval_s": 0.05}}),
                           SyncTaskRunner())
    built.start()
    yield built
    built.stop()


def test_the_session_tells_paper_out_mid_receipt_and_health_knows(quick_services):
    services = quick_services
    printer = services.devices.receipt_printer
    printer.inject("paper_out_mid_job")
    session = services.new_citizen_session()
    walk_to_confirm(session)
    session.confirm()
    assert session.step is Step.DONE and session.receipt is not None and session.notice.error
    shown = session.notice.message.render("en")
    assert "paper ran out while the receipt was printing" in shown and "note it down" in shown
    health = printer.health.snapshot()
    assert health.state is DeviceState.ERROR and "out of paper" in health.reason.render("en")
    assert health.counters["receipts_cut_short"] == 1 and printer.jobs == 1
    printer.inject("clear")  # the hall loads paper: the receipt comes out whole, once
    wait_for(lambda: printer.jobs == 2)  # saved as the connection closes
    assert f"OTR1:{session.receipt.case_number}".encode() in printer.last_bytes
    checks = printer.health.snapshot().counters["status_checks"]
    wait_for(lambda: printer.health.snapshot().counters["status_checks"] >= checks + 2)
    health = printer.health.snapshot()
    assert printer.jobs == 2 and health.counters["receipts_reprinted"] == 1 and health.state is DeviceState.READY


def test_the_session_asks_to_check_a_receipt_no_printer_status_confirms(services):
    services.devices.receipt_printer.inject("silent")
    session = services.new_citizen_session()
    walk_to_confirm(session)
    session.confirm()
    assert session.step is Step.DONE and not session.notice.error and session.notice.check
    assert "Please check that your receipt was printed" in session.notice.message.render("en")
    assert "无法" in services.devices.receipt_printer.health.snapshot().reason.render("zh_CN")


def test_maintenance_shows_each_condition_in_plain_words(open_gui, qtbot):
    gui = open_gui("maintenance", devices={"receipt_printer": {"type": "sim", "status_interval_s": 0.05}})
    view = gui.window.view
    signed_in(view, qtbot)
    printer, table = gui.services.devices.receipt_printer, view.status.table

    def cells() -> tuple[str, str]:
        row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "凭条打印机")
        return table.item(row, 1).text(), table.item(row, 2).text()

    for fault, state, words in [("cover_open", "故障", "机盖未关好"), ("cutter_error", "故障", "切纸刀卡住"),
                                ("paper_out", "故障", "缺纸"), ("paper_near_end", "正常", "即将用完"),
                                ("silent", "正常", "无法检查")]:
        printer.inject("clear")
        printer.inject(fault)
        qtbot.waitUntil(lambda: cells()[0] == state and words in cells()[1], timeout=5000)
    printer.inject("clear")
    qtbot.waitUntil(lambda: cells() == ("正常", ""), timeout=5000)
