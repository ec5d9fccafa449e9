"""The terminal's own files are its user's alone: 0600 in 0700 folders, whatever the umask.

Logs, the audit trail and printed receipts hold masked personal data, case numbers and staff
actions; on a shared machine another account must not read them. Files are created with the
mode (``os.open``), and an existing file or folder made before with looser bits is tightened on
the next open. The one I/O helper in ``common``: devices and the kiosk both need it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """``path`` (and missing parents) as a folder only its owner can enter."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o777 != DIR_MODE:
        os.chmod(path, DIR_MODE)
    return path


def open_private(path: Path, flags: int = os.O_WRONLY | os.O_CREAT | os.O_APPEND) -> int:
    """A file descriptor on ``path``, created 0600 (or tightened to it)."""
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0), FILE_MODE)
    try:
        if os.fstat(fd).st_mode & 0o777 != FILE_MODE:
            os.fchmod(fd, FILE_MODE)
    except OSError:
        os.close(fd)
        raise
    return fd


def private_writer(path: Path) -> BinaryIO:
    """``path`` truncated and open for writing bytes, 0600."""
    return os.fdopen(open_private(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), "wb")


def write_private(path: Path, data: bytes) -> None:
    with private_writer(path) as fh:
        fh.write(data)
