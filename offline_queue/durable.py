"""Durable file steps: write to a temporary name, fsync, rename, fsync the directory."""

from __future__ import annotations

import errno
import os
from pathlib import Path

TMP_SUFFIX = ".tmp"


class DiskFullError(OSError):
    pass


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_durably(path: Path, data: bytes, *, sync_dir: bool = True) -> None:
    """``path`` holds ``data`` when this returns, across a crash; a failure leaves no partial file."""
    tmp = path.with_name(path.name + TMP_SUFFIX)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.rename(tmp, path)
        if sync_dir:
            fsync_dir(path.parent)
    except OSError as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFullError(exc.errno, "the disk is full") from None
        raise


def sweep_temporaries(root: Path) -> int:
    """Remove ``*.tmp`` files left by a crash mid-write; returns how many."""
    removed = 0
    for tmp in root.rglob("*" + TMP_SUFFIX):
        try:
            tmp.unlink()
            removed += 1
        except OSError:
            pass
    return removed
