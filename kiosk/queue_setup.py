"""Build the outbox, its sealer, the provisional sequence and the sync worker from configuration (composition)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from common.private_files import private_dir
from kiosk.backend.client import BackendClient
from kiosk.config import Config
from kiosk.drafts import kept_when_refused
from kiosk.retention import RetentionPass
from offline_queue.crypto import DamagedKeyError, Sealer, load_or_create_key
from offline_queue.outbox import Outbox, QueueLimits
from offline_queue.sequence import ProvisionalSequence
from offline_queue.sync import SyncPolicy, SyncWorker

log = logging.getLogger(__name__)


@dataclass
class Queue:
    outbox: Outbox
    sequence: ProvisionalSequence
    sync: SyncWorker
    retention: RetentionPass | None = None  # every kind of personal data the terminal keeps, deleted when due (on the sync thread)

    def status(self) -> dict:
        """The outbox's status with the retention pass's last report (for maintenance)."""
        return {**self.outbox.status(), "retention": self.retention.last if self.retention is not None else None}

    def close(self) -> None:
        self.sync.stop()
        self.outbox.close()


def key_path(config: Config) -> Path:
    path = Path(config.queue.key_file).expanduser()
    return path if path.is_absolute() else config.data_dir / path


def damaged_keys(config: Config) -> list[Path]:
    """Queue keys found damaged and set aside (:func:`master_key`), oldest first."""
    path = key_path(config)
    return sorted(path.parent.glob(path.name + ".damaged-*"))


def master_key(config: Config) -> bytes:
    """The queue's key, made the first time. A key file that holds no key (cut short by a disk that filled while it
    was written, or damaged since) is set aside beside it and a new key made: before, every start failed on it and
    the terminal was started again and again, out of service for good (found damaging a used data folder file by
    file). What was sealed under the old key (queued items, staff sign-ins kept for an outage) cannot be read: the
    sync worker quarantines those items, kept for staff, and ``kiosk doctor`` names the key set aside."""
    path = key_path(config)
    try:
        return load_or_create_key(path)
    except DamagedKeyError as exc:
        aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}")
        try:
            os.replace(path, aside)
        except OSError:
            raise exc from None
        log.error("queue: %s; set aside as %s and a new key made: what was sealed under the old one cannot be read, "
                  "its items held for staff (kiosk doctor)", exc, aside.name)
        return load_or_create_key(path)


def sequence_path(config: Config) -> Path:
    return config.data_dir / "provisional-sequence.dat"


def open_outbox(config: Config, clock: Callable[[], float] = time.time) -> Outbox:
    private_dir(config.data_dir)
    master = master_key(config)
    q = config.queue
    return Outbox(config.data_dir / "queue", Sealer(master, q.cipher),
                  hmac.new(master, b"applicant-order", hashlib.sha256).digest(),
                  limits=QueueLimits(q.min_free_mb, q.max_items, q.max_mb), clock=clock)


def build_queue(config: Config, backend: BackendClient, clock: Callable[[], float] = time.time) -> Queue:
    """The queue's parts; ``clock`` (wall time) is for tests and benches that set a terminal's clock."""
    outbox = open_outbox(config, clock)
    q = config.queue
    policy = SyncPolicy(base_delay_s=q.base_delay_s, max_delay_s=q.max_delay_s, max_attempts=q.max_attempts,
                        idle_poll_s=q.idle_poll_s, purge_after_s=q.purge_after_s,
                        keep_metadata_days=q.keep_metadata_days, retention_every_s=q.retention_every_s)
    retention = RetentionPass(config, outbox, clock, lambda: backend.clock_offset_s)
    sync = SyncWorker(outbox, backend, policy, retention=retention, on_refused=kept_when_refused(outbox, backend))
    sequence = ProvisionalSequence(sequence_path(config), config.terminal.id, clock=clock)
    return Queue(outbox, sequence, sync, retention)
