"""Provisional numbers that are never issued twice, across restarts and queue resets.

The sequence lives in its own small file beside (not inside) the queue
database, so moving a corrupt queue aside does not reset it. Numbers are
reserved in blocks: the file records the highest number reserved, written
durably once per block, so a crash can skip numbers but never repeat one.

The file holds two fixed 512-byte slots, each a whole record with a CRC and a
generation count; a reservation overwrites the older slot in place and
fdatasyncs it. Overwriting allocated blocks needs no rename, no directory fsync
and no filesystem journal commit: one data flush, about a WAL commit's cost
(a rename and two fsyncs cost 0.7 ms here, and in place, right before the
queue's own commits, it slowed those down as well). A write torn by power loss
spoils only the slot being written; the other still holds the previous block,
which was never handed out beyond.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import struct
import threading
import time
import zlib
from pathlib import Path

from common import provisional
from offline_queue.durable import write_durably

log = logging.getLogger(__name__)

BLOCK = 200
SLOT = 512
_RECORD = struct.Struct("<4sBxxxQII")  # magic, version, generation, day (YYYYMMDD), highest reserved
_MAGIC, _VERSION = b"OTSQ", 1
# Where a day resumes when neither slot can be read (the file was damaged from outside): far above
# anything a terminal issues in a day (a busy kiosk takes a few hundred cases), so nothing repeats.
RESUME_AFTER_DAMAGE = 50000


def _pack(generation: int, day: int, reserved: int) -> bytes:
    record = _RECORD.pack(_MAGIC, _VERSION, generation, day, reserved)
    return (record + struct.pack("<I", zlib.crc32(record))).ljust(SLOT, b"\0")


def _unpack(slot: bytes) -> tuple[int, int, int] | None:
    """(generation, day, reserved), or None for a slot that is empty, torn or not ours."""
    size = _RECORD.size
    if len(slot) < size + 4 or struct.unpack_from("<I", slot, size)[0] != zlib.crc32(slot[:size]):
        return None
    magic, version, generation, day, reserved = _RECORD.unpack_from(slot)
    return (generation, day, reserved) if magic == _MAGIC and version == _VERSION else None


class ProvisionalSequence:
    def __init__(self, path: Path, terminal_id: str, block: int = BLOCK) -> None:
        self._path = path
        self._terminal_id = terminal_id
        self._block = block
        self._lock = threading.Lock()
        self._day: dt.date | None = None
        self._numbers: provisional.DayNumbers | None = None
        self._next = 0
        self._reserved = 0  # the highest number the file promises we may use today
        self._generation = 0
        self._daynum = 0
        self._day_ends = 0.0  # local midnight after the current day

    def _read(self) -> tuple[int, int, int] | None:
        """The newest valid record; (0, 0, 0) for no file; None when the file is there but unreadable."""
        try:
            data = self._path.read_bytes()
        except FileNotFoundError:
            return 0, 0, 0
        except OSError as exc:
            log.error("provisional sequence: cannot read %s (%s)", self._path, exc.strerror)
            return None
        records = [r for r in (_unpack(data[i:i + SLOT]) for i in (0, SLOT)) if r is not None]
        return max(records) if records else None

    def _load(self, day: int) -> int:
        record = self._read()
        if record is None:
            log.error("provisional sequence: %s is damaged; today's numbers go on from %d so none repeats",
                      self._path, RESUME_AFTER_DAMAGE)
            self._generation = 0
            return RESUME_AFTER_DAMAGE
        self._generation = record[0]
        return record[2] if record[1] == day else 0

    def _write(self, reserved: int) -> None:
        self._generation += 1
        generation, day = self._generation, self._daynum
        try:
            in_place = generation > 1 and self._path.stat().st_size == 2 * SLOT
        except OSError:
            in_place = False
        if not in_place:  # a new (or replaced) file: both slots, the newer where this generation belongs
            slots = [_pack(generation, day, reserved), _pack(generation - 1, day, reserved)]
            write_durably(self._path, b"".join(slots[::-1] if generation % 2 else slots))
            return
        fd = os.open(self._path, os.O_WRONLY)
        try:
            os.pwrite(fd, _pack(generation, day, reserved), (generation % 2) * SLOT)
            os.fdatasync(fd)
        finally:
            os.close(fd)

    def next(self, today: dt.date | None = None) -> str:
        with self._lock:
            if today is not None:
                day_date = today
            elif time.time() < self._day_ends:  # a float compare instead of building today's date
                day_date = self._day
            else:
                day_date = dt.date.today()
            if day_date != self._day or self._numbers is None:
                self._day_ends = dt.datetime.combine(day_date + dt.timedelta(days=1), dt.time()).timestamp()
                self._daynum = int(day_date.strftime("%Y%m%d"))
                self._numbers = provisional.DayNumbers(self._terminal_id, str(self._daynum))
                self._day = day_date
                self._reserved = self._load(self._daynum)
                self._next = self._reserved + 1  # whatever was reserved before a restart is skipped
            if self._next > self._reserved:
                reserved = self._next + self._block - 1
                self._write(reserved)  # durable first: a failed write hands out nothing beyond the file's promise
                self._reserved = reserved
            number = self._next
            self._next += 1
            return self._numbers.make(number)
