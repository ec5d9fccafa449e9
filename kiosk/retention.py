"""How long each kind of personal data stays on the terminal: one table, its rules enforced by one pass.

Each kind has a rule (until the session ends, at delivery, or a number of days configured in
``[retention]``), where it lives, and whether the sync worker's retention pass deletes it. The
configuration declares the durations (``kiosk/config.py``'s ``RetentionConfig``: bounds, NaN refused);
``docs/retention.md`` is written from here (``python -m kiosk.retention > docs/retention.md``) and
``tests/test_retention.py`` fails when it differs.

What the terminal never writes to its disk is in the table too, so the table is the whole answer: the
session's identity, form, pages and signature are in memory until the session ends (a submitted case
carries its pages and signature sealed in the outbox until delivery); a draft is kept by the backend
(kiosk/drafts.py), and deleted there when its case is submitted or the citizen withdraws consent; the terminal
holds one sealed in the outbox only while the backend cannot take it (then as any queued item: until delivery). Held items (the backend holds another case under their number) wait for staff: their
payload is the only copy of an application, so no period deletes them.

The pass (:class:`RetentionPass`) runs on the sync worker's thread every ``queue.retention_every_s``;
maintenance shows its last run: when, how many of each kind went, and what is kept until when.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from common.i18n import N_, Text, plural_text, text
from devices.registry import data_path, validate_options
from kiosk.config import Config, RetentionConfig
from kiosk.logging_setup import LOG_DIR, LOG_FILE
from offline_queue import recovery
from offline_queue.outbox import Outbox
from offline_queue.rows import ItemState

log = logging.getLogger(__name__)

DAY_S = 86400.0
# a clock reading before this is wrong (this software did not exist): 2026-01-01T00:00:00+08:00
CLOCK_PLAUSIBLE_SINCE = 1767196800.0
CLOCK_WRONG_S = DAY_S  # a clock this far from the backend's (its signed answers) is not trusted for an age
ROTATED_LOG_GLOB = f"{LOG_FILE}.*"  # the current file is rotated by size; rotated ones age out
PRINTERS = ("receipt_printer", "document_printer")  # a simulator's printouts land in its output_dir


@dataclass(frozen=True)
class Kind:
    key: str        # in the pass's report and the configuration's rule
    what: str
    where: str
    rule: str       # "session", "delivery", "staff", or the ``[retention]`` key of its days
    swept: bool     # deleted by the retention pass (else by the session's end, delivery or staff)


KINDS: tuple[Kind, ...] = (
    Kind("session", "the session's identity, form, pages scanned and signature; at the window the applicant's "
         "identity, pages scanned, signature, electronic licences fetched and the company they apply for, whose "
         "session ends with their matter (the next applicant, another card, a sign-out)", "memory only", "session",
         False),
    Kind("drafts", "a saved application (draft) and its pages", "the backend, for its keeping period (deleted "
         "there at its `expires_at`, or when the applicant keeps nothing: \"Print the notice only\"); the terminal "
         "while the session lasts, and sealed in the outbox while the backend cannot take it (a delivered item then)",
         "session", False),
    Kind("delivered", "a submitted case's payload, pages and signature (sealed)", "queue/queue.sqlite3, "
         "queue/attachments/", "delivery", True),
    Kind("dead", "a dead letter: refused by the backend or given up on (sealed payload and scans)",
         "queue/queue.sqlite3, queue/attachments/", "dead_days", True),
    Kind("quarantined", "an item damaged on this terminal (sealed payload and scans)",
         "queue/queue.sqlite3, queue/attachments/", "quarantined_days", True),
    Kind("held", "an item the backend holds another case for (sealed payload and scans)",
         "queue/queue.sqlite3, queue/attachments/", "staff", False),
    Kind("moved_aside", "a damaged queue database moved aside, its log and scans", "queue/corrupt-*/",
         "moved_aside_days", True),
    Kind("logs", "rotated log files (masked: no full ID number or name); the log rotates daily, so the current "
         "file holds one day at most", f"{LOG_DIR}/{ROTATED_LOG_GLOB}",
         "logs_days", True),
    Kind("printouts", "a simulated printer's receipts and documents (PNG, bytes, PDF)",
         "the simulators' output_dir (receipts/, printouts/)", "printouts_days", True),
    Kind("cups_spool", "a document printed on a CUPS A4 printer (the kiosk's printed licence; the window's documents, "
         "the applicant masked)", "CUPS's spool, /var/spool/cups/d* (outside the data directory)", "printed",
         False),
    Kind("staff_verifiers", "staff offline sign-in verifiers: the salted hash of a secret, the name and roles "
         "(sealed)", "staff/verifiers.sealed", "offline_sign_in", False),
)
BY_KEY = {kind.key: kind for kind in KINDS}
LABELS = {"delivered": N_("delivered payloads"), "dead": N_("dead letters"), "quarantined": N_("damaged items"),
          "moved_aside": N_("moved-aside databases"), "logs": N_("old log files"), "printouts": N_("printouts")}


def rule_text(kind: Kind, config: RetentionConfig, purge_after_s: float = 0.0) -> str:
    """The kind's rule in words, with the configured number."""
    if kind.rule == "session":
        return "until the session ends"
    if kind.rule == "delivery":
        return "deleted at delivery" if purge_after_s == 0 else f"deleted {_number(purge_after_s)} s after delivery"
    if kind.rule == "staff":
        return "until staff retry or remove it (`kiosk queue`)"
    if kind.rule == "printed":
        return ("until printed, where CUPS is set `PreserveJobFiles No` (CUPS's default keeps it a day: `kiosk doctor` "
                "warns)")
    if kind.rule == "offline_sign_in":
        return ("`terminal.offline_sign_in_s` after that person's last online sign-in here, never past the "
                "backend's limit; dropped from the file at each sign-in")
    return f"{_number(getattr(config, kind.rule))} days (`retention.{kind.rule}`)"


def _number(value: float) -> str:
    return f"{value:g}"


def markdown(config: Config | None = None) -> str:
    config = config or Config()
    fields = {f.name: f for f in dataclasses.fields(RetentionConfig)}
    lines = [
        "# Retention of personal data on the terminal",
        "",
        "Written by `python -m kiosk.retention > docs/retention.md` from `kiosk/retention.py`; "
        "`tests/test_retention.py` fails when this file differs.",
        "",
        "Paths are under the data directory (`paths.data_dir`). The sync worker's retention pass runs every "
        "`queue.retention_every_s` and deletes each kind marked *swept* when its time is up; maintenance shows "
        "its last run. A citizen who withdraws consent at the kiosk ends the session at once. Ages are read on the "
        "terminal's clock; while it is wrong (before 2026, or a day or more from the backend's signed time) the pass "
        "deletes nothing for its age, and once it is right an item the wrong clock stamped is counted from then.",
        "",
        "| kind | where | kept | swept |",
        "| --- | --- | --- | --- |",
    ]
    for kind in KINDS:
        lines.append(f"| {kind.what} | {kind.where} | {rule_text(kind, config.retention, config.queue.purge_after_s)}"
                     f" | {'yes' if kind.swept else 'no'} |")
    lines += ["", "## `[retention]`", "", "| key | default | min | max | what |", "| --- | --- | --- | --- | --- |"]
    for name, f in fields.items():
        lines.append(f"| `retention.{name}` | {_number(f.default)} | {_number(f.metadata['min'])} | "
                     f"{_number(f.metadata['max'])} | {f.metadata['doc']} |")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Kept:
    """What a swept kind still holds after a pass: how many, and when the first of them goes."""

    count: int
    first_due: float | None  # wall time


@dataclass(frozen=True)
class RetentionReport:
    at: float                                   # wall time of the pass
    removed: dict[str, int]
    kept: dict[str, Kept] = field(default_factory=dict)
    clock_wrong: bool = False                   # nothing deleted for its age: the clock could not be trusted


def _aged_files(files: Iterable[Path]) -> list[tuple[Path, float]]:
    found = []
    for path in files:
        try:
            if path.is_file():
                found.append((path, path.stat().st_mtime))
        except OSError as exc:  # gone meanwhile: the next pass looks again
            log.warning("retention: %s not read: %s", path.name, exc)
    return found


class RetentionPass:
    """Every swept kind of the table, deleted when due; run by the sync worker (``SyncWorker(retention=...)``).

    Ages are read on the terminal's clock. While that clock is wrong (before ``CLOCK_PLAUSIBLE_SINCE``: a dead
    clock battery's 2000 or 1970; or a day or more from the backend's, by its signed answers: ``clock_offset_s``)
    nothing is deleted for its age: the applications refused or damaged here wait for staff, and a clock set right
    later would have made them look decades old. Delivered payloads still go (the backend has them). Once the clock
    is right, an item stamped by the wrong one is counted from then (``Outbox.purge_stopped``)."""

    def __init__(self, config: Config, outbox: Outbox, clock: Callable[[], float] = time.time,
                 clock_offset_s: Callable[[], float] = lambda: 0.0) -> None:
        self._rules = config.retention
        self._queue = config.queue
        self._outbox = outbox
        self._clock = clock
        self._clock_offset_s = clock_offset_s  # the backend's clock less this one's, as the client learned it
        self._log_dir = config.data_dir / LOG_DIR
        self._printout_dirs = [data_path(config.data_dir, validate_options(kind, "sim", config.device(kind).options,
                                                                           f"[devices.{kind}]").output_dir)
                               for kind in PRINTERS if config.device(kind).type == "sim"]
        self.last: RetentionReport | None = None

    def _period_s(self, kind: str) -> float:
        return getattr(self._rules, BY_KEY[kind].rule) * DAY_S

    def _files(self, kind: str) -> list[tuple[Path, float]]:
        if kind == "logs":
            return _aged_files(self._log_dir.glob(ROTATED_LOG_GLOB)) if self._log_dir.is_dir() else []
        return [f for folder in self._printout_dirs if folder.is_dir() for f in _aged_files(folder.iterdir())]

    def _sweep_files(self, kind: str, now: float) -> int:
        removed = 0
        for path, written in self._files(kind):
            if written <= now - self._period_s(kind):
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def clock_wrong(self, now: float) -> bool:
        """Whether this terminal's clock cannot be trusted for an age (the class's docstring)."""
        offset = self._clock_offset_s()
        return not now >= CLOCK_PLAUSIBLE_SINCE or not abs(offset) < CLOCK_WRONG_S  # NaN: wrong

    def __call__(self) -> dict[str, int]:
        now = self._clock()
        delivered = self._outbox.purge_delivered(self._queue.purge_after_s, self._queue.keep_metadata_days)
        wrong = self.clock_wrong(now)
        if wrong and not (self.last is not None and self.last.clock_wrong):  # said once, not at every pass
            log.warning("retention: this terminal's clock reads %s, %.0f s from the backend's: nothing is deleted "
                        "for its age until it is right", time.strftime("%Y-%m-%d %H:%M", time.localtime(now)),
                        self._clock_offset_s())
        if wrong:
            removed = {"delivered": delivered, **dict.fromkeys(("dead", "quarantined", "moved_aside", "logs",
                                                               "printouts"), 0)}
        else:
            removed = {"delivered": delivered,
                       "dead": self._outbox.purge_stopped(ItemState.DEAD, self._period_s("dead"),
                                                          CLOCK_PLAUSIBLE_SINCE),
                       "quarantined": self._outbox.purge_stopped(ItemState.QUARANTINED, self._period_s("quarantined"),
                                                                 CLOCK_PLAUSIBLE_SINCE),
                       "moved_aside": recovery.remove_aside(self._outbox.root, self._period_s("moved_aside"), now),
                       "logs": self._sweep_files("logs", now),
                       "printouts": self._sweep_files("printouts", now)}
        self.last = RetentionReport(now, removed, self.kept(), wrong)
        if any(removed.values()):
            log.info("retention: removed %s", ", ".join(f"{n} {kind}" for kind, n in removed.items() if n))
        return removed

    def kept(self) -> dict[str, Kept]:
        """What each kind with a period still holds, and when its first goes."""
        kept = {}
        for state in (ItemState.DEAD, ItemState.QUARANTINED):
            count, stopped = self._outbox.stopped(state)
            kept[state.value] = Kept(count, stopped + self._period_s(state.value) if stopped is not None else None)
        kinds = {"moved_aside": recovery.aside_folders(self._outbox.root), "logs": self._files("logs"),
                 "printouts": self._files("printouts")}
        for kind, found in kinds.items():
            first = min((written for _path, written in found), default=None)
            kept[kind] = Kept(len(found), first + self._period_s(kind) if first is not None else None)
        return kept


def report_lines(report: RetentionReport | None) -> list[Text]:
    """Maintenance's account of the last pass: when, what went of each kind, what is kept and until when."""
    if report is None:
        return [text("Retention: no pass yet since the terminal started")]
    lines = [text("Retention, last pass {when}", when=time.strftime("%Y-%m-%d %H:%M", time.localtime(report.at)))]
    if report.clock_wrong:
        lines.append(text("This terminal's clock is wrong: nothing is deleted for its age until it is set right."))
    lines += [plural_text("Removed: {kind}, {count} item", "Removed: {kind}, {count} items", n, kind=text(LABELS[kind]),
                          count=n) for kind, n in report.removed.items() if n]
    lines += [plural_text("Kept: {kind}, {count} item; the first is deleted on {date}",
                          "Kept: {kind}, {count} items; the first is deleted on {date}", kept.count,
                          kind=text(LABELS[kind]), count=kept.count,
                          date=time.strftime("%Y-%m-%d", time.localtime(kept.first_due)) if kept.first_due else "")
              for kind, kept in report.kept.items() if kept.count]
    return lines


if __name__ == "__main__":
    print(markdown(), end="")
