"""Whether the terminal can write to its data folder at all: checked before ``kiosk run`` opens anything there.

A terminal's disk worn out (an eMMC or SD card: ext4 remounts read-only on its errors) or full refused the log file
at start, ``kiosk run`` ended with an error, and ``kiosk supervise`` started it again and again: the citizen saw the
bare desktop. Nothing of a citizen can be kept safely there, so the terminal shows that it is out of order instead
(``ui.out_of_order``) and looks again every ``supervisor.disk_look_s``. While it runs, ``kiosk.disk_watch`` looks
as often. Qt-free."""

from __future__ import annotations

import os
from pathlib import Path

PROBE = ".write-check"
PROBE_BYTES = 64 * 1024  # what a start writes before it can say anything: the log's first lines, the queue's pages


def unwritable(data_dir: Path, probe_bytes: int = PROBE_BYTES) -> str | None:
    """Why the terminal cannot write to ``data_dir`` (English, for the log and staff), or None when it can: the
    folder made if missing, a file of ``probe_bytes`` written, fsynced and removed."""
    probe = data_dir / PROBE
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(bytes(probe_bytes))
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        return f"{data_dir}: {exc.strerror or type(exc).__name__}"
    finally:
        try:
            probe.unlink()
        except OSError:
            pass
    return None


def too_full(data_dir: Path, least_bytes: int = PROBE_BYTES) -> str | None:
    """Why ``data_dir``'s disk has less room than a start needs (English, for the log and staff), or None: what the
    statfs call says is free (the blocks root may use when this process is root, as its writes may), so that a
    running terminal's few kilobytes of writes never pass where its next start's check would fail."""
    try:
        fs = os.statvfs(data_dir)
    except OSError as exc:
        return f"{data_dir}: {exc.strerror or type(exc).__name__}"
    free = (fs.f_bfree if os.geteuid() == 0 else fs.f_bavail) * fs.f_frsize
    if free < least_bytes:
        return f"{data_dir}: only {free // 1024} KiB free, less than the {least_bytes // 1024} KiB a start needs"
    return None
