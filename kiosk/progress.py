"""What a case's progress means to the citizen: what happens next, the date promised, and whom an agent's or a
company's case is for. Qt-free; one module for the kiosk (and the window's look-ups)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from common import uscc
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


# A masked ID number as a receipt prints it: a few characters kept at each end, the rest starred (common.masking)
_MASKED_ID = re.compile(r"[0-9A-Z]{0,4}\*{4,}[0-9Xx]{0,4}")
# A masked name: its first character and stars (张**), or a Latin name's initials and stars (J*** S****)
_MASKED_NAME = re.compile(r"[^\s*A-Za-z]\*+|[A-Za-z]\**( [A-Za-z]\**)*")
_MAX_NAME = 60


@dataclass(frozen=True)
class AgentCase:
    """An agent's case (代办) as its view says: the principal and the agent, masked."""

    principal_name: str
    principal_id: str
    agent_name: str
    agent_id: str


def _masked_name(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= _MAX_NAME and "*" in value and bool(_MASKED_NAME.fullmatch(value))


def masked_person(name: Any, id_number: Any, *, name_known: bool = True) -> tuple[str, str] | None:
    """A person as a backend answer names them, when both the name and the ID number look masked; else None.
    ``name_known=False``: the backend may hold no name for them ("" then, the ID number still masked)."""
    if (_masked_name(name) or (not name_known and name == "")) and isinstance(id_number, str) \
            and _MASKED_ID.fullmatch(id_number):
        return name, id_number
    return None


def agent_case(case: dict[str, Any]) -> AgentCase | None:
    """The view's ``agent_case`` (payloads.md, "Who applies"), only when every part of it looks masked: a backend's
    answer that names someone in full is not printed (None: the receipt names the person identified)."""
    found = case.get("agent_case")
    if not isinstance(found, dict):
        return None
    principal = masked_person(found.get("principal_masked_name"), found.get("principal_masked_id"))
    agent = masked_person(found.get("agent_masked_name"), found.get("agent_masked_id"))
    if principal is None or agent is None:
        return None
    return AgentCase(*principal, *agent)


_MAX_COMPANY_NAME = 100


def company_case(case: dict[str, Any]) -> tuple[str, str] | None:
    """A company's case, as its view says (payloads.md, "Who applies"): the company's name and credit code, when the
    code is a valid one and the name a printable line; else None (the receipt names the person identified)."""
    found = case.get("company")
    if not isinstance(found, dict):
        return None
    code, name = found.get("credit_code"), found.get("name_zh")
    if not isinstance(code, str) or not uscc.is_valid(code) or not isinstance(name, str) \
            or not 0 < len(name) <= _MAX_COMPANY_NAME or not name.isprintable():
        return None
    return name, code
