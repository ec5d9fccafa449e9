"""What the sync worker needs of a backend: three calls, not the whole client.

``kiosk.backend.client.BackendClient`` satisfies it; so can a test double or another transport.
Failures are raised as the contract's typed errors (``common.backend_errors``).
"""

from __future__ import annotations

from typing import Any, Iterable, Protocol

from common.domain import Attachment, Submitted


class Deliverer(Protocol):
    def health(self) -> Any:
        """A cheap probe; raises ``OfflineError`` while the backend is away."""

    def submit_payload(self, body: dict[str, Any], idempotency_key: str,
                       attachments: Iterable[Attachment] = ()) -> Submitted:
        """Send one queued case; the same key twice never makes two cases."""

    def case_by_provisional(self, provisional_number: str) -> dict[str, Any] | None:
        """The case the backend holds for a provisional number, or None."""
