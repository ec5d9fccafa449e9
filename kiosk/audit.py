"""The clerk's audit trail: an append-only, hash-chained log of every step, sent to the backend.

Each entry links to the one before (``hash = SHA-256(prev_hash + canonical entry)``), so a
removed or edited entry breaks the chain. Entries carry masked identifiers only. The file
(JSON lines, fsynced) survives restarts; entries the backend has not confirmed are resent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from common.private_files import open_private, private_dir, write_private

log = logging.getLogger(__name__)


def entry_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    body = {k: entry[k] for k in ("seq", "at", "actor", "action", "detail")}
    return hashlib.sha256((prev_hash + json.dumps(body, sort_keys=True, ensure_ascii=False)).encode()).hexdigest()


class AuditTrail:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        # Appends and fsyncs happen on this one thread, in order: the GUI thread never waits on a disk.
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="audit-writer")
        private_dir(path.parent)
        self.entries: list[dict[str, Any]] = []
        self.sent = 0  # entries[:sent] are confirmed by the backend
        if path.exists():
            for line in path.read_text("utf-8").splitlines():
                try:
                    self.entries.append(json.loads(line))
                except ValueError:
                    log.error("audit: unreadable line in %s ignored (the chain check will show it)", path)
        state = path.with_suffix(".sent")
        if state.exists():
            try:
                self.sent = min(int(state.read_text().strip() or 0), len(self.entries))
            except ValueError:
                self.sent = 0

    @property
    def head(self) -> str:
        return self.entries[-1]["hash"] if self.entries else ""

    def record(self, actor: str, action: str, detail: str = "") -> dict[str, Any]:
        """Append one step; it is written and fsynced on the writer thread. ``detail`` must be masked."""
        with self._lock:
            entry = {"seq": len(self.entries), "at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                     "actor": actor, "action": action, "detail": detail[:1000], "prev_hash": self.head}
            entry["hash"] = entry_hash(entry["prev_hash"], entry)
            self.entries.append(entry)
            self._writer.submit(self._append, json.dumps(entry, ensure_ascii=False) + "\n")
        log.info("audit: %s %s %s", actor, action, detail)
        return entry

    def _append(self, line: str) -> None:
        try:
            with os.fdopen(open_private(self._path), "a", encoding="utf-8") as fh:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            log.error("audit: could not write the trail (%s); entries stay in memory and go to the backend",
                      exc.strerror)

    def flush(self) -> None:
        """Wait until every recorded entry is on disk (tests, shutdown)."""
        self._writer.submit(lambda: None).result(timeout=10)

    def close(self) -> None:
        self._writer.shutdown(wait=True)

    def verify(self) -> bool:
        prev = ""
        for i, entry in enumerate(self.entries):
            if entry.get("seq") != i or entry.get("prev_hash") != prev or entry_hash(prev, entry) != entry.get("hash"):
                return False
            prev = entry["hash"]
        return True

    def unsent(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.entries[self.sent:])

    def mark_sent(self, count: int) -> None:
        with self._lock:
            self.sent = min(len(self.entries), self.sent + count)
            sent = self.sent
        self._writer.submit(self._write_sent, str(sent))

    def _write_sent(self, sent: str) -> None:
        try:
            write_private(self._path.with_suffix(".sent"), sent.encode())
        except OSError as exc:
            log.error("audit: could not record how far the backend confirmed (%s); entries may be resent",
                      exc.strerror)
