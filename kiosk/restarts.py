"""What ``kiosk supervise`` restarted, and why: kept for ``kiosk doctor``, maintenance and the heartbeat.

The supervisor (kiosk/supervisor.py) adds one :class:`Restart` each time it starts the terminal again;
the last ``KEEP`` are kept in ``maintenance/restarts.json`` under the data dir (0600, replaced whole
through a temporary file, so a reader never sees half of it). The terminal's heartbeat reports
:meth:`RestartLog.summary` to the backend, so the hall's fleet view sees a terminal that keeps
freezing or crashing; ``kiosk doctor`` lists the recent ones.

The file holds no personal data: a time, a reason, a plain line for staff, how long the terminal ran.
A damaged file (cut short, edited, NaN) reads as empty and says so in the log: it is only a record.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path

from common.i18n import N_
from common.private_files import private_dir
from offline_queue.durable import write_durably

log = logging.getLogger(__name__)

KEEP = 50              # the newest restarts kept
DAY_S = 86400.0        # the window the summary counts over
JUST_S = 120.0         # a start this soon after a restart's cause tells whoever is at the screen
FILE = Path("maintenance") / "restarts.json"


class Reason(str, Enum):
    FROZE = "froze"      # its GUI thread gave no sign of life for supervisor.freeze_s (or start_s)
    CRASHED = "crashed"  # ended by a signal (SIGSEGV, SIGABRT, SIGKILL from outside ...)
    EXITED = "exited"    # ended by itself, with its exit status
    UNSTARTABLE = "unstartable"  # the program could not be started at all
    MEMORY = "memory"    # its resident memory passed supervisor.max_resident_mb: stopped while nobody used it
    DEVICE = "device"    # a device held by a call that never returned (supervisor.device_held_s): the same
    DISK = "disk"        # its disk refused writes (kiosk/disk_watch.py): the same, to show that it is out of order


# each reason as staff read it (maintenance's line, the hall's terminals)
LABELS = {Reason.FROZE: N_("it froze (its screen stopped answering)"), Reason.CRASHED: N_("it crashed"),
          Reason.EXITED: N_("it closed"), Reason.UNSTARTABLE: N_("it could not be started"),
          Reason.MEMORY: N_("it had grown too large in memory and was started afresh while nobody used it"),
          Reason.DEVICE: N_("a device had stopped answering, and it was started afresh while nobody used it"),
          Reason.DISK: N_("its disk had stopped taking writes, and it was started afresh while nobody used it, to "
                          "show that it is out of order")}
PLANNED = frozenset({Reason.MEMORY, Reason.DEVICE, Reason.DISK})  # started afresh while nobody used it: nobody was cut short


@dataclass(frozen=True)
class Restart:
    at: float        # wall-clock time it ended, seconds since the epoch
    reason: Reason
    detail: str      # one plain line for staff: "no sign of life for 30 s", "signal SIGSEGV", "status 2"
    ran_s: float     # how long it had run

    def when(self) -> str:
        return datetime.fromtimestamp(self.at, tz=timezone.utc).isoformat(timespec="seconds")

    def line(self) -> str:
        return f"{self.when()} {self.reason.value}: {self.detail} (after {self.ran_s:.0f} s)"


def _restart(item: object) -> Restart | None:
    if not isinstance(item, dict):
        return None
    at, reason, detail, ran_s = item.get("at"), item.get("reason"), item.get("detail"), item.get("ran_s")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v >= 0
               for v in (at, ran_s)):
        return None
    if not isinstance(detail, str) or reason not in {r.value for r in Reason}:
        return None
    return Restart(float(at), Reason(reason), detail[:200], float(ran_s))


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number")


class RestartLog:
    def __init__(self, data_dir: Path) -> None:
        self._path = data_dir / FILE

    @property
    def path(self) -> Path:
        return self._path

    def recent(self) -> list[Restart]:
        """The kept restarts, oldest first; empty when there is no file or it cannot be read."""
        try:
            text = self._path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("the restart record %s cannot be read (%s): taken as empty", self._path, exc)
            return []
        try:
            items = json.loads(text, parse_constant=_refuse_constant).get("restarts", [])
        except (ValueError, AttributeError) as exc:
            log.warning("the restart record %s is damaged (%s): taken as empty", self._path, exc)
            return []
        if not isinstance(items, list):
            log.warning("the restart record %s holds no list of restarts: taken as empty", self._path)
            return []
        restarts = [r for r in map(_restart, items) if r is not None]
        if len(restarts) != len(items):
            log.warning("the restart record %s has entries that are not restarts: left out", self._path)
        return restarts[-KEEP:]

    def add(self, restart: Restart) -> None:
        """Kept with the newest ``KEEP - 1`` before it. A disk that refuses is logged: the supervisor
        goes on restarting whether or not it can write down that it did."""
        kept = [*self.recent(), restart][-KEEP:]
        text = json.dumps({"restarts": [{**asdict(r), "reason": r.reason.value} for r in kept]}, indent=1)
        try:
            private_dir(self._path.parent)
            write_durably(self._path, text.encode("utf-8"))  # whole across a power cut: the supervisor's thread waits
        except OSError as exc:
            log.error("the restart record %s cannot be written (%s): %s", self._path, exc, restart.line())

    def summary(self, now: float) -> dict:
        """For the heartbeat: how many restarts in the last day, and the last one's reason and time."""
        restarts = self.recent()
        last = restarts[-1] if restarts else None
        return {"last_24h": len(of_the_day(restarts, now)),
                "last_reason": last.reason.value if last else "",
                "last_at": last.when() if last else ""}


def just_restarted(last: list[Restart], now: float) -> bool:
    """The newest restart (``last``: the record's newest, or none) came within ``JUST_S`` of ``now``, and was not
    planned: someone may have been halfway through at the screen."""
    return bool(last) and last[-1].reason not in PLANNED and 0 <= now - last[-1].at <= JUST_S


def of_the_day(restarts: list[Restart], now: float) -> list[Restart]:
    """Those of the last 24 hours (a minute ahead of ``now`` allowed, for a clock that moved), oldest first."""
    return [r for r in restarts if now - DAY_S <= r.at <= now + 60]
