"""A CUPS queue of the bench's own for a monkey's A4 printer (``--cups``): the kiosk prints through the real spooler,
and the monkey stops and starts the queue as one of its device upsets, as staff or CUPS's own error policy do.

Its printer is the tests' CUPS backend in its ``ready`` state (tests/cups_backend/onetriptest, which
scripts/test-services.sh installs with CUPS): it takes each job and writes nothing, so no licence of the sandbox's
is left on disk and no other run's printouts are touched. A hall never runs this."""

from __future__ import annotations

import subprocess
import uuid

PPD = "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"  # a PDF printer's filters (scripts/test-services.sh installs cups-pdf)


class BenchQueue:
    """``name`` for the terminal's ``printer``; ``inject("stopped" | "clear")`` as a simulator's faults."""

    faults = ("stopped",)

    def __init__(self) -> None:
        self.name = "OneTrip-Bench-" + uuid.uuid4().hex[:6]
        subprocess.run(["lpadmin", "-p", self.name, "-E", "-v", "onetriptest:/ready", "-m", PPD], check=True,
                       capture_output=True, timeout=30)
        self.stops = 0

    def inject(self, fault: str) -> None:
        if fault == "stopped":
            self.stops += 1
        subprocess.run(["cupsdisable" if fault == "stopped" else "cupsenable", self.name], check=True,
                       capture_output=True, timeout=30)

    def printed(self) -> int:
        """The jobs CUPS completed on this queue (the licences printed; a job given up is purged with ``cancel
        -x`` and not counted)."""
        return completed_jobs(self.name)

    def tally(self) -> str:
        return f"{self.printed()} printed through CUPS, the queue stopped {self.stops} time(s)"

    def remove(self) -> None:
        subprocess.run(["lpadmin", "-x", self.name], capture_output=True, timeout=30)


def completed_jobs(queue: str) -> int:
    """How many jobs CUPS completed on ``queue``."""
    said = subprocess.run(["lpstat", "-W", "completed", "-o", queue], capture_output=True, text=True,
                          timeout=30).stdout
    return sum(1 for line in said.splitlines() if line.startswith(queue + "-"))
