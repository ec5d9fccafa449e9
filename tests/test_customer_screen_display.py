"""The window terminal with the applicant's screen on a real second monitor: ``kiosk run --mode window`` under an
Xvfb, read back from the X server by xwininfo, in the two ways X drives two monitors.

- Two X screens (a display of their own per monitor, ``:N.0`` and ``:N.1``) both start at (0, 0): the customer
  screen placed by its geometry alone went full screen over the clerk's.
- One X screen spanning both monitors, each a RandR monitor (how a terminal's two HDMI outputs on one graphics card
  usually come up): Qt sees two screens of one virtual desktop, the second at an offset.

No window manager runs, as on a terminal's bare X session, so the full-screen state alone does not size a window
either."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.xvfb_rig import run_terminal, xvfb

CLERK, APPLICANT = "Integrated window", "for the applicant"  # the windows' titles in English


@pytest.fixture
def two_screens():
    """Two X screens: a 1280 x 800 one and a 1920 x 1080 one."""
    with xvfb("-screen", "0", "1280x800x24", "-screen", "1", "1920x1080x24") as display:
        yield display


@pytest.fixture
def two_monitors():
    """One 3200 x 1080 X screen as two RandR monitors side by side: 1280 x 800 on the left (the clerk's, on the
    server's one output, so primary) and 1920 x 1080 on the right."""
    with xvfb("-screen", "0", "3200x1080x24") as display:
        for name, geometry, output in (("LEFT", "1280/338x800/211+0+0", "screen"),
                                       ("RIGHT", "1920/508x1080/286+1280+0", "none")):
            subprocess.run(["xrandr", "--display", display, "--setmonitor", name, geometry, output], check=True,
                           capture_output=True, timeout=10)
        listed = subprocess.run(["xrandr", "--display", display, "--listmonitors"], check=True, capture_output=True,
                                text=True, timeout=10).stdout
        assert "Monitors: 2" in listed, listed
        yield display


def _windows(display: str, screen: int) -> dict[str, str]:
    """The named top-level windows of one X screen that are shown (mapped): title -> 'WxH+X+Y'."""
    out = subprocess.run(["xwininfo", "-root", "-children", "-display", f"{display}.{screen}"], capture_output=True,
                         text=True, timeout=10).stdout
    shown = {}
    for m in re.finditer(r'(0x[0-9a-f]+) "([^"]+)": \([^)]*\)\s+(\d+x\d+\+-?\d+\+-?\d+)', out):
        state = subprocess.run(["xwininfo", "-id", m.group(1), "-display", f"{display}.{screen}"],
                               capture_output=True, text=True, timeout=10).stdout
        if "Map State: IsViewable" in state:
            shown[m.group(2)] = m.group(3)
    return shown


def _titled(windows: dict[str, str], part: str) -> list[str]:
    return [geometry for title, geometry in windows.items() if part in title]


def _run_window_terminal(display: str, sandbox, tmp_path, placed) -> None:
    """``kiosk run`` in window mode with the customer screen on, until ``placed()`` holds (or 60 s pass)."""
    run_terminal(display, f"""
[terminal]
id = "WINDOW-2-SCREENS"
mode = "window"
customer_screen = "on"
language = "en"
[backend]
url = "{sandbox.url}"
retries = 0
""", tmp_path, placed)


def test_the_applicants_screen_fills_the_second_display_and_the_clerks_the_first(two_screens, sandbox, tmp_path):
    seen = {}

    def placed() -> bool:
        seen["first"], seen["second"] = _windows(two_screens, 0), _windows(two_screens, 1)
        return bool(_titled(seen["first"], CLERK) and _titled(seen["second"], APPLICANT))

    _run_window_terminal(two_screens, sandbox, tmp_path, placed)
    first, second = seen["first"], seen["second"]
    assert _titled(first, CLERK) == ["1280x800+0+0"], first  # the clerk's window fills the first display
    assert _titled(second, APPLICANT) == ["1920x1080+0+0"], second  # the applicant's the second
    assert not _titled(first, APPLICANT) and not _titled(second, CLERK), (first, second)


def test_the_applicants_screen_fills_the_second_randr_monitor_of_one_display(two_monitors, sandbox, tmp_path):
    seen = {}

    def placed() -> bool:
        seen["windows"] = _windows(two_monitors, 0)
        return bool(_titled(seen["windows"], CLERK) and _titled(seen["windows"], APPLICANT))

    _run_window_terminal(two_monitors, sandbox, tmp_path, placed)
    windows = seen["windows"]
    assert _titled(windows, CLERK) == ["1280x800+0+0"], windows  # the clerk's window fills the left monitor
    assert _titled(windows, APPLICANT) == ["1920x1080+1280+0"], windows  # the applicant's the right one, not over it


def test_the_applicants_screen_follows_its_monitor_switched_on_after_the_terminal_and_unplugged(sandbox, tmp_path):
    """The applicant's monitor is often switched on after the terminal: the applicant's screen came up as a window
    of its own over the clerk's desk and stayed there. Unplugged, Qt moved it, still full screen, onto the clerk's
    monitor at the gone monitor's size. Now it follows: hidden while there is no monitor for it (the desk told at
    once at start, and after the grace once it went), full screen on the monitor when it comes, at the size it is
    set to. The monitors come and go as RandR monitors of one X screen."""
    def monitor(display: str, *args: str) -> None:
        subprocess.run(["xrandr", "--display", display, *args], check=True, capture_output=True, timeout=10)

    log = tmp_path / "data" / "logs" / "kiosk.log"

    def told_gone() -> int:
        return log.read_text().count("the applicant's screen is not connected") if log.exists() else 0

    with xvfb("-screen", "0", "3200x1080x24") as display:
        monitor(display, "--setmonitor", "LEFT", "1280/338x800/211+0+0", "screen")  # the clerk's, alone at first
        # where the applicant's window is shown (None: nowhere), how often the desk was told the monitor is gone,
        # and what happens to the monitors then
        steps = [(None, 1, ("--setmonitor", "RIGHT", "1920/508x1080/286+1280+0", "none")),  # switched on
                 ("1920x1080+1280+0", 1, ("--delmonitor", "RIGHT")),  # unplugged
                 (None, 2, ("--setmonitor", "RIGHT", "1024/154x600/86+1280+0", "none")),  # a 7-inch pad's
                 ("1024x600+1280+0", 2, None)]
        seen: list[str | None] = []

        def placed() -> bool:
            windows = _windows(display, 0)
            if _titled(windows, CLERK) != ["1280x800+0+0"]:
                return False
            where = (_titled(windows, APPLICANT) or [None])[0]
            if not seen or seen[-1] != where:
                seen.append(where)
            expected, gone, then = steps[0]
            if where != expected or told_gone() != gone:
                return False
            steps.pop(0)
            if then is None:
                return True
            monitor(display, *then)
            return False

        _run_window_terminal(display, sandbox, tmp_path, placed)
        assert seen == [None, "1920x1080+1280+0", None, "1024x600+1280+0"], seen
        said = log.read_text()
        assert "customer screen: full screen on RIGHT at 1920x1080" in said
        assert "customer screen: no second monitor; hidden" in said
        assert said.count("the applicant's screen is connected again") == 2, said
        assert "customer screen: 1024x600 is below 1280x768: laid out compact" in said  # a 7-inch evaluation pad
        assert "customer screen: 1920x1080 is below" not in said
