"""A simulated receipt printer: the real ESC/POS bytes, drawn onto paper by the virtual printer.

Each job is saved as ``receipt-NNN.bin`` (the exact bytes) and ``receipt-NNN.png``
(what the paper would look like) in the output directory.
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
from devices.receipt.virtual import render
from common.i18n import text


@dataclass(frozen=True)
class SimReceiptPrinterOptions:
    output_dir: str = "receipts"  # relative to the data directory
    profile: str = "80mm"


class _PaperTransport:
    """Collects a job's bytes and answers status queries the way a printer would."""

    def __init__(self, printer: "SimReceiptPrinter") -> None:
        self._printer = printer
        self._job = bytearray()
        self._pending_status: list[int] = []

    def open(self) -> None:
        if self._printer.fault("offline"):
            raise DeviceOfflineError(text("The receipt printer is not connected."), detail="simulated")
        self._job.clear()

    def write(self, data: bytes) -> None:
        if data.startswith(b"\x10\x04") and len(data) == 3:
            self._pending_status.append(0x72 if data[2] == 4 and self._printer.fault("paper_out") else 0x12)
            return
        if self._printer.fault("slow"):
            time.sleep(1.5)
        self._job += data

    def read(self, n: int, timeout_s: float) -> bytes:
        out = bytes(self._pending_status[:n])
        del self._pending_status[:n]
        return out

    def close(self) -> None:
        if self._job:
            self._printer._save(bytes(self._job))
            self._job.clear()


class SimReceiptPrinter(EscposReceiptPrinter, FaultInjection):
    faults = ("paper_out", "offline", "slow")

    def __init__(self, name: str, output_dir: Path, profile: str = "80mm") -> None:
        FaultInjection.__init__(self)
        EscposReceiptPrinter.__init__(self, name, _PaperTransport(self), PROFILES[profile])
        self.output_dir = output_dir
        self._numbers = itertools.count(1)
        self.last_png: Path | None = None
        self.last_bytes: bytes = b""

    def _save(self, data: bytes) -> None:
        private_dir(self.output_dir)
        stem = self.output_dir / f"receipt-{time.strftime('%Y%m%d-%H%M%S')}-{next(self._numbers):03d}"
        write_private(stem.with_suffix(".bin"), data)
        page = render(data, self.profile)
        assert page.image is not None
        with private_writer(stem.with_suffix(".png")) as fh:
            page.image.save(fh, format="PNG")
        self.last_png, self.last_bytes = stem.with_suffix(".png"), data

    def _artifact(self) -> str:
        return str(self.last_png or "")
