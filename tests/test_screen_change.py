"""A kiosk started while its monitor was off comes up on the X server's fallback mode (1024 x 768); when the monitor
comes on at 1920 x 1080 the terminal's window fills it. Before, it stayed 1024 x 768 in the screen's corner: on a
terminal's bare X session nothing but the window itself resizes it. The X server is Xorg with its dummy driver,
whose mode xrandr switches as a monitor coming on; the window's place is read back from it by xwininfo."""

from __future__ import annotations

import re
import subprocess

from tests.xvfb_rig import run_terminal, xorg_dummy


def _kiosk_window(display: str) -> str | None:
    out = subprocess.run(["xwininfo", "-root", "-children", "-display", display], capture_output=True, text=True,
                         timeout=10).stdout
    found = [m.group(2) for m in re.finditer(r'"([^"]+)": \([^)]*\)\s+(\d+x\d+\+-?\d+\+-?\d+)', out)
             if "OneTrip" in m.group(1) or "Government" in m.group(1) or "政务" in m.group(1)]
    return found[0] if found else None


def test_the_window_fills_the_screen_again_when_the_monitor_comes_on_at_another_size(tmp_path, sandbox):
    with xorg_dummy(tmp_path) as display:
        seen: list[str] = []

        def until() -> bool:
            where = _kiosk_window(display)
            if where and (not seen or seen[-1] != where):
                seen.append(where)
            if seen == ["1024x768+0+0"]:  # up on the fallback mode: the monitor comes on
                subprocess.run(["xrandr", "--display", display, "--output", "DUMMY0", "--mode", "1920x1080"],
                               check=True, capture_output=True, timeout=10)
                seen.append("switched")
            return bool(seen) and seen[-1] == "1920x1080+0+0"

        run_terminal(display, f'[terminal]\nid = "KIOSK-MONITOR"\nlanguage = "en"\n[backend]\nurl = "{sandbox.url}"\n'
                              'retries = 0\n', tmp_path, until)
        assert seen[:2] == ["1024x768+0+0", "switched"] and seen[-1] == "1920x1080+0+0", seen
        log = (tmp_path / "data" / "logs" / "kiosk.log").read_text()
        assert "display: full screen at 1024x768" in log and "display: full screen at 1920x1080" in log
        assert "is below" not in log  # a kiosk holds 1024 x 768, laid out narrow (tests/test_legibility.py)
