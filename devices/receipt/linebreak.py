"""Receipt lines: how many columns text takes on the printer, and where a line may break.

Columns. In Chinese mode (``FS &``) a GB18030 printer prints a one-byte code (ASCII, below 0x80)
as a half-width character of one column and every two- or four-byte code as a full-width glyph of
two columns, whatever the character. So the count is the encoding's, not a terminal's: East Asian
Wide and Fullwidth characters take two, and so do the Ambiguous ones, “ ” ‘ ’ — · … ※ ° among
them (GB2312 row 1, double-byte), which ``wcwidth`` and East Asian width count as one in a
Western context. Counted as one, ``办理事项：“个体工商户”经营者变更`` was laid out as 30 columns and
printed as 34, on a line of 32.

Breaks (after UAX #14 and GB/T 15834, made small): a line breaks at a space, between two
full-width characters, or between a full-width and a half-width one; never inside a run of
half-width characters (a Latin word, a number: the case number, the provisional number, a masked
ID number), never between the masking ``*`` and what it masks (``张**`` stays whole), never before closing
punctuation (，。、；：！？）」』】》” … — and the like) and never after opening punctuation (（「“《 ¥
and the like). When closing punctuation does not fit at the end of a line, the character before
it moves down with it: punctuation cannot hang past the margin, as a printer wraps by itself a line
longer than its columns. A unit longer than the line goes on lines of its own: in the printer's
small font (font B) when it fits there, so that a provisional number of up to 40 characters stays
whole on 32 columns; only a unit too long even for that is split, after a hyphen where it can be.
"""

from __future__ import annotations

from dataclasses import dataclass

CLOSING = frozenset("，。、；：！？）］｝」』】〕〉》〗〙〛”’…—‥～·・%‰℃°′″,.;:!?)]}")
OPENING = frozenset("（［｛「『【〔〈《〖〘〚“‘¥￥$£€([{")
_MASK = "*"


def char_columns(ch: str) -> int:
    """Columns one character takes on a GB18030 receipt printer: 1 for a one-byte code, else 2."""
    return 1 if ord(ch) < 0x80 else 2


def display_width(s: str) -> int:
    """Columns a string takes on the printer (see the module's docstring)."""
    return sum(1 if ord(c) < 0x80 else 2 for c in s)


@dataclass(frozen=True)
class PrintLine:
    """One line as it is sent: ``small`` ones in font B (more columns to the line)."""

    text: str
    small: bool = False


def _may_break(before: str, after: str) -> bool:
    if after in CLOSING or before in OPENING:
        return False
    if after in OPENING or before in CLOSING:
        return True
    if _MASK in (before, after):
        return False
    return char_columns(before) == 2 or char_columns(after) == 2


def units(text: str) -> list[tuple[str, str]]:
    """``text`` cut at every break opportunity: (the spaces before the unit, the unit)."""
    out: list[tuple[str, str]] = []
    spaces, unit = "", ""
    for ch in text:
        if ch == " ":
            if unit:
                out.append((spaces, unit))
                spaces, unit = "", ""
            spaces += ch
        elif unit and not _may_break(unit[-1], ch):
            unit += ch
        else:
            if unit:
                out.append((spaces, unit))
                spaces = ""
            unit = ch
    if unit:
        out.append((spaces, unit))
    return out


def _split(unit: str, columns: int) -> list[str]:
    """A unit too long for any line, cut into lines of ``columns``: after its last hyphen that fits, else anywhere."""
    pieces: list[str] = []
    while display_width(unit) > columns:
        end, width = 0, 0
        while width + char_columns(unit[end]) <= columns:
            width += char_columns(unit[end])
            end += 1
        hyphen = unit.rfind("-", 0, end)
        cut = hyphen + 1 if hyphen > 0 else max(end, 1)
        pieces.append(unit[:cut])
        unit = unit[cut:]
    return pieces + [unit]


def lay_out(text: str, columns: int, small_columns: int = 0) -> list[PrintLine]:
    """``text`` in lines of at most ``columns`` (font B lines: ``small_columns``), broken as the module says.

    Leading spaces are an indent kept on every line of the paragraph (when it leaves room).
    """
    body = text.lstrip(" ")
    indent = text[:len(text) - len(body)]
    if display_width(indent) * 2 > columns:
        indent = ""
    lines: list[PrintLine] = []
    current = ""  # without the indent; "" when the line is empty
    for spaces, unit in units(body):
        candidate = current + spaces + unit if current else unit
        if display_width(indent + candidate) <= columns:
            current = candidate
            continue
        if current:
            lines.append(PrintLine(indent + current))
            current = ""
        if display_width(indent + unit) <= columns:
            current = unit
        elif unit.isascii() and 0 < display_width(unit) <= small_columns:
            lines.append(PrintLine(unit, small=True))
        else:
            lines.extend(PrintLine(piece) for piece in _split(unit, columns))
    if current or not lines:
        lines.append(PrintLine(indent + current if current else ""))
    return lines


def wrap(s: str, columns: int) -> list[str]:
    """``s`` in lines of at most ``columns`` of the normal font (a unit too long is split)."""
    return [line.text for line in lay_out(s, columns)]
