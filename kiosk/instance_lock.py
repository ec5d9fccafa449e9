"""One terminal per data folder: ``kiosk run`` holds an exclusive ``flock`` on ``terminal.lock`` there for its life.

Two terminals on one data folder (``kiosk run`` typed by a technician on a terminal that ``kiosk supervise`` already
runs, or a second supervisor started by the desktop's autostart beside systemd's) both opened the ID reader's and the
scanner's serial ports, each reading part of every frame, both sent the queue's items, and both put a full-screen
window up, the newer over the older. The second now waits ``WAIT_S`` for the first to end (an old terminal still
closing its devices when a new supervisor starts one), then ends with ``ANOTHER_TERMINAL``: under ``kiosk
supervise`` it is tried again after a delay, and takes over once the other has gone.

The lock goes with the process, however it ends (the kernel lets go of a dead process's locks), so nothing stale is
ever left to clear by hand. The file says the holder's process id, for the log. Qt-free.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from typing import Callable

from common.private_files import open_private

LOCK_FILE = "terminal.lock"
WAIT_S = 20.0  # how long a new terminal waits for one still ending
POLL_S = 0.25
ANOTHER_TERMINAL = 4  # kiosk run's exit status when another terminal holds the data folder


class AnotherTerminal(Exception):
    def __init__(self, pid: int | None) -> None:
        super().__init__(f"another terminal (process {pid if pid is not None else 'unknown'}) runs on this data folder")
        self.pid = pid


def holder(path: Path) -> int | None:
    """The process id the lock file names, or None (none written, or not a number)."""
    try:
        said = path.read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(said) if said.isdigit() else None


def hold(data_dir: Path, wait_s: float = WAIT_S, clock: Callable[[], float] = time.monotonic,
         sleep: Callable[[float], None] = time.sleep) -> int:
    """The lock on ``data_dir``'s ``LOCK_FILE``, taken within ``wait_s``: its file descriptor, to keep open for the
    process's life (not inherited by programs the terminal starts). Raises :class:`AnotherTerminal` when another
    process holds it still."""
    path = data_dir / LOCK_FILE
    fd = open_private(path, os.O_RDWR | os.O_CREAT)
    deadline = clock() + wait_s
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if clock() >= deadline:
                    raise AnotherTerminal(holder(path)) from None
                sleep(POLL_S)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        except OSError:  # a disk that takes no writes: the lock holds all the same, its holder unnamed
            pass
    except BaseException:
        os.close(fd)
        raise
    return fd
