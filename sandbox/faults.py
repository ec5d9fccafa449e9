"""Fault switches for the sandbox: make the backend fail on purpose, and stop again.

The backend answering badly (:class:`FaultAnswers`, inside the signing, so these answers are
signed as the backend's own): ``down`` answers 503 with Retry-After, ``error`` answers 500,
``slow`` delays every answer by ``slow_s`` seconds.

The line misbehaving (:class:`FaultMiddleware`, outside the signing): ``drop`` cuts the
connection without reading the request (mid-upload for a large one), ``lose_reply`` lets the
backend do the work and then cuts the connection before the answer arrives (the terminal cannot
know it succeeded), ``trickle`` lets it do the work and sends the answer's body a byte every
``trickle_gap_s`` (a proxy stuck mid-answer), ``unsigned`` passes the backend's answers on
without their signature, and
``forge`` answers every request itself, never reaching the backend, with a made-up success
(``201`` and a case number for a submission) under a signature made without the key.
Health checks are affected too, as a real outage would be.

A cut line is a :class:`LineCut` raised inside uvicorn, which logs any exception from an application with its
traceback: :func:`quiet_line_cuts` turns those into one line each (a monkey run drops hundreds), and so a request
still made slow when the sandbox stops, whose answer uvicorn cancels.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import threading
from dataclasses import dataclass, field

FAULTS = ("down", "error", "slow", "drop", "lose_reply", "unsigned", "forge", "trickle")


@dataclass
class FaultSwitches:
    slow_s: float = 3.0
    trickle_gap_s: float = 0.5   # ``trickle``: between the answer's bytes
    trickle_for_s: float = 60.0  # and for this long at most; then the rest at once
    _on: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def set(self, fault: str, on: bool = True) -> None:
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
        with self._lock:
            (self._on.add if on else self._on.discard)(fault)

    def clear(self) -> None:
        with self._lock:
            self._on.clear()

    def active(self) -> set[str]:
        with self._lock:
            return set(self._on)


class LineCut(ConnectionAbortedError):
    """The connection cut on purpose by a fault switch (not a fault of the sandbox's own)."""


class _OneLineForCuts(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        cut = record.exc_info[1] if record.exc_info else None
        if isinstance(cut, asyncio.CancelledError):  # a request still made slow when the sandbox stopped
            cut = LineCut("sandbox stopped while a request was still under way (its answer cancelled)")
        if isinstance(cut, LineCut):
            record.msg, record.args, record.exc_info, record.exc_text = "%s", (str(cut),), None, None
            record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)  # as switched
        return True


def quiet_line_cuts(logger: logging.Logger) -> None:
    """uvicorn's error logger says each cut line in one line, not with a traceback, and as a warning: the line was
    cut because someone switched the fault on, not by a fault of the sandbox's (idempotent)."""
    if not any(isinstance(f, _OneLineForCuts) for f in logger.filters):
        logger.addFilter(_OneLineForCuts())


class _FaultLayer:
    """An ASGI middleware that the fault switches steer; the control API always passes through."""

    def __init__(self, app, switches: FaultSwitches) -> None:
        self.app = app
        self.switches = switches

    @staticmethod
    def passes(scope) -> bool:
        return scope["type"] != "http" or scope["path"].startswith("/control/")


class FaultAnswers(_FaultLayer):
    """The backend's own bad answers: down, error, slow (signed like any answer)."""

    async def __call__(self, scope, receive, send):
        if self.passes(scope):
            return await self.app(scope, receive, send)
        active = self.switches.active()
        if "slow" in active:
            await asyncio.sleep(self.switches.slow_s)
        if "down" in active or "error" in active:
            status = 503 if "down" in active else 500
            body = json.dumps({"error": {"code": "unavailable" if status == 503 else "internal",
                                         "message_zh": "服务暂不可用", "message_en": "Service unavailable"}}).encode()
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
            if status == 503:
                headers.append((b"retry-after", b"1"))
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        return await self.app(scope, receive, send)


class FaultMiddleware(_FaultLayer):
    """The line between terminal and backend: drop, lose_reply, unsigned, forge."""

    async def __call__(self, scope, receive, send):
        if self.passes(scope):
            return await self.app(scope, receive, send)
        active = self.switches.active()
        if "forge" in active:
            return await _forge(scope, receive, send)
        if "unsigned" in active:
            async def strip(message):
                if message["type"] == "http.response.start":
                    message = dict(message, headers=[(k, v) for k, v in message.get("headers", [])
                                                     if k.lower() != b"x-response-signature"])
                return await send(message)
            return await self.app(scope, receive, strip)
        if "lose_reply" in active and scope["method"] != "GET":
            async def swallow(message):
                if message["type"] == "http.response.start":
                    return await send(message)  # the headers go out, then the line is cut
                raise LineCut("sandbox fault: reply lost after the work was done")
            return await self.app(scope, receive, swallow)
        if "trickle" in active:
            return await self.app(scope, receive, _dribbling(send, self.switches))
        if "drop" in active:
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", b"1000")]})
            await send({"type": "http.response.body", "body": b'{"partial": ', "more_body": True})
            raise LineCut("sandbox fault: connection dropped mid-body")
        return await self.app(scope, receive, send)


def _dribbling(send, switches: FaultSwitches):
    """``send`` with each answer's body a byte at a time, ``trickle_gap_s`` apart: every byte comes inside any read
    timeout, so only a deadline on the whole answer ends the terminal's wait (kiosk/backend/answer_watch.py)."""
    async def dribble(message):
        if message["type"] != "http.response.body":
            return await send(message)
        body, more = message.get("body", b""), message.get("more_body", False)
        loop = asyncio.get_running_loop()
        until = loop.time() + switches.trickle_for_s
        for at in range(len(body)):
            if loop.time() > until:
                return await send({"type": "http.response.body", "body": body[at:], "more_body": more})
            await send({"type": "http.response.body", "body": body[at:at + 1], "more_body": True})
            await asyncio.sleep(switches.trickle_gap_s)
        return await send({"type": "http.response.body", "body": b"", "more_body": more})
    return dribble


async def _forge(scope, receive, send) -> None:
    """What an attacker on the line would answer: success, without the backend ever hearing of it."""
    while (await receive()).get("more_body"):
        pass
    if scope["method"] == "POST" and scope["path"].endswith("/cases"):
        status, body = 201, {"case_number": "SQ2026010100001", "status": "submitted",
                             "submitted_at": "2026-01-01T09:00:00+08:00", "promised_days": 5}
    else:
        status, body = 200, {"status": "ok", "items": []}
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()),
                            (b"x-response-signature", secrets.token_hex(32).encode())]})
    await send({"type": "http.response.body", "body": data})
