"""Region-of-interest tracking for a camera loop: look where the last code was first."""

from __future__ import annotations

import numpy as np

from devices.qr.decoder import QrResult, decode_gray, to_gray


class TrackingDecoder:
    """``decode(frame)`` for consecutive frames of one camera.

    A code held up to the camera stays about where it was. After a hit, the next frames are first
    decoded in a crop around the last corners (``margin`` times the code's size on each side):
    a crop is cheaper, and the fix passes (upscaling above all) can afford more on it. If the crop
    has nothing, the whole frame is decoded as usual; after ``keep_frames`` frames without any
    code the region is forgotten.
    """

    def __init__(self, margin: float = 0.6, keep_frames: int = 15, min_side: int = 96) -> None:
        self.margin = margin
        self.keep_frames = keep_frames
        self.min_side = min_side
        self._roi: tuple[int, int, int, int] | None = None  # x0, y0, x1, y1
        self._misses = 0
        self.roi_hits = 0
        self.full_decodes = 0

    @property
    def roi(self) -> tuple[int, int, int, int] | None:
        return self._roi

    def reset(self) -> None:
        self._roi = None
        self._misses = 0

    def decode(self, frame: np.ndarray) -> list[QrResult]:
        try:
            gray = to_gray(frame)
        except Exception:
            gray = None
        if gray is None:
            return []
        if self._roi is not None:
            x0, y0, x1, y1 = self._roi
            crop = gray[y0:y1, x0:x1]
            if crop.shape[0] >= 8 and crop.shape[1] >= 8:
                found = decode_gray(np.ascontiguousarray(crop), offset=(float(x0), float(y0)))
                if found:
                    self.roi_hits += 1
                    self._track(found, gray.shape)
                    return found
        self.full_decodes += 1
        found = decode_gray(gray)
        if found:
            self._track(found, gray.shape)
        else:
            self._misses += 1
            if self._misses >= self.keep_frames:
                self.reset()
        return found

    def _track(self, found: list[QrResult], shape: tuple[int, ...]) -> None:
        self._misses = 0
        points = np.concatenate([r.corners for r in found], axis=0)
        x0, y0 = points.min(axis=0)
        x1, y1 = points.max(axis=0)
        pad = max(x1 - x0, y1 - y0) * self.margin
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        half = max((max(x1 - x0, y1 - y0) / 2) + pad, self.min_side / 2)
        h, w = shape[:2]
        self._roi = (int(max(0, cx - half)), int(max(0, cy - half)), int(min(w, cx + half)), int(min(h, cy + half)))
