"""The service catalogue as the backend last gave this terminal, held for when it cannot give one.

The home screen tells citizens that while the service system is away they can still apply (a provisional number, the
application sent by itself later: the offline queue). That needs the list of services: each session asked the backend
for it afresh, so a citizen who came during an outage was told only that the service system could not be reached.
Now the terminal holds the last catalogue it was given (public data: the same for every citizen) and, when the
backend is away or answers badly, the session offers it and says since when it is held. A refusal of the terminal
itself (not authenticated, not enrolled) is not an outage: it is raised as before, nothing held offered.

It is kept on disk too (``held_catalogue.json`` in the data folder, written durably when it changes), so a terminal
started during an outage (the morning's boot, a restart) has it. The file carries an HMAC under a key derived from
the terminal's signing key: one edited on the disk is not offered (the backend would refuse a case of a service it
does not have, but a citizen would have filled it in first). Written and read on the task runner only.

One module for the kiosk and the window (kiosk/workflows/citizen.py, kiosk/workflows/clerk.py). Qt-free and blocking
(network): :meth:`HeldCatalogue.fetch` runs on the task runner.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import hmac
import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from common.backend_errors import BackendError, OfflineError, ServerError
from common.domain import ServiceItem
from kiosk.backend.codec import service_from_json
from offline_queue.durable import write_durably

if TYPE_CHECKING:
    from kiosk.backend.client import BackendClient

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fetched:
    """The catalogue to offer: the backend's now, or (``held_since`` set) the one it gave at that time."""

    items: list[ServiceItem]
    held_since: dt.datetime | None = None


FILE_NAME = "held_catalogue.json"
_KEY_LABEL = b"onetrip held catalogue v1"


def file_key(terminal_key: bytes) -> bytes:
    """The key the held catalogue's file is sealed with, derived from a key of the terminal's own (the client's
    ``audit_key``, itself derived from its request-signing key)."""
    return hmac.new(terminal_key, _KEY_LABEL, hashlib.sha256).digest()


class HeldCatalogue:
    """``path`` and ``key``: where it is kept across restarts, and the key that seals it (none: in memory only)."""

    def __init__(self, clock: Callable[[], dt.datetime] = lambda: dt.datetime.now().astimezone(), *,
                 path: Path | None = None, key: bytes = b"") -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._items: tuple[ServiceItem, ...] = ()
        self._since: dt.datetime | None = None
        self._path, self._key = (path, key) if path is not None and key else (None, b"")
        self._file_read = False

    def fetch(self, backend: BackendClient) -> Fetched:
        """The backend's catalogue (held from now on), or the one held when the backend is away or answers badly;
        with nothing held, the backend's error."""
        try:
            items = list(backend.catalogue())
        except (OfflineError, ServerError) as exc:
            self._read_file_once()
            with self._lock:
                held, since = self._items, self._since
            if not held or since is None:
                raise
            log.info("catalogue: the backend's not had (%s); offering the one held since %s", type(exc).__name__,
                     since.isoformat(timespec="minutes"))
            return Fetched(list(held), since)
        if items:  # an empty answer is no catalogue to fall back on
            with self._lock:
                changed = tuple(items) != self._items
                self._items, self._since, self._file_read = tuple(items), self._clock(), True
                since = self._since
            if changed:
                self._write_file(items, since)
        return Fetched(items)

    def _write_file(self, items: list[ServiceItem], since: dt.datetime) -> None:
        if self._path is None:
            return
        body = json.dumps({"since": since.isoformat(), "items": [_as_json(item) for item in items]},
                          ensure_ascii=False, sort_keys=True).encode("utf-8")
        sealed = json.dumps({"mac": hmac.new(self._key, body, hashlib.sha256).hexdigest(),
                             "body": body.decode("utf-8")}, ensure_ascii=False).encode("utf-8")
        try:
            write_durably(self._path, sealed)
        except (OSError, TypeError) as exc:  # kept in memory all the same
            log.warning("catalogue: not kept on disk (%s)", exc.strerror or type(exc).__name__)

    def _read_file_once(self) -> None:
        """The catalogue kept on disk, when none is held in memory yet (a terminal started during an outage)."""
        with self._lock:
            if self._file_read or self._path is None:
                return
            self._file_read = True
        try:
            sealed = json.loads(self._path.read_bytes())
            body = sealed["body"].encode("utf-8")
            if not hmac.compare_digest(str(sealed["mac"]), hmac.new(self._key, body, hashlib.sha256).hexdigest()):
                log.warning("catalogue: the file kept on disk does not match its seal: not offered")
                return
            kept = json.loads(body)
            since = dt.datetime.fromisoformat(kept["since"])
            items = tuple(service_from_json(item) for item in kept["items"])
        except FileNotFoundError:
            return
        except (OSError, ValueError, KeyError, TypeError, AttributeError, BackendError) as exc:
            log.warning("catalogue: the file kept on disk cannot be read (%s): not offered", type(exc).__name__)
            return
        if since.tzinfo is None or not items:
            return
        with self._lock:
            if not self._items:  # the backend's own, fetched meanwhile, stands
                self._items, self._since = items, since

    @property
    def held(self) -> bool:
        with self._lock:
            return bool(self._items)


def _as_json(item: ServiceItem) -> dict[str, Any]:
    """A service as the contract gives it (what ``service_from_json`` reads back): its fields, enums by value."""
    return json.loads(json.dumps(dataclasses.asdict(item), default=_plain))


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"{type(value).__name__} is not kept")
