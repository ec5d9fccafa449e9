"""The one HTTP client for the hall's backend.

Every call has connect and read timeouts. Reads, and writes that carry an
idempotency key, are retried a bounded number of times with exponential
backoff; nothing else is. Whatever ``requests`` raises is turned into a typed
:mod:`kiosk.backend.errors` error before it leaves this module.
"""

from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from kiosk.backend.codec import _get, parse_time, service_from_json
from kiosk.backend.errors import AuthError, BackendError, OfflineError, RejectedError, ServerError
from kiosk.config import BackendConfig
from kiosk.domain import Application, ServiceItem

log = logging.getLogger(__name__)
API = "/api/v1"


@dataclass(frozen=True)
class Submitted:
    case_number: str
    status: str
    submitted_at: str
    promised_days: int


class BackendClient:
    def __init__(self, config: BackendConfig, terminal_id: str, *, pool_size: int = 4,
                 backoff_s: float = 0.3, sleep=time.sleep) -> None:
        self._config = config
        self._terminal_id = terminal_id
        self._base = config.url.rstrip("/") + API
        self._backoff_s = backoff_s
        self._sleep = sleep
        self._session = requests.Session()
        adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._session.headers.update({"User-Agent": f"OneTrip/{terminal_id}", "X-Terminal-Id": terminal_id})
        if config.ca_bundle:
            self._session.verify = config.ca_bundle

    def close(self) -> None:
        self._session.close()

    @property
    def timeout(self) -> tuple[float, float]:
        return (self._config.connect_timeout_s, self._config.read_timeout_s)

    # -- calls -------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        return self._request("GET", "/health", retry=True)

    def catalogue(self) -> list[ServiceItem]:
        body = self._request("GET", "/services", retry=True)
        return [service_from_json(item) for item in _get(body, "items", list)]

    def service(self, code: str) -> ServiceItem:
        return service_from_json(self._request("GET", f"/services/{code}", retry=True))

    def submit(self, application: Application) -> Submitted:
        body = self._request("POST", "/cases", json_body=application.payload(), retry=True,
                             headers={"Idempotency-Key": application.idempotency_key})
        parse_time(_get(body, "submitted_at", str))
        return Submitted(_get(body, "case_number", str), _get(body, "status", str),
                         _get(body, "submitted_at", str), _get(body, "promised_days", int, 0))

    def case_status(self, case_number: str) -> dict[str, Any]:
        return self._request("GET", f"/cases/{case_number}", retry=True)

    # -- plumbing ----------------------------------------------------------

    def _request(self, method: str, path: str, *, json_body: Any = None, retry: bool = False,
                 headers: dict[str, str] | None = None) -> Any:
        attempts = 1 + (self._config.retries if retry else 0)
        last: BackendError | None = None
        for attempt in range(attempts):
            if attempt:
                delay = self._backoff_s * (2 ** (attempt - 1)) * (0.5 + random.random())
                if isinstance(last, ServerError) and getattr(last, "retry_after", None):
                    delay = max(delay, min(last.retry_after, 30.0))  # type: ignore[attr-defined]
                self._sleep(delay)
            try:
                return self._once(method, path, json_body, headers)
            except (OfflineError, ServerError) as exc:
                last = exc
                log.warning("%s %s failed (attempt %d of %d): %s", method, path, attempt + 1, attempts, exc.detail)
        assert last is not None
        raise last

    def _once(self, method: str, path: str, json_body: Any, headers: dict[str, str] | None) -> Any:
        url = self._base + path
        data = None
        all_headers = dict(headers or {})
        if json_body is not None:
            data = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            all_headers["Content-Type"] = "application/json; charset=utf-8"
        try:
            response = self._session.request(method, url, data=data, headers=all_headers, timeout=self.timeout)
        except requests.exceptions.SSLError as exc:
            raise AuthError(detail=f"TLS: {exc}") from None
        except requests.exceptions.ConnectTimeout:
            raise OfflineError(detail=f"connect to {url} timed out") from None
        except requests.exceptions.ReadTimeout:
            raise OfflineError(detail=f"no answer from {url} within {self._config.read_timeout_s} s") from None
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            raise OfflineError(detail=f"{url}: {type(exc).__name__}") from None
        except requests.exceptions.RequestException as exc:
            raise OfflineError(detail=f"{url}: {exc}") from None
        return self._answer(response)

    @staticmethod
    def _answer(response: requests.Response) -> Any:
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        if status >= 500:
            error = ServerError(detail=f"HTTP {status}", status=status)
            retry_after = response.headers.get("Retry-After", "")
            error.retry_after = float(retry_after) if retry_after.isdigit() else 0.0  # type: ignore[attr-defined]
            raise error
        if status in (401, 403):
            raise AuthError(detail=f"HTTP {status}", status=status)
        if status >= 400:
            err = body.get("error", {}) if isinstance(body, dict) else {}
            err = err if isinstance(err, dict) else {}
            raise RejectedError(code=str(err.get("code", f"http_{status}")), message_zh=str(err.get("message_zh", "")),
                                message_en=str(err.get("message_en", "")), fields=err.get("fields") or {},
                                status=status)
        if body is None:
            raise ServerError(detail=f"HTTP {status} without a JSON body", status=status)
        return body
