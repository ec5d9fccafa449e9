"""The sandbox refuses an over-size or unsigned upload before reading its body (issue 13, item 7).

The requests below send their headers only and then wait for the answer: a backend that reads
the body first (up to 40 MB of it, as it did) never answers, and the read times out.
"""

import socket
import time
from urllib.parse import urlsplit

from common.signing import H_RESPONSE_SIGNATURE, Signer, demo_key
from sandbox.signing_check import MAX_BODY
from tests.backend_helpers import TERMINAL

PATH = "/api/v1/cases"


def answer_to_headers_only(url: str, headers: dict[str, str], timeout_s: float = 5.0) -> tuple[int, str]:
    """Send a POST's headers, never its body; the status and the head of what comes back."""
    parts = urlsplit(url)
    head = [f"POST {PATH} HTTP/1.1", f"Host: {parts.hostname}:{parts.port}", "Content-Type: application/json"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout_s) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)  # socket.timeout here: the backend is waiting for the body
            if not chunk:
                break
            received += chunk
    text = received.decode("latin-1")
    return int(text.split(" ", 2)[1]), text


def test_an_unsigned_upload_is_refused_before_its_body_is_read(sandbox):
    status, head = answer_to_headers_only(sandbox.url, {"Content-Length": str(MAX_BODY - 1),
                                                         "Idempotency-Key": "abcdefgh1234"})
    assert status == 401 and H_RESPONSE_SIGNATURE.lower() not in head.lower()


def test_a_signed_upload_declared_over_the_limit_is_refused_before_its_body_is_read(sandbox):
    headers = Signer(TERMINAL, demo_key(TERMINAL)).headers("POST", PATH, b"anything", time.time())
    headers.update({"Content-Length": str(MAX_BODY + 1), "Idempotency-Key": "abcdefgh1234"})
    status, head = answer_to_headers_only(sandbox.url, headers)
    assert status == 413 and H_RESPONSE_SIGNATURE.lower() in head.lower()  # the terminal's own: signed
