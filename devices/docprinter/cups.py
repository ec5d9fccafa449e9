"""A4 printing through CUPS's ``lp`` command (works with any queue CUPS knows). Its self-test also says whether CUPS
keeps a document once printed (devices/docprinter/cups_keeping.py): a citizen's licence would lie in its spool."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass

from devices.docprinter.base import DocumentPrinter, DocumentPrintError
from devices.docprinter.cups_keeping import FIX, kept_for
from devices.health import DeviceState, SelfTestResult
from devices.worker import on_worker
from common.i18n import text

DELETED = "deleted once printed"  # what the self-test and kiosk doctor say of a CUPS set as a hall sets it


@dataclass(frozen=True)
class CupsDocumentPrinterOptions:
    printer: str = "OneTrip-A4"
    timeout_s: float = 30.0


class CupsDocumentPrinter(DocumentPrinter):
    def __init__(self, name: str, options: CupsDocumentPrinterOptions) -> None:
        super().__init__(name)
        self._options = options

    def _run(self, args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess:
        try:
            return subprocess.run(args, input=stdin, capture_output=True, timeout=self._options.timeout_s)
        except FileNotFoundError:
            raise DocumentPrintError(detail="CUPS client tools (lp, lpstat) are not installed") from None
        except subprocess.TimeoutExpired:
            raise DocumentPrintError(detail=f"{args[0]} timed out") from None

    @on_worker
    def _open(self) -> None:
        self.health.set_state(DeviceState.READY)

    @on_worker
    def _print_pdf(self, pdf: bytes, title: str) -> str:
        self.health.set_state(DeviceState.BUSY)
        done = self._run(["lp", "-d", self._options.printer, "-t", title, "-"], stdin=pdf)
        if done.returncode != 0:
            reason = done.stderr.decode(errors="replace").strip()
            self.health.set_state(DeviceState.ERROR, text("The document printer is not working."))
            raise DocumentPrintError(detail=reason)
        self.health.set_state(DeviceState.READY)
        match = re.search(rb"request id is (\S+)", done.stdout)
        return match.group(1).decode() if match else ""

    @on_worker
    def _self_test(self) -> SelfTestResult:
        done = self._run(["lpstat", "-p", self._options.printer])
        ok = done.returncode == 0 and b"disabled" not in done.stdout
        return SelfTestResult(self.name, ok, text("The document printer is ready.") if ok
                              else text("The document printer is not working."),
                              {"lpstat": done.stdout.decode(errors="replace").strip(),
                               "printed_documents": printed_documents(self._options.timeout_s)})


def printed_documents(timeout_s: float) -> str:
    """What CUPS does with a document once printed, for staff: deleted, or kept how long and how to stop it."""
    try:
        done = subprocess.run(["cupsctl"], capture_output=True, timeout=timeout_s)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"not known: cupsctl could not be asked ({type(exc).__name__})"
    if done.returncode != 0:
        return f"not known: {done.stderr.decode(errors='replace').strip()[:200]}"
    kept = kept_for(done.stdout.decode(errors="replace"))
    return DELETED if kept is None else f"kept by CUPS {kept} in its spool: set {FIX}"
