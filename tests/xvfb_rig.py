"""A real X server for tests that need one (Xvfb, or Xorg with its dummy driver where the screen's mode must
change), and ``kiosk run`` on it as a hall starts it."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from entry.bench.backend import stop_sandbox as stop_process  # asked to end, killed after the grace


@contextmanager
def _x_server(command: list[str], name: str, within_s: float, log: Path | None = None) -> Iterator[str]:
    """The X server ``command`` started with ``-displayfd``: the display it chose (":N") while the block runs."""
    read, write = os.pipe()
    server = subprocess.Popen([command[0], "-displayfd", str(write), *command[1:]], pass_fds=(write,),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    try:
        ready, _, _ = select.select([read], [], [], within_s)
        said = log.read_text(errors="replace")[-2000:] if log is not None and log.exists() else ""
        assert ready, f"{name} did not start within {within_s:.0f} s {said}"
        number = os.read(read, 32).decode().strip()
        assert number.isdigit(), number
        yield f":{number}"
    finally:
        os.close(read)
        stop_process(server, 10)


@contextmanager
def xvfb(*args: str, reset: bool = False) -> Iterator[str]:
    """An Xvfb with these screen arguments, on a display number it chose itself. ``reset``: the server resets when
    its last client leaves, as a hall's X server does by default (its settings back to the defaults); without it
    (-noreset) what xrandr or xset set stays for the next client."""
    with _x_server(["Xvfb", *([] if reset else ["-noreset"]), *args, "-nolisten", "tcp"], "Xvfb", 20) as display:
        yield display


DUMMY_CONF = """Section "Device"
    Identifier "dummy"
    Driver "dummy"
    VideoRam 65536
EndSection
Section "Monitor"
    Identifier "monitor"
    HorizSync 5.0 - 1000.0
    VertRefresh 5.0 - 200.0
    Modeline "1920x1080" 148.50 1920 2008 2052 2200 1080 1084 1089 1125 +hsync +vsync
    Modeline "1024x768" 65.00 1024 1048 1184 1344 768 771 777 806 -hsync -vsync
EndSection
Section "Screen"
    Identifier "screen"
    Device "dummy"
    Monitor "monitor"
    DefaultDepth 24
    SubSection "Display"
        Depth 24
        Modes "1024x768" "1920x1080"
        Virtual 1920 1080
    EndSubSection
EndSection
"""


@contextmanager
def xorg_dummy(folder: Path) -> Iterator[str]:
    """Xorg with its dummy video driver, its one output ``DUMMY0`` at 1024 x 768 (the mode an X server falls back
    to with no monitor to ask), switchable to 1920 x 1080 by ``xrandr --output DUMMY0 --mode 1920x1080`` as a monitor
    coming on; on a display number it chose itself. Xvfb cannot change its screen's size."""
    conf, log = folder / "xorg-dummy.conf", folder / "xorg.log"
    conf.write_text(DUMMY_CONF)
    with _x_server(["Xorg", "-config", str(conf), "-noreset", "-nolisten", "tcp", "-logfile", str(log)], "Xorg", 30,
                   log) as display:
        yield display


def run_terminal(display: str, site: str, tmp_path: Path, until: Callable[[], bool], within_s: float = 60) -> None:
    """``kiosk run`` with the site file ``site`` (its data directory under ``tmp_path``) on ``display`` through Qt's
    X11 platform, until ``until()`` holds or ``within_s`` pass; then asked to stop."""
    config = tmp_path / "site.toml"
    config.write_text(site + f'\n[paths]\ndata_dir = "{tmp_path / "data"}"\n[logging]\nconsole = false\n')
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
    log = (tmp_path / "run.log").open("w")
    app = subprocess.Popen([sys.executable, "-m", "entry", "run", "--config", str(config)], env=env,
                           stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + within_s
        while not until() and time.monotonic() < deadline:
            assert app.poll() is None, (tmp_path / "run.log").read_text()[-2000:]
            time.sleep(0.25)
    finally:
        stop_process(app, 20)
        log.close()
