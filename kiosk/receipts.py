"""What a citizen's receipt says, laid out for a receipt printer."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from devices.receipt.document import Feed, Line, Qr, ReceiptDocument, Rule
from common.domain import Application, Company, MaterialRequirement, Receipt, ServiceItem
from common.i18n import catalogue
from kiosk.materials import condition_text, listed_text, obtain_text

if TYPE_CHECKING:
    from kiosk.submission import Outcome


def receipt_qr_payload(receipt: Receipt) -> str:
    """The receipt's QR code: see docs/api/payloads.md."""
    return f"OTR1:{receipt.case_number}"


def _number_line(number: str, provisional: bool, lang: str) -> Line:
    t = catalogue(lang).gettext
    template = t("Provisional number: {number}") if provisional else t("Case number: {number}")
    return Line(template.format(number=number), bold=True)


def citizen_receipt(receipt: Receipt, lang: str) -> ReceiptDocument:
    t = catalogue(lang).gettext
    lines = [
        Line(t("Service Hall Receipt"), "center", bold=True, size=2),
        *([Line(t("REPRINT"), "center", bold=True)] if receipt.reprint else []),
        Feed(1),
        _number_line(receipt.case_number, receipt.provisional, lang),
        Line(t("Service: {name}").format(name=receipt.service_name(lang))),
        Line(t("Applicant: {name} ({id})").format(name=receipt.applicant_masked_name, id=receipt.applicant_masked_id)),
        *([Line(t("Handled by: {name} ({id})").format(name=receipt.handled_by_name, id=receipt.handled_by_id))]
          if receipt.handled_by_name else []),
        Line(t("Submitted: {time}").format(time=receipt.submitted_at.strftime("%Y-%m-%d %H:%M"))),
    ]
    if receipt.promised_days:
        days = receipt.promised_days
        lines.append(Line(catalogue(lang).ngettext("Promised within {days} working day",
                                                   "Promised within {days} working days", days).format(days=days)))
    elif receipt.promised_days == 0:
        lines.append(Line(t("Done on the spot, with no days to wait")))
    if receipt.fee_yuan:
        fee = f"￥{receipt.fee_yuan:.2f}"  # the full-width sign: two bytes in GBK too (U+00A5 is four in GB18030)
        lines.append(Line(t("Fee {amount}: paid").format(amount=fee) if receipt.fee_paid else
                          t("Fee {amount}: not paid yet. Pay it at any terminal of this hall (My applications) "
                            "or at the service window before you collect the result.").format(amount=fee)))
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


def company_line(company: Company, lang: str) -> str:
    """Whom a company's matter at the window is for: on its acceptance receipt and its A4 documents."""
    return catalogue(lang).gettext("For the company: {name} ({code})").format(name=company.name(lang),
                                                                          code=company.credit_code)


def acceptance_receipt(outcome: "Outcome", application: Application, clerk: str, lang: str) -> ReceiptDocument:
    """受理回执: printed at the window when a clerk accepts a case."""
    t = catalogue(lang).gettext
    service, applicant = application.service, application.applicant
    lines = [
        Line(t("Acceptance Receipt"), "center", bold=True, size=2),
        Feed(1),
        _number_line(outcome.number, outcome.provisional, lang),
        Line(t("Service: {name}").format(name=service.name(lang))),
        Line(t("Applicant: {name} ({id})").format(name=applicant.masked_name, id=applicant.masked_id)),
        *([Line(company_line(application.company, lang))] if application.company is not None else []),
        Line(t("Accepted by: {clerk}").format(clerk=clerk or "-")),
        Line(t("Accepted: {time}").format(time=dt.datetime.now().strftime("%Y-%m-%d %H:%M"))),
        Line(catalogue(lang).ngettext("Promised within {days} working day", "Promised within {days} working days",
                                      service.promised_days).format(days=service.promised_days)
             if service.promised_days else t("Done on the spot, with no days to wait")),
        Rule(),
        Qr(f"OTR1:{outcome.number}"),
        Line(t("Scan this code at any terminal to check progress."), "center"),
    ]
    return ReceiptDocument(f"acceptance {outcome.number}", tuple(lines))


def kept_said(kept_until: dt.date | None, kept_nothing: bool, lang: str) -> str:
    """What a one-time notice says of the application it leaves (the slip and the window's A4, one wording): kept
    until a day, or nothing kept; empty when neither is known."""
    t = catalogue(lang).gettext
    if kept_until is not None:
        return t("What you provided today is kept until {date}: continue before then at any terminal or window of "
                 "this hall.").format(date=kept_until.isoformat())
    if kept_nothing:
        return t("Nothing you provided today is kept: bring it again with the materials listed.")
    return ""


def one_time_notice(number: str, service: ServiceItem, applicant_masked_name: str,
                    missing: list[MaterialRequirement], terminal_id: str, lang: str,
                    company: Company | None = None, *, kept_until: dt.date | None = None,
                    kept_nothing: bool = False) -> ReceiptDocument:
    """一次性告知书: everything still missing, so that the next visit is the last. A company's matter names the
    company under the person who came for it, as its acceptance receipt does. ``kept_until``: the day the backend
    keeps what was provided (the applicant continues before then, bringing only the list); ``kept_nothing``: nothing
    was kept (their choice, or it could not be saved), so what they showed today is to be brought again too."""
    t = catalogue(lang).gettext
    lines = [
        Line(t("One-Time Notice"), "center", bold=True, size=2),
        Feed(1),
        Line(t("Notice number: {number}").format(number=number or t("none (provisional)"))),
        Line(t("Service: {name}").format(name=service.name(lang))),
        Line(t("Applicant: {name}").format(name=applicant_masked_name)),
        *([Line(company_line(company, lang))] if company is not None else []),
        Rule(),
        Line(t("Please bring the following and your application can be accepted:"), bold=True),
    ]
    if not number:  # not confirmed by the backend: said on the paper, never passed off as recorded
        lines[3:3] = [Line(t("Provisional: the service system did not confirm this notice, so it has no number. "
                             "The list is complete; show it at the service window."), bold=True)]
    for i, m in enumerate(missing, 1):
        lines.append(Line(listed_text(i, m, lang)))
        if not m.required and m.condition:  # a conditional material: named with why it applies
            lines.append(Line("   " + t("Needed because it applies to you: {condition}").format(
                condition=condition_text(m, lang))))
        if m.obtain:
            lines.append(Line("   " + t("Where to get it: {place}").format(place=obtain_text(m, lang))))
        if m.e_licence_type:
            lines.append(Line("   " + t("or authorise us to fetch your electronic licence instead")))
    lines.append(Rule())
    kept = kept_said(kept_until, kept_nothing, lang)
    if kept:
        lines.append(Line(kept, bold=True))
    if service.legal_basis:
        lines.append(Line(t("Legal basis: {basis}").format(basis=service.legal_basis)))
    lines += [
        Line(t("This list is complete: nothing else will be asked for this service.")),
        Line(t("Terminal: {terminal}").format(terminal=terminal_id)),
        Line(t("Issued: {time}").format(time=dt.datetime.now().strftime("%Y-%m-%d %H:%M"))),
    ]
    return ReceiptDocument(f"notice {number}", tuple(lines))


def queue_ticket_receipt(number: str, waiting_ahead: int, terminal_id: str, lang: str) -> ReceiptDocument:
    """排队号: the hall's queue ticket a citizen takes at the kiosk. Nothing of the person is on it (nor asked)."""
    t = catalogue(lang).gettext
    lines = (
        Line(t("Queue Ticket"), "center", bold=True, size=2),
        Feed(1),
        Line(number, "center", bold=True, size=2),
        Feed(1),
        Line(catalogue(lang).ngettext("{n} person waiting before you", "{n} people waiting before you",
                                      waiting_ahead).format(n=waiting_ahead), "center"),
        Line(t("Please wait until your number is called to a window: watch the screens and listen."), "center"),
        Rule(),
        Line(t("Valid today only.")),
        Line(t("Taken: {time}").format(time=dt.datetime.now().strftime("%Y-%m-%d %H:%M"))),
        Line(t("Terminal: {terminal}").format(terminal=terminal_id)),
    )
    return ReceiptDocument(f"queue ticket {number}", lines)
