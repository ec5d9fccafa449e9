"""Staff actions taken at the terminal's console, recorded in its keyed audit trail.

The actor is ``console:<OS user>``: the account is what the machine knows. ``--staff ID`` adds the
staff member the person says they are, recorded as given and marked as their word (``console:root
(says XH0004)``), since nothing at the console checks it. The entry is written through
``kiosk.audit.record_or_spool``: into the trail when no terminal runs, else spooled for the running
terminal, which chains it (never two writers of one chain).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import logging
import os
import sys

from common.backend_errors import AuthError
from kiosk.config import Config

log = logging.getLogger(__name__)
MAX_STAFF_ID = 32


def staff_id(value: str) -> str:
    """argparse's check of ``--staff``: a short printable id, refused with a plain message otherwise."""
    value = value.strip()
    if not value or len(value) > MAX_STAFF_ID or not value.isprintable():
        raise argparse.ArgumentTypeError(f"a staff id is 1 to {MAX_STAFF_ID} printable characters")
    return value


def add_staff_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--staff", type=staff_id, metavar="ID",
                        help="your staff id, recorded in the audit trail beside the console account (unverified)")


def not_the_terminals_user(config: Config) -> str | None:
    """Why this console command must not run as this OS user, or None. Files a command writes into the data
    folder (the queue, the audit trail, its spool) are 0600: written by another account (root, as a rule) the
    terminal could not read or delete them. So a command runs as the account that owns the data folder."""
    try:
        owner = config.data_dir.stat().st_uid
    except OSError:
        return None  # no data folder yet: nothing of the terminal's to spoil
    if owner == os.geteuid():
        return None
    try:
        import pwd

        name = pwd.getpwuid(owner).pw_name
    except (ImportError, KeyError):
        name = str(owner)
    return (f"kiosk: run this as the terminal's user, who owns {config.data_dir}: sudo -u {name} kiosk ... "
            f"(files written as this account would be unreadable to the terminal)")


def console_actor(staff: str | None = None) -> str:
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment and no passwd entry for the uid
        user = ""
    actor = f"console:{user or os.getuid()}"
    return f"{actor} (says {staff})" if staff else actor


def record_console_action(config: Config, staff: str | None, action: str, detail: str) -> None:
    """Record ``action`` (``detail`` masked) under the console's actor; say on stderr when it could not be."""
    from common.audit_chain import audit_key
    from kiosk.audit import record_or_spool
    from kiosk.audit_spool import Request
    from kiosk.backend.client import load_signer

    path = config.data_dir / "audit" / "trail.jsonl"
    try:
        key = audit_key(load_signer(config.backend, config.terminal.id).key)
    except AuthError as exc:
        log.warning("console audit: no signing key (%s); the entry is left for the terminal", exc.detail)
        key = None
    request = Request(dt.datetime.now().astimezone(), console_actor(staff), action, detail)
    try:
        spooled = record_or_spool(path, key, request)
    except OSError as exc:
        print(f"kiosk: the action was NOT recorded in the audit trail: {type(exc).__name__}: {exc.strerror or exc}",
              file=sys.stderr)
        return
    if spooled is None:
        print(f"recorded in the audit trail as {request.actor}")
    else:
        print(f"recorded as {request.actor}: left for the running terminal's audit trail ({spooled.name})")
