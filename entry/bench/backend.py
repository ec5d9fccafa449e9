"""``kiosk bench backend``: many simulated terminals against the sandbox backend.

The sandbox runs in its own process (``kiosk sandbox``) on a free loopback port;
each simulated terminal is a thread with its own :class:`BackendClient` (its
own connection pool, timeouts and signing key), sending heartbeats and case
submissions back to back for the given duration. It prints requests per second,
p50/p99 latency per kind, errors by type, and how many TCP connections the
clients opened (with pooling: about one per terminal, not one per request).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--terminals", type=int, default=200, help="simulated terminals (threads)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load")
    parser.add_argument("--url", help="an already running backend (default: start a sandbox process)")
    parser.add_argument("--read-timeout", type=float, default=10.0)


def _start_sandbox() -> tuple[subprocess.Popen, str]:
    """The sandbox in a process of its own. What it writes to stderr goes to a temporary file, read only if it does
    not start: a pipe nobody read filled up with the warnings of the faults a monkey asks for (64 KiB), and the
    sandbox stopped in its next write, answering nothing and deaf to SIGTERM (kiosk bench soak, window seed 23,
    block 10)."""
    from sandbox.server import free_port

    port = free_port()
    said = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, "-m", "entry", "sandbox", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=said)
    url = f"http://127.0.0.1:{port}"
    import requests

    with said:  # the child holds its own descriptor: the file goes when both have let it go
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if requests.get(url + "/api/v1/health", timeout=1).ok:
                    return proc, url
            except requests.RequestException:
                time.sleep(0.1)
        proc.kill()
        proc.wait(10)
        said.seek(0)
        raise RuntimeError("the sandbox did not start: " + said.read().decode(errors="replace")[-500:])


def stop_sandbox(proc: subprocess.Popen, grace_s: float = 10.0) -> None:
    """Ask it to stop; killed when it has not within ``grace_s``: its own TimeoutExpired raised from a bench's
    ``finally`` hid the error the bench stopped for."""
    proc.terminate()
    try:
        proc.wait(grace_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def run(args: argparse.Namespace) -> int:
    import logging

    from devices.idcard.samples import sample_identity
    from kiosk.backend.client import BackendClient
    from common.backend_errors import BackendError
    from entry.bench import median, percentile
    from kiosk.config import BackendConfig
    from common.domain import Application

    logging.getLogger("kiosk.backend.client").setLevel(logging.ERROR)
    proc, url = (None, args.url) if args.url else _start_sandbox()
    config = BackendConfig(url=url, connect_timeout_s=3.0, read_timeout_s=args.read_timeout, retries=0)
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: Counter[str] = Counter()
    lock = threading.Lock()
    clients: list[BackendClient] = []
    start_gate = threading.Event()
    stop_at = [0.0]

    def terminal(index: int) -> None:
        terminal_id = f"BENCH-{index:04d}"
        client = BackendClient(config, terminal_id, pool_size=2)
        with lock:
            clients.append(client)
        service = client.service("SB-003")
        required = [m.code for m in service.materials if m.required]  # brought as paper at a counter: no pages
        import requests  # the hall registers each as a window, which may say so (sandbox/window_register.py)

        requests.post(f"{url}/control/windows/{terminal_id}", timeout=10).raise_for_status()
        status = {"version": "bench", "mode": "window", "devices": [], "queue": {"depth": 0, "oldest_age_s": 0},
                  "free_disk_mb": 1000.0}
        start_gate.wait()
        while time.monotonic() < stop_at[0]:
            for kind in ("heartbeat", "submit"):
                began = time.perf_counter()
                try:
                    if kind == "heartbeat":
                        client.heartbeat(status)
                    else:
                        client.submit(Application(service, sample_identity("resident"), terminal_id,
                                                  counter_checked=required))
                except BackendError as exc:
                    with lock:
                        errors[f"{kind}: {type(exc).__name__} {exc.detail[:60]}"] += 1
                    continue
                elapsed = time.perf_counter() - began
                with lock:
                    latencies[kind].append(elapsed)

    threads = [threading.Thread(target=terminal, args=(i,), daemon=True) for i in range(args.terminals)]
    try:
        for t in threads:
            t.start()
        time.sleep(1.0)
        stop_at[0] = time.monotonic() + args.duration
        began = time.monotonic()
        start_gate.set()
        for t in threads:
            t.join(args.duration + args.read_timeout + 30)
        wall = time.monotonic() - began
    finally:
        if proc is not None:
            stop_sandbox(proc)

    connections = 0
    for client in clients:
        pools = client._session.adapters["http://"].poolmanager.pools
        connections += sum(pools[key].num_connections for key in pools.keys())
    total = sum(len(v) for v in latencies.values())
    print(f"terminals {args.terminals}, {wall:.1f} s of load against {url}")
    print(f"{'kind':<10} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind, values in sorted(latencies.items()):
        ms = [v * 1000 for v in values]
        print(f"{kind:<10} {len(ms):>9} {len(ms) / wall:>8.1f} {median(ms):>8.1f} {percentile(ms, 99):>8.1f} "
              f"{max(ms):>8.1f}")
    all_ms = [v * 1000 for values in latencies.values() for v in values]
    print(f"{'all':<10} {total:>9} {total / wall:>8.1f} {median(all_ms):>8.1f} {percentile(all_ms, 99):>8.1f} "
          f"{max(all_ms) if all_ms else 0:>8.1f}")
    print(f"errors: {sum(errors.values())}" + "".join(f"\n  {n:>6}  {e}" for e, n in errors.most_common(8)))
    print(f"TCP connections opened by the clients: {connections} for {total + sum(errors.values())} requests "
          f"(pool of 2 per terminal; read timeout {args.read_timeout} s)")
    return 0 if total else 1
