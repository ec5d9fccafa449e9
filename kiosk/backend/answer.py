"""What the backend answered: read within bounds, authenticated, then turned into JSON or a typed error.

Everything here treats the answer as hostile until its signature checks out, and as
possibly broken after that: whatever arrives leaves as a JSON object or as one of
:mod:`common.backend_errors`, never as ``ValueError``, ``RecursionError`` or ``KeyError``.

- :func:`read` takes at most ``max_bytes`` of body within a deadline, and no content coding
  (we ask for ``identity``; a gzip bomb is refused unread);
- :func:`accept` checks ``X-Response-Signature`` (common/signing.py) before anything else is
  looked at. An answer that does not verify is an :class:`UnverifiedAnswerError` (a
  ``ServerError``: retried later, never delivery), except a 401 the backend could not sign
  (it does not know this terminal's key), which is an ``AuthError`` for staff;
- ``X-Server-Time`` must be a finite time between 2000 and 2100, ``Retry-After`` ASCII
  seconds or an HTTP date (anything else counts as absent);
- JSON is parsed with orjson: nesting past 1024 levels, NaN, infinities and invalid UTF-8 are
  refused as ``ServerError``; a successful answer must be a JSON object.
"""

from __future__ import annotations

import email.utils
import math
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping

import orjson

from common.backend_errors import AuthError, OfflineError, RejectedError, ServerError, UnverifiedAnswerError
from common.signing import H_RESPONSE_SIGNATURE, H_SERVER_TIME, Signer

if TYPE_CHECKING:
    import requests

MAX_ANSWER_BYTES = 16 * 1024 * 1024   # the largest contract answer is a print ticket's PDF, well under 1 MB
EARLIEST_SERVER_TIME = 946684800.0    # 2000-01-01
LATEST_SERVER_TIME = 4102444800.0     # 2100-01-01
MAX_TEXT = 500                        # characters kept of a server's message or field reason
_SECONDS = re.compile(r"[0-9]{1,9}")
_SERVER_TIME = re.compile(r"[0-9]{1,10}(\.[0-9]{1,9})?")


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]   # case-insensitive (requests' CaseInsensitiveDict)
    body: bytes


READ_PIECE_BYTES = 16 * 1024  # the body is read in these, each one told to ``took`` (the answer's watch)


def read(response: requests.Response, max_bytes: int, took: Callable[[int], None] = lambda size: None) -> Answer:
    """The whole body, or OfflineError / ServerError; the response is closed either way. How long it may take is the
    client's deadline on the whole answer (kiosk/backend/answer_watch.py), which ``took`` tells of each piece read:
    a check here, between the pieces urllib3 waits to fill, came too late for an answer trickled a byte at a time."""
    import requests  # imported once the client made its session; not at the kiosk's start

    try:
        coding = response.headers.get("Content-Encoding", "").strip().lower()
        if coding not in ("", "identity"):
            raise ServerError(detail=f"HTTP {response.status_code} with content coding {coding[:40]!r}",
                              status=response.status_code)
        declared = response.headers.get("Content-Length", "")
        if declared.isascii() and declared.isdigit() and len(declared) < 20 and int(declared) > max_bytes:
            raise ServerError(detail=f"answer of {declared} bytes is over {max_bytes}", status=response.status_code)
        chunks, size = [], 0
        for chunk in response.iter_content(READ_PIECE_BYTES):
            took(len(chunk))
            size += len(chunk)
            if size > max_bytes:
                raise ServerError(detail=f"answer is over {max_bytes} bytes", status=response.status_code)
            chunks.append(chunk)
        return Answer(response.status_code, response.headers, b"".join(chunks))
    except requests.exceptions.RequestException as exc:
        raise OfflineError(detail=f"answer cut off: {type(exc).__name__}") from None
    finally:
        response.close()


def accept(answer: Answer, signer: Signer, method: str, path: str, nonce: str,
           learn_time: Callable[[float], None] = lambda server: None) -> dict[str, Any]:
    """The JSON object of an authentic successful answer, else a typed error.

    The server's time goes to ``learn_time`` first, refusals included: a ``stale_timestamp``
    refusal is how a terminal whose clock drifted learns the right time.
    """
    _authentic(answer, signer, method, path, nonce, learn_time)
    return interpret(answer)


def accept_bytes(answer: Answer, signer: Signer, method: str, path: str, nonce: str,
                 learn_time: Callable[[float], None] = lambda server: None) -> bytes:
    """The body of an authentic 200 answer that is not JSON (a draft's page), else a typed error as ``accept``'s.

    The signature covers the body's SHA-256 as for JSON, so a page altered on the way is not believed.
    """
    _authentic(answer, signer, method, path, nonce, learn_time)
    if answer.status == 200:
        return answer.body
    interpret(answer)  # raises for every status but 2xx
    raise ServerError(detail=f"HTTP {answer.status} where the bytes asked for were expected", status=answer.status)


def _authentic(answer: Answer, signer: Signer, method: str, path: str, nonce: str,
               learn_time: Callable[[float], None]) -> None:
    authenticate(answer, signer, method, path, nonce)
    server = server_time(answer)
    if server is not None:
        learn_time(server)


def authenticate(answer: Answer, signer: Signer, method: str, path: str, nonce: str) -> None:
    signature = answer.headers.get(H_RESPONSE_SIGNATURE, "")
    if signature and signer.answer_is_authentic(signature, answer.status, method, path, nonce, answer.body,
                                                answer.headers.get(H_SERVER_TIME, "")):
        return
    how = "a wrong response signature" if signature else "no response signature"
    if answer.status == 401:
        code = _error_fields(parse_json(answer.body)).get("code")
        raise AuthError(detail=f"refused with {how} (unverified code {_text(code, 'none')!r}): the backend "
                               f"does not know this terminal's key, or something in between answers for it",
                        status=401)
    raise UnverifiedAnswerError(detail=f"HTTP {answer.status} with {how}: not believed", status=answer.status)


def server_time(answer: Answer) -> float | None:
    """``X-Server-Time`` as a plausible Unix time; None when absent."""
    value = answer.headers.get(H_SERVER_TIME)
    if value is None:
        return None
    value = value.strip()
    if not _SERVER_TIME.fullmatch(value) or not EARLIEST_SERVER_TIME <= float(value) <= LATEST_SERVER_TIME:
        raise ServerError(detail=f"X-Server-Time {value[:40]!r} is not a time", status=answer.status)
    return float(value)


def retry_after(value: str | None, now: float | None = None) -> float:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date); 0 when unusable."""
    value = (value or "").strip()
    if _SECONDS.fullmatch(value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return 0.0
    if when is None or when.tzinfo is None:
        return 0.0
    seconds = when.timestamp() - (time.time() if now is None else now)
    return seconds if math.isfinite(seconds) and seconds > 0 else 0.0


def parse_json(body: bytes) -> Any:
    """A JSON value, ``{}`` for an empty body, or None when it is not JSON orjson accepts."""
    if not body:
        return {}
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return None


def interpret(answer: Answer) -> dict[str, Any]:
    status = answer.status
    body = parse_json(answer.body)
    err = _error_fields(body)
    if status >= 500:
        error = ServerError(detail=f"HTTP {status}", status=status)
        error.retry_after = retry_after(answer.headers.get("Retry-After"))  # type: ignore[attr-defined]
        raise error
    if status == 401:
        raise AuthError(detail=_text(err.get("code"), f"HTTP {status}"), status=status)
    if status >= 400:
        fields = err.get("fields")
        fields = {_text(k, "?")[:100]: _text(v, "") for k, v in fields.items()} if isinstance(fields, dict) else {}
        raise RejectedError(code=_text(err.get("code"), f"http_{status}")[:100],
                            message_zh=_text(err.get("message_zh"), ""), message_en=_text(err.get("message_en"), ""),
                            fields=fields, status=status)
    if not 200 <= status < 300:
        raise ServerError(detail=f"HTTP {status} is not an answer of the contract", status=status)
    if not isinstance(body, dict):
        what = "without a JSON body" if body is None else f"with JSON {type(body).__name__}, not an object"
        raise ServerError(detail=f"HTTP {status} {what}", status=status)
    return body


def _error_fields(body: Any) -> dict[str, Any]:
    err = body.get("error") if isinstance(body, dict) else None
    return err if isinstance(err, dict) else {}


def _text(value: Any, default: str) -> str:
    return value[:MAX_TEXT] if isinstance(value, str) else default

