"""The social security card's public data read through any ``send`` (command APDU -> response APDU).

Select the application by name, EF05 and its seven records, then EF06 and the holder's records at
the record numbers of the card's spec version (see :mod:`devices.sscard.records`), then parse. Pure:
the transport (PC/SC, vpcd, :class:`~devices.sscard.model.SsCardModel`) is the caller's.
"""

from __future__ import annotations

from common.domain import CardType, Identity
from devices.idcard.codes import gender_name, nation_name
from devices.sscard import apdu
from devices.sscard.records import (ISSUER_RECORDS, LENGTHS, SocialSecurityCard, holder_records_for, parse_card,
                                    spec_version_of)


def _read_file(send: apdu.Send, fid: int, layout: dict[int, int]) -> dict[int, bytes]:
    apdu.transmit(send, apdu.select_ef(fid))
    return {number: apdu.transmit(send, apdu.read_record(number, le=LENGTHS[tag] + 2))
            for number, tag in layout.items()}


def read_card(send: apdu.Send) -> SocialSecurityCard:
    apdu.transmit(send, apdu.select_aid())
    issuer = _read_file(send, apdu.EF05, ISSUER_RECORDS)
    version = spec_version_of(issuer[3])
    holder = _read_file(send, apdu.EF06, holder_records_for(version))
    return parse_card(issuer, holder)


def read_identity(send: apdu.Send) -> Identity:
    """The card read into the identity a session starts from (``card_type`` social security)."""
    return identity_of(read_card(send))


def identity_of(card: SocialSecurityCard) -> Identity:
    return Identity(id_number=card.number, name=card.name, card_type=CardType.SOCIAL_SECURITY,
                    gender=gender_name(card.gender),
                    nation=nation_name(card.nation), birth_date=card.birth_date,
                    valid_from=card.issue_date, valid_to=card.expiry_date)
