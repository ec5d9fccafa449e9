"""``kiosk bench fuzz``: the parsers' properties with a large budget and fresh random seeds.

The same properties as ``tests/test_fuzz_*.py`` (:mod:`entry.bench.fuzz_properties`), fed by the
same strategies (:mod:`entry.bench.fuzz_strategies`), run in rounds of at most ``--round``
examples, each with a new seed, until a target has tried ``--examples`` examples or ``--seconds``
have passed. Prints the examples tried per property and target, and for each failure the minimal
failing example hypothesis shrank it to; exits 1 on any failure.

Targets: ``frames`` (SAM frames), ``textblock`` (ID card text blocks and photos), ``payloads`` (scanned QR
payloads), ``qrtext`` (QR bytes to text, serial scanner lines), ``config`` (site file, environment,
remote keys), ``printer`` (CUPS's IPP answers, lpstat's device URIs, xset's output), or ``all``.
"""

from __future__ import annotations

import argparse

TARGET_NAMES = ("frames", "textblock", "payloads", "qrtext", "qrsymbol", "config", "printer")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--examples", type=int, default=6000,
                        help="examples per target, shared among its properties (default 6000)")
    parser.add_argument("--seconds", type=float, default=0.0,
                        help="stop a target after this long even if its examples are not done (default: no limit)")
    parser.add_argument("--target", choices=(*TARGET_NAMES, "all"), default="all", help="what to fuzz (default all)")
    parser.add_argument("--round", type=int, default=1000, help="examples per seeded round (default 1000)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the first round (default: random)")


def _failure_text(exc: BaseException) -> str:
    """The error and the minimal failing example(s) hypothesis attached to it."""
    parts = []
    errors = list(exc.exceptions) if isinstance(exc, BaseExceptionGroup) else [exc]
    for error in errors:
        notes = "\n".join(getattr(error, "__notes__", []))
        parts.append(f"{type(error).__name__}: {str(error)[:500]}\n{notes}".rstrip())
    return "\n".join(parts)


def run_property(prop, examples: int, seconds: float, round_size: int, seed: int) -> tuple[int, str | None]:
    """Examples tried and the first failure (its text), over seeded rounds."""
    import time

    from hypothesis import HealthCheck, Phase, settings
    from hypothesis import seed as with_seed

    tried = 0

    def count() -> None:
        nonlocal tried
        tried += 1

    start = time.monotonic()
    rounds = 0
    while tried < examples and (not seconds or time.monotonic() - start < seconds):
        budget = min(round_size, examples - tried)
        before = tried
        test = settings(max_examples=budget, deadline=None, derandomize=False, database=None, print_blob=False,
                        phases=(Phase.generate, Phase.target, Phase.shrink, Phase.explain),
                        suppress_health_check=list(HealthCheck))(prop.test(count))
        try:
            with_seed(seed + rounds)(test)()
        except BaseException as exc:  # noqa: BLE001 - a failure of the property is what we report
            if isinstance(exc, KeyboardInterrupt):
                raise
            return tried, _failure_text(exc)
        rounds += 1
        if tried == before:
            break  # the strategy has nothing new to give
    return tried, None


def run(args: argparse.Namespace) -> int:
    import random
    import time

    try:
        from entry.bench.fuzz_properties import TARGETS
    except ModuleNotFoundError as exc:
        if exc.name != "hypothesis":
            raise
        print("kiosk bench fuzz needs hypothesis, from the test extra: pip install -e '.[test]'")
        return 2

    targets = TARGET_NAMES if args.target == "all" else (args.target,)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2 ** 32)
    print(f"kiosk bench fuzz: {', '.join(targets)}; {args.examples} examples per target; first seed {seed}")
    total, failures = 0, 0
    for target in targets:
        props = TARGETS[target]
        share = max(1, args.examples // len(props))
        seconds = args.seconds / len(props) if args.seconds else 0.0
        target_tried = 0
        started = time.monotonic()
        for prop in props:
            tried, failure = run_property(prop, share, seconds, args.round, seed)
            target_tried += tried
            status = "ok" if failure is None else "FAILED"
            print(f"  {target:<9} {prop.name:<36} {tried:>7} examples  {status}")
            if failure is not None:
                failures += 1
                print("    " + failure.replace("\n", "\n    "))
        total += target_tried
        print(f"{target:<11} {target_tried:>7} examples in {time.monotonic() - started:6.1f} s")
    print(f"total       {total:>7} examples, {failures} failing propert{'y' if failures == 1 else 'ies'}")
    return 1 if failures else 0
