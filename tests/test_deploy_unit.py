"""deploy/onetrip-terminal.service: the command it starts is one the ``kiosk`` command takes, and systemd
gives the supervisor time to stop the terminal its own way before it kills what is left."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

from entry.cli import _parser
from kiosk.config import SupervisorConfig

UNIT = Path(__file__).resolve().parents[1] / "deploy" / "onetrip-terminal.service"


def _unit() -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read_string(UNIT.read_text(encoding="utf-8"))
    return unit


def test_the_unit_starts_kiosk_supervise_with_arguments_the_command_takes():
    argv = shlex.split(_unit()["Service"]["ExecStart"])
    assert Path(argv[0]).name == "kiosk"
    args = _parser().parse_args(argv[1:])
    assert args.command == "supervise" and args.config == Path("/etc/onetrip/kiosk.toml")


def test_systemd_stops_the_supervisor_first_and_waits_longer_than_its_own_stop():
    service = _unit()["Service"]
    assert service["KillMode"] == "mixed"  # SIGTERM to the supervisor alone: it stops the terminal
    assert float(service["TimeoutStopSec"]) > 2 * SupervisorConfig().stop_s
    assert service["Restart"] == "always"
