"""``kiosk bench desk``: the citizen's wait from "Confirm and submit" to the done screen while every worker of the
kiosk's task pool is held by look-ups that wait out a trickling backend's deadline.

What holds the pool: ``--held`` look-ups (``GET /services`` through :class:`kiosk.backend.client.BackendClient`
with the hall's default timeouts) on a line that sends an answer's head and then a byte just inside each read
timeout (sandbox/bad_lines.py ``Trickle``): each waits out the client's whole-answer deadline. They are given to the
kiosk's own task pool just before the tap, as the look-ups of a line that trickled a moment ago still are (the
previous citizen's running ones, this citizen's queued behind them; the window monkey's seed 660 met them). The
submission itself goes to a sandbox that answers (a separate process), so the figure is the wait behind the
look-ups, not a slow backend's.

Two arms, alternating trial by trial, on the same kiosk (the real Gui on simulated devices, driven through its
widgets by ``entry/bench/ui_journey.py``):

- ``desk``: as shipped since 95a7630: the submission, the notice, the fee order, the queue ticket and the rating
  run on the session's own one-worker lane (``Services.desk_tasks``);
- ``pool``: as before: the session's desk lane is the task pool (``CitizenSession._desk_tasks = tasks``), so the
  submission waits for a worker behind the look-ups.

And, first, ``idle``: the same tap with nothing held, the submission's own time. Printed per arm: the median and
longest seconds from the tap to the done screen over ``--trials``, and how long one look-up waited. Before each
trial the last one's look-ups are waited out, so the trials do not overlap.

Measured 2026-12-06 (session 49) on the 2-core machine, `kiosk bench desk --trials 3` with the hall's timeouts (a
monkey run beside it): each look-up waited 20.0 s (the whole answer's deadline, twice the 10 s read timeout). The
tap to the done screen took 0.1 s with nothing held, 0.1 s on the desk lane with the pool held (longest 0.1 s), and
40.0-40.1 s on the pool: the submission began when the second round of look-ups ended.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ARMS = ("desk", "pool")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--trials", type=int, default=3, help="submissions per arm (medians reported)")
    parser.add_argument("--held", type=int, default=10, help="look-ups given to the pool before the tap (4 workers)")
    parser.add_argument("--read-timeout", type=float,
                        help="the look-ups' backend.read_timeout_s (default: the configuration's; whole answer 2x)")


class HeldLookUps:
    """``count`` look-ups on a trickling line, given to ``tasks``; each records how long it waited."""

    def __init__(self, tasks, url: str, read_timeout_s: float | None, count: int) -> None:
        import dataclasses

        from common.signing import Signer, demo_key
        from kiosk.backend.client import BackendClient
        from kiosk.config import BackendConfig

        config = BackendConfig()
        if read_timeout_s is not None:
            config = dataclasses.replace(config, read_timeout_s=read_timeout_s)
        self.client = BackendClient(dataclasses.replace(config, url=url), "T-BENCH-DESK",
                                    signer=Signer("T-BENCH-DESK", demo_key("T-BENCH-DESK")))
        self.tasks, self.count = tasks, count
        self.started = self.ended = 0
        self.waits: list[float] = []
        self._lock = threading.Lock()

    def _look_up(self) -> None:
        with self._lock:
            self.started += 1
        began = time.monotonic()
        try:
            self.client.catalogue()
        except Exception:  # noqa: BLE001 - the deadline is what it is for
            pass
        with self._lock:
            self.waits.append(time.monotonic() - began)
            self.ended += 1

    def give(self) -> None:
        for _ in range(self.count):
            self.tasks.run(self._look_up, lambda _result: None, lambda _error: None)

    def close(self) -> None:
        self.client.close()


def measure(url: str, work: Path, trials: int, held: int, read_timeout_s: float | None) -> dict[str, list[float]]:
    from common.i18n import set_language
    from entry.bench.ui import _config
    from entry.bench.ui_journey import Journey, wait_for
    from sandbox.bad_lines import Trickle
    from ui.app import Gui

    set_language("zh_CN")
    gui = Gui(_config(url, work / "desk-data", scripted_hand=True), "kiosk")
    waits: dict[str, list[float]] = {"idle": [], **{arm: [] for arm in ARMS}}
    look_up_waits: list[float] = []
    shipped = None
    gap_s = 0.8 * (read_timeout_s if read_timeout_s is not None else _default_read_timeout())
    try:
        gui.window.resize(1280, 800)
        gui.window.show()
        journey = Journey(gui, url)
        session = gui.window.session
        shipped = session._desk_tasks
        journey.session_once("warm-up")  # every screen built once, not measured
        journey.session_once("idle")
        waits["idle"].append(journey.confirm_s)
        with Trickle(gap_s=gap_s) as trickle:
            for trial in range(trials):
                for arm in ARMS if trial % 2 == 0 else ARMS[::-1]:
                    session._desk_tasks = shipped if arm == "desk" else gui.services.tasks
                    look_ups = HeldLookUps(gui.services.tasks, trickle.url, read_timeout_s, held)

                    def hold(look_ups: HeldLookUps = look_ups) -> None:
                        look_ups.give()
                        wait_for(lambda: look_ups.started >= min(4, held), "the pool's workers held", 10)

                    try:
                        journey.session_once(arm, before_confirm=hold)
                        waits[arm].append(journey.confirm_s)
                        print(f"  {arm}: {journey.confirm_s:.2f} s (look-ups started {look_ups.started} of {held})",
                              flush=True)
                        wait_for(lambda: look_ups.ended == held, "the look-ups waited out", 300)
                        look_up_waits.extend(look_ups.waits)
                    finally:
                        look_ups.close()
    finally:
        if shipped is not None:
            gui.window.session._desk_tasks = shipped
        gui.close()
    waits["look-up"] = look_up_waits
    return waits


def _default_read_timeout() -> float:
    from kiosk.config import BackendConfig

    return BackendConfig().read_timeout_s


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from entry.bench import median
    from entry.bench.backend import _start_sandbox, stop_sandbox

    if args.trials < 1 or args.held < 0:
        print("kiosk bench desk: --trials must be at least 1 and --held at least 0", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="bench-desk-"))
    proc, url = _start_sandbox()
    try:
        waits = measure(url, work, args.trials, args.held, args.read_timeout)
    finally:
        stop_sandbox(proc)
        shutil.rmtree(work, ignore_errors=True)
    read = args.read_timeout if args.read_timeout is not None else _default_read_timeout()
    print(f"{args.held} look-ups held on a trickling line (read timeout {read:g} s"
          f"{'' if args.read_timeout is None else ', not the default'}), 4 pool workers; {args.trials} trials")
    print(f"{'':10s} {'median s':>9s} {'longest s':>9s}")
    for name in ("idle", *ARMS, "look-up"):
        values = waits[name]
        print(f"{name:10s} {median(values):9.2f} {max(values, default=0.0):9.2f}")
    return 0
