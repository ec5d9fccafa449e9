"""``kiosk bench soak``'s short version: blocks of the monkey on one kiosk, memory and live objects read after each,
the growth fitted after the warm-up. The long runs (thousands of sessions) are the bench's."""

import argparse
import re
import tracemalloc
from pathlib import Path

from collections import Counter

from entry.bench.soak import HEAP_FRAMES, grown, heap_grown, heap_snapshot, run, slope


def test_the_soak_reads_memory_after_each_block_and_fits_the_growth(capfd):
    assert run(argparse.Namespace(blocks=4, steps=20, seed=7, sessions_a_day=300, trim=True, glibc_defaults=False,
                                  unfrozen=False, terminal="kiosk", customer_screen=False, tracemalloc=False)) == 0
    out = capfd.readouterr().out
    assert "allocator {'MALLOC_ARENA_MAX': 2}, its free pages given back after each citizen" in out  # as kiosk run
    blocks = re.findall(r"block +\d+: +\d+ steps, +\d+ sessions, resident +[\d.]+ MB \([\d.]+ once trimmed\) "
                        r"\[anon [\d.]+, file [\d.]+, shmem [\d.]+\], live objects [\d,]+", out)
    assert len(blocks) == 4, out
    assert re.search(r"after the warm-up \(\d+ to \d+ sessions\): [-+][\d.]+ MB \(once trimmed: [-+][\d.]+ MB\) "
                     r"\[anon [-+][\d.]+, file [-+][\d.]+, shmem [-+][\d.]+\] and "
                     r"[-+][\d,]+ live objects per 100 "
                     r"sessions; [-+]\d+ MB a month at 300 sessions a day", out)
    assert re.search(r"live objects grown most after the warm-up: (none|\+\d+ [\w.<>]+)", out), out
    assert re.search(r"mapped files grown most after the warm-up \(kB\): (none|\+\d+ /)", out), out


def test_the_window_is_soaked_as_its_monkey_works_it(capfd):
    assert run(argparse.Namespace(blocks=4, steps=15, seed=11, sessions_a_day=100, trim=False, glibc_defaults=False,
                                  unfrozen=False, terminal="window", customer_screen=True, tracemalloc=False)) == 0
    out = capfd.readouterr().out
    assert "soak: one window with the applicant's screen, the window-monkey (seed 11) in 4 blocks of 15 steps" in out
    assert len(re.findall(r"block +\d+: +\d+ steps, +\d+ sessions, resident +[\d.]+ MB", out)) == 4, out
    assert re.search(r"after the warm-up \(\d+ to \d+ sessions\): [-+][\d.]+ MB .* a month at 100 sessions a day",
                     out), out



def test_the_customer_screen_is_the_windows(capfd):
    assert run(argparse.Namespace(blocks=4, steps=15, seed=11, sessions_a_day=100, trim=False, glibc_defaults=False,
                                  unfrozen=False, terminal="kiosk", customer_screen=True, tracemalloc=False)) == 2
    assert "--customer-screen is the window's" in capfd.readouterr().err


def test_the_fit_is_least_squares():
    assert slope([0, 1, 2, 3], [1, 3, 5, 7]) == 2.0
    assert slope([0, 1, 2, 3, 4], [0, 1, 2, 3, 100]) == 1.0  # one high water mark at the end moves it little
    assert slope([5, 5], [1, 2]) == 0.0


def test_too_few_blocks_are_refused(capfd):
    assert run(argparse.Namespace(blocks=2, steps=20, seed=7, sessions_a_day=300, trim=False, glibc_defaults=False,
                                  unfrozen=False, terminal="kiosk", customer_screen=False, tracemalloc=False)) == 2
    assert "--blocks at least 4" in capfd.readouterr().err


def test_the_types_grown_most_are_named():
    before, after = Counter({"a.List": 10, "b.Gone": 5}), Counter({"a.List": 25, "c.New": 3, "b.Gone": 1})
    assert grown(before, after) == "+15 a.List, +3 c.New"
    assert grown(after, after) == "none"


def test_mapped_files_are_read_from_smaps():
    from entry.bench.soak import mapped_files

    files = mapped_files()
    assert any("python" in path or "libc" in path for path in files) and all(kb >= 0 for kb in files.values())


def test_the_benches_sandbox_writes_its_warnings_to_a_file_not_a_pipe_nobody_reads():
    """A pipe nobody read filled with the warnings of the faults the monkey asked for, and the sandbox stopped in its
    next write (soak, window seed 23, block 10): its stderr is a file now."""
    import os
    import stat

    from entry.bench.backend import _start_sandbox, stop_sandbox

    proc, url = _start_sandbox()
    try:
        assert proc.stderr is None and url.startswith("http://127.0.0.1:")
        assert stat.S_ISREG(os.stat(f"/proc/{proc.pid}/fd/2").st_mode)
    finally:
        stop_sandbox(proc)
    assert proc.returncode is not None


def test_a_sandbox_deaf_to_sigterm_is_killed_not_waited_on_for_ever():
    import subprocess
    import sys

    from entry.bench.backend import stop_sandbox

    deaf = subprocess.Popen([sys.executable, "-c", "import signal, sys, time; signal.signal(signal.SIGTERM, "
                             "signal.SIG_IGN); sys.stdout.write('ready\\n'); sys.stdout.flush(); time.sleep(60)"],
                            stdout=subprocess.PIPE)
    assert deaf.stdout.readline() == b"ready\n"  # its SIGTERM ignored before it is asked
    stop_sandbox(deaf, grace_s=0.5)
    assert deaf.returncode == -9


KEPT: list[bytes] = []


def _keep_some() -> None:
    KEPT.extend(b"x" * 1000 + bytes([i % 256]) for i in range(300))  # about 300 kB, still live when compared


def test_the_traced_heap_names_the_line_whose_memory_grew(tmp_path):
    """--tracemalloc's report (the window's soak with it: 107 s, so the bench's alone): two snapshots on disk, the
    line that kept 300 kB between them named with what it kept."""
    tracemalloc.start(HEAP_FRAMES)
    try:
        before = heap_snapshot(tmp_path / "before")
        _keep_some()
        after = heap_snapshot(tmp_path / "after")
    finally:
        tracemalloc.stop()
    try:
        report = heap_grown(before, after)
    finally:
        KEPT.clear()
    lines = report.splitlines()
    assert re.fullmatch(r"Python's traced heap after the warm-up: \+0\.[2-4]\d MB; grown most:", lines[0]), report
    site = re.fullmatch(r" +\+(\d+\.\d) kB +\+(\d+) blocks +test_bench_soak\.py:(\d+)", lines[1])
    assert site is not None, report
    assert 300 <= float(site[1]) <= 340 and int(site[2]) >= 300, report
    assert "KEPT.extend" in Path(__file__).read_text().splitlines()[int(site[3]) - 1], report
