"""What an ESC/POS printer says of itself: the four ``DLE EOT n`` real-time status answers, read.

Epson's ``DLE EOT n`` (``10 04 n``) is answered at once, even while a job is printing or the printer
is offline, with one byte whose bits 1 and 4 are set and bits 0 and 7 clear (a byte without that
shape is not a status answer: it is treated as no answer). The bits read here:

- n=1 printer status: bit 3 offline;
- n=2 offline cause: bit 2 cover open, bit 5 printing stopped by paper end, bit 6 an error occurred;
- n=3 error cause: bit 3 autocutter error, bit 5 unrecoverable error, bit 6 auto-recoverable error;
- n=4 roll paper sensor: bits 2-3 paper near its end, bits 5-6 paper end.

A printer that answers none (a USB printer whose device file has no read path) has an *unknown*
status: the driver prints, and the receipt is told as "please check that it was printed".
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Mapping

from common.i18n import N_, Text, text

DLE_EOT = b"\x10\x04"
QUERIES = (1, 2, 3, 4)


def query(n: int) -> bytes:
    return DLE_EOT + bytes([n])


def is_answer(byte: int) -> bool:
    """A real-time status byte: bits 1 and 4 set, bits 0 and 7 clear."""
    return byte & 0x93 == 0x12


class Condition(enum.Enum):
    """In order of what matters most to the hall: the first one found is the reason health gives."""

    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    CUTTER_ERROR = "cutter_error"
    PRINTER_ERROR = "printer_error"
    OFFLINE = "offline"
    PAPER_NEAR_END = "paper_near_end"
    UNKNOWN = "unknown"

    @property
    def blocks_printing(self) -> bool:
        return self not in (Condition.PAPER_NEAR_END, Condition.UNKNOWN)

    @property
    def message(self) -> Text:
        return text(_MESSAGES[self])


_MESSAGES = {
    Condition.PAPER_OUT: N_("The receipt printer is out of paper. Please ask the hall staff for help."),
    Condition.COVER_OPEN: N_("The receipt printer's cover is open. Please ask the hall staff for help."),
    Condition.CUTTER_ERROR: N_("The receipt printer's paper cutter is stuck. Please ask the hall staff for help."),
    Condition.PRINTER_ERROR: N_("The receipt printer has a fault. Please ask the hall staff for help."),
    Condition.OFFLINE: N_("The receipt printer is offline. Please ask the hall staff for help."),
    Condition.PAPER_NEAR_END: N_("The receipt printer's paper roll is nearly used up."),
    Condition.UNKNOWN: N_("The receipt printer does not report its status: paper and cover cannot be checked."),
}


def conditions(n: int, byte: int) -> frozenset[Condition]:
    """The conditions one answer to ``DLE EOT n`` reports (a byte of the wrong shape: unknown)."""
    if not is_answer(byte):
        return frozenset({Condition.UNKNOWN})
    found: set[Condition] = set()
    if n == 1 and byte & 0x08:
        found.add(Condition.OFFLINE)
    elif n == 2:
        if byte & 0x04:
            found.add(Condition.COVER_OPEN)
        if byte & 0x20:
            found.add(Condition.PAPER_OUT)
        if byte & 0x40:
            found.add(Condition.PRINTER_ERROR)
    elif n == 3:
        if byte & 0x08:
            found.add(Condition.CUTTER_ERROR)
        if byte & 0x60:
            found.add(Condition.PRINTER_ERROR)
    elif n == 4:
        if byte & 0x60:
            found.add(Condition.PAPER_OUT)
        elif byte & 0x0C:
            found.add(Condition.PAPER_NEAR_END)
    return frozenset(found)


@dataclass(frozen=True)
class PrinterStatus:
    conditions: frozenset[Condition]

    @classmethod
    def read(cls, answers: Mapping[int, int | None]) -> "PrinterStatus":
        """From the answer byte to each query (``None``: no answer within the wait)."""
        found: set[Condition] = set()
        for n in QUERIES:
            byte = answers.get(n)
            found |= {Condition.UNKNOWN} if byte is None else conditions(n, byte)
        if Condition.PRINTER_ERROR in found and Condition.CUTTER_ERROR in found:
            found.discard(Condition.PRINTER_ERROR)  # the cause is known: say it, not "a fault"
        return cls(frozenset(found))

    @property
    def known(self) -> bool:
        return Condition.UNKNOWN not in self.conditions

    @property
    def blocking(self) -> Condition | None:
        """The condition that stops printing, the most telling first (paper out before the offline it causes)."""
        return next((c for c in Condition if c in self.conditions and c.blocks_printing), None)

    @property
    def reason(self) -> Text | None:
        """What health says: the most telling condition, or none when all is well."""
        first = next((c for c in Condition if c in self.conditions), None)
        return first.message if first is not None else None


UNKNOWN = PrinterStatus(frozenset({Condition.UNKNOWN}))
