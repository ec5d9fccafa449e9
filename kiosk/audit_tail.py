"""The end of the audit trail's file, after writes that did not finish.

The trail (``kiosk.audit``) is appended a line at a time. A stop in the middle of an append (a power cut, the kernel
writing when the machine died) can leave the last line cut short, and a full disk can take part of a line and refuse
the rest. Appended to as they were, those bytes and the next entry made one unreadable line: that entry was missing
from the file and ``kiosk audit verify`` said the trail had been edited, after every such stop.

So:

- an append that fails is taken back whole: the file is cut to its length before (:func:`append_lines`), and the
  trail writes the lines again with its next append;
- an append never joins a line left without its ending: it begins a line of its own;
- a last line left unfinished by a stop, which no seal counts, is moved to ``trail.jsonl.torn`` (:func:`set_aside`)
  and the trail records that it did so. Bytes a seal counts are not set aside: the trail was cut after they were
  written, and the check must say so.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from common.private_files import open_private

log = logging.getLogger(__name__)
TORN_SUFFIX = ".torn"  # beside the trail: ``trail.jsonl.torn``
_CHUNK = 65536


def fragment(path: Path) -> tuple[int, bytes] | None:
    """Where the file's last line begins and its bytes, when the file does not end with a line ending; None when it
    does, or is empty or missing."""
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        return None
    with fh:
        end = fh.seek(0, os.SEEK_END)
        if end == 0:
            return None
        fh.seek(end - 1)
        if fh.read(1) == b"\n":
            return None
        begins = at = end
        while at > 0:
            start = max(0, at - _CHUNK)
            fh.seek(start)
            cut = fh.read(at - start).rfind(b"\n")
            if cut >= 0:
                begins = start + cut + 1
                break
            at = begins = start
        fh.seek(begins)
        return begins, fh.read(end - begins)


def set_aside(path: Path, begins: int, data: bytes) -> Path:
    """``data``, the trail's unfinished last line from ``begins`` on, added to the trail's ``.torn`` file and then
    cut from the trail, each on disk before the next step; the ``.torn`` file's path."""
    aside = path.with_name(path.name + TORN_SUFFIX)
    _write_all(aside, data)
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        os.ftruncate(fd, begins)
        os.fsync(fd)
    finally:
        os.close(fd)
    return aside


def append_lines(path: Path, data: bytes) -> None:
    """``data`` (whole lines) appended to ``path`` and on disk when this returns, on a line of its own. On failure
    the file is cut back to its length before, so no part of a line stays to be joined by the next, and the
    error is raised."""
    fd = open_private(path, os.O_RDWR | os.O_CREAT | os.O_APPEND)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            data = b"\n" + data  # a line left without its ending (one a seal counts): the entries go on below it
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        except OSError:
            _cut_back(fd, size, path)
            raise
    finally:
        os.close(fd)


def _cut_back(fd: int, size: int, path: Path) -> None:
    try:
        os.ftruncate(fd, size)
        os.fsync(fd)
    except OSError as exc:
        log.error("audit: could not take back a failed append to %s (%s); the next append begins a line of its own",
                  path.name, exc.strerror)


def _write_all(path: Path, data: bytes) -> None:
    fd = open_private(path)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    folder = os.open(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
