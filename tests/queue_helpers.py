"""Building an outbox, sequence and sync worker on a temporary directory for tests."""

from __future__ import annotations

import uuid
import time
from pathlib import Path

from devices.idcard.samples import sample_identity
from common.domain import Application, Attachment
from offline_queue.crypto import Sealer
from offline_queue.outbox import Outbox, QueueLimits
from offline_queue.sync import SyncPolicy, SyncWorker
from sandbox.form_answers import answers
from tests.backend_helpers import TERMINAL, brought

KEY = bytes(range(32))
JPEG = b"\xff\xd8\xff\xe0" + bytes(3000)


def outbox(root: Path, cipher: str = "AES-256-GCM", limits: QueueLimits = QueueLimits(min_free_mb=0),
           clock=time.time) -> Outbox:
    return Outbox(root, Sealer(KEY, cipher), b"applicant-secret", limits=limits, clock=clock)


def fast_sync(box: Outbox, client, **policy) -> SyncWorker:
    return SyncWorker(box, client, SyncPolicy(base_delay_s=0.05, max_delay_s=0.2, idle_poll_s=0.05, **policy))


def payload(client, provisional: str | None = None, code: str = "GT-001", sample: str = "resident") -> tuple[dict, str]:
    service = client.service(code)  # its form answered, and a field of no service's to tell payloads apart
    app = Application(service, sample_identity(sample), TERMINAL, form={**answers(service), "n": uuid.uuid4().hex},
                      counter_checked=brought(service))
    body = app.payload()
    if provisional:
        body["provisional_number"] = provisional
    return body, app.idempotency_key


def enqueue(box: Outbox, client, provisional: str | None = None, attachments=(), **kw) -> str:
    body, key = payload(client, provisional, **kw)
    return box.enqueue(body, key, body["applicant"]["id_number"], provisional, list(attachments))


SCAN = Attachment("M2-1.jpg", "image/jpeg", JPEG)
