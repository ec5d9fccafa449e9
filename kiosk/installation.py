"""This installation of the terminal: a random id made once in its data folder and said to the backend with the
enrolment and each heartbeat, so that two terminals under one ``terminal.id`` are seen.

A site file copied from one kiosk to the next, or an image cloned with it, gave a hall two terminals under one id:
the backend took their heartbeats as one terminal's (the hall's list showed whichever spoke last), a window's two
audit chains as one broken chain, and their provisional numbers from the same id apart only by their random series.
Nothing said so. The backend now names, in its answer and in the hall's list, an id heard from more than one
installation lately (docs/api/payloads.md, "Terminals"); ``kiosk doctor`` and the log say it. The id says nothing
of the terminal or anyone: 128 random bits. Qt-free.
"""

from __future__ import annotations

import logging
import re
import secrets
from pathlib import Path

from common.private_files import private_dir
from offline_queue.durable import write_durably

log = logging.getLogger(__name__)

INSTALLATION_FILE = "installation"
INSTALLATION = r"^[0-9a-f]{32}$"
_INSTALLATION = re.compile(INSTALLATION)


def installation_id(data_dir: Path) -> str:
    """The installation's id, made and written the first time; "" when it can be neither read nor written (the
    terminal then says none, and is not counted)."""
    path = data_dir / INSTALLATION_FILE
    try:
        said = path.read_text("ascii").strip()
    except FileNotFoundError:
        said = ""
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("installation: %s unreadable (%s); a new id is made", path, type(exc).__name__)
        said = ""
    if _INSTALLATION.match(said):
        return said
    if path.is_file():  # emptied or cut by a power cut or the disk: said, as the backend will count two installations
        log.warning("installation: %s holds no installation id (%d characters); a new id is made", path, len(said))
    made = secrets.token_hex(16)
    try:
        private_dir(data_dir)
        write_durably(path, (made + "\n").encode("ascii"))
    except OSError as exc:
        log.warning("installation: %s cannot be written (%s); the backend is not told this installation", path,
                    exc.strerror or type(exc).__name__)
        return ""
    return made
