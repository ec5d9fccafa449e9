"""Where a QR code sits inside a larger crop, from its finder patterns.

:func:`devices.qr.regions.locate` boxes the densest patch of edges; on a phone held up to the
camera (codes2) that patch is the phone, bezel and all, often 10-20 times the code's area. The
cascade's passes then run on pixels that are mostly not the code: a global threshold's histogram is
the backdrop's, and an upscale does not fit the budget. :func:`code_boxes` looks inside such a crop
for the code's three finder patterns (:func:`finder_candidates`: a light ring enclosed by dark, with
a dark stone at its centre) at a right angle and returns the box round the symbol they span, padded
by a quiet zone. It costs 40-45 ms per megapixel of the image it looks at (a threshold and a
labelling of connected components for each polarity), so the decoder looks on the crop halved to
about 500 px, only once the budgeted passes read nothing and only on a crop larger than 480 px
(docs/qr-decoding.md, "Eighth round").
"""

from __future__ import annotations

import math

import cv2
import numpy as np

MIN_RING_PX = 6  # the light ring's box: 5 modules of at least ~1.2 px
BLOCK = 15  # the adaptive threshold's neighbourhood (px)
SIZE_RATIO = 1.7  # three finders of one symbol: sides within this ratio
MAX_SPAN_FINDERS = 26.0  # finders' centres at most this many finder sides apart (version 40: 25.3)
# The triples tried grow with the cube of the candidates: at most this many, the largest, are paired
# (a noisy texture can give hundreds; a codes2 dev crop above 480 px gave at most 12).
MAX_CANDIDATES = 40


def finder_candidates(gray: np.ndarray) -> list[tuple[float, float, float]]:
    """(x, y, side) of every finder-like pattern in ``gray``, dark or light codes.

    Anchored on the light ring (a light connected component enclosed by the dark ring), not on
    the dark ring: on a screen's pixel grid or a noisy backdrop the dark ring often merges with
    dark specks outside it, while the light ring stays one component. The ring's box must be
    square-ish and about 16/25 filled, and the stone in its middle dark at its centre and a
    module (a fifth of the ring's width) either side of it. One connected-components pass a
    polarity: a few array operations, not a loop over contours."""
    out: list[tuple[float, float, float]] = []
    # One threshold for both polarities: THRESH_BINARY_INV's output is THRESH_BINARY's inverted, pixel for pixel.
    light = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, BLOCK, 2)
    for dark in (255 - light, light):  # dark codes on light, then light on dark
        _, _, rings, _ = cv2.connectedComponentsWithStats(255 - dark, connectivity=4)
        x, y, w, h, area = (rings[1:, i].astype(np.float32) for i in range(5))
        fill = area / np.maximum(w * h, 1)
        ok = (np.minimum(w, h) >= MIN_RING_PX) & (np.maximum(w, h) <= 1.6 * np.minimum(w, h))
        ok &= (fill > 0.35) & (fill < 0.85)
        cx, cy = x + w / 2, y + h / 2
        for dx, dy in ((0.0, 0.0), (-0.18, 0.0), (0.18, 0.0), (0.0, -0.18), (0.0, 0.18)):
            ix = np.clip((cx + dx * w).astype(np.int32), 0, gray.shape[1] - 1)
            iy = np.clip((cy + dy * h).astype(np.int32), 0, gray.shape[0] - 1)
            ok &= dark[iy, ix] > 0
        for i in np.flatnonzero(ok):
            out.append((float(cx[i]), float(cy[i]), float((w[i] + h[i]) / 2 * 7 / 5)))
    return _merged(out)


def _merged(found: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """One candidate per finder (both polarities may find it), the largest first."""
    kept: list[tuple[float, float, float]] = []
    for c in sorted(found, key=lambda c: -c[2]):
        if all(math.hypot(c[0] - k[0], c[1] - k[1]) > k[2] / 2 for k in kept):
            kept.append(c)
    return kept


def candidates_in(gray: np.ndarray, max_side: int | None = None) -> list[tuple[float, float, float]]:
    """:func:`finder_candidates` (at most MAX_CANDIDATES, the largest) in ``gray``'s pixels, looked
    for on ``gray`` halved until its longer side is at most ``max_side``."""
    small, scale = gray, 1.0
    while max_side is not None and max(small.shape) > max_side:
        small = cv2.pyrDown(small)
        scale *= 2.0
    return [(x * scale, y * scale, side * scale) for x, y, side in finder_candidates(small)[:MAX_CANDIDATES]]


def code_boxes(gray: np.ndarray, limit: int = 2, max_side: int | None = None,
               found: list[tuple[float, float, float]] | None = None) -> list[tuple[int, int, int, int]]:
    """Up to ``limit`` boxes (x0, y0, x1, y1, pixels of ``gray``) round symbols spanned by three
    finder candidates at a right angle, the likeliest (most square, most alike) first. With
    ``max_side``, the finders are looked for on ``gray`` halved until its longer side is at most
    that; ``found``: :func:`candidates_in`'s answer, when already at hand."""
    if found is None:
        found = candidates_in(gray, max_side)
    triples = []
    for i in range(len(found)):
        for j in range(len(found)):
            for k in range(j + 1, len(found)):
                if i in (j, k):
                    continue
                score = _corner_score(found[i], found[j], found[k])
                if score is not None:
                    triples.append((score, i, j, k))
    triples.sort()
    height, width = gray.shape[:2]
    boxes: list[tuple[int, int, int, int]] = []
    used: set[int] = set()
    for _score, i, j, k in triples:
        if used & {i, j, k}:
            continue
        a, b, c = (np.array(found[n][:2]) for n in (i, j, k))
        d = b + c - a  # the fourth corner
        side = max(found[n][2] for n in (i, j, k))
        points = np.array([a, b, c, d])
        pad = side * 1.1  # half a finder (its centre to its edge) and a quiet zone of 4 modules
        x0, y0 = points.min(axis=0) - pad
        x1, y1 = points.max(axis=0) + pad
        box = (max(0, int(x0)), max(0, int(y0)), min(width, int(x1) + 1), min(height, int(y1) + 1))
        if box[2] - box[0] >= 16 and box[3] - box[1] >= 16:
            boxes.append(box)
            used |= {i, j, k}
        if len(boxes) >= limit:
            break
    return boxes


def _corner_score(a, b, c) -> float | None:
    """How far (a, b, c) are from finders at a symbol's corner ``a`` and its two neighbours
    (0 = equal sides, equal legs, a right angle), or None when they cannot be one symbol."""
    sides = (a[2], b[2], c[2])
    if max(sides) > SIZE_RATIO * min(sides):
        return None
    ab = (b[0] - a[0], b[1] - a[1])
    ac = (c[0] - a[0], c[1] - a[1])
    lab, lac = math.hypot(*ab), math.hypot(*ac)
    side = sum(sides) / 3
    if min(lab, lac) < 1.6 * side or max(lab, lac) > MAX_SPAN_FINDERS * side:
        return None
    legs = abs(lab - lac) / max(lab, lac)
    cosine = abs(ab[0] * ac[0] + ab[1] * ac[1]) / (lab * lac)
    if legs > 0.35 or cosine > 0.35:
        return None
    return legs + cosine + (max(sides) / min(sides) - 1.0)
