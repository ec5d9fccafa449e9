"""glibc's allocator, for a terminal that runs for weeks: fewer arenas, and what is free given back between citizens.

Left to its defaults, glibc gives each thread that allocates its own arena (up to 8 per core) and raises its
threshold for serving a block by ``mmap`` to the size of the largest block freed so far (up to 32 MB). The terminal's
camera frames (1920x1080x3: 6 MB), scanned pages and decoded images then come from the arenas' heaps, and what they
free stays in the process as fragments the heaps do not give back: ``kiosk bench soak`` read the resident memory in
jumps of 40-90 MB, with Python's own heap flat (tracemalloc) and heaptrack's peak heap at 235 MB of 650 MB resident.
A fixed 1 MB mmap threshold keeps it 150 MB lower, but each frame is then mapped afresh: 6.0 ms of CPU a 1080p frame
copied, converted and shrunk, against 2.0 (docs/memory.md). So instead:

- :func:`tune` (``kiosk run``, first thing, before the threads start): two arenas (``ARENA_MAX``);
- :func:`give_back`: ``malloc_trim``, which returns every arena's free pages to the system, on the task pool
  whenever a citizen's session has ended (:func:`give_back_after_each_citizen`): a few ms once a citizen, none
  a frame.

A ``MALLOC_ARENA_MAX`` in the environment wins (a hall or a test that sets it means it). Not glibc (musl, another
libc): nothing is changed and nothing given back.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import time

log = logging.getLogger(__name__)

ARENA_MAX = 2  # arenas for all threads: the GUI thread, the device workers, the task pool, the cameras
M_ARENA_MAX = -8  # mallopt's parameter number (glibc's malloc.h)
SETTINGS = ((M_ARENA_MAX, "MALLOC_ARENA_MAX", ARENA_MAX),)


_libc = None  # glibc, once looked up; False when the C library is not glibc
_giving_back = True  # False: glibc left to itself (``kiosk bench soak --glibc-defaults``, to compare)


def _glibc():
    global _libc
    if _libc is None:
        _libc = _find_glibc() or False
    return _libc or None


def available() -> bool:
    """The C library is glibc: :func:`tune` and :func:`give_back` act."""
    return _glibc() is not None


def _find_glibc():
    if not hasattr(os, "confstr"):
        return None
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return None
    except (ValueError, OSError):
        return None
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


def tune(environ: dict[str, str] | None = None) -> dict[str, int]:
    """Sets what the environment does not; returns what was set (empty: not glibc, or all set by the environment).
    Call it before the threads start: an arena made before keeps serving its thread."""
    libc = _glibc()
    if libc is None:
        return {}
    env = os.environ if environ is None else environ
    done = {}
    for param, variable, value in SETTINGS:
        if variable in env:
            continue
        if libc.mallopt(ctypes.c_int(param), ctypes.c_int(value)) == 1:
            done[variable] = value
        else:
            log.warning("allocator: mallopt refused %s=%d", variable, value)
    return done


def resident_mb(pid: int | str = "self") -> float | None:
    """A process's resident memory (this one's by default; Linux ``/proc``); None when it cannot be read (the process
    gone, not Linux). The soak bench, :func:`give_back` and the supervisor's watch over its child read it here."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, ValueError, IndexError):
        return None


def give_back() -> tuple[float, float]:
    """Blocking (the task pool): every arena's free pages returned to the system. Returns the MB given back and the
    ms it took (0, 0 without glibc)."""
    libc = _glibc()
    if libc is None:
        return 0.0, 0.0
    before, began = resident_mb() or 0.0, time.perf_counter()
    libc.malloc_trim(ctypes.c_size_t(0))
    took_ms = (time.perf_counter() - began) * 1000
    freed = max(0.0, before - (resident_mb() or before))
    log.debug("allocator: gave back %.1f MB in %.1f ms", freed, took_ms)
    return freed, took_ms


def leave_to_glibc() -> None:
    """No :func:`give_back` after citizens from now on, as before this module (for a bench to compare)."""
    global _giving_back
    _giving_back = False


def give_back_after_each_citizen(session, tasks) -> None:
    """Whenever ``session`` (a ``CitizenSession``) comes back home, :func:`give_back` on ``tasks`` (the pool)."""
    home = [session.at_home]

    def changed(now) -> None:
        arrived, home[0] = now.at_home and not home[0], now.at_home
        if arrived and _giving_back:
            tasks.run(give_back, lambda _given: None,
                      lambda exc: log.warning("allocator: giving back failed: %s", exc))

    session.subscribe(changed)
