"""``kiosk bench soak``: does the kiosk grow as it serves citizens, session after session, for hours?

A hall runs the terminal for weeks between restarts, so what a session leaves behind adds up. One
kiosk (simulated devices; the sandbox in a process of its own on loopback, so that the cases and scans
it keeps do not count as the kiosk's) is worked by the seeded monkey of ``kiosk bench
ui-monkey`` in blocks of ``--steps``; after each block the process's resident memory and Python's
live objects are read (after a full collection); with ``--trim``, the resident memory again once glibc has handed back its
free heap (``malloc_trim``, which the terminal itself does after each citizen: kiosk/allocator.py). The allocator is
set as ``kiosk run`` sets it. The
first half of the blocks is the warm-up (screens built, caches filled); the growth is fitted over the
second half (Theil-Sen), in MB and objects per 100 sessions, and said as MB per month at
``--sessions-a-day`` (300: a busy hall's kiosk). Exit status 1 when a
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

from kiosk.allocator import resident_mb


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--blocks", type=int, default=20, help="blocks of monkey steps")
    parser.add_argument("--steps", type=int, default=300, help="monkey steps a block")
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--sessions-a-day", type=int, default=300, help="for the growth said per month")
    parser.add_argument("--glibc-defaults", action="store_true",
                        help="leave glibc's allocator as it comes (no arena limit, nothing given back after each "
                             "citizen), to compare with the terminal's (kiosk/allocator.py)")
    parser.add_argument("--trim", action="store_true",
                        help="after each block also read the memory once glibc has handed back its free heap "
                             "(malloc_trim; it changes what the next block starts from)")


def slope(xs: list[float], ys: list[float]) -> float:
    """Theil-Sen: the median of the slopes between every two points, y per x. One block that ends on a high
    water mark (a run of 1,244 sessions ended 48 MB up in its last block alone) moves a least-squares line
    a third; it moves this one a point at most."""
    pairs = [(ys[j] - ys[i]) / (xs[j] - xs[i]) for i in range(len(xs)) for j in range(i + 1, len(xs))
             if xs[j] != xs[i]]
    return statistics.median(pairs) if pairs else 0.0


def trimmed_mb() -> float | None:
    """Resident memory once glibc has given back what its heap holds free (``malloc_trim``, as the terminal does after
    each citizen: kiosk/allocator.py): what the process keeps, without what it has freed and the allocator has not yet
    returned. None without glibc."""
    from kiosk.allocator import available, give_back

    if not available():
        return None
    give_back()
    return resident_mb()


def run(args: argparse.Namespace) -> int:
    if args.blocks < 4 or args.steps < 1 or args.sessions_a_day < 1:
        print("kiosk bench soak: --blocks at least 4, --steps and --sessions-a-day at least 1", file=sys.stderr)
        return 2
    from kiosk.allocator import leave_to_glibc, tune

    if args.glibc_defaults:
        leave_to_glibc()
        tuned = {}
    else:
        tuned = tune()  # as kiosk run does, before the threads start (kiosk/allocator.py)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from common.i18n import set_language
    from entry.bench.backend import _start_sandbox
    from entry.bench.monkey_common import MonkeyFailure
    from entry.bench.ui_monkey import Monkey, open_kiosk

    print(f"soak: one kiosk, the ui-monkey (seed {args.seed}) in {args.blocks} blocks of {args.steps} steps; "
          "the first half is warm-up; " + ("glibc's allocator as it comes" if args.glibc_defaults else
                                           f"allocator {tuned or 'as the environment set it'}, its free pages given "
                                           "back after each citizen"))
    rows: list[tuple[int, float, int, float | None]] = []  # (sessions so far, MB, live objects, MB trimmed)
    began = time.monotonic()
    sandbox, url = _start_sandbox()  # a process of its own: the cases it keeps are not the kiosk's memory
    with tempfile.TemporaryDirectory(prefix="soak-") as work:
        set_language("zh_CN")
        gui = open_kiosk(url, Path(work) / "kiosk")
        monkey = Monkey(gui, args.seed)
        try:
            for block in range(args.blocks):
                try:
                    tally = monkey.run(args.steps, watchdog_s=3 * monkey.wait_s)
                except MonkeyFailure as failure:
                    print(f"block {block + 1}: FAILED\n{failure}")
                    return 1
                gc.collect()
                resident = resident_mb() or 0.0
                trimmed = trimmed_mb() if args.trim else None
                rows.append((tally.sessions_ended, resident, len(gc.get_objects()), trimmed))
                print(f"block {block + 1:>3}: {tally.steps:>6} steps, {tally.sessions_ended:>5} sessions, "
                      f"resident {resident:7.1f} MB" + (f" ({trimmed:.1f} once trimmed)" if trimmed else "")
                      + f", live objects {rows[-1][2]:,}", flush=True)
        finally:
            gui.close()
            sandbox.terminate()
            sandbox.wait(10)
    settled = rows[len(rows) // 2:]
    sessions = [float(r[0]) for r in settled]
    mb_per_100 = 100 * slope(sessions, [r[1] for r in settled])
    objects_per_100 = 100 * slope(sessions, [float(r[2]) for r in settled])
    month = mb_per_100 / 100 * args.sessions_a_day * 30
    trimmed = ""
    if args.trim and all(r[3] is not None for r in settled):
        kept_per_100 = 100 * slope(sessions, [r[3] for r in settled])
        trimmed = f" (once trimmed: {kept_per_100:+.2f} MB)"
    print(f"after the warm-up ({settled[0][0]} to {settled[-1][0]} sessions): {mb_per_100:+.2f} MB{trimmed} and "
          f"{objects_per_100:+,.0f} live objects per 100 sessions; {month:+.0f} MB a month at "
          f"{args.sessions_a_day} sessions a day; {time.monotonic() - began:.0f} s in all")
    return 0
