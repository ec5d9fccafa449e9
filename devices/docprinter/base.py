"""The document-printer interface: print a PDF."""

from __future__ import annotations

from common.i18n import N_
from devices.base import Device
from devices.errors import DeviceError


class DocumentPrintError(DeviceError):
    default = N_("The document could not be printed. Please ask the hall staff for help.")


class DocumentPrinter(Device):
    kind = "document_printer"

    def print_pdf(self, pdf: bytes, title: str, timeout_s: float | None = None) -> str:
        """Print and wait (at most ``timeout_s``, by default ``call_timeouts.document_print_s``); returns a job id or
        a file path. Call off the GUI thread."""
        wait_s = timeout_s or self.call_timeouts.document_print_s
        return self._worker.call(self._print_pdf, pdf, title, wait_s, timeout_s=wait_s)

    def _print_pdf(self, pdf: bytes, title: str, wait_s: float) -> str:
        """On the worker; ``wait_s``: how long the caller waits, so a driver that waits for the page decides first."""
        raise NotImplementedError
