"""The screen as the citizen sees it: its pixels and its real size, so that type is set in points.

The elderly rules (MIIT 2021 适老化 general design rules; GB/T 37668-2019) and WCAG give type in
points at the screen's real size: 1 pt is 1/72 inch, so a point is ``dpi / 72`` pixels, and the
same 18 pt is 24 px on a 15.4-inch 1280x800 panel but 17 px on a 32-inch 1080x1920 one (larger
pixels, seen from further away). Touch targets are given in pixels (44 x 44 standard, 60 x 60 in
elderly mode) and are floors on top of that.

The target screens of the halls' 政务一体机 terminals (the sizes sold for them):

| screen | pixels | diagonal | dpi | px per pt | 18 pt | 30 pt |
| --- | --- | --- | --- | --- | --- | --- |
| desk-top kiosk, landscape | 1920 x 1080 | 23.8 in | 92.6 | 1.29 | 23 px | 39 px |
| floor-standing kiosk, portrait | 1080 x 1920 | 32 in | 68.8 | 0.96 | 17 px | 29 px |
| small panel (still usable) | 1280 x 800 | 15.4 in | 98.0 | 1.36 | 24 px | 41 px |

A terminal's real size comes from its configuration (``display.diagonal_in``), else from what the
screen reports of itself (EDID, through Qt), else the small panel is assumed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

POINTS_PER_INCH = 72.0


@dataclass(frozen=True)
class Display:
    width_px: int
    height_px: int
    diagonal_in: float
    name: str = ""

    @property
    def dpi(self) -> float:
        return math.hypot(self.width_px, self.height_px) / self.diagonal_in

    @property
    def px_per_pt(self) -> float:
        return self.dpi / POINTS_PER_INCH

    def px(self, pt: float) -> int:
        """Pixels for ``pt`` points at this screen's real size (rounded; text is never rounded below it)."""
        return max(1, math.ceil(pt * self.px_per_pt - 0.25))

    def pt(self, px: float) -> float:
        return px / self.px_per_pt

    @property
    def portrait(self) -> bool:
        return self.height_px > self.width_px


# the screen the layouts are drawn for at their fullest: a landscape screen narrower or shorter than it is laid out
# narrow (ui/theme.py ``narrow``: keys to the width, a shorter header, buttons with less air), and the applicant's
# screen at a window compact (ui/customer_screen.py ``fit``)
DESIGN_WIDTH, DESIGN_HEIGHT = 1280, 768
# the least landscape screens every kiosk journey has been walked on in both text sizes without the window growing
# past it (tests/test_legibility.py): 1366 x 768 and 1280 x 800 hold; an old 4:3 kiosk's 1024 x 768 and a 720p
# panel's 1280 x 720 hold laid out narrow (before it, large text grew them to 1,172 px: the touch keyboard's keys,
# the rating's five levels in a row; and to 764 px: the keyboard's screens, the capture screen)
KIOSK_LEAST = ((1024, 768), (1280, 720))
# the window's and maintenance's least: the design's (at 1024 x 768 the clerk's desk grew to 1,111 px, kiosk bench
# window-monkey --screen 1024x768)
STAFF_LEAST = (DESIGN_WIDTH, DESIGN_HEIGHT)

# the applicant's screen at a window (ui/customer_screen.py) is laid out compact below the design: down to a 7-inch
# evaluation pad's 1024 x 600 every state holds in both languages (tests/test_customer_screen_compact.py, kiosk bench
# window-monkey on such a screen); below it the signature pad and the evaluation grow past it
APPLICANT_LEAST = (1024, 600)


def below_design(width_px: int, height_px: int) -> bool:
    """Narrower or shorter than ``DESIGN_WIDTH`` x ``DESIGN_HEIGHT``."""
    return width_px < DESIGN_WIDTH or height_px < DESIGN_HEIGHT


def below_applicant_least(width_px: int, height_px: int) -> tuple[int, int] | None:
    """``APPLICANT_LEAST`` when the applicant's screen ``width_px`` x ``height_px`` is below it, else None."""
    return APPLICANT_LEAST if width_px < APPLICANT_LEAST[0] or height_px < APPLICANT_LEAST[1] else None


LANDSCAPE = Display(1920, 1080, 23.8, "1920x1080")
PORTRAIT = Display(1080, 1920, 32.0, "1080x1920")
SMALL = Display(1280, 800, 15.4, "1280x800")
TARGETS = (LANDSCAPE, PORTRAIT, SMALL)
# an old hall's 15-inch 4:3 kiosk, laid out narrow (ui/theme.py ``narrow``): not sold now, so not a target, but drawn
# with them by make demo (sizes/) and walked by tests/test_legibility.py
OLD_4_3 = Display(1024, 768, 15.0, "1024x768")
DRAWN = (*TARGETS, OLD_4_3)


def below_least(width_px: int, height_px: int, mode: str = "kiosk") -> tuple[int, int] | None:
    """The least screen of this orientation and ``mode`` that ``width_px`` x ``height_px`` falls short of (the
    nearest, when a kiosk's screen fits none of ``KIOSK_LEAST``), else None: ``STAFF_LEAST`` for the window and
    maintenance; portrait the portrait target the journeys were walked on, no smaller one."""
    if height_px > width_px:
        leasts: tuple[tuple[int, int], ...] = ((PORTRAIT.width_px, PORTRAIT.height_px),)
    else:
        leasts = KIOSK_LEAST if mode == "kiosk" else (STAFF_LEAST,)
    if any(width_px >= w and height_px >= h for w, h in leasts):
        return None
    return min(leasts, key=lambda least: max(0, least[0] - width_px) + max(0, least[1] - height_px))


def display_for(width_px: int, height_px: int, diagonal_in: float = 0.0, reported_dpi: float = 0.0) -> Display:
    """The display a terminal runs on: its configured diagonal, else the dpi the screen reports (when it is
    believable), else the target screen of that size, else the small panel's density."""
    width_px, height_px = max(1, int(width_px)), max(1, int(height_px))
    if math.isfinite(diagonal_in) and 5.0 <= diagonal_in <= 120.0:
        return Display(width_px, height_px, diagonal_in, f"{width_px}x{height_px}")
    target = next((t for t in TARGETS if (t.width_px, t.height_px) == (width_px, height_px)), None)
    if target is not None:
        return target
    diagonal_px = math.hypot(width_px, height_px)
    dpi = reported_dpi if math.isfinite(reported_dpi) and 40.0 <= reported_dpi <= 400.0 else SMALL.dpi
    return Display(width_px, height_px, diagonal_px / dpi, f"{width_px}x{height_px}")
