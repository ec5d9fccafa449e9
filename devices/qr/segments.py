"""A QR symbol's corrected data codewords read as segments: numeric, alphanumeric, byte, kanji,
GB2312 hanzi (GB/T 18284), ECI, FNC1 and structured append, into the payload's bytes.

Strict on purpose: anything a standard encoder does not write (an unknown mode, a count running past
the data, padding that is not 0xEC 0x11) raises :class:`BadSegments`, so a symbol corrected to the
wrong codeword is refused rather than read as wrong text.
"""

from __future__ import annotations

from devices.qr import text as qrtext


class BadSegments(Exception):
    """The data does not parse as a standard encoder writes it."""


_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


# ECI assignment number to Python codec (AIM ECI; zxing-cpp's CharacterSet table).
_ECI_CODECS = {0: "cp437", 1: "iso-8859-1", 2: "cp437", 3: "iso-8859-1", **{n: f"iso-8859-{n - 2}" for n in range(4, 12)},
               **{n: f"iso-8859-{n - 2}" for n in range(13, 19)}, 20: "shift_jis", 21: "cp1250", 22: "cp1251",
               23: "cp1252", 24: "cp1256", 25: "utf-16-be", 26: "utf-8", 27: "ascii", 28: "big5", 29: "gb18030",
               30: "euc-kr", 32: "gb18030"}


class _Bits:
    def __init__(self, data: bytes) -> None:
        self.value = int.from_bytes(data, "big")
        self.size = len(data) * 8
        self.pos = 0

    def left(self) -> int:
        return self.size - self.pos

    def take(self, count: int) -> int:
        if count > self.left():
            raise BadSegments("segment runs past the data")
        self.pos += count
        return (self.value >> (self.size - self.pos)) & ((1 << count) - 1)


def _count_bits(mode: int, version: int) -> int:
    band = 0 if version <= 9 else 1 if version <= 26 else 2
    return {1: (10, 12, 14), 2: (9, 11, 13), 4: (8, 16, 16), 8: (8, 10, 12), 13: (8, 10, 12)}[mode][band]


def parse_segments(data: bytes, version: int) -> tuple[bytes, str | None]:
    """The payload's bytes (ECI designators left out) and its text when an ECI named the
    character sets; raises :class:`BadSegments` on anything a standard encoder does not write."""
    bits = _Bits(data)
    raw = bytearray()
    pieces: list[tuple[bytes, str | None]] = []  # bytes and the codec in force
    codec: str | None = None
    eci_seen = False
    while bits.left() >= 4:
        mode = bits.take(4)
        if mode == 0:
            break
        if mode == 7:  # ECI
            first = bits.take(8)
            if first & 0x80 == 0:
                number = first
            elif first & 0xC0 == 0x80:
                number = (first & 0x3F) << 8 | bits.take(8)
            elif first & 0xE0 == 0xC0:
                number = (first & 0x1F) << 16 | bits.take(16)
            else:
                raise BadSegments("bad ECI designator")
            codec = _ECI_CODECS.get(number)
            eci_seen = True
            continue
        if mode == 3:  # structured append: symbol sequence and parity
            bits.take(16)
            continue
        if mode == 5:  # FNC1 in first position
            continue
        if mode == 9:  # FNC1 in second position: the application indicator
            bits.take(8)
            continue
        if mode not in (1, 2, 4, 8, 13):
            raise BadSegments(f"mode {mode}")
        if mode == 13 and bits.take(4) != 1:  # GB/T 18284 hanzi: only the GB2312 subset
            raise BadSegments("hanzi subset")
        count = bits.take(_count_bits(mode, version))
        piece = _segment(bits, mode, count)
        raw += piece
        pieces.append((piece, "ascii" if mode in (1, 2) else "shift_jis" if mode == 8 else
                       "gb2312" if mode == 13 else codec))
    _check_padding(data, bits)
    if not eci_seen:
        return bytes(raw), None
    parts = []
    for piece, name in pieces:
        if name is None:
            parts.append(qrtext.decode_bytes(piece))
            continue
        try:
            parts.append(piece.decode(name))
        except (UnicodeDecodeError, LookupError):
            raise BadSegments("segment not in its ECI's character set") from None
    return bytes(raw), "".join(parts)


def _segment(bits: _Bits, mode: int, count: int) -> bytes:
    out = bytearray()
    if mode == 1:
        while count >= 3:
            value = bits.take(10)
            if value > 999:
                raise BadSegments("numeric group")
            out += b"%03d" % value
            count -= 3
        if count:
            value = bits.take(7 if count == 2 else 4)
            if value >= 10 ** count:
                raise BadSegments("numeric group")
            out += b"%0*d" % (count, value)
    elif mode == 2:
        while count >= 2:
            value = bits.take(11)
            if value >= 45 * 45:
                raise BadSegments("alphanumeric pair")
            out += (_ALNUM[value // 45] + _ALNUM[value % 45]).encode()
            count -= 2
        if count:
            value = bits.take(6)
            if value >= 45:
                raise BadSegments("alphanumeric character")
            out += _ALNUM[value].encode()
    elif mode == 4:
        for _ in range(count):
            out.append(bits.take(8))
    else:  # kanji (Shift_JIS) or hanzi (GB2312): 13 bits a character
        for _ in range(count):
            value = bits.take(13)
            if mode == 8:
                word = (value // 0xC0) << 8 | value % 0xC0
                word += 0x8140 if word < 0x1F00 else 0xC140
            else:
                word = (value // 0x60) << 8 | value % 0x60
                word += 0xA1A1 if word < 0x0A00 else 0xA6A1
            out += word.to_bytes(2, "big")
    return bytes(out)


def _check_padding(data: bytes, bits: _Bits) -> None:
    """After the terminator: zero bits to the byte, then 0xEC 0x11 in turn to the end (segno 1.6
    writes a whole zero byte when the terminator ends on a byte: one is allowed)."""
    rest = bits.left() % 8
    if rest and bits.take(rest) != 0:
        raise BadSegments("padding bits")
    start = bits.pos // 8
    if data[start:start + 1] == b"\0":
        start += 1
    for i, byte in enumerate(data[start:]):
        if byte != (0xEC, 0x11)[i % 2]:
            raise BadSegments("pad codewords")
