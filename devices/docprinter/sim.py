"""A simulated document printer: keeps each PDF in the output directory."""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass
from pathlib import Path

from common.private_files import private_dir, write_private
from devices.base import FaultInjection
from devices.docprinter.base import DocumentPrinter, DocumentPrintError
from devices.health import DeviceState, SelfTestResult
from devices.worker import on_worker
from common.i18n import text


@dataclass(frozen=True)
class SimDocumentPrinterOptions:
    output_dir: str = "printouts"


class SimDocumentPrinter(DocumentPrinter, FaultInjection):
    faults = ("jam",)

    def __init__(self, name: str, output_dir: Path) -> None:
        DocumentPrinter.__init__(self, name)
        FaultInjection.__init__(self)
        self.output_dir = output_dir
        self._numbers = itertools.count(1)

    @on_worker
    def _open(self) -> None:
        self.health.set_state(DeviceState.READY)

    @on_worker
    def _print_pdf(self, pdf: bytes, title: str, wait_s: float) -> str:
        if self.fault("jam"):
            raise DocumentPrintError(text("The document printer has a paper jam. Please ask the hall staff for help."))
        private_dir(self.output_dir)
        safe = re.sub(r"[^\w.-]+", "_", title)[:40] or "document"
        path = self.output_dir / f"{time.strftime('%Y%m%d-%H%M%S')}-{next(self._numbers):03d}-{safe}.pdf"
        write_private(path, pdf)
        return str(path)

    @on_worker
    def _self_test(self) -> SelfTestResult:
        ok = not self.fault("jam")
        return SelfTestResult(self.name, ok, text("Simulated document printer is ready.") if ok
                              else text("The document printer has a paper jam. Please ask the hall staff for help."))
