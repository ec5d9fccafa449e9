"""The mechanism of a simulated ESC/POS printer: its paper, cover and cutter, and the status it answers.

Shared by the TCP virtual printer (:class:`devices.receipt.virtual.VirtualPrinterServer`), the
in-process simulator (:mod:`devices.receipt.sim`) and tests that stand a printer behind a pty. A
:class:`JobStream` reads the bytes of one connection command by command (a raster image's or a QR
code's data is skipped by its declared length, so a ``10 04`` inside it is never taken for a query),
answers each ``DLE EOT n`` at once, as a real printer does, and keeps what was printed. Paper runs out
after ``paper_lines`` lines: the rest of the job is not printed and the printer reports paper end.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.receipt.status import DLE_EOT


@dataclass
class PrinterMechanism:
    paper_lines: int | None = None  # lines of paper left on the roll; None: plenty
    near_end: bool = False          # the near-end sensor sees the roll's end coming
    cover_open: bool = False
    cutter_error: bool = False
    offline: bool = False           # taken offline (the feed button held, a panel switch)
    silent: bool = False            # answers no status query (a USB printer without a read path)

    @property
    def paper_out(self) -> bool:
        return self.paper_lines == 0

    @paper_out.setter
    def paper_out(self, out: bool) -> None:
        self.paper_lines = 0 if out else None

    @property
    def stopped(self) -> bool:
        return self.paper_out or self.cover_open or self.cutter_error or self.offline

    def status_byte(self, n: int) -> int:
        """The answer to ``DLE EOT n`` (bits 1 and 4 always set)."""
        byte = 0x12
        if n == 1 and self.stopped:
            byte |= 0x08
        elif n == 2:
            byte |= (0x04 if self.cover_open else 0) | (0x20 if self.paper_out else 0) | (0x40 if self.cutter_error else 0)
        elif n == 3 and self.cutter_error:
            byte |= 0x08
        elif n == 4:
            byte |= (0x0C if self.near_end or self.paper_out else 0) | (0x60 if self.paper_out else 0)
        return byte

    def stream(self) -> "JobStream":
        return JobStream(self)


def command_size(buf: bytes | bytearray, i: int) -> int | None:
    """How many bytes the command at ``buf[i]`` takes; ``None`` until all of it has arrived."""
    have = len(buf) - i

    def need(size: int) -> int | None:
        return size if have >= size else None

    b = buf[i]
    if b in (0x10, 0x1B, 0x1C, 0x1D) and have < 2:
        return None
    if b == 0x10:  # DLE EOT n / DLE ENQ n
        return need(3) if buf[i + 1] in (0x04, 0x05) else 1
    if b == 0x1B:  # ESC
        return need(3) if buf[i + 1] in b"aEd!MtJ" else 2
    if b == 0x1C:  # FS & and the like
        return 2
    if b == 0x1D:  # GS
        cmd = buf[i + 1]
        if cmd == 0x21:
            return need(3)
        if cmd == 0x56:
            if have < 3:
                return None
            return need(4) if buf[i + 2] in (0x41, 0x42) else 3
        if cmd == 0x28:  # GS ( k pL pH data
            if have < 5:
                return None
            return need(5 + (buf[i + 3] | buf[i + 4] << 8))
        if cmd == 0x76:  # GS v 0 m xL xH yL yH data
            if have < 8:
                return None
            return need(8 + (buf[i + 4] | buf[i + 5] << 8) * (buf[i + 6] | buf[i + 7] << 8))
        return 2
    return 1


class JobStream:
    """One connection's bytes: status answered as they come, the rest printed while there is paper."""

    def __init__(self, mechanism: PrinterMechanism) -> None:
        self._mechanism = mechanism
        self._buf = bytearray()
        self.printed = bytearray()
        self.dropped = 0  # bytes that reached a stopped printer

    def feed(self, data: bytes) -> bytes:
        """Take ``data``; return the status answers it asked for."""
        self._buf += data
        answers = bytearray()
        i = 0
        while i < len(self._buf):
            size = command_size(self._buf, i)
            if size is None:
                break
            command = bytes(self._buf[i:i + size])
            i += size
            if command[:2] == DLE_EOT:
                if not self._mechanism.silent:
                    answers.append(self._mechanism.status_byte(command[2]))
            elif command[:1] != b"\x10":
                self._print(command)
        del self._buf[:i]
        return bytes(answers)

    def _print(self, command: bytes) -> None:
        m = self._mechanism
        if m.stopped:
            self.dropped += len(command)
            return
        self.printed += command
        lines = 1 if command == b"\n" else command[2] if command[:2] == b"\x1bd" else 0
        if lines and m.paper_lines is not None:
            m.paper_lines = max(0, m.paper_lines - lines)

    def finish(self) -> bytes:
        """The connection closed: what was printed (an unfinished command at the end is printed as it is)."""
        if self._buf:
            self._print(bytes(self._buf))
            self._buf.clear()
        return bytes(self.printed)
