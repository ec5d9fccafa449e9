"""A window decision's formal document printed again, from the service system's record of it.

A clerk whose A4 printer failed after a decision, and whose applicant has gone, prints the document again
later by the case number (kiosk/workflows/clerk_copy.py): the terminal keeps nothing of an applicant past
their matter, so the copy is made from what the backend recorded (GET /cases/{case_number}/decision,
docs/api/payloads.md "Window decisions"). The record names the applicant masked, as the document does; an
answer that names anyone in full, or is off the contract, is refused when read (kiosk/backend/codec.py,
``decision_from_json``: a ServerError), never printed.
The copy says it is one, and when it was printed; its date is the decision's.
"""

from __future__ import annotations

import datetime as dt

from common.domain import Company, CompanyRole, RecordedDecision, ServiceItem
from kiosk.refusal_reasons import from_record
from kiosk.window_documents import AcceptanceNotice, Matter, RefusalDecision, WindowDocument


def document_of(record: RecordedDecision, service: ServiceItem, hall: str,
                printed_again: dt.datetime) -> WindowDocument | None:
    """The decision's document as a copy (None for a decision that has none here: ``incomplete``)."""
    if not record.has_document:
        return None
    company = None
    if record.company is not None:
        name, code = record.company
        company = Company(code, name, "", "", "", CompanyRole.NONE)  # named on paper only: no role is claimed
    matter = Matter(hall, record.clerk_id, service, record.masked_name, record.masked_id,
                    record.decided_at.astimezone(), company, record.clerk_name, printed_again)
    if record.decision == "accepted":
        codes = set(record.received)
        return AcceptanceNotice(matter, record.case_number, False,
                                tuple(m for m in service.materials if m.code in codes))
    return RefusalDecision(matter, record.case_number, from_record(record.legal_reason, record.note))
