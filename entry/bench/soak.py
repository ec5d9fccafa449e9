"""``kiosk bench soak``: does the kiosk grow as it serves citizens, session after session, for hours?

A hall runs the terminal for weeks between restarts, so what a session leaves behind adds up. One
kiosk (simulated devices, the sandbox on loopback) is worked by the seeded monkey of ``kiosk bench
ui-monkey`` in blocks of ``--steps``; after each block the process's resident memory and Python's
live objects are read (after a full collection). The first half of the blocks is the warm-up (screens
built, caches filled); the growth is fitted over the second half, in MB and objects per 100 sessions,
and said as MB per month at ``--sessions-a-day`` (300: a busy hall's kiosk). Exit status 1 when a
block fails (the monkey's own checks: an error, a dead end, a citizen's leftovers).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--blocks", type=int, default=20, help="blocks of monkey steps")
    parser.add_argument("--steps", type=int, default=300, help="monkey steps a block")
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--sessions-a-day", type=int, default=300, help="for the growth said per month")


def resident_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def slope(xs: list[float], ys: list[float]) -> float:
    """Least squares, y per x."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0


def run(args: argparse.Namespace) -> int:
    if args.blocks < 4 or args.steps < 1 or args.sessions_a_day < 1:
        print("kiosk bench soak: --blocks at least 4, --steps and --sessions-a-day at least 1", file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from common.i18n import set_language
    from entry.bench.monkey_common import MonkeyFailure
    from entry.bench.ui_monkey import Monkey, open_kiosk
    from sandbox.server import SandboxServer

    print(f"soak: one kiosk, the ui-monkey (seed {args.seed}) in {args.blocks} blocks of {args.steps} steps; "
          "the first half is warm-up")
    rows: list[tuple[int, float, int]] = []  # (sessions so far, MB, live objects)
    began = time.monotonic()
    with SandboxServer() as sandbox, tempfile.TemporaryDirectory(prefix="soak-") as work:
        set_language("zh_CN")
        gui = open_kiosk(sandbox.url, Path(work) / "kiosk")
        monkey = Monkey(gui, args.seed)
        try:
            for block in range(args.blocks):
                try:
                    tally = monkey.run(args.steps, watchdog_s=3 * monkey.wait_s)
                except MonkeyFailure as failure:
                    print(f"block {block + 1}: FAILED\n{failure}")
                    return 1
                gc.collect()
                rows.append((tally.sessions_ended, resident_mb(), len(gc.get_objects())))
                print(f"block {block + 1:>3}: {tally.steps:>6} steps, {tally.sessions_ended:>5} sessions, "
                      f"resident {rows[-1][1]:7.1f} MB, live objects {rows[-1][2]:,}", flush=True)
        finally:
            gui.close()
    settled = rows[len(rows) // 2:]
    sessions = [float(r[0]) for r in settled]
    mb_per_100 = 100 * slope(sessions, [r[1] for r in settled])
    objects_per_100 = 100 * slope(sessions, [float(r[2]) for r in settled])
    month = mb_per_100 / 100 * args.sessions_a_day * 30
    print(f"after the warm-up ({settled[0][0]} to {settled[-1][0]} sessions): {mb_per_100:+.2f} MB and "
          f"{objects_per_100:+,.0f} live objects per 100 sessions; {month:+.0f} MB a month at "
          f"{args.sessions_a_day} sessions a day; {time.monotonic() - began:.0f} s in all")
    return 0
