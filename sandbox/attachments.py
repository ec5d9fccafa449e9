"""What the sandbox accepts as an attachment: sniffed by content, not by the name a client gives it."""

from __future__ import annotations

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FILES = 20
MAX_TOTAL_BYTES = 35 * 1024 * 1024

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
