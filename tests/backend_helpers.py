"""Helpers shared by the backend tests: clients, signed raw requests, sample applications, a scripted server."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

import requests

from devices.idcard.samples import sample_identity
from kiosk.backend.client import BackendClient
from common.signing import H_NONCE, H_RESPONSE_SIGNATURE, H_SERVER_TIME, Signer, demo_key
from kiosk.config import BackendConfig
from common.domain import Application, ServiceItem
from sandbox.form_answers import answers

TERMINAL = "T-TEST"
# The test hall's windows (sandbox/window_register.py): the ids the tests' windows use, the configuration's default
# and TERMINAL, whose cases bring paper checked at the counter (application() below)
TEST_WINDOWS = ("ZJ-HZ-T001", TERMINAL)


def client_for(url: str, terminal: str = TERMINAL, **kw) -> BackendClient:
    config = BackendConfig(url=url, connect_timeout_s=kw.pop("connect_timeout_s", 1.0),
                           read_timeout_s=kw.pop("read_timeout_s", 3.0), retries=kw.pop("retries", 0),
                           ca_bundle=kw.pop("ca_bundle", ""), signature_alg=kw.pop("signature_alg", "HMAC-SHA256"),
                           min_upload_kib_per_second=kw.pop("min_upload_kib_per_second", 16.0),
                           min_download_kib_per_second=kw.pop("min_download_kib_per_second", 16.0))
    return BackendClient(config, terminal, backoff_s=0.01, **kw)


def signed(method: str, url_base: str, path: str, body: bytes = b"", terminal: str = TERMINAL,
           key: bytes | None = None, headers: dict | None = None, now: float | None = None) -> requests.Response:
    signer = Signer(terminal, key or demo_key(terminal))
    all_headers = dict(headers or {})
    all_headers.update(signer.headers(method, path, body, time.time() if now is None else now))
    return requests.request(method, url_base + path, data=body or None, headers=all_headers, timeout=5)


def brought(service: ServiceItem) -> list[str]:
    """Every material the service requires, as a window's case brings the paper checked at the counter
    (``counter_checked``): a test of something else then sends a case the backend takes (sandbox/case_materials.py)."""
    return [m.code for m in service.materials if m.required]


def application(client: BackendClient, code: str = "GT-001", sample: str = "resident",
                terminal: str = TERMINAL) -> Application:
    service = client.service(code)
    return Application(service, sample_identity(sample), terminal, form=answers(service),
                       counter_checked=brought(service))


@dataclass
class Scripted:
    """One answer for :class:`ScriptedBackend`; ``sign``: "right", "none", "wrong_key" or "other_nonce"."""

    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    sign: str = "right"
    server_time: str | None = None  # None: now


class ScriptedBackend:
    """A tiny HTTP server on 127.0.0.1 that answers what the test scripts, signed as it is told.

    It stands for an attacker on the line (or a broken backend): it knows the terminal's key only
    when the test says so. ``answer`` is a :class:`Scripted` or a function of the request's
    (method, path) that returns one. Every answer closes its connection, so a malformed one
    cannot spill into the next.
    """

    def __init__(self, terminal: str = TERMINAL, key: bytes | None = None) -> None:
        self.key = key or demo_key(terminal)
        self.terminal = terminal
        self.answer: Scripted | Callable[[str, str], Scripted] = Scripted()
        self.seen: list[tuple[str, str]] = []
        backend = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _any(self) -> None:
                length = self.headers.get("Content-Length", "0")
                self.rfile.read(int(length) if length.isdigit() else 0)
                backend.seen.append((self.command, self.path))
                scripted = backend.answer(self.command, self.path) if callable(backend.answer) else backend.answer
                now = scripted.server_time if scripted.server_time is not None else f"{time.time():.3f}"
                nonce = self.headers.get(H_NONCE, "")
                signer = Signer(backend.terminal, backend.key)
                if scripted.sign == "wrong_key":
                    signer = Signer(backend.terminal, b"not the terminal's key")
                elif scripted.sign == "other_nonce":
                    nonce = "0" * 32
                self.send_response(scripted.status)
                self.send_header("Content-Length", str(len(scripted.body)))
                self.send_header("Connection", "close")
                self.send_header(H_SERVER_TIME, now)
                if scripted.sign != "none":
                    signature = signer.request(self.command, self.path, nonce).answer_signature(
                        scripted.status, scripted.body, now)
                    self.send_header(H_RESPONSE_SIGNATURE, signature)
                for name, value in scripted.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(scripted.body)
                self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), name="scripted-backend",
                                        daemon=True)  # a short poll: shutdown() waits for it

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> "ScriptedBackend":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def submitted_body(case_number: str = "SQ2026010100001") -> bytes:
    return json.dumps({"case_number": case_number, "status": "submitted", "submitted_at": "2026-01-01T09:00:00+08:00",
                       "promised_days": 5}).encode()
