"""The clerk's verification mark on a copy of an original: the standard wording, terminal and time.

Halls mark a copy that a clerk has compared with the original (核对原件). The wording is the
hall's to configure; the default is the usual one.
"""

from __future__ import annotations

import datetime as dt
import functools

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

VERIFICATION_TEXT = "此件经与原件核对无误，仅供办理政务服务事项时使用"
MARK_COLOUR = (200, 30, 30)  # RGB: the red of a seal, legible on a grey print too


@functools.lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont:
    from common.fonts import cjk_font_path

    return ImageFont.truetype(str(cjk_font_path()), size)


def mark_lines(text: str, terminal_id: str, when: dt.datetime) -> list[str]:
    return [text, f"终端 {terminal_id}　{when.strftime('%Y-%m-%d %H:%M')}"]


def mark_page(page: np.ndarray, dpi: float, *, terminal_id: str, when: dt.datetime,
              text: str = VERIFICATION_TEXT) -> np.ndarray:
    """``page`` (BGR or grey) with a boxed verification mark at its foot, sized for ``dpi``; always BGR.

    The mark is about 4 mm high a line (legible on a printout), inside a thin frame, over a white
    backing so it stays readable where it falls on print. It stays red on a grey or text-mode copy:
    the page comes back in colour so the mark reads as a mark, not as more print.
    """
    rgb = cv2.cvtColor(page, cv2.COLOR_BGR2RGB) if page.ndim == 3 else cv2.cvtColor(page, cv2.COLOR_GRAY2RGB)
    img = Image.fromarray(rgb)
    draw = ImageDraw.Draw(img)
    size = max(12, round(3.2 / 25.4 * dpi))
    font = _font(size)
    lines = mark_lines(text, terminal_id, when)
    widths = [draw.textlength(line, font=font) for line in lines]
    pad = size // 2
    box_w = int(max(widths)) + 2 * pad
    box_h = len(lines) * int(size * 1.35) + 2 * pad
    w, h = img.size
    if box_w > w - 2 * pad:  # a narrow page: shrink the mark to fit
        return mark_page(page, dpi * (w - 2 * pad) / box_w * 0.98, terminal_id=terminal_id, when=when, text=text)
    x0, y0 = w - box_w - 2 * pad, h - box_h - 2 * pad
    draw.rectangle((x0, y0, x0 + box_w, y0 + box_h), fill=(255, 255, 255), outline=MARK_COLOUR,
                   width=max(2, size // 8))
    for i, line in enumerate(lines):
        draw.text((x0 + pad, y0 + pad + i * int(size * 1.35)), line, font=font, fill=MARK_COLOUR)
    return cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)
