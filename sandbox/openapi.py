"""Write the contract: ``python -m sandbox.openapi > docs/api/openapi.yaml`` (``make openapi``).

The document is generated from the sandbox's own models and routes, and
tests/test_backend_contract.py fails when the checked-in file and the sandbox drift apart.
"""

from __future__ import annotations

import sys
from typing import Any

import yaml

from sandbox.app import create_app
from sandbox.store import Store

SECURITY = {
    "TerminalSignature": {
        "type": "apiKey", "in": "header", "name": "X-Signature",
        "description": "HMAC-SHA256 or HMAC-SM3 (X-Signature-Alg) of METHOD, PATH?QUERY, X-Timestamp, X-Nonce, "
                       "X-Content-SHA256 and X-Terminal-Id joined by newlines; see docs/api/payloads.md.",
    }
}


def spec() -> dict[str, Any]:
    store = Store(":memory:")
    try:
        document = create_app(store).openapi()
    finally:
        store.close()
    document.setdefault("components", {})["securitySchemes"] = SECURITY
    document["security"] = [{"TerminalSignature": []}]
    document["paths"]["/api/v1/health"]["get"]["security"] = []
    return document


def dump(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


if __name__ == "__main__":
    sys.stdout.write(dump(spec()))
