"""What a case or draft declares of each file it sends: material, page, type, size and SHA-256.

The backend keeps a file only as declared (docs/api/payloads.md, "Materials and attachments"), so
the client makes the declarations itself from the files it is about to send: a caller cannot get
them wrong, and a queued case (whose attachments the outbox keeps, encrypted) gets the same ones
each time it is sent, so its idempotency digest does not change. A file is named
``<material code>-<page>.<jpg|png|pdf>`` (``M2-1.jpg``), the signature ``signature.png``.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Iterable, Sequence

from common.backend_errors import RejectedError
from common.domain import Attachment

SIGNATURE = "signature"
SIGNATURE_NAME = "signature.png"
_NAME = re.compile(r"^(?P<material>[A-Za-z0-9_]{1,32})-(?P<page>[1-9][0-9]{0,2})\.(jpg|png|pdf)$")


def page_name(material_code: str, page: int, extension: str = "jpg") -> str:
    """The file name of a material's page (1-based): ``M2-1.jpg``."""
    name = f"{material_code}-{page}.{extension}"
    if not _NAME.match(name):
        raise ValueError(f"no page name for material {material_code!r}, page {page}, .{extension}")
    return name


def material_and_page(name: str) -> tuple[str, int]:
    """(material code, page) of a file name; ValueError for a name that follows neither form."""
    if name == SIGNATURE_NAME:
        return SIGNATURE, 1
    found = _NAME.match(name)
    if found is None:
        raise ValueError(f"attachment name {name[:60]!r} is neither <material>-<page>.jpg (or .png, .pdf) "
                         f"nor {SIGNATURE_NAME}")
    return found["material"], int(found["page"])


def declare(attachments: Iterable[Attachment]) -> list[dict[str, Any]]:
    """The ``attachments`` declarations (AttachmentRef) for these files, in their order.

    ValueError for a name that does not say its material and page, or a name used twice.
    """
    declared: list[dict[str, Any]] = []
    seen: set[str] = set()
    for a in attachments:
        material, page = material_and_page(a.name)
        if a.name in seen:
            raise ValueError(f"attachment {a.name!r} given twice")
        seen.add(a.name)
        declared.append({"name": a.name, "material_code": material, "page": page, "mime": a.mime,
                         "size": len(a.data), "sha256": hashlib.sha256(a.data).hexdigest()})
    return declared


def refused_attachment(error: RejectedError, attachments: Sequence[Attachment]) -> Attachment | None:
    """The file a 422 refusal names (``fields`` key ``attachments.N``), for the citizen's retake; None when
    the refusal is not about one file."""
    for key in error.fields:
        parts = str(key).split(".")
        if len(parts) >= 2 and parts[0] == "attachments" and parts[1].isdigit() and int(parts[1]) < len(attachments):
            return attachments[int(parts[1])]
    return None
