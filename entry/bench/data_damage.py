"""``kiosk bench data-damage``: does the terminal start on a used data folder with one of its files damaged?

A used data folder (``--from DIR``, or one ``kiosk demo --headless --one-size`` leaves) is copied once for each file
and each damage: emptied, overwritten with random bytes, cut to half, or a folder put in its place. ``kiosk run`` then
starts on it (offscreen, against a sandbox of its own), once as a kiosk and once as a window: it must come up (its
services built and started), still run a few seconds later, stop in order on SIGTERM (status 0), and never print a
traceback. What the start said of the damage at WARNING or above is listed beside each (a file read only when used,
a saved catalogue or the offline sign-ins, says nothing at a start). Printouts, receipts and logs are the
terminal's output, not its state: left alone.

The first run (2026-12-08) found a damaged queue key made every start fail, the terminal started again and again for
good; an audit trail that could not be read held every step in memory and said nothing; an emptied installation id,
a lost seal and a cut tail went unsaid (kiosk/queue_setup.py, kiosk/audit.py, kiosk/installation.py). Exit status 1
when a start failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

DAMAGES = ("empty", "garbage", "half", "folder")
OUTPUT = ("printouts", "receipts", "logs")  # what the terminal made for people, not what it runs on
STARTED = "long-lived objects set aside"  # the log's line once the services are built and started
_TERMINAL_ID = re.compile(r"DEMO-[0-9A-F]{6}")
# said at every start of a demo terminal on a sandbox, damaged or not: left out of what each start said
ORDINARY = ("signing with the sandbox demo key", "another installation too", "does not list terminal", "asked to stop")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="source", type=Path, default=None,
                        help="a used data folder (default: the one kiosk demo --headless --one-size leaves)")
    parser.add_argument("--terminal-id", default="", help="the terminal id the folder was used under (with --from)")
    parser.add_argument("--modes", default="kiosk,window", help="comma-separated: kiosk, window")
    parser.add_argument("--damages", default=",".join(DAMAGES), help="comma-separated: " + ", ".join(DAMAGES))
    parser.add_argument("--files", default="", help="only files whose path contains one of these (comma-separated)")
    parser.add_argument("--settle-s", type=float, default=3.0, help="how long a started terminal runs before SIGTERM")


def damage(path: Path, how: str, seed: int = 1) -> None:
    """``path`` damaged as ``how`` (one of :data:`DAMAGES`)."""
    data = path.read_bytes() if path.is_file() else b""
    if how == "empty":
        path.write_bytes(b"")
    elif how == "garbage":
        path.write_bytes(random.Random(seed).randbytes(max(64, len(data))))
    elif how == "half":
        path.write_bytes(data[: len(data) // 2])
    elif how == "folder":
        if path.exists():
            path.unlink()
        path.mkdir()
    else:
        raise ValueError(f"unknown damage {how!r}")


def state_files(folder: Path) -> list[Path]:
    """The files the terminal runs on, relative to the folder, sorted."""
    return sorted(p.relative_to(folder) for p in folder.rglob("*")
                  if p.is_file() and p.relative_to(folder).parts[0] not in OUTPUT)


@dataclass
class Start:
    """One start on a damaged folder."""

    mode: str
    file: str
    damage: str
    started: bool = False
    alive: bool = False
    exit_code: int | None = None
    traceback: bool = False
    said: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.started and self.alive and self.exit_code == 0 and not self.traceback


def start_once(data: Path, mode: str, terminal_id: str, backend: str, settle_s: float = 3.0,
               within_s: float = 60.0) -> Start:
    """``kiosk run`` on ``data`` as ``mode``: started, still running ``settle_s`` later, stopped with SIGTERM."""
    site = data.parent / f"{data.name}-site.toml"
    site.write_text(f'[terminal]\nid = "{terminal_id}"\ndemo = true\nmode = "{mode}"\nlanguage = "zh_CN"\n'
                    f'[backend]\nurl = "{backend}"\nretries = 0\n[paths]\ndata_dir = "{data}"\n'
                    f'[logging]\nconsole = false\n')
    log = data / "logs" / "kiosk.log"
    before = log.stat().st_size if log.is_file() else 0
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("DISPLAY", None)
    began = time.monotonic()
    run = subprocess.Popen([sys.executable, "-m", "entry", "run", "--config", str(site), "--windowed"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    result = Start(mode, "", "")

    def logged() -> str:
        try:
            with log.open("rb") as fh:
                fh.seek(before)
                return fh.read().decode("utf-8", "replace")
        except OSError:
            return ""

    try:
        while time.monotonic() - began < within_s and run.poll() is None:
            if STARTED in logged():
                result.started = True
                break
            time.sleep(0.2)
        if result.started:
            time.sleep(settle_s)
        result.alive = run.poll() is None
        if result.alive:
            run.send_signal(signal.SIGTERM)
        try:
            result.exit_code = run.wait(30)
        except subprocess.TimeoutExpired:
            run.kill()
            run.wait(10)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait(10)
    stderr = run.stderr.read() if run.stderr is not None else ""
    said = logged()
    result.traceback = "Traceback" in stderr
    for line in said.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("level") in ("WARNING", "ERROR", "CRITICAL"):
            result.said.append(str(record.get("msg", ""))[:200])
    result.seconds = round(time.monotonic() - began, 1)
    return result


def damaged_starts(source: Path, terminal_id: str, backend: str, modes: list[str], damages: list[str],
                   only: list[str], work: Path, settle_s: float = 3.0, report=print) -> list[Start]:
    """Every file of ``source`` (those whose path contains one of ``only``, if given) damaged each way, started in
    each mode: a line a start, with what it said of the damage, and for one that failed how it failed."""
    files = [f for f in state_files(source) if not only or any(o in str(f) for o in only)]
    results = []
    for mode in modes:
        for relative in files:
            for how in damages:
                data = work / "data"
                shutil.rmtree(data, ignore_errors=True)
                shutil.copytree(source, data, ignore=shutil.ignore_patterns("kiosk.log*"))
                damage(data / relative, how)
                start = start_once(data, mode, terminal_id, backend, settle_s)
                start.file, start.damage = str(relative), how
                results.append(start)
                said = [s for s in start.said if not any(o in s for o in ORDINARY)]
                verdict = "ok  " if start.ok else "FAIL"
                report(f"{verdict} {mode:<6} {how:<7} {relative}  ({start.seconds:.1f} s)"
                       + ("" if start.ok else f"  started={start.started} alive={start.alive} "
                                              f"exit={start.exit_code} traceback={start.traceback}"))
                for line in said[:3]:
                    report(f"        said: {line}")
    return results


def _used_folder(work: Path) -> tuple[Path, str]:
    """A data folder used by ``kiosk demo --headless --one-size``, and the terminal id it was used under."""
    out = work / "demo"
    done = subprocess.run([sys.executable, "-m", "entry", "demo", "--headless", "--one-size", "--output", str(out)],
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise SystemExit(f"data-damage: kiosk demo failed ({done.returncode}): {done.stderr[-1000:]}")
    found = _TERMINAL_ID.search(done.stdout + done.stderr)
    if found is None:
        raise SystemExit("data-damage: the demo named no terminal id")
    return out / "data", found.group(0)


def run(args: argparse.Namespace) -> int:
    from sandbox.server import SandboxServer

    modes = [m for m in args.modes.split(",") if m]
    damages = [d for d in args.damages.split(",") if d]
    unknown = [d for d in damages if d not in DAMAGES] + [m for m in modes if m not in ("kiosk", "window")]
    if unknown:
        print(f"data-damage: unknown {', '.join(unknown)}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="data-damage-") as tmp:
        work = Path(tmp)
        if args.source is not None:
            if not args.terminal_id:
                print("data-damage: --from needs the --terminal-id it was used under", file=sys.stderr)
                return 2
            source, terminal_id = args.source, args.terminal_id
        else:
            print("data-damage: a used data folder first (kiosk demo --headless --one-size)...", flush=True)
            source, terminal_id = _used_folder(work)
        files = [f for f in state_files(source) if not args.files or any(o in str(f) for o in args.files.split(","))]
        print(f"data-damage: {len(files)} files of {source} x {len(damages)} damages x {len(modes)} modes, "
              f"terminal {terminal_id}", flush=True)
        began = time.monotonic()
        with SandboxServer(windows=[terminal_id]) as sandbox:
            results = damaged_starts(source, terminal_id, sandbox.url, modes, damages,
                                     [o for o in args.files.split(",") if o], work, args.settle_s,
                                     report=lambda line: print(line, flush=True))
    failed = [r for r in results if not r.ok]
    print(f"data-damage: {len(results)} starts in {time.monotonic() - began:.0f} s, {len(failed)} failed")
    return 1 if failed else 0
