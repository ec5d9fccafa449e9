"""The clerk's audit trail: an append-only chain of every step, each entry under the terminal's key, sent to the backend.

Each entry carries an HMAC over its content and the MAC of the entry before
(``common.audit_chain``: the key, derived from the terminal's request-signing key, and what it
does and does not protect against). Entries carry masked identifiers only. Beside the trail
(JSON lines, fsynced) lie two small records: ``.seal``, the count and head last written under the
key, and ``.ack``, the head the backend last acknowledged. The backend checks every pushed entry
and answers with the head it holds; entries are marked sent only up to that head, so a failed
push marks nothing and a refused one puts the mark back where the backend stands.

Memory holds every unsent entry and the last ``KEEP_SENT`` sent ones, not the whole trail: a window
terminal writes about ten entries a matter, all year. When the backend's head goes back before
what memory holds (its database restored), the entries after it are read back from the trail on disk.

A write the terminal did not finish (a power cut mid-line, a disk that filled up mid-line) is taken back or set
aside, so it never joins the next entry (``kiosk.audit_tail``).

One process writes the trail at a time: the open trail holds a lock beside it, and a console command
run while the terminal runs leaves its entry in a spool folder that this trail chains
(``kiosk.audit_spool``: when it opens, after each ``record`` and at each heartbeat).

A trail of the old, unkeyed format (plain SHA-256) is moved aside at start (``trail.v1.jsonl``,
which ``kiosk audit verify`` reports as the old format) and a keyed trail begins.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import threading
from array import array
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Protocol, Sequence

from common.audit_chain import (VERSION, ChainReport, Head, Tamper, entry_mac, mac_matches, old_format,
                                seal_mac, verify_chain, well_formed)
from common.backend_errors import RejectedError
from common.errors import OneTripError
from common.i18n import N_, Text, plural_text, text
from common.private_files import private_dir
from kiosk import audit_spool, audit_tail
from kiosk.audit_spool import LOCK_WAIT_S, Request, TrailBusyError
from offline_queue.durable import write_durably

log = logging.getLogger(__name__)
MAX_BATCH = 500  # the contract's most entries in one push
CHAIN_BROKEN = "audit_chain_broken"
SPOOL_ACTOR = "audit"  # the actor of the entry that says a spooled request was moved aside
KEEP_SENT = 200  # entries the backend holds that stay in memory, the latest (the rest are on disk)
WRITTEN_WAIT_S = 10.0  # a push waits this long at most for the steps before it to reach the disk


class AuditBackend(Protocol):
    def send_audit(self, entries: list[dict[str, Any]]) -> dict[str, Any]: ...


def _parsed(line: bytes) -> Any:
    """A trail's line as its entry; None when it does not read (the check names it)."""
    try:
        return json.loads(line.decode("utf-8", errors="replace"))
    except ValueError:
        return None


class TrailLines(Sequence[Any]):
    """The lines of the trail at ``path`` as parsed entries (None for an unreadable one), read when asked: where each
    line begins is noted in one pass, and a check walks the file a line at a time. Lines written after that pass are
    not among them. A year of a window's trail parsed whole held 150 MB at the check's peak (kiosk bench
    audit-open); the index holds 8 bytes a line."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._starts = array("q")
        self._ends = array("q")
        if path.exists():
            with path.open("rb") as fh:
                at = 0
                for line in fh:
                    self._starts.append(at)
                    at += len(line)
                    self._ends.append(at)

    def __len__(self) -> int:
        return len(self._starts)

    def drop_last(self) -> None:
        """The last line left out (an unfinished one, which the check reports apart)."""
        self._starts.pop()
        self._ends.pop()

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        start, end = self._starts[index], self._ends[index]
        with self._path.open("rb") as fh:
            fh.seek(start)
            return _parsed(fh.read(end - start))

    def __iter__(self) -> Iterator[Any]:
        if not self._starts:
            return
        with self._path.open("rb") as fh:
            for _n, line in zip(range(len(self._starts)), fh):  # the lines indexed, read in turn
                yield _parsed(line)


def read_trail(path: Path) -> TrailLines:
    """The trail's lines as parsed entries; an unreadable line is None (the check names it)."""
    return TrailLines(path)


@dataclass
class TrailPart:
    """Part of a trail read a line at a time: its readable entries from ``start`` on (indexes among the readable
    ones), how many it holds, how many lines did not read, and its first line parsed (None if unreadable)."""

    entries: list[dict[str, Any]]
    start: int
    count: int
    unreadable: int
    first_line: Any


def read_part(path: Path, start: int = 0, stop: int | None = None) -> TrailPart:
    """The entries ``start`` to ``stop`` of the trail at ``path``, those before only counted (and with ``stop``, none
    after read): a terminal opening a year's trail keeps its tail, not 100,000 parsed entries."""
    part = TrailPart([], start, 0, 0, None)
    if not path.exists():
        return part
    with path.open("rb") as fh:
        for n, line in enumerate(fh):
            entry = _parsed(line)
            if n == 0:
                part.first_line = entry
            if not isinstance(entry, dict):
                part.unreadable += 1
                continue
            if stop is not None and part.count >= stop:
                break  # read back what was asked for: the rest is not counted
            if start <= part.count:
                part.entries.append(entry)
            part.count += 1
    part.start = min(start, part.count)
    return part


def _read_record(path: Path) -> dict[str, Any] | None:
    try:
        record = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    ok = isinstance(record, dict) and type(record.get("count")) is int and isinstance(record.get("head"), str)
    return record if ok else None


def read_acknowledged(path: Path) -> Head:
    record = _read_record(path.with_suffix(".ack"))
    return Head(record["count"], record["head"]) if record else Head(0, "")


def verify_file(path: Path, key: bytes) -> tuple[ChainReport, Head]:
    """Check the trail at ``path`` with its seal and acknowledged head; the report and that head. A last line left
    unfinished by a stop (no line ending, not an entry) is not checked as an entry: the report gives its length,
    and the chain before it is checked against the seal as always (a cut sealed entry is still found)."""
    seal = _read_record(path.with_suffix(".seal"))
    sealed = (Head(seal["count"], seal["head"]), str(seal.get("mac", ""))) if seal else None
    acknowledged = read_acknowledged(path)
    lines = read_trail(path)
    torn = audit_tail.fragment(path)
    torn_bytes = 0
    if torn is not None and len(lines) and not well_formed(_parsed(torn[1])):
        lines.drop_last()
        torn_bytes = len(torn[1])
    report = verify_chain(lines, key, sealed=sealed, acknowledged=acknowledged)
    return dataclasses.replace(report, torn_bytes=torn_bytes), acknowledged


FINDINGS = {
    Tamper.EDITED: N_("Audit trail: entry {seq} was changed after it was written."),
    Tamper.REMOVED: N_("Audit trail: entry {seq} was removed."),
    Tamper.REORDERED: N_("Audit trail: entry {seq} is out of order."),
    Tamper.TRUNCATED: N_("Audit trail: it was cut off; entry {seq} and those after it are missing."),
    Tamper.FORGED: N_("Audit trail: from entry {seq} on it was rewritten without the terminal's key."),
    Tamper.OLD_FORMAT: N_("Audit trail: written in the old unkeyed format, so it cannot be verified."),
}


def report_text(report: ChainReport, acknowledged: Head, busy: bool = False) -> Text:
    """What staff read of a check: the verdict, then how far the backend has acknowledged."""
    if report.finding is None:
        verdict = plural_text("Audit trail: {count} entry, intact.", "Audit trail: {count} entries, intact.",
                              report.entries, count=report.entries)
    else:
        verdict = text(FINDINGS[report.finding.kind], seq=report.finding.seq)
    backend = (plural_text("The backend has acknowledged {count} entry (head {head}).",
                           "The backend has acknowledged {count} entries (head {head}).",
                           acknowledged.count, count=acknowledged.count, head=acknowledged.head[:12])
               if acknowledged.count else text("The backend has acknowledged no entry yet."))
    if report.torn_bytes:
        verdict = text("{verdict} {torn}", verdict=verdict, torn=plural_text(
            "Its last line ({count} byte) is an entry the terminal did not finish writing when it stopped; it is set "
            "aside when the trail is next opened.",
            "Its last line ({count} bytes) is an entry the terminal did not finish writing when it stopped; it is set "
            "aside when the trail is next opened.", report.torn_bytes, count=report.torn_bytes))
    said = text("{verdict} {backend}", verdict=verdict, backend=backend)
    if busy:
        return text("{said} Another program holds the audit trail, perhaps a second terminal using this "
                    "data folder: this terminal's steps wait in the trail's spool until it lets go.", said=said)
    return said


class TrailUnreadableError(OneTripError):
    """The trail cannot be read (a folder in its place, a file the terminal may not read): said to staff by a check."""

    default = N_("The audit trail cannot be read: this terminal's steps wait in the trail's spool until it can be. "
                 "Run kiosk audit verify on the terminal.")


class AuditTrail:
    """The open trail: the only writer of ``path`` while it is open (it holds the lock beside it until
    :meth:`close`).

    Opened at once (a console command, a test), it raises :class:`TrailBusyError` when another process
    holds the lock past ``lock_wait_s``. Opened ``in_background`` (the terminal, whose GUI thread builds
    it), taking the lock and reading the trail happen on the writer thread; steps recorded meanwhile are
    chained, in order, once it is open. When another process holds the lock (a second terminal on the
    same data folder), the trail is :attr:`busy`: each step goes to the spool for the holder to chain,
    maintenance says so, and every heartbeat tries the lock again.
    """

    def __init__(self, path: Path, key: bytes, *, lock_wait_s: float = LOCK_WAIT_S,
                 in_background: bool = False) -> None:
        self._path = path
        self._key = key  # common.audit_chain.audit_key of the terminal's signing key
        self._lock = threading.Lock()
        self.pushing = threading.Lock()  # one push at a time (push): an older answer landing last moved the head back
        self.push_again = False  # a push came while another ran: the running one goes round again before it ends
        self._closing = False
        self._lock_fd: int | None = None
        # then "open", or "busy" while another process holds the lock, or "unreadable" while the trail cannot be read
        self._state = "opening"
        self._deferred: list[Request] = []  # steps recorded while opening, chained when open
        # the entries from seq _first on: every unsent one and the latest KEEP_SENT sent ones
        self._kept: list[dict[str, Any]] = []
        self._first = 0
        self.acknowledged = Head(0, "")
        self.sent = 0  # entries with seq < sent are held by the backend, as it last acknowledged
        # lines not yet on disk (a write failed: a full disk), written before the next, and each one's spooled request
        self._unwritten: list[tuple[str, Path | None]] = []  # the writer thread's alone
        # Entries with seq < _on_disk are on disk: only they are pushed, so the backend never holds an entry a power
        # cut took from the disk (the trail would then chain another in its place, and pushing would stop for good).
        # While the disk refuses writes (_disk_failing), the unwritten ones are pushed too: the backend is their copy.
        self._on_disk = 0
        self._disk_failing = False
        # Opening, appends and fsyncs happen on this one thread, in order: the GUI thread never waits on a disk.
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="audit-writer")
        self._spool = audit_spool.spool_folder(path)
        self._spool_seen: set[str] = set()  # requests chained (deleted once written) or that could not be moved
        opening = self._writer.submit(self._take_lock_and_open, lock_wait_s, not in_background)
        if not in_background:
            try:
                opening.result()
            except BaseException:
                self._writer.shutdown(wait=True)
                raise

    @property
    def busy(self) -> bool:
        """Another process holds the trail: this terminal's steps wait in the spool for it."""
        return self._state == "busy"

    def _take_lock_and_open(self, wait_s: float, raise_busy: bool) -> None:
        """On the writer thread: the lock, then the trail read and the deferred steps chained."""
        try:
            private_dir(self._path.parent)
            # closed while waiting (the terminal shutting down): it stops waiting, its steps kept in the spool
            fd = audit_spool.hold_lock(audit_spool.lock_path(self._path), wait_s, lambda: self._closing)
        except TrailBusyError:
            if raise_busy:
                raise
            with self._lock:
                self._state = "busy"
                deferred, self._deferred = self._deferred, []
            if self._closing:
                log.warning("audit: closed while another process held the audit trail %s; %d steps left in its "
                            "spool for it", self._path, len(deferred))
            else:
                log.error("audit: another process holds the audit trail %s; this terminal's steps go to its "
                          "spool until it lets go (is a second terminal using this data folder?)", self._path)
            for request in deferred:
                self._spool_request(request)
            return
        try:
            self._open(self._path)
        except Exception as exc:
            os.close(fd)
            if raise_busy:
                raise
            self._could_not_open(exc)
            return
        except BaseException:
            os.close(fd)
            raise
        with self._lock:
            self._lock_fd = fd
            if self._closing:
                return  # closed while opening: close() leaves the deferred steps in the spool
            for request in self._deferred:
                self._chain_locked(request)
            self._deferred = []
            self._state = "open"

    def _could_not_open(self, exc: Exception) -> None:
        """The trail could not be read (a folder in its place, a file the terminal may not read): its steps go to the
        spool, as while another process holds it, and opening is tried again with each step and heartbeat. Before,
        the failure stayed in the writer's future: the trail stayed "opening", every step kept in memory only, nothing
        written and nothing said (found damaging a used data folder file by file)."""
        reason = f"{type(exc).__name__}: {getattr(exc, 'strerror', None) or exc}"
        with self._lock:
            first = self._state != "unreadable"
            self._state = "unreadable"
            deferred, self._deferred = self._deferred, []
        if first:
            log.error("audit: the audit trail %s cannot be read (%s); this terminal's steps wait in its spool until it "
                      "can be (kiosk audit verify)", self._path, reason)
        for request in deferred:
            self._spool_request(request)

    def _spool_request(self, request: Request) -> None:
        try:
            audit_spool.spool_request(self._spool, request)
        except OSError as exc:
            log.error("audit: could not leave a step in the spool (%s): %s lost", exc.strerror, request.action)

    def _open(self, path: Path) -> None:
        torn = audit_tail.fragment(path)
        acknowledged = read_acknowledged(path)
        part = read_part(path, max(acknowledged.count - KEEP_SENT, 0))  # the tail memory keeps, if the ack holds
        if part.first_line is not None and old_format(part.first_line):
            self._move_old_trail_aside()
            part, acknowledged = TrailPart([], 0, 0, 0, None), Head(0, "")
        if part.unreadable:
            log.warning("audit: %d unreadable line(s) in %s ignored (kiosk audit verify names them)",
                        part.unreadable, path)
        seal_path = path.with_suffix(".seal")
        seal = _read_record(seal_path)
        if seal is None and not part.count:
            self._write_record(".seal", self._seal(0, ""))
        elif seal is None:  # written after every entry: its loss hides a cut tail once the next entry seals again
            how = "unreadable" if seal_path.exists() else "missing"
            log.warning("audit: the seal beside %s is %s: whether entries were cut from its end cannot be told "
                        "(kiosk audit verify)", path, how)
            self._note_first(f"the seal was {how} when the trail was opened after {part.count} entries: whether "
                             f"entries were cut from its end cannot be told", "audit_seal_lost")
        elif seal["count"] > part.count:
            log.warning("audit: %s ends after %d entries but %d were written: its tail was cut "
                        "(kiosk audit verify)", path, part.count, seal["count"])
            self._note_first(f"the trail ended after {part.count} entries when opened, its seal counting "
                             f"{seal['count']}: its tail was cut", "audit_tail_cut")
        if torn is not None and seal is not None and seal["count"] <= part.count and not well_formed(_parsed(torn[1])):
            self._set_torn_tail_aside(path, *torn)
        with self._lock:
            self._kept, self._first, self.acknowledged, self.sent = part.entries, part.start, acknowledged, 0
            self._on_disk = part.count
            holds = self._holds(acknowledged)
        if not holds:
            log.warning("audit: the backend acknowledged %d entries ending %s, which this trail does not hold",
                        acknowledged.count, acknowledged.head[:12])
            if part.start:  # then every entry is unsent: all of them in memory
                part = read_part(path)
        with self._lock:
            self._kept, self._first = part.entries, part.start
            if holds:
                self.sent = acknowledged.count
                self._let_go_of_sent()
        self._drop_chained_before_a_crash()
        self._take_spooled()  # what console commands left while no trail was open, before anything new

    def _set_torn_tail_aside(self, path: Path, begins: int, data: bytes) -> None:
        """The last line, left unfinished when the terminal stopped and counted by no seal, moved to the ``.torn``
        file; the trail's first entry then says so (before the steps recorded while it opened)."""
        try:
            aside = audit_tail.set_aside(path, begins, data)
        except OSError as exc:
            log.error("audit: could not set aside the unfinished last line of %s (%s); it stays, and the entries "
                      "go on below it", path.name, exc.strerror)
            return
        log.warning("audit: the last line of %s (%d bytes) was an entry not finished when the terminal stopped; "
                    "moved to %s", path.name, len(data), aside.name)
        self._note_first(f"{len(data)} bytes of an entry not finished when the terminal stopped, moved to "
                         f"{aside.name}", "audit_torn_tail")

    def _note_first(self, detail: str, action: str) -> None:
        """What opening found, the trail's first entry from now on (before the steps recorded while it opened): the
        trail carries it even once the seal is written again over what was found."""
        with self._lock:
            self._deferred.insert(0, Request(dt.datetime.now().astimezone(), SPOOL_ACTOR, action, detail))

    def _drop_chained_before_a_crash(self) -> None:
        """A spooled request is deleted right after its entry is written; a terminal that died between the two
        left both, and would chain the request a second time. The requests are chained oldest first, one at a
        time, so only the oldest one left can be such a request, and its entry is then the trail's last: when
        they match (time, actor, action, detail), the request is deleted instead of chained again."""
        oldest = next(iter(audit_spool.pending(self._spool, set(), limit=1)), None)
        request = audit_spool.read_request(oldest) if oldest is not None else None
        if request is None or not self._kept:
            return
        last = self._kept[-1]
        if (last.get("at"), last.get("actor"), last.get("action"), last.get("detail")) != (
                request.at.isoformat(timespec="seconds"), request.actor, request.action, request.detail[:1000]):
            return
        try:
            audit_spool.remove(oldest)
        except OSError as exc:
            log.error("audit: could not delete the request %s chained before a crash (%s)", oldest.name, exc.strerror)
            self._spool_seen.add(oldest.name)
            return
        log.warning("audit: the spooled request %s was chained as entry %s before the terminal stopped; not chained "
                    "again", oldest.name, last.get("seq"))

    def _move_old_trail_aside(self) -> None:
        aside = self._path.with_name(self._path.stem + ".v1.jsonl")
        n = 1
        while aside.exists():
            n += 1
            aside = self._path.with_name(f"{self._path.stem}.v1-{n}.jsonl")
        os.replace(self._path, aside)
        for suffix in (".sent", ".ack", ".seal"):
            self._path.with_suffix(suffix).unlink(missing_ok=True)
        log.warning("audit: %s was written in the old unkeyed format; moved aside to %s, a keyed trail begins",
                    self._path, aside.name)

    def _seal(self, count: int, head: str) -> bytes:
        return json.dumps({"count": count, "head": head, "mac": seal_mac(self._key, count, head)}).encode()

    def _holds(self, held: Head) -> bool:
        """Whether this trail has exactly ``held``'s entries at its start, as far as memory can tell (the caller
        holds the lock or owns us): False when ``held`` ends before the entries kept in memory."""
        if held.count == 0:
            return held.head == ""
        last = held.count - 1 - self._first
        return 0 <= last < len(self._kept) and self._kept[last].get("mac") == held.head

    def _let_go_of_sent(self) -> None:
        """Drop from memory the sent entries but the latest ``KEEP_SENT`` (the caller holds the lock)."""
        drop = min(self.sent, self._count) - KEEP_SENT - self._first
        if drop > 0:
            del self._kept[:drop]
            self._first += drop

    @property
    def _count(self) -> int:
        return self._first + len(self._kept)

    @property
    def head(self) -> str:
        return self._kept[-1]["mac"] if self._kept else ""

    def written(self) -> Head:
        """How far the trail goes, read at once (the heartbeat reports it)."""
        with self._lock:
            return Head(self._count, self.head)

    @property
    def recent(self) -> list[dict[str, Any]]:
        """The entries memory holds, oldest first: every unsent one and the latest ``KEEP_SENT`` sent ones
        (``kiosk audit verify`` reads the whole trail)."""
        with self._lock:
            return list(self._kept)

    def since(self, seq: int) -> list[dict[str, Any]]:
        """The entries from ``seq`` on that memory still holds (a bench counting what each step wrote)."""
        with self._lock:
            return self._kept[max(seq - self._first, 0):]

    def record(self, actor: str, action: str, detail: str = "", *,
               at: dt.datetime | None = None) -> dict[str, Any] | None:
        """Append one step; it is written and fsynced on the writer thread. ``detail`` must be masked.
        ``at``: when it happened, if not now (a console command's spooled request). Then the spool is
        looked at, on the writer thread. Returns the entry, or None while the trail is still opening
        (the step is chained once it is open) or busy (the step goes to the spool)."""
        request = Request(at or dt.datetime.now().astimezone(), actor, action, detail)
        with self._lock:
            if self._closing:
                raise RuntimeError("the audit trail is closed")
            if self._state == "opening":
                self._deferred.append(request)
                return None
            if self._state in ("busy", "unreadable"):
                self._writer.submit(self._spool_request, request)
                return None
            entry = self._chain_locked(request)
        self.take_spooled()
        return entry

    def _chain(self, request: Request, spooled: Path | None = None) -> dict[str, Any]:
        """A spooled request chained (on the writer thread)."""
        with self._lock:
            if self._closing:
                raise RuntimeError("the audit trail is closed")
            return self._chain_locked(request, spooled)

    def _chain_locked(self, request: Request, spooled: Path | None = None) -> dict[str, Any]:
        """The entry for ``request`` chained in memory and its write queued, in one step under the lock
        (the caller holds it): the order in memory is the order on disk. ``spooled`` is deleted once
        the entry is written."""
        entry = {"v": VERSION, "seq": self._count, "at": request.at.isoformat(timespec="seconds"),
                 "actor": request.actor, "action": request.action, "detail": request.detail[:1000],
                 "prev_mac": self.head}
        entry["mac"] = entry_mac(self._key, entry)
        self._kept.append(entry)
        seal = self._seal(self._count, entry["mac"])
        self._writer.submit(self._append, json.dumps(entry, ensure_ascii=False) + "\n", seal, spooled, entry["seq"])
        log.info("audit: %s %s %s", request.actor, request.action, request.detail)
        return entry

    def _append(self, line: str, seal: bytes, spooled: Path | None, seq: int) -> None:
        """``line`` (entry ``seq``) written after any that could not be (on the writer thread), then ``seal``. A write
        that fails leaves nothing of itself on disk; its lines wait in memory for the next append, and go to the
        backend."""
        self._unwritten.append((line, spooled))
        try:
            audit_tail.append_lines(self._path, "".join(text for text, _ in self._unwritten).encode("utf-8"))
        except OSError as exc:
            log.error("audit: could not write the trail (%s); %d entries wait in memory for the next write and go "
                      "to the backend", exc.strerror, len(self._unwritten))
            with self._lock:
                self._disk_failing = True
            return
        with self._lock:
            self._on_disk, self._disk_failing = seq + 1, False
        written, self._unwritten = self._unwritten, []
        self._write_record(".seal", seal)
        for _text, chained in written:
            if chained is None:
                continue
            try:
                audit_spool.remove(chained)
            except OSError as exc:
                log.error("audit: could not delete the chained request %s (%s); it would be chained again "
                          "at the next start", chained.name, exc.strerror)

    def take_spooled(self) -> None:
        """Chain what console commands left in the spool, on the writer thread (after each ``record``
        and at each heartbeat); :meth:`flush` waits for it. A busy trail tries the lock again instead."""
        with self._lock:
            if self._closing or self._state == "opening":
                return
            if self._state in ("busy", "unreadable"):
                self._writer.submit(self._take_lock_and_open, 0, False)
            else:
                self._writer.submit(self._take_spooled)

    def _take_spooled(self) -> None:
        """Chain the spooled requests in the order they were made (on the writer thread, or while opening)."""
        for path in audit_spool.pending(self._spool, self._spool_seen):
            request = audit_spool.read_request(path)
            try:
                if request is not None:
                    self._spool_seen.add(path.name)
                    self._chain(request, spooled=path)
                    continue
                try:
                    aside = audit_spool.move_aside(path)
                except OSError as exc:
                    self._spool_seen.add(path.name)
                    log.error("audit: the spooled request %s does not read and cannot be moved aside (%s); "
                              "left where it is", path.name, exc.strerror)
                    continue
                log.warning("audit: the spooled request %s does not read; moved aside to %s", path.name, aside)
                self._chain(Request(dt.datetime.now().astimezone(), SPOOL_ACTOR, "audit_spool_rejected",
                                    f"{path.name} moved aside"))
            except RuntimeError:
                return  # closed meanwhile: the rest waits for the next trail to open

    def _write_record(self, suffix: str, data: bytes) -> None:
        try:
            write_durably(self._path.with_suffix(suffix), data)
        except OSError as exc:
            log.error("audit: could not write %s (%s)", self._path.with_suffix(suffix).name, exc.strerror)

    def flush(self) -> None:
        """Wait until every recorded entry is on disk, and the spool's requests the last ``record`` found
        (tests, shutdown). Two rounds: a spool pass queues its entries' writes behind the first."""
        for _ in range(2):
            with self._lock:
                if self._closing:
                    return
                done = self._writer.submit(lambda: None)
            done.result(timeout=10)

    def close(self) -> None:
        """Write what is recorded, then let go of the trail (its lock): another process may write it now. Once."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
        self._writer.shutdown(wait=True)
        if self._unwritten:
            log.error("audit: %d entries never reached the trail on disk (%s); the backend has those it was sent",
                      len(self._unwritten), self._path.name)
        with self._lock:
            if self._state == "opening":  # closed before it opened: keep what was recorded for the next holder
                for request in self._deferred:
                    self._spool_request(request)
                self._deferred = []
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None

    def verify(self) -> ChainReport:
        """Check the trail as it is on disk (after what is recorded is written)."""
        return self.check()[0]

    def check(self) -> tuple[ChainReport, Head, bool]:
        """The check of the trail on disk, the backend's acknowledged head, and whether another process
        holds the trail (maintenance; not the GUI thread)."""
        self.flush()
        try:
            report, acknowledged = verify_file(self._path, self._key)
        except OSError as exc:
            raise TrailUnreadableError(detail=f"{self._path}: {exc.strerror or type(exc).__name__}") from None
        return report, acknowledged, self.busy

    def unsent(self) -> list[dict[str, Any]]:
        """The entries to push: those on disk the backend does not hold, and while the disk refuses writes, those
        that wait for it too."""
        with self._lock:
            start = self.sent - self._first
            end = len(self._kept) if self._disk_failing else self._on_disk - self._first
            return self._kept[start:max(start, end)]

    def has_unsent(self) -> bool:
        """Whether an entry the backend does not hold was recorded, on disk yet or not (a push is then due)."""
        with self._lock:
            return self._count > self.sent

    def wait_written(self, timeout_s: float = WRITTEN_WAIT_S) -> None:
        """Wait (not the GUI thread) until what was recorded before this call has been written, or the write has
        failed, within ``timeout_s``: a push right after a step then sends that step."""
        with self._lock:
            if self._closing or self._state != "open":
                return
            done = self._writer.submit(lambda: None)
        try:
            done.result(timeout=timeout_s)
        except TimeoutError:
            log.warning("audit: the trail's writes took more than %.0f s; the push sends what is on disk", timeout_s)

    def acknowledge(self, held: Head) -> bool:
        """The backend holds ``held``: entries up to it are sent, the rest are not. False, and a warning,
        when this trail does not hold that head (the two chains differ: ``kiosk audit verify``).
        A head before the entries memory holds (the backend's database restored) has the entries
        after it read back from the trail on disk, on the caller's thread (the push's)."""
        with self._lock:
            first = self._first
        if max(held.count - 1, 0) < first:
            self._read_back(max(held.count - 1, 0), first)
        with self._lock:
            if not self._holds(held):
                log.warning("audit: the backend holds %d entries ending %s, which this trail does not; "
                            "nothing more can be sent until staff check the trail (kiosk audit verify)",
                            held.count, held.head[:12])
                return False
            self.sent, self.acknowledged = held.count, held
            self._let_go_of_sent()
            record = json.dumps({"count": held.count, "head": held.head}).encode()
            self._writer.submit(self._write_record, ".ack", record)
        return True

    def _read_back(self, start: int, first: int) -> None:
        """Put the entries ``start`` to ``first`` (not included) back in memory from the trail on disk, read
        outside the lock; only when they read whole, under the key, and chain onto what memory holds."""
        older = read_part(self._path, start, first).entries
        whole = len(older) == first - start and all(
            isinstance(e, dict) and e.get("seq") == start + i and mac_matches(self._key, e)
            and (i == 0 or e.get("prev_mac") == older[i - 1].get("mac")) for i, e in enumerate(older))
        with self._lock:
            if self._first != first:
                return  # another acknowledgement moved the kept entries meanwhile
            if not whole or not self._kept or self._kept[0].get("prev_mac") != older[-1].get("mac"):
                log.error("audit: entries %d to %d are no longer in memory and do not read whole from %s "
                          "(kiosk audit verify)", start, first - 1, self._path)
                return
            self._kept[:0] = older
            self._first = start
        log.warning("audit: the backend went back to entry %d; entries %d to %d read back from the trail to "
                    "send again", start, start, first - 1)


def record_or_spool(path: Path, key: bytes | None, request: Request) -> Path | None:
    """A console command's entry: written into the trail at ``path`` when no terminal holds it (then let go
    of at once), else left in the spool for the running terminal. None when written; the spool file when
    left. Without ``key`` (the signing key did not load) it is always left for the terminal."""
    if key is not None:
        try:
            trail = AuditTrail(path, key, lock_wait_s=0)
        except TrailBusyError:
            pass
        else:
            try:
                trail.record(request.actor, request.action, request.detail, at=request.at)
                trail.flush()
            finally:
                trail.close()
            return None
    return audit_spool.spool_request(audit_spool.spool_folder(path), request)


def push(trail: AuditTrail, backend: AuditBackend) -> int:
    """Send the unsent entries in batches; each batch's answer (the head the backend holds) moves the
    sent mark. A failed batch moves nothing; a refused one (409 ``audit_chain_broken``, which names the
    backend's head) moves the mark to that head, so the next push sends what the backend lacks.
    Returns how many entries the backend took; raises the backend's error.

    One push at a time per trail: each clerk's step queues its own on the task pool, and two at once had the older
    answer land last, moving the acknowledged head back (maintenance's check read 4 of 5 entries acknowledged, on disk
    too, until a later push; tests/test_audit_push.py). A push that comes while another runs does not wait for it:
    it asks the running one to go round again (``push_again``, set before it tries, so the running one sees it
    whenever it lets go) and returns 0 at once. Pushes that waited each held a worker of the task pool: with the
    backend hung, one push waiting out its answer and three behind it took all four, and the clerk's look-ups
    queued behind them (kiosk bench window-monkey --customer-screen, seed 861: the licences' fetch not begun in
    30 s)."""
    accepted = 0
    while True:
        trail.push_again = True
        if not trail.pushing.acquire(blocking=False):
            return accepted  # the push that holds it sends this one's entries before it ends
        try:
            trail.push_again = False
            accepted += _push(trail, backend)
        finally:
            trail.pushing.release()
        if not trail.push_again:
            return accepted


def _push(trail: AuditTrail, backend: AuditBackend) -> int:
    trail.wait_written()
    accepted = 0
    while batch := trail.unsent()[:MAX_BATCH]:
        try:
            answer = backend.send_audit(batch)
        except RejectedError as exc:
            if exc.code == CHAIN_BROKEN:
                log.warning("audit: the backend refused the chain at entry %s (%s)", exc.fields.get("seq", "?"),
                            exc.message_en or exc.code)
                held = _held(exc.fields)
                if held is not None:
                    trail.acknowledge(held)
            raise
        accepted += int(answer.get("accepted", 0))
        held = _held(answer)
        if held is None or not trail.acknowledge(held) or held.count < batch[-1]["seq"] + 1:
            break  # the backend did not take the whole batch: the next push goes on from where it stands
    return accepted


def _held(fields: dict[str, Any]) -> Head | None:
    try:
        return Head(int(fields["count"]), str(fields["head"]))
    except (KeyError, TypeError, ValueError):
        return None
