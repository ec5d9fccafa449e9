"""What PC/SC desktop tools show (``pcsc_scan``, ``opensc-tool -l``): is the service running, which
readers it has, each reader's state and the ATR of the card in it. For maintenance and ``kiosk doctor``.

An ATR names a card's chip and operating system, not its holder: it is shown whole.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from devices.pcsc import scard as pcsc

PID_FILE = Path("/run/pcscd/pcscd.pid")


@dataclass(frozen=True)
class ReaderReport:
    reader: str
    states: tuple[str, ...]
    atr: bytes

    def line(self) -> str:
        atr = " ".join(f"{b:02X}" for b in self.atr) if self.atr else "-"
        return f"{self.reader}: {', '.join(self.states) or '-'}; ATR {atr}"


@dataclass(frozen=True)
class PcscReport:
    service_running: bool
    service: str                       # "running (pid N)" or why not
    readers: tuple[ReaderReport, ...]

    def details(self) -> dict[str, str]:
        details = {"pcsc_service": self.service, "pcsc_readers": str(len(self.readers))}
        for number, reader in enumerate(self.readers, 1):
            details[f"pcsc_reader_{number}"] = reader.line()
        return details

    def lines(self) -> list[str]:
        return [f"PC/SC service: {self.service}"] + [f"  {reader.line()}" for reader in self.readers]


def _pid() -> str:
    """pcscd's process id: from its pid file (a daemon writes one; ``--foreground`` does not), else
    from /proc."""
    try:
        pid = int(PID_FILE.read_text().strip())
        os.kill(pid, 0)
        return f" (pid {pid})"
    except (OSError, ValueError):
        pass
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "pcscd":
                return f" (pid {comm.parent.name})"
        except OSError:
            continue
    return ""


def snapshot() -> PcscReport:
    """The service and its readers now, through a context of its own (a device's context keeps the
    states it told PC/SC)."""
    context = None
    try:
        context = pcsc.Context()
        readers = context.readers()
        states = context.states(readers)
    except pcsc.PcscError as exc:
        return PcscReport(False, f"not running: {exc.detail}", ())
    finally:
        if context is not None:
            context.release()
    return PcscReport(True, "running" + _pid(),
                      tuple(ReaderReport(s.reader, tuple(s.names), s.atr) for s in states))
