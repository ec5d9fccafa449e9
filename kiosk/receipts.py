"""What a citizen's receipt says, laid out for a receipt printer."""

from __future__ import annotations

from devices.receipt.document import Feed, Line, Qr, ReceiptDocument, Rule
from kiosk.domain import Receipt
from kiosk.i18n import catalogue


def receipt_qr_payload(receipt: Receipt) -> str:
    """The receipt's QR code: see docs/api/payloads.md."""
    return f"OTR1:{receipt.case_number}"


def citizen_receipt(receipt: Receipt, lang: str) -> ReceiptDocument:
    t = catalogue(lang).gettext
    number_line = (t("Provisional number: {number}") if receipt.provisional
                   else t("Case number: {number}")).format(number=receipt.case_number)
    lines = [
        Line(t("Service Hall Receipt"), "center", bold=True, size=2),
        Feed(1),
        Line(number_line, bold=True),
        Line(t("Service: {name}").format(name=receipt.service_name(lang))),
        Line(t("Applicant: {name} ({id})").format(name=receipt.applicant_masked_name, id=receipt.applicant_masked_id)),
        Line(t("Submitted: {time}").format(time=receipt.submitted_at.strftime("%Y-%m-%d %H:%M"))),
    ]
    if receipt.promised_days:
        lines.append(Line(t("Promised within {days} working days").format(days=receipt.promised_days)))
    else:
        lines.append(Line(t("Done on the spot")))
    if receipt.provisional:
        lines.append(Line(t("Saved while the service system was offline; it will be sent automatically. "
                            "Progress can be checked with this number.")))
    lines += [
        Line(t("Terminal: {terminal}").format(terminal=receipt.terminal_id)),
        Rule(),
        Qr(receipt_qr_payload(receipt)),
        Line(t("Scan this code at any terminal to check progress."), "center"),
        Rule(),
        Line(t("Run at most once: we bring the data, not you."), "center"),
    ]
    return ReceiptDocument(f"receipt {receipt.case_number}", tuple(lines))
