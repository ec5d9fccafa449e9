"""The sync worker: delivers queued items in order per applicant, exactly once, with bounded backoff.

- Transient failures (offline, 5xx, slow) back off exponentially with jitter, capped at
  ``max_delay_s``, honouring ``Retry-After``; after ``max_attempts`` the item is a dead letter.
- After a transient failure the next pass first probes ``/health`` (cheap) before sending.
- A permanent rejection (4xx) is a dead letter with the server's reason, for staff.
- A 409 on the idempotency key is resolved: the case the backend holds for the item's
  provisional number is recorded; if there is none, the item is a dead letter, not retried.
- A payload that does not decrypt is quarantined; the others go on.
- One delivery at a time (``deliver_now`` from a submission and the background loop share a
  lock), so an item is never in flight twice from this terminal.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import threading
import time
from dataclasses import dataclass
from typing import Callable

from common.backend_errors import AuthError, BackendError, OfflineError, RejectedError, ServerError
from common.domain import Submitted
from offline_queue.crypto import TamperedError
from offline_queue.delivery import Deliverer
from offline_queue.outbox import Outbox, OutboxItem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncPolicy:
    base_delay_s: float = 2.0
    max_delay_s: float = 300.0
    max_attempts: int = 500
    idle_poll_s: float = 5.0
    purge_after_s: float = 0.0          # delivered payloads go this long after delivery (0: at delivery)
    keep_metadata_days: float = 30.0
    retention_every_s: float = 60.0


class SyncWorker:
    def __init__(self, outbox: Outbox, backend: Deliverer, policy: SyncPolicy = SyncPolicy(), *,
                 on_delivered: Callable[[OutboxItem, Submitted], None] | None = None,
                 purge_on_delivery: bool = True) -> None:
        self._outbox = outbox
        self._backend = backend
        self._policy = policy
        self._on_delivered = on_delivered
        self._purge = purge_on_delivery and policy.purge_after_s == 0
        self._retention_at = 0.0
        self._deliver_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._offline_until = 0.0
        self._offline_streak = 0

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="queue-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def notify(self) -> None:
        """Something was enqueued: look now rather than at the next poll."""
        self._wake.set()

    # -- delivery ------------------------------------------------------------------------------

    @property
    def policy(self) -> SyncPolicy:
        return self._policy

    def set_max_delay(self, max_delay_s: float) -> None:
        """Cap the backoff anew (remote configuration); the next wait takes it."""
        self._policy = dataclasses.replace(self._policy, max_delay_s=max_delay_s)
        self._wake.set()

    def delay(self, attempts: int, retry_after: float = 0.0) -> float:
        backoff = min(self._policy.max_delay_s, self._policy.base_delay_s * 2 ** max(0, attempts - 1))
        return min(self._policy.max_delay_s, max(backoff * random.uniform(0.5, 1.0), retry_after))

    def deliver_now(self, item_id: str, timeout_s: float = 15.0) -> Submitted | None:
        """Try one item at once (a citizen is waiting). None when it stays queued."""
        if not self._deliver_lock.acquire(timeout=timeout_s):
            return None
        try:
            item = self._outbox.item(item_id)
            if item is None or item.state != "pending":
                return None
            return self._deliver(item)
        finally:
            self._deliver_lock.release()

    def run_once(self) -> int:
        """One pass over what is due; returns how many items were delivered."""
        if time.time() < self._offline_until:
            return 0
        if self._offline_streak and not self._probe():
            return 0
        delivered = 0
        for item in self._outbox.due():
            if self._stop.is_set():
                break
            with self._deliver_lock:
                current = self._outbox.item(item.id)
                if current is None or current.state != "pending":
                    continue
                result = self._deliver(current)
            if result is not None:
                delivered += 1
            elif self._offline_streak:
                break  # the backend is away: do not walk the whole queue into the same wall
        return delivered

    def _probe(self) -> bool:
        try:
            self._backend.health()
        except BackendError:
            self._offline_streak += 1
            self._offline_until = time.time() + self.delay(self._offline_streak)
            return False
        return True

    def _deliver(self, item: OutboxItem) -> Submitted | None:
        try:
            payload = self._outbox.load(item.id)
        except TamperedError as exc:
            self._outbox.quarantine(item.id, f"cannot decrypt: {exc}")
            return None
        try:
            submitted = self._backend.submit_payload(payload.body, item.idempotency_key, payload.attachments)
        except RejectedError as exc:
            self._offline_streak = 0
            if exc.status == 409 and exc.code == "idempotency_conflict":
                return self._resolve_conflict(item, exc)
            self._outbox.mark_dead(item.id, f"{exc.status} {exc.code}: {exc.message_en or exc.message_zh}")
            return None
        except (OfflineError, ServerError, AuthError) as exc:
            self._retry_later(item, exc)
            return None
        finally:
            payload.wipe()
        self._offline_streak = 0
        self._outbox.mark_delivered(item.id, submitted.case_number, purge=self._purge)
        log.info("queue: item %s delivered as case %s", item.id, submitted.case_number)
        if self._on_delivered is not None:
            self._on_delivered(item, submitted)
        return submitted

    def _retry_later(self, item: OutboxItem, exc: BackendError) -> None:
        if isinstance(exc, OfflineError):
            self._offline_streak += 1
        attempts = item.attempts + 1
        if attempts >= self._policy.max_attempts:
            self._outbox.mark_dead(item.id, f"gave up after {attempts} attempts: {exc.detail}")
            return
        delay = self.delay(attempts, getattr(exc, "retry_after", 0.0))
        self._outbox.mark_retry(item.id, f"{type(exc).__name__}: {exc.detail}", delay)
        log.info("queue: item %s not delivered (%s); next try in %.1f s", item.id, type(exc).__name__, delay)

    def _resolve_conflict(self, item: OutboxItem, exc: RejectedError) -> Submitted | None:
        found = None
        if item.provisional_number:
            try:
                found = self._backend.case_by_provisional(item.provisional_number)
            except BackendError as lookup:
                self._retry_later(item, lookup)
                return None
        if found is None:
            self._outbox.mark_dead(item.id, "409 idempotency_conflict: the backend holds other content under this "
                                            "key and no case for the provisional number")
            return None
        submitted = Submitted(found["case_number"], found["status"], found["submitted_at"], 0,
                              item.provisional_number)
        self._outbox.mark_delivered(item.id, submitted.case_number, purge=self._purge)
        log.warning("queue: item %s conflicted but the backend has it as case %s", item.id, submitted.case_number)
        return submitted

    def retention(self) -> int:
        """Delete delivered payloads past ``purge_after_s`` and metadata past the retention period."""
        self._retention_at = time.monotonic()
        return self._outbox.purge_delivered(self._policy.purge_after_s, self._policy.keep_metadata_days)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
                if time.monotonic() - self._retention_at > self._policy.retention_every_s:
                    self.retention()
            except Exception:  # a bug must not stop delivery for good: log, wait, go on
                log.exception("queue: sync pass failed")
            next_due = self._outbox.next_due_at()
            wait = self._policy.idle_poll_s
            if next_due is not None:
                wait = min(wait, max(0.05, next_due - time.time()))
            if time.time() < self._offline_until:
                wait = min(self._policy.idle_poll_s, max(0.05, self._offline_until - time.time()))
            self._wake.wait(wait)
            self._wake.clear()
