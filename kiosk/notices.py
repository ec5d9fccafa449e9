"""The one-time notice (一次性告知书), issued and printed the same way at the kiosk and the window.

The backend records it and gives its number; when the backend cannot be reached the applicant
still leaves with the printed list (no number: it is recorded when the network returns, as the
notice itself says). Blocking (network, printer): call it from the task runner.
"""

from __future__ import annotations

from common.backend_errors import OfflineError, ServerError
from common.domain import MaterialRequirement, ServiceItem
from devices.receipt.base import ReceiptPrinter
from kiosk.backend.client import BackendClient
from kiosk.receipts import one_time_notice


def issue_and_print(backend: BackendClient, printer: ReceiptPrinter, service: ServiceItem, id_number: str,
                    masked_name: str, missing: list[MaterialRequirement], terminal_id: str, lang: str) -> str:
    """Record the notice and print it; returns its number ("" when it could not be recorded now)."""
    try:
        number = str(backend.issue_notice(service.code, id_number, [m.code for m in missing])["number"])
    except (OfflineError, ServerError):
        number = ""  # the citizen still leaves with the list; the record is made when online
    printer.print_receipt(one_time_notice(number, service, masked_name, missing, terminal_id, lang))
    return number
