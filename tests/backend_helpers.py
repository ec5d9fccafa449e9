"""Helpers shared by the backend tests: clients, signed raw requests, sample applications."""

from __future__ import annotations

import time

import requests

from devices.idcard.samples import sample_identity
from kiosk.backend.client import BackendClient
from common.signing import Signer, demo_key
from kiosk.config import BackendConfig
from common.domain import Application

TERMINAL = "T-TEST"


def client_for(url: str, terminal: str = TERMINAL, **kw) -> BackendClient:
    config = BackendConfig(url=url, connect_timeout_s=kw.pop("connect_timeout_s", 1.0),
                           read_timeout_s=kw.pop("read_timeout_s", 3.0), retries=kw.pop("retries", 0),
                           ca_bundle=kw.pop("ca_bundle", ""), signature_alg=kw.pop("signature_alg", "HMAC-SHA256"))
    return BackendClient(config, terminal, backoff_s=0.01, **kw)


def signed(method: str, url_base: str, path: str, body: bytes = b"", terminal: str = TERMINAL,
           key: bytes | None = None, headers: dict | None = None, now: float | None = None) -> requests.Response:
    signer = Signer(terminal, key or demo_key(terminal))
    all_headers = dict(headers or {})
    all_headers.update(signer.headers(method, path, body, time.time() if now is None else now))
    return requests.request(method, url_base + path, data=body or None, headers=all_headers, timeout=5)


def application(client: BackendClient, code: str = "GT-001", sample: str = "resident",
                terminal: str = TERMINAL) -> Application:
    service = client.service(code)
    return Application(service, sample_identity(sample), terminal, form={"phone": "13800000000"})
