"""kiosk bench fuzz: examples counted per property and target, a failure shown at its minimal example, exit 1."""

import argparse

from hypothesis import strategies as st

from entry.bench import fuzz
from entry.bench.fuzz_properties import TARGETS, Property


def bench_args(**given) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    fuzz.add_arguments(parser)
    args = parser.parse_args([])
    vars(args).update(given)
    return args


def test_the_bench_counts_the_examples_of_every_property(capsys):
    assert fuzz.run(bench_args(target="payloads", examples=80, seed=1)) == 0
    out = capsys.readouterr().out
    for prop in TARGETS["payloads"]:
        assert f"{prop.name:<36}      20 examples  ok" in out
    assert "total            80 examples, 0 failing properties" in out


def below_a_thousand(value: int) -> None:
    assert value < 1000


def test_a_failure_is_shown_at_its_minimal_example_and_fails_the_run(capsys, monkeypatch):
    failing = Property("below_a_thousand", lambda: st.integers(), below_a_thousand)
    monkeypatch.setitem(TARGETS, "payloads", (failing,))
    assert fuzz.run(bench_args(target="payloads", examples=500, seed=1)) == 1
    out = capsys.readouterr().out
    assert "below_a_thousand" in out and "FAILED" in out
    assert "Example: 1000\n" in out  # shrunk to the smallest integer that fails
    assert "1 failing property" in out
