"""What a printer's ``printer-state-reasons`` say of whether a page can print now (RFC 8011 5.4.12; the reasons of
PWG 5100.9), in words for a citizen or clerk.

A printer jammed, open or out of toner stops printing until someone attends to it, and one waiting for paper says
``media-needed``. It says so in its reasons, and CUPS copies them to the queue while a job for it waits
(devices/docprinter/cups.py: there only one that appeared while the job waited counts, as CUPS keeps the last job's
reasons on the idle queue); between jobs a network printer is asked itself (devices/docprinter/own_word.py). Those
stop a print at any severity: the suffix rates the condition by what the printer is doing (the IPP Everywhere
reference printer, ippeveprinter, says ``-report`` while idle, ``-warning`` while a job waits, ``-error`` once
stopped), not whether it holds.

``media-empty`` is another matter: printers say it of any tray empty, a by-pass tray most of all, while the main tray
feeds (ippeveprinter says ``media-empty-report`` with its by-pass tray empty; halls see it in ``lpstat`` on printers
that print). So it counts at the ``error`` severity only (none given is an error too), or when the printer's trays say
every one is empty (``printer-input-tray``: ``trays_empty``). A tray missing (an optional tray not fitted) stops
nothing. A printer running low on paper or toner (``media-low``, ``toner-low``, ``marker-supply-low``) still prints:
staff are told before it stops, as the receipt printer's near-end is said (``running_low``). Other reasons
(``offline-report``) and passing states such as ``connecting-to-device`` are for staff, in the self-test's details."""

from __future__ import annotations

from common.i18n import N_

OUT_OF_PAPER = N_("The document printer is out of paper. Please ask the hall staff for help.")
JAMMED = N_("The document printer has a paper jam. Please ask the hall staff for help.")
OPEN = N_("The document printer's cover is open. Please ask the hall staff for help.")
OUT_OF_TONER = N_("The document printer is out of toner. Please ask the hall staff for help.")

STOPPING = {"media-needed": OUT_OF_PAPER, "media-jam": JAMMED, "door-open": OPEN, "cover-open": OPEN,
            "interlock-open": OPEN, "toner-empty": OUT_OF_TONER, "marker-supply-empty": OUT_OF_TONER}
PAPER_LOW = N_("The document printer's paper is running low.")
TONER_LOW = N_("The document printer's toner is running low.")

LOW = {"media-low": PAPER_LOW, "toner-low": TONER_LOW, "marker-supply-low": TONER_LOW}
SEVERITIES = ("-error", "-warning", "-report")


def _split(reason: str) -> tuple[str, str]:
    """(the reason without its severity suffix, the severity; ``-error`` when none is given, as RFC 8011 reads it)."""
    for severity in SEVERITIES:
        if reason.endswith(severity):
            return reason[:-len(severity)], severity
    return reason, "-error"


def stopping(reasons: list[str], trays_empty: bool | None = None) -> tuple[str, str] | None:
    """(the reason, its message's msgid) of the first reason that stops printing; None when none does.
    ``trays_empty``: whether the printer's trays say every one is empty (None: they do not say)."""
    for reason in reasons:
        name, severity = _split(reason.strip().lower())
        if name in STOPPING:
            return reason, STOPPING[name]
        if name == "media-empty" and (severity == "-error" or trays_empty):
            return reason, OUT_OF_PAPER
    return None


def running_low(reasons: list[str]) -> tuple[str, str] | None:
    """(the reason, its message's msgid) of the first reason that says paper or toner is running low; None when
    none does."""
    for reason in reasons:
        name = _split(reason.strip().lower())[0]
        if name in LOW:
            return reason, LOW[name]
    return None


def trays_empty(trays: list[bytes]) -> bool | None:
    """Whether every input tray is empty, from ``printer-input-tray`` (PWG 5100.13: ``key=value;`` pairs, ``level``
    the sheets in it, -2 not known, -3 some); None when no tray's level is known."""
    levels = []
    for tray in trays:
        for pair in tray.decode("ascii", "replace").split(";"):
            key, _, value = pair.partition("=")
            if key.strip() == "level" and value.strip().lstrip("-").isdigit():
                levels.append(int(value.strip()))
    known = [level for level in levels if level != -2]
    if not known:
        return None
    return all(level == 0 for level in known)
