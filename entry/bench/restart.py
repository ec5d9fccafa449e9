"""``kiosk bench restart``: how long a hall is without its terminal after a crash or a freeze.

The terminal (``kiosk run``, offscreen, simulated devices, the backend away so that no network wait
counts) runs under the supervisor of ``kiosk supervise`` (kiosk/supervisor.py, in this process). Once
it gives signs of life and has run ``--settle-s``, a fault is put on it:

- ``crash``: SIGSEGV, as a fault in Qt or a driver's C library ends it;
- ``freeze``: SIGSTOP, as a deadlock holds its GUI thread (it cannot act on SIGTERM either, so the
  supervisor's SIGKILL after ``supervisor.stop_s`` is part of the time).
- ``memory``: its resident memory above ``supervisor.max_resident_mb`` (set to 1 MB for these trials, so
  every run is above it): the supervisor stops it and starts it afresh the next time its signs of life say
  nobody uses it (the kiosk at home), once it has run ``supervisor.stable_s``. The time is from the
  supervisor's decision (its log record) to the new terminal's first sign of life: how long the hall is
  without it (the graceful stop included); the wait before the decision is reported apart, since nobody is
  using the terminal then.
- ``device``: its ID card reader's vendor library stuck in a call that never returns (the SDK stand-in of
  tests/sdk_standin, built by gcc to hang in its find call, which the reader polls): past
  ``supervisor.device_held_s`` (10 s, its least; the device calls' waits set to 5 s so that it is the bound)
  the supervisor starts it afresh once nobody uses it, timed as ``memory`` is. Each new terminal's reader hangs
  again, so each decision waits twice the run of the one before (kiosk/supervisor.py ``device_run_s``).

The time is from the fault to the new terminal's first sign of life, which its GUI thread gives on
the first turn of its event loop, after its window is shown. For a freeze it splits into the
silence the supervisor waits (``--freeze-s``, the hall's ``supervisor.freeze_s``: 30 s by default)
and the rest. ``supervisor.stable_s`` is 1 s here, so each fault comes after a long run and adds no
delay (a terminal that keeps failing within ``stable_s`` of its start waits 1, 2, 4 ... s more). Exit
status 1 when a trial's terminal was not back within ``--freeze-s`` + 90 s.
"""

from __future__ import annotations

import argparse
import logging
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
from kiosk.supervisor import MEMORY_LOOK_S, Supervisor

FAULTS = {"crash": signal.SIGSEGV, "freeze": signal.SIGSTOP, "memory": None, "device": None}
PLANNED = ("memory", "device")  # restarts the supervisor decides while nobody uses the terminal
STANDIN = Path(__file__).resolve().parents[2] / "tests" / "sdk_standin" / "sdtapi_standin.c"
BACK_WITHIN_S = 90.0  # beyond the freeze's silence, a terminal not back by then is a failed trial


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--trials", type=int, default=5, help="faults of each kind")
    parser.add_argument("--faults", default="crash,freeze",
                        help="crash, freeze, memory, device, comma-separated (device needs gcc)")
    parser.add_argument("--freeze-s", type=float, default=30.0, help="the supervisor's supervisor.freeze_s")
    parser.add_argument("--settle-s", type=float, default=3.0,
                        help="how long the terminal runs after its first sign of life before the fault")


def hung_reader(folder: Path) -> str:
    """The site file's sections for an ID card reader whose library never returns from its find call (built into
    ``folder``), and device calls' waits short enough (5 s) for ``supervisor.device_held_s``'s least (10 s) to be the
    bound (kiosk/held_devices.py)."""
    import shutil
    import subprocess

    gcc = shutil.which("gcc")
    if gcc is None:
        raise SystemExit("restart: --faults device needs gcc to build the SDK stand-in (scripts/system-deps.sh)")
    library = folder / "libsdtapi-hung.so"
    subprocess.run([gcc, "-shared", "-fPIC", "-O1", "-DSTANDIN_HANG_IN_FIND", "-o", str(library), str(STANDIN),
                    "-lpthread"], check=True, capture_output=True)
    return f"""
[devices.id_reader]
type = "sdk"
library = "{library}"
[device_calls]
self_test_s = 5
receipt_print_s = 5
document_print_s = 5
capture_s = 5
"""


def _site(folder: Path, extra: str = "") -> Path:
    site = folder / "site.toml"
    site.write_text(extra + f"""
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

    def __init__(self, folder: Path, freeze_s: float, max_resident_mb: int = 65536, site_extra: str = "") -> None:
        folder.mkdir(parents=True, exist_ok=True)
        argv = [sys.executable, "-m", "entry", "run", "--config", str(_site(folder, site_extra)), "--windowed"]
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        env.pop("DISPLAY", None)
        settings = SupervisorConfig(freeze_s=freeze_s, start_s=120.0, stop_s=2.0, stable_s=1.0, max_delay_s=60.0,
                                    max_resident_mb=max_resident_mb)
        self.supervisor = Supervisor(argv, settings, RestartLog(folder / "data"), folder / "data" / "logs", env=env)
        self.decisions: list[tuple[float, int, int]] = []  # (when, starts, beats) as the memory restart is decided
        self._watch = _Decisions(self)
        logging.getLogger("kiosk.supervisor").addHandler(self._watch)
        self.thread = threading.Thread(target=self.supervisor.run, name="supervisor", daemon=True)
        self.thread.start()

    def back(self, starts: int, beats: int, timeout_s: float) -> bool:
        """Start number ``starts`` has given a sign of life (beats past ``beats``)."""
        s = self.supervisor
        return _until(lambda: s.starts >= starts and s.child is not None and s.beats > beats, timeout_s)

    def stop(self) -> None:
        self.supervisor.stop()
        self.thread.join(30)
        logging.getLogger("kiosk.supervisor").removeHandler(self._watch)


class _Decisions(logging.Handler):
    """The supervisor's "starting it afresh" (for memory, for a held device), timed on its own thread as it is made
    (before the stop)."""

    def __init__(self, rig: Rig) -> None:
        super().__init__(logging.WARNING)
        self._rig = rig

    def emit(self, record: logging.LogRecord) -> None:
        if "starting it afresh" in record.getMessage():
            s = self._rig.supervisor
            self._rig.decisions.append((time.monotonic(), s.starts, s.beats))


def planned_trial(rig: Rig, n: int) -> tuple[float, float] | None:
    """(when the supervisor decided the ``n``-th restart of its own (from 0), when the next terminal gave its first sign
    of life), on the monotonic clock; None when either did not come."""
    if not _until(lambda: len(rig.decisions) > n, 60 + BACK_WITHIN_S):
        return None
    decided, starts, beats = rig.decisions[n]
    if not rig.back(starts + 1, beats, BACK_WITHIN_S):
        return None
    return decided, time.monotonic()


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


def _planned_trials(rig: Rig, fault: str, trials: int, alive: float) -> tuple[list[float], list[float]] | None:
    """The seconds each restart the supervisor decided waited for its decision (the terminal idle at home from its
    first sign of life) and the seconds the hall was then without it; None when a trial's terminal did not come
    back."""
    waited, away = [], []
    for n in range(trials):
        got = planned_trial(rig, n)
        if got is None:
            print(f"{fault} trial {n + 1}: NOT BACK")
            return None
        decided, back = got
        waited.append(decided - alive)
        away.append(back - decided)
        alive = back
        print(f"{fault} trial {n + 1}: decided {waited[-1]:.2f} s after its first sign of life, back after "
              f"{away[-1]:.2f} s")
    return waited, away


def run(args: argparse.Namespace) -> int:
    faults = [f.strip() for f in args.faults.split(",") if f.strip()]
    unknown = [f for f in faults if f not in FAULTS]
    if unknown or args.trials < 1 or not args.freeze_s > 0:
        print(f"restart: --faults takes {', '.join(FAULTS)}; --trials at least 1; --freeze-s above 0", file=sys.stderr)
        return 2
    print(f"restart: kiosk run under the supervisor, offscreen, simulated devices, backend away; "
          f"supervisor.freeze_s {args.freeze_s:g} s, stop_s 2 s, stable_s 1 s; {args.trials} trial(s) of "
          f"{', '.join(faults)}")
    failed = False
    with tempfile.TemporaryDirectory(prefix="onetrip-bench-restart-") as folder:
        for fault in faults:  # a terminal of its own for each: the memory trials' bound would restart the others'
            failed = _fault_trials(Path(folder) / fault, fault, args) or failed
    print("FAIL: a terminal was not back in time" if failed else "PASS")
    return 1 if failed else 0


def _fault_trials(folder: Path, fault: str, args: argparse.Namespace) -> bool:
    """One fault's trials on a terminal of its own; True when one failed."""
    folder.mkdir(parents=True, exist_ok=True)
    rig = Rig(folder, args.freeze_s, max_resident_mb=1 if fault == "memory" else 65536,
              site_extra=hung_reader(folder) + "[supervisor]\ndevice_held_s = 10\n" if fault == "device" else "")
    try:
        started = time.monotonic()
        if not rig.back(1, 0, 120):
            print(f"FAIL: the terminal ({fault} trials) gave no first sign of life within 120 s")
            return True
        alive = time.monotonic()
        print(f"{fault}: first start, first sign of life {alive - started:.2f} s after the supervisor began")
        if fault in PLANNED:
            got = _planned_trials(rig, fault, args.trials, alive)
            if got is None:
                return True
            waited, away = got
            why = (f"resident memory read every {MEMORY_LOOK_S:g} s" if fault == "memory" else
                   "the reader held from its first poll, supervisor.device_held_s 10 s, the run asked doubling")
            print(f"{fault} back: median {statistics.median(away):.2f} s, max {max(away):.2f} s from the decision "
                  f"(the hall without its terminal); the decision came {statistics.median(waited):.2f} s (median) "
                  f"after a start, the terminal idle at home (supervisor.stable_s 1 s, {why})")
            return False
        times = []
        for n in range(args.trials):
            took = trial(rig, fault, args.settle_s, args.freeze_s)
            print(f"{fault:<6} trial {n + 1}: " + ("NOT BACK" if took is None else f"back after {took:.2f} s"))
            if took is None:
                return True
            times.append(took)
        beyond = [t - args.freeze_s for t in times] if fault == "freeze" else times
        what = "beyond the freeze's silence" if fault == "freeze" else "from the crash"
        print(f"{fault:<6} back: median {statistics.median(times):.2f} s, max {max(times):.2f} s; "
              f"{what}: median {statistics.median(beyond):.2f} s, max {max(beyond):.2f} s")
        return False
    finally:
        rig.stop()
        recorded = RestartLog(folder / "data").recent()
        print(f"{fault}: restarts recorded: " + ", ".join(f"{r.reason.value} ({r.detail})" for r in recorded[-3:])
              + (f" ... {len(recorded)} in all" if len(recorded) > 3 else ""))
