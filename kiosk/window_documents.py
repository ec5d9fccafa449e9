"""The window's formal A4 documents: 受理通知书 (acceptance notice), 一次性告知书 (the one-time notice on A4) and
不予受理决定书 (decision not to accept), what each says laid out by kiosk/a4_layout.py.

The desk makes a document's content on the GUI thread from the matter in hand, holding only what the paper
shows: the applicant masked as everywhere else (张*, 3301**********1236), never the card's number, so a
document kept for printing again holds nothing the receipt does not. It is rendered to PDF in the
language the window shows when printing (as the receipts are) on the task runner, and not kept.
The one-time notice's listing is the one kiosk/notices.py records and the receipt prints; only this A4
rendering is new here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Union

from common.domain import Company, MaterialRequirement, ServiceItem
from common.i18n import N_, catalogue
from kiosk.a4_layout import Para, page_pdf
from kiosk.materials import condition_text, listed_text, obtain_text
from kiosk.receipts import company_line, kept_said
from kiosk.refusal_reasons import Refusal


@dataclass(frozen=True)
class Matter:
    """What every window document names: the hall, the clerk, the service, the applicant (masked), the date."""

    hall: str
    clerk_id: str
    service: ServiceItem
    applicant_masked_name: str
    applicant_masked_id: str
    issued: dt.datetime
    company: Company | None = None  # a matter for a company: named with its credit code (kiosk/workflows/clerk_company.py)
    clerk_name: str = ""  # the clerk's name as signed in, printed with the staff id (the thermal receipt names them)
    printed_again: dt.datetime | None = None  # a copy printed later from the decision's record (kiosk/decision_copy.py)


@dataclass(frozen=True)
class AcceptanceNotice:
    matter: Matter
    case_number: str
    provisional: bool
    received: tuple[MaterialRequirement, ...]


@dataclass(frozen=True)
class OneTimeNoticeA4:
    matter: Matter
    number: str  # "" when the backend did not confirm it: printed marked provisional, as the receipt is
    missing: tuple[MaterialRequirement, ...]
    kept_until: dt.date | None = None  # what was provided kept by the backend until (not known on a copy)
    kept_nothing: bool = False  # the applicant kept nothing: what they showed is to come again


@dataclass(frozen=True)
class RefusalDecision:
    matter: Matter
    case_number: str
    refusal: Refusal
    provisional: bool = False  # the case and the decision queued behind it (the backend away): the provisional number


WindowDocument = Union[AcceptanceNotice, OneTimeNoticeA4, RefusalDecision]

# the documents' names, for the clerk's messages (the titles on paper are the same words)
NAMES = {AcceptanceNotice: N_("Acceptance Notice"), OneTimeNoticeA4: N_("One-Time Notice"),
         RefusalDecision: N_("Decision Not to Accept")}


def job_title(document: WindowDocument) -> str:
    """The print job's title: the kind and number, nothing of the applicant."""
    if isinstance(document, AcceptanceNotice):
        return f"acceptance-{document.case_number}"
    if isinstance(document, OneTimeNoticeA4):
        return f"notice-{document.number or 'provisional'}"
    return f"not-accepted-{document.case_number}"


def render(document: WindowDocument, lang: str) -> bytes:
    """The document as an A4 PDF in ``lang``."""
    t = catalogue(lang).gettext
    title = t(NAMES[type(document)])
    if isinstance(document, AcceptanceNotice):
        return page_pdf(title, _acceptance(document, lang), f"OTR1:{document.case_number}",
                        t("Scan this code at any terminal to check progress."), job_title(document))
    if isinstance(document, OneTimeNoticeA4):
        return page_pdf(title, _notice(document, lang), pdf_title=job_title(document))
    return page_pdf(title, _refusal(document, lang), pdf_title=job_title(document))


def _head(matter: Matter, number_line: str, lang: str) -> list[Para]:
    t = catalogue(lang).gettext
    return [
        Para(number_line, bold=True),
        Para(t("Service: {name}").format(name=matter.service.name(lang))),
        Para(t("Applicant: {name} ({id})").format(name=matter.applicant_masked_name, id=matter.applicant_masked_id)
             if matter.applicant_masked_name else t("Applicant: {id}").format(id=matter.applicant_masked_id)),
    ] + ([Para(company_line(matter.company, lang))] if matter.company is not None else [])


def _foot(matter: Matter, clerk_line: str, lang: str, notice: bool = False) -> list[Para]:
    t = catalogue(lang).gettext
    paras = [
        Para(clerk_line, space_before=18),
        Para(t("Service hall: {hall}").format(hall=matter.hall), align="right", space_before=18),
        Para(t("Date: {date}").format(date=matter.issued.strftime("%Y-%m-%d")), align="right"),
        Para(t("(seal of the service hall)"), align="right"),
    ]
    if matter.printed_again is None:
        return paras
    copy = (t("A copy printed again on {date} from the service system's record of this notice.") if notice
            else t("A copy printed again on {date} from the service system's record of this decision."))
    return paras + [Para(copy.format(date=matter.printed_again.strftime("%Y-%m-%d")), space_before=18)]


def _clerk(matter: Matter, lang: str) -> str:
    """The clerk as a document names them: "陈示范（工号 XH0001）", or the staff id alone when no name is known."""
    t = catalogue(lang).gettext
    if matter.clerk_name:
        return t("{name} (staff id {id})").format(name=matter.clerk_name, id=matter.clerk_id)
    return t("staff id {id}").format(id=matter.clerk_id)


def _material(i: int, m: MaterialRequirement, lang: str) -> Para:
    return Para(listed_text(i, m, lang), indent=12)


def _acceptance(doc: AcceptanceNotice, lang: str) -> list[Para]:
    t, n = catalogue(lang).gettext, catalogue(lang).ngettext
    matter = doc.matter
    number = (t("Provisional number: {number}") if doc.provisional else t("Case number: {number}")).format(
        number=doc.case_number)
    days = matter.service.promised_days
    paras = _head(matter, number, lang) + [
        Para(t("Your application has been examined at the window and is accepted."), space_before=12),
        Para(n("Promised within {days} working day", "Promised within {days} working days", days).format(days=days)
             if days else t("Done on the spot, with no days to wait")),
        Para(t("Materials received:"), bold=True, space_before=12),
        *[_material(i, m, lang) for i, m in enumerate(doc.received, 1)],
    ]
    if not doc.received:
        paras.append(Para(t("none"), indent=12))
    return paras + _foot(matter, t("Accepted by: {clerk}").format(clerk=_clerk(matter, lang)), lang)


def _notice(doc: OneTimeNoticeA4, lang: str) -> list[Para]:
    t = catalogue(lang).gettext
    matter = doc.matter
    paras = _head(matter, t("Notice number: {number}").format(number=doc.number or t("none (provisional)")), lang)
    if not doc.number:
        paras.append(Para(t("Provisional: the service system did not confirm this notice, so it has no number. "
                            "The list is complete; show it at the service window."), bold=True))
    paras.append(Para(t("Please bring the following and your application can be accepted:"), bold=True,
                      space_before=12))
    for i, m in enumerate(doc.missing, 1):
        paras.append(_material(i, m, lang))
        if not m.required and m.condition:
            paras.append(Para(t("Needed because it applies to you: {condition}").format(
                condition=condition_text(m, lang)), indent=30))
        if m.obtain:
            paras.append(Para(t("Where to get it: {place}").format(place=obtain_text(m, lang)), indent=30))
        if m.e_licence_type:
            paras.append(Para(t("or authorise us to fetch your electronic licence instead"), indent=30))
    kept = kept_said(doc.kept_until, doc.kept_nothing, lang)
    if kept:
        paras.append(Para(kept, bold=True, space_before=12))
    if matter.service.legal_basis:
        paras.append(Para(t("Legal basis: {basis}").format(basis=matter.service.legal_basis), space_before=12))
    paras.append(Para(t("This list is complete: nothing else will be asked for this service."), space_before=6))
    issuer = t("Issued by: {clerk}").format(clerk=_clerk(matter, lang)) if matter.clerk_id else \
        t("Issued by: a self-service terminal")
    return paras + _foot(matter, issuer, lang, notice=True)


def _refusal(doc: RefusalDecision, lang: str) -> list[Para]:
    t = catalogue(lang).gettext
    matter = doc.matter
    number = t("Provisional number: {number}") if doc.provisional else t("Case number: {number}")
    return _head(matter, number.format(number=doc.case_number), lang) + [
        Para(t("Having examined your application, this office decides not to accept it, for this reason:"),
             space_before=12),
        Para(doc.refusal.statement(lang), indent=12, bold=True),
        *([Para(t("Legal basis of the service: {basis}").format(basis=matter.service.legal_basis))]
          if matter.service.legal_basis else []),
        Para(t("If you do not agree with this decision, you may apply for administrative reconsideration within 60 "
               "days of receiving it, or bring an administrative lawsuit before a people's court within 6 months "
               "of receiving it."), space_before=12),
        *_foot(matter, t("Decided by: {clerk}").format(clerk=_clerk(matter, lang)), lang),
    ]
