"""``kiosk bench soak``'s short version: blocks of the monkey on one kiosk, memory and live objects read after each,
the growth fitted after the warm-up. The long runs (thousands of sessions) are the bench's."""

import argparse
import re

from entry.bench.soak import run, slope


def test_the_soak_reads_memory_after_each_block_and_fits_the_growth(capfd):
    assert run(argparse.Namespace(blocks=4, steps=20, seed=7, sessions_a_day=300, trim=True, glibc_defaults=False)) == 0
    out = capfd.readouterr().out
    assert "allocator {'MALLOC_ARENA_MAX': 2}, its free pages given back after each citizen" in out  # as kiosk run
    blocks = re.findall(r"block +\d+: +\d+ steps, +\d+ sessions, resident +[\d.]+ MB \([\d.]+ once trimmed\), "
                        r"live objects [\d,]+", out)
    assert len(blocks) == 4, out
    assert re.search(r"after the warm-up \(\d+ to \d+ sessions\): [-+][\d.]+ MB \(once trimmed: [-+][\d.]+ MB\) and "
                     r"[-+][\d,]+ live objects per 100 "
                     r"sessions; [-+]\d+ MB a month at 300 sessions a day", out)


def test_the_fit_is_least_squares():
    assert slope([0, 1, 2, 3], [1, 3, 5, 7]) == 2.0
    assert slope([0, 1, 2, 3, 4], [0, 1, 2, 3, 100]) == 1.0  # one high water mark at the end moves it little
    assert slope([5, 5], [1, 2]) == 0.0


def test_too_few_blocks_are_refused(capfd):
    assert run(argparse.Namespace(blocks=2, steps=20, seed=7, sessions_a_day=300, trim=False, glibc_defaults=False)) == 2
    assert "--blocks at least 4" in capfd.readouterr().err
