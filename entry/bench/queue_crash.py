"""``kiosk bench queue-crash --trials N``: kill a terminal at random moments; nothing lost, nothing doubled.

A child process enqueues and delivers cases against a sandbox backend (its own
process, a SQLite file). The harness SIGKILLs the child at a random moment,
restarts it, and after the last trial lets it drain the queue. Then it reads the
backend: every case whose enqueue returned must be there exactly once, no
application may appear twice, and the queue must open clean. Exit status 1 when
anything is lost, doubled or corrupt.

Between trials the harness also sets the terminal's clock a day ahead, back, or two days
back (``--clock-faults``), and deletes its provisional sequence file (``--sequence-faults``):
numbers must still never repeat, or the backend would refuse a second citizen's case as
holding a first one's number.

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

from entry.bench.queue_crash_child import TERMINAL_ID


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--max-run-s", type=float, default=1.5,
                        help="longest time before a kill, from the moment the child has its imports done")
    parser.add_argument("--clock-faults", type=float, default=0.3,
                        help="share of trials with the clock set elsewhere (a day ahead, back, two days back)")
    parser.add_argument("--sequence-faults", type=float, default=0.2,
                        help="share of trials before which the provisional sequence file is deleted")


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


CLOCK_OFFSETS_S = (86400.0, -86400.0, -2 * 86400.0)


def run_trials(trials: int, seed: int | None = None, max_run_s: float = 1.5, workdir: Path | None = None,
               quiet: bool = False, clock_faults: float = 0.3, sequence_faults: float = 0.2) -> dict:
    from entry.bench.backend import stop_sandbox
    from sandbox.server import free_port

    rng = random.Random(seed)
    work = Path(workdir or tempfile.mkdtemp(prefix="queue-crash-"))
    data_dir, sandbox_db = work / "terminal", work / "sandbox.sqlite3"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    sandbox = subprocess.Popen([sys.executable, "-m", "entry", "sandbox", "--port", str(port), "--db", str(sandbox_db),
                                "--window", TERMINAL_ID],  # its cases bring paper checked at a counter
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    promised: list[str] = []
    kills = clock_changes = sequence_losses = 0
    try:
        _wait_health(url)
        child_cmd = [sys.executable, "-m", "entry.bench.queue_crash_child", str(data_dir), url]
        for trial in range(trials):
            lines: list[str] = []
            offset = 0.0
            if rng.random() < clock_faults:
                offset = rng.choice(CLOCK_OFFSETS_S)
                clock_changes += 1
            if rng.random() < sequence_faults and (data_dir / "provisional-sequence.dat").exists():
                (data_dir / "provisional-sequence.dat").unlink()
                sequence_losses += 1
            child = subprocess.Popen(child_cmd + ["--clock-offset-s", str(offset)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            reader = threading.Thread(target=_read_lines, args=(child, lines), daemon=True)
            reader.start()
            ready_by = time.monotonic() + 60  # python's imports take a second or more on a loaded machine
            while not lines and child.poll() is None and time.monotonic() < ready_by:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, max_run_s))
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
        stop_sandbox(sandbox)  # killed if it will not stop: the bench's own error is not hidden behind a timeout
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
    return {"kills": kills, "clock_changes": clock_changes, "sequence_losses": sequence_losses,
            "promised": len(promised), "at_backend": sum(ids.values()), "lost": lost,
            "doubled": doubled, "drained": drained, "queue": status, "workdir": str(work)}


def run(args: argparse.Namespace) -> int:
    print(f"queue crash harness: {args.trials} SIGKILLs at random moments (0-{args.max_run_s} s after the imports)")
    print("note: SIGKILL does not simulate power loss; the kernel keeps what was written. This checks crash "
          "consistency of the queue and exactly-once delivery, not the disk's durability.", flush=True)
    began = time.monotonic()
    result = run_trials(args.trials, args.seed, args.max_run_s, clock_faults=args.clock_faults,
                        sequence_faults=args.sequence_faults)
    counts = result["queue"]["counts"]
    print(f"clock set elsewhere before {result['clock_changes']} trials, sequence file deleted before "
          f"{result['sequence_losses']}")
    print(f"kills {result['kills']}, cases promised (enqueue returned) {result['promised']}, "
          f"at the backend {result['at_backend']} (extra ones were stored but killed before they were reported)")
    print(f"lost {len(result['lost'])}, doubled {len(result['doubled'])}, queue drained {result['drained']}, "
          f"queue after: {counts}, recovered from corruption: {result['queue']['recovered_from'] is not None}")
    print(f"{time.monotonic() - began:.0f} s; work files in {result['workdir']}")
    ok = (not result["lost"] and not result["doubled"] and result["drained"] and counts["quarantined"] == 0
          and counts["dead"] == 0 and counts.get("held", 0) == 0 and result["queue"]["recovered_from"] is None)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1
