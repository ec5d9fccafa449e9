"""``kiosk audit verify [FILE]``: check the audit chain under the terminal's key; non-zero when it does not hold.

The first fault is named by its entry's sequence number and its kind (edited, removed, reordered,
truncated, forged without the key, or the old unkeyed format). The trail's seal and the head the
backend last acknowledged are read from beside FILE (``.seal``, ``.ack``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.config import load_config

OK, TAMPERED, UNUSABLE = 0, 1, 2


def add_commands(sub: argparse._SubParsersAction) -> None:
    audit = sub.add_parser("audit", help="the clerk's audit trail")
    audit.add_argument("--config", type=Path, help="site configuration file (TOML)")
    actions = audit.add_subparsers(dest="audit_command", metavar="ACTION")
    verify = actions.add_parser("verify", help="check the chain; exit 1 naming the first edited, removed, "
                                               "reordered or truncated entry")
    verify.add_argument("file", type=Path, nargs="?",
                        help="the trail (default: the terminal's, DATA_DIR/audit/trail.jsonl)")


def run(args: argparse.Namespace) -> int:
    from common.audit_chain import audit_key
    from common.backend_errors import AuthError
    from kiosk.audit import verify_file
    from kiosk.backend.client import load_signer

    if args.audit_command != "verify":
        print("kiosk: audit needs an action: verify", file=sys.stderr)
        return UNUSABLE
    config = load_config(args.config)
    path = args.file or config.data_dir / "audit" / "trail.jsonl"
    if not path.is_file():
        what = "is not a file (the terminal spools its steps until it is)" if path.exists() else "is missing"
        print(f"kiosk: the audit trail at {path} {what}", file=sys.stderr)
        return UNUSABLE
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        print(f"kiosk: the audit trail at {path} cannot be read ({exc.strerror})", file=sys.stderr)
        return UNUSABLE
    try:
        signer = load_signer(config.backend, config.terminal.id)
    except AuthError as exc:
        print(f"kiosk: {exc.detail}", file=sys.stderr)
        return UNUSABLE
    if not config.backend.signing_key_file:
        print("note: checked under the sandbox demo key, which anyone can compute (backend.signing_key_file)")
    report, acknowledged = verify_file(path, audit_key(signer.key))
    backend = (f"the backend acknowledged {acknowledged.count} (head {acknowledged.head[:16]})"
               if acknowledged.count else "the backend has acknowledged none")
    torn = (f"; its last line ({report.torn_bytes} bytes) is an entry the terminal did not finish writing when it "
            f"stopped, set aside when the trail is next opened" if report.torn_bytes else "")
    if report.finding is None:
        print(f"{path}: {report.entries} entries, intact (head {report.head[:16] or '-'}){torn}; {backend}")
        return OK
    finding = report.finding
    print(f"{path}: entry {finding.seq}: {finding.kind.value}: {finding.detail}; {backend}")
    return TAMPERED
