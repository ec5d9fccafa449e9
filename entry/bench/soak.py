"""``kiosk bench soak``: does a terminal grow as it serves people, session after session, for hours?

A hall runs the terminal for weeks between restarts, so what a session leaves behind adds up. One kiosk (simulated
devices; the sandbox in a process of its own on loopback, so that the cases and scans it keeps do not count as the
kiosk's) is worked by the seeded monkey of ``kiosk bench ui-monkey`` in blocks of ``--steps``; with ``--terminal
window``, one window (registered with the hall as a window, as ``kiosk bench window-monkey`` does) by that bench's
monkey, its "sessions" the applicants' matters that ended (``--customer-screen``: with the applicant's own
screen). After each block the process's resident memory is read, split into anonymous memory (what the program
allocated) and pages of mapped files (libraries, fonts), and Python's live objects (after a full collection; what
the terminal set aside for its life, ui/long_lived.py, is not counted; ``--unfrozen`` sets nothing aside); with
``--trim``, the resident memory again once glibc has handed back its free heap (``malloc_trim``, which the terminal
itself does after each citizen: kiosk/allocator.py). The allocator is set as ``kiosk run`` sets it. The first half
of the blocks is the warm-up (screens built, caches filled); the growth is fitted over the second half (Theil-Sen),
in MB and objects per 100 sessions, and said as MB per month at ``--sessions-a-day`` (300: a busy hall's kiosk);
the types of live objects and the mapped files that grew most over it are named; with ``--tracemalloc``, also the
lines whose allocations, still live, grew Python's heap most over it (every object, strings and bytes too, which
the count of live objects leaves out: it counts what the collector tracks). Exit status 1 when a block fails (the
monkey's own checks: an error, a dead end, a citizen's leftovers).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from entry.bench.monkey_common import HOLD_LIMIT_S
from kiosk.allocator import resident_mb


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--terminal", choices=("kiosk", "window"), default="kiosk",
                        help="the kiosk and its citizens, or the clerk's window and its applicants")
    parser.add_argument("--customer-screen", action="store_true",
                        help="with --terminal window: the window has the applicant's own screen, and the applicant "
                             "steps on it")
    parser.add_argument("--blocks", type=int, default=20, help="blocks of monkey steps")
    parser.add_argument("--steps", type=int, default=300, help="monkey steps a block")
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--sessions-a-day", type=int, default=300, help="for the growth said per month")
    parser.add_argument("--glibc-defaults", action="store_true",
                        help="leave glibc's allocator as it comes (no arena limit, nothing given back after each "
                             "citizen), to compare with the terminal's (kiosk/allocator.py)")
    parser.add_argument("--unfrozen", action="store_true",
                        help="leave what the terminal keeps for life to the garbage collector (kiosk run sets it "
                             "aside: ui/long_lived.py), to compare")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="trace Python's allocations from the first block fitted to the last and list the "
                             "source lines whose live memory grew most (slows the terminal: its own figures are not "
                             "the shipped terminal's)")
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


def resident_kinds() -> dict[str, float]:
    """This process's resident memory by kind (Linux ``/proc/self/status``), in MB: ``anon`` (the heaps, stacks and
    anonymous maps: what the program allocated), ``file`` (pages of mapped files: the libraries' code and data, font
    files; the kernel may drop them and read them again) and ``shmem``. Empty where it cannot be read."""
    names = {"RssAnon:": "anon", "RssFile:": "file", "RssShmem:": "shmem"}
    kinds: dict[str, float] = {}
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                fields = line.split()
                if fields and fields[0] in names and len(fields) >= 2:
                    kinds[names[fields[0]]] = int(fields[1]) / 1000  # kB
    except (OSError, ValueError):
        return {}
    return kinds


def mapped_files() -> Counter:
    """Resident kB of each mapped file of this process (Linux ``/proc/self/smaps``): which files' pages the growth of
    the ``file`` kind is. Empty where it cannot be read."""
    resident: Counter = Counter()
    path = ""
    try:
        with open("/proc/self/smaps", encoding="utf-8", errors="replace") as smaps:
            for line in smaps:
                fields = line.split()
                if not fields:
                    continue
                if not fields[0].endswith(":"):  # a mapping's header: address perms offset dev inode [path]
                    path = fields[5] if len(fields) >= 6 and fields[5].startswith("/") else ""
                elif fields[0] == "Rss:" and path and len(fields) >= 2:
                    resident[path] += int(fields[1])
    except (OSError, ValueError):
        return Counter()
    return resident


TRACED_SLOWER = 4  # the GUI thread's hold limit under --tracemalloc, times the monkeys' (a window step held 1.36 s)
HEAP_FRAMES = 6  # of each allocation's stack kept by tracemalloc: enough to see which of our lines asked for it


def heap_snapshot(path: Path) -> Path:
    """tracemalloc's snapshot of Python's live allocations written to ``path`` and let go: a snapshot holds a tuple
    for each live block (a million), which the next block's figures would count as the terminal's."""
    import tracemalloc

    snapshot = tracemalloc.take_snapshot()
    snapshot.dump(str(path))
    del snapshot
    gc.collect()
    return path


def heap_grown(before: Path, after: Path, most: int = 12) -> str:
    """The allocation sites (the innermost frame, and the innermost of this project's when that is not it) whose live
    memory grew most from the snapshot ``before`` to ``after``, and the total: what Python's heap kept of the growth
    (tracemalloc's own allocations left out)."""
    import tracemalloc

    root = str(Path(__file__).resolve().parents[2])
    own = [tracemalloc.Filter(False, tracemalloc.__file__)]
    diff = tracemalloc.Snapshot.load(str(after)).filter_traces(own).compare_to(
        tracemalloc.Snapshot.load(str(before)).filter_traces(own), "traceback")
    total = sum(stat.size_diff for stat in diff)
    sites: Counter = Counter()
    counts: Counter = Counter()
    for stat in diff:
        frames = list(reversed(stat.traceback))  # innermost first (a traceback is kept oldest first)
        ours = next((f for f in frames if f.filename.startswith(root) and "/.venv/" not in f.filename), frames[0])
        inner = frames[0]
        site = f"{Path(inner.filename).name}:{inner.lineno}"
        if ours is not inner:
            site += f" from {os.path.relpath(ours.filename, root)}:{ours.lineno}"
        sites[site] += stat.size_diff
        counts[site] += stat.count_diff
    lines = [f"Python's traced heap after the warm-up: {total / 1e6:+.2f} MB; grown most:"]
    lines += [f"  {size / 1e3:+9.1f} kB {counts[site]:+7,} blocks  {site}" for site, size in sites.most_common(most)
              if size > 0]
    return "\n".join(lines)


def census() -> Counter:
    """Python's live objects by type (module and name), after a full collection; what the terminal set aside for its
    life is not among them (ui/long_lived.py)."""
    return Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.get_objects())


def grown(before: Counter, after: Counter, most: int = 8) -> str:
    """The types whose live objects grew most from ``before`` to ``after``, as "+n type" joined."""
    growth = Counter({name: after[name] - before[name] for name in after if after[name] > before[name]})
    return ", ".join(f"+{n} {name}" for name, n in growth.most_common(most)) or "none"


def open_worked(args: argparse.Namespace, url: str, work: Path):
    """The terminal the soak works and its monkey, made as the monkeys' benches make them; a window is first
    registered with the hall (the sandbox's ``/control/windows/{id}``), as an administrator does."""
    if args.terminal == "kiosk":
        from entry.bench.ui_monkey import Monkey, open_kiosk

        gui = open_kiosk(url, work / "kiosk", freeze=not args.unfrozen)
        return gui, Monkey(gui, args.seed)
    import requests

    from entry.bench.monkey_common import monkey_terminal_id, open_terminal
    from entry.bench.window_monkey import WindowMonkey, window_config

    terminal_id = monkey_terminal_id("window-monkey", args.seed)
    requests.post(f"{url}/control/windows/{terminal_id}", timeout=10).raise_for_status()
    gui = open_terminal(window_config(url, work / "window", args.customer_screen, terminal_id), "window",
                        freeze=not args.unfrozen)
    return gui, WindowMonkey(gui, args.seed)


def run(args: argparse.Namespace) -> int:
    if args.blocks < 4 or args.steps < 1 or args.sessions_a_day < 1:
        print("kiosk bench soak: --blocks at least 4, --steps and --sessions-a-day at least 1", file=sys.stderr)
        return 2
    if args.customer_screen and args.terminal != "window":
        print("kiosk bench soak: --customer-screen is the window's (--terminal window)", file=sys.stderr)
        return 2
    from kiosk.allocator import leave_to_glibc, tune

    if args.glibc_defaults:
        leave_to_glibc()
        tuned = {}
    else:
        tuned = tune()  # as kiosk run does, before the threads start (kiosk/allocator.py)
    from entry.offscreen import use_offscreen

    use_offscreen()  # the window's applicant screen on a second monitor
    from common.i18n import set_language
    from entry.bench.backend import _start_sandbox, stop_sandbox
    from entry.bench.monkey_common import MonkeyFailure

    who = ("one window" + (" with the applicant's screen" if args.customer_screen else "") + ", the window-monkey"
           if args.terminal == "window" else "one kiosk, the ui-monkey")
    print(f"soak: {who} (seed {args.seed}) in {args.blocks} blocks of {args.steps} steps; "
          "the first half is warm-up; " + ("glibc's allocator as it comes" if args.glibc_defaults else
                                           f"allocator {tuned or 'as the environment set it'}, its free pages given "
                                           "back after each citizen") + ("; nothing set aside from the collector"
                                                                          if args.unfrozen else ""))
    rows: list[tuple[int, float, int, float | None]] = []  # (sessions so far, MB, live objects, MB trimmed)
    kinds: list[dict[str, float]] = []  # each block's resident MB by kind
    censuses: list[Counter] = []  # live objects by type, after the warm-up and at the end
    files: list[Counter] = []  # resident kB of each mapped file, at the same two points
    heaps: list[Path] = []  # tracemalloc's snapshots at the same two points, in the work directory (--tracemalloc)
    hold_limit_s = HOLD_LIMIT_S
    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start(HEAP_FRAMES)
        hold_limit_s *= TRACED_SLOWER  # every allocation recorded: a step the monkey's limit allows takes longer
    began = time.monotonic()
    sandbox, url = _start_sandbox()  # a process of its own: the cases it keeps are not the kiosk's memory
    with tempfile.TemporaryDirectory(prefix="soak-") as work:
        set_language("zh_CN")
        gui, monkey = open_worked(args, url, Path(work))
        try:
            for block in range(args.blocks):
                try:
                    tally = monkey.run(args.steps, watchdog_s=3 * monkey.wait_s, hold_limit_s=hold_limit_s)
                except MonkeyFailure as failure:
                    print(f"block {block + 1}: FAILED\n{failure}")
                    return 1
                gc.collect()
                if block + 1 in (args.blocks // 2 + 1, args.blocks):  # the first block fitted, and the last
                    censuses.append(census())
                    files.append(mapped_files())
                    if args.tracemalloc:  # on disk until compared: a snapshot holds a tuple for each live block
                        heaps.append(heap_snapshot(Path(work) / f"heap-{block + 1}.tracemalloc"))
                resident = resident_mb() or 0.0
                trimmed = trimmed_mb() if args.trim else None
                rows.append((tally.sessions_ended, resident, len(gc.get_objects()), trimmed))
                kinds.append(resident_kinds())
                split = ", ".join(f"{kind} {mb:.1f}" for kind, mb in kinds[-1].items())
                print(f"block {block + 1:>3}: {tally.steps:>6} steps, {tally.sessions_ended:>5} sessions, "
                      f"resident {resident:7.1f} MB" + (f" ({trimmed:.1f} once trimmed)" if trimmed else "")
                      + (f" [{split}]" if split else "") + f", live objects {rows[-1][2]:,}", flush=True)
        finally:
            gui.close()
            stop_sandbox(sandbox)
            if args.tracemalloc:
                tracemalloc.stop()
        heap = heap_grown(*heaps) if len(heaps) == 2 else ""  # before the work directory goes, with the snapshots
    settled = rows[len(rows) // 2:]
    sessions = [float(r[0]) for r in settled]
    mb_per_100 = 100 * slope(sessions, [r[1] for r in settled])
    objects_per_100 = 100 * slope(sessions, [float(r[2]) for r in settled])
    month = mb_per_100 / 100 * args.sessions_a_day * 30
    trimmed = ""
    if args.trim and all(r[3] is not None for r in settled):
        kept_per_100 = 100 * slope(sessions, [r[3] for r in settled])
        trimmed = f" (once trimmed: {kept_per_100:+.2f} MB)"
    settled_kinds = kinds[len(kinds) // 2:]
    by_kind = ", ".join(f"{kind} {100 * slope(sessions, [k.get(kind, 0.0) for k in settled_kinds]):+.2f}"
                        for kind in settled_kinds[-1]) if settled_kinds and settled_kinds[-1] else ""
    if by_kind:
        trimmed += f" [{by_kind}]"
    print(f"after the warm-up ({settled[0][0]} to {settled[-1][0]} sessions): {mb_per_100:+.2f} MB{trimmed} and "
          f"{objects_per_100:+,.0f} live objects per 100 sessions; {month:+.0f} MB a month at "
          f"{args.sessions_a_day} sessions a day; {time.monotonic() - began:.0f} s in all")
    if len(censuses) == 2:
        print(f"live objects grown most after the warm-up: {grown(*censuses)}")
    if len(files) == 2:
        print(f"mapped files grown most after the warm-up (kB): {grown(*files)}")
    if heap:
        print(heap)
    return 0
