"""ASGI middleware: every API request must be signed by an enrolled terminal (see common/signing.py).

It buffers the body (bounded), verifies timestamp, nonce, digest and HMAC, and
replays the body to the application. Every answer carries ``X-Server-Time`` so
terminals can correct their clock offset.
"""

from __future__ import annotations

import json
import time
from typing import Callable

from common.signing import H_SERVER_TIME, MAX_SKEW_S, SignatureError, verify
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


async def _send_json(send, status: int, body: dict, extra: list | None = None) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()),
               (H_SERVER_TIME.lower().encode(), f"{time.time():.3f}".encode())] + (extra or [])
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


class SigningMiddleware:
    def __init__(self, app, store: Store, key_for: Callable[[str], bytes | None], enabled: bool = True) -> None:
        self.app, self.store, self.key_for, self.enabled = app, store, key_for, enabled

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_time(message):
            if message["type"] == "http.response.start":
                message = dict(message, headers=list(message.get("headers", [])) +
                               [(H_SERVER_TIME.lower().encode(), f"{time.time():.3f}".encode())])
            await send(message)

        path = scope["path"]
        if not self.enabled or not path.startswith("/api/") or path in UNSIGNED_PATHS:
            return await self.app(scope, receive, send_with_time)
        body = bytearray()
        while True:
            message = await receive()
            body += message.get("body", b"")
            if len(body) > MAX_BODY:
                return await self._refuse(send, 413, "too_large")
            if not message.get("more_body"):
                break
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        target = path + (("?" + scope["query_string"].decode("latin-1")) if scope.get("query_string") else "")
        try:
            terminal = verify(headers, scope["method"], target, bytes(body), self.key_for, time.time())
            nonce = {k.lower(): v for k, v in headers.items()}["x-nonce"]
            if not self.store.use_nonce(nonce, 2 * MAX_SKEW_S):
                raise SignatureError("replayed_nonce", "nonce already used")
        except SignatureError as exc:
            return await self._refuse(send, 401, exc.code)
        scope = dict(scope, state=dict(scope.get("state") or {}, terminal_id=terminal))
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()  # after the body: wait for the real disconnect
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        return await self.app(scope, replay, send_with_time)

    async def _refuse(self, send, status: int, code: str) -> None:
        zh, en = MESSAGES[code]
        await _send_json(send, status, {"error": {"code": code, "message_zh": zh, "message_en": en, "fields": {}}})
