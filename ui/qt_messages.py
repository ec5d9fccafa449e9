"""Qt's own messages: into the log, and out of the way while Qt loads a library.

Our handler is Python, so each message Qt gives it needs the interpreter's lock (the GIL). A message
logged while the dynamic loader holds its own lock (a library's constructor, during ``dlopen``: loading
libQt6Multimedia logs "Couldn't load pipewire-0.3 library" where there is no PipeWire) then deadlocks
with any thread that holds the GIL and asks the loader something: numpy does on every large array
operation (``dladdr`` in its temporary elision), as the simulated document camera's frames are drawn.
Found by kiosk bench ui-monkey: voice switched on a second after the start froze the kiosk for good.
While Qt loads a library, Qt's default handler (C++ only, to standard error) takes its messages.
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from typing import Iterator

from PySide6.QtCore import QtMsgType, qInstallMessageHandler

log = logging.getLogger("ui.app")
_loading = threading.RLock()


def to_log(mode: QtMsgType, context, message: str) -> None:
    """Qt's own warnings go to the log, not to the console a citizen might see."""
    level = logging.WARNING if mode in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg) else logging.DEBUG
    log.log(level, "qt: %s", message)


def install() -> None:
    qInstallMessageHandler(to_log)


@contextmanager
def native_while_loading() -> Iterator[None]:
    """Around the first import of a Qt module or the first use that loads its plugins (GUI thread)."""
    with _loading:
        previous = qInstallMessageHandler(None)
        try:
            yield
        finally:
            qInstallMessageHandler(previous)
