"""Typed ID-card errors: what went wrong, each with the plain-language message a citizen sees.

All are :class:`~devices.idcard.base.IdCardError` (a :class:`~devices.errors.DeviceError`).
Their ``detail`` never carries card data: no names, no numbers, no dates.
"""

from __future__ import annotations

from devices.idcard.base import IdCardError
from common.i18n import N_, Text


class ReaderStatusError(IdCardError):
    """The reader answered with a status word other than success (SW3 in the reply)."""

    status: int = 0

    def __init__(self, message: Text | str | None = None, *, status: int = 0, detail: str = "") -> None:
        self.status = status
        super().__init__(message, detail=detail or f"SW3={status:02X}")


class CardNotFoundError(ReaderStatusError):
    default = N_("No ID card was found on the reader.")


class CardSelectError(ReaderStatusError):
    default = N_("The ID card could not be selected. Please place it flat on the reader and try again.")


class NoContentError(ReaderStatusError):
    default = N_("The ID card holds no information for this item.")


class ReaderRejectedCommandError(ReaderStatusError):
    default = N_("The card reader did not accept the terminal's request. Please try again.")


class ReaderUnauthorizedError(ReaderStatusError):
    default = N_("The card reader refused an operation it is not allowed to perform. Please ask the hall staff.")


class CardAuthenticationError(ReaderStatusError):
    default = N_("The ID card could not be verified as genuine. Please ask the hall staff for help.")


class CardVerificationError(ReaderStatusError):
    default = N_("The information on the ID card failed verification. Please ask the hall staff for help.")


class UnknownCardTypeError(ReaderStatusError):
    default = N_("This kind of card cannot be read here. Please use a resident ID card, a residence permit "
                 "or a foreigner's permanent residence card.")


class CardReadError(ReaderStatusError):
    default = IdCardError.default


class ReaderCardLinkError(ReaderStatusError):
    default = N_("The card reader could not talk to the ID card. Please place it again and hold it still.")


class SamSelfTestError(ReaderStatusError):
    default = N_("The card reader's security module failed its self-test. Please ask the hall staff.")


class SamUnauthorizedError(ReaderStatusError):
    default = N_("The card reader's security module is not authorised. Please ask the hall staff.")


class UnknownStatusError(ReaderStatusError):
    default = N_("The card reader reported a problem we do not recognise. Please try again or ask the hall staff.")


# -- problems with what the card holds ---------------------------------------


class CardDataError(IdCardError):
    default = N_("The information on the ID card could not be understood. Please ask the hall staff for help.")


class InvalidIdNumberError(CardDataError):
    default = N_("The number on this card is not valid. Please ask the hall staff for help.")


class ImpossibleDateError(CardDataError):
    default = N_("The card carries a date that cannot be right. Please ask the hall staff for help.")


class ExpiredCardError(IdCardError):
    default = N_("This ID card has expired. Please use a valid card.")


# -- problems during the read ------------------------------------------------


class CardMovedError(IdCardError):
    default = N_("The card was taken away before it was read. Please place it again and hold it still.")


class DamagedReplyError(IdCardError):
    default = N_("The card reader sent damaged data. Please place the card again.")


class ReaderTooSlowError(IdCardError):
    default = N_("The card reader took too long to answer. Please place the card again.")
