"""Logging: JSON lines to a rotating file, readable lines on the console, always masked.

The :class:`MaskingFilter` sits on every handler, so nothing reaches a file or
the console before ID numbers, phone numbers and the applicant's name are
replaced by their masked forms.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import sys
import time
from pathlib import Path

from common.masking import Masker
from common.private_files import open_private, private_dir

_FORMATTED = logging.Formatter()
LOG_DIR = "logs"        # under the data directory
LOG_FILE = "kiosk.log"  # in it, rotated daily and by size (kiosk.log.1 ...)


def log_dir(data_dir: Path) -> Path:
    """Where the terminal's log, a frozen terminal's stacks (kiosk/liveness.py) and nothing else go."""
    return data_dir / LOG_DIR


class MaskingFilter(logging.Filter):
    def __init__(self, masker: Masker) -> None:
        super().__init__()
        self._masker = masker

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._masker.mask(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = self._masker.mask(_FORMATTED.formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = self._masker.mask(record.stack_info)
        return True


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Each log file (the current one and, by renaming, its backups) is 0600 (common/private_files.py).

    It rotates by size, and also at the first record of a new day: the current file never holds a
    record older than its day, so the retention pass, which deletes rotated files after
    ``retention.logs_days``, bounds how long any record stays (a quiet terminal's file no longer keeps
    old records for weeks until it reaches the size). The day of a file found on opening is its last
    write's.

    A disk that refuses the file (full, or worn and remounted read-only: kiosk/disk_watch.py) is said once on
    stderr, in one line, and once more when the file takes records again, with how many were lost: logging's own
    answer was a traceback on stderr for every record, the journal filling with them while the terminal ran on."""

    def __init__(self, *args, **kwargs) -> None:
        self._day: str | None = None
        self.lost = 0  # records the disk refused since it last took one
        self.also_on_stderr = False  # the file could not be opened at the start: every record goes to stderr too
        self._refused_now = False
        super().__init__(*args, **kwargs)

    def emit(self, record: logging.LogRecord) -> None:
        self._refused_now = False
        super().emit(record)  # its failures come to handleError
        if self.lost and not self._refused_now:
            fate = "were on stderr only" if self.also_on_stderr else "were lost"
            _said(f"kiosk log: {self.baseFilename} takes records again; {self.lost} {fate} while it did not")
            self.lost = 0

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        failure = sys.exc_info()[1]
        if not isinstance(failure, OSError):
            super().handleError(record)  # a bug (a record that cannot be formatted): logging's own report
            return
        self._refused_now = True
        if not self.lost and not self.also_on_stderr:  # already said, and the records are on stderr
            _said(f"kiosk log: {self.baseFilename} cannot be written ({failure.strerror or failure}); records are "
                  "lost until it can")
        self.lost += 1

    def _open(self):
        stream = os.fdopen(open_private(Path(self.baseFilename)), self.mode, encoding=self.encoding,
                           errors=self.errors)
        try:
            info = os.fstat(stream.fileno())
            self._day = _day_of(info.st_mtime) if info.st_size else None
        except OSError:
            self._day = None
        return stream

    def shouldRollover(self, record: logging.LogRecord) -> bool:  # noqa: N802 (logging's name)
        if self.stream is None:  # opened lazily (delay=True): open it to know its day
            self.stream = self._open()
        day = _day_of(record.created)
        if self._day is None:
            self._day = day
            return bool(super().shouldRollover(record))
        if day != self._day:
            return True
        return bool(super().shouldRollover(record))

    def doRollover(self) -> None:  # noqa: N802
        super().doRollover()
        self._day = None  # the new file's day is its first record's


def _said(line: str) -> None:
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # no stderr (closed, or none under a service): nowhere to say it
        pass


def _day_of(epoch: float) -> str:
    return time.strftime("%Y-%m-%d", time.localtime(epoch))


class JsonLinesFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(record.created)) + f".{int(record.msecs):03d}",
            "level": record.levelname,
            "logger": record.name,
            "thread": record.threadName,
            "msg": record.getMessage(),
        }
        if record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(log_dir: Path, masker: Masker, level: str = "INFO", console: bool = True,
                      max_bytes: int = 5 * 1024 * 1024, backups: int = 40, stream=None) -> Path:
    """Install the file and console handlers on the root logger; returns the log file's path. The file
    rotates daily and by size; ``backups`` (40) leaves room for ``retention.logs_days`` (30 by default)
    of daily files, which the retention pass deletes when due."""
    path = log_dir / LOG_FILE
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_onetrip", False):
            root.removeHandler(handler)
            handler.close()
    # opened here, not by the handler: a file it cannot open (left root's by a command run as root, a folder in its
    # place) stopped every start, the terminal started again and again for good (kiosk bench data-damage). Now it is
    # said on stderr, records go there too, and the file is tried again with each record
    file_handler = PrivateRotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8",
                                              delay=True)
    file_handler.setFormatter(JsonLinesFormatter())
    handlers: list[logging.Handler] = [file_handler]
    try:
        private_dir(log_dir)
        file_handler.stream = file_handler._open()
    except OSError as exc:
        _said(f"kiosk log: {path} cannot be opened ({exc.strerror or exc}); records go to stderr as well from now "
              "on")
        console, stream = True, sys.stderr
        file_handler.also_on_stderr = True
    if console:
        console_handler = logging.StreamHandler(stream)
        console_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S"))
        handlers.append(console_handler)
    for handler in handlers:
        handler.addFilter(MaskingFilter(masker))
        handler._onetrip = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    return path


def set_log_level(level: str) -> None:
    """The root logger's level (start-up and remote configuration)."""
    logging.getLogger().setLevel(level)
