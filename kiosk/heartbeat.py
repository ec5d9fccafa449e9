"""Enrolment and the periodic heartbeat: the backend sees the terminal's health, the terminal gets remote config.

Runs on its own thread with a bounded interval; a failed beat is logged and retried at the
next interval, never raised. Any other exception (a status source, ``on_config``, a bug) is
logged with its context and the thread goes on, waiting up to 8 intervals while it repeats.
Remote configuration is validated (only listed keys) and handed to ``on_config``; the caller
decides what to apply live.
"""

from __future__ import annotations

import logging
import re
import shutil
import threading
import time
from pathlib import Path
from typing import Callable

from kiosk import __version__
from kiosk.backend.client import BackendClient
from common.backend_errors import BackendError
from common import names
from common.domain import CLOCK_OFFSET_MAX_S, DNS_STALE_MAX, HOST_NAME
from devices.health import Health
from kiosk.config import Config, ConfigError, apply_remote
from kiosk.diagnostics import BackendContact
from kiosk.disk_watch import DiskWatch
from kiosk.installation import installation_id

log = logging.getLogger(__name__)
_HOST_NAME = re.compile(HOST_NAME)
MAX_BACKOFF_FACTOR = 8  # after repeated exceptions, beats come at most 8 intervals apart


def free_disk_mb(path: Path) -> float:
    try:
        return shutil.disk_usage(path).free / (1024 * 1024)
    except OSError:
        return 0.0


class Heartbeat:
    def __init__(self, backend: BackendClient, config: Config, devices: list, *,
                 status_extra: Callable[[], dict] | None = None,
                 on_config: Callable[[Config], None] | None = None, interval_s: float = 60.0,
                 on_first_beat: Callable[[], None] | None = None, disk: DiskWatch | None = None) -> None:
        self._backend = backend
        self._disk = disk  # whether the disk takes writes (kiosk/disk_watch.py); None: not said
        self.installation = installation_id(config.data_dir)  # this installation (kiosk/installation.py)
        # the backend heard this terminal's id from another installation lately (its answer's ``id_shared``)
        self.id_shared = False
        self._config = config
        self._devices = devices
        self._more: list[Callable[[], Health]] = []  # parts the UI reports (also_report)
        self._status_extra = status_extra or (lambda: {"queue": {"depth": 0, "oldest_age_s": 0.0}})
        self._on_config = on_config
        self._on_first_beat = on_first_beat  # once, after the first beat's answer or failure
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.enrolled = False
        self.last_error: BackendError | None = None
        self.config_refused = ""  # why the backend's last configuration was refused; reported back and in maintenance
        # whether the hall registered this terminal as a window (its answer's ``window``); None until it says
        self.registered_window: bool | None = None
        self.answered_at: float | None = None  # wall clock of the backend's last answer (maintenance's network line)
        self.round_trip_ms: float | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

    def also_report(self, health: Callable[[], Health]) -> None:
        """A part only the UI knows the state of (the window's applicant monitor: ui/window_view.py), reported with
        the devices in each heartbeat; ``health`` is called on the heartbeat's thread and must not block."""
        self._more.append(health)

    def status(self) -> dict:
        devices = []
        healths = [(device.name, device.health.snapshot()) for device in self._devices]
        for more in self._more:
            try:
                health = more()
            except Exception:  # noqa: BLE001 - one part's bug leaves it out, not the terminal's whole heartbeat
                log.exception("heartbeat: a part reported by the UI could not be read; left out of this beat")
                continue
            healths.append((health.device, health))
        for name, health in healths:
            devices.append({"name": name, "state": health.state.value,
                            "reason": health.reason.render("en") if health.reason else ""})
        status = {"version": __version__, "mode": self._config.terminal.mode, "devices": devices,
                  "free_disk_mb": round(free_disk_mb(self._config.data_dir), 1),
                  "config_refused": self.config_refused, "clock_offset_s": self._clock_offset(),
                  "dns_stale": self._dns_stale(),
                  "disk_writable": not (self._disk is not None and self._disk.refused)}
        if self.installation:
            status["installation"] = self.installation
        status.update(self._status_extra())
        return status

    @staticmethod
    def _dns_stale() -> list[str]:
        """The names the DNS does not answer for, that the terminal reaches at their last addresses (as many as
        the contract takes, each a host name)."""
        return [name for name, _ in names.NAMES.stale() if _HOST_NAME.match(name)][:DNS_STALE_MAX]

    def _clock_offset(self) -> float | None:
        """The backend's clock less this terminal's, as the client learned it from the backend's signed answers: the
        hall's list of terminals shows a terminal whose receipts print the wrong time. None before any answer, or
        past the contract's bound (a dead clock battery: the heartbeat is not refused for it)."""
        offset = getattr(self._backend, "clock_offset_s", None)
        if self.answered_at is None or not isinstance(offset, float) or not abs(offset) <= CLOCK_OFFSET_MAX_S:
            return None
        return round(offset, 1)

    def beat_once(self) -> bool:
        try:
            status = self.status() if self.enrolled else None
            asked = time.monotonic()
            if status is None:
                reply = self._backend.enrol(self._config.terminal.hall_id, __version__, self._config.terminal.mode,
                                            self.installation)
                self.enrolled = True
            else:
                reply = self._backend.heartbeat(status)
        except BackendError as exc:
            self.last_error = exc
            log.warning("heartbeat: %s", exc.detail or type(exc).__name__)
            return False
        self.round_trip_ms = (time.monotonic() - asked) * 1000
        self.answered_at = time.time()
        self.last_error = None
        self._apply(reply.get("config") or {})
        self._note_register(reply.get("window"))
        self._note_shared(reply.get("id_shared"))
        return True

    def _note_shared(self, said: object) -> None:
        """Another installation reports under this terminal's id: said in the log when the backend's answer changes
        (and by kiosk doctor)."""
        shared = said is True
        if shared is self.id_shared:
            return
        self.id_shared = shared
        if shared:
            log.warning("heartbeat: the backend hears terminal id %s from another installation too: two terminals "
                        "run under one terminal.id (a site file copied?); give each its own", self._config.terminal.id)
        else:
            log.info("heartbeat: the backend hears terminal id %s from this installation alone again",
                     self._config.terminal.id)

    def _note_register(self, said: object) -> None:
        """A window the hall has not registered has every case with paper checked at the counter refused (403
        ``not_a_window``), those it accepts offline too: said in the log when the backend's answer changes."""
        if not isinstance(said, bool) or said is self.registered_window:
            return
        self.registered_window = said
        if self._config.terminal.mode == "window" and not said:
            log.warning("heartbeat: the backend's register does not list terminal %s as a window; every case with "
                        "paper checked at the counter will be refused (ask the hall's administrator to register it)",
                        self._config.terminal.id)

    @property
    def config(self) -> Config:
        """The configuration in effect: the one the terminal started with and the backend's keys applied since."""
        return self._config

    def contact(self) -> BackendContact:
        """The last contact with the backend, for maintenance."""
        error = self.last_error
        return BackendContact(self._config.backend.url, self.answered_at, self.round_trip_ms,
                              error.message if error is not None else None, self._clock_offset(),
                              tuple((name, tuple(addresses)) for name, addresses in names.NAMES.stale()),
                              id_shared=self._config.terminal.id if self.id_shared else "",
                              disk_refused=self._disk is not None and self._disk.refused)

    def _apply(self, remote: dict) -> None:
        try:
            updated = apply_remote(self._config, remote)
        except ConfigError as exc:
            log.warning("heartbeat: remote configuration refused: %s", exc)
            self.config_refused = str(exc)[:300]
            return
        self.config_refused = ""
        if updated != self._config:
            self._config = updated
            log.info("heartbeat: remote configuration applied")
            if self._on_config is not None:
                self._on_config(updated)

    def _run(self) -> None:
        failures = 0  # consecutive beats that raised: the wait grows, bounded, so a bug cannot spin
        while not self._stop.is_set():
            try:
                self.beat_once()
                failures = 0
            except Exception:  # a bug here (status, on_config, the client) must not stop the heartbeat for good
                failures += 1
                log.exception("heartbeat: beat failed (enrolled=%s, %d in a row); going on", self.enrolled, failures)
            if self._on_first_beat is not None:
                first, self._on_first_beat = self._on_first_beat, None
                first()
            self._stop.wait(self._interval_s * min(2 ** max(0, failures - 1), MAX_BACKOFF_FACTOR))
