"""A real X server for tests that need one (Xvfb), and ``kiosk run`` on it as a hall starts it."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def xvfb(*args: str, reset: bool = False) -> Iterator[str]:
    """An Xvfb with these screen arguments, on a display number it chose itself. ``reset``: the server resets when
    its last client leaves, as a hall's X server does by default (its settings back to the defaults); without it
    (-noreset) what xrandr or xset set stays for the next client."""
    read, write = os.pipe()
    xvfb_ = subprocess.Popen(["Xvfb", "-displayfd", str(write), *([] if reset else ["-noreset"]), *args,
                              "-nolisten", "tcp"], pass_fds=(write,), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    os.close(write)
    try:
        ready, _, _ = select.select([read], [], [], 20)
        assert ready, "Xvfb did not start within 20 s"
        number = os.read(read, 32).decode().strip()
        assert number.isdigit(), number
        yield f":{number}"
    finally:
        os.close(read)
        xvfb_.terminate()
        xvfb_.wait(10)


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
        app.terminate()
        try:
            app.wait(20)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait(10)
        log.close()
