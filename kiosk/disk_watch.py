"""Whether the terminal's disk still takes writes, looked at while it runs (``kiosk.disk_check`` looks once, at start).

A worn eMMC or SD card fails in the middle of a day: ext4 remounts it read-only on its errors, and a terminal that
had started fine went on inviting citizens it could keep nothing for (their scans, their drafts, a case waiting for
the backend). The start-up check saw it only at the next start. So a thread of its own tries a write of 4 KiB,
fsynced, every ``supervisor.disk_look_s`` (it may take minutes on a failing disk: nothing waits for it), and asks
the disk's free room: less than the start's 64 KiB counts as full too (a disk with 10 KiB left took the watch's
writes while the next start, after any restart, found it full). What it finds is

- logged when it changes, and said in the heartbeat (``disk_writable``): the hall's list marks the terminal;
- said with the signs of life while nobody uses the terminal (kiosk/liveness.py ``DISK``): ``kiosk supervise``
  starts it afresh, and the new start's check shows the out-of-order screen (ui/out_of_order.py) until the disk
  takes writes again. Nobody at the screen is cut short, and a citizen halfway through finishes: their case goes
  straight to the backend when the queue cannot store it (offline_queue/outbox.py).

Qt-free.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Callable

from kiosk.disk_check import too_full, unwritable

log = logging.getLogger(__name__)

LOOK_BYTES = 4096  # a look's write: any write finds a read-only disk, and one a minute of the start's 64 KiB would
# have written 92 MB a day to a terminal's eMMC or SD card for nothing
STOP_WAIT_S = 1.0  # stop() waits this long for a look in progress (a failing disk's may take minutes: not waited)


class DiskWatch:
    """``problem``: why the data folder takes no writes (English, for the log and staff), or None; looked at every
    ``every_s`` on a thread of its own, the first look ``every_s`` after :meth:`start` (``kiosk run`` has just
    looked)."""

    def __init__(self, data_dir: Path, every_s: float,
                 check: Callable[[Path], str | None] = lambda path: unwritable(path, LOOK_BYTES) or too_full(path),
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._data_dir, self._every_s, self._check, self._clock = data_dir, every_s, check, clock
        self.problem: str | None = None
        self.since: float | None = None  # monotonic: when the problem was first found
        self.looks = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def refused(self) -> bool:
        """The disk refused the last look's write (read each second by the signs of life: no lock, no wait)."""
        return self.problem is not None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="disk-watch", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(STOP_WAIT_S)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self._every_s):
            self.look()

    def look(self) -> str | None:
        """One look (the watch's thread; tests). A bug in the check counts as no answer: nothing changes."""
        try:
            problem = self._check(self._data_dir)
        except Exception:  # noqa: BLE001 - the watch's thread must survive anything the check raises
            log.exception("disk: the write check failed; the disk's state is left as it was")
            return self.problem
        finally:
            self.looks += 1
        if problem is not None and self.problem is None:
            self.since = self._clock()
            log.error("disk: the terminal cannot write to its disk (%s); it keeps nothing now, and under kiosk "
                      "supervise shows that it is out of order once nobody uses it", problem)
        elif problem is None and self.problem is not None:
            log.warning("disk: the terminal can write to its disk again")
            self.since = None
        self.problem = problem
        return problem
