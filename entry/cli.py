"""The ``kiosk`` command. A user error prints one clear line and exits non-zero; never a traceback."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from kiosk import __version__
from kiosk.config import MODES, ConfigError, load_config

log = logging.getLogger("kiosk")

# What pyproject's sandbox extra brings: kiosk sandbox and kiosk demo need it, a terminal installs without it.
SANDBOX_MODULES = frozenset({"fastapi", "starlette", "pydantic", "uvicorn", "multipart", "python_multipart", "yaml"})


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="OneTrip service-hall terminal")
    parser.add_argument("--version", action="version", version=f"OneTrip {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="start the terminal")
    supervise = sub.add_parser("supervise", help="start the terminal and start it again whenever it freezes, "
                                                 "crashes or ends (what a hall runs)")
    for parser_ in (run, supervise):
        parser_.add_argument("--config", type=Path, help="site configuration file (TOML)")
        parser_.add_argument("--mode", choices=MODES, help="override terminal.mode")
        parser_.add_argument("--windowed", action="store_true", help="a window instead of full screen")

    demo = sub.add_parser("demo", help="the kiosk on simulated devices and the sandbox backend")
    demo.add_argument("--output", type=Path, default=Path("demo-output"), help="where screenshots go")
    demo.add_argument("--headless", action="store_true", help="scripted walkthrough even with a display")
    demo.add_argument("--one-size", action="store_true",
                      help="screenshots at 1280x800 only (by default each screen is also drawn at 1920x1080 and "
                           "1080x1920, in standard and large text, under OUTPUT/sizes)")
    demo.add_argument("--backend", metavar="URL",
                      help="a backend already running (e.g. kiosk sandbox --db FILE) instead of our own sandbox")

    sandbox = sub.add_parser("sandbox", help="run the sandbox backend")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8710)
    sandbox.add_argument("--db", type=Path, help="SQLite file (default: in memory)")
    sandbox.add_argument("--draft-keep-days", type=float, metavar="DAYS",
                         help="a saved application (draft) not saved again or submitted within DAYS is deleted with its "
                              "pages (default 30)")
    sandbox.add_argument("--window", action="append", default=[], metavar="TERMINAL_ID",
                         help="register a terminal as one of the hall's windows, which may say a clerk checked paper "
                              "at the counter (repeat for each; kept in --db)")

    bench = sub.add_parser("bench", help="benchmarks and soak runs (not part of the tests)")
    bench_sub = bench.add_subparsers(dest="bench_name", metavar="NAME")
    from entry.bench import BENCHMARKS, load

    for name, (_module, help_text) in BENCHMARKS.items():
        bench_parser = bench_sub.add_parser(name, help=help_text)
        bench_parser.set_defaults(bench_module=name)
        load(name).add_arguments(bench_parser)

    from entry.queue_cli import add_commands as add_queue_commands

    add_queue_commands(sub)

    from entry.audit_cli import add_commands as add_audit_commands

    add_audit_commands(sub)

    from entry.doctor import add_commands as add_doctor_commands

    add_doctor_commands(sub)

    config = sub.add_parser("config", help="configuration tools")
    config_sub = config.add_subparsers(dest="config_command", metavar="ACTION")
    check = config_sub.add_parser("check", help="validate a configuration file")
    check.add_argument("file", type=Path)
    config_sub.add_parser("hash-pin", help="hash a break-glass PIN for terminal.break_glass_pin_hash (the PIN is "
                                           "read from the terminal, or one line of stdin; never an argument)")
    return parser


def _setup_logging(config):
    from kiosk.logging_setup import configure_logging, log_dir
    from common.masking import Masker

    masker = Masker()
    configure_logging(log_dir(config.data_dir), masker, config.logging.level, config.logging.console)
    return masker


def _not_the_terminals_user(config) -> int:
    """2, said on stderr, when root starts the terminal on a data folder another account owns (the terminal's own,
    deploy/onetrip-terminal.service): its key, log and queue files would be 0600 and root's, unreadable to the
    terminal at its next start. 0 to go on: any other account may write only what the folder lets it, and a folder
    it may not write has the terminal out of order, saying so (ui/out_of_order.py)."""
    from entry.console_audit import not_the_terminals_user

    refused = not_the_terminals_user(config) if os.geteuid() == 0 else None
    if refused:
        print(refused, file=sys.stderr)
        return 2
    return 0


def _log_unhandled(exc_type, exc, tb) -> None:
    """A bug in a Qt slot is logged (masked) and the terminal keeps running; no traceback on screen."""
    log.error("unhandled error in the UI", exc_info=(exc_type, exc, tb))


def _log_unhandled_in_thread(args: threading.ExceptHookArgs) -> None:
    log.error("unhandled error in thread %s", getattr(args.thread, "name", "?"),
              exc_info=(args.exc_type, args.exc_value, args.exc_traceback))


def keep_running_on_errors() -> None:
    """Process-wide, so only an entry point calls it (tests keep pytest-qt's hook, which fails them)."""
    sys.excepthook = _log_unhandled
    threading.excepthook = _log_unhandled_in_thread


def _cmd_run(args) -> int:
    from kiosk.allocator import tune

    tuned = tune()  # before any thread starts (kiosk/allocator.py)
    overrides = {"terminal": {"mode": args.mode}} if args.mode else None
    config = load_config(args.config, overrides=overrides)
    refused = _not_the_terminals_user(config)
    if refused:
        return refused
    keep_running_on_errors()
    from kiosk.disk_check import unwritable

    problem = unwritable(config.data_dir)  # before the log file: a disk that takes no writes takes none of it
    if problem is not None:
        logging.basicConfig(level=logging.INFO, stream=sys.stderr, force=True,
                            format="%(asctime)s %(levelname)-7s kiosk run: %(message)s")
        log.error("out of order: the terminal cannot write to its disk (%s); looking again every %.0f s", problem,
                  config.supervisor.disk_look_s)
        from ui.out_of_order import run_out_of_order

        return run_out_of_order(config.data_dir, problem, config.supervisor.disk_look_s, fullscreen=not args.windowed)
    masker = _setup_logging(config)
    from kiosk.instance_lock import ANOTHER_TERMINAL, WAIT_S, AnotherTerminal, hold

    try:
        hold(config.data_dir)  # its descriptor stays open, and the lock held, for the process's life
    except AnotherTerminal as exc:
        log.error("%s (%s): this one ends, having waited %.0f s for it to end", exc, config.data_dir, WAIT_S)
        return ANOTHER_TERMINAL
    log.info("allocator: %s", ", ".join(f"{k}={v}" for k, v in tuned.items()) or "as the environment set it")
    from kiosk.liveness import LIVENESS_FD_ENV, dump_stacks_on_signal
    from kiosk.logging_setup import log_dir

    stacks = dump_stacks_on_signal(log_dir(config.data_dir))  # kept open for the process's life
    restarted = False
    if os.environ.get(LIVENESS_FD_ENV):
        from kiosk.restarts import RestartLog, just_restarted

        last = RestartLog(config.data_dir).recent()[-1:]
        log.info("running under kiosk supervise; the last restart: %s", last[0].line() if last else "none recorded")
        restarted = just_restarted(last, time.time())
    from ui.app import run_gui

    log.info("starting OneTrip %s as %s (terminal %s)", __version__, config.terminal.mode, config.terminal.id)
    try:
        return run_gui(config, config.terminal.mode, masker, fullscreen=not args.windowed, restarted=restarted)
    finally:
        if stacks is not None:
            stacks.close()


def _cmd_supervise(args) -> int:
    """``kiosk run`` with the same arguments as a child process, watched (kiosk/supervisor.py)."""
    overrides = {"terminal": {"mode": args.mode}} if args.mode else None
    config = load_config(args.config, overrides=overrides)
    refused = _not_the_terminals_user(config)
    if refused:
        return refused
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-7s kiosk supervise: %(message)s",
                        stream=sys.stderr, force=True)
    from kiosk.logging_setup import log_dir
    from kiosk.restarts import RestartLog
    from kiosk.supervisor import Supervisor

    argv = [sys.executable, "-m", "entry", "run"]
    if args.config is not None:
        argv += ["--config", str(args.config.resolve())]
    if args.mode:
        argv += ["--mode", args.mode]
    if args.windowed:
        argv.append("--windowed")
    supervisor = Supervisor(argv, config.supervisor, RestartLog(config.data_dir), log_dir(config.data_dir))
    supervisor.install_signal_handlers()
    log.info("supervising OneTrip %s as %s (freeze after %.0f s of silence)", __version__, config.terminal.mode,
             config.supervisor.freeze_s)
    return supervisor.run()


def _cmd_demo(args) -> int:
    if args.backend is not None:
        parts = urlsplit(args.backend)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            print(f"kiosk: --backend needs a URL such as http://127.0.0.1:8710, not {args.backend!r}", file=sys.stderr)
            return 2
    headless = args.headless or not os.environ.get("DISPLAY")
    if headless:
        if not os.environ.get("QT_QPA_PLATFORM"):
            from entry.offscreen import PLATFORM

            os.environ["QT_QPA_PLATFORM"] = PLATFORM  # the window's applicant screen on a second monitor
    from entry.demo import run_demo

    from kiosk.logging_setup import configure_logging
    from common.masking import Masker

    out = args.output.resolve()
    masker = Masker()
    configure_logging(out / "logs", masker, "INFO", console=False)
    return run_demo(out, headless, masker, args.backend, every_size=not args.one_size)


def _cmd_sandbox(args) -> int:
    import sqlite3

    from sandbox.server import SandboxServer

    if args.db is not None and not args.db.parent.is_dir():
        print(f"kiosk: sandbox: no folder {args.db.parent} for the database {args.db}", file=sys.stderr)
        return 2
    try:
        kept = {} if args.draft_keep_days is None else {"draft_keep_days": args.draft_keep_days}
        server = SandboxServer(args.host, args.port, args.db, windows=args.window, **kept)
    except sqlite3.Error as exc:
        print(f"kiosk: sandbox: cannot use {args.db} as its database ({exc})", file=sys.stderr)
        return 2
    except ValueError as exc:  # --draft-keep-days nan, 0 or past ten years
        print(f"kiosk: sandbox: {exc}", file=sys.stderr)
        return 2
    print(f"sandbox backend on {server.url} (Ctrl+C to stop)")
    server.serve_forever()
    return 0


def _cmd_config_check(args) -> int:
    config = load_config(args.file)
    print(f"{args.file}: OK (terminal {config.terminal.id}, mode {config.terminal.mode}, backend {config.backend.url})")
    return 0


def _cmd_config_hash_pin() -> int:
    """The PIN from the terminal (asked twice) or one line of stdin, never argv (other users see a process's
    arguments); the line printed goes into the site file's [terminal] section."""
    import getpass

    from kiosk.break_glass import hash_pin, pin_problem

    if sys.stdin.isatty():
        pin = getpass.getpass("Break-glass PIN: ")
        if getpass.getpass("The same PIN again: ") != pin:
            print("kiosk: the two PINs differ; nothing hashed", file=sys.stderr)
            return 2
    else:
        pin = sys.stdin.readline().rstrip("\r\n")
    problem = pin_problem(pin)
    if problem:
        print(f"kiosk: not a break-glass PIN: {problem}", file=sys.stderr)
        return 2
    print(f'break_glass_pin_hash = "{hash_pin(pin)}"')
    return 0


def main(argv: list[str] | None = None) -> int:
    if not logging.getLogger().handlers:
        logging.getLogger().addHandler(logging.NullHandler())  # no traceback on the console, ever
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            return _cmd_run(args)
        if args.command == "supervise":
            return _cmd_supervise(args)
        if args.command == "demo":
            return _cmd_demo(args)
        if args.command == "sandbox":
            return _cmd_sandbox(args)
        if args.command == "bench" and getattr(args, "bench_module", None):
            from entry.bench import load

            return load(args.bench_module).run(args)
        if args.command == "queue":
            from entry.queue_cli import run as run_queue

            return run_queue(args)
        if args.command == "audit":
            from entry.audit_cli import run as run_audit

            return run_audit(args)
        if args.command == "doctor":
            from entry.doctor import run as run_doctor

            return run_doctor(args)
        if args.command == "config" and args.config_command == "check":
            return _cmd_config_check(args)
        if args.command == "config" and args.config_command == "hash-pin":
            return _cmd_config_hash_pin()
        parser.print_help()
        return 2
    except ConfigError as exc:
        print(f"kiosk: configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # last resort: one line, the details in the log
        if isinstance(exc, ModuleNotFoundError) and (exc.name or "").partition(".")[0] in SANDBOX_MODULES:
            print(f"kiosk: {args.command} needs the sandbox packages ({exc.name} is not installed): "
                  "pip install -e '.[sandbox]'", file=sys.stderr)
            return 2
        log.exception("kiosk %s failed", args.command)
        print(f"kiosk: {args.command} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
