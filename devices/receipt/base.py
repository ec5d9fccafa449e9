"""The receipt-printer interface and the ESC/POS printer that every transport shares."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from devices.base import Device
from devices.errors import DeviceError
from devices.health import DeviceState, SelfTestResult
from devices.receipt import escpos
from devices.receipt.document import Line, ReceiptDocument
from devices.receipt.escpos import PrinterProfile
from devices.receipt.transports import Transport
from devices.worker import on_worker
from common.i18n import N_, _, ngettext, text

log = logging.getLogger(__name__)


class PaperOutError(DeviceError):
    default = N_("The receipt printer is out of paper. Please ask the hall staff for help.")


@dataclass(frozen=True)
class PrintResult:
    bytes_sent: int
    artifact: str = ""  # where a simulator or virtual printer left the output


class ReceiptPrinter(Device):
    kind = "receipt_printer"

    def print_receipt(self, document: ReceiptDocument, timeout_s: float | None = None) -> PrintResult:
        """Print and wait (at most ``call_timeouts.receipt_print_s``). Call from a worker, never from the GUI thread."""
        return self._worker.call(self._print, document, timeout_s=timeout_s or self.call_timeouts.receipt_print_s)

    def _print(self, document: ReceiptDocument) -> PrintResult:
        raise NotImplementedError


class EscposReceiptPrinter(ReceiptPrinter):
    """ESC/POS over any transport: the encoder builds the bytes, the transport only writes them."""

    def __init__(self, name: str, transport: Transport, profile: PrinterProfile, status_query: bool = True) -> None:
        super().__init__(name)
        self._transport = transport
        self.profile = profile
        self._status_query = status_query

    @on_worker
    def _open(self) -> None:
        self.health.set_state(DeviceState.READY)

    @on_worker
    def _close(self) -> None:
        self._transport.close()

    @on_worker
    def _check_paper(self) -> None:
        if not self._status_query:
            return
        self._transport.write(escpos.STATUS_PAPER)
        reply = self._transport.read(1, timeout_s=1.0)
        if reply and escpos.paper_out(reply[0]):
            self.health.set_state(DeviceState.ERROR, text(PaperOutError.default))
            raise PaperOutError()

    @on_worker
    def _print(self, document: ReceiptDocument) -> PrintResult:
        data = escpos.encode(document, self.profile)
        self.health.set_state(DeviceState.BUSY)
        try:
            self._transport.open()
            self._check_paper()
            self._transport.write(data)
        except DeviceError as exc:
            self.health.count("print_errors")
            if self.health.state is DeviceState.BUSY:
                self.health.set_state(DeviceState.ERROR, exc.message)
            raise
        finally:
            self._transport.close()
        self.health.count("receipts_printed")
        self.health.set_state(DeviceState.READY)
        log.info("%s: printed %r (%d bytes)", self.name, document.title, len(data))
        return PrintResult(len(data), self._artifact())

    def _artifact(self) -> str:
        return ""

    @on_worker
    def _self_test(self) -> SelfTestResult:
        try:
            self._transport.open()
            self._check_paper()
        except DeviceError as exc:
            return SelfTestResult(self.name, False, exc.message, {"detail": exc.detail})
        finally:
            self._transport.close()
        self.health.set_state(DeviceState.READY)
        return SelfTestResult(self.name, True, text("The receipt printer is ready."))

    def test_page(self) -> ReceiptDocument:
        columns = self.profile.columns
        return ReceiptDocument("test page", (
            Line(_("OneTrip test print"), "center", bold=True),
            Line(ngettext("{profile}: {n} column", "{profile}: {n} columns", columns).format(
                profile=self.profile.name, n=columns), "center")))
