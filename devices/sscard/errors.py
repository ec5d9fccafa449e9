"""Typed social security card errors. Each keeps the plain message of the class it extends.

Their ``detail`` names status words, record numbers, tags and lengths, never card data: no number,
name or date of the holder.
"""

from __future__ import annotations

from common.i18n import N_
from devices.errors import DeviceError, ProtocolError


class SsCardError(DeviceError):
    """Base of every social security card error."""

    default = N_("The social security card could not be read. Please take it out and insert it again, chip first.")


class CardStatusError(SsCardError):
    """The card answered a status word other than 9000 (after 61xx and 6Cxx were followed)."""

    def __init__(self, sw: int, *, detail: str = "") -> None:
        self.sw = sw
        super().__init__(detail=detail or f"SW={sw:04X}")


class FileNotFoundOnCardError(CardStatusError):
    """6A82: the application or file is not on the card."""

    default = N_("This card is not a social security card, or its social security data cannot be read. "
                 "Please insert your social security card, or use your ID card.")


class RecordNotFoundError(CardStatusError):
    """6A83: the record is not in the file."""


class SsCardDataError(SsCardError, ProtocolError):
    """A response or record the card sent cannot be understood: too short, wrong tag or length, bad BCD,
    an impossible date, bytes that are not GBK, a number that fails its check character."""
