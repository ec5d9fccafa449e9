"""Fictitious social security cards for the simulator, the demo and the tests.

Each holder is the holder of the ID-card sample of the same name (devices/idcard/samples.py), so a
citizen identified by either card is the same person to the backend.
"""

from __future__ import annotations

import datetime as dt

from devices.idcard.samples import sample_identity
from devices.sscard.records import SocialSecurityCard

SAMPLES = ("resident", "resident_long_term", "first_generation", "expired")


def sample_card(sample: str = "resident") -> SocialSecurityCard:
    if sample not in SAMPLES:
        raise ValueError(f"unknown sample social security card {sample!r}; known: {', '.join(SAMPLES)}")
    holder = sample_identity("resident" if sample in ("first_generation", "expired") else sample)
    issued = dt.date(2021, 5, 6) if sample != "first_generation" else dt.date(2012, 3, 1)
    expires = dt.date(2019, 5, 6) if sample == "expired" else issued.replace(year=issued.year + 10)
    if sample == "first_generation":
        expires = dt.date(2032, 3, 1)
    return SocialSecurityCard(
        identifier="330300D15600000599110145FFFFFFFF", card_type="3",
        spec_version="1.00" if sample == "first_generation" else "3.00",
        issuer_code="330100000000000000000000", issue_date=issued, expiry_date=expires,
        card_number="A01234567", number=holder.id_number, name=holder.name,
        gender="1" if holder.gender == "男" else "2", nation="01", birth_date=holder.birth_date)
