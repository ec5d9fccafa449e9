"""``kiosk bench restart``: how long a hall is without its terminal after a crash or a freeze.

The terminal (``kiosk run``, offscreen, simulated devices, the backend away so that no network wait
counts) runs under the supervisor of ``kiosk supervise`` (kiosk/supervisor.py, in this process). Once
it gives signs of life and has run ``--settle-s``, a fault is put on it:

- ``crash``: SIGSEGV, as a fault in Qt or a driver's C library ends it;
- ``freeze``: SIGSTOP, as a deadlock holds its GUI thread (it cannot act on SIGTERM either, so the
  supervisor's SIGKILL after ``supervisor.stop_s`` is part of the time).

The time is from the fault to the new terminal's first sign of life, which its GUI thread gives on
the first turn of its event loop, after its window is shown. For a freeze it splits into the
silence the supervisor waits (``--freeze-s``, the hall's ``supervisor.freeze_s``: 30 s by default)
and the rest. ``supervisor.stable_s`` is 1 s here, so each fault comes after a long run and adds no
delay (a terminal that keeps failing within ``stable_s`` of its start waits 1, 2, 4 ... s more). Exit
status 1 when a trial's terminal was not back within ``--freeze-s`` + 90 s.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from kiosk.config import SupervisorConfig
from kiosk.restarts import RestartLog
from kiosk.supervisor import Supervisor

FAULTS = {"crash": signal.SIGSEGV, "freeze": signal.SIGSTOP}
BACK_WITHIN_S = 90.0  # beyond the freeze's silence, a terminal not back by then is a failed trial


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--trials", type=int, default=5, help="faults of each kind")
    parser.add_argument("--faults", default="crash,freeze", help="crash, freeze or both (comma-separated)")
    parser.add_argument("--freeze-s", type=float, default=30.0, help="the supervisor's supervisor.freeze_s")
    parser.add_argument("--settle-s", type=float, default=3.0,
                        help="how long the terminal runs after its first sign of life before the fault")


def _site(folder: Path) -> Path:
    site = folder / "site.toml"
    site.write_text(f"""
[terminal]
id = "BENCH-RESTART"
[backend]
url = "http://127.0.0.1:9"
retries = 0
[paths]
data_dir = "{folder / 'data'}"
[logging]
console = false
""")
    return site


def _until(what, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not what():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


class Rig:
    """The supervisor on its thread, over the real terminal."""

    def __init__(self, folder: Path, freeze_s: float) -> None:
        argv = [sys.executable, "-m", "entry", "run", "--config", str(_site(folder)), "--windowed"]
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        env.pop("DISPLAY", None)
        settings = SupervisorConfig(freeze_s=freeze_s, start_s=120.0, stop_s=2.0, stable_s=1.0, max_delay_s=60.0)
        self.supervisor = Supervisor(argv, settings, RestartLog(folder / "data"), folder / "data" / "logs", env=env)
        self.thread = threading.Thread(target=self.supervisor.run, name="supervisor", daemon=True)
        self.thread.start()

    def back(self, starts: int, beats: int, timeout_s: float) -> bool:
        """Start number ``starts`` has given a sign of life (beats past ``beats``)."""
        s = self.supervisor
        return _until(lambda: s.starts >= starts and s.child is not None and s.beats > beats, timeout_s)

    def stop(self) -> None:
        self.supervisor.stop()
        self.thread.join(30)


def trial(rig: Rig, fault: str, settle_s: float, freeze_s: float) -> float | None:
    """Seconds from the fault to the next terminal's first sign of life; None when it did not come."""
    s = rig.supervisor
    if not rig.back(s.starts, 0, 120):
        return None
    time.sleep(settle_s)
    child, starts = s.child, s.starts
    if child is None:
        return None
    beats = s.beats
    faulted = time.monotonic()
    os.kill(child.pid, FAULTS[fault])
    if not rig.back(starts + 1, beats, freeze_s + BACK_WITHIN_S):
        return None
    return time.monotonic() - faulted


def run(args: argparse.Namespace) -> int:
    faults = [f.strip() for f in args.faults.split(",") if f.strip()]
    unknown = [f for f in faults if f not in FAULTS]
    if unknown or args.trials < 1 or not args.freeze_s > 0:
        print(f"restart: --faults takes {', '.join(FAULTS)}; --trials at least 1; --freeze-s above 0", file=sys.stderr)
        return 2
    print(f"restart: kiosk run under the supervisor, offscreen, simulated devices, backend away; "
          f"supervisor.freeze_s {args.freeze_s:g} s, stop_s 2 s; {args.trials} trial(s) of {', '.join(faults)}")
    failed = False
    with tempfile.TemporaryDirectory(prefix="onetrip-bench-restart-") as folder:
        rig = Rig(Path(folder), args.freeze_s)
        try:
            started = time.monotonic()
            if not rig.back(1, 0, 120):
                print("FAIL: the terminal gave no first sign of life within 120 s")
                return 1
            print(f"first start: first sign of life {time.monotonic() - started:.2f} s after the supervisor began")
            for fault in faults:
                times = []
                for n in range(args.trials):
                    took = trial(rig, fault, args.settle_s, args.freeze_s)
                    print(f"{fault:<6} trial {n + 1}: " + ("NOT BACK" if took is None else f"back after {took:.2f} s"))
                    if took is None:
                        failed = True
                        break
                    times.append(took)
                if times:
                    beyond = [t - args.freeze_s for t in times] if fault == "freeze" else times
                    what = "beyond the freeze's silence" if fault == "freeze" else "from the crash"
                    print(f"{fault:<6} back: median {statistics.median(times):.2f} s, max {max(times):.2f} s; "
                          f"{what}: median {statistics.median(beyond):.2f} s, max {max(beyond):.2f} s")
        finally:
            rig.stop()
        recorded = RestartLog(Path(folder) / "data").recent()
        print("restarts recorded: " + ", ".join(f"{r.reason.value} ({r.detail})" for r in recorded[-3:])
              + (f" ... {len(recorded)} in all" if len(recorded) > 3 else ""))
    print("FAIL: a terminal was not back in time" if failed else "PASS")
    return 1 if failed else 0
