"""A company applicant (法人), for the kiosk and the window alike: its unified social credit code checked as it is
typed or read, and whose electronic licences the applicant's consent fetches.

The kiosk's citizen (``kiosk/workflows/citizen.py``, the COMPANY step) and the window's clerk
(``kiosk/workflows/clerk_company.py``) both take a company by its code, look it up on the backend
(``BackendClient.company``: the company and what the person at the terminal is to it) and, with the person's
consent of scope ``licences``, fetch the company's licences in place of their own
(``BackendClient.company_licences``; docs/api/payloads.md, 'Companies'). What they say about it differs (the
citizen is told "you", the clerk reads about "the applicant"); the checks and the calls are the ones here.
"""

from __future__ import annotations

from typing import Any

from common import uscc
from common.domain import Company, Consent
from common.i18n import Text, text
from kiosk import forms
from kiosk.backend.client import BackendClient
from kiosk.payloads import credit_code_in


def typed_code(typed: str) -> str:
    """The code as typed (spaces and case as a keyboard gives them), or the code inside a business licence's QR
    code when a scanner typed the whole code's text into the field (a keyboard-wedge scanner)."""
    code = uscc.normalise(typed)
    if len(code) > uscc.LENGTH:
        return credit_code_in(typed) or code
    return code


def code_message(code: str, final: bool = False) -> Text | None:
    """What is wrong with ``code`` (normalised); a code still being typed (``final`` False) is not yet 'too short'."""
    if not code or (not final and uscc.problem(code) == "short"):
        return None
    return forms.validate(forms.CREDIT_CODE_FIELD, code)


def look_up_problem(code: str) -> Text | None:
    """What stops looking ``code`` up (None when nothing does): no code typed, or one that is not a credit code."""
    if not code:
        return text("Please enter the 18-character unified social credit code")
    return code_message(code, final=True)


def fetch_licences(backend: BackendClient, consent: Consent, company: Company | None) -> list[dict[str, Any]]:
    """On the task runner: the consent recorded (once per its key), then the licences it unlocks: the company's
    when the person at the terminal applies for one, else their own."""
    consent_id = backend.record_consent(consent).consent_id
    if company is not None:
        return backend.company_licences(company.credit_code, consent.id_number, consent_id)
    return backend.licences(consent.id_number, consent_id)
