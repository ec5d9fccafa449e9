"""What a printer's ``printer-state-reasons`` say of whether a page can print now (RFC 8011 5.4.12; the reasons of
PWG 5100.9), in words for a citizen or clerk.

A printer out of paper, jammed or open stops printing until someone attends to it. It says so in its reasons, and
CUPS copies them to the queue while a job for it waits (devices/docprinter/cups.py: there only one that appeared while
the job waited counts, as CUPS keeps the last job's reasons on the idle queue); between jobs an IPP printer is asked
itself. Those reasons stop a print at any severity: the suffix rates the condition by what the printer is doing, not
whether paper is there (the IPP Everywhere reference printer, ippeveprinter, says ``media-empty-report`` while idle,
``media-empty-warning`` while a job waits for paper, ``-error`` once stopped; CUPS passes the job's on as they are).
A printer running low on paper or toner (``media-low``, ``toner-low``, ``marker-supply-low``) still prints: staff are
told before it stops, as the receipt printer's near-end is said (``running_low``). Other reasons (``offline-report``)
and passing states such as ``connecting-to-device`` are for staff, in the self-test's details."""

from __future__ import annotations

from common.i18n import N_

OUT_OF_PAPER = N_("The document printer is out of paper. Please ask the hall staff for help.")
JAMMED = N_("The document printer has a paper jam. Please ask the hall staff for help.")
OPEN = N_("The document printer's cover is open. Please ask the hall staff for help.")
OUT_OF_TONER = N_("The document printer is out of toner. Please ask the hall staff for help.")

# (input-tray-missing is not among them: a printer may say it of an optional tray not fitted, and print from its own)
STOPPING = {"media-empty": OUT_OF_PAPER, "media-needed": OUT_OF_PAPER,
            "media-jam": JAMMED, "door-open": OPEN, "cover-open": OPEN, "interlock-open": OPEN,
            "toner-empty": OUT_OF_TONER, "marker-supply-empty": OUT_OF_TONER}
PAPER_LOW = N_("The document printer's paper is running low.")
TONER_LOW = N_("The document printer's toner is running low.")

LOW = {"media-low": PAPER_LOW, "toner-low": TONER_LOW, "marker-supply-low": TONER_LOW}
SEVERITIES = ("-error", "-warning", "-report")


def _name(reason: str) -> str:
    """The reason without its severity suffix."""
    for severity in SEVERITIES:
        if reason.endswith(severity):
            return reason[:-len(severity)]
    return reason


def stopping(reasons: list[str]) -> tuple[str, str] | None:
    """(the reason, its message's msgid) of the first reason that stops printing; None when none does."""
    return _first(reasons, STOPPING)


def running_low(reasons: list[str]) -> tuple[str, str] | None:
    """(the reason, its message's msgid) of the first reason that says paper or toner is running low; None when
    none does."""
    return _first(reasons, LOW)


def _first(reasons: list[str], known: dict[str, str]) -> tuple[str, str] | None:
    for reason in reasons:
        name = _name(reason.strip().lower())
        if name in known:
            return reason, known[name]
    return None
