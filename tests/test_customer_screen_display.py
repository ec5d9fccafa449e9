"""The window terminal with the applicant's screen on a real second display: ``kiosk run --mode window`` under an
Xvfb with two screens, read back from the X server by xwininfo.

Two X screens (a display of their own per monitor, ``:N.0`` and ``:N.1``) both start at (0, 0): the customer
screen placed by its geometry alone went full screen over the clerk's. No window manager runs, as on a terminal's
bare X session, so the full-screen state alone does not size a window either."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time

import pytest

CLERK, APPLICANT = "Integrated window", "for the applicant"  # the windows' titles in English


@pytest.fixture
def two_screens():
    """An Xvfb with a 1280 x 800 screen and a 1920 x 1080 one, on a display number it chose itself."""
    read, write = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24",
                             "-screen", "1", "1920x1080x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    try:
        ready, _, _ = select.select([read], [], [], 20)
        assert ready, "Xvfb did not start within 20 s"
        number = os.read(read, 32).decode().strip()
        assert number.isdigit(), number
        yield f":{number}"
    finally:
        os.close(read)
        xvfb.terminate()
        xvfb.wait(10)


def _windows(display: str, screen: int) -> dict[str, str]:
    """The named top-level windows of one X screen: title -> 'WxH+X+Y'."""
    out = subprocess.run(["xwininfo", "-root", "-children", "-display", f"{display}.{screen}"], capture_output=True,
                         text=True, timeout=10).stdout
    return {m.group(1): m.group(2) for m in re.finditer(r'"([^"]+)": \([^)]*\)\s+(\d+x\d+\+-?\d+\+-?\d+)', out)}


def _titled(windows: dict[str, str], part: str) -> list[str]:
    return [geometry for title, geometry in windows.items() if part in title]


def test_the_applicants_screen_fills_the_second_display_and_the_clerks_the_first(two_screens, sandbox, tmp_path):
    site = tmp_path / "site.toml"
    site.write_text(f"""
[terminal]
id = "WINDOW-TWO-SCREENS"
mode = "window"
customer_screen = "on"
language = "en"
[backend]
url = "{sandbox.url}"
retries = 0
[paths]
data_dir = "{tmp_path / 'data'}"
[logging]
console = false
""")
    env = dict(os.environ, DISPLAY=two_screens, QT_QPA_PLATFORM="xcb")
    log = (tmp_path / "run.log").open("w")
    app = subprocess.Popen([sys.executable, "-m", "entry", "run", "--config", str(site)], env=env,
                           stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            first, second = _windows(two_screens, 0), _windows(two_screens, 1)
            if _titled(first, CLERK) and _titled(second, APPLICANT) or time.monotonic() > deadline:
                break
            assert app.poll() is None, (tmp_path / "run.log").read_text()[-2000:]
            time.sleep(0.25)
        assert _titled(first, CLERK) == ["1280x800+0+0"], first  # the clerk's window fills the first display
        assert _titled(second, APPLICANT) == ["1920x1080+0+0"], second  # the applicant's the second
        assert not _titled(first, APPLICANT) and not _titled(second, CLERK), (first, second)
    finally:
        app.terminate()
        try:
            app.wait(20)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait(10)
        log.close()
