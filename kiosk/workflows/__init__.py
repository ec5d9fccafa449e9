"""Plain-Python state machines for a citizen's session and a clerk's case (no Qt)."""

from __future__ import annotations

from common.domain import CardType, Identity
from common.i18n import Text, text
from common.masking import Masker


def admit(identity: Identity, masker: Masker) -> Text | None:
    """Take a card for the session: None when it is accepted, else why not (the card's data is wiped)."""
    if identity.expired():
        social_security = identity.card_type is CardType.SOCIAL_SECURITY
        identity.wipe()
        if social_security:
            return text("This social security card has expired. Please use a valid card, or your ID card.")
        return text("This ID card has expired. Please use a valid card.")
    masker.add_name(identity.name)
    return None
