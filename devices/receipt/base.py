"""The receipt-printer interface and the ESC/POS printer that every transport shares."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from devices.base import Device
from devices.errors import DeviceError
from devices.health import DeviceState, SelfTestResult
from devices.receipt import escpos
from devices.receipt.document import Line, ReceiptDocument
from devices.receipt import status
from devices.receipt.escpos import PrinterProfile
from devices.receipt.status import Condition, PrinterStatus
from devices.receipt.transports import Transport
from devices.worker import on_worker
from common.i18n import N_, _, ngettext, text

log = logging.getLogger(__name__)


class PaperOutError(DeviceError):
    default = N_("The receipt printer is out of paper. Please ask the hall staff for help.")


class PrinterNotReadyError(DeviceError):
    """The printer reports a condition that stops printing (cover open, cutter stuck, offline); the message names it."""


class ReceiptCutShortError(PaperOutError):
    """The printer stopped in the middle of the receipt: the job is kept and printed again once it is ready."""

    default = N_("The paper ran out while the receipt was printing. It will print again in full as soon as paper "
                 "is loaded.")


@dataclass(frozen=True)
class PrintResult:
    bytes_sent: int
    artifact: str = ""  # where a simulator or virtual printer left the output
    status_known: bool = True  # False: the printer told nothing of itself; the receipt may not have come out


class ReceiptPrinter(Device):
    kind = "receipt_printer"

    def print_receipt(self, document: ReceiptDocument, timeout_s: float | None = None) -> PrintResult:
        """Print and wait (at most ``call_timeouts.receipt_print_s``). Call from a worker, never from the GUI thread."""
        return self._worker.call(self._print, document, timeout_s=timeout_s or self.call_timeouts.receipt_print_s)

    def _print(self, document: ReceiptDocument) -> PrintResult:
        raise NotImplementedError


@dataclass
class _CutShort:
    """A receipt the printer stopped in the middle of, waiting for the printer to be ready again."""

    title: str
    data: bytes
    since: float  # time.monotonic()
    attempts: int = 1


class EscposReceiptPrinter(ReceiptPrinter):
    """ESC/POS over any transport: the encoder builds the bytes, the transport only writes them.

    The printer's status (``DLE EOT`` 1 to 4, :mod:`devices.receipt.status`) is asked before each job,
    after it, and between jobs every ``status_interval_s``; each answer is waited for at most
    ``status_timeout_s``, and a printer that does not answer the first query is not asked the rest
    (its status is unknown). A job the printer stopped in the middle of (paper out, cover opened) is
    kept and printed again in full, once, when a check between jobs finds the printer ready, unless
    ``REPRINT_WITHIN_S`` has passed (the citizen has gone: their receipt is not left in the tray for the
    next one) or it was cut short ``REPRINT_ATTEMPTS`` times.
    """

    REPRINT_WITHIN_S = 600.0
    REPRINT_ATTEMPTS = 3

    def __init__(self, name: str, transport: Transport, profile: PrinterProfile, status_query: bool = True,
                 *, status_timeout_s: float = 0.5, status_interval_s: float = 5.0) -> None:
        super().__init__(name, poll_interval_s=status_interval_s if status_query else None)
        self._transport = transport
        self.profile = profile
        self._status_query = status_query
        self._status_timeout_s = status_timeout_s
        self._cut_short: _CutShort | None = None

    @on_worker
    def _open(self) -> None:
        self.health.set_state(DeviceState.READY)

    @on_worker
    def _close(self) -> None:
        self._transport.close()

    @on_worker
    def _status(self) -> PrinterStatus:
        """Ask ``DLE EOT`` 1 to 4 on the open transport."""
        if not self._status_query:
            return status.UNKNOWN
        self.health.count("status_checks")
        answers: dict[int, int | None] = {}
        for n in status.QUERIES:
            self._transport.write(status.query(n))
            reply = self._transport.read(1, timeout_s=self._status_timeout_s)
            answers[n] = reply[0] if reply else None
            if not reply:
                break  # a printer that does not answer one query is not waited for four times
        return status.PrinterStatus.read(answers)

    @on_worker
    def _check_ready(self) -> PrinterStatus:
        """The status before a job: a condition that stops printing is raised, named."""
        found = self._status()
        blocking = found.blocking
        if blocking is not None:
            error = PaperOutError() if blocking is Condition.PAPER_OUT else PrinterNotReadyError(blocking.message)
            error.detail = f"status before the job: {sorted(c.value for c in found.conditions)}"
            self.health.set_state(DeviceState.ERROR, blocking.message)
            raise error
        return found

    def _settle(self, found: PrinterStatus) -> None:
        """Ready, with a warning (paper near its end, status unknown) as the reason where there is one."""
        self.health.set_state(DeviceState.READY, found.reason)

    @on_worker
    def _print(self, document: ReceiptDocument) -> PrintResult:
        data = escpos.encode(document, self.profile)
        self.health.set_state(DeviceState.BUSY)
        try:
            self._transport.open()
            self._check_ready()
            self._transport.write(data)
            after = self._check_after(document.title, data)
        except DeviceError as exc:
            self.health.count("print_errors")
            if self.health.state is DeviceState.BUSY:
                self.health.set_state(DeviceState.ERROR, exc.message)
            raise
        finally:
            self._transport.close()
        self.health.count("receipts_printed")
        self._settle(after)
        log.info("%s: printed %r (%d bytes)%s", self.name, document.title, len(data),
                 "" if after.known else ", status unknown")
        return PrintResult(len(data), self._artifact(), status_known=after.known)

    @on_worker
    def _check_after(self, title: str, data: bytes, attempts: int = 1) -> PrinterStatus:
        """The status after a job: a printer stopped in the middle keeps the job for one reprint."""
        found = self._status()
        blocking = found.blocking
        if blocking is None:
            return found
        self._cut_short = _CutShort(title, data, time.monotonic(), attempts)
        self.health.count("receipts_cut_short")
        self.health.set_state(DeviceState.ERROR, blocking.message)
        log.warning("%s: %r cut short (%s); kept to print again", self.name, title, blocking.value)
        if blocking is Condition.PAPER_OUT:
            raise ReceiptCutShortError(detail=f"cut short: {blocking.value}")
        raise ReceiptCutShortError(text("The receipt printer stopped while the receipt was printing ({reason}). It "
                                        "will print again in full once the printer is ready.",
                                        reason=blocking.message), detail=f"cut short: {blocking.value}")

    @on_worker
    def _poll(self) -> None:
        """Between jobs: the status to health, and a receipt cut short printed again once the printer is ready."""
        try:
            self._transport.open()
            found = self._status()
            blocking = found.blocking
            if blocking is not None:
                self.health.set_state(DeviceState.ERROR, blocking.message)
                return
            if self._cut_short is not None:
                self._reprint_cut_short()
                return
            self._settle(found)
        except DeviceError as exc:
            self.health.set_state(DeviceState.OFFLINE, exc.message)
        finally:
            self._transport.close()

    @on_worker
    def _reprint_cut_short(self) -> None:
        job, self._cut_short = self._cut_short, None  # taken before writing: never printed twice
        assert job is not None
        if time.monotonic() - job.since > self.REPRINT_WITHIN_S:
            log.warning("%s: %r cut short %.0f s ago; not printed again (its citizen has gone)", self.name,
                        job.title, time.monotonic() - job.since)
            return
        self.health.set_state(DeviceState.BUSY)
        try:
            self._transport.write(job.data)
        except DeviceError:  # not sent, or not all of it: tried again at the next check, within the bound
            if job.attempts + 1 < self.REPRINT_ATTEMPTS:
                self._cut_short = _CutShort(job.title, job.data, job.since, job.attempts + 1)
            raise
        try:
            after = self._check_after(job.title, job.data, job.attempts + 1)
        except ReceiptCutShortError:
            if job.attempts + 1 >= self.REPRINT_ATTEMPTS:
                self._cut_short = None
                log.warning("%s: %r cut short %d times; given up", self.name, job.title, job.attempts + 1)
            return
        self.health.count("receipts_reprinted")
        log.info("%s: %r printed again in full after it was cut short", self.name, job.title)
        self._settle(after)

    def _artifact(self) -> str:
        return ""

    @on_worker
    def _self_test(self) -> SelfTestResult:
        try:
            self._transport.open()
            found = self._check_ready()
        except DeviceError as exc:
            return SelfTestResult(self.name, False, exc.message, {"detail": exc.detail})
        finally:
            self._transport.close()
        self._settle(found)
        if found.reason is not None:
            return SelfTestResult(self.name, True, text("The receipt printer is ready. {warning}", warning=found.reason))
        return SelfTestResult(self.name, True, text("The receipt printer is ready."))

    def test_page(self) -> ReceiptDocument:
        columns = self.profile.columns
        return ReceiptDocument("test page", (
            Line(_("OneTrip test print"), "center", bold=True),
            Line(ngettext("{profile}: {n} column", "{profile}: {n} columns", columns).format(
                profile=self.profile.name, n=columns), "center")))
