"""The audit chain's arithmetic, shared by the terminal (which writes and checks it) and the backend.

Each entry carries ``mac = HMAC-SHA256(K, canonical entry)``, where the canonical entry is its
fields ``v, seq, at, actor, action, detail, prev_mac`` as sorted, compact JSON (UTF-8), and
``prev_mac`` is the MAC of the entry before (empty for entry 0). ``K`` is derived from the
terminal's request-signing key: ``K = HMAC-SHA256(signing key, "onetrip-audit-chain/v2")``. The
backend already holds that key to check every request, so it checks every pushed entry without a
key of its own; the derivation keeps an entry's MAC from ever standing for a request's signature.
The queue's key would not do: it never leaves the terminal, so the backend could check nothing.

What the MAC buys: someone who edits the trail file without the key cannot make a MAC that
checks, so an edited, removed, reordered or re-chained (recomputed without the key) entry is
found, and named by its sequence number. A cut tail is found against two records: the *seal*
(the count and head last written, under the same key) and the backend's acknowledged head.

What it does not buy: whoever holds the terminal's signing key (the service user, root on the
terminal) can rewrite the unsent part of the trail, its seal and cut its tail at will. What the
backend has acknowledged stays: a rewrite of it no longer matches the acknowledged head (the
backend refuses it with 409 ``audit_chain_broken``), and a cut below it shows as truncated.
The local acknowledged-head record is only as strong as the file it is in; the backend's own copy
is the one that counts. With the sandbox's demo key (derived from a published secret) the MACs
prove nothing at all.
"""

from __future__ import annotations

import hashlib
import itertools
import hmac
import json
from dataclasses import dataclass
from enum import Enum
from typing import Any, Sequence

VERSION = 2
FIELDS = ("v", "seq", "at", "actor", "action", "detail", "prev_mac")
_KEY_LABEL = b"onetrip-audit-chain/v2"


def audit_key(signing_key: bytes) -> bytes:
    """The chain's key, derived from the terminal's request-signing key (both sides derive it)."""
    return hmac.new(signing_key, _KEY_LABEL, hashlib.sha256).digest()


def canonical(entry: dict[str, Any]) -> bytes:
    return json.dumps({k: entry.get(k) for k in FIELDS}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def entry_mac(key: bytes, entry: dict[str, Any]) -> str:
    return hmac.new(key, canonical(entry), hashlib.sha256).hexdigest()


def mac_matches(key: bytes, entry: dict[str, Any]) -> bool:
    return hmac.compare_digest(entry_mac(key, entry), str(entry.get("mac", "")))


def seal_mac(key: bytes, count: int, head: str) -> str:
    """The seal: how many entries were written and the last one's MAC, under the chain's key."""
    return hmac.new(key, f"seal\n{count}\n{head}".encode(), hashlib.sha256).hexdigest()


def well_formed(entry: Any) -> bool:
    return (isinstance(entry, dict) and entry.get("v") == VERSION and type(entry.get("seq")) is int
            and all(isinstance(entry.get(k), str) for k in ("at", "actor", "action", "detail", "prev_mac", "mac")))


def old_format(entry: Any) -> bool:
    """An entry of the plain SHA-256 chain written before the keyed one (``hash``, ``prev_hash``)."""
    return isinstance(entry, dict) and "hash" in entry and "mac" not in entry


class Tamper(str, Enum):
    EDITED = "edited"
    REMOVED = "removed"
    REORDERED = "reordered"
    TRUNCATED = "truncated"
    FORGED = "forged"  # the chain recomputed without the key
    OLD_FORMAT = "old_format"


@dataclass(frozen=True)
class Finding:
    seq: int
    kind: Tamper
    detail: str  # English, for the log and the command line


@dataclass(frozen=True)
class Head:
    """How far a chain goes: ``count`` entries, the last one's MAC ``head`` (empty for none)."""

    count: int
    head: str


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head: str
    finding: Finding | None
    torn_bytes: int = 0  # a last line left unfinished by a stop, not checked as an entry (kiosk.audit.verify_file)

    @property
    def ok(self) -> bool:
        return self.finding is None


def _out_of_place(entries: Sequence[Any], i: int, found: int) -> Finding:
    later = {e.get("seq") for e in itertools.islice(entries, i + 1, None) if isinstance(e, dict)}
    if i in later or found < i:
        return Finding(min(i, found), Tamper.REORDERED, f"entry {found} stands where entry {i} belongs")
    return Finding(i, Tamper.REMOVED, f"entry {i} is missing (the trail goes on at entry {found})"
                   if found > i + 1 else f"entry {i} is missing")


def _bad_mac(key: bytes, entries: Sequence[Any], i: int) -> Finding:
    following = entries[i + 1] if i + 1 < len(entries) else None
    if well_formed(following) and following["prev_mac"] == entries[i]["mac"] and not mac_matches(key, following):
        return Finding(i, Tamper.FORGED, f"entries from {i} on were re-chained without the terminal's key")
    return Finding(i, Tamper.EDITED, f"entry {i} does not match its MAC: it was changed after it was written")


def verify_chain(entries: Sequence[Any], key: bytes, *, sealed: tuple[Head, str] | None = None,
                 acknowledged: Head | None = None) -> ChainReport:
    """Check ``entries`` (parsed lines, None for an unreadable one) and report the first fault.

    ``sealed`` is the seal record (its head and MAC; None when there is none), ``acknowledged``
    the head the backend last acknowledged: a trail that ends before either is truncated.
    """
    head = ""

    def report(finding: Finding | None) -> ChainReport:
        return ChainReport(len(entries), head, finding)

    for i, entry in enumerate(entries):
        if old_format(entry):
            return report(Finding(i, Tamper.OLD_FORMAT, "an unkeyed trail of the old format (plain SHA-256): it "
                                                        "proves nothing against an insider"))
        if not well_formed(entry):
            return report(Finding(i, Tamper.EDITED, f"line {i + 1} is not a readable entry"))
        if entry["seq"] != i:
            return report(_out_of_place(entries, i, entry["seq"]))
        if not mac_matches(key, entry):
            return report(_bad_mac(key, entries, i))
        if entry["prev_mac"] != head:
            return report(Finding(max(i - 1, 0), Tamper.EDITED, f"entry {i} does not follow the entry before it"))
        head = entry["mac"]
    if sealed is None and entries:
        return report(Finding(len(entries), Tamper.TRUNCATED, "the seal record is missing: a cut tail cannot be "
                                                              "ruled out"))
    if sealed is not None:
        seal, mac = sealed
        if not hmac.compare_digest(seal_mac(key, seal.count, seal.head), mac):
            return report(Finding(seal.count, Tamper.FORGED, "the seal record does not check under the terminal's "
                                                             "key"))
        found = _against(entries, seal, "written")
        if found is not None:
            return report(found)
    if acknowledged is not None:
        return report(_against(entries, acknowledged, "acknowledged by the backend"))
    return report(None)


def _against(entries: Sequence[Any], record: Head, what: str) -> Finding | None:
    if record.count > len(entries):
        return Finding(len(entries), Tamper.TRUNCATED,
                       f"the trail ends after {len(entries)} entries, but {record.count} were {what}")
    if record.count and entries[record.count - 1]["mac"] != record.head:
        return Finding(record.count - 1, Tamper.EDITED, f"entry {record.count - 1} is not the one that was {what}")
    return None
