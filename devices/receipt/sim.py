"""A simulated receipt printer: the real ESC/POS bytes, drawn onto paper by the virtual printer.

Each job is saved as ``receipt-NNN.bin`` (the exact bytes) and ``receipt-NNN.png``
(what the paper would look like) in the output directory. The picture is in dots, each black or
white, as a thermal head prints them: a grey picture's PNG took the printer's thread 10-26 ms to
write, a black-and-white one 4.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from pathlib import Path

from common.private_files import private_dir, private_writer, write_private
from devices.base import FaultInjection
from devices.errors import DeviceOfflineError
from devices.receipt.base import EscposReceiptPrinter
from devices.receipt.escpos import PROFILES
from devices.receipt.mechanism import PrinterMechanism
from devices.receipt.status import DLE_EOT
from devices.receipt.virtual import render
from common.i18n import text

_DOT = [0] * 128 + [255] * 128  # a grey level to a dot: burnt below half, paper above


@dataclass(frozen=True)
class SimReceiptPrinterOptions:
    output_dir: str = "receipts"  # relative to the data directory
    profile: str = "80mm"
    status_interval_s: float = 2.0  # status asked between jobs this often


class _PaperTransport:
    """Collects a job's bytes and answers status queries the way a printer would (its mechanism, set by faults)."""

    MID_JOB_LINES = 5  # ``paper_out_mid_job``: the roll ends five lines into the next receipt

    def __init__(self, printer: "SimReceiptPrinter") -> None:
        self._printer = printer
        self.mechanism = PrinterMechanism()
        self._stream = self.mechanism.stream()
        self._pending_status = bytearray()

    def _follow_faults(self) -> None:
        fault, m = self._printer.fault, self.mechanism
        m.cover_open, m.near_end = fault("cover_open"), fault("paper_near_end")
        m.cutter_error, m.silent = fault("cutter_error"), fault("silent")
        if fault("paper_out"):
            m.paper_lines = 0
        elif fault("paper_out_mid_job"):
            if m.paper_lines is None:  # a new roll's end: counted from here; empty until the fault is cleared
                m.paper_lines = self.MID_JOB_LINES
        else:
            m.paper_lines = None

    def open(self) -> None:
        if self._printer.fault("offline"):
            raise DeviceOfflineError(text("The receipt printer is not connected."), detail="simulated")
        self._follow_faults()
        self._stream = self.mechanism.stream()
        self._pending_status.clear()

    def write(self, data: bytes) -> None:
        if self._printer.fault("slow") and not data.startswith(DLE_EOT):
            time.sleep(1.5)
        self._pending_status += self._stream.feed(data)

    def read(self, n: int, timeout_s: float) -> bytes:
        out = bytes(self._pending_status[:n])
        del self._pending_status[:n]
        return out

    def close(self) -> None:
        job = self._stream.finish()
        self._stream = self.mechanism.stream()
        if job:
            self._printer._save(job)


class SimReceiptPrinter(EscposReceiptPrinter, FaultInjection):
    faults = ("paper_out", "paper_out_mid_job", "paper_near_end", "cover_open", "cutter_error", "silent", "offline",
              "slow")

    def __init__(self, name: str, output_dir: Path, profile: str = "80mm", *, status_interval_s: float = 2.0) -> None:
        FaultInjection.__init__(self)
        EscposReceiptPrinter.__init__(self, name, _PaperTransport(self), PROFILES[profile],
                                      status_interval_s=status_interval_s)
        self.output_dir = output_dir
        self._numbers = itertools.count(1)
        self.last_png: Path | None = None
        self.last_bytes: bytes = b""
        self.jobs = 0  # jobs that printed something, whole or cut short

    def _save(self, data: bytes) -> None:
        private_dir(self.output_dir)
        stem = self.output_dir / f"receipt-{time.strftime('%Y%m%d-%H%M%S')}-{next(self._numbers):03d}"
        write_private(stem.with_suffix(".bin"), data)
        page = render(data, self.profile)
        assert page.image is not None
        with private_writer(stem.with_suffix(".png")) as fh:
            page.image.point(_DOT, "1").save(fh, format="PNG")
        self.last_png, self.last_bytes = stem.with_suffix(".png"), data
        self.jobs += 1

    def _artifact(self) -> str:
        return str(self.last_png or "")
