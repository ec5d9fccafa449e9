"""What maintenance shows hall staff of the network, the log and the configuration
(ui/maintenance_diagnostics.py draws it).

- **Network**: the backend's address, when the heartbeat last had its answer and how long the answer
  took, or since when it has had none and why, in plain words.
- **The hall's terminals** (``GET /halls/{hall}/terminals``, for a staff member signed in online): one
  line each, as the backend last heard from it; one silent for ``SILENT_AFTER_BEATS`` heartbeat intervals
  is marked.
- **The log's newest warnings and errors**, read from the end of ``logs/kiosk.log`` (JSON lines, masked
  as they were written: kiosk/logging_setup.py), never more than ``TAIL_BYTES`` of it, on the task pool.
  Staff read what went wrong without a keyboard or a shell; support gets the file.
- **The configuration in effect**: the site file it came from, and every key not at its built-in default
  (a PIN or its hash said to be set, never shown); a key the backend set since the terminal started (the
  heartbeat's configuration) is marked so, even when set back to its default.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

from common.domain import HallTerminal
from common.i18n import N_, Text, _, plural_text, text
from devices.health import DeviceState
from kiosk.config import Config, DeviceConfig
from kiosk.restarts import LABELS, Reason

TAIL_BYTES = 256 * 1024  # of the log's end read for its newest warnings and errors
LOG_ENTRIES = 20         # the newest shown
MESSAGE_CHARS = 240      # a message's first line, cut here
LOUD_LEVELS = ("WARNING", "ERROR", "CRITICAL")
SECRET_KEYS = frozenset({"terminal.staff_pin", "terminal.break_glass_pin_hash"})


# Each kind of device as hall staff call it (the table showed the configuration's keys, "id_reader")
KIND_LABELS = {"id_reader": N_("ID card reader"), "ss_card_reader": N_("Social security card reader"),
               "qr_scanner": N_("QR code scanner"), "document_camera": N_("Document camera"),
               "receipt_printer": N_("Receipt printer"), "document_printer": N_("A4 document printer"),
               "customer_screen": N_("Applicant's screen")}  # the window's second monitor (ui/customer_screen.py)
LIST_SEPARATOR = N_(", ")  # between the items of a list in a sentence (Chinese: 、)
SILENT_AFTER_BEATS = 3  # a terminal not heard for this many heartbeat intervals is marked for staff
# a terminal's clock this far from the backend's is said: receipts, notices and the window's documents (a refusal's
# date starts the applicant's 60 days to ask for reconsideration) print this terminal's own time
CLOCK_OFF_S = 60.0


@dataclass(frozen=True)
class BackendContact:
    """The heartbeat's last contact with the backend (kiosk/heartbeat.py)."""

    url: str
    answered_at: float | None     # wall clock of the last answer; None: none since the terminal started
    round_trip_ms: float | None   # how long that answer took
    failure: Text | None          # why the last beat had no answer; None when it had one (or none was tried)
    clock_offset_s: float | None = None  # the backend's clock less this terminal's, from its last signed answer
    stale_names: tuple[tuple[str, tuple[str, ...]], ...] = ()  # names the DNS does not answer, the addresses used
    id_shared: str = ""  # this terminal's id, when the backend hears it from another installation too
    disk_refused: bool = False  # the disk refused the last write the terminal tried (kiosk/disk_watch.py)


def _clock(at: float) -> str:
    return datetime.fromtimestamp(at).strftime("%H:%M:%S")


def network_text(contact: BackendContact) -> Text:
    if contact.failure is not None:
        if contact.answered_at is None:
            return text("Backend {url}: no answer since this terminal started: {reason}", url=contact.url,
                        reason=contact.failure)
        return text("Backend {url}: no answer since {time}: {reason}", url=contact.url,
                    time=_clock(contact.answered_at), reason=contact.failure)
    if contact.answered_at is None:
        return text("Backend {url}: not asked yet.", url=contact.url)
    return text("Backend {url}: answered at {time} in {ms} ms.", url=contact.url, time=_clock(contact.answered_at),
                ms=f"{contact.round_trip_ms or 0:.0f}")


def names_text(contact: BackendContact) -> Text | None:
    """What staff should know of the hall's DNS: a name it no longer answers, which the terminal reaches at the
    address it last gave (``common.names``); None while every name answers."""
    if not contact.stale_names:
        return None
    name, addresses = contact.stale_names[0]
    return text("The hall's DNS does not answer for {name}: this terminal connects to {addresses}, the address it "
                "last gave. Check the DNS server in this terminal's network settings.", name=name,
                addresses=", ".join(addresses))


def clock_text(contact: BackendContact) -> Text | None:
    """What staff should know of this terminal's clock against the backend's, or None while they agree within
    ``CLOCK_OFF_S`` (or the backend has not answered)."""
    offset = contact.clock_offset_s
    if offset is None or contact.answered_at is None or not abs(offset) >= CLOCK_OFF_S:  # NaN: nothing known
        return None
    said = (N_("This terminal's clock is {amount} behind the backend's: receipts, notices and documents print this "
               "terminal's time. Set its clock right, or let NTP keep it.") if offset > 0 else
            N_("This terminal's clock is {amount} ahead of the backend's: receipts, notices and documents print this "
               "terminal's time. Set its clock right, or let NTP keep it."))
    return text(said, amount=_ago(abs(offset)))


def id_text(contact: BackendContact) -> Text | None:
    """Another terminal speaks under this one's id (kiosk/installation.py), or None."""
    if not contact.id_shared:
        return None
    return text("The backend hears this terminal's id ({id}) from another terminal too: give each terminal its own "
                "terminal.id in its site file.", id=contact.id_shared)


def disk_text(contact: BackendContact) -> Text | None:
    """This terminal's disk refused its last write (kiosk/disk_watch.py), or None."""
    if not contact.disk_refused:
        return None
    return text("This terminal's disk takes no writes: it keeps nothing now, and under kiosk supervise it shows that "
                "it is out of order once nobody uses it. kiosk doctor says why.")


@dataclass(frozen=True)
class LogEntry:
    time: str    # HH:MM:SS of the day it was written
    level: str
    message: str  # its first line, masked as written, cut at MESSAGE_CHARS

    def line(self) -> str:
        return f"{self.time} {self.level:<7} {self.message}"


def _entry(raw: str) -> LogEntry | None:
    try:
        record = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(record, dict) or record.get("level") not in LOUD_LEVELS:
        return None
    stamp, message = record.get("ts"), record.get("msg")
    if not isinstance(stamp, str) or not isinstance(message, str):
        return None
    first = message.strip().splitlines()[0] if message.strip() else ""
    if len(first) > MESSAGE_CHARS:
        first = first[:MESSAGE_CHARS - 1] + "…"
    return LogEntry(stamp[11:19] if len(stamp) >= 19 else stamp, record["level"], first)


def newest_log_entries(log_file: Path, limit: int = LOG_ENTRIES) -> list[LogEntry]:
    """The newest ``limit`` warnings and errors of the log file, newest first; reads its last ``TAIL_BYTES``.
    No file is no entries; a line that is not one of ours is passed over."""
    try:
        with open(log_file, "rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            fh.seek(max(0, size - TAIL_BYTES))
            tail = fh.read(TAIL_BYTES)
    except FileNotFoundError:
        return []
    lines = tail.decode("utf-8", errors="replace").splitlines()
    if size > TAIL_BYTES and lines:
        lines = lines[1:]  # begun mid-line
    entries = [e for e in map(_entry, reversed(lines)) if e is not None]
    return entries[:limit]


def _shown(key: str, value: Any) -> str | Text:
    if key in SECRET_KEYS or any(word in key for word in ("password", "secret", "token")):
        return text("(set)") if value else text("(not set)")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _changed(prefix: str, section: Any, every: bool = False) -> Iterator[tuple[str, str | Text]]:
    """The section's keys not at their defaults; ``every``: all of them."""
    default = type(section)()
    for f in dataclasses.fields(section):
        value = getattr(section, f.name)
        if isinstance(value, DeviceConfig):
            yield from _device_changed(f"{prefix}.{f.name}", value, every)
        elif dataclasses.is_dataclass(value):
            yield from _changed(f"{prefix}.{f.name}", value, every)
        elif every or value != getattr(default, f.name):
            yield f"{prefix}.{f.name}", _shown(f"{prefix}.{f.name}", value)


def _default(f: dataclasses.Field) -> Any:
    """A field's default; a required one has none (so its value always counts as set)."""
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING


def _device_changed(prefix: str, device: DeviceConfig, every: bool = False) -> Iterator[tuple[str, str | Text]]:
    """The driver, when not the simulator, and its options not at the driver's defaults (a typed options
    object once the configuration is loaded; a plain table before); ``every``: all of them."""
    if every or device.type != DeviceConfig().type:
        yield f"{prefix}.type", device.type
    options = device.options
    if dataclasses.is_dataclass(options):
        values = {f.name: getattr(options, f.name) for f in dataclasses.fields(options)
                  if every or getattr(options, f.name) != _default(f)}
    else:
        values = dict(options)
    for name, value in values.items():
        yield f"{prefix}.{name}", _shown(f"{prefix}.{name}", value)


def settings_not_at_default(config: Config) -> list[tuple[str, str | Text]]:
    """Every ``section.key`` (``devices.<kind>.<option>``) whose value is not the built-in default, as shown to
    staff (a secret as a message saying whether it is set); in the order of the configuration tree."""
    return list(_settings(config, every=False))


def settings_in_effect(current: Config, started: Config) -> list[tuple[str, str | Text, bool]]:
    """What maintenance lists of the configuration in effect: every key not at its default, and every key the
    backend set since the terminal started (``current`` is the heartbeat's, ``started`` the site file's), each
    with whether the backend set it; a key the backend set back to its default is listed too."""
    before = dict(_settings(started, every=True))
    changed = {key for key, _value in _settings(current, every=False)}
    shown = []
    for key, value in _settings(current, every=True):
        remote = key not in before or before[key] != value
        if remote or key in changed:
            shown.append((key, value, remote))
    return shown


def _settings(config: Config, every: bool) -> Iterator[tuple[str, str | Text]]:
    for f in dataclasses.fields(config):
        section = getattr(config, f.name)
        if dataclasses.is_dataclass(section):
            yield from _changed(f.name, section, every)


def _ago(seconds: float) -> Text:
    if seconds < 120:
        n = round(seconds)
        return plural_text("{count} second", "{count} seconds", n, count=n)
    if seconds < 7200:
        n = round(seconds / 60)
        return plural_text("{count} minute", "{count} minutes", n, count=n)
    n = round(seconds / 3600)
    return plural_text("{count} hour", "{count} hours", n, count=n)


def _device(name: str, state: str) -> str:
    shown = _(KIND_LABELS[name]) if name in KIND_LABELS else name
    try:
        said = DeviceState(state).label.render()
    except ValueError:
        said = state
    return text("{device}: {state}", device=shown, state=said).render()


def hall_terminal_text(terminal: HallTerminal, heartbeat_interval_s: float) -> Text:
    """One line of maintenance's list of the hall's terminals; one not heard for ``SILENT_AFTER_BEATS`` heartbeat
    intervals is marked, and so is a window the hall's register does not list (its acceptances with paper checked
    at the counter are refused), or a kiosk it does (the register is the hall's word that a terminal is a window);
    and one whose clock is ``CLOCK_OFF_S`` or more from the backend's (its papers print the wrong time), one whose DNS
    does not answer, one whose disk takes no writes and an id more than one terminal speaks under."""
    line = _hall_terminal_line(terminal, heartbeat_interval_s)
    if terminal.mode == "window" and terminal.window_registered is False:
        line = text("{line} ⚠ Not registered as a window: its acceptances with paper checked at the counter are "
                    "refused.", line=line)
    if terminal.mode == "kiosk" and terminal.window_registered is True:
        line = text("{line} ⚠ A kiosk on the register of windows: it could say paper was checked at a counter; "
                    "take it off the register.", line=line)
    offset = terminal.clock_offset_s
    if terminal.heard and offset is not None and abs(offset) >= CLOCK_OFF_S:
        line = text(N_("{line} ⚠ Its clock is {amount} behind the backend's: its papers print the wrong time.")
                    if offset > 0 else
                    N_("{line} ⚠ Its clock is {amount} ahead of the backend's: its papers print the wrong time."),
                    line=line, amount=_ago(abs(offset)))
    if terminal.heard and terminal.dns_stale:
        line = text("{line} ⚠ Its DNS does not answer for {name}: it reaches it at the address it last gave.",
                    line=line, name=terminal.dns_stale[0])
    if terminal.installations > 1:
        line = plural_text("{line} ⚠ {count} terminal speaks under this id: give each its own terminal.id.",
                           "{line} ⚠ {count} terminals speak under this id: give each its own terminal.id.",
                           terminal.installations, line=line, count=terminal.installations)
    if terminal.heard and terminal.disk_writable is False:
        line = text("{line} ⚠ Its disk takes no writes: it keeps nothing (kiosk doctor on it says why).", line=line)
    return line


def _hall_terminal_line(terminal: HallTerminal, heartbeat_interval_s: float) -> Text:
    if not terminal.heard:
        return text("{terminal} ({mode}): enrolled, no heartbeat yet.", terminal=terminal.terminal_id,
                    mode=terminal.mode)
    silent = terminal.silent_s or 0.0
    return text("{mark}{terminal} ({mode} {version}): heard {ago} ago; devices not ready: {devices}; in its queue "
                "{waiting} waiting, {stuck} for staff; restarts in 24 hours: {restarts}.",
                mark="⚠ " if silent > SILENT_AFTER_BEATS * heartbeat_interval_s else "",
                terminal=terminal.terminal_id, mode=terminal.mode, version=terminal.version, ago=_ago(silent),
                devices=_(LIST_SEPARATOR).join(_device(n, st) for n, st in terminal.devices_not_ready) or _("none"),
                waiting=terminal.queue_waiting, stuck=terminal.queue_for_staff,
                restarts=(plural_text("{count} ({reason})", "{count} ({reason})", terminal.restarts_24h,
                                      count=terminal.restarts_24h, reason=_(LABELS[Reason(terminal.last_restart)]))
                          if terminal.restarts_24h and terminal.last_restart else str(terminal.restarts_24h)))
