"""A real small disk for the tests of a full one: a tmpfs of a few kilobytes mounted in the test's folder (the tests
run as root), and a way to fill it to the last byte."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from pathlib import Path
from typing import Iterator


@contextlib.contextmanager
def tmpfs(mount: Path, size: str) -> Iterator[Path]:
    """``mount`` (made here) a tmpfs of ``size`` (``"64k"``) while the block runs."""
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], check=True, timeout=10)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], timeout=10)


def fill(mount: Path) -> Path:
    """Every free byte of ``mount`` taken by one file, which is returned (delete it to give the room back)."""
    filler = mount / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        for size in (65536, 4096, 512, 64, 1):
            try:
                while os.write(fd, b"\0" * size):
                    pass
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler
