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
        """Print and wait (at most ``call_timeouts.document_print_s``); returns a job id or a file path. Call off
        the GUI thread."""
        return self._worker.call(self._print_pdf, pdf, title,
                                 timeout_s=timeout_s or self.call_timeouts.document_print_s)

    def _print_pdf(self, pdf: bytes, title: str) -> str:
        raise NotImplementedError
