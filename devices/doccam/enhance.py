"""Make a flattened page legible: colour, grey and clean text modes, and turning it upright.

- ``colour`` (photos, stamps, coloured forms): evens out the light (divides by the paper's own
  brightness, estimated by a large closing), whitens the paper, keeps the hue of stamps.
- ``grey``: the same, in grey.
- ``text``: black print on white paper, shadows and uneven light removed (the background divided
  out, then a contrast curve that keeps the strokes' edges smooth rather than a hard threshold).
"""

from __future__ import annotations

import cv2
import numpy as np

MODES = ("colour", "grey", "text")


def _background(channel: np.ndarray) -> np.ndarray:
    """The paper's brightness under the print, smooth, from the paper alone.

    Print is removed by a small dilation; the page is cut into coarse cells; cells much darker than
    the paper (a photo, a large dark stamp) are left out and filled from their neighbours
    (normalised convolution), so a photo keeps its tones while a shadow across the paper goes.
    """
    h, w = channel.shape[:2]
    scale = 400.0 / max(h, w)
    small = cv2.resize(channel, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    small = cv2.dilate(small, np.ones((5, 5), np.uint8))
    cells = cv2.resize(small, (max(2, small.shape[1] // 10), max(2, small.shape[0] // 10)),
                       interpolation=cv2.INTER_AREA).astype(np.float32)
    paper = float(np.percentile(cells, 90))
    mask = (cells >= 0.45 * paper).astype(np.float32)
    sigma = max(1.0, min(cells.shape) / 8)
    num = cv2.GaussianBlur(cells * mask, (0, 0), sigma)
    den = cv2.GaussianBlur(mask, (0, 0), sigma)
    smooth = np.where(den > 1e-3, num / np.maximum(den, 1e-3), paper)
    return cv2.resize(smooth, (w, h), interpolation=cv2.INTER_CUBIC)


def flatten_light(img: np.ndarray) -> np.ndarray:
    """Divide out the paper's uneven light (per channel): shadows and vignetting go, print stays."""
    channels = cv2.split(img) if img.ndim == 3 else [img]
    out = []
    for c in channels:
        bg = _background(c).astype(np.float32)
        out.append(np.clip(c.astype(np.float32) / np.maximum(bg, 8.0) * 245.0, 0, 255).astype(np.uint8))
    return cv2.merge(out) if len(out) > 1 else out[0]


def _curve(img: np.ndarray, black: float, white: float, gamma: float = 1.0) -> np.ndarray:
    lut = np.clip((np.arange(256, dtype=np.float32) - black) / max(white - black, 1.0), 0, 1) ** gamma * 255
    return cv2.LUT(img, lut.astype(np.uint8))


def enhance(page: np.ndarray, mode: str = "colour") -> np.ndarray:
    """The flattened page (BGR) made legible in ``mode``; BGR for colour, one channel otherwise."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")
    if mode == "colour":
        flat = flatten_light(page)
        return _curve(flat, 10, 238)
    grey = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) if page.ndim == 3 else page
    flat = flatten_light(grey)
    if mode == "grey":
        return _curve(flat, 15, 235)
    # text: a denoised, near-binary page; strokes keep their anti-aliased edges.
    flat = cv2.bilateralFilter(flat, 5, 25, 5)
    ink = float(np.percentile(flat, 0.5))
    return _curve(flat, min(ink + 25, 110), 222, gamma=1.15)


def upright(page: np.ndarray) -> tuple[np.ndarray, int]:
    """The page turned so its lines of text run left to right, top down; and the turn in degrees
    (clockwise: 0, 90, 180, 270).

    Lines of print make the row profile of ink spiky when they run across (not down) the page, which
    tells quarter turns apart. Left-aligned lines start at one margin and end ragged, which tells a
    page from the same page upside down.
    """
    grey = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) if page.ndim == 3 else page
    scale = 800.0 / max(grey.shape)
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = (flatten_light(small) < 150).astype(np.float32)
    h, w = ink.shape
    m = int(0.04 * min(h, w))
    ink = ink[m:h - m, m:w - m]
    rows, cols = ink.mean(axis=1), ink.mean(axis=0)
    turn = 0
    if cols.std() > rows.std() * 1.15:  # lines run down the page: it lies on its side
        ink = np.rot90(ink, -1)  # clockwise
        turn = 90
    ragged = _raggedness(ink)
    if ragged is not None and ragged > 0:  # the straight margin is on the right: upside down
        turn = (turn + 180) % 360
    if turn == 0:
        return page, 0
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(page, codes[turn]), turn


def _raggedness(ink: np.ndarray) -> float | None:
    """How much better the line ends line up than the line starts (negative: aligned left, as print is).

    Each line of print (a run of inked rows) gives one start and one end; the share of starts that
    fall within a narrow band of one another is compared with the share of ends that do. Counting
    lines rather than pixel rows keeps a stamp, a photo or a large title (many rows, one object)
    from outvoting the lines of text. None when there are too few lines to tell.
    """
    inked = ink.sum(axis=1) > max(3.0, 0.02 * ink.shape[1])
    edges = np.flatnonzero(np.diff(np.concatenate([[0], inked.astype(np.int8), [0]])))
    starts, ends = [], []
    for top, bottom in zip(edges[::2], edges[1::2]):
        if bottom - top > 0.06 * ink.shape[0]:   # not a line of text: a stamp, a photo, a table
            continue
        cols = np.flatnonzero(ink[top:bottom].any(axis=0))
        starts.append(cols[0])
        ends.append(cols[-1])
    if len(starts) < 6:
        return None
    band = max(4.0, 0.015 * ink.shape[1])

    def lined_up(xs: list[int]) -> float:
        v = np.sort(np.array(xs, float))
        # the most values within one band of width ``band``
        return float(np.max(np.searchsorted(v, v + band, side="right") - np.arange(len(v)))) / len(v)

    return lined_up(ends) - lined_up(starts)
