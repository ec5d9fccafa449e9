"""A window decision's formal document (or a one-time notice) printed again, from the service system's record of it.

A clerk whose A4 printer failed after a decision, and whose applicant has gone, prints the document again
later by the case number (kiosk/workflows/clerk_copy.py): the terminal keeps nothing of an applicant past
their matter, so the copy is made from what the backend recorded (GET /cases/{case_number}/decision,
docs/api/payloads.md "Window decisions"). The record names the applicant masked, as the document does; an
answer that names anyone in full, or is off the contract, is refused when read (kiosk/backend/codec.py,
``decision_from_json``: a ServerError), never printed.
The copy says it is one, and when it was printed; its date is the decision's.

A one-time notice is printed again the same way by its own number (GET /notices/{number}, ``notice_document_of``): the
notice a window issued names its clerk, a kiosk's names none; either is printed on A4 as the window prints one.
"""

from __future__ import annotations

import datetime as dt

from common.backend_errors import ServerError
from common.domain import Company, CompanyRole, RecordedDecision, RecordedNotice, ServiceItem
from kiosk.refusal_reasons import from_record
from kiosk.window_documents import AcceptanceNotice, Matter, OneTimeNoticeA4, RefusalDecision, WindowDocument


def document_of(record: RecordedDecision, service: ServiceItem, hall: str,
                printed_again: dt.datetime) -> WindowDocument | None:
    """The decision's document as a copy (None for a decision that has none here: ``incomplete``, whose paper is
    its one-time notice, printed again by the notice's number: ``notice_document_of``)."""
    if not record.has_document:
        return None
    matter = Matter(hall, record.clerk_id, service, record.masked_name, record.masked_id,
                    record.decided_at.astimezone(), _company(record.company), record.clerk_name, printed_again)
    if record.decision == "accepted":
        codes = set(record.received)
        return AcceptanceNotice(matter, record.case_number, False,
                                tuple(m for m in service.materials if m.code in codes))
    return RefusalDecision(matter, record.case_number, from_record(record.legal_reason, record.note))


def notice_document_of(record: RecordedNotice, service: ServiceItem, hall: str,
                       printed_again: dt.datetime) -> OneTimeNoticeA4:
    """The one-time notice's A4 paper as a copy: what it listed, as the service lists those materials now (a code
    the service no longer lists is a ServerError: the copy would not say what the notice said)."""
    listed = {m.code: m for m in service.materials}
    unknown = [code for code in record.missing if code not in listed]
    if unknown:
        raise ServerError(detail=f"notice: {len(unknown)} material code(s) the service does not list")
    matter = Matter(hall, record.clerk_id, service, record.masked_name, record.masked_id,
                    record.issued_at.astimezone(), _company(record.company), record.clerk_name, printed_again)
    return OneTimeNoticeA4(matter, record.number, tuple(listed[code] for code in record.missing))


def _company(named: tuple[str, str] | None) -> Company | None:
    if named is None:
        return None
    name, code = named
    return Company(code, name, "", "", "", CompanyRole.NONE)  # named on paper only: no role is claimed
