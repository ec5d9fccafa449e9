"""``kiosk bench gui-gc``: does the GUI thread freeze when garbage holding Qt connections is collected?

A child process (entry/bench/gui_gc_child.py) restyles a page without pause on its GUI thread and
connects receivers that die in reference cycles, while two worker threads post to the GUI thread and
allocate, as the terminal's devices and tasks do. Each mode runs ``--seconds`` (``--runs`` times):
``terminal`` as the terminal starts (the collector on the GUI thread only, ui/gui_thread_gc.py),
``automatic`` with Python's collector left as it comes (``--automatic`` adds it: the deadlock the
terminal had, for comparison; it also crashes the child at times, SIGSEGV or SIGABRT, as Qt's objects
freed on the wrong thread do). The child beats every 100 ms; a silence of ``--frozen-s`` is a freeze:
the child is killed and the time it froze at is printed. Exit status 1 when the terminal's mode froze
or ended without its counts.
"""

from __future__ import annotations

import argparse
import json
import queue
import subprocess
import sys
import threading
import time


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=float, default=120.0, help="how long each run lasts")
    parser.add_argument("--runs", type=int, default=1, help="runs of each mode")
    parser.add_argument("--frozen-s", type=float, default=10.0, help="a silence this long is a freeze")
    parser.add_argument("--automatic", action="store_true",
                        help="also run with Python's automatic collector (the terminal before 2026-12-04)")


def run_once(mode: str, seconds: float, frozen_s: float = 10.0) -> dict:
    """One child run: {"froze_at_s": float | None, "seconds": float, **the child's counts}."""
    child = subprocess.Popen([sys.executable, "-m", "entry.bench.gui_gc_child", mode, str(seconds)],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in child.stdout:  # type: ignore[union-attr]
            lines.put(line.strip())
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    began = time.monotonic()
    result: dict = {"froze_at_s": None}
    last_beat = began
    while True:
        try:
            line = lines.get(timeout=frozen_s)
        except queue.Empty:
            result["froze_at_s"] = round(last_beat - began, 1)
            child.kill()
            break
        if line is None:
            break
        if line == "beat":
            last_beat = time.monotonic()
        elif line.startswith("{"):
            result.update(json.loads(line))
    result["exit_code"] = child.wait(timeout=30)
    result["seconds"] = round(time.monotonic() - began, 1)
    return result


def _counted(r: dict) -> bool:
    """The child ran its time and said what it did (a child that failed to start says nothing)."""
    return r["froze_at_s"] is None and "restyles" in r and r["exit_code"] == 0


def run(args: argparse.Namespace) -> int:
    modes = ["terminal"] + (["automatic"] if args.automatic else [])
    print(f"gui-gc: a GUI thread restyling without pause, receivers of Qt signals dying in cycles, "
          f"two workers posting and allocating; {args.seconds:.0f} s a run, a freeze = {args.frozen_s:.0f} s silent")
    failed_terminal = False
    for mode in modes:
        for n in range(args.runs):
            r = run_once(mode, args.seconds, args.frozen_s)
            if r["froze_at_s"] is not None:
                print(f"{mode:<9} run {n + 1}: FROZE after {r['froze_at_s']} s")
            elif not _counted(r):
                how = f"CRASHED (signal {-r['exit_code']})" if r["exit_code"] < 0 else f"exit code {r['exit_code']}"
                print(f"{mode:<9} run {n + 1}: ended after {r['seconds']} s without its counts: {how}")
            else:
                print(f"{mode:<9} run {n + 1}: ran {r['seconds']} s, {r['restyles']} restyles, "
                      f"{r['receivers']} receivers, {r['posts']} posts, "
                      f"collections on worker threads {r['collections_on_workers']}, "
                      f"automatic collector {'on' if r['gc_enabled'] else 'off'}")
            failed_terminal |= mode == "terminal" and not _counted(r)
    print("FAIL: the terminal's mode froze or did not run" if failed_terminal else "PASS")
    return 1 if failed_terminal else 0
