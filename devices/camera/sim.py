"""A simulated camera: plays a folder of images or a video file, or draws a page on a desk."""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from devices.camera.base import CameraUnavailableError
from common.fonts import cjk_font_path


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
    """Frames from a folder of images (in name order), a video file, or a drawn page; looping.

    ``fps``: frames per second to pace reads at (0: as fast as asked; the document camera's use).
    ``loop``: start again at the end; if False, the end reads like an unplug (the feed reopens it,
    which replays it). ``frames_per_image``: how many frames each image of a folder is shown for.
    """

    IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp")

    def __init__(self, folder: Path | None = None, *, fps: float = 0.0, loop: bool = True,
                 frames_per_image: int = 1) -> None:
        self._folder = folder
        self._fps = fps
        self._loop = loop
        self._frames_per_image = max(1, frames_per_image)
        self._files: list[Path] = []
        self._index = 0
        self._repeat = 0
        self._current: np.ndarray | None = None
        self._fallback: np.ndarray | None = None
        self._video: cv2.VideoCapture | None = None
        self._next_due = 0.0

    @property
    def is_video(self) -> bool:
        return self._folder is not None and self._folder.is_file()

    def open(self) -> None:
        self.close()
        self._index = self._repeat = 0
        self._current = None
        self._next_due = time.monotonic()
        if self._folder is None:
            return
        if not self._folder.exists():
            raise CameraUnavailableError(detail=f"{self._folder}: not found")
        if self.is_video:
            video = cv2.VideoCapture(str(self._folder))
            if not video.isOpened():
                video.release()
                raise CameraUnavailableError(detail=f"{self._folder}: not a video OpenCV can play")
            self._video = video
            return
        self._files = sorted(p for p in self._folder.iterdir() if p.suffix.lower() in self.IMAGE_SUFFIXES)

    def _pace(self, timeout_s: float) -> None:
        if self._fps > 0:
            delay = self._next_due - time.monotonic()
            if delay > 0:
                time.sleep(min(delay, timeout_s))
            self._next_due = max(self._next_due + 1.0 / self._fps, time.monotonic() - 1.0 / self._fps)

    def read(self, timeout_s: float) -> np.ndarray | None:
        self._pace(timeout_s)
        if self._video is not None:
            return self._read_video()
        if self._current is not None and self._repeat < self._frames_per_image:
            self._repeat += 1
            return self._current.copy()
        while self._files:
            if self._index >= len(self._files):
                if not self._loop:
                    raise CameraUnavailableError(detail=f"{self._folder}: end of the images")
                self._index = 0
            path = self._files[self._index]
            self._index += 1
            frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if frame is not None:
                self._current, self._repeat = frame, 1
                return frame.copy() if self._frames_per_image > 1 else frame
            self._files.remove(path)  # unreadable: skip it from now on
            self._index -= 1
        if self._folder is not None and not self.is_video and not self._folder.exists():
            raise CameraUnavailableError(detail=f"{self._folder}: gone")
        if self._fallback is None:
            self._fallback = synthetic_page()
        return self._fallback.copy()

    def _read_video(self) -> np.ndarray | None:
        assert self._video is not None
        ok, frame = self._video.read()
        if not ok:
            if not self._loop:
                raise CameraUnavailableError(detail=f"{self._folder}: end of the video")
            self._video.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self._video.read()
            if not ok:
                raise CameraUnavailableError(detail=f"{self._folder}: no frame")
        return frame

    def close(self) -> None:
        self._files = []
        self._current = None
        video, self._video = self._video, None
        if video is not None:
            video.release()
