"""Staff offline sign-in verifiers kept on the terminal's disk, so an outage that outlasts a restart
does not leave only the break-glass PIN (kiosk/staff_sign_in.py).

Each verifier is what the backend gave at that person's last online sign-in here: the salted
PBKDF2-SHA256 hash of their secret (never the secret), their name and roles, and until when it may
be used (``terminal.offline_sign_in_s`` after that sign-in, never past the backend's own limit). The
file is sealed with the terminal's queue key (AES-256-GCM or SM4-GCM, as the queue; a staff name is
personal data) in a 0600 file, written durably; expired verifiers are dropped whenever it is read or
written. A file that does not open (another key, damaged) is deleted, not kept: it is only a cache,
and staff sign in online once more.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from common.private_files import private_dir
from offline_queue.crypto import Sealer, TamperedError
from offline_queue.durable import write_durably

log = logging.getLogger(__name__)
ASSOCIATED = b"onetrip-staff-verifiers/v1"


class VerifierFile:
    """The verifiers by staff id, sealed at ``path``. Blocking (disk): the task pool only."""

    def __init__(self, path: Path, sealer: Sealer) -> None:
        self._path, self._sealer = path, sealer

    def load(self, now: float) -> dict[str, dict[str, Any]]:
        """The verifiers still valid at ``now``; {} when there is no file or it does not open."""
        try:
            blob = self._path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            log.warning("staff: cannot read the offline sign-in file (%s); staff sign in online", exc.strerror)
            return {}
        try:
            found = json.loads(self._sealer.open(blob, ASSOCIATED))
            if not isinstance(found, dict):
                raise ValueError("not an object")
        except (TamperedError, ValueError, UnicodeDecodeError) as exc:
            try:
                self._path.unlink()
            except OSError:
                pass
            log.warning("staff: the offline sign-in file does not open (%s); deleted, staff sign in online",
                        type(exc).__name__)
            return {}
        return {staff: v for staff, v in found.items() if _valid(v, now)}

    def save(self, verifiers: dict[str, dict[str, Any]], now: float) -> None:
        """Write the verifiers still valid at ``now``; none left: the file goes."""
        kept = {staff: v for staff, v in verifiers.items() if _valid(v, now)}
        if not kept:
            self._path.unlink(missing_ok=True)
            return
        private_dir(self._path.parent)
        write_durably(self._path, self._sealer.seal(json.dumps(kept).encode(), ASSOCIATED))


def _valid(verifier: Any, now: float) -> bool:
    try:
        return isinstance(verifier, dict) and float(verifier["until"]) > now
    except (KeyError, TypeError, ValueError):
        return False
