"""``kiosk bench queue-crash --trials N``: kill a terminal at random moments; nothing lost, nothing doubled.

A child process enqueues and delivers cases against a sandbox backend (its own
process, a SQLite file). The harness SIGKILLs the child at a random moment,
restarts it, and after the last trial lets it drain the queue. Then it reads the
backend: every case whose enqueue returned must be there exactly once, no
application may appear twice, and the queue must open clean. Exit status 1 when
anything is lost, doubled or corrupt.

SIGKILL ends the process at any instruction but leaves the kernel's page cache
intact: it tests the queue's crash consistency, not power loss (fsync ordering
against a disk that loses its cache is not simulated here).
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--max-run-s", type=float, default=1.5, help="longest time before a kill")


def _read_lines(proc: subprocess.Popen, sink: list[str]) -> None:
    for line in proc.stdout:  # type: ignore[union-attr]
        sink.append(line.strip())


def _wait_health(url: str, timeout_s: float = 20.0) -> None:
    import requests

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/api/v1/health", timeout=1).ok:
                return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError("the sandbox backend did not start")


def run_trials(trials: int, seed: int | None = None, max_run_s: float = 1.5, workdir: Path | None = None,
               quiet: bool = False) -> dict:
    from sandbox.server import free_port

    rng = random.Random(seed)
    work = Path(workdir or tempfile.mkdtemp(prefix="queue-crash-"))
    data_dir, sandbox_db = work / "terminal", work / "sandbox.sqlite3"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    sandbox = subprocess.Popen([sys.executable, "-m", "entry", "sandbox", "--port", str(port), "--db", str(sandbox_db)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    promised: list[str] = []
    kills = 0
    try:
        _wait_health(url)
        child_cmd = [sys.executable, "-m", "entry.bench.queue_crash_child", str(data_dir), url]
        for trial in range(trials):
            lines: list[str] = []
            child = subprocess.Popen(child_cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            reader = threading.Thread(target=_read_lines, args=(child, lines), daemon=True)
            reader.start()
            time.sleep(rng.uniform(0.05, max_run_s))
            child.send_signal(signal.SIGKILL)
            child.wait()
            reader.join(5)
            kills += 1
            promised += [line[2:] for line in lines if line.startswith("E ")]
            if not quiet and (trial + 1) % 20 == 0:
                print(f"  {trial + 1} kills, {len(promised)} cases promised so far", flush=True)
        drain = subprocess.run(child_cmd + ["--drain"], capture_output=True, timeout=180)
        drained = drain.returncode == 0
    finally:
        sandbox.terminate()
        sandbox.wait(10)
    with sqlite3.connect(sandbox_db) as db:
        ids = Counter(app_id for (body,) in db.execute("SELECT body FROM cases")
                      if (app_id := json.loads(body).get("application_id", "")).startswith("crash-"))
    lost = [i for i in promised if ids[i] == 0]
    doubled = [i for i, n in ids.items() if n > 1]
    from kiosk.config import load_config
    from kiosk.queue_setup import open_outbox

    outbox = open_outbox(load_config(environ={}, overrides={"paths": {"data_dir": str(data_dir)},
                                                            "queue": {"min_free_mb": 0}}))
    status = outbox.status()
    outbox.close()
    return {"kills": kills, "promised": len(promised), "at_backend": sum(ids.values()), "lost": lost,
            "doubled": doubled, "drained": drained, "queue": status, "workdir": str(work)}


def run(args: argparse.Namespace) -> int:
    print(f"queue crash harness: {args.trials} SIGKILLs at random moments (0.05-{args.max_run_s} s into a run)")
    print("note: SIGKILL does not simulate power loss; the kernel keeps what was written. This checks crash "
          "consistency of the queue and exactly-once delivery, not the disk's durability.", flush=True)
    began = time.monotonic()
    result = run_trials(args.trials, args.seed, args.max_run_s)
    counts = result["queue"]["counts"]
    print(f"kills {result['kills']}, cases promised (enqueue returned) {result['promised']}, "
          f"at the backend {result['at_backend']} (extra ones were stored but killed before they were reported)")
    print(f"lost {len(result['lost'])}, doubled {len(result['doubled'])}, queue drained {result['drained']}, "
          f"queue after: {counts}, recovered from corruption: {result['queue']['recovered_from'] is not None}")
    print(f"{time.monotonic() - began:.0f} s; work files in {result['workdir']}")
    ok = (not result["lost"] and not result["doubled"] and result["drained"] and counts["quarantined"] == 0
          and counts["dead"] == 0 and result["queue"]["recovered_from"] is None)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1
