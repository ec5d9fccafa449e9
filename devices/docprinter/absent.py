"""No A4 printer at this terminal (``type = "none"``): many kiosks have a receipt printer only. A hall says so rather
than leaving a simulator configured, which would "print" citizens' licences into files nobody collects.

``installed`` is False: the terminal leaves it out of its device list (maintenance, the heartbeat, self-tests), the
kiosk's home screen does not offer to print a licence, and the window prints no A4 documents."""

from __future__ import annotations

from dataclasses import dataclass

from common.i18n import N_, text
from devices.docprinter.base import DocumentPrinter, DocumentPrintError
from devices.health import DeviceState, SelfTestResult

NOT_INSTALLED = N_("Not installed at this terminal.")


@dataclass(frozen=True)
class NoDocumentPrinterOptions:
    pass


class NoDocumentPrinter(DocumentPrinter):
    installed = False

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.health.set_state(DeviceState.OFFLINE, text(NOT_INSTALLED))

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def print_pdf(self, pdf: bytes, title: str, timeout_s: float | None = None) -> str:
        raise DocumentPrintError(detail="no A4 printer at this terminal (document_printer type none)")

    def self_test(self, timeout_s: float | None = None) -> SelfTestResult:
        return SelfTestResult(self.name, True, text(NOT_INSTALLED))
