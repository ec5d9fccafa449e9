"""Provisional numbers that are never issued twice, across restarts, queue resets, clock changes and lost files.

A number is a random *series* (drawn when this file is created, or found lost or
damaged) and a sequence that counts on within it, never per day (common/provisional.py):
the date in a number is a label, so a clock set back or jumping ahead repeats nothing.
When a series runs out (99,999 numbers) the next series follows. A lost or damaged
file starts a new random series: it cannot repeat anything issued before unless it
draws a series used before, 1 in 1,336,336 per loss (and the backend then refuses
the number, and the sync worker holds the item for staff instead of adopting a
stranger's case).

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
import secrets
import struct
import threading
import time
import zlib
from pathlib import Path
from typing import Callable

from common import provisional
from offline_queue.durable import write_durably

log = logging.getLogger(__name__)

BLOCK = 200
SLOT = 512
_RECORD = struct.Struct("<4sBxxxQII")  # magic, version, generation, series, highest reserved in the series
_MAGIC, _VERSION = b"OTSQ", 2


def _pack(generation: int, series: int, reserved: int) -> bytes:
    record = _RECORD.pack(_MAGIC, _VERSION, generation, series, reserved)
    return (record + struct.pack("<I", zlib.crc32(record))).ljust(SLOT, b"\0")


def _unpack(slot: bytes) -> tuple[int, int, int] | None:
    """(generation, series, reserved), or None for a slot that is empty, torn, of the old format or not ours."""
    size = _RECORD.size
    if len(slot) < size + 4 or struct.unpack_from("<I", slot, size)[0] != zlib.crc32(slot[:size]):
        return None
    magic, version, generation, series, reserved = _RECORD.unpack_from(slot)
    if magic != _MAGIC or version != _VERSION or series >= provisional.SERIES_COUNT:
        return None
    return generation, series, min(reserved, provisional.MAX_SEQUENCE)


class ProvisionalSequence:
    """Hands out provisional numbers; ``clock`` gives the date printed in them, nothing else."""

    def __init__(self, path: Path, terminal_id: str, block: int = BLOCK, *,
                 clock: Callable[[], float] = time.time) -> None:
        self._path = path
        self._terminal_id = terminal_id
        self._block = block
        self._clock = clock
        self._lock = threading.Lock()
        self._numbers: provisional.SeriesNumbers | None = None
        self._series = 0
        self._next = 0
        self._reserved = 0  # the highest number of the series the file promises we may use
        self._generation = 0
        self._date, self._date_ends = "", 0.0  # today's YYYYMMDD and the local midnight that ends it

    @property
    def series(self) -> str:
        return self._numbers.series if self._numbers else ""

    def _read(self) -> tuple[int, int, int] | None:
        """The newest valid record; None when there is none (no file, damaged, or the old format)."""
        try:
            data = self._path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.error("provisional sequence: cannot read %s (%s)", self._path, exc.strerror)
            return None
        records = [r for r in (_unpack(data[i:i + SLOT]) for i in (0, SLOT)) if r is not None]
        if not records:
            log.error("provisional sequence: %s is damaged or of the old format; a new random series begins "
                      "so that no number repeats", self._path)
        return max(records) if records else None

    def _load(self) -> None:
        record = self._read()
        if record is None:
            self._generation, self._series, self._reserved = 0, secrets.randbelow(provisional.SERIES_COUNT), 0
            log.info("provisional sequence: series %s begins", provisional.series_name(self._series))
        else:
            self._generation, self._series, self._reserved = record
        self._next = self._reserved + 1  # whatever was reserved before a restart is skipped
        self._numbers = provisional.SeriesNumbers(self._terminal_id, self._series)

    def _write(self, series: int, reserved: int) -> None:
        self._generation += 1
        generation = self._generation
        try:
            in_place = generation > 1 and self._path.stat().st_size == 2 * SLOT
        except OSError:
            in_place = False
        if not in_place:  # a new (or replaced, or lost) file: both slots, the newer where this generation belongs
            slots = [_pack(generation, series, reserved), _pack(generation - 1, series, reserved)]
            write_durably(self._path, b"".join(slots[::-1] if generation % 2 else slots))
            return
        fd = os.open(self._path, os.O_WRONLY)
        try:
            os.pwrite(fd, _pack(generation, series, reserved), (generation % 2) * SLOT)
            os.fdatasync(fd)
        finally:
            os.close(fd)

    def _today(self) -> str:
        now = self._clock()
        if not self._date or not self._date_starts <= now < self._date_ends:  # a float compare, most calls
            day = dt.datetime.fromtimestamp(now).date()
            self._date = day.strftime("%Y%m%d")
            self._date_starts = dt.datetime.combine(day, dt.time()).timestamp()
            self._date_ends = dt.datetime.combine(day + dt.timedelta(days=1), dt.time()).timestamp()
        return self._date

    def next(self, today: dt.date | None = None) -> str:
        with self._lock:
            date = today.strftime("%Y%m%d") if today is not None else self._today()
            if self._numbers is None:
                self._load()
            if self._next > self._reserved:
                series, first = self._series, self._next
                if first > provisional.MAX_SEQUENCE:  # the series ran out: the next one follows
                    series, first = (series + 1) % provisional.SERIES_COUNT, 1
                reserved = min(first + self._block - 1, provisional.MAX_SEQUENCE)
                self._write(series, reserved)  # durable first: a failed write hands out nothing beyond the promise
                if series != self._series:
                    self._series, self._numbers = series, provisional.SeriesNumbers(self._terminal_id, series)
                    log.info("provisional sequence: series %s begins", self._numbers.series)
                self._next, self._reserved = first, reserved
            number = self._next
            self._next += 1
            return self._numbers.make(date, number)
