"""Staff sign-in, for the clerk's window and for maintenance: one code path for both.

A staff id and a secret go to the backend (``POST /staff/sign-in``), which answers with the person's
roles and an offline verifier: the salted PBKDF2-SHA256 hash of the secret (never the secret). The
verifier is kept, sealed on disk (kiosk/staff_verifiers.py: a restart during an outage keeps it), so
that while the backend is away the same person can sign in again with the same secret, for
``terminal.offline_sign_in_s`` after that online sign-in (and never past the backend's own
``valid_until``). Each place asks for a role: the window for ``clerk``,
maintenance for ``maintenance``; a person without it is refused in plain words, online and offline.

Times are wall-clock (``clock``, injected by tests): the backend's ``valid_until`` is one.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from datetime import datetime
from typing import Any, Callable, Protocol

from common.backend_errors import AuthError, OfflineError, ServerError, TlsError
from common.errors import OneTripError
from common.i18n import N_
from kiosk.staff_verifiers import VerifierFile

log = logging.getLogger(__name__)

MAX_ITERATIONS = 10_000_000  # a verifier asking for more is not believed (it would hold the task pool for minutes)


class StaffBackend(Protocol):
    def staff_sign_in(self, staff_id: str, password: str) -> dict[str, Any]: ...


class WrongStaffSecretError(OneTripError):
    """The staff id or the secret is wrong (the backend said so, or the cached verifier does not match)."""

    default = N_("Wrong staff id or password.")


class RoleMissingError(OneTripError):
    """The person signed in but may not work here."""

    default = N_("This staff account may not use this. Ask a colleague who may, or the hall's administrator.")


class NoOfflineSignInError(OfflineError):
    """The backend is away and this person has no verifier cached, or it is too old."""

    default = N_("The service system cannot be reached, and this staff id has not signed in here recently. "
                 "Sign in when the system is back.")


ROLE_MESSAGES = {
    "maintenance": N_("This staff account has no maintenance role. Ask a colleague who has it, or the hall's "
                      "administrator."),
    "clerk": N_("This staff account has no clerk role and cannot work at the window."),
}


def _epoch(iso: str) -> float:
    try:
        return datetime.fromisoformat(str(iso).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


class StaffSignIn:
    """Signs staff in online, or offline against the verifier of their last online sign-in here."""

    def __init__(self, backend: StaffBackend, *, offline_for_s: float, clock: Callable[[], float] = time.time,
                 kept: VerifierFile | None = None) -> None:
        self._backend, self._offline_for_s, self._clock = backend, offline_for_s, clock
        self._kept = kept  # the verifiers on disk (None: memory only)
        self._verifiers: dict[str, dict[str, Any]] | None = None if kept is not None else {}  # read on first use
        self._lock = threading.Lock()  # sign-ins run on the task pool

    def _known(self) -> dict[str, dict[str, Any]]:
        """The verifiers, read from disk the first time (the caller holds the lock)."""
        if self._verifiers is None:
            self._verifiers = self._kept.load(self._clock()) if self._kept is not None else {}
        return self._verifiers

    def sign_in(self, staff_id: str, password: str, role: str) -> dict[str, Any]:
        """The session (``staff_id``, ``name``, ``roles``, ``token``; ``offline`` when signed in offline).
        Blocking: run it on the task pool. Raises WrongStaffSecretError, RoleMissingError or an OfflineError."""
        try:
            session = self._backend.staff_sign_in(staff_id, password)
        except TlsError:  # nothing was sent (a clock gone back years fails every handshake): as when it is away
            session = self._offline(staff_id, password)
        except AuthError as exc:
            if exc.detail == "staff_auth":
                raise WrongStaffSecretError(detail="staff_auth") from None
            raise
        except (OfflineError, ServerError):
            session = self._offline(staff_id, password)
        else:
            self._keep(session)
        if role not in session.get("roles", []):
            raise RoleMissingError(ROLE_MESSAGES.get(role), detail=f"{staff_id} lacks role {role}")
        return session

    def _keep(self, session: dict[str, Any]) -> None:
        verifier = session.get("offline_verifier")
        if not verifier:
            return
        until = min(self._clock() + self._offline_for_s, _epoch(verifier.get("valid_until", "")))
        with self._lock:
            known = self._known()
            known[session["staff_id"]] = dict(verifier, name=session.get("name", ""),
                                              roles=list(session.get("roles", [])), until=until)
            if self._kept is not None:
                try:
                    self._kept.save(known, self._clock())
                except OSError as exc:  # kept in memory; the sign-in itself succeeded
                    log.warning("staff: cannot write the offline sign-in file (%s)", exc.strerror)

    def _offline(self, staff_id: str, password: str) -> dict[str, Any]:
        with self._lock:
            verifier = self._known().get(staff_id)
        if verifier is None or self._clock() >= verifier["until"]:
            raise NoOfflineSignInError(detail="no cached verifier" if verifier is None else "cached verifier expired")
        iterations = int(verifier["iterations"])
        if verifier.get("algorithm") != "pbkdf2-sha256" or not 0 < iterations <= MAX_ITERATIONS:
            raise NoOfflineSignInError(detail="cached verifier of an unknown kind")
        digest = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(verifier["salt"]), iterations).hex()
        if not hmac.compare_digest(digest, verifier["hash"]):
            raise WrongStaffSecretError(detail="offline verifier mismatch")
        return {"staff_id": staff_id, "name": verifier["name"], "roles": verifier["roles"], "token": "",
                "offline": True}
