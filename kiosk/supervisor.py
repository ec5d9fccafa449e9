"""``kiosk supervise``: the terminal run as a child process, and started again when it freezes, crashes or ends.

A kiosk in a hall has nobody beside it to restart it. ``kiosk run`` catches every Python exception
and carries on, but some failures no code inside the process can answer: a deadlock of the GUI
thread (ui/gui_thread_gc.py tells of one, where no Python ran again and no timeout could fire), a
crash in Qt or a driver's C library (SIGSEGV, SIGABRT), the kernel's OOM killer. So the process
that starts the terminal watches it from outside:

- The child gets the write end of a pipe (``ONETRIP_LIVENESS_FD``); a timer on its GUI thread writes
  a byte every second (kiosk/liveness.py). No byte for ``supervisor.freeze_s`` (for the first one,
  ``supervisor.start_s``) is a freeze. The supervisor writes a line to ``logs/freeze-stacks.txt`` and
  sends ``SIGUSR1``, on which the child's faulthandler adds every thread's stack (no interpreter lock
  needed, so it works inside the deadlock), then stops it: ``SIGTERM``, and ``SIGKILL`` after
  ``supervisor.stop_s`` (a deadlocked process often cannot act on ``SIGTERM``; a stopped one cannot).
- A child that ends, by a signal or by itself with any status, is started again too: a kiosk is
  never meant to close.
- Restarts come at once after a run of at least ``supervisor.stable_s``; a terminal that keeps
  ending sooner waits 1 s, 2 s, 4 s ... up to ``supervisor.max_delay_s``, so one that cannot start
  (a broken site file, a missing library) neither spins the CPU nor is ever given up on: the hall
  may mend the cause, and the next try picks it up.
- A terminal whose resident memory has passed ``supervisor.max_resident_mb`` (read from ``/proc`` every
  ``MEMORY_LOOK_S``) is stopped and started afresh, at once, the next time its signs of life say nobody
  uses it (its kiosk at home, its window or maintenance signed out), and only once it has run
  ``supervisor.stable_s``: a limit set too low restarts it once per ``stable_s`` at most, never in a loop.
  glibc's kept pages are given back after each citizen (kiosk/allocator.py); what still grows slowly
  (docs/memory.md) ends here, between citizens, not in the OOM killer in front of one.
- A terminal whose signs of life say a device is held by a call that never returned (``HELD``:
  kiosk/held_devices.py, past ``supervisor.device_held_s``) is started afresh the same way: while nobody
  uses it, once it has run ``supervisor.stable_s``. Only a new process gets that device's thread back. A device
  that hangs again in each new terminal (wedged until someone unplugs it) is not restarted for every
  ``stable_s``: each device restart in a row doubles the run asked before the next, up to 64 times ``stable_s``
  (``device_run_s``); a run that ends for any other reason starts the count again.
- A terminal whose signs of life say its disk refuses writes (``DISK``: kiosk/disk_watch.py) is started afresh at
  once while nobody uses it: the new start's check (kiosk/disk_check.py) shows that it is out of order until the
  disk takes writes, then ends, and the next start is the terminal again. A disk the start's check passes and the
  running terminal's look refuses again (a flaky one) asks each time for twice the run before: ``disk_run_s``.
- Each restart is recorded (kiosk/restarts.py) for ``kiosk doctor``, the heartbeat and the next
  start's log.
- ``SIGTERM`` or ``SIGINT`` to the supervisor (systemd stopping the session, Ctrl+C) stops the
  child the same way and ends the supervisor.

One thread, one ``select`` on the child's pipe and a wake-up pipe that :meth:`Supervisor.stop` (the
signal handlers) writes to: no busy loop, and every wait bounded. Qt-free: the supervisor must not
share the failures it is there to catch.
"""

from __future__ import annotations

import logging
import os
import select
import signal
import subprocess
import time
from datetime import datetime
from pathlib import Path
from typing import Callable, Mapping, Sequence

from common.private_files import open_private, private_dir
from kiosk.allocator import resident_mb
from kiosk.config import SupervisorConfig
from kiosk.liveness import DISK, HELD, IDLE, LIVENESS_FD_ENV, STACKS_FILE, STACKS_SIGNAL
from kiosk.restarts import Reason, Restart, RestartLog

log = logging.getLogger(__name__)

FIRST_DELAY_S = 1.0   # the wait before the second start in a row of short runs; doubled for each after
LOOK_EVERY_S = 0.5    # the child's exit status is looked at this often between its signs of life
STACKS_WAIT_S = 0.5   # after SIGUSR1, for faulthandler to write the stacks, before SIGTERM
MEMORY_LOOK_S = 5.0   # the child's resident memory is read this often
DEVICE_DOUBLINGS = 6  # device restarts in a row double the run asked before the next this many times at most


def device_run_s(stable_s: float, in_a_row: int) -> float:
    """How long a terminal must have run before a held device starts it afresh, after ``in_a_row`` restarts in a row
    for a held device."""
    return stable_s * 2 ** min(max(in_a_row, 0), DEVICE_DOUBLINGS)


def disk_run_s(stable_s: float, in_a_row: int) -> float:
    """How long a terminal must have run before a disk that refuses writes starts it afresh, after ``in_a_row``
    restarts in a row for its disk: at once the first time, then as ``device_run_s``."""
    return 0.0 if in_a_row <= 0 else device_run_s(stable_s, in_a_row - 1)


def restart_delay(short_runs: int, max_delay_s: float) -> float:
    """The wait before the next start, after ``short_runs`` runs in a row shorter than ``stable_s``."""
    if short_runs <= 0:
        return 0.0
    return min(max_delay_s, FIRST_DELAY_S * 2 ** min(short_runs - 1, 30))


def ending(status: int) -> tuple[Reason, str]:
    """A child's exit status (``Popen.returncode``) as the reason and the line staff read."""
    if status < 0:
        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = f"signal {-status}"
        return Reason.CRASHED, f"ended by {name}"
    return Reason.EXITED, f"exited with status {status}"


class Supervisor:
    def __init__(self, argv: Sequence[str], settings: SupervisorConfig, restarts: RestartLog, log_dir: Path, *,
                 env: Mapping[str, str] | None = None, clock: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = time.time) -> None:
        self._argv = list(argv)
        self._settings = settings
        self._restarts = restarts
        self._log_dir = log_dir
        self._env = dict(os.environ if env is None else env)
        self._clock = clock
        self._wall = wall
        self._stopping = False
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self.child: subprocess.Popen | None = None  # the terminal running now
        self.starts = 0
        self.beats = 0  # signs of life read, over every run
        self.device_restarts = 0  # restarts in a row for a held device (device_run_s)
        self.disk_restarts = 0  # restarts in a row for a disk that refused writes (disk_run_s)

    # -- stopping ------------------------------------------------------------------

    def stop(self) -> None:
        """From any thread or a signal handler: the child is stopped and :meth:`run` returns."""
        self._stopping = True
        try:
            os.write(self._wake_w, b"s")
        except (BlockingIOError, OSError):
            pass  # a wake-up already waits (or the pipe is closed after run): the flag is what counts

    def install_signal_handlers(self) -> None:
        """SIGTERM and SIGINT stop the supervisor. The main thread of an entry point only."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda _signum, _frame: self.stop())

    # -- the loop ------------------------------------------------------------------

    def run(self) -> int:
        short_runs = 0
        try:
            while not self._stopping:
                started = self._clock()
                try:
                    ended = self._run_child()
                except Exception:  # a bug here must not leave the hall without a terminal
                    log.exception("supervisor: error while running the terminal; starting it again")
                    ended = Reason.CRASHED, "the supervisor lost track of it"
                if ended is None:
                    break
                ran_s = self._clock() - started
                reason, detail = ended
                self.device_restarts = self.device_restarts + 1 if reason is Reason.DEVICE else 0
                self.disk_restarts = self.disk_restarts + 1 if reason is Reason.DISK else 0
                self._restarts.add(Restart(self._wall(), reason, detail, ran_s))
                short_runs = 0 if ran_s >= self._settings.stable_s else short_runs + 1
                delay = restart_delay(short_runs, self._settings.max_delay_s)
                log.warning("the terminal %s: %s after %.0f s; starting it again in %.0f s", reason.value, detail,
                            ran_s, delay)
                self._wait(delay)
        finally:
            os.close(self._wake_r)
            os.close(self._wake_w)
        log.info("supervisor stopped after %d start(s)", self.starts)
        return 0

    def _wait(self, seconds: float) -> None:
        deadline = self._clock() + seconds
        while not self._stopping and (left := deadline - self._clock()) > 0:
            select.select([self._wake_r], [], [], left)
            self._drain_wake()

    def _drain_wake(self) -> None:
        try:
            while os.read(self._wake_r, 512):
                pass
        except BlockingIOError:
            pass  # emptied

    def _run_child(self) -> tuple[Reason, str] | None:
        """One run of the terminal: how it ended, or None when the supervisor was stopped."""
        beat_r, beat_w = os.pipe()
        try:
            self.child = subprocess.Popen(self._argv, env={**self._env, LIVENESS_FD_ENV: str(beat_w)},
                                          pass_fds=(beat_w,))
        except OSError as exc:
            os.close(beat_r)
            return Reason.UNSTARTABLE, f"cannot start {self._argv[0]}: {exc.strerror or exc}"
        finally:
            os.close(beat_w)
        self.starts += 1
        log.info("terminal started (process %d)", self.child.pid)
        try:
            return self._watch(self.child, beat_r)
        except Exception:
            self._end(self.child)
            raise
        finally:
            os.close(beat_r)
            self.child = None

    def _watch(self, child: subprocess.Popen, beat_r: int) -> tuple[Reason, str] | None:
        os.set_blocking(beat_r, False)
        started = last = looked = self._clock()
        limit, beating, listening, idle, held, disk = self._settings.start_s, False, True, False, False, False
        while True:
            if self._stopping:
                self._end(child)
                return None
            status = child.poll()
            if status is not None:
                return ending(status)
            now = self._clock()
            if disk and now - started >= disk_run_s(self._settings.stable_s, self.disk_restarts):
                log.warning("the terminal (process %d) says its disk refuses writes, and nobody uses it: starting it "
                            "afresh, to show that it is out of order", child.pid)
                self._end(child)
                return Reason.DISK, "its disk refused writes"
            if held and now - started >= device_run_s(self._settings.stable_s, self.device_restarts):
                log.warning("the terminal (process %d) says a device is held by a call that never returned, and "
                            "nobody uses it: starting it afresh", child.pid)
                self._end(child)
                return Reason.DEVICE, "a device held by a call that never returned"
            if idle and now - looked >= MEMORY_LOOK_S and now - started >= self._settings.stable_s:
                looked = now
                grown = self._grown(child)
                if grown is not None:
                    self._end(child)
                    return Reason.MEMORY, grown
            silent = self._clock() - last
            if silent >= limit:
                detail = (f"no sign of life for {limit:g} s" if beating
                          else f"no first sign of life within {limit:g} s of its start")
                self._freeze(child, detail)
                return Reason.FROZE, detail
            watched = [self._wake_r, beat_r] if listening else [self._wake_r]
            ready, _, _ = select.select(watched, [], [], min(LOOK_EVERY_S, limit - silent))
            if self._wake_r in ready:
                self._drain_wake()
            if beat_r in ready:
                try:
                    data = os.read(beat_r, 4096)
                except BlockingIOError:
                    continue
                if data:
                    self.beats += len(data)
                    last, limit, beating = self._clock(), self._settings.freeze_s, True
                    newest = data[-1:]  # whether anyone uses it now, a device is held, the disk refuses writes
                    idle, held, disk = newest in (IDLE, HELD, DISK), newest == HELD, newest == DISK
                else:  # its end closed: it is ending (its status is read at once), or falls silent as a freeze
                    listening = False
                    try:
                        child.wait(LOOK_EVERY_S)
                    except subprocess.TimeoutExpired:
                        pass  # still running without its pipe: the silence decides

    def _grown(self, child: subprocess.Popen) -> str | None:
        """Why ``child`` is to be started afresh for its memory, or None."""
        resident, bound = resident_mb(child.pid), self._settings.max_resident_mb
        if resident is None or resident <= bound:
            return None
        log.warning("the terminal (process %d) holds %.0f MB, above supervisor.max_resident_mb %d, and nobody "
                    "uses it: starting it afresh", child.pid, resident, bound)
        return f"resident memory {resident:.0f} MB above {bound} MB"

    # -- ending a child ------------------------------------------------------------

    def _freeze(self, child: subprocess.Popen, detail: str) -> None:
        """Its stacks asked for (kiosk/liveness.py), then stopped."""
        log.error("the terminal (process %d) froze: %s; its threads' stacks go to %s", child.pid, detail,
                  self._log_dir / STACKS_FILE)
        try:
            private_dir(self._log_dir)
            with os.fdopen(open_private(self._log_dir / STACKS_FILE), "a", encoding="utf-8") as out:
                out.write(f"\n--- {datetime.now().astimezone().isoformat(timespec='seconds')} process {child.pid}: "
                          f"{detail}; its threads' stacks follow\n")
        except OSError as exc:
            log.warning("no heading for the stacks in %s (%s)", self._log_dir, exc)
        try:
            child.send_signal(STACKS_SIGNAL)
            child.wait(STACKS_WAIT_S)
        except subprocess.TimeoutExpired:
            pass  # written (it does not end on SIGUSR1): go on to stop it
        except ProcessLookupError:
            return
        self._end(child)

    def _end(self, child: subprocess.Popen) -> None:
        if child.poll() is not None:
            return
        child.terminate()
        try:
            child.wait(self._settings.stop_s)
            return
        except subprocess.TimeoutExpired:
            log.warning("the terminal (process %d) did not stop within %.0f s of SIGTERM: killed", child.pid,
                        self._settings.stop_s)
        child.kill()
        try:
            child.wait(self._settings.stop_s)
        except subprocess.TimeoutExpired:
            log.error("the terminal (process %d) did not end even when killed (stuck in the kernel?): "
                      "starting another beside it", child.pid)
