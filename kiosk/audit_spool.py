"""One writer of the audit trail at a time: the lock beside the trail, and the spool where another
process leaves its entries for the writer.

``kiosk.audit.AuditTrail`` keeps the chain's last entry in memory, so two processes appending to the
same trail would fork it (both chaining to the same head). The trail that is open holds an exclusive
``flock`` on ``trail.lock`` beside the trail until it closes; the kernel drops the lock when the
process dies, so a crashed terminal never leaves it behind. A command run at the console (``kiosk
queue retry`` ...) tries the lock without waiting: when it gets it, no terminal is running and it
writes the trail itself; when it does not, it leaves a *request* in ``spool/`` beside the trail, one
small JSON file per entry (durable, 0600, named by the time it was made so the names sort in that
order), and the running terminal chains the requests on its writer thread, each keeping the time its
action happened. A request that does not read is moved aside into ``spool/rejected/`` and logged; it
never holds up the chain.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from common.private_files import open_private, private_dir
from offline_queue.durable import fsync_dir, write_durably

LOCK_WAIT_S = 10.0  # a terminal starting while a console command writes the trail (milliseconds as a rule)
LOCK_POLL_S = 0.05
SPOOL_BATCH = 100  # the most requests one pass takes, so the writer never spends long on them
MAX_REQUEST_BYTES = 4096
MAX_ACTOR = 120
_ACTION = re.compile(r"[a-z][a-z0-9_]{0,63}")


class TrailBusyError(RuntimeError):
    """Another process holds the audit trail (the running terminal, or a console command writing it)."""


def lock_path(trail: Path) -> Path:
    return trail.with_suffix(".lock")


def spool_folder(trail: Path) -> Path:
    return trail.parent / "spool"


def hold_lock(path: Path, wait_s: float, given_up: Callable[[], bool] = lambda: False) -> int:
    """An exclusive flock on ``path`` (created 0600): its file descriptor, which holds the lock until it is
    closed. Waits up to ``wait_s`` (0: not at all), or until ``given_up()`` (the trail closing meanwhile), then
    raises :class:`TrailBusyError`."""
    fd = open_private(path, os.O_RDWR | os.O_CREAT)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() >= deadline or given_up():
                os.close(fd)
                raise TrailBusyError(f"another process holds the audit trail ({path.name})") from None
            time.sleep(LOCK_POLL_S)
        except OSError:
            os.close(fd)
            raise


@dataclass(frozen=True)
class Request:
    """An entry another process asks the trail's writer to chain."""

    at: dt.datetime
    actor: str
    action: str
    detail: str


def spool_request(folder: Path, request: Request) -> Path:
    """Leave ``request`` for the running terminal: a durable 0600 file whose name sorts by time."""
    private_dir(folder)
    path = folder / f"{time.time_ns():020d}-{os.getpid()}-{secrets.token_hex(4)}.json"
    write_durably(path, json.dumps({"at": request.at.isoformat(timespec="seconds"), "actor": request.actor,
                                    "action": request.action, "detail": request.detail},
                                   ensure_ascii=False).encode("utf-8"))
    return path


def pending(folder: Path, skip: set[str], limit: int = SPOOL_BATCH) -> list[Path]:
    """The waiting requests, oldest first (at most ``limit``), but for the names in ``skip``."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder)
                       if entry.name.endswith(".json") and entry.name not in skip and entry.is_file())
    except FileNotFoundError:
        return []
    return [folder / name for name in names[:limit]]


def read_request(path: Path) -> Request | None:
    """The request in ``path``; None when it cannot be read or is not one."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_REQUEST_BYTES + 1)
        fields = json.loads(raw.decode("utf-8")) if len(raw) <= MAX_REQUEST_BYTES else None
        at = dt.datetime.fromisoformat(fields["at"])
        actor, action, detail = fields["actor"], fields["action"], fields["detail"]
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if (at.tzinfo is None or not isinstance(actor, str) or not 0 < len(actor) <= MAX_ACTOR or not actor.isprintable()
            or not isinstance(action, str) or not _ACTION.fullmatch(action) or not isinstance(detail, str)):
        return None
    return Request(at, actor, action, detail[:1000])


def move_aside(path: Path) -> Path:
    """``path`` into ``rejected/`` beside it (raises OSError when it cannot be moved)."""
    target = private_dir(path.parent / "rejected") / path.name
    os.replace(path, target)
    return target


def remove(path: Path) -> None:
    """A chained request deleted, durably (a request left behind would be chained again at the next start)."""
    path.unlink(missing_ok=True)
    fsync_dir(path.parent)
