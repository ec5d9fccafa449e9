"""What a network printer says of itself: paper, toner, jams, its cover (CUPS asks a printer only while a job is sent).

An IPP printer (a queue's ``ipp://`` or ``ipps://`` device URI) is asked its ``printer-state-reasons`` over IPP at that
address (devices/docprinter/ipp.py); another network printer (``socket://``, JetDirect; ``lpd://``) its
``hrPrinterDetectedErrorState`` over SNMP (devices/docprinter/snmp.py), read into the same reason names. A printer
that does not answer SNMP is not asked again for ``SNMP_QUIET_S``: one with SNMP off would cost each check and each
print the wait. The CUPS driver asks between jobs and before each (``ask``), and while a job waits (``again``)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from devices.docprinter.ipp import IppError, ask_device_state, printer_uri
from devices.docprinter.printer_reasons import stopping, trays_empty
from devices.docprinter.snmp import SnmpError, ask_error_state
from devices.docprinter.snmp import reasons as snmp_reasons

@dataclass(frozen=True)
class Said:
    """A printer's reasons (IPP's names; SNMP's bits read into them), and whether its trays say every one is empty
    (None: they do not say; devices/docprinter/printer_reasons.py)."""

    reasons: list[str]
    trays_empty: bool | None = None

    def stops(self) -> tuple[str, str] | None:
        return stopping(self.reasons, self.trays_empty)


SNMP_S = 1.0  # the wait for a printer's SNMP answer (at most the driver's reach_s)
SNMP_QUIET_S = 300.0  # a printer that did not answer SNMP is not asked again for this long


class OwnWord:
    def __init__(self, user: str, community: str, snmp_port: int, wait_s: float) -> None:
        """``user``: named in each IPP question; ``community``: SNMP's ("": SNMP not asked); ``wait_s``: the wait
        for each answer."""
        self._user, self._community, self._snmp_port, self._wait_s = user, community, snmp_port, wait_s
        self._snmp_quiet_until = 0.0
        self._asked: tuple[str, tuple[str, int]] | None = None  # ("ipp" | "snmp", where) of the last answer

    def ask(self, uri: str, answered: tuple[str, int]) -> tuple[Said | None, str]:
        """(what the printer says, or None when not asked or not answered; what came of it, for staff) of the
        printer at ``uri``, whose print port took a connection at the numeric ``answered``."""
        self._asked = None
        if printer_uri(uri) is not None:
            try:
                state, reasons, trays = ask_device_state(uri, self._user, self._wait_s, answered)
            except (IppError, OSError) as exc:
                return None, f"its own state not asked ({exc})"
            self._asked = "ipp", answered
            empty = trays_empty(trays)
            return Said(reasons, empty), f"it says {state}, {', '.join(reasons)}" + (
                "" if empty is None else "; every tray empty" if empty else "; paper in a tray")
        if not self._community:
            return None, "SNMP not asked"
        if time.monotonic() < self._snmp_quiet_until:
            return None, "SNMP not answered lately"
        where = answered[0], self._snmp_port
        try:
            reasons = snmp_reasons(ask_error_state(where, self._community, min(self._wait_s, SNMP_S)))
        except (SnmpError, OSError) as exc:
            self._snmp_quiet_until = time.monotonic() + SNMP_QUIET_S
            return None, f"SNMP not answered ({exc or type(exc).__name__})"
        self._asked = "snmp", where
        return Said(reasons), f"it says over SNMP {', '.join(reasons)}"

    def again(self, uri: str) -> Said | None:
        """What the printer at ``uri`` says asked anew the way it last answered; None when it did not answer then or
        does not now."""
        if self._asked is None:
            return None
        how, where = self._asked
        try:
            if how == "ipp":
                _state, reasons, trays = ask_device_state(uri, self._user, self._wait_s, where)
                return Said(reasons, trays_empty(trays))
            return Said(snmp_reasons(ask_error_state(where, self._community, min(self._wait_s, SNMP_S))))
        except (IppError, SnmpError, OSError):
            return None
