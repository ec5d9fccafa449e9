"""A virtual ESC/POS printer: reads the bytes a real printer would get and draws the paper.

It understands what :mod:`devices.receipt.escpos` emits (and skips what it does
not know), so the simulator, the demo and the tests see the same receipt a
hall's printer would print. :class:`VirtualPrinterServer` takes the bytes over
TCP like a network printer on port 9100 and answers status queries.
"""

from __future__ import annotations

import logging
import socket
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from devices.receipt.escpos import PrinterProfile
from devices.receipt.mechanism import PrinterMechanism
from devices.receipt.linebreak import char_columns
from common.fonts import cjk_font_path

if TYPE_CHECKING:
    from PIL import Image, ImageFont

log = logging.getLogger(__name__)


@dataclass
class Page:
    """What came out of the printer: text lines, QR payloads and a picture."""

    lines: list[str] = field(default_factory=list)
    columns: list[int] = field(default_factory=list)  # each line's room: columns of its font and size
    printer_wrapped: int = 0  # lines longer than their room, wrapped by the printer itself (a layout's fault)
    qr_codes: list[str] = field(default_factory=list)
    image: Image.Image | None = None
    cut: bool = False
    unknown_commands: int = 0


class _Renderer:
    DOT_HEIGHT = 24  # font A line height in dots

    def __init__(self, profile: PrinterProfile) -> None:
        from PIL import Image, ImageDraw  # at the first printout, not while the terminal starts

        self.profile = profile
        self.canvas = Image.new("L", (profile.width_dots, 4000), 255)
        self.draw = ImageDraw.Draw(self.canvas)
        self.y = 8
        self.align = 0
        self.bold = False
        self.size = 1
        self.small = False  # font B (ESC M 1): 9x17 dots instead of 12x24
        self.fonts: dict[tuple[int, bool], ImageFont.FreeTypeFont] = {}

    def font(self) -> ImageFont.FreeTypeFont:
        key = (self.size, self.small)
        if key not in self.fonts:
            from PIL import ImageFont

            self.fonts[key] = ImageFont.truetype(str(cjk_font_path()), (16 if self.small else 22) * self.size)
        return self.fonts[key]

    def columns(self) -> int:
        """Columns of a line in the current font and size."""
        columns = self.profile.small_columns if self.small and self.profile.small_columns else self.profile.columns
        return columns // self.size

    def _grow(self, need: int) -> None:
        if self.y + need > self.canvas.height:
            from PIL import Image, ImageDraw

            bigger = Image.new("L", (self.canvas.width, self.canvas.height * 2), 255)
            bigger.paste(self.canvas, (0, 0))
            self.canvas, self.draw = bigger, ImageDraw.Draw(bigger)

    def _x(self, width: int) -> int:
        free = self.profile.width_dots - width
        return [0, free // 2, free][self.align] if free > 0 else 0

    def text_line(self, s: str) -> None:
        height = (17 if self.small else self.DOT_HEIGHT) * self.size + 4
        self._grow(height)
        font = self.font()
        width = int(self.draw.textlength(s, font=font))
        x = self._x(width)
        self.draw.text((x, self.y), s, font=font, fill=0)
        if self.bold:
            self.draw.text((x + 1, self.y), s, font=font, fill=0)
        self.y += height

    def feed(self, lines: int) -> None:
        self.y += self.DOT_HEIGHT * lines

    def bitmap(self, rows: list[list[bool]]) -> None:
        if not rows:
            return
        from PIL import Image

        height, width = len(rows), len(rows[0])
        self._grow(height + 8)
        x0 = self._x(width)
        # the dots as a mask, black pasted through it: one call, where a putpixel per dot held the
        # printer's thread 20-40 ms for a receipt's QR code
        dots = b"".join(bytes(255 if dark else 0 for dark in row[:width]).ljust(width, b"\0") for row in rows)
        self.canvas.paste(0, (x0, self.y, x0 + width, self.y + height), Image.frombytes("L", (width, height), dots))
        self.y += height + 4

    def finish(self) -> Image.Image:
        return self.canvas.crop((0, 0, self.canvas.width, self.y + 16))


def _qr_rows(data: str, module: int) -> list[list[bool]]:
    from devices.receipt.escpos import qr_raster

    return qr_raster(data, module)  # with the 4-module quiet zone a printer draws around a native QR code


def _printer_wrap(s: str, columns: int) -> list[str]:
    """A line longer than the paper, as a printer prints it: on at the next line where the columns end."""
    parts, current, width = [], "", 0
    for ch in s:
        if current and width + char_columns(ch) > columns:
            parts.append(current)
            current, width = "", 0
        current += ch
        width += char_columns(ch)
    return parts + [current]


def render(data: bytes, profile: PrinterProfile) -> Page:
    """Interpret an ESC/POS byte stream. Never raises: what it cannot read is counted and skipped."""
    page = Page()
    r = _Renderer(profile)
    text = bytearray()
    qr_module, qr_data = 3, b""
    i, n = 0, len(data)

    def flush() -> None:
        if text:
            s = bytes(text).decode(profile.encoding, errors="replace")
            parts = _printer_wrap(s, r.columns())
            page.printer_wrapped += len(parts) > 1
            for part in parts:
                page.lines.append(part)
                page.columns.append(r.columns())
                r.text_line(part)
            text.clear()

    while i < n:
        b = data[i]
        if b == 0x0A:
            if text:
                flush()
            else:
                page.lines.append("")
                page.columns.append(r.columns())
                r.feed(1)
            i += 1
        elif b == 0x1B and i + 1 < n:  # ESC
            cmd = data[i + 1]
            if cmd == 0x40:
                i += 2
            elif cmd in (0x61, 0x45, 0x64, 0x21, 0x4D, 0x74) and i + 2 < n:
                arg = data[i + 2]
                if cmd == 0x61:
                    r.align = min(arg, 2)
                elif cmd == 0x45:
                    r.bold = bool(arg & 1)
                elif cmd == 0x4D:
                    r.small = bool(arg & 1)
                elif cmd == 0x64:
                    flush()
                    r.feed(arg)
                i += 3
            else:
                page.unknown_commands += 1
                i += 2
        elif b == 0x1D and i + 1 < n:  # GS
            cmd = data[i + 1]
            if cmd == 0x21 and i + 2 < n:
                r.size = max(1, min(2, (data[i + 2] & 0x0F) + 1))
                i += 3
            elif cmd == 0x56 and i + 2 < n:
                flush()
                page.cut = True
                i += 4 if data[i + 2] in (0x41, 0x42) else 3
            elif cmd == 0x28 and i + 4 < n and data[i + 2] == 0x6B:
                length = data[i + 3] | data[i + 4] << 8
                body = data[i + 5:i + 5 + length]
                if len(body) >= 2 and body[0] == 0x31:
                    fn = body[1]
                    if fn == 0x43 and len(body) >= 3:
                        qr_module = body[2]
                    elif fn == 0x50:
                        qr_data = bytes(body[3:])
                    elif fn == 0x51 and qr_data:
                        flush()
                        payload = qr_data.decode("utf-8", errors="replace")
                        page.qr_codes.append(payload)
                        r.bitmap(_qr_rows(payload, qr_module))
                i += 5 + length
            elif cmd == 0x76 and i + 7 < n and data[i + 2] == 0x30:  # GS v 0 raster
                wb = data[i + 4] | data[i + 5] << 8
                h = data[i + 6] | data[i + 7] << 8
                raw = data[i + 8:i + 8 + wb * h]
                rows = [[bool(raw[y * wb + x // 8] & (0x80 >> (x % 8))) for x in range(wb * 8)]
                        for y in range(h) if (y + 1) * wb <= len(raw)]
                flush()
                r.bitmap(rows)
                i += 8 + wb * h
            else:
                page.unknown_commands += 1
                i += 2
        elif b == 0x1C and i + 1 < n:  # FS: Chinese mode on/off
            i += 2
        elif b == 0x10 and i + 2 < n and data[i + 1] == 0x04:  # DLE EOT: status query, no ink
            i += 3
        elif b < 0x20:
            page.unknown_commands += 1
            i += 1
        else:
            text.append(b)
            i += 1
    flush()
    page.image = r.finish()
    return page


class VirtualPrinterServer:
    """A network receipt printer on loopback: collects ESC/POS jobs, answers DLE EOT status queries.

    Its :class:`~devices.receipt.mechanism.PrinterMechanism` takes conditions for tests and rehearsals:
    ``paper_out = True`` an empty roll, ``mechanism.paper_lines = 5`` paper running out five lines into
    the next job, ``mechanism.cover_open``, ``near_end``, ``cutter_error``, ``offline``. ``jobs`` holds
    what each connection printed (status queries left out).
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._sock = socket.create_server((host, port))
        self._sock.settimeout(0.2)
        self.address = self._sock.getsockname()[:2]
        self.jobs: list[bytes] = []
        self.mechanism = PrinterMechanism()
        self._running = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="virtual-printer", daemon=True)
        self._lock = threading.Lock()

    def __enter__(self) -> "VirtualPrinterServer":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self._running.set()
        self._thread.start()

    def stop(self) -> None:
        self._running.clear()
        self._thread.join(2)
        self._sock.close()

    @property
    def paper_out(self) -> bool:
        return self.mechanism.paper_out

    @paper_out.setter
    def paper_out(self, out: bool) -> None:
        self.mechanism.paper_out = out

    def _serve(self) -> None:
        while self._running.is_set():
            try:
                conn, _ = self._sock.accept()
            except (socket.timeout, OSError):
                continue
            with conn:
                conn.settimeout(2.0)
                stream = self.mechanism.stream()
                while self._running.is_set():
                    try:
                        chunk = conn.recv(65536)
                    except (socket.timeout, OSError):
                        break
                    if not chunk:
                        break
                    try:
                        conn.sendall(stream.feed(chunk))  # DLE EOT answered at once, as a printer does
                    except OSError:
                        break
                job = stream.finish()
                if job:
                    with self._lock:
                        self.jobs.append(bytes(job))
