"""The sync worker: delivers queued items in order per applicant, exactly once, with bounded backoff.

- Transient failures (offline, 5xx, slow) back off exponentially with jitter, capped at
  ``max_delay_s``, honouring ``Retry-After``; after ``max_attempts`` the item is a dead letter.
- After a transient failure the next pass first probes ``/health`` (cheap) before sending.
- A permanent rejection (4xx) is a dead letter with the server's reason, for staff.
- A 409 is resolved only when the backend's case is provably this application: it holds a
  case under this item's own idempotency key (the key is made with the application) and names
  it. Otherwise (another application holds the item's provisional number, or the backend does
  not say which case) the item is held for staff with the reason, payload and all: nothing is
  deleted and no one else's case is adopted.
- An item that cannot be loaded as it was stored (it does not decrypt or authenticate, its
  metadata does not parse, an attachment is missing) is quarantined with the reason; the
  others go on.
- The worker thread survives any exception: an unexpected one from the backend for an item
  backs that item off like a transient failure; one from a pass (the outbox, a callback) is
  logged with its context, and the next pass comes after a bounded, growing wait.
- The items that are not cases (an evaluation queued behind its case, a licence's print confirmation, a
  consent withdrawal: offline_queue/item_kinds.py) go the same way, in the applicant's order: a 4xx a
  dead letter, a transient failure backed off; an answer that the backend has it already is delivery.
- Every ``retention_every_s`` the worker runs the retention pass: the terminal's (kiosk/retention.py, every
  kind of personal data it keeps) when one is given, else the delivered payloads' purge.
- One delivery at a time (``deliver_now`` from a submission and the background loop share a
  lock), so an item is never in flight twice from this terminal.
- ``deliver_now`` keeps a waiting citizen to its timeout, the lock's wait and the delivery together: the delivery
  runs on a thread of its own, and a large case on a slow line that takes longer goes on there after the citizen has
  their provisional number, as the worker's delivery would (a refusal arriving then is one nobody hears).
"""

from __future__ import annotations

import dataclasses
import logging
import random
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from common.backend_errors import AuthError, BackendError, OfflineError, RejectedError, ServerError
from common.domain import Attachment, EvaluationRecorded, Submitted
from offline_queue.crypto import TamperedError
from offline_queue.delivery import Deliverer
from offline_queue.item_kinds import ItemKind, marked
from offline_queue.outbox import Outbox, OutboxItem, Payload
from offline_queue import staff_reasons
from offline_queue.rows import ItemState

log = logging.getLogger(__name__)
STOPPED = (ItemState.DEAD, ItemState.HELD, ItemState.QUARANTINED)  # a case in one of these was not delivered


@dataclass(frozen=True)
class SyncPolicy:
    base_delay_s: float = 2.0
    max_delay_s: float = 300.0
    max_attempts: int = 500
    idle_poll_s: float = 5.0
    purge_after_s: float = 0.0          # delivered payloads go this long after delivery (0: at delivery)
    keep_metadata_days: float = 30.0
    retention_every_s: float = 60.0


@dataclass
class _Attempt:
    """One deliver_now: its item, what came of it, and whether its caller stopped waiting."""

    item_id: str
    done: threading.Event = dataclasses.field(default_factory=threading.Event)
    abandoned: bool = False
    result: Submitted | EvaluationRecorded | dict | None = None
    refusal: RejectedError | None = None


class SyncWorker:
    def __init__(self, outbox: Outbox, backend: Deliverer, policy: SyncPolicy = SyncPolicy(), *,
                 on_delivered: Callable[[OutboxItem, Submitted], None] | None = None,
                 purge_on_delivery: bool = True, retention: Callable[[], dict[str, int]] | None = None,
                 on_refused: Callable[[OutboxItem, Payload, RejectedError], None] | None = None) -> None:
        self._outbox = outbox
        self._retention = retention  # the terminal's whole retention pass (kiosk/retention.py); None: the queue's
        self._backend = backend
        self._policy = policy
        self._on_delivered = on_delivered
        self._on_refused = on_refused  # a case refused with no one waiting for it: what the terminal keeps of it
        self._purge = purge_on_delivery and policy.purge_after_s == 0
        self._retention_at = 0.0
        self._deliver_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # the backoff after a failed probe, on the monotonic clock: read on the wall clock, NTP stepping it back 8 h
        # (an RTC kept in local time read as UTC) held every delivery 8 h
        self._offline_until = 0.0
        self._offline_streak = 0
        self._failed_passes = 0  # consecutive passes that raised: the loop backs off on them
        self._awaited: str | None = None  # the item a citizen waits on through deliver_now (under _awaited_lock)
        self._refusal: RejectedError | None = None  # its refusal, for them
        self._awaited_lock = threading.Lock()

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

    def deliver_now(self, item_id: str, timeout_s: float = 15.0) -> Submitted | EvaluationRecorded | dict | None:
        """Try one item at once (a citizen is waiting). None when it stays queued; for a case (the
        submission's use), its ``Submitted``.

        The caller waits ``timeout_s`` at most, for the delivery lock and the delivery together: past it, None, and a
        delivery under way goes on on its own thread (its result recorded as the worker's would be).

        A permanent refusal (a 4xx other than a resolved 409) is raised, as the RejectedError the
        backend gave, after the item was set aside as a dead letter: the citizen in front of the
        terminal must hear that the case was refused and why (a page to take again, a field to fix),
        not that it will be sent later. One that comes after the caller has stopped waiting is the worker's kind."""
        attempt = _Attempt(item_id)
        threading.Thread(target=self._attempt_now, args=(attempt, timeout_s), name="queue-deliver-now",
                         daemon=True).start()
        if not attempt.done.wait(timeout_s):
            with self._awaited_lock:
                refused = attempt.refusal is not None or (self._awaited == item_id and self._refusal is not None)
                if not refused:
                    attempt.abandoned = True  # no one hears it now: a refusal goes the worker's way
                    if self._awaited == item_id:
                        self._awaited = None
                    log.info("queue: item %s not delivered within %.0f s; it goes on without the citizen", item_id,
                             timeout_s)
                    return None
            attempt.done.wait()  # refused just now: its dead letter is being written
        if attempt.refusal is not None:
            raise attempt.refusal
        return attempt.result

    def _attempt_now(self, attempt: "_Attempt", timeout_s: float) -> None:
        """deliver_now's delivery, on its own thread."""
        try:
            if not self._deliver_lock.acquire(timeout=timeout_s):
                return
            result = None
            try:
                with self._awaited_lock:
                    if attempt.abandoned:
                        return  # the worker delivers it in turn
                    self._awaited, self._refusal = attempt.item_id, None
                item = self._outbox.item(attempt.item_id)
                if item is None or item.state != ItemState.PENDING:
                    return
                result = self._deliver_guarded(item)
            except Exception:  # the outbox itself failed: the item stays queued for the worker
                log.exception("queue: immediate delivery of item %s failed; it stays queued", attempt.item_id)
                return
            finally:
                with self._awaited_lock:  # the caller reads it under this lock when its wait ends
                    if self._awaited == attempt.item_id and result is None:
                        attempt.refusal = self._refusal
                    self._awaited, self._refusal = None, None
                self._deliver_lock.release()
            attempt.result = result
        finally:
            attempt.done.set()

    def _horizon_s(self) -> float:
        """A retry time further ahead than any backoff sets means the clock was set back: due now."""
        return 2 * self._policy.max_delay_s + 60.0

    def run_once(self) -> int:
        """One pass over what is due; returns how many items were delivered."""
        if time.monotonic() < self._offline_until:
            return 0
        if self._offline_streak and not self._probe():
            return 0
        delivered = 0
        for item in self._outbox.due(horizon_s=self._horizon_s()):
            if self._stop.is_set():
                break
            with self._deliver_lock:
                current = self._outbox.item(item.id)
                if current is None or current.state != ItemState.PENDING:
                    continue
                result = self._deliver_guarded(current)
            if result is not None:
                delivered += 1
            elif self._offline_streak:
                break  # the backend is away: do not walk the whole queue into the same wall
        return delivered

    def _probe(self) -> bool:
        try:
            self._backend.health()
        except Exception as exc:  # typed (BackendError) or not: the backend is not usable now
            if not isinstance(exc, BackendError):
                log.warning("queue: health probe raised %s: %s", type(exc).__name__, exc)
            self._offline_streak += 1
            self._offline_until = time.monotonic() + self.delay(self._offline_streak)
            return False
        return True

    def _deliver_guarded(self, item: OutboxItem) -> Submitted | EvaluationRecorded | dict | None:
        """``_deliver``, where any exception the backend or the outbox raises for this item backs it off."""
        try:
            return self._deliver(item)
        except Exception as exc:
            log.exception("queue: delivering item %s raised %s; it backs off and the others go on",
                          item.id, type(exc).__name__)
            try:
                self._retry_later(item, exc)
            except Exception:
                log.exception("queue: could not record the failure of item %s", item.id)
            return None

    def _deliver(self, item: OutboxItem) -> Submitted | EvaluationRecorded | dict | None:
        try:
            payload = self._outbox.load(item.id)
        except Exception as exc:  # TamperedError with its reason, or anything else: this item only
            reason = str(exc) if isinstance(exc, TamperedError) else f"{type(exc).__name__}: {exc}"
            self._outbox.quarantine(item.id, f"cannot load: {reason}")
            return None
        kind = marked(payload.body)
        if kind is not None:
            try:
                return self._deliver_marked(item, *kind, payload.attachments)
            finally:
                payload.wipe()
        try:
            submitted = self._backend.submit_payload(payload.body, payload.idempotency_key, payload.attachments)
        except RejectedError as exc:
            self._offline_streak = 0
            if exc.status == 409:
                return self._resolve_conflict(item, payload, exc)
            with self._awaited_lock:
                heard = item.id == self._awaited
                if heard:
                    self._refusal = exc  # for deliver_now's caller, who waits on this very item
            if not heard:  # nobody at the terminal hears it: what is kept of it is queued first
                self._notify_refused(item, payload, exc)
            self._outbox.mark_dead(item.id, staff_reasons.refused(exc))
            return None
        except (OfflineError, ServerError, AuthError) as exc:
            self._retry_later(item, exc)
            return None
        finally:
            payload.wipe()
        self._offline_streak = 0
        self._outbox.mark_delivered(item.id, submitted.case_number, purge=self._purge)
        log.info("queue: item %s delivered as case %s", item.id, submitted.case_number)
        self._notify_delivered(item, submitted)
        return submitted

    def _deliver_marked(self, item: OutboxItem, kind: ItemKind, body: dict, files: list[Attachment]) -> Any:
        """An item that is not a case (offline_queue/item_kinds.py) sent: the backend's answer, or ``{"delivered":
        kind}`` when it answered nothing (never the item's body: a withdrawal names the citizen). A refusal is a dead
        letter with the reason, as a case's; a failure waits for the next try: None."""
        if not kind.valid(body):
            self._outbox.mark_dead(item.id, staff_reasons.stored("malformed", kind=kind.key))
            return None
        case = kind.follows(body)
        if isinstance(case, str) and case and self._case_stopped(case, item):
            self._outbox.mark_dead(item.id, staff_reasons.stored("case_not_delivered", number=case))
            log.warning("queue: item %s (%s) not sent: case %s it waits behind was not delivered", item.id,
                        kind.what, case)
            return None
        try:
            answer = kind.send(self._backend, body, files)
        except RejectedError as exc:
            self._offline_streak = 0
            self._outbox.mark_dead(item.id, staff_reasons.refused(exc))
            return None
        except (OfflineError, ServerError, AuthError) as exc:
            self._retry_later(item, exc)
            return None
        self._offline_streak = 0
        self._outbox.mark_delivered(item.id, getattr(answer, "case_number", "") or "", purge=self._purge)
        log.info("queue: item %s delivered: %s%s", item.id, kind.what,
                 " (the backend had it already)" if getattr(answer, "already_evaluated", False) else "")
        return answer if answer is not None else {"delivered": kind.key}

    def _case_stopped(self, number: str, item: OutboxItem) -> bool:
        """Whether the case ``item`` waits behind (queued here under ``number``, before it) stopped undelivered:
        refused, given up, held or quarantined (offline_queue/item_kinds.py)."""
        first = self._outbox.first_under(number, item.id)
        if first is None or first.state not in STOPPED:
            return False
        try:
            payload = self._outbox.load(first.id)
        except Exception:  # it does not load (quarantined): it may be the case, so nothing goes behind it
            return True
        try:
            return marked(payload.body) is None  # a case, not an item that waited behind one
        finally:
            payload.wipe()

    def _notify_refused(self, item: OutboxItem, payload: Payload, exc: RejectedError) -> None:
        if self._on_refused is None:
            return
        try:
            self._on_refused(item, payload, exc)
        except Exception:  # the item is a dead letter with its reason whatever the listener does
            log.exception("queue: the refusal listener failed for item %s", item.id)

    def _notify_delivered(self, item: OutboxItem, submitted: Submitted) -> None:
        if self._on_delivered is None:
            return
        try:
            self._on_delivered(item, submitted)
        except Exception:  # the item is delivered and recorded; a listener's bug must not undo that
            log.exception("queue: the delivery listener failed for item %s", item.id)

    def _retry_later(self, item: OutboxItem, exc: Exception) -> None:
        if isinstance(exc, OfflineError):
            self._offline_streak += 1
        detail = exc.detail if isinstance(exc, BackendError) else str(exc)
        attempts = item.attempts + 1
        if attempts >= self._policy.max_attempts:
            self._outbox.mark_dead(item.id, staff_reasons.stored("gave_up", attempts=attempts, detail=detail))
            return
        delay = self.delay(attempts, getattr(exc, "retry_after", 0.0) or 0.0)
        self._outbox.mark_retry(item.id, f"{type(exc).__name__}: {detail}", delay)
        log.info("queue: item %s not delivered (%s); next try in %.1f s", item.id, type(exc).__name__, delay)

    def _resolve_conflict(self, item: OutboxItem, payload: Payload, exc: RejectedError) -> Submitted | None:
        """A 409: adopt the backend's case only if it is provably this application; otherwise hold the item."""
        case_number = str(exc.fields.get("case_number") or "")
        if exc.code == "idempotency_conflict" and case_number:
            # The backend holds a case under this item's own idempotency key, made with this application.
            self._outbox.mark_delivered(item.id, case_number, purge=self._purge)
            log.warning("queue: item %s conflicted, but the backend holds it under its idempotency key as case %s",
                        item.id, case_number)
            submitted = Submitted(case_number, "submitted", "", 0, payload.provisional_number)
            self._notify_delivered(item, submitted)
            return submitted
        if exc.code == "provisional_number_taken":
            reason = staff_reasons.stored("number_taken", number=payload.provisional_number or "-")
        else:
            reason = staff_reasons.stored("conflict", code=exc.code or "-")
        self._outbox.hold(item.id, reason)
        return None

    def retention(self) -> dict[str, int]:
        """Delete what is past its keeping; how many of each kind went. Without a terminal's pass (``retention``):
        delivered payloads past ``purge_after_s`` and their metadata past the retention period."""
        self._retention_at = time.monotonic()
        if self._retention is not None:
            return self._retention()
        return {"delivered": self._outbox.purge_delivered(self._policy.purge_after_s, self._policy.keep_metadata_days)}

    def _run(self) -> None:
        while not self._stop.is_set():
            wait = self._policy.idle_poll_s
            try:
                self.run_once()
                if time.monotonic() - self._retention_at > self._policy.retention_every_s:
                    self.retention()
                next_due = self._outbox.next_due_at()
                if next_due is not None:
                    wait = min(wait, max(0.05, next_due - time.time()))
                self._failed_passes = 0
            except Exception:  # a bug or a damaged store must not stop delivery for good: log, back off, go on
                self._failed_passes += 1
                wait = self.delay(self._failed_passes)
                log.exception("queue: sync pass failed (%d in a row); next pass in %.1f s", self._failed_passes, wait)
            if time.monotonic() < self._offline_until:
                wait = min(self._policy.idle_poll_s, max(0.05, self._offline_until - time.monotonic()))
            self._wake.wait(wait)
            self._wake.clear()
