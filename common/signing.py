"""Request and answer signing: both directions carry an HMAC under the terminal's key.

A request's canonical string is::

    METHOD \\n PATH?QUERY \\n TIMESTAMP \\n NONCE \\n SHA256(BODY) hex \\n TERMINAL-ID

and ``X-Signature`` is the lower-case hex HMAC of it under the terminal's key,
with SHA-256 or SM3 as ``X-Signature-Alg`` says.

An answer is bound to the request it answers: its canonical string is::

    RESPONSE \\n STATUS \\n METHOD \\n PATH?QUERY \\n NONCE \\n SHA256(BODY) hex \\n X-SERVER-TIME \\n TERMINAL-ID

(the request's method, path and nonce; the answer's status, body and ``X-Server-Time``), and
``X-Response-Signature`` is its HMAC under the same key and algorithm. The leading ``RESPONSE``
keeps an answer's MAC from ever standing for a request's. Without the key nobody can make an
answer the terminal believes; an answer recorded for one request is worth nothing for another
(the nonce is new every time). Both sides use these functions: the client to sign requests and
check answers, the sandbox the other way round.
"""

from __future__ import annotations

import hashlib
import hmac as std_hmac
import secrets
from dataclasses import dataclass
from typing import Callable, Mapping

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac

ALGORITHMS = {"HMAC-SHA256": hashes.SHA256, "HMAC-SM3": hashes.SM3}
MAX_SKEW_S = 300
DEMO_MASTER_SECRET = b"onetrip-sandbox-demo-master-secret (not for production)"

H_TERMINAL = "X-Terminal-Id"
H_TIMESTAMP = "X-Timestamp"
H_NONCE = "X-Nonce"
H_DIGEST = "X-Content-SHA256"
H_ALG = "X-Signature-Alg"
H_SIGNATURE = "X-Signature"
H_SERVER_TIME = "X-Server-Time"
H_RESPONSE_SIGNATURE = "X-Response-Signature"


def demo_key(terminal_id: str) -> bytes:
    """The sandbox's key for a terminal: derived from a published demo secret. Never use it in a hall."""
    return std_hmac.new(DEMO_MASTER_SECRET, terminal_id.encode(), hashlib.sha256).digest()


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def canonical(method: str, path: str, timestamp: str, nonce: str, digest: str, terminal_id: str) -> bytes:
    return "\n".join([method.upper(), path, timestamp, nonce, digest, terminal_id]).encode()


def answer_canonical(status: int, method: str, path: str, nonce: str, digest: str, server_time: str,
                     terminal_id: str) -> bytes:
    return "\n".join(["RESPONSE", str(status), method.upper(), path, nonce, digest, server_time,
                      terminal_id]).encode("utf-8", "surrogateescape")


def mac(key: bytes, algorithm: str, message: bytes) -> str:
    try:
        h = crypto_hmac.HMAC(key, ALGORITHMS[algorithm]())
    except KeyError:
        raise ValueError(f"unknown signature algorithm {algorithm!r}; known: {', '.join(ALGORITHMS)}") from None
    h.update(message)
    return h.finalize().hex()


@dataclass(frozen=True)
class SignedRequest:
    """A request whose signature checked out: who sent it and what its answer must be bound to."""

    terminal_id: str
    key: bytes
    algorithm: str
    method: str
    path: str
    nonce: str

    def answer_signature(self, status: int, body: bytes, server_time: str) -> str:
        return mac(self.key, self.algorithm, answer_canonical(status, self.method, self.path, self.nonce,
                                                              body_digest(body), server_time, self.terminal_id))


@dataclass(frozen=True)
class Signer:
    terminal_id: str
    key: bytes
    algorithm: str = "HMAC-SHA256"

    def headers(self, method: str, path: str, body: bytes, now: float) -> dict[str, str]:
        timestamp, nonce, digest = str(int(now)), secrets.token_hex(16), body_digest(body)
        return {
            H_TERMINAL: self.terminal_id,
            H_TIMESTAMP: timestamp,
            H_NONCE: nonce,
            H_DIGEST: digest,
            H_ALG: self.algorithm,
            H_SIGNATURE: mac(self.key, self.algorithm, canonical(method, path, timestamp, nonce, digest,
                                                                  self.terminal_id)),
        }

    def request(self, method: str, path: str, nonce: str) -> SignedRequest:
        """The request as the backend will have seen it, to check its answer against."""
        return SignedRequest(self.terminal_id, self.key, self.algorithm, method.upper(), path, nonce)

    def answer_is_authentic(self, signature: str, status: int, method: str, path: str, nonce: str, body: bytes,
                            server_time: str) -> bool:
        expected = self.request(method, path, nonce).answer_signature(status, body, server_time)
        return std_hmac.compare_digest(expected.encode(), signature.strip().lower().encode("ascii", "replace"))


class SignatureError(Exception):
    """Why a request's signature was refused; ``code`` goes into the structured error.

    ``request`` is set when the signature itself checked out (the terminal really sent it, and
    something else is wrong: its age, its body, its nonce): the refusal can then be signed.
    """

    def __init__(self, code: str, detail: str, request: SignedRequest | None = None) -> None:
        super().__init__(detail)
        self.code = code
        self.request = request


def verify_headers(headers: Mapping[str, str], method: str, path: str, key_for: Callable[[str], bytes | None],
                   now: float, max_skew_s: int = MAX_SKEW_S) -> SignedRequest:
    """Check a request's signature headers before its body is read (the MAC covers the claimed digest)."""
    lower = {k.lower(): v for k, v in headers.items()}
    values = [lower.get(h.lower(), "") for h in (H_TERMINAL, H_TIMESTAMP, H_NONCE, H_DIGEST, H_ALG, H_SIGNATURE)]
    terminal, timestamp, nonce, digest, algorithm, signature = values
    if not all(values):
        raise SignatureError("unsigned", "signature headers are missing")
    if algorithm not in ALGORITHMS:
        raise SignatureError("bad_signature", f"unsupported algorithm {algorithm[:40]!r}")
    key = key_for(terminal)
    if key is None:
        raise SignatureError("unknown_terminal", "terminal is not enrolled")
    expected = mac(key, algorithm, canonical(method, path, timestamp, nonce, digest, terminal))
    if not std_hmac.compare_digest(expected.encode(), signature.lower().encode("utf-8", "replace")):
        raise SignatureError("bad_signature", "signature does not match")
    request = SignedRequest(terminal, key, algorithm, method.upper(), path, nonce)
    fresh = len(timestamp) <= 12 and timestamp.isascii() and timestamp.isdigit()
    if not fresh or abs(int(timestamp) - now) > max_skew_s:
        raise SignatureError("stale_timestamp", "timestamp is more than the allowed skew from server time", request)
    return request


def verify(headers: Mapping[str, str], method: str, path: str, body: bytes, key_for: Callable[[str], bytes | None],
           now: float, max_skew_s: int = MAX_SKEW_S) -> SignedRequest:
    """Check a request's signature headers and its body's digest. ``key_for(id)`` returns a key or None."""
    request = verify_headers(headers, method, path, key_for, now, max_skew_s)
    check_body(headers, body, request)
    return request


def check_body(headers: Mapping[str, str], body: bytes, request: SignedRequest) -> None:
    """The body that arrived is the one the signature covers."""
    digest = {k.lower(): v for k, v in headers.items()}.get(H_DIGEST.lower(), "")
    if not std_hmac.compare_digest(digest.encode("utf-8", "replace"), body_digest(body).encode()):
        raise SignatureError("bad_digest", "body digest does not match", request)
