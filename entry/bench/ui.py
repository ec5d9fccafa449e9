"""``kiosk bench ui``: the terminal's own speed, side by side with a bare PySide6 window in the same run.

Start-up. Each sample is a fresh process (``entry/bench/ui_startup.py``), bare and terminal samples
alternating, after one warm-up of each that is not counted (it fills the page cache: the figures are
for a terminal restarting, not for the first boot after installation) and with our modules' bytecode
compiled first, as an installation leaves it (``compile_bytecode``). The clock starts just before
the process is spawned, so interpreter start and every import count.

- ``paint_ratio`` = terminal's first paint of the real home screen / bare window's first paint
  (medians; target <= 1.5: the home screen first, the heavy parts after);
- ``ratio`` = terminal usable / bare window's first paint (target <= 3). Usable: every device
  started, the ID card reader and the QR scanner (what the home screen invites a citizen to use)
  READY, and the backend's answer to the terminal's first call (enrolment) known, either way: the
  terminal knows whether it is online. The kiosk shows no catalogue or offline banner before a card
  is read, so this is the observable moment it can serve a citizen. When every device was READY
  (the document camera's first frame comes last) is printed beside it, without a target.

Stall. In this process, the real Gui on simulated devices against the sandbox (a separate
process), a precise 5 ms timer on the GUI thread records the longest gap between firings while
the widgets are clicked through a journey: card read, catalogue, service chosen, submitted online
with its receipt printed, then with the backend down (the sandbox's fault switch) submitted offline
and printed. ``stall`` is the longest gap (target < 50 ms), with the step it happened in.

Memory. ``--sessions`` scripted sessions (card placed, identified, catalogue, service, confirm,
receipt, finish, card removed, home) in the same process: ``growth`` = resident memory after all
of them - after the first 10 (target < 30 MB); ``files_left`` counts files created in the data
directory that a terminal does not keep by design (target 0; what is kept by design is listed).
It also warns when references to None, True or False fall over the sessions: PySide6 6.12.0 on
Python 3.11 drops one to None on every call of a void method and one to True on every signal
emit, and the process aborts once a count reaches zero (these runs died at exit with bool_dealloc).

Measured 2026-12-01 (session 10) on the 2-core machine, quiet (load 0.3-0.9), `kiosk bench ui --trials 11`
(500 sessions): bare 234 ms, home screen painted 340 (paint_ratio 1.45), usable 668 (ratio 2.85), every device
ready 1784; process CPU at usable 694 ms (2.97 x the bare window's); stall 34.0 ms ('service chosen', 24.7 ms of
it the GUI thread's own CPU), growth 14.7 MB, files_left 0; 308,587 objects frozen. Two shorter runs right after
(11 trials, 20 sessions): paint_ratio 1.17 and 1.41, ratio 2.43 and 2.95, stall 25.9 and 26.8 ms. The terminal's
own times held (usable 648-687 ms); the ratio moves with the bare window's (233-267 ms medians, 194-289 samples).
Session 9's quiet run gave usable 804 ms, ratio 3.05. What changed for start-up: our dataclasses' methods kept
compiled beside our bytecode (kiosk/dataclass_code.py: CPU at usable 904 against 1023 ms without, interleaved);
the kiosk's input filter on its window instead of the application (the app-wide Python filter made PySide build
~170 enum types after composition, 60-100 ms of the GUI thread). Against session 9's last commit in one
interleaved run (7 samples a side): usable 916 -> 741 ms, CPU at usable 949 -> 778 ms. "Every device ready"
is later than before (1421 ms in session 9): the simulated document camera now draws its pages when it opens
(devices/doccam/sim.py), after the terminal is usable, instead of in the middle of a session.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"paint_ratio": 1.5, "ratio": 3.0, "stall": 50.0, "growth": 30.0, "files_left": 0}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--trials", type=int, default=11, help="start-up samples per side (medians reported)")
    parser.add_argument("--sessions", type=int, default=500, help="scripted sessions for the memory figures")
    parser.add_argument("--url", help="an already running backend (default: start a sandbox process)")
    parser.add_argument("--dir", type=Path, help="working directory (default: a temporary one, removed)")
    parser.add_argument("--scripted-hand", action="store_true",
                        help="the sessions' document camera paced as the headless demo's hand (a page taken after "
                             "0.4 s still, the next after 1 s) instead of the camera's own timing (1 s, 2 s): "
                             "for the test that the bench runs, not for the figures")


def _config(url: str, data_dir: Path, scripted_hand: bool = False):
    from kiosk.config import load_config

    overrides = {"backend": {"url": url}, "paths": {"data_dir": str(data_dir)}, "logging": {"console": False}}
    if scripted_hand:
        from entry.demo import SCRIPTED_HAND

        overrides["devices"] = {"document_camera": dict(SCRIPTED_HAND)}
    return load_config(environ={}, overrides=overrides)


# -- start-up ------------------------------------------------------------------------------------

def _sample(side: str, url: str, data_dir: Path) -> dict[str, float]:
    """One fresh process; its marks in ms since just before the spawn."""
    from entry.bench import ui_startup

    source = Path(ui_startup.__file__).read_text()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    began = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", source, side, url, str(data_dir)], capture_output=True,
                          text=True, timeout=120, env=env, cwd=data_dir.parent)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"the {side} start-up sample failed ({proc.returncode}): {proc.stderr[-800:]}")
    marks = json.loads(lines[-1])
    if "usable" not in marks:
        raise RuntimeError(f"the {side} start-up sample never became usable: {marks}")
    return {name: (at if name.startswith("cpu_") else at - began) * 1000.0 for name, at in marks.items()}


PACKAGES = ("common", "devices", "offline_queue", "kiosk", "ui", "entry")


def compile_bytecode() -> int:
    """Our modules' bytecode written first, as an installed terminal has it (``make`` does the same).
    Where PYTHONDONTWRITEBYTECODE is set (this machine sets it), nothing else writes it, and every
    terminal sample compiled each of our modules from source again: 0.1-0.2 s that a terminal
    restarting never pays. Our dataclasses' methods are compiled beside it, as ``make`` does
    (kiosk/dataclass_code.py). Returns how many packages compiled cleanly."""
    import compileall

    root = Path(__file__).resolve().parents[2]
    compiled = sum(bool(compileall.compile_dir(root / name, quiet=1, workers=0)) for name in PACKAGES)
    subprocess.run([sys.executable, "-c", "import kiosk.dataclass_code as c; c.build()"], cwd=root, timeout=300,
                   env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), capture_output=True, check=False)
    return compiled


def measure_startup(trials: int, url: str, work: Path) -> dict[str, list[float]]:
    data_dir = work / "startup-data"
    compile_bytecode()
    samples: dict[str, list[float]] = {"bare": [], "paint": [], "usable": [], "all_ready": [], "cpu_bare": [],
                                       "cpu_paint": [], "cpu_usable": []}
    _sample("bare", url, data_dir)  # warm-up, not counted
    _sample("terminal", url, data_dir)
    for _ in range(trials):
        bare = _sample("bare", url, data_dir)
        samples["bare"].append(bare["paint"])
        samples["cpu_bare"].append(bare["cpu_paint"])
        terminal = _sample("terminal", url, data_dir)
        for mark in ("paint", "usable", "all_ready", "cpu_paint", "cpu_usable"):
            samples[mark].append(terminal[mark])
    return samples


# -- stall and memory (one Gui in this process) ----------------------------------------------------

def measure_journeys(url: str, work: Path, sessions: int, scripted_hand: bool = False) -> dict:
    from common.i18n import set_language
    import gc

    from entry.bench.gui_stall import StallMeter
    from entry.bench.ui_journey import Journey, classify_new_files, files_under, rss_mb, wait_for
    from ui.app import Gui

    set_language("zh_CN")
    data_dir = work / "journey-data"
    gui = Gui(_config(url, data_dir, scripted_hand), "kiosk", freeze_long_lived=True)  # as kiosk run does (ui/long_lived.py)
    try:
        gui.window.resize(1280, 800)
        gui.window.show()
        meter = StallMeter()
        journey = Journey(gui, url, meter)
        journey.session_once("warm-up")  # first use of every screen and code path, not measured
        # a terminal that has been up a few seconds: its warm-up has built every screen and set what it keeps
        # for life aside from garbage collection (ui/long_lived.py)
        wait_for(lambda: gc.get_freeze_count() > 0, "the warm-up to build every screen", 60)
        frozen = gc.get_freeze_count()
        meter.start()
        journey.session_once("online")
        journey.session_once("offline", offline=True)
        meter.stop()
        journey.meter = None
        before = files_under(data_dir)
        rss: dict[int, float] = {}
        nones: dict[int, dict[str, int]] = {}
        for done in range(1, sessions + 1):
            journey.session_once()
            if done in (10, sessions):
                rss[done] = rss_mb()
                nones[done] = {"None": sys.getrefcount(None), "True": sys.getrefcount(True),
                               "False": sys.getrefcount(False)}
        left, kept = classify_new_files(data_dir, before)
    finally:
        gui.close()
    return {"stall": meter.worst_ms, "stall_cpu": meter.worst_cpu_ms, "stall_step": meter.worst_step, "frozen": frozen,
            "by_step": meter.by_step, "rss": rss, "none_refs": nones, "left": left, "kept": kept}


# -- report ------------------------------------------------------------------------------------------

def _verdict(name: str, value: float, shown: str, detail: str, failed: list[str]) -> str:
    target = TARGETS[name]
    strict = name in ("stall", "growth")  # "< target"; the others are "<= target"
    ok = value < target if strict else value <= target
    if not ok:
        failed.append(name)
    return f"{name:<12} {shown:>9}  (target {'<' if strict else '<='} {target:g})  {'PASS' if ok else 'FAIL'}  {detail}"


def _dataclass_methods() -> int:
    from kiosk.dataclass_code import PATH, CodeCache

    cache = CodeCache(PATH)
    cache.load()
    return cache.loaded


def _ms(values: list[float]) -> str:
    return " ".join(f"{v:.0f}" for v in values)


def report(args: argparse.Namespace, url: str, startup: dict[str, list[float]], journeys: dict) -> int:
    from entry.bench import median

    m = {name: median(values) for name, values in startup.items()}
    bare, paint, usable = m["bare"], m["paint"], m["usable"]
    rss = journeys["rss"]
    growth = rss[args.sessions] - rss[10]
    left = journeys["left"]
    kept = ", ".join(f"{kind}: {count} files" for kind, count in sorted(journeys["kept"].items())) or "none"
    print(f"kiosk bench ui: start-up {args.trials} samples a side (fresh processes, medians, ms from the spawn); "
          f"{args.sessions} sessions; backend {url}")
    print(f"  bare window painted {bare:.0f} | terminal: home screen painted {paint:.0f}, usable {usable:.0f}, "
          f"every device ready {m['all_ready']:.0f} ({m['all_ready'] / bare:.2f} x bare, no target)")
    print(f"  samples: bare {_ms(startup['bare'])} | painted {_ms(startup['paint'])} | usable {_ms(startup['usable'])}")
    print(f"  installed as make leaves it: our bytecode compiled and {_dataclass_methods()} dataclass methods "
          "kept compiled (kiosk/dataclass_code.py)")
    print(f"  process CPU time: bare {m['cpu_bare']:.0f} | painted {m['cpu_paint']:.0f} "
          f"({m['cpu_paint'] / m['cpu_bare']:.2f} x) | usable {m['cpu_usable']:.0f} "
          f"({m['cpu_usable'] / m['cpu_bare']:.2f} x); a loaded machine inflates these less than the clock")
    print("  longest GUI-thread gap by step (ms): "
          + ", ".join(f"{step} {ms:.1f}" for step, ms in journeys["by_step"].items()))
    print(f"  files in the data directory kept by design, not counted: {kept}")
    print(f"  objects set aside from garbage collection before the measured sessions: {journeys['frozen']} "
          "(ui/long_lived.py)")
    refs = journeys["none_refs"]
    lost = {name: refs[10][name] - refs[args.sessions][name] for name in refs[10]}
    if any(n > 0 for n in lost.values()):  # immortal from Python 3.12; before, a binding that under-counts aborts us
        print(f"  WARNING: references lost over {args.sessions - 10} sessions: "
              + ", ".join(f"{name} {n}" for name, n in lost.items() if n > 0)
              + " (PySide6 6.12.0 on Python 3.11 drops a reference to None on every call of a void method); "
                "the process aborts when a count reaches zero")
    failed: list[str] = []
    lines = [
        _verdict("paint_ratio", paint / bare, f"{paint / bare:.2f}", f"home screen {paint:.0f} / bare {bare:.0f} ms",
                 failed),
        _verdict("ratio", usable / bare, f"{usable / bare:.2f}", f"usable {usable:.0f} / bare {bare:.0f} ms", failed),
        _verdict("stall", journeys["stall"], f"{journeys['stall']:.1f} ms",
                 f"in '{journeys['stall_step']}'; the GUI thread's own CPU in that gap "
                 f"{journeys['stall_cpu']:.1f} ms", failed),
        _verdict("growth", growth, f"{growth:.1f} MB",
                 f"RSS {rss[10]:.1f} MB after 10 sessions, {rss[args.sessions]:.1f} MB after {args.sessions}", failed),
        _verdict("files_left", len(left), str(len(left)),
                 ", ".join(str(p) for p in left[:5]) or "no file of a session left in the data directory", failed),
    ]
    print("\n".join(lines))
    if failed:
        print(f"FAIL: {', '.join(failed)} missed the target")
        return 1
    print("PASS: every figure within its target")
    return 0


def run(args: argparse.Namespace) -> int:
    import shutil

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from entry.bench.backend import _start_sandbox, stop_sandbox

    if args.trials < 1 or args.sessions < 10:
        print("kiosk bench ui: --trials must be at least 1 and --sessions at least 10", file=sys.stderr)
        return 2
    work = args.dir.resolve() if args.dir else Path(tempfile.mkdtemp(prefix="bench-ui-"))
    work.mkdir(parents=True, exist_ok=True)
    proc, url = (None, args.url) if args.url else _start_sandbox()
    try:
        startup = measure_startup(args.trials, url, work)
        journeys = measure_journeys(url, work, args.sessions, args.scripted_hand)
    finally:
        if proc is not None:
            stop_sandbox(proc)
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)
    return report(args, url, startup, journeys)
