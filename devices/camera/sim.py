"""A simulated camera: plays a folder of images, or draws a page on a desk."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from kiosk.fonts import cjk_font_path


def synthetic_page(width: int = 1280, height: int = 960, title: str = "居民身份证复印件 (模拟)") -> np.ndarray:
    """A white A4 page with a title and lines of text, lying on a wooden desk (BGR)."""
    desk = Image.new("RGB", (width, height), (140, 100, 60))
    page_h = int(height * 0.85)
    page_w = int(page_h / 1.414)
    page = Image.new("RGB", (page_w, page_h), (250, 250, 248))
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(cjk_font_path()), max(14, page_w // 22))
    small = ImageFont.truetype(str(cjk_font_path()), max(10, page_w // 40))
    draw.text((page_w // 10, page_h // 12), title, font=font, fill=(20, 20, 20))
    for i in range(18):
        y = page_h // 6 + i * page_h // 26
        draw.text((page_w // 10, y), "本页为模拟材料，仅用于演示与测试。Simulated material for rehearsal.",
                  font=small, fill=(40, 40, 40))
    desk.paste(page, ((width - page_w) // 2, (height - page_h) // 2))
    return cv2.cvtColor(np.asarray(desk), cv2.COLOR_RGB2BGR)


class SimFrameSource:
    """Frames from a folder of images (played in name order, looping), or a drawn page."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder
        self._files: list[Path] = []
        self._index = 0
        self._fallback: np.ndarray | None = None

    def open(self) -> None:
        if self._folder is not None:
            self._files = sorted(p for p in self._folder.iterdir()
                                 if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".bmp"))

    def read(self, timeout_s: float) -> np.ndarray | None:
        while self._files:
            path = self._files[self._index % len(self._files)]
            self._index += 1
            frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if frame is not None:
                return frame
            self._files.remove(path)  # unreadable: skip it from now on
        if self._fallback is None:
            self._fallback = synthetic_page()
        return self._fallback.copy()

    def close(self) -> None:
        self._files = []
