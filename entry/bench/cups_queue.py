"""A CUPS queue of the bench's own for a monkey's A4 printer (``--cups``): the kiosk prints through the real spooler
to its PDF printer (cups-pdf), and the monkey stops and starts the queue as one of its device upsets, as staff or
CUPS's own error policy do. scripts/test-services.sh starts CUPS and installs cups-pdf; a hall never runs this."""

from __future__ import annotations

import os
import pwd
import subprocess
import uuid
from pathlib import Path

PPD = "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"


def _pdf_output() -> Path:
    """Where cups-pdf writes a job of this user's: ~/PDF."""
    return Path(pwd.getpwuid(os.getuid()).pw_dir) / "PDF"


class BenchQueue:
    """``name`` for the terminal's ``printer``; ``inject("stopped" | "clear")`` as a simulator's faults."""

    faults = ("stopped",)

    def __init__(self) -> None:
        self.name = "OneTrip-Bench-" + uuid.uuid4().hex[:6]
        self._before = set(_pdf_output().glob("*.pdf")) if _pdf_output().is_dir() else set()
        subprocess.run(["lpadmin", "-p", self.name, "-E", "-v", "cups-pdf:/", "-m", PPD], check=True,
                       capture_output=True, timeout=30)
        self.stops = 0

    def inject(self, fault: str) -> None:
        if fault == "stopped":
            self.stops += 1
        subprocess.run(["cupsdisable" if fault == "stopped" else "cupsenable", self.name], check=True,
                       capture_output=True, timeout=30)

    def printed(self) -> int:
        """The PDFs cups-pdf wrote since the queue was made (the licences printed)."""
        return len(self._made())

    def _made(self) -> list[Path]:
        return [p for p in _pdf_output().glob("*.pdf") if p not in self._before] if _pdf_output().is_dir() else []

    def remove(self) -> None:
        """The queue deleted, and what it printed: the sandbox's licences, but a licence is not left on disk."""
        subprocess.run(["lpadmin", "-x", self.name], capture_output=True, timeout=30)
        for made in self._made():
            made.unlink(missing_ok=True)
