"""The one-time notice (一次性告知书), issued and printed the same way at the kiosk and the window.

The backend records it and gives its number (``record``); then it is printed (``print_notice``). A notice is
recorded once however often it is asked for: each carries an idempotency key made with it (``NoticeAttempt``), so
asking again after the printer failed or after a lost answer gets the notice already recorded, with its number.
When the backend cannot be reached the applicant still leaves with the printed list (no number). Blocking
(network, printer): call them from the task runner.
"""

from __future__ import annotations

import datetime as dt

import uuid
from dataclasses import dataclass, field
from typing import Iterable

from common.backend_errors import OfflineError, ServerError
from common.domain import Company, MaterialRequirement, ServiceItem
from devices.errors import DeviceError
from devices.receipt.base import ReceiptPrinter
from kiosk.backend.client import BackendClient
from kiosk.receipts import one_time_notice


@dataclass(frozen=True)
class NoticeAttempt:
    """One notice for one applicant's visit: its service and what it lists, and the key it is recorded under once."""

    listing: tuple[str, ...]
    key: str = field(default_factory=lambda: uuid.uuid4().hex)


def attempt_for(previous: NoticeAttempt | None, service: ServiceItem,
                missing: Iterable[MaterialRequirement]) -> NoticeAttempt:
    """The notice being asked for: the previous one again while it is for the same service and materials (the
    caller starts afresh with each applicant), else a new one."""
    listing = (service.code, *(m.code for m in missing))
    return previous if previous is not None and previous.listing == listing else NoticeAttempt(listing)


@dataclass(frozen=True)
class Issued:
    """A notice recorded, then printed: its number ("" when it could not be recorded now), whether the printer said
    it printed (False: a printer that tells nothing of itself; the paper may not have come out), and the printer's
    failure when it did not print (the notice stands recorded all the same)."""

    number: str
    print_known: bool = True
    failure: DeviceError | None = None


def record(backend: BackendClient, service: ServiceItem, id_number: str, missing: list[MaterialRequirement],
           attempt: NoticeAttempt | None = None, company: Company | None = None, staff_token: str = "") -> str:
    """Record the notice (once under ``attempt``'s key) for ``company``'s matter, issued by the clerk whose sign-in
    ``staff_token`` is at a window: its number, or "" when the backend cannot be reached (the applicant still leaves
    with the list)."""
    try:
        return str(backend.issue_notice(service.code, id_number, [m.code for m in missing],
                                        idempotency_key=attempt.key if attempt else None,
                                        credit_code=company.credit_code if company else None,
                                        staff_token=staff_token or None)["number"])
    except (OfflineError, ServerError):
        return ""


def print_notice(printer: ReceiptPrinter, number: str, service: ServiceItem, masked_name: str,
                 missing: list[MaterialRequirement], terminal_id: str, lang: str,
                 company: Company | None = None, *, kept_until: dt.date | None = None,
                 kept_nothing: bool = False) -> Issued:
    """Print the notice ``record`` gave ``number``, naming ``company`` for a company's matter, and what was kept of
    the application (``one_time_notice``). A printer that fails is said in what is returned, not raised: the notice
    stands recorded."""
    try:
        printed = printer.print_receipt(one_time_notice(number, service, masked_name, missing, terminal_id, lang,
                                                        company, kept_until=kept_until, kept_nothing=kept_nothing))
    except DeviceError as exc:
        return Issued(number, False, exc)
    return Issued(number, printed.status_known)
