"""Provisional numbers that are never issued twice, across restarts and queue resets.

The sequence lives in its own small file beside (not inside) the queue
database, so moving a corrupt queue aside does not reset it. Numbers are
reserved in blocks: the file records the highest number reserved, written
durably once per block, so a crash can skip numbers but never repeat one.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

from kiosk import provisional
from offline_queue.durable import write_durably

BLOCK = 200


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

    def _load(self, day: str) -> int:
        try:
            state = json.loads(self._path.read_text("utf-8"))
        except (OSError, ValueError):
            return 0
        return int(state.get(day, 0)) if isinstance(state, dict) else 0

    def next(self, today: dt.date | None = None) -> str:
        day_date = today or dt.date.today()
        with self._lock:
            if day_date != self._day or self._numbers is None:
                day = day_date.strftime("%Y%m%d")
                self._numbers = provisional.DayNumbers(self._terminal_id, day)
                self._day = day_date
                self._reserved = self._load(day)
                self._next = self._reserved + 1  # whatever was reserved before a restart is skipped
            if self._next > self._reserved:
                self._reserved = self._next + self._block - 1
                write_durably(self._path, json.dumps({self._day.strftime("%Y%m%d"): self._reserved}).encode())
            number = self._next
            self._next += 1
            return self._numbers.make(number)
