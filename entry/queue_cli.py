"""``kiosk queue ...``: staff commands on the offline queue (no payload is ever printed).

Each action that changes or exports something (retry, export, import, purge-delivered) is recorded in
the terminal's audit trail once it has run, or as failed with its error's class
(``entry/console_audit.py``: under the console account, and ``--staff ID`` as that person's word).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from entry.console_audit import add_staff_option, not_the_terminals_user, record_console_action
from kiosk.config import Config, load_config
from offline_queue.rows import STATES, ItemState, id_problem

if TYPE_CHECKING:
    from offline_queue.outbox import Outbox

AUDITED = ("retry", "export", "import", "purge-delivered")  # the actions the audit trail records


def add_commands(sub: argparse._SubParsersAction) -> None:
    queue = sub.add_parser("queue", help="the offline queue: status, list, retry, export, import, purge")
    queue.add_argument("--config", type=Path, help="site configuration file (TOML)")
    actions = queue.add_subparsers(dest="queue_command", metavar="ACTION")
    actions.add_parser("status", help="counts per state and the oldest waiting item")
    listing = actions.add_parser("list", help="items with their state and the reason staff need (held, dead, "
                                              "quarantined)")
    listing.add_argument("--state", choices=[s.value for s in STATES])
    retry = actions.add_parser("retry", help="put an item, or every dead letter, back in line")
    retry.add_argument("item", nargs="?")
    retry.add_argument("--dead", action="store_true")
    export = actions.add_parser("export", help="copy undelivered items, still encrypted, to a folder")
    export.add_argument("dir", type=Path)
    imp = actions.add_parser("import", help="take items back from an export folder or a moved-aside queue "
                                            "(corrupt-*), sealed under this terminal's key; each once")
    imp.add_argument("dir", type=Path)
    purge = actions.add_parser("purge-delivered", help="delete delivered payloads now")
    purge.add_argument("--older-than-s", type=float, default=0.0)
    for parser in (retry, export, imp, purge):
        add_staff_option(parser)


def _when(ts: float | None) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S") if ts else "-"


def run(args: argparse.Namespace) -> int:
    from kiosk.queue_setup import open_outbox

    config = load_config(args.config)
    refused = not_the_terminals_user(config)
    if refused:
        print(refused, file=sys.stderr)
        return 2
    outbox = open_outbox(config)
    try:
        if outbox.recovered_from is not None:
            print(f"note: the queue database was damaged and moved aside to {outbox.recovered_from}")
        command = args.queue_command or "status"
        if command == "status":
            status = outbox.status()
            print("  ".join(f"{state}: {n}" for state, n in status["counts"].items()))
            print(f"oldest pending: {status['oldest_age_s']:.0f} s")
            if status["recovered_from"]:
                print(f"a damaged queue database is kept in {status['recovered_from']}: "
                      f"'kiosk queue import {status['recovered_from']}' takes its items back (each once); "
                      "remove the folder afterwards")
            if status["counts"][ItemState.HELD.value] or status["counts"][ItemState.QUARANTINED.value]:
                print("staff: see 'kiosk queue list --state held' and '--state quarantined' for the reasons")
        elif command == "list":
            states = (args.state,) if args.state else (ItemState.HELD, ItemState.QUARANTINED, ItemState.DEAD,
                                                       ItemState.PENDING, ItemState.DELIVERED)
            for item in outbox.items(states):
                print(f"{item.id}  {item.state:<11} attempts {item.attempts:<3} created {_when(item.created_at)}  "
                      f"provisional {item.provisional_number or '-'}  case {item.case_number or '-'}  "
                      f"{item.last_error}")
        elif command in AUDITED:
            if command == "retry" and not args.item and not args.dead:
                print("kiosk: queue retry needs an item id or --dead")
                return 2
            action = "queue_" + command.replace("-", "_")
            try:
                code, detail = _change(command, args, outbox, config)
            except Exception as exc:
                record_console_action(config, args.staff, action, f"failed: {type(exc).__name__}")
                raise
            record_console_action(config, args.staff, action, detail)
            return code
        return 0
    finally:
        outbox.close()


def _change(command: str, args: argparse.Namespace, outbox: Outbox, config: Config) -> tuple[int, str]:
    """One audited action run and reported; its exit code and the audit entry's detail (ids, counts and
    folder names only: the folder's full path may name a person)."""
    if command == "retry":
        n = outbox.retry(args.item, args.dead)
        print(f"{n} item(s) back in line")
        which = "dead letters" if args.item is None else \
            f"item {args.item}" if id_problem(args.item) is None else "an id that is no item's"
        return 0, f"{which}: {n} back in line"
    if command == "export":
        n = outbox.export(args.dir)
        print(f"{n} item(s) exported to {args.dir} (still encrypted)")
        return 0, f"{n} item(s) to folder {args.dir.name}"
    if command == "import":
        imported, problems = outbox.import_(args.dir)
        print(f"{imported} item(s) imported from {args.dir}")
        for problem in problems:
            print(f"  not imported: {problem}")
        return (1 if problems else 0), f"{imported} item(s) from folder {args.dir.name}, {len(problems)} not imported"
    n = outbox.purge_delivered(args.older_than_s, config.queue.keep_metadata_days)
    print(f"{n} delivered payload(s) deleted at {time.strftime('%H:%M:%S')}")
    return 0, f"{n} delivered payload(s) older than {args.older_than_s:g} s"
