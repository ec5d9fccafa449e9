"""What can go wrong talking to the backend, each with a message a citizen can read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from common.errors import OneTripError
from common.i18n import N_, Text, language


class BackendError(OneTripError):
    default = N_("The service system is not answering right now.")

    def __init__(self, message: Text | None = None, *, detail: str = "", status: int | None = None) -> None:
        super().__init__(message, detail=detail)
        self.status = status


class OfflineError(BackendError):
    """The backend could not be reached (connection refused, DNS, timeout, dropped)."""

    default = N_("The service system cannot be reached right now.")


class ServerError(BackendError):
    """The backend answered 5xx or something that is not the contract."""

    default = N_("The service system had a problem. Please try again in a moment.")


class UnverifiedAnswerError(ServerError):
    """An answer without this terminal's response signature, or with a wrong one: not believed.

    Forged, altered, replayed from another request, or from something in front of the backend
    that cannot sign. Nothing in it is acted on (not its status, body or headers). It is a
    ``ServerError``, so the sync worker retries later and never counts it as delivery.
    """


def outcome_unknown(exc: BaseException) -> bool:
    """Whether the backend may have done the work although the terminal never heard it: no answer (a timeout,
    a cut line, which may come after the work) or an answer not believed. A believed refusal or 5xx: not done."""
    return isinstance(exc, (OfflineError, UnverifiedAnswerError))


class AuthError(BackendError):
    """The backend refused this terminal's credentials or signature."""

    default = N_("This terminal is not authorised by the service system. Please ask the hall staff.")


class TlsError(AuthError):
    """The TLS handshake with the backend failed: its certificate not trusted, or out of its dates by this terminal's
    clock (kiosk/backend/tls_failure.py). Nothing of the request was sent."""


class RejectedError(BackendError):
    """The backend refused the request itself (4xx); ``code`` and ``fields`` come from the server."""

    default = N_("The service system did not accept the request.")
    # a case refused while its applicant waited: the outbox item it left as a dead letter (kiosk/submission.py), for
    # the caller to discard once the applicant put it right (Submitter.discard_refused); "" for any other refusal
    queued_item = ""

    def __init__(self, message: Text | None = None, *, code: str = "", message_zh: str = "", message_en: str = "",
                 fields: dict[str, Any] | None = None, status: int | None = None, detail: str = "") -> None:
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.fields = fields or {}
        super().__init__(message, detail=detail or code, status=status)

    def server_message(self, lang: str) -> str:
        return (self.message_en if lang == "en" else self.message_zh) or self.message.render(lang)

    def server_text(self) -> Text:
        """The server's own words, shown in the language active when shown (see :class:`ServerText`)."""
        return ServerText("", zh=self.message_zh, en=self.message_en, fallback=self.message)


@dataclass(frozen=True)
class ServerText(Text):
    """A refusal in the backend's own words, which it gives in both languages: rendered in the language active
    each time it is shown. Rendered once, when the answer came, an English refusal stayed English after the
    clerk switched the window to Chinese (kiosk bench window-monkey, seed 2)."""

    zh: str = ""
    en: str = ""
    fallback: Text | None = None  # the error's own message, when the server gave none in that language

    def render(self, lang: str | None = None) -> str:
        lang = lang or language()
        said = self.en if lang == "en" else self.zh
        return said or (self.fallback.render(lang) if self.fallback is not None else "")


class CompanyNotFoundError(RejectedError):
    """The backend holds no company under this unified social credit code (404 company_not_found)."""

    default = N_("This company is not registered; please check the code or ask the hall staff.")


class BadCreditCodeError(RejectedError):
    """A unified social credit code that fails GB 32100 (refused before sending, or 422 bad_credit_code)."""

    default = N_("This unified social credit code is not valid; please check it against the business licence.")
