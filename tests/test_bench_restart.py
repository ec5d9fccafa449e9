"""``kiosk bench restart``'s short version: the real terminal under the supervisor is back after a crash,
and the crash is recorded. The figures (crash and freeze, several trials) are the bench's."""

import argparse

from entry.bench.restart import run


def test_a_crashed_terminal_is_back_and_the_bench_says_so(capsys):
    code = run(argparse.Namespace(trials=1, faults="crash", freeze_s=10.0, settle_s=1.0))
    out = capsys.readouterr().out
    assert code == 0, out
    assert "crash  trial 1: back after " in out and "restarts recorded: crashed (ended by SIGSEGV)" in out
    assert out.rstrip().endswith("PASS")


def test_an_unknown_fault_is_refused_plainly(capsys):
    assert run(argparse.Namespace(trials=1, faults="flood", freeze_s=10.0, settle_s=1.0)) == 2
    assert "--faults takes crash, freeze" in capsys.readouterr().err


def test_a_terminal_past_its_memory_bound_is_started_afresh_while_idle_and_the_bench_times_it(capsys):
    code = run(argparse.Namespace(trials=1, faults="memory", freeze_s=10.0, settle_s=1.0))
    out = capsys.readouterr().out
    assert code == 0, out
    assert "memory trial 1: decided " in out and "memory back: median " in out
    assert "restarts recorded: memory (resident memory " in out and out.rstrip().endswith("PASS")


def test_a_terminal_whose_reader_hangs_is_started_afresh_while_idle_and_the_bench_times_it(capsys):
    code = run(argparse.Namespace(trials=1, faults="device", freeze_s=10.0, settle_s=1.0))
    out = capsys.readouterr().out
    assert code == 0, out
    assert "device trial 1: decided " in out and "device back: median " in out
    assert "restarts recorded: device (a device held by a call that never returned)" in out
    assert out.rstrip().endswith("PASS")
