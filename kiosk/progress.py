"""What a case's progress means to the citizen: what happens next and the date promised. Qt-free;
one module for the kiosk (and the window's look-ups)."""

from __future__ import annotations

import datetime as dt

from common.i18n import N_, Text, text

NEXT = {
    "submitted": N_("The department checks that your application is complete."),
    "accepted": N_("Your application is accepted and is being examined."),
    "in_review": N_("The department is examining your application; the decision comes next."),
    "approved": N_("Approved: your licence is being prepared."),
    "ready": N_("Ready: print your licence here, or collect it at the service window."),
    "collected": N_("Collected: nothing more to do."),
    "incomplete": N_("Materials are missing: bring what the one-time notice lists, then the examination goes on."),
    "not_accepted": N_("Not accepted: the reason is in the history; the service window can advise you."),
}


def next_step(status: str) -> Text | None:
    message = NEXT.get(status)
    return text(message) if message else None


def promised_date(submitted_at: str, working_days: int) -> dt.date | None:
    """The day the case is promised by: ``working_days`` working days (Monday to Friday) after it was
    submitted; None when the submission time cannot be read. Public holidays are not known here."""
    try:
        day = dt.datetime.fromisoformat(submitted_at).date()
    except (TypeError, ValueError):
        return None
    left = max(0, int(working_days))
    while left:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day
