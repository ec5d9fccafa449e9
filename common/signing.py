"""Request signing: every request carries a timestamp, a nonce and a body digest under an HMAC.

The canonical string is::

    METHOD \\n PATH?QUERY \\n TIMESTAMP \\n NONCE \\n SHA256(BODY) hex \\n TERMINAL-ID

and ``X-Signature`` is the lower-case hex HMAC of it under the terminal's key,
with SHA-256 or SM3 as ``X-Signature-Alg`` says. Both sides use these
functions: the client to sign, the sandbox to verify.
"""

from __future__ import annotations

import hashlib
import hmac as std_hmac
import secrets
from dataclasses import dataclass

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


def demo_key(terminal_id: str) -> bytes:
    """The sandbox's key for a terminal: derived from a published demo secret. Never use it in a hall."""
    return std_hmac.new(DEMO_MASTER_SECRET, terminal_id.encode(), hashlib.sha256).digest()


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def canonical(method: str, path: str, timestamp: str, nonce: str, digest: str, terminal_id: str) -> bytes:
    return "\n".join([method.upper(), path, timestamp, nonce, digest, terminal_id]).encode()


def mac(key: bytes, algorithm: str, message: bytes) -> str:
    try:
        h = crypto_hmac.HMAC(key, ALGORITHMS[algorithm]())
    except KeyError:
        raise ValueError(f"unknown signature algorithm {algorithm!r}; known: {', '.join(ALGORITHMS)}") from None
    h.update(message)
    return h.finalize().hex()


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


class SignatureError(Exception):
    """Why a request's signature was refused; ``code`` goes into the structured error."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


def verify(headers: dict[str, str], method: str, path: str, body: bytes, key_for, now: float,
           max_skew_s: int = MAX_SKEW_S) -> str:
    """Check a request's signature headers; returns the terminal id. ``key_for(id)`` returns a key or None."""
    lower = {k.lower(): v for k, v in headers.items()}
    values = [lower.get(h.lower(), "") for h in (H_TERMINAL, H_TIMESTAMP, H_NONCE, H_DIGEST, H_ALG, H_SIGNATURE)]
    terminal, timestamp, nonce, digest, algorithm, signature = values
    if not all(values):
        raise SignatureError("unsigned", "signature headers are missing")
    if algorithm not in ALGORITHMS:
        raise SignatureError("bad_signature", f"unsupported algorithm {algorithm}")
    if not timestamp.isdigit() or abs(int(timestamp) - now) > max_skew_s:
        raise SignatureError("stale_timestamp", "timestamp is more than the allowed skew from server time")
    if not std_hmac.compare_digest(digest, body_digest(body)):
        raise SignatureError("bad_digest", "body digest does not match")
    key = key_for(terminal)
    if key is None:
        raise SignatureError("unknown_terminal", "terminal is not enrolled")
    expected = mac(key, algorithm, canonical(method, path, timestamp, nonce, digest, terminal))
    if not std_hmac.compare_digest(expected, signature.lower()):
        raise SignatureError("bad_signature", "signature does not match")
    return terminal
