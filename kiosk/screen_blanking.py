"""Whether the X server blanks the terminal's screen after a while without input, and turning that off.

An X server blanks its screen after 600 s without a key or pointer event (its screen saver) and, where the server has
DPMS and it is enabled, turns the monitor off: a kiosk waiting for its next citizen then looks switched off, and few
touch a black screen to see; a window's screen facing the applicant goes dark between applicants. ``kiosk run`` turns
both off once its window is up on X11 (``terminal.screen_blanking = "off"``, the default; ``"system"`` leaves the X
server as the hall set it), and ``kiosk doctor`` says what the server does.

The settings are the X server's and last while it has a client: a server whose last client leaves resets them, so
they are set with the terminal's own window open (its connection is the client that keeps them). Read and set with
``xset`` (x11-xserver-utils), each call within a timeout, off the GUI thread."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass

XSET_S = 10.0  # each xset call


@dataclass(frozen=True)
class Blanking:
    saver_s: int        # the screen saver's timeout; 0: it never starts
    dpms: bool | None   # DPMS enabled (the monitor turned off after its own timeouts); None: the server has no DPMS

    @property
    def blanks(self) -> bool:
        return self.saver_s > 0 or bool(self.dpms)

    def said(self) -> str:
        """For staff and the log."""
        saver = f"blanks after {self.saver_s} s without a touch" if self.saver_s else "never blanks"
        dpms = {None: "no DPMS", True: "DPMS turns the monitor off", False: "DPMS off"}[self.dpms]
        return f"the screen {saver}; {dpms}"


def parse(xset_q: str) -> Blanking | None:
    """``xset q``'s screen saver timeout and DPMS state (as xset.c prints them); None when it says neither."""
    saver = re.search(r"^Screen Saver:\s*\n(?:.*\n)*?\s*timeout:\s+(\d+)\s", xset_q, re.MULTILINE)
    if saver is None:
        return None
    dpms: bool | None = None
    if re.search(r"^\s*DPMS is Enabled\s*$", xset_q, re.MULTILINE):
        dpms = True
    elif re.search(r"^\s*DPMS is Disabled\s*$", xset_q, re.MULTILINE):
        dpms = False
    return Blanking(int(saver.group(1)), dpms)


def _xset(display: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["xset", "-display", display, *args], capture_output=True, text=True, timeout=XSET_S)


def read(display: str) -> Blanking | None:
    """What the X server at ``display`` does now; None when xset cannot say (not installed, no server)."""
    try:
        done = _xset(display, "q")
    except (OSError, subprocess.TimeoutExpired):
        return None
    return parse(done.stdout) if done.returncode == 0 else None


def keep_on(display: str) -> tuple[Blanking | None, Blanking | None]:
    """The screen saver and its blanking turned off, and DPMS where the server has it; (before, after)."""
    before = read(display)
    if before is None:
        return None, None
    try:
        _xset(display, "s", "off")
        _xset(display, "s", "noblank")
        if before.dpms is not None:
            _xset(display, "-dpms")
    except (OSError, subprocess.TimeoutExpired):
        pass  # what the server does is read again below, whatever xset managed
    return before, read(display)
