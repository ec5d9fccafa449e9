"""The process the crash harness kills: enqueue cases and deliver them, as a terminal does.

``python -m entry.bench.queue_crash_child DATA_DIR URL [--drain] [--clock-offset-s S]``. After
each enqueue returns it prints ``E <application id>`` (flushed), so the harness knows which cases
the terminal promised. With ``--drain`` it enqueues nothing and exits once the queue is empty.
``--clock-offset-s`` sets this terminal's wall clock (the queue's times, the provisional numbers'
dates) that far from the real one, as a clock set wrong or set back would.
"""

from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path

TERMINAL_ID = "CRASH-T1"  # registered as a window by the harness: its cases bring paper checked at a counter


def main(argv: list[str]) -> int:
    from devices.idcard.samples import sample_identity
    from kiosk.backend.client import BackendClient
    from kiosk.config import load_config
    from common.domain import Application, Attachment
    from kiosk.queue_setup import build_queue
    from offline_queue.sync import SyncPolicy, SyncWorker
    from sandbox.form_answers import answers

    data_dir, url, drain = Path(argv[0]), argv[1], "--drain" in argv
    offset = float(argv[argv.index("--clock-offset-s") + 1]) if "--clock-offset-s" in argv else 0.0
    config = load_config(environ={}, overrides={"paths": {"data_dir": str(data_dir)},
                                               "terminal": {"id": TERMINAL_ID},
                                               "backend": {"url": url, "read_timeout_s": 5.0, "retries": 0},
                                               "queue": {"min_free_mb": 0}})
    backend = BackendClient(config.backend, config.terminal.id)
    sys.stdout.write("R\n")  # imports done: from here on every moment is worth a kill (opening the queue too)
    sys.stdout.flush()
    queue = build_queue(config, backend, clock=lambda: time.time() + offset)
    queue.sync = SyncWorker(queue.outbox, backend, SyncPolicy(base_delay_s=0.05, max_delay_s=0.5, idle_poll_s=0.05))
    queue.sync.start()
    if drain:
        deadline = time.monotonic() + 120
        while queue.outbox.items(("pending",)) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = len(queue.outbox.items(("pending",)))
        queue.close()
        return 0 if left == 0 else 1
    service = backend.service("GT-001")
    scan = Attachment("M2-1.jpg", "image/jpeg", b"\xff\xd8\xff" + bytes(40_000))
    n = 0
    while True:
        app = Application(service, sample_identity("resident"), config.terminal.id, form={**answers(service), "seq": n},
                          counter_checked=[m.code for m in service.materials if m.required])  # the backend takes it
        app.id = "crash-" + uuid.uuid4().hex
        number = queue.sequence.next()
        payload = dict(app.payload(), provisional_number=number)
        item = queue.outbox.enqueue(payload, app.idempotency_key, app.applicant.id_number, number,
                                    [scan] if n % 3 == 0 else [])
        sys.stdout.write(f"E {app.id}\n")
        sys.stdout.flush()
        queue.sync.deliver_now(item, 5.0)
        n += 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
