"""Build the outbox, its sealer, the provisional sequence and the sync worker from configuration (composition)."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from common.private_files import private_dir
from kiosk.backend.client import BackendClient
from kiosk.config import Config
from kiosk.drafts import kept_when_refused
from kiosk.retention import RetentionPass
from offline_queue.crypto import Sealer, load_or_create_key
from offline_queue.outbox import Outbox, QueueLimits
from offline_queue.sequence import ProvisionalSequence
from offline_queue.sync import SyncPolicy, SyncWorker


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


def sequence_path(config: Config) -> Path:
    return config.data_dir / "provisional-sequence.dat"


def open_outbox(config: Config, clock: Callable[[], float] = time.time) -> Outbox:
    private_dir(config.data_dir)
    master = load_or_create_key(key_path(config))
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
