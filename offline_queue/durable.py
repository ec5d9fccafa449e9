"""Durable file steps: write to a temporary name, fsync, rename, fsync the directory."""

from __future__ import annotations

import ctypes
import errno
import os
from pathlib import Path
from typing import Iterable

TMP_SUFFIX = ".tmp"
_SYNC_FILE_RANGE_WRITE = 2
WRITEBACK_BYTES = 512 * 1024  # start writeback in runs this large: smaller ones cost more than they save


def _sync_file_range():
    """Linux's sync_file_range(2): start writeback of a range now, without waiting for it."""
    try:
        fn = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    return fn


_START_WRITEBACK = _sync_file_range()


class DiskFullError(OSError):
    pass


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_durably(path: Path, data: bytes | Iterable[bytes], *, sync_dir: bool = True) -> None:
    """``path`` holds ``data`` when this returns, across a crash; a failure leaves no partial file.

    ``data`` may be an iterable of chunks (an encryptor's output): each chunk is written as it
    comes and its writeback started at once, so the disk works while the next chunk is made and
    the final fsync has little left to wait for.
    """
    tmp = path.with_name(path.name + TMP_SUFFIX)
    chunks = (data,) if isinstance(data, (bytes, bytearray, memoryview)) else data
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            offset = flushed = 0
            for chunk in chunks:
                view = memoryview(chunk)
                while view:
                    written = os.write(fd, view)
                    view, offset = view[written:], offset + written
                if _START_WRITEBACK is not None and offset - flushed >= WRITEBACK_BYTES:
                    _START_WRITEBACK(fd, flushed, offset - flushed, _SYNC_FILE_RANGE_WRITE)
                    flushed = offset
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
