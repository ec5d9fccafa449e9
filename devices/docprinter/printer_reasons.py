"""What a CUPS queue's ``printer-state-reasons`` say of whether a page can print now (RFC 8011 5.4.12; the reasons
of PWG 5100.9), in words for a citizen or clerk.

A printer out of paper, jammed or open stops printing until someone attends to it; CUPS says so in the queue's reasons
(set by the backend from what the printer reports), while a job for it waits. Only those reasons end a print's wait
(devices/docprinter/cups.py: one that appeared while the job waited, as CUPS keeps the last job's reasons on the idle
queue), and only at the ``error`` severity (a reason without a suffix is one too): a ``-warning`` or ``-report``
(``media-low-report``, ``toner-low-warning``, ``offline-report``) and a passing state such as
``connecting-to-device`` are for staff, in the self-test's details."""

from __future__ import annotations

from common.i18n import N_

OUT_OF_PAPER = N_("The document printer is out of paper. Please ask the hall staff for help.")
JAMMED = N_("The document printer has a paper jam. Please ask the hall staff for help.")
OPEN = N_("The document printer's cover is open. Please ask the hall staff for help.")
OUT_OF_TONER = N_("The document printer is out of toner. Please ask the hall staff for help.")

STOPPING = {"media-empty": OUT_OF_PAPER, "media-needed": OUT_OF_PAPER, "input-tray-missing": OUT_OF_PAPER,
            "media-jam": JAMMED, "door-open": OPEN, "cover-open": OPEN, "interlock-open": OPEN,
            "toner-empty": OUT_OF_TONER, "marker-supply-empty": OUT_OF_TONER}
SEVERITIES = ("-error", "-warning", "-report")


def _split(reason: str) -> tuple[str, str]:
    for severity in SEVERITIES:
        if reason.endswith(severity):
            return reason[:-len(severity)], severity
    return reason, "-error"  # no suffix: an error (RFC 8011)


def stopping(reasons: list[str]) -> tuple[str, str] | None:
    """(the reason, its message's msgid) of the first reason that stops printing; None when none does."""
    for reason in reasons:
        name, severity = _split(reason.strip().lower())
        if severity == "-error" and name in STOPPING:
            return reason, STOPPING[name]
    return None
