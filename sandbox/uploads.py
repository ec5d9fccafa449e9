"""A case's or draft's body: JSON alone, or multipart with one file part per page, each declared.

The JSON (the ``case`` or ``draft`` part) declares every file it brings (``AttachmentRef``: name,
material, page, type, size, SHA-256). The backend keeps a file only as declared, so a page damaged
or swapped on the way, or a file nobody meant to send, is refused, naming the page:

- a file part that is not declared, or sent twice: 422 ``attachment_not_declared``, ``files.<name>``;
- a declaration twice over: 422 ``attachment_duplicate``, ``attachments.N.name``;
- a declaration whose material is not the service's (nor ``signature``): 422 ``unknown_material``;
- a declared file that did not arrive: 422 ``attachment_missing``, ``attachments.N``;
- a file that is empty, too large, not a JPEG, PNG or PDF, or not the type declared: 422
  ``bad_attachment``, ``attachments.N`` (or together over the limit: ``attachments``);
- a file whose size or SHA-256 is not the declared one: 422 ``attachment_digest_mismatch``,
  ``attachments.N``: "size does not match" or "sha256 does not match".

Every message names the page in words (in English: page 1 of "Operator's identity document"), for the
citizen's retake.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Sequence

from fastapi import Request
from starlette.datastructures import UploadFile

from sandbox import attachments as att
from sandbox.errors import ApiError
from sandbox.models import AttachmentRef

MAX_JSON_PART = 1024 * 1024


@dataclass(frozen=True)
class Upload:
    """One file part as it arrived."""

    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Stored:
    """One accepted file: as the store keeps it."""

    name: str
    mime: str
    sha256: str
    data: bytes

    def row(self) -> tuple[str, str, str, bytes]:
        return self.name, self.mime, self.sha256, self.data


def invalid(fields: dict[str, Any]) -> ApiError:
    return ApiError(400, "invalid_request", "请求内容不符合要求", "The request is not valid", fields)


async def read_body(request: Request, json_part: str) -> tuple[bytes | str, list[Upload]]:
    """The JSON text (the whole body, or the multipart part ``json_part``) and the file parts, within limits."""
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("application/json"):
        return await request.body(), []
    if not ctype.startswith("multipart/form-data"):
        raise ApiError(415, "unsupported_media_type", "请求格式不受支持", "Send JSON or multipart/form-data")
    try:
        form = await request.form(max_files=att.MAX_FILES, max_fields=5, max_part_size=MAX_JSON_PART)
    except Exception as exc:  # the multipart parser's own errors: malformed or over the limits
        raise invalid({"body": str(exc)[:200]}) from None
    unexpected = sorted(k for k in form.keys() if k not in (json_part, "attachments"))
    if unexpected:
        raise invalid({unexpected[0]: f"unexpected part; send {json_part} and attachments"})
    raw = form.get(json_part)
    if not isinstance(raw, str):
        raise invalid({json_part: "missing"})
    uploads: list[Upload] = []
    total = 0
    for upload in form.getlist("attachments"):
        if not isinstance(upload, UploadFile):
            raise invalid({"attachments": "must be files"})
        data = await upload.read(att.MAX_FILE_BYTES + 1)
        total += len(data)
        if total > att.MAX_TOTAL_BYTES:
            limit = att.MAX_TOTAL_BYTES // (1024 * 1024)
            raise ApiError(422, "bad_attachment", f"附件合计超过 {limit} MB，请减少页数后重试",
                           f"The attachments together are over {limit} MB: send fewer pages",
                           {"attachments": f"together larger than {limit} MB"})
        uploads.append(Upload(upload.filename or "", upload.content_type or "", data))
    return raw, uploads


def _page(ref: AttachmentRef, materials: dict[str, dict[str, Any]]) -> tuple[str, str]:
    """The page in words, in Chinese and English."""
    if ref.material_code == att.SIGNATURE:
        return "签名", "the signature"
    material = materials.get(ref.material_code, {})
    zh = material.get("name_zh") or ref.material_code
    en = material.get("name_en") or zh
    return f"“{zh}”第 {ref.page} 页", f'page {ref.page} of "{en}"'


def _first_up(text: str) -> str:
    return text[:1].upper() + text[1:]


def check_files(declared: Sequence[AttachmentRef], uploads: Sequence[Upload],
                materials: dict[str, dict[str, Any]]) -> list[Stored]:
    """The files as declared, in the declarations' order; an ApiError (422) for the first one that is not."""
    by_name: dict[str, int] = {}
    for i, ref in enumerate(declared):
        if ref.material_code != att.SIGNATURE and ref.material_code not in materials:
            raise ApiError(422, "unknown_material", "附件所属的材料不属于该事项",
                           "An attachment names a material this service does not have",
                           {f"attachments.{i}.material_code": ref.material_code})
        if ref.name in by_name:
            raise ApiError(422, "attachment_duplicate", f"附件 {ref.name} 声明了两次",
                           f"The attachment {ref.name} is declared twice", {f"attachments.{i}.name": "declared twice"})
        by_name[ref.name] = i
    sent: dict[str, Upload] = {}
    for upload in uploads:
        if upload.name not in by_name or upload.name in sent:
            why = "sent twice" if upload.name in sent else "not declared in attachments"
            raise ApiError(422, "attachment_not_declared", f"收到未声明的附件（{upload.name[:48]}），请重新提交",
                           f"A file the request does not declare arrived ({upload.name[:48]}): send it again",
                           {f"files.{upload.name[:48]}": why})
        sent[upload.name] = upload
    stored: list[Stored] = []
    for i, ref in enumerate(declared):
        zh, en = _page(ref, materials)
        upload = sent.get(ref.name)
        if upload is None:
            raise ApiError(422, "attachment_missing", f"{zh}没有收到，请重新提交", f"{_first_up(en)} did not "
                           "arrive: please send it again", {f"attachments.{i}": "no file sent"})
        reason = att.check(ref.name, upload.content_type, upload.data)
        actual = att.sniff(upload.data)
        if reason is None and actual != ref.mime:
            reason = f"declared {ref.mime} but the content is {actual}"
        if reason:
            raise ApiError(422, "bad_attachment", f"{zh}不符合要求（{reason}），请重新拍摄",
                           f"{_first_up(en)} is not acceptable ({reason}): please scan it again",
                           {f"attachments.{i}": reason})
        digest = hashlib.sha256(upload.data).hexdigest()
        if len(upload.data) != ref.size or digest != ref.sha256:
            what = "size" if len(upload.data) != ref.size else "sha256"
            raise ApiError(422, "attachment_digest_mismatch", f"{zh}在传输中受损，请重新拍摄",
                           f"{_first_up(en)} was damaged on the way: please scan it again",
                           {f"attachments.{i}": f"{what} does not match"})
        stored.append(Stored(ref.name, ref.mime, digest, upload.data))
    return stored
