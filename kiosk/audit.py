"""The clerk's audit trail: an append-only chain of every step, each entry under the terminal's key, sent to the backend.

Each entry carries an HMAC over its content and the MAC of the entry before
(``common.audit_chain``: the key, derived from the terminal's request-signing key, and what it
does and does not protect against). Entries carry masked identifiers only. Beside the trail
(JSON lines, fsynced) lie two small records: ``.seal``, the count and head last written under the
key, and ``.ack``, the head the backend last acknowledged. The backend checks every pushed entry
and answers with the head it holds; entries are marked sent only up to that head, so a failed
push marks nothing and a refused one puts the mark back where the backend stands.

A trail of the old, unkeyed format (plain SHA-256) is moved aside at start (``trail.v1.jsonl``,
which ``kiosk audit verify`` reports as the old format) and a keyed trail begins.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

from common.audit_chain import (VERSION, ChainReport, Head, Tamper, entry_mac, old_format, seal_mac,
                                verify_chain)
from common.backend_errors import RejectedError
from common.i18n import N_, Text, plural_text, text
from common.private_files import open_private, private_dir
from offline_queue.durable import write_durably

log = logging.getLogger(__name__)
MAX_BATCH = 500  # the contract's most entries in one push
CHAIN_BROKEN = "audit_chain_broken"


class AuditBackend(Protocol):
    def send_audit(self, entries: list[dict[str, Any]]) -> dict[str, Any]: ...


def read_trail(path: Path) -> list[Any]:
    """The trail's lines as parsed entries; an unreadable line is None (the check names it)."""
    if not path.exists():
        return []
    entries: list[Any] = []
    for line in path.read_text("utf-8", errors="replace").splitlines():
        try:
            entries.append(json.loads(line))
        except ValueError:
            entries.append(None)
    return entries


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
    """Check the trail at ``path`` with its seal and acknowledged head; the report and that head."""
    seal = _read_record(path.with_suffix(".seal"))
    sealed = (Head(seal["count"], seal["head"]), str(seal.get("mac", ""))) if seal else None
    acknowledged = read_acknowledged(path)
    return verify_chain(read_trail(path), key, sealed=sealed, acknowledged=acknowledged), acknowledged


FINDINGS = {
    Tamper.EDITED: N_("Audit trail: entry {seq} was changed after it was written."),
    Tamper.REMOVED: N_("Audit trail: entry {seq} was removed."),
    Tamper.REORDERED: N_("Audit trail: entry {seq} is out of order."),
    Tamper.TRUNCATED: N_("Audit trail: it was cut off; entry {seq} and those after it are missing."),
    Tamper.FORGED: N_("Audit trail: from entry {seq} on it was rewritten without the terminal's key."),
    Tamper.OLD_FORMAT: N_("Audit trail: written in the old unkeyed format, so it cannot be verified."),
}


def report_text(report: ChainReport, acknowledged: Head) -> Text:
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
    return text("{verdict} {backend}", verdict=verdict, backend=backend)


class AuditTrail:
    def __init__(self, path: Path, key: bytes) -> None:
        self._path = path
        self._key = key  # common.audit_chain.audit_key of the terminal's signing key
        self._lock = threading.Lock()
        # Appends and fsyncs happen on this one thread, in order: the GUI thread never waits on a disk.
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="audit-writer")
        private_dir(path.parent)
        found = read_trail(path)
        if found and old_format(found[0]):
            found = self._move_old_trail_aside()
        self.entries: list[dict[str, Any]] = [e for e in found if isinstance(e, dict)]
        if len(self.entries) < len(found):
            log.warning("audit: %d unreadable line(s) in %s ignored (kiosk audit verify names them)",
                        len(found) - len(self.entries), path)
        seal = _read_record(path.with_suffix(".seal"))
        if seal is None and not self.entries:
            self._writer.submit(self._write_record, ".seal", self._seal(0, ""))
        elif seal is not None and seal["count"] > len(self.entries):
            log.warning("audit: %s ends after %d entries but %d were written: its tail was cut "
                        "(kiosk audit verify)", path, len(self.entries), seal["count"])
        self.acknowledged = read_acknowledged(path)
        self.sent = 0  # entries[:sent] are held by the backend, as it last acknowledged
        if self._holds(self.acknowledged):
            self.sent = self.acknowledged.count
        else:
            log.warning("audit: the backend acknowledged %d entries ending %s, which this trail does not hold",
                        self.acknowledged.count, self.acknowledged.head[:12])

    def _move_old_trail_aside(self) -> list[Any]:
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
        return []

    def _seal(self, count: int, head: str) -> bytes:
        return json.dumps({"count": count, "head": head, "mac": seal_mac(self._key, count, head)}).encode()

    def _holds(self, held: Head) -> bool:
        """Whether this trail has exactly ``held``'s entries at its start (the caller holds the lock or owns us)."""
        if held.count == 0:
            return held.head == ""
        return held.count <= len(self.entries) and self.entries[held.count - 1].get("mac") == held.head

    @property
    def head(self) -> str:
        return self.entries[-1]["mac"] if self.entries else ""

    def written(self) -> Head:
        """How far the trail goes, read at once (the heartbeat reports it)."""
        with self._lock:
            return Head(len(self.entries), self.head)

    def record(self, actor: str, action: str, detail: str = "") -> dict[str, Any]:
        """Append one step; it is written and fsynced on the writer thread. ``detail`` must be masked."""
        with self._lock:
            entry = {"v": VERSION, "seq": len(self.entries),
                     "at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                     "actor": actor, "action": action, "detail": detail[:1000], "prev_mac": self.head}
            entry["mac"] = entry_mac(self._key, entry)
            self.entries.append(entry)
            seal = self._seal(len(self.entries), entry["mac"])
            self._writer.submit(self._append, json.dumps(entry, ensure_ascii=False) + "\n", seal)
        log.info("audit: %s %s %s", actor, action, detail)
        return entry

    def _append(self, line: str, seal: bytes) -> None:
        try:
            with os.fdopen(open_private(self._path), "a", encoding="utf-8") as fh:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            log.error("audit: could not write the trail (%s); entries stay in memory and go to the backend",
                      exc.strerror)
            return
        self._write_record(".seal", seal)

    def _write_record(self, suffix: str, data: bytes) -> None:
        try:
            write_durably(self._path.with_suffix(suffix), data)
        except OSError as exc:
            log.error("audit: could not write %s (%s)", self._path.with_suffix(suffix).name, exc.strerror)

    def flush(self) -> None:
        """Wait until every recorded entry is on disk (tests, shutdown)."""
        self._writer.submit(lambda: None).result(timeout=10)

    def close(self) -> None:
        self._writer.shutdown(wait=True)

    def verify(self) -> ChainReport:
        """Check the trail as it is on disk (after what is recorded is written)."""
        return self.check()[0]

    def check(self) -> tuple[ChainReport, Head]:
        """The check of the trail on disk and the backend's acknowledged head (maintenance; not the GUI thread)."""
        self.flush()
        return verify_file(self._path, self._key)

    def unsent(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.entries[self.sent:])

    def acknowledge(self, held: Head) -> bool:
        """The backend holds ``held``: entries up to it are sent, the rest are not. False, and a warning,
        when this trail does not hold that head (the two chains differ: ``kiosk audit verify``)."""
        with self._lock:
            if not self._holds(held):
                log.warning("audit: the backend holds %d entries ending %s, which this trail does not; "
                            "nothing more can be sent until staff check the trail (kiosk audit verify)",
                            held.count, held.head[:12])
                return False
            self.sent, self.acknowledged = held.count, held
            record = json.dumps({"count": held.count, "head": held.head}).encode()
            self._writer.submit(self._write_record, ".ack", record)
        return True


def push(trail: AuditTrail, backend: AuditBackend) -> int:
    """Send the unsent entries in batches; each batch's answer (the head the backend holds) moves the
    sent mark. A failed batch moves nothing; a refused one (409 ``audit_chain_broken``, which names the
    backend's head) moves the mark to that head, so the next push sends what the backend lacks.
    Returns how many entries the backend took; raises the backend's error."""
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
