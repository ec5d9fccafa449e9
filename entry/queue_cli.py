"""``kiosk queue ...``: staff commands on the offline queue (no payload is ever printed)."""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from kiosk.config import load_config
from offline_queue.rows import STATES, ItemState


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


def _when(ts: float | None) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S") if ts else "-"


def run(args: argparse.Namespace) -> int:
    from kiosk.queue_setup import open_outbox

    config = load_config(args.config)
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
        elif command == "retry":
            if not args.item and not args.dead:
                print("kiosk: queue retry needs an item id or --dead")
                return 2
            print(f"{outbox.retry(args.item, args.dead)} item(s) back in line")
        elif command == "export":
            print(f"{outbox.export(args.dir)} item(s) exported to {args.dir} (still encrypted)")
        elif command == "import":
            imported, problems = outbox.import_(args.dir)
            print(f"{imported} item(s) imported from {args.dir}")
            for problem in problems:
                print(f"  not imported: {problem}")
            return 1 if problems else 0
        elif command == "purge-delivered":
            n = outbox.purge_delivered(args.older_than_s, config.queue.keep_metadata_days)
            print(f"{n} delivered payload(s) deleted at {time.strftime('%H:%M:%S')}")
        return 0
    finally:
        outbox.close()
