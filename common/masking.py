"""Masked forms of personal data, for logs and for what the screen shows a passer-by."""

from __future__ import annotations

import re
import threading

# 18-character resident ID numbers (GB 11643), 15-digit first-generation numbers, and the 2017 foreigner's
# permanent residence card's 15 characters (three letters, 12 digits; common/idnumber.py), in either case.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])|(?<!\d)(\d{6})(\d{6})(\d{3})(?!\d)"
                        r"|(?<![0-9A-Za-z])[A-Za-z]{3}\d{12}(?![0-9A-Za-z])")
# Mainland mobile numbers, optionally with +86.
_PHONE = re.compile(r"(?<!\d)((?:\+?86)?1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_id_number(number: str) -> str:
    """``330106199001011234`` -> ``3301**********1234``: the first four and last four kept
    (``USA330185061513`` -> ``USA3*******1513``: the nationality, one digit of the place, four of the end)."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_name(name: str) -> str:
    """``张三`` -> ``张*``; ``欧阳小明`` -> ``欧***``; Latin names keep the first letter of each word."""
    name = name.strip()
    if not name:
        return name
    if name.isascii():
        return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())
    return name[0] + "*" * (len(name) - 1)


def mask_phone(phone: str) -> str:
    return phone[:-8] + "****" + phone[-4:] if len(phone) >= 11 else "*" * len(phone)


class Masker:
    """Replaces ID numbers, phone numbers and registered names in free text.

    Names cannot be found by pattern, so a session registers its applicant's
    name while it runs and forgets it when the session ends.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._names: dict[str, str] = {}  # each name and its mask, the longest first

    def add_name(self, name: str) -> None:
        name = name.strip()
        if len(name) < 2:
            return
        with self._lock:
            names = {**self._names, name: mask_name(name)}
            self._names = dict(sorted(names.items(), key=lambda item: len(item[0]), reverse=True))

    def forget_names(self) -> None:
        with self._lock:
            self._names = {}

    def mask(self, message: str) -> str:
        """``message`` with ID numbers, phone numbers and the names registered masked. The names are replaced as
        text, the longest first, not through a pattern made of them: ``re.compile`` keeps its last 512 patterns in
        the module's cache, and a pattern of a citizen's name stayed there long after they had gone (the memory
        look of window-monkey seed 775, searching for names, 2026-12-06)."""
        message = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), message)
        message = _PHONE.sub(lambda m: mask_phone(m.group(0)), message)
        with self._lock:
            names = self._names
        for name, masked in names.items():
            message = message.replace(name, masked)
        return message
