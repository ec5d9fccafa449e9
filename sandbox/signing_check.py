"""ASGI middleware: every API request must be signed by an enrolled terminal, and every answer is signed back.

Requests (common/signing.py): the signature headers are checked before any of the body is
read, so an unsigned or over-size upload is refused at once (``Content-Length`` over
``MAX_BODY``, or a chunked body that grows past it, is 413 ``too_large``); then the body is
buffered, its digest and nonce checked, and replayed to the application.

Answers: every answer to a request whose signature checked out carries ``X-Server-Time`` and
``X-Response-Signature`` (the HMAC over status, body digest and server time, bound to the
request's method, path and nonce). That includes refusals of an authentic request (a stale
timestamp, a replayed nonce, a body that does not match, too large) and the fault switches'
5xx. Refusals of a request that is not authentic (unsigned, unknown terminal, bad signature)
cannot be signed: the key is unknown, or the request was not the terminal's. ``/api/v1/health``
needs no signature; its answer is signed when the request was. Routes outside ``/api/``
(``/control``, the OpenAPI pages) are not the contract and carry only ``X-Server-Time``.
"""

from __future__ import annotations

import json
import time
from typing import Callable

from common.signing import (H_RESPONSE_SIGNATURE, H_SERVER_TIME, MAX_SKEW_S, SignatureError, SignedRequest,
                            check_body, verify_headers)
from sandbox.store import Store

UNSIGNED_PATHS = ("/api/v1/health",)
MAX_BODY = 40 * 1024 * 1024
MESSAGES = {
    "unsigned": ("请求未签名", "The request is not signed"),
    "bad_signature": ("请求签名无效", "The request signature is not valid"),
    "bad_digest": ("请求内容摘要不符", "The body digest does not match"),
    "stale_timestamp": ("终端时间与服务器相差过大", "The terminal's clock is too far from the server's"),
    "replayed_nonce": ("请求重复（重放）", "The request was replayed"),
    "unknown_terminal": ("终端未登记", "The terminal is not enrolled"),
    "too_large": ("请求内容过大", "The request is too large"),
}
_DROPPED = {H_SERVER_TIME.lower().encode(), H_RESPONSE_SIGNATURE.lower().encode()}


class TooLarge(Exception):
    pass


def _server_time() -> str:
    return f"{time.time():.3f}"


def signing_send(send, request: SignedRequest | None):
    """Wrap ``send``: buffer the answer, then send it with the server's time and, for ``request``, signed."""
    start: dict | None = None
    chunks: list[bytes] = []

    async def wrapped(message):
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        if message["type"] != "http.response.body" or start is None:
            return await send(message)
        chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        body, now = b"".join(chunks), _server_time()
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() not in _DROPPED]
        headers.append((H_SERVER_TIME.lower().encode(), now.encode()))
        if request is not None:
            signature = request.answer_signature(start["status"], body, now)
            headers.append((H_RESPONSE_SIGNATURE.lower().encode(), signature.encode()))
        await send(dict(start, headers=headers))
        await send({"type": "http.response.body", "body": body})

    return wrapped


async def _send_json(send, status: int, body: dict, request: SignedRequest | None) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    signed = signing_send(send, request)
    await signed({"type": "http.response.start", "status": status,
                  "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]})
    await signed({"type": "http.response.body", "body": data})


class SigningMiddleware:
    def __init__(self, app, store: Store, key_for: Callable[[str], bytes | None], enabled: bool = True) -> None:
        self.app, self.store, self.key_for, self.enabled = app, store, key_for, enabled

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        if not self.enabled or not path.startswith("/api/"):
            return await self.app(scope, receive, signing_send(send, None))
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        sent = scope["raw_path"].decode("latin-1") if scope.get("raw_path") else path  # as sent: %2A stays %2A
        target = sent + (("?" + scope["query_string"].decode("latin-1")) if scope.get("query_string") else "")
        if path in UNSIGNED_PATHS:
            return await self._unsigned_route(scope, receive, send, headers, target)
        try:
            request = verify_headers(headers, scope["method"], target, self.key_for, time.time())
        except SignatureError as exc:
            return await self._refuse(send, 401, exc.code, exc.request)
        try:
            body = await self._body(receive, headers)
        except TooLarge:
            return await self._refuse(send, 413, "too_large", request)
        try:
            check_body(headers, body, request)
            if not self.store.use_nonce(request.nonce, 2 * MAX_SKEW_S):
                raise SignatureError("replayed_nonce", "nonce already used", request)
        except SignatureError as exc:
            return await self._refuse(send, 401, exc.code, exc.request)
        scope = dict(scope, state=dict(scope.get("state") or {}, terminal_id=request.terminal_id,
                                                      terminal_key=request.key))
        return await self.app(scope, _replay(receive, body), signing_send(send, request))

    async def _unsigned_route(self, scope, receive, send, headers: dict[str, str], target: str):
        """A route anyone may call; its answer is signed when the request was (the terminal's always is)."""
        request = None
        try:
            request = verify_headers(headers, scope["method"], target, self.key_for, time.time())
            body = await self._body(receive, headers)
            check_body(headers, body, request)
            if not self.store.use_nonce(request.nonce, 2 * MAX_SKEW_S):
                request = None
        except (SignatureError, TooLarge):
            request, body = None, b""
        return await self.app(scope, _replay(receive, body), signing_send(send, request))

    @staticmethod
    async def _body(receive, headers: dict[str, str]) -> bytes:
        """The whole body, refused as soon as it is known to be over ``MAX_BODY`` (before reading, if declared)."""
        declared = {k.lower(): v for k, v in headers.items()}.get("content-length", "")
        if declared.isascii() and declared.isdigit() and (len(declared) > 12 or int(declared) > MAX_BODY):
            raise TooLarge()
        body = bytearray()
        while True:
            message = await receive()
            body += message.get("body", b"")
            if len(body) > MAX_BODY:
                raise TooLarge()
            if not message.get("more_body"):
                return bytes(body)

    @staticmethod
    async def _refuse(send, status: int, code: str, request: SignedRequest | None) -> None:
        zh, en = MESSAGES[code]
        await _send_json(send, status, {"error": {"code": code, "message_zh": zh, "message_en": en, "fields": {}}},
                         request)


def _replay(receive, body: bytes):
    replayed = False

    async def replay():
        nonlocal replayed
        if replayed:
            return await receive()  # after the body: wait for the real disconnect
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
