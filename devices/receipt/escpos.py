"""ESC/POS: one encoder builds every command; printer differences are a profile, not ``if`` chains."""

from __future__ import annotations

from dataclasses import dataclass

from devices.receipt.document import Feed, Line, Qr, ReceiptDocument, Rule
from devices.receipt.linebreak import lay_out

ESC, GS, FS, DLE, LF = b"\x1b", b"\x1d", b"\x1c", b"\x10", b"\n"

INIT = ESC + b"@"
CHINESE_ON = FS + b"&"
CUT = GS + b"V\x42\x00"  # feed to the cutter, then partial cut
_ALIGN = {"left": 0, "center": 1, "right": 2}


@dataclass(frozen=True)
class PrinterProfile:
    name: str
    columns: int          # characters of font A per line
    width_dots: int       # printable width
    small_columns: int = 0  # characters of font B (9 dots) per line: a number too long for font A goes there
    native_qr: bool = True
    encoding: str = "gb18030"


PROFILES = {
    "80mm": PrinterProfile("80mm", columns=48, width_dots=576, small_columns=64),
    "58mm": PrinterProfile("58mm", columns=32, width_dots=384, small_columns=42),
    "80mm-raster": PrinterProfile("80mm-raster", columns=48, width_dots=576, small_columns=64, native_qr=False),
}


def qr_commands(data: bytes, module: int) -> bytes:
    """GS ( k: model 2, module size, error correction M, store, print."""
    store_len = len(data) + 3
    return b"".join([
        GS + b"(k\x04\x00\x31\x41\x32\x00",
        GS + b"(k\x03\x00\x31\x43" + bytes([max(1, min(16, module))]),
        GS + b"(k\x03\x00\x31\x45\x31",
        GS + b"(k" + bytes([store_len & 0xFF, store_len >> 8]) + b"\x31\x50\x30" + data,
        GS + b"(k\x03\x00\x31\x51\x30",
    ])


def raster_commands(rows: list[list[bool]]) -> bytes:
    """GS v 0: a 1-bit raster image, for printers without native QR."""
    height = len(rows)
    width = len(rows[0]) if rows else 0
    width_bytes = (width + 7) // 8
    out = bytearray(GS + b"v0\x00" + bytes([width_bytes & 0xFF, width_bytes >> 8, height & 0xFF, height >> 8]))
    for row in rows:
        for xb in range(width_bytes):
            byte = 0
            for bit in range(8):
                x = xb * 8 + bit
                if x < width and row[x]:
                    byte |= 0x80 >> bit
            out.append(byte)
    return bytes(out)


QUIET_ZONE = 4  # modules of white around a QR symbol (ISO/IEC 18004); a native QR command prints its own


def qr_raster(data: str, module: int) -> list[list[bool]]:
    """The QR symbol as dots, with its quiet zone: a raster is printed exactly as sent."""
    import segno  # here, on the printer's worker: its imports would otherwise delay the kiosk's first paint

    matrix = segno.make_qr(data, error="m").matrix
    pad = [False] * (QUIET_ZONE * module)
    rows = []
    for mrow in matrix:
        row = pad + [bool(v) for v in mrow for _ in range(module)] + pad
        rows.extend([row] * module)
    blank = [False] * len(rows[0])
    return [blank] * (QUIET_ZONE * module) + rows + [blank] * (QUIET_ZONE * module)


def encode(document: ReceiptDocument, profile: PrinterProfile) -> bytes:
    """The exact bytes a printer with ``profile`` receives for ``document``."""
    out = bytearray(INIT)
    if profile.encoding == "gb18030":
        out += CHINESE_ON
    for element in document.elements:
        if isinstance(element, Line):
            out += ESC + b"a" + bytes([_ALIGN[element.align]])
            out += ESC + b"E" + (b"\x01" if element.bold else b"\x00")
            out += GS + b"!" + bytes([(element.size - 1) << 4 | (element.size - 1)])
            for part in lay_out(element.text, profile.columns // element.size, profile.small_columns // element.size):
                text = part.text.encode(profile.encoding, errors="replace") + LF
                out += (ESC + b"M\x01" + text + ESC + b"M\x00") if part.small else text
            out += GS + b"!\x00" + ESC + b"E\x00"
        elif isinstance(element, Rule):
            out += ESC + b"a\x00" + (element.char * profile.columns).encode("ascii", errors="replace") + LF
        elif isinstance(element, Feed):
            out += ESC + b"d" + bytes([max(0, min(255, element.lines))])
        elif isinstance(element, Qr):
            out += ESC + b"a\x01"
            if profile.native_qr:
                out += qr_commands(element.data.encode("utf-8"), element.module)
            else:
                out += raster_commands(qr_raster(element.data, element.module))
            out += LF + ESC + b"a\x00"
    out += ESC + b"d\x03" + CUT
    return bytes(out)
