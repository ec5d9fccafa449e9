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
import time
from pathlib import Path

from common.masking import Masker
from common.private_files import open_private, private_dir

_FORMATTED = logging.Formatter()


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
    """Each log file (the current one and, by renaming, its backups) is 0600 (common/private_files.py)."""

    def _open(self):
        return os.fdopen(open_private(Path(self.baseFilename)), self.mode, encoding=self.encoding,
                         errors=self.errors)


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
                      max_bytes: int = 5 * 1024 * 1024, backups: int = 5, stream=None) -> Path:
    """Install the file and console handlers on the root logger; returns the log file's path."""
    private_dir(log_dir)
    path = log_dir / "kiosk.log"
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_onetrip", False):
            root.removeHandler(handler)
            handler.close()
    file_handler = PrivateRotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
    file_handler.setFormatter(JsonLinesFormatter())
    handlers: list[logging.Handler] = [file_handler]
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
