"""From a full-resolution frame and the page's corners to a finished page: flattened at the
camera's own resolution (at most ``max_dpi``), turned upright, enhanced, marked, JPEG in budget."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import cv2
import numpy as np

from devices.doccam.base import CapturedPage
from devices.doccam.enhance import enhance, upright
from devices.doccam.geometry import A4_MM, MM_PER_INCH, page_size_px, warp_page
from devices.doccam.marking import VERIFICATION_TEXT, mark_page
from devices.doccam.output import PAGE_BUDGET, encode_jpeg
from devices.doccam.quality import assess


@dataclass(frozen=True)
class CaptureSettings:
    mode: str = "colour"                 # colour | grey | text
    max_dpi: float = 300.0
    page_budget: int = PAGE_BUDGET       # bytes of JPEG per page
    turn_upright: bool = True
    page_mm: tuple[float, float] = A4_MM  # the paper's size, for the effective dpi
    mark: bool = False                   # the clerk's verification mark
    mark_text: str = VERIFICATION_TEXT
    terminal_id: str = ""


def flatten(frame: np.ndarray, quad: np.ndarray, page_mm: tuple[float, float] = A4_MM,
            max_dpi: float = 300.0) -> tuple[np.ndarray, float]:
    """The page flattened to its paper's proportions at the resolution the camera saw it with
    (never more than ``max_dpi``); and that effective dpi."""
    short_mm, long_mm = sorted(page_mm)
    w, h = page_size_px(quad, aspect=long_mm / short_mm)
    dpi = max(w, h) / (long_mm / MM_PER_INCH)
    if dpi > max_dpi:
        k = max_dpi / dpi
        w, h, dpi = max(1, round(w * k)), max(1, round(h * k)), max_dpi
    return warp_page(frame, quad, (w, h)), dpi


def finish_page(frame: np.ndarray, quad: np.ndarray, settings: CaptureSettings = CaptureSettings(),
                when: dt.datetime | None = None) -> CapturedPage:
    """The captured page for ``frame`` with the page at ``quad`` (full-resolution pixels)."""
    quality = assess(frame, quad)
    page, dpi = flatten(frame, quad, settings.page_mm, settings.max_dpi)
    turned = 0
    if settings.turn_upright:
        page, turned = upright(page)
    out = enhance(page, settings.mode)
    if settings.mark:
        out = mark_page(out, dpi, terminal_id=settings.terminal_id, when=when or dt.datetime.now(),
                        text=settings.mark_text)
    jpeg, _ = encode_jpeg(out, settings.page_budget)
    h, w = _jpeg_size(jpeg, out)
    page.fill(0)
    out.fill(0)
    return CapturedPage(jpeg, w, h, dpi * w / out.shape[1], settings.mode, quality.sharpness, quality.glare,
                        turned, settings.mark, quality.advice)


def whole_frame(frame: np.ndarray, budget: int = PAGE_BUDGET) -> CapturedPage:
    """No page found: the frame as it is, so the user still sees what the camera saw."""
    jpeg, _ = encode_jpeg(frame, budget)
    h, w = _jpeg_size(jpeg, frame)
    return CapturedPage(jpeg, w, h)


def _jpeg_size(jpeg: bytearray, fallback: np.ndarray) -> tuple[int, int]:
    """Height and width of the encoded JPEG (the budget may have shrunk it)."""
    data = bytes(jpeg)
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            break
        marker, seglen = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            return int.from_bytes(data[i + 5:i + 7], "big"), int.from_bytes(data[i + 7:i + 9], "big")
        i += 2 + seglen
    return fallback.shape[0], fallback.shape[1]
