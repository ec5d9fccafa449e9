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
PYRAMID = False  # no box found: look again on the image halved once more
PYRAMID_MIN_SIDE = 120


def component_candidates(gray: np.ndarray) -> list[tuple[float, float, float]]:
    """(x, y, side) of every finder-like pattern in ``gray``, dark or light codes, by components.

    Anchored on the light ring (a light connected component enclosed by the dark ring), not on
    the dark ring: on a screen's pixel grid or a noisy backdrop the dark ring often merges with
    dark specks outside it, while the light ring stays one component. The ring's box must be
    square-ish and about 16/25 filled, and the stone in its middle dark at its centre and a
    module (a fifth of the ring's width) either side of it. One connected-components pass a
    polarity: a few array operations, not a loop over contours."""
    out: list[tuple[float, float, float]] = []
    for polarity in (cv2.THRESH_BINARY_INV, cv2.THRESH_BINARY):  # dark codes on light, then light on dark
        dark = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, polarity, BLOCK, 2)
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


# Which finder test finder_candidates uses: "runs" (run-length rows and columns, any module width)
# or "components" (the eighth round's light ring, modules up to ~5 px).
METHOD = "components"
RUN_STEP = 2  # rows (and columns) scanned: every RUN_STEP-th
RUN_TOLERANCE = 0.6
RUN_BLOCK_PART = 0
RUN_DIAGONAL_WRONG = 4
RUN_SUPPORT = 1
RUN_MAX_CANDIDATES = 20  # a run may differ from its share of 1:1:3:1:1 by this many modules (3x for the stone)


def finder_candidates(gray: np.ndarray) -> list[tuple[float, float, float]]:
    """(x, y, side) of every finder-like pattern in ``gray``, dark or light codes, the best first."""
    if METHOD == "components":
        return component_candidates(gray)
    return run_candidates(gray)


def _binarised(gray: np.ndarray) -> np.ndarray:
    """True where ``gray`` is darker than its neighbourhood; the neighbourhood is an eighth of the
    image's shorter side (at least BLOCK), so a stone of any width up to that is dark throughout."""
    block = max(BLOCK, (min(gray.shape[:2]) // RUN_BLOCK_PART) | 1) if RUN_BLOCK_PART else BLOCK
    return cv2.adaptiveThreshold(gray, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 2).astype(bool)


def _run_hits(binary: np.ndarray, step: int) -> np.ndarray:
    """Rows ``0, step, ...`` of ``binary`` scanned for five runs in the ratio 1:1:3:1:1 (either
    polarity): an array of (centre column, row, total width, polarity). All rows at once: each row's
    first pixel starts a run, so no run crosses a row."""
    rows = binary[::step]
    height, width = rows.shape
    if width < 8:
        return np.zeros((0, 4), np.float32)
    change = np.ones(rows.shape, bool)
    change[:, 1:] = rows[:, 1:] != rows[:, :-1]
    starts = np.flatnonzero(change)
    ends = np.append(starts[1:], rows.size)
    lengths = (ends - starts).astype(np.float32)
    if len(starts) < 5:
        return np.zeros((0, 4), np.float32)
    window = np.lib.stride_tricks.sliding_window_view(lengths, 5)
    first = starts[:len(window)]
    last_end = ends[4:]
    same_row = (first // width) == ((last_end - 1) // width)
    total = window.sum(axis=1)
    module = total / 7.0
    tol = np.maximum(module * RUN_TOLERANCE, 0.75)
    share = np.array([1, 1, 3, 1, 1], np.float32)
    ok = same_row & (total >= 7)
    ok &= (np.abs(window - module[:, None] * share) <= tol[:, None] * share).all(axis=1)
    i = np.flatnonzero(ok)
    row = first[i] // width
    x0 = first[i] % width
    centre = x0 + window[i, 0] + window[i, 1] + window[i, 2] / 2 - 0.5  # a pixel's centre is its index
    polarity = rows.ravel()[first[i]]
    return np.stack([centre, row * step, total[i], polarity], axis=1).astype(np.float32)


def run_candidates(gray: np.ndarray) -> list[tuple[float, float, float]]:
    """Finder candidates by run lengths, as zxing-cpp's detector finds them: every RUN_STEP-th row
    scanned for five runs 1:1:3:1:1, every RUN_STEP-th column likewise; a row hit counts where a
    column hit of the same polarity and width crosses it at its centre, and the diagonal agrees.
    A few array operations over the whole image; no limit on the module's width but the threshold's
    neighbourhood (an eighth of the image)."""
    binary = _binarised(gray)
    across = _run_hits(binary, RUN_STEP)
    down = _run_hits(np.ascontiguousarray(binary.T), RUN_STEP)
    if not len(across) or not len(down):
        return []
    down = down[:, [1, 0, 2, 3]]  # (x, y, total, polarity) in image axes
    height, width = binary.shape
    kernel = np.ones((2 * RUN_STEP + 1, 2 * RUN_STEP + 1), np.uint8)
    found: list[tuple[float, float, float, float]] = []
    for polarity in (1, 0):
        own = [hits[hits[:, 3] == polarity] for hits in (across, down)]
        if not len(own[0]) or not len(own[1]):
            continue
        places = [(np.clip(np.round(h[:, 1]).astype(np.int64), 0, height - 1),
                   np.clip(np.round(h[:, 0]).astype(np.int64), 0, width - 1)) for h in own]
        marks = []
        for ys, xs in places:
            mark = np.zeros((height, width), np.uint8)
            mark[ys, xs] = 1
            marks.append(cv2.dilate(mark, kernel))
        count, labels, _stats, centres = cv2.connectedComponentsWithStats(marks[0] & marks[1], connectivity=8)
        if count <= 1:
            continue
        sides, support = [], []
        for h, (ys, xs) in zip(own, places):  # each crossing's row (column) hits: how many, how wide
            at = labels[ys, xs]
            n = np.bincount(at, minlength=count)[1:]
            support.append(n)
            sides.append(np.bincount(at, weights=h[:, 2], minlength=count)[1:] / np.maximum(n, 1))
        side = (sides[0] + sides[1]) / 2
        ok = (support[0] >= RUN_SUPPORT) & (support[1] >= RUN_SUPPORT)
        ok &= (sides[0] <= 1.5 * sides[1]) & (sides[1] <= 1.5 * sides[0])
        ok &= _diagonals_ok(binary, centres[1:, 0], centres[1:, 1], side, polarity)
        score = np.minimum(support[0], support[1])
        found += [(float(-n), float(x), float(y), float(w)) for n, (x, y), w in zip(score[ok], centres[1:][ok], side[ok])]
    kept: list[tuple[float, float, float]] = []
    for _n, x, y, side in sorted(found):  # the best supported first, one per finder
        if all(math.hypot(x - k[0], y - k[1]) > k[2] / 2 for k in kept):
            kept.append((x, y, side))
    return kept[:RUN_MAX_CANDIDATES]


def _diagonals_ok(binary: np.ndarray, x: np.ndarray, y: np.ndarray, side: np.ndarray, polarity: int) -> np.ndarray:
    """Which of the candidates (x, y, side) also hold the pattern along both diagonals: the stone
    of ``polarity`` at 1 module (on each axis), the ring not at 2, the border again at 3; two of the
    twelve samples may disagree (blur, a speck)."""
    module = side / 7.0
    height, width = binary.shape
    wrong = np.zeros(len(x), np.int32)
    inside = np.ones(len(x), bool)
    for sx, sy in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
        for dist, same in ((1.0, True), (2.0, False), (3.0, True)):
            px = np.round(x + sx * dist * module).astype(np.int64)
            py = np.round(y + sy * dist * module).astype(np.int64)
            inside &= (px >= 0) & (px < width) & (py >= 0) & (py < height)
            value = binary[np.clip(py, 0, height - 1), np.clip(px, 0, width - 1)]
            wrong += (value == bool(polarity)) != same
    centre = binary[np.clip(np.round(y).astype(np.int64), 0, height - 1), np.clip(np.round(x).astype(np.int64), 0, width - 1)]
    return inside & (centre == bool(polarity)) & (wrong <= RUN_DIAGONAL_WRONG)




def _merged(found: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """One candidate per finder (both polarities may find it), the largest first."""
    kept: list[tuple[float, float, float]] = []
    for c in sorted(found, key=lambda c: -c[2]):
        if all(math.hypot(c[0] - k[0], c[1] - k[1]) > k[2] / 2 for k in kept):
            kept.append(c)
    return kept


def code_boxes(gray: np.ndarray, limit: int = 2, max_side: int | None = None) -> list[tuple[int, int, int, int]]:
    """Up to ``limit`` boxes (x0, y0, x1, y1, pixels of ``gray``) round symbols spanned by three
    finder candidates at a right angle, the likeliest (most square, most alike) first. With
    ``max_side``, the finders are looked for on ``gray`` halved until its longer side is at most that."""
    small, scale = gray, 1.0
    while max_side is not None and max(small.shape) > max_side:
        small = cv2.pyrDown(small)
        scale *= 2.0
    boxes = _boxes_at(gray, small, scale, limit)
    if not boxes and PYRAMID and min(small.shape[:2]) >= 2 * PYRAMID_MIN_SIDE:
        # Modules too wide for the threshold's neighbourhood at this scale: once more at half.
        boxes = _boxes_at(gray, cv2.pyrDown(small), scale * 2.0, limit)
    return boxes


def _boxes_at(gray: np.ndarray, small: np.ndarray, scale: float, limit: int) -> list[tuple[int, int, int, int]]:
    """code_boxes on ``small``, ``gray`` reduced by ``scale``; the boxes in ``gray``'s pixels."""
    found = [(x * scale, y * scale, side * scale) for x, y, side in finder_candidates(small)[:MAX_CANDIDATES]]
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
