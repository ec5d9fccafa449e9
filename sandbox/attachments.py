"""What the sandbox accepts as an attachment: sniffed by content, not by the name a client gives it.

A case or draft carries one file per page, named ``<material code>-<page>.<jpg|png|pdf>`` (``M2-1.jpg``),
and the signature as ``signature.png`` (docs/api/payloads.md, "Materials and attachments").

MAX_FILES is 30, not the 20 it was: the largest service in the catalogue (QY-008) asks for 15 pages
and a signature, and a citizen may add pages (articles of association often run past the 6 the
catalogue expects); 30 pages of about 1 MB (a 1920x1080 JPEG page) stay within MAX_TOTAL_BYTES.
"""

from __future__ import annotations

import re

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FILES = 30
MAX_TOTAL_BYTES = 35 * 1024 * 1024
SIGNATURE = "signature"  # the material code the signature is declared under
SIGNATURE_NAME = "signature.png"
MATERIAL_CODE = r"^[A-Za-z0-9_]{1,32}$"
NAME = re.compile(r"^(?P<material>[A-Za-z0-9_]{1,32})-(?P<page>[1-9][0-9]{0,2})\.(jpg|png|pdf)$")
MIMES = ("image/jpeg", "image/png", "application/pdf")


def name_problem(name: str, material_code: str, page: int) -> str | None:
    """Why ``name`` is not the name of page ``page`` of ``material_code``, or None when it is."""
    if material_code == SIGNATURE:
        return None if (name, page) == (SIGNATURE_NAME, 1) else f"the signature is {SIGNATURE_NAME}, page 1"
    found = NAME.match(name)
    if found is None or (found["material"], int(found["page"])) != (material_code, page):
        return f"expected {material_code}-{page}.jpg (or .png, .pdf)"
    return None

_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)


def sniff(data: bytes) -> str | None:
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    return None


def check(name: str, declared: str, data: bytes) -> str | None:
    """The reason an attachment is refused, or None when it is acceptable."""
    if not data:
        return "empty file"
    if len(data) > MAX_FILE_BYTES:
        return f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"
    actual = sniff(data)
    if actual is None:
        return "not a JPEG, PNG or PDF file"
    if declared and declared.split(";")[0].strip() not in (actual, "application/octet-stream"):
        return f"declared {declared} but the content is {actual}"
    return None
