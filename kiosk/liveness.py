"""The terminal's side of ``kiosk supervise`` (kiosk/supervisor.py): signs of life and stacks on demand.

The supervisor starts ``kiosk run`` with the write end of a pipe named in ``ONETRIP_LIVENESS_FD``. A
timer on the terminal's GUI thread calls :meth:`LivenessPipe.beat` every ``BEAT_INTERVAL_S``; the byte
comes only while the GUI thread turns its event loop, so a GUI thread stuck anywhere (a deadlock like
the one in ui/gui_thread_gc.py, a call that never returns) falls silent while the process lives on.
A beat is one non-blocking ``write``: it never waits, and a supervisor gone (a closed pipe) or behind
(a full pipe) only ends or skips the beats. Its byte says whether anyone uses the terminal: the supervisor
restarts one grown too large in memory only while nobody does; whether a device is held by a call that
never returned (kiosk/held_devices.py), and whether its disk refuses writes (kiosk/disk_watch.py), for each of
which it is restarted too, while nobody uses it.

Before it stops a silent terminal, the supervisor sends ``SIGUSR1``: :func:`dump_stacks_on_signal`
has ``faulthandler`` write every thread's Python stack to ``logs/freeze-stacks.txt``. faulthandler
writes from the C signal handler without the interpreter lock, so it works in the very deadlock that
froze the terminal. A stack holds file names, line numbers and function names, no values: nothing
personal.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import signal
from pathlib import Path
from typing import IO, Mapping

from common.private_files import open_private, private_dir

log = logging.getLogger(__name__)

LIVENESS_FD_ENV = "ONETRIP_LIVENESS_FD"
BEAT_INTERVAL_S = 1.0
STACKS_FILE = "freeze-stacks.txt"
STACKS_KEEP_BYTES = 256 * 1024  # past this, the file is moved to .1 at the next start (one old file kept)
STACKS_SIGNAL = signal.SIGUSR1
BUSY, IDLE = b".", b"i"  # a sign of life while someone uses the terminal, and while nobody does
HELD = b"h"  # nobody uses it, and a device has been held past supervisor.device_held_s
DISK = b"d"  # nobody uses it, and its disk refuses writes (kiosk/disk_watch.py)


class LivenessPipe:
    """The write end of the supervisor's pipe; :meth:`beat` on the GUI thread."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd
        os.set_blocking(fd, False)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> LivenessPipe | None:
        """The pipe the supervisor passed, or None when the terminal runs without one (or the variable
        names no open descriptor: logged, and the terminal runs unsupervised)."""
        value = (os.environ if environ is None else environ).get(LIVENESS_FD_ENV, "")
        if not value:
            return None
        try:
            fd = int(value)
            os.fstat(fd)
            return cls(fd)
        except (ValueError, OSError) as exc:
            log.warning("%s=%r is not an open pipe (%s): no signs of life for the supervisor", LIVENESS_FD_ENV,
                        value, exc)
            return None

    @property
    def open(self) -> bool:
        return self._fd is not None

    def beat(self, idle: bool = False, held: bool = False, disk: bool = False) -> bool:
        """One sign of life, saying whether anyone uses the terminal now (``IDLE``: nobody, ``BUSY``) and, when
        nobody does, whether its disk refuses writes (``DISK``) or a device is held (``HELD``); False once the
        supervisor is gone (its end of the pipe closed)."""
        if self._fd is None:
            return False
        try:
            os.write(self._fd, (DISK if disk else HELD if held else IDLE) if idle else BUSY)
        except BlockingIOError:
            pass  # the supervisor has not read the last few: it still knows we live
        except OSError as exc:  # EPIPE: the supervisor is gone; nobody is listening any more
            log.warning("the supervisor's pipe is closed (%s): no more signs of life", exc)
            self.close()
            return False
        return True

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                os.close(fd)
            except OSError:
                pass  # already closed: nothing to release


def dump_stacks_on_signal(log_dir: Path) -> IO[str] | None:
    """``SIGUSR1`` writes every thread's stack to ``log_dir/freeze-stacks.txt`` (the file kept open for
    the process's life, as faulthandler needs). Returns the file, or None when it cannot be opened."""
    path = log_dir / STACKS_FILE
    try:
        private_dir(log_dir)
        if path.exists() and path.stat().st_size > STACKS_KEEP_BYTES:
            os.replace(path, path.with_name(STACKS_FILE + ".1"))
        stream = os.fdopen(open_private(path), "a", encoding="utf-8")
    except OSError as exc:
        log.warning("no file for the stacks of a freeze in %s (%s)", log_dir, exc)
        return None
    faulthandler.register(STACKS_SIGNAL, file=stream, all_threads=True, chain=False)
    return stream
