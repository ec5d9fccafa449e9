"""The service catalogue as the backend last gave this terminal, held for when it cannot give one.

The home screen tells citizens that while the service system is away they can still apply (a provisional number, the
application sent by itself later: the offline queue). That needs the list of services: each session asked the backend
for it afresh, so a citizen who came during an outage was told only that the service system could not be reached.
Now the terminal holds the last catalogue it was given (public data, in memory: the same for every citizen) and,
when the backend is away or answers badly, the session offers it and says since when it is held. A refusal of the
terminal itself (not authenticated, not enrolled) is not an outage: it is raised as before, nothing held offered.

One module for the kiosk and the window (kiosk/workflows/citizen.py, kiosk/workflows/clerk.py). Qt-free and blocking
(network): :meth:`HeldCatalogue.fetch` runs on the task runner.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from common.backend_errors import OfflineError, ServerError
from common.domain import ServiceItem

if TYPE_CHECKING:
    from kiosk.backend.client import BackendClient

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fetched:
    """The catalogue to offer: the backend's now, or (``held_since`` set) the one it gave at that time."""

    items: list[ServiceItem]
    held_since: dt.datetime | None = None


class HeldCatalogue:
    def __init__(self, clock: Callable[[], dt.datetime] = lambda: dt.datetime.now().astimezone()) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._items: tuple[ServiceItem, ...] = ()
        self._since: dt.datetime | None = None

    def fetch(self, backend: BackendClient) -> Fetched:
        """The backend's catalogue (held from now on), or the one held when the backend is away or answers badly;
        with nothing held, the backend's error."""
        try:
            items = list(backend.catalogue())
        except (OfflineError, ServerError) as exc:
            with self._lock:
                held, since = self._items, self._since
            if not held or since is None:
                raise
            log.info("catalogue: the backend's not had (%s); offering the one held since %s", type(exc).__name__,
                     since.isoformat(timespec="minutes"))
            return Fetched(list(held), since)
        if items:  # an empty answer is no catalogue to fall back on
            with self._lock:
                self._items, self._since = tuple(items), self._clock()
        return Fetched(items)

    @property
    def held(self) -> bool:
        with self._lock:
            return bool(self._items)
