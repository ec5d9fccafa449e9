"""Telling a damaged queue database from a new one, before anything is trusted or swept.

SQLite takes a 0-byte or missing file for a new, empty database, and a database
whose write-ahead log (``-wal``) has gone for one without its recent commits:
either way the queue would look fine while items are gone, and the start-up sweep
would then delete their encrypted attachments as orphans. So the queue keeps two
kinds of marker beside the database:

- ``queue.initialised``, written once the schema is on disk: a missing or empty
  database after that (or while attachments or a ``-wal`` are there) is damage;
- ``open/<pid>-<boot>-<random>``, one per open outbox, removed when it closes. SQLite
  folds the log into the database and deletes it when the last connection closes
  cleanly; after an unclean stop (a crash, power loss) the log holds the latest
  commits. A marker of a process that is gone, with no ``-wal`` beside the
  database, means the log was lost. An outbox that opens with the log present
  clears the dead markers: its own now stands guard.

A damaged database is moved aside with its log and attachments (never deleted),
with a REASON.txt; ``Outbox.recovered_from`` names the folder and ``kiosk queue
import`` takes what still authenticates from it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import uuid
from pathlib import Path

from common.private_files import DIR_MODE, private_dir
from offline_queue.durable import fsync_dir, write_durably

log = logging.getLogger(__name__)

INITIALISED = "queue.initialised"
ASIDE_PREFIX = "corrupt-"
OPEN_DIR = "open"


def _boot_id() -> str:
    """This boot of the machine (Linux); a marker from an earlier boot is stale whatever its pid."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip().replace("-", "")[:12]
    except OSError:
        return "noboot"


BOOT = _boot_id()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class OpenMarkers:
    """This outbox's marker, and the markers that processes which did not close cleanly left."""

    def __init__(self, root: Path) -> None:
        self._dir = root / OPEN_DIR
        self._own: Path | None = None

    def stale(self) -> list[Path]:
        try:
            names = list(self._dir.iterdir())
        except FileNotFoundError:
            return []
        found = []
        for path in names:
            pid, _, rest = path.name.partition("-")
            boot = rest.partition("-")[0]
            if path != self._own and (not pid.isdigit() or boot != BOOT or not _alive(int(pid))):
                found.append(path)  # gone, or of an earlier boot (after a reboot a pid may be ours again)
        return found

    def claim(self) -> None:
        """Put this outbox's marker down (durably), then clear the dead ones it now stands in for."""
        private_dir(self._dir)
        self._own = self._dir / f"{os.getpid()}-{BOOT}-{uuid.uuid4().hex[:8]}"
        write_durably(self._own, b"")
        for path in self.stale():
            path.unlink(missing_ok=True)
        fsync_dir(self._dir)

    def release(self) -> None:
        if self._own is not None:
            self._own.unlink(missing_ok=True)
            self._own = None


def damage(root: Path, db_path: Path, files: Path, markers: OpenMarkers) -> str | None:
    """Why the database cannot be trusted as it is, or None (a healthy or a new queue)."""
    wal = db_path.with_name(db_path.name + "-wal")
    try:
        size = db_path.stat().st_size
    except FileNotFoundError:
        size = None
    if not size:
        evidence = [what for what, there in (
            ("the queue was initialised", (root / INITIALISED).exists()),
            ("attachments are there", files.exists() and any(files.iterdir())),
            ("its write-ahead log is there", wal.exists())) if there]
        if evidence:
            state = "missing" if size is None else "empty (0 bytes)"
            return f"the queue database is {state} but {', '.join(evidence)}"
        return None
    if markers.stale() and not wal.exists():
        return "the write-ahead log (-wal) is missing after an unclean stop: its recent changes are gone"
    return None


def mark_initialised(root: Path) -> None:
    if not (root / INITIALISED).exists():
        write_durably(root / INITIALISED, b"the queue database was created; a missing or empty one is damage\n")


def move_aside(root: Path, db_path: Path, files: Path, reason: str) -> Path:
    """Move the database, its log and the attachments into ``corrupt-<when>-<random>/`` with a REASON.txt."""
    target = root / f"{ASIDE_PREFIX}{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
    target.mkdir(mode=DIR_MODE)
    for name in (db_path.name, db_path.name + "-wal", db_path.name + "-shm"):
        if (root / name).exists():
            os.rename(root / name, target / name)
    if files.exists():
        os.rename(files, target / files.name)
    (target / "REASON.txt").write_text(f"queue database failed its check at start: {reason}\n"
                                       "kiosk queue import <this folder> takes back what still authenticates\n",
                                       "utf-8")
    fsync_dir(target)
    fsync_dir(root)
    log.error("queue: database failed its check (%s); moved aside to %s, starting a fresh queue", reason, target)
    return target


def aside_folders(root: Path) -> list[tuple[Path, float]]:
    """Each moved-aside database under ``root`` with when it was moved (its REASON.txt's time, else the folder's)."""
    found = []
    for folder in sorted(p for p in root.glob(ASIDE_PREFIX + "*") if p.is_dir()):
        reason = folder / "REASON.txt"
        try:
            found.append((folder, (reason if reason.exists() else folder).stat().st_mtime))
        except OSError as exc:  # gone meanwhile, or unreadable: the next pass looks again
            log.warning("queue: moved-aside folder %s not read: %s", folder.name, exc)
    return found


def remove_aside(root: Path, older_than_s: float, now: float) -> int:
    """Delete moved-aside databases moved more than ``older_than_s`` before ``now`` (staff had that long to import)."""
    removed = 0
    for folder, moved_at in aside_folders(root):
        if moved_at <= now - older_than_s:
            shutil.rmtree(folder, ignore_errors=True)
            removed += not folder.exists()
            log.info("queue: moved-aside database %s deleted after its retention period", folder.name)
    return removed
