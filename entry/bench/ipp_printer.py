"""A real IPP printer for the tests and the monkeys (``--ipp-printer``): CUPS's IPP Everywhere reference printer
(``ippeveprinter``, cups-ipp-utils) on a loopback port, behind a CUPS queue of its own
(``ipp://localhost:PORT/ipp/print``, driverless as a hall sets one up: ``-m everywhere``). A hall never runs this.

The printer keeps its own paper and toner: its web forms (``/media``, ``/supplies``) fill or empty its trays and
cartridges, as staff do at a real one, and it says so in its ``printer-state-reasons`` (``media-empty-report`` while
idle, ``-warning`` while a job waits for paper). A job waits in the printer for paper as a real one's does; and the
paper can be made to run out as a job starts. The printer takes TLS on the same port (``ipps://``). Its print command
is a script that writes nothing; the documents it spools go with its directory at ``close()``.

ippeveprinter opens the DNS-SD client library before it reads ``-r off``, which needs a D-Bus bus to connect to: a
private session bus is started for it (nothing else is registered there). Each part is stopped and the queue deleted by
``close()``."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import BinaryIO

from entry.bench.cups_queue import completed_jobs

SOURCES = ("size1=iso_a4_210x297mm&type1=stationery", "size3=iso_a4_210x297mm&type3=stationery")  # main, by-pass


PRINT_COMMAND = """#!/bin/sh
# ippeveprinter's print command: the page printed at once, writing nothing; while {runs_out} exists, the paper runs
# out as the job starts and the job waits until paper is loaded (IppPrinter.load_paper, or close(); the job then
# ends, printed unless it was cancelled meanwhile)
[ -e "{runs_out}" ] || exit 0
echo "STATE: +media-empty,media-needed" >&2
touch "{waiting}"
i=0
while [ $i -lt 300 ] && [ -e "{waiting}" ]; do sleep 0.1; i=$((i + 1)); done
"""


class IppPrinter:
    """``name`` for the terminal's ``printer``; as a monkey's device, ``inject(fault)`` with ``faults`` or
    ``"clear"``."""

    faults = ("out_of_paper", "out_of_toner", "runs_out_in_a_job")

    def __init__(self, paper_runs_out_in_a_job: bool = False) -> None:
        """``paper_runs_out_in_a_job``: each job finds the paper running out as it starts, and waits (the printer
        then says ``media-empty``, as after its last sheet); else each job prints at once."""
        self._dir = Path(tempfile.mkdtemp(prefix="onetrip-ipp-"))
        self.injected = {fault: 0 for fault in self.faults}
        self._bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self._printer: subprocess.Popen | None = None
        self._log: BinaryIO | None = None
        self.name = "OneTrip-Ipp-" + uuid.uuid4().hex[:6]
        try:
            bus = (self._bus.stdout.readline() if self._bus.stdout else "").strip()
            if not bus:
                raise RuntimeError("dbus-daemon gave no address")
            probe = socket.create_server(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
            probe.close()
            (self._dir / "spool").mkdir()
            command = self._dir / "print"
            command.write_text(PRINT_COMMAND.format(runs_out=self._dir / "runs-out",
                                                    waiting=self._dir / "waiting-for-paper"))
            command.chmod(0o755)
            if paper_runs_out_in_a_job:
                (self._dir / "runs-out").touch()
            self._log = (self._dir / "printer.log").open("wb")
            self._printer = subprocess.Popen(
                ["ippeveprinter", "-p", str(self.port), "-n", "localhost", "-r", "off", "-c", str(command),
                 "-d", str(self._dir / "spool"), "-f", "application/pdf,image/pwg-raster", "-m", "Hall A4",
                 self.name], env={**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": bus}, stdout=self._log,
                stderr=subprocess.STDOUT)
            self._wait_listening()
            self.load_paper()
            subprocess.run(["lpadmin", "-p", self.name, "-E", "-v", self.uri(), "-m", "everywhere"], check=True,
                           capture_output=True, timeout=60)
        except BaseException:
            self.close()
            raise

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self._printer is not None and self._printer.poll() is not None:
                raise RuntimeError(f"ippeveprinter ended: {self.log()[-500:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"ippeveprinter did not listen within 15 s: {self.log()[-500:]}")

    def uri(self, scheme: str = "ipp") -> str:
        return f"{scheme}://localhost:{self.port}/ipp/print"

    def log(self) -> str:
        path = self._dir / "printer.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _form(self, page: str, query: str) -> None:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{page}?{query}", timeout=10) as answer:
            assert answer.status == 200, answer.status

    def load_paper(self, sheets: int = 250) -> None:
        """The main tray filled with ``sheets`` (under 25: the printer says ``media-low``), the by-pass with 25; a
        job waiting for paper goes on."""
        (self._dir / "waiting-for-paper").unlink(missing_ok=True)
        self._form("media", "&".join(f"{source}&level{tray}={count}"
                                     for source, tray, count in zip(SOURCES, (1, 3), (sheets, 25))))

    def by_pass_empty(self) -> None:
        """The main tray full, the by-pass tray empty (as most are): the printer says ``media-empty`` all the same,
        its trays that the main one has paper. (This printer then holds a job until every tray has paper: a real one
        feeds from its main tray.)"""
        self._form("media", "&".join(f"{source}&level{tray}={count}"
                                     for source, tray, count in zip(SOURCES, (1, 3), (250, 0))))

    def run_out_of_paper(self) -> None:
        """Both trays empty: the printer says ``media-empty`` (and waits for paper with a job)."""
        self._form("media", "&".join(f"{source}&level{tray}=0" for source, tray in zip(SOURCES, (1, 3))))

    def toner(self, percent: int) -> None:
        """The black toner at ``percent`` (0: the printer says ``toner-empty``; under 10, ``toner-low``), its waste
        tank nearly empty."""
        self._form("supplies", f"supply0=10&supply1={percent}")

    def inject(self, fault: str) -> None:
        """A monkey's upset: the trays emptied, the toner out, the paper running out in each job from now; or
        ``clear``: paper loaded, a new cartridge."""
        if fault == "clear":
            (self._dir / "runs-out").unlink(missing_ok=True)
            self.load_paper()
            self.toner(80)
            return
        self.injected[fault] += 1
        if fault == "out_of_paper":
            self.run_out_of_paper()
        elif fault == "out_of_toner":
            self.toner(0)
        else:
            (self._dir / "runs-out").touch()

    def printed(self) -> int:
        """The jobs CUPS completed on this queue (a job given up is purged with ``cancel -x`` and not counted)."""
        return completed_jobs(self.name)

    def tally(self) -> str:
        return (f"{self.printed()} printed through CUPS on an IPP printer; out of paper {self.injected['out_of_paper']}"
                f", out of toner {self.injected['out_of_toner']}, paper running out in its jobs "
                f"{self.injected['runs_out_in_a_job']} time(s)")

    def remove(self) -> None:
        self.close()

    def jobs_received(self) -> int:
        """How many documents the printer itself has been sent."""
        return self.log().count("Send-Document successful-ok") + self.log().count("Print-Job successful-ok")

    def close(self) -> None:
        (self._dir / "waiting-for-paper").unlink(missing_ok=True)
        subprocess.run(["lpadmin", "-x", self.name], capture_output=True, timeout=30)
        for process in (self._printer, self._bus):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(10)
        if self._log is not None:
            self._log.close()
        if self._bus.stdout is not None:
            self._bus.stdout.close()
        shutil.rmtree(self._dir, ignore_errors=True)
