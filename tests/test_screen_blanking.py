"""The X server does not blank a terminal's screen between citizens (kiosk/screen_blanking.py): ``kiosk run`` on a
real X server (Xvfb, resetting when its last client leaves as a hall's does) turns its screen saver off; ``xset q``
read as xset.c prints it; kiosk doctor's line."""

import pytest

from entry.doctor import Findings, check_screen_blanking
from kiosk import screen_blanking
from kiosk.config import load_config
from kiosk.screen_blanking import Blanking, parse
from tests.xvfb_rig import run_terminal, xvfb

XVFB_Q = """Keyboard Control:
  auto repeat:  on    key click percent:  0    LED mask:  00000000
  bell percent:  50    bell pitch:  400    bell duration:  100
Pointer Control:
  acceleration:  2/1    threshold:  4
Screen Saver:
  prefer blanking:  yes    allow exposures:  yes
  timeout:  600    cycle:  600
Colors:
  default colormap:  0x20    BlackPixel:  0x0    WhitePixel:  0xffffff
Font Path:
  /usr/share/fonts/X11/Type1,built-ins
DPMS (Energy Star):
  Server does not have the DPMS Extension
"""
XORG_Q = """Screen Saver:
  prefer blanking:  no    allow exposures:  yes
  timeout:  0    cycle:  600
Colors:
  default colormap:  0x22    BlackPixel:  0x0    WhitePixel:  0xffffff
DPMS (Energy Star):
  Standby: 600    Suspend: 600    Off: 600
  DPMS is Enabled
  Monitor is On
"""


def test_xset_q_is_read_as_xset_prints_it():
    assert parse(XVFB_Q) == Blanking(600, None)
    assert parse(XVFB_Q).blanks
    assert parse(XORG_Q) == Blanking(0, True) and parse(XORG_Q).blanks  # the saver off, DPMS still on
    disabled = parse(XORG_Q.replace("DPMS is Enabled", "DPMS is Disabled"))
    assert disabled == Blanking(0, False) and not disabled.blanks
    assert disabled.said() == "the screen never blanks; DPMS off"
    assert parse("") is None and parse("Screen Saver:\n  prefer blanking: yes\n") is None


def test_kiosk_run_turns_the_x_servers_screen_saver_off(tmp_path, sandbox):
    with xvfb("-screen", "0", "1280x800x24", reset=True) as display:
        assert screen_blanking.read(display) == Blanking(600, None)  # X's default
        seen: list[Blanking | None] = []

        log = tmp_path / "data" / "logs" / "kiosk.log"

        def kept_on() -> bool:
            seen.append(screen_blanking.read(display))  # while the terminal runs: it keeps the server's settings
            # and its log says so: the line is written on the GUI thread after xset is done, and a terminal stopped
            # between the two (CI under load, 0e3cada) had turned blanking off without saying it yet
            said = log.exists() and "screen: blanking turned off" in log.read_text()
            return seen[-1] is not None and not seen[-1].blanks and said

        run_terminal(display, f'[terminal]\nmode = "kiosk"\n[backend]\nurl = "{sandbox.url}"\nretries = 0\n',
                     tmp_path, kept_on)
        assert seen[-1] == Blanking(0, None), (seen[-3:], (tmp_path / "run.log").read_text()[-2000:])
        assert "screen: blanking turned off (was: the screen blanks after 600 s without a touch; no DPMS)" in \
            log.read_text()


@pytest.mark.parametrize("setting, display, level, said", [
    ("off", "", "OK", "not asked: no X display in this shell (DISPLAY unset); kiosk run turns it off on X11"),
    ("system", "", "WARN", "not asked: no X display in this shell (DISPLAY unset); terminal.screen_blanking = "
                           "system leaves the X server's own, which blanks after 600 s unless the hall set otherwise"),
])
def test_kiosk_doctor_says_what_it_cannot_ask(tmp_path, setting, display, level, said):
    findings = Findings()
    config = load_config(environ={}, overrides={"terminal": {"screen_blanking": setting},
                                                "paths": {"data_dir": str(tmp_path)}})
    check_screen_blanking(config, findings, display=display)
    assert findings.lines == [f"{level:<4}  screen blanking: {said}"]


def test_kiosk_doctor_reads_the_x_server(tmp_path):
    config = load_config(environ={}, overrides={"terminal": {"screen_blanking": "system"},
                                                "paths": {"data_dir": str(tmp_path)}})
    with xvfb("-screen", "0", "640x480x24") as display:
        findings = Findings()
        check_screen_blanking(config, findings, display=display)
        assert findings.lines == ["WARN  screen blanking: the screen blanks after 600 s without a touch; no DPMS: "
                                  "terminal.screen_blanking = system leaves it so (off: the terminal turns it off; "
                                  "or xset s off -dpms in the session)"]
        screen_blanking.keep_on(display)  # -noreset: set for the next client, as the terminal's window keeps it
        findings = Findings()
        check_screen_blanking(config, findings, display=display)
        assert findings.lines == ["OK    screen blanking: the screen never blanks; no DPMS"]


TOO_SMALL = ("large text (elderly mode) grows the window past the screen, its buttons off it; set the monitor's mode "
             "higher (xrandr) or use a larger screen")


@pytest.mark.parametrize("screen, mode, level, said", [
    ("800x600x24", "kiosk", "WARN", f"800x600, below 1024x768: {TOO_SMALL}"),
    ("1024x768x24", "kiosk", "OK", "1024x768"),  # an old 4:3 kiosk's, laid out narrow
    ("1280x720x24", "kiosk", "OK", "1280x720"),  # a 720p panel's, laid out narrow
    ("1280x600x24", "kiosk", "WARN", f"1280x600, below 1280x720: {TOO_SMALL}"),
    ("1024x768x24", "window", "WARN", f"1024x768, below 1280x768: {TOO_SMALL}"),  # the clerk's desk is not
    ("1366x768x24", "window", "OK", "1366x768"),
    ("1080x1920x24", "kiosk", "OK", "1080x1920"),
])
def test_kiosk_doctor_reads_the_screen_s_size_from_the_x_server(screen, mode, level, said):
    """ui/display.py ``below_least``: below it large text does not fit (tests/test_legibility.py)."""
    from entry.doctor import check_screen_size

    with xvfb("-screen", "0", screen) as display:
        findings = Findings()
        check_screen_size(findings, display=display, mode=mode)
    assert findings.lines == [f"{level:<4}  screen size: {said}"]
    findings = Findings()
    check_screen_size(findings, display="")
    assert findings.lines == ["OK    screen size: not asked: no X display in this shell (DISPLAY unset)"]


def test_kiosk_doctor_finds_the_applicants_monitor_or_says_the_window_works_without_it():
    """A window with ``terminal.customer_screen = "on"``: its second monitor as RandR lists it, a second X screen, or
    none (ui/customer_screen.py then hides, and the window works without it)."""
    import subprocess

    from entry.doctor import check_applicant_screen

    def said(display: str) -> list[str]:
        findings = Findings()
        check_applicant_screen(findings, display=display)
        return findings.lines

    with xvfb("-screen", "0", "3200x1080x24") as display:
        assert said(display)[0].startswith("WARN  applicant's screen: no second monitor: the window works without")
        for name, geometry, output in (("LEFT", "1280/338x800/211+0+0", "screen"),
                                       ("RIGHT", "800/154x480/86+1280+0", "none")):  # a 5-inch pad
            subprocess.run(["xrandr", "--display", display, "--setmonitor", name, geometry, output], check=True,
                           capture_output=True, timeout=10)
        assert said(display) == ["WARN  applicant's screen: RIGHT 800x480, below 1024x600: its signature pad and "
                                 "evaluation do not fit; set its mode higher (xrandr) or use a larger monitor"]
        # a 7-inch evaluation pad holds the applicant's screen laid out compact (tests/test_customer_screen_compact.py)
        for geometry, shown in (("1024/154x600/86+1280+0", "1024x600"), ("1920/508x1080/286+1280+0", "1920x1080")):
            for args in (("--delmonitor", "RIGHT"), ("--setmonitor", "RIGHT", geometry, "none")):
                subprocess.run(["xrandr", "--display", display, *args], check=True, capture_output=True, timeout=10)
            assert said(display) == [f"OK    applicant's screen: RIGHT {shown}"]
    with xvfb("-screen", "0", "1280x800x24", "-screen", "1", "1280x800x24") as display:
        assert said(display) == ["OK    applicant's screen: X screen 1 1280x800"]
    assert said("") == ["OK    applicant's screen: not asked: no X display in this shell (DISPLAY unset)"]
