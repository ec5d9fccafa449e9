"""Find the page in a document camera's frame: :func:`find_page`, and the classic recipe to compare.

How :func:`find_page` works, and why (the classic recipe, Canny and the largest four-sided contour,
breaks on white paper on a white desk, on clutter that touches the page, on glare and on shadows):

1. The frame is shrunk to 512 pixels on its long side (a page is still 150 pixels or more there)
   and turned into CIELAB, so a white page on a brown desk and a grey page on a white desk both
   show up as steps in one channel or another.
2. Candidates come from two independent cues, so one failing does not lose the page:
   *line segments* (OpenCV's LSD, merged into long lines; every pair of nearly parallel lines
   crossed with another such pair makes a quadrilateral; a segment must be a step, or a faint one
   with paper either side: a sheet's edge over the sheet beneath; for an ID card, whose tinted stock
   may be no lighter than the desk, LSD also looks at a* and b*; and three lines, a pair and one
   crossing both, closed where the pair's segments end, for a fourth side that gave no line at all),
   and *regions* (Otsu thresholds of
   lightness and of "whiteness", lightness minus chroma, whose outlines are simplified to four
   corners). The regions are cheap and come first: when one already scores :data:`EARLY` (supported
   all round, paper inside, something else outside) and the ranker trusts it (:data:`NOT_FOUND`), the
   line segments are not looked for at all.
3. Each candidate is scored along its four sides at a few dozen points: is there a step (not a
   thin line, as a table's rule or a cutting mat's grid is) between a strip just inside and a strip
   just outside, with the gradient across the side and not along it? Is there paper just inside
   every side and something else outside? That evidence, with the candidate's shape and how it lies
   among the others (holding them, held by them), is weighed by a small learned model
   (:mod:`devices.doccam.ranking`: gradient-boosted trees fitted to seeded corpora, predicting each
   candidate's IoU with the page; an ID card, looked for with its own proportions, by a model fitted
   to ID cards alone) and the best prediction wins. Without the model file, or for proportions no
   model learned, the hand weighting decides: a page must be supported on all four sides; among the well-supported candidates the outermost wins, with a mild preference for
   paper proportions, and a larger candidate that holds the pick is preferred when it is still
   supported all round and what it adds is the pick's paper, not the desk.
4. The winner is refined at full resolution: every side is searched across a narrow band for the
   strongest step of the side's polarity at 48 places, a line is fitted to those points robustly
   (Huber), and the corners are where the lines meet. This gives sub-pixel corners, so the page's
   flattened copy has straight margins.
5. "Not found" rather than a wrong quadrilateral (issue 21): the answer is ``None`` when the ranker
   expects less than :data:`NOT_FOUND` IoU of its pick, or when a corner of the pick lies within
   :data:`BORDER` of the frame's edge (a page cut by the frame: its flattened copy would be cut off
   too), or its paper runs on to the frame's edge near it across a side that is no step (a pick the
   ranker is sure of, its sides nearest that paper steps all along, lies on another sheet), or two of
   its sides run on past both corners of a third as paper edges (:mod:`devices.doccam.larger`: one page
   of a spread, the visible part of a page the frame cuts) and no candidate holding it is trusted at
   :data:`HOLD_TRUST` without running on itself (if one is, the whole spread, it is the answer), or the
   ranker is not sure of it (below :data:`RUNNER_BELOW`) and trusts another outline within
   :data:`RUNNER_MARGIN` of it (:mod:`devices.doccam.runner_up`: two outlines nearly level), or another
   outline it trusts at :data:`NOT_FOUND` is backed by its near duplicates :data:`OUTBACKED` more than the
   pick by its own (the pick trusted alone; twentieth pass). The cut test reads print where the frame cuts
   a page as the paper it is on (:data:`CUT_PRINT`). All were
   chosen on the first generator's development seeds (NOT_FOUND 0.6 on seed 5, 0.65 on seeds 5, 13 and
   3, then 0.7 with the run-on test, weighing a wrong outline as two layings of the page, then 0.8 with
   the runner-up test), never on the second generator.
   :func:`locate` gives the pick with its confidence and distance from the edge, for the bench.

On one core a 1920x1080 frame took a median of about 35 ms, 85-90 ms at the 95th percentile, on the
first generator's version 1 (A4 pages; cluttered desks are the slow ones: many line segments); on its
version 2 and on the second generator, with receipts, overlapping sheets, newsprint and checked desks,
55-80 ms median at a load of about 2 on two cores; after the speed-ups that change no answer (the
line quadrilaterals' coverage looked up in a table of lines by pairs, gathers by ``take()``, the four
sides refined at once) about a quarter less in interleaved runs, 46-56 ms median at a load of about 3;
then by CPU time (``kiosk bench docscan --clock cpu``) 5-8 % less again in interleaved runs (medians by
sorting, lines merged in plain Python, the probes' gathers at once, ``find_page`` stopping at its first
None): 38-55 ms median on the held-out corpora in runs at loads of 1.3-6.7, a run's median moving by a
fifth with the host (2026-12-01, docs/page-finding.md). LSD is the largest cost, 12-15 ms. The sixteenth
pass took about 7 % more (interleaved per-frame ratio 0.934 at 1920x1080; every answer the same to the last
bit): numpy's per-call overhead (:mod:`devices.doccam.vectors`), the ranker's walk prepared once, lines merged
by bands of direction, the probe, refinement's grid and the cut test doing less; held out 25-34 ms median at
1920x1080 at loads of 1.3-2.1, where half of a frame's time is OpenCV calls (LSD 8.5 ms). The seventeenth
probes each side candidates share once (:func:`devices.doccam.vectors.distinct_rows`; half the coarse pass's
sides are repeats): ``_score`` 0.73 of its time, the frame 0.972 (interleaved per-frame ratio at 1920x1080).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import cv2
import numpy as np

from devices.doccam import larger, ranking, runner_up
from devices.doccam.geometry import order_corners
from devices.doccam.order_stats import median
from devices.doccam.vectors import distinct_rows, next_corners, norm

WORK_SIDE = 512          # working long side in pixels
COLOUR_WEIGHT = 2.0      # CIELAB a*, b* count twice: 8-bit Lab compresses colour differences
LSD_SCALE = 0.8         # LSD looks at the working image scaled by this
MAX_LINES = 60           # lines kept for quadrilaterals (a cluttered desk needs more than a tidy one)
LINES_PER_DIRECTION = 10  # ... and at most this many in any one 6-degree band of directions
STEP_MIN = 5.0          # CIELAB units (a*, b* weighted) between the strips either side of an edge
STEP_PAPER = 2.5        # ... for a line segment with paper either side (a sheet lying on another)
COLOUR_LSD_SCALE = 0.5  # with colour_edges (an ID card), LSD also looks at a* and b*, scaled by this
MIN_SCORE = 0.4
CONFIDENT = 0.75         # ... unless the ranker expects this IoU of its pick (a faint page: white on white)
CONTAIN_REL = 0.5        # a candidate holding the pick wins at this share of its score ...
CONTAIN_SIDE = 0.3       # ... with every side at least this well supported ...
PAPER_TOL = 15.0         # ... and what it adds this close to the paper (CIELAB, a*, b* weighted)
EARLY = 0.85             # a region candidate scoring this well is taken without looking for lines
EXTEND_MAX = 0.5         # a corner moves out along its side by at most this share of the side
SECOND_PASS = 40         # candidates scored finely after a coarse pass
CLOSED_PASS = 8          # ... and apart from them, the best closed ones (_closed)
CLOSE_RATIO = 0.8        # a closed candidate's two open sides: the shorter at least this share of the longer
CLOSE_EDGE = 0.06        # ... and neither ends this near the frame's edge (share of its short side)
MAX_ASPECT = 4.0         # longest to shortest side: a till receipt is up to 1:3.75
NOT_FOUND = 0.8          # below this predicted IoU of the pick, "not found" (a wrong outline weighed as two
                         # layings of the page, "not found" as one; 0.7 in the eleventh pass, 0.8 with the
                         # runner-up test in the fifteenth, both on the first generator's seeds 5, 13, 3:
                         # right - 2 x wrong 351 -> 361 of 420; docs/page-finding.md)
RUNNER_BELOW = 0.85      # ... and below this when another outline is trusted within RUNNER_MARGIN of the
RUNNER_MARGIN = 0.05     # pick (runner_up.runner_up: two outlines nearly level, the pick a coin toss); 0: off
OUTBACKED = 0.1          # "not found" when another outline trusted at NOT_FOUND is backed by its near duplicates
                         # this much more than the pick by its own (runner_up.outbacked); not for a pick taken by
                         # _holding (the whole spread, outbacked by its single pages); 0: off
BORDER = 0.003           # a corner this near the frame's edge (share of its short side): the page is cut
CUT_NEAR = 0.1           # ... or its paper reaches the frame's edge this near it (share of the short side)
CUT_RUN = 0.08           # ... in one run along at least this much of the edge
CUT_PRINT = 3            # ... its lightness the largest within this many pixels along the edge (print); 0: off
SURE_SHEET = 0.9         # ... unless the ranker expects this IoU of its pick and every side nearest
SURE_SIDE = 0.85         # ... that paper is a step at this share of its points: another sheet, beyond
LINES_IF_UNTRUSTED = True  # a region taken early (EARLY) but expected below NOT_FOUND: the lines are weighed too
HOLDING = True           # a pick that runs on (larger.runs_on) gives way to a trusted candidate holding it
HOLD_AREA = 1.3          # ... at least this many times its area
HOLD_FROM = 0.7          # ... when the ranker expects this of the pick (NOT_FOUND's value before the fifteenth
                         # pass; one page of a spread trusted 0.70-0.8 still gives way to the whole spread:
                         # at 0.8 with NOT_FOUND, one spread of the development seeds is lost)
END_GAP = 0.5            # "not found" when a side of the pick has no step for this share of it from a
                         # corner on (_end_gaps: a corner where no paper ends; thirteenth pass)
HOLD_TRUST = 0.9         # ... that the ranker expects this IoU of (SURE_SHEET's value; at NOT_FOUND, a
                         # page off the frame gave way to a wrong candidate on the development seeds)


_CHANNEL_SUM = np.ones((1, 3), np.float32)   # cv2.transform's matrix: the sum of three channels
_LAB_WEIGHTS = np.array([[1, 0, 0, 0], [0, COLOUR_WEIGHT, 0, -128 * COLOUR_WEIGHT],    # 8-bit Lab to L,
                         [0, 0, COLOUR_WEIGHT, -128 * COLOUR_WEIGHT]], np.float32)   # weighted a*, b*


def _sample(img: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    h, w = img.shape[:2]
    xi = np.clip(np.rint(x).astype(np.intp), 0, w - 1)
    yi = np.clip(np.rint(y).astype(np.intp), 0, h - 1)
    return img.reshape(h * w, -1).take(yi * w + xi, axis=0).reshape(yi.shape + img.shape[2:])   # take(): fast


class _Features:
    """The working-scale image and what every scoring step reads from it."""

    def __init__(self, frame: np.ndarray) -> None:
        h, w = frame.shape[:2]
        k = max(1, round(max(h, w) / WORK_SIDE))  # an integer factor keeps INTER_AREA on its fast path
        self.scale = 1.0 / k
        small = cv2.resize(frame[: h // k * k, : w // k * k], (w // k, h // k), interpolation=cv2.INTER_AREA)
        self.small = small
        self.h, self.w = small.shape[:2]
        lab = cv2.transform(cv2.cvtColor(small, cv2.COLOR_BGR2LAB).astype(np.float32), _LAB_WEIGHTS)
        self.lab = cv2.GaussianBlur(lab, (0, 0), 1.0)
        self.gx = cv2.Sobel(self.lab, cv2.CV_32F, 1, 0, ksize=3, scale=0.125)
        self.gy = cv2.Sobel(self.lab, cv2.CV_32F, 0, 1, ksize=3, scale=0.125)
        # The gradient's square across any direction (nx, ny), summed over the channels, is
        # nx² Σgx² + 2 nx ny Σgx·gy + ny² Σgy²: these three sums per pixel serve every probe.
        gx, gy = self.gx, self.gy
        tensor = cv2.merge([cv2.transform(a * b, _CHANNEL_SUM) for a, b in ((gx, gx), (gx, gy), (gy, gy))])
        self.flat = [self.lab.reshape(-1, 3), tensor.reshape(-1, 3)]
        self.grad_l = cv2.magnitude(gx[..., 0].copy(), gy[..., 0].copy())   # lightness gradient (texture)
        self.lightness = np.clip(self.lab[..., 0], 0, 255).astype(np.uint8)
        self.weighed: tuple[np.ndarray, np.ndarray] | None = None   # candidates and the ranker's IoUs (_select)
        self.held = False        # the pick is a candidate holding the one first picked (_holding)


# --------------------------------------------------------------------------- candidates

_CLAHE = cv2.createCLAHE(clipLimit=3.0, tileGridSize=(6, 6))


def _segments(feat: _Features, colour_edges: bool = False) -> np.ndarray:
    """Line segments that are steps (paper on one side, desk on the other), not rules or text rows;
    with ``colour_edges`` also those LSD finds in a* and b* (a tinted card on a desk as light as it)."""
    segs = _detected(_CLAHE.apply(feat.lightness), LSD_SCALE)
    if colour_edges:
        found = [segs] + [_detected(_CLAHE.apply(np.clip(feat.lab[..., c] * 0.5 + 128, 0, 255).astype(np.uint8)),
                                    COLOUR_LSD_SCALE) for c in (1, 2)]
        segs = np.vstack(found)
    if len(segs) == 0:
        return np.zeros((0, 5), np.float32)
    d = segs[:, 2:] - segs[:, :2]
    length = np.hypot(d[:, 0], d[:, 1])
    segs, d, length = segs[length >= 0.03 * max(feat.w, feat.h)], d[length >= 0.03 * max(feat.w, feat.h)], \
        length[length >= 0.03 * max(feat.w, feat.h)]
    if len(segs) == 0:
        return np.zeros((0, 5), np.float32)
    n = np.stack([-d[:, 1], d[:, 0]], -1) / length[:, None]
    t = np.array([0.25, 0.5, 0.75])
    pts = segs[:, None, :2] + d[:, None, :] * t[None, :, None]
    steps, sides = [], []
    for off in (6.0, 9.0):
        a = _sample(feat.lab, pts[..., 0] + off * n[:, None, 0], pts[..., 1] + off * n[:, None, 1])
        b = _sample(feat.lab, pts[..., 0] - off * n[:, None, 0], pts[..., 1] - off * n[:, None, 1])
        steps.append(norm(a - b, -1))
        sides.append(np.minimum(a[..., 0], b[..., 0]))
    step = median(np.minimum(steps[0], steps[1]), axis=1)
    keep = step >= STEP_MIN
    # A sheet's edge over the sheet beneath is paper on paper: a faint step, kept when both sides are
    # as light as paper (above the frame's Otsu threshold of lightness at 6 px, at two of three points).
    faint = (step >= STEP_PAPER) & ~keep
    if faint.any():
        paper, _ = cv2.threshold(feat.lightness, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        faint &= (sides[0] > paper).mean(axis=1) >= 0.67
    # The faint ones count as the weakest step (their strength weighs their lines in _merge_lines).
    return np.vstack([np.hstack([segs[keep], step[keep, None]]),
                      np.hstack([segs[faint], np.full((int(faint.sum()), 1), STEP_MIN, np.float32)])])


def _detected(image: np.ndarray, scale: float) -> np.ndarray:
    """LSD's segments in ``image`` (rows of x0, y0, x1, y1, in its pixels), looked for at ``scale``."""
    found = cv2.createLineSegmentDetector(cv2.LSD_REFINE_NONE, scale, 0.6, 1.0).detect(image)[0]
    return np.zeros((0, 4), np.float32) if found is None else found.reshape(-1, 4)


_MERGE_BANDS = 30   # bands of 6 degrees of a normal's direction (modulo 180), twice _merge_lines' 3 degrees


def _merge_band(nx: float, ny: float) -> int:
    """The band of 6 degrees (0-29) of the direction of the unit normal (nx, ny), modulo 180 degrees."""
    return int(math.degrees(math.atan2(ny, nx)) % 180.0 // 6.0) % _MERGE_BANDS


def _merge_lines(segs: np.ndarray, feat: _Features) -> np.ndarray:
    """Collinear, nearby segments merged into lines: rows of (nx, ny, rho, support, t0, t1) with
    n.p = rho and t0..t1 the extent of the segments along the line (tangent (-ny, nx))."""
    if len(segs) == 0:
        return np.zeros((0, 6))
    strength = np.sqrt(np.minimum(segs[:, 4], 60.0))
    segs = segs[:, :4].astype(np.float64)
    d = segs[:, 2:] - segs[:, :2]
    length = np.hypot(d[:, 0], d[:, 1])
    normals = np.stack([-d[:, 1], d[:, 0]], -1) / length[:, None]
    mids = (segs[:, :2] + segs[:, 2:]) / 2
    cos_tol, rho_tol, gap = np.cos(np.deg2rad(3.0)), 2.5, 0.08 * max(feat.w, feat.h)
    # Plain Python floats throughout (the same double-precision arithmetic, in the same order, as
    # numpy's): a few dozen lines are tested per segment and the first near one wins, so a loop that
    # stops there beats numpy's per-call cost on arrays this small.
    # Only lines within 3 degrees can take a segment: lines are kept in bands of 6 degrees of direction
    # and a segment tests those of its band and the two beside it, in the order of L (the first near one wins).
    L: list[list[float]] = []         # nx, ny, rho, support, t0, t1 (tangent (-ny, nx))
    M: list[tuple] = []               # w, wx, wy, wxx, wxy, wyy over segment end points
    bands: list[list[int]] = [[] for _ in range(_MERGE_BANDS)]
    band_of: list[int] = []           # each line's band
    S, N, C, W = segs.tolist(), normals.tolist(), mids.tolist(), (length * strength).tolist()
    for i in np.argsort(-length * strength).tolist():
        x0, y0, x1, y1 = S[i]
        (sx, sy), (cx, cy) = N[i], C[i]
        placed = -1
        b = _merge_band(sx, sy)
        near = bands[b - 1] + bands[b] + bands[(b + 1) % _MERGE_BANDS]
        near.sort()
        for j in near:
            ax, ay, rho, _, t0, t1 = L[j]
            t_a, t_b = ay * -x0 + ax * y0, ay * -x1 + ax * y1
            if (abs(ax * sx + ay * sy) > cos_tol and abs(ax * cx + ay * cy - rho) < rho_tol
                    and min(t_a, t_b) < t1 + gap and max(t_a, t_b) > t0 - gap):
                placed = j
                break
        w = W[i]  # strong steps count more than wood grain or print
        add = (w * 2.0, w * (x0 + x1), w * (y0 + y1), w * (x0 * x0 + x1 * x1), w * (x0 * y0 + x1 * y1),
               w * (y0 * y0 + y1 * y1))
        if placed < 0:
            ta, tb = -sy * x0 + sx * y0, -sy * x1 + sx * y1
            bands[b].append(len(L))
            band_of.append(b)
            L.append([sx, sy, sx * cx + sy * cy, w, min(ta, tb), max(ta, tb)])
            M.append(add)
            continue
        m = tuple(a + b for a, b in zip(M[placed], add))
        M[placed] = m
        cx, cy = m[1] / m[0], m[2] / m[0]
        sxx, sxy, syy = m[3] / m[0] - cx * cx, m[4] / m[0] - cx * cy, m[5] / m[0] - cy * cy
        # The normal is the eigenvector of the smaller eigenvalue of [[sxx, sxy], [sxy, syy]].
        angle = 0.5 * math.atan2(2 * sxy, sxx - syy)       # direction of the larger one (the line)
        nx, ny = -math.sin(angle), math.cos(angle)
        line = L[placed]
        if nx * line[0] + ny * line[1] < 0:
            nx, ny = -nx, -ny
        ta, tb = -ny * x0 + nx * y0, -ny * x1 + nx * y1
        L[placed] = [nx, ny, nx * cx + ny * cy, line[3] + w, min(line[4], ta, tb), max(line[5], ta, tb)]
        moved = _merge_band(nx, ny)
        if moved != band_of[placed]:
            bands[band_of[placed]].remove(placed)
            bands[moved].append(placed)
            band_of[placed] = moved
    lines = np.array(L, np.float64)
    out = lines[np.argsort(-lines[:, 3])]
    # At most a few lines per direction, so wood grain or rows of print cannot crowd out the page.
    bins = (np.degrees(np.arctan2(out[:, 1], out[:, 0])) % 180 // 6).astype(int)
    rank = np.tril(bins[:, None] == bins[None, :], -1).sum(axis=1)      # earlier lines in the same band
    return out[rank < LINES_PER_DIRECTION][:MAX_LINES]


def _small_page(min_area: float) -> float:
    """How much shorter a side may be than on the smallest default page (4 % of the frame): an ID card
    looked for from 1 % may have sides half as long."""
    return min(1.0, math.sqrt(min_area / 0.04))


def _line_candidates(feat: _Features, min_area: float = 0.04,
                     colour_edges: bool = False) -> tuple[list[np.ndarray], np.ndarray]:
    """Quadrilaterals of four lines, and (an array, m x 4 x 2) those of three lines closed where two of
    them end (:func:`_closed`)."""
    none = np.zeros((0, 4, 2))
    lines = _merge_lines(_segments(feat, colour_edges), feat)
    k = len(lines)
    if k < 4:
        return [], none
    n = lines[:, :2]
    cosang = np.abs(n @ n.T)
    # Intersections of every pair of lines.
    det = n[:, None, 0] * n[None, :, 1] - n[:, None, 1] * n[None, :, 0]
    safe = np.where(np.abs(det) < 1e-6, 1e-6, det)
    rho = lines[:, 2]
    ix = (rho[:, None] * n[None, :, 1] - n[:, None, 1] * rho[None, :]) / safe
    iy = (n[:, None, 0] * rho[None, :] - rho[:, None] * n[None, :, 0]) / safe
    min_gap = 0.12 * _small_page(min_area) * min(feat.w, feat.h)
    gap_ij = np.abs(rho[:, None] - np.sign(n @ n.T) * rho[None, :])
    pi, pj = np.nonzero(np.triu((cosang > np.cos(np.deg2rad(35))) & (gap_ij > min_gap), 1))
    if len(pi) < 2:
        return [], none
    # A quadrilateral is two such pairs, a = (i1, j1) and b = (i2, j2), crossing (i1 with i2, j1 with
    # j2 at 45 degrees or more), whose every side is covered by its line's segments over a good part
    # of its length. A side lies on one line between that line's crossings with the other pair's two
    # lines, so coverage is a table of lines by pairs, and a pair of pairs is kept by looking it up
    # (building every pair of pairs' corners first took most of the finder's time on a busy desk).
    P = np.stack([pi, pj], 1)
    tang = np.stack([-n[:, 1], n[:, 0]], -1)
    tx = ix * tang[:, None, 0] + iy * tang[:, None, 1]          # k x k: crossing of l with m, along l
    ta, tb = tx[:, P[:, 0]], tx[:, P[:, 1]]                    # k x pairs
    lo, hi = np.minimum(ta, tb), np.maximum(ta, tb)
    overlap = np.minimum(hi, lines[:, 5, None]) - np.maximum(lo, lines[:, 4, None])
    covered = overlap >= 0.3 * (hi - lo)                        # line l covered between pair p's lines
    half = covered.take(P[:, 0], axis=0) & covered.take(P[:, 1], axis=0)   # pairs x pairs: a's sides, b's lines
    perp = cosang < np.cos(np.deg2rad(45))
    ok = (half & half.T & perp.take(P[:, 0], axis=0).take(P[:, 0], axis=1)
          & perp.take(P[:, 1], axis=0).take(P[:, 1], axis=1))
    a, b = np.nonzero(ok)              # ok is symmetric: its upper triangle, in the same order as np.triu's
    a, b = a[a < b], b[a < b]
    i1, j1, i2, j2 = P[a, 0], P[a, 1], P[b, 0], P[b, 1]
    quads = np.stack([np.stack([ix[i1, i2], iy[i1, i2]], -1), np.stack([ix[i1, j2], iy[i1, j2]], -1),
                      np.stack([ix[j1, j2], iy[j1, j2]], -1), np.stack([ix[j1, i2], iy[j1, i2]], -1)], axis=1)
    slack = 0.03 * max(feat.w, feat.h)
    inside = ((quads[..., 0] > -slack) & (quads[..., 0] < feat.w + slack)
              & (quads[..., 1] > -slack) & (quads[..., 1] < feat.h + slack)).all(axis=1)
    closed = _closed(lines, ix, iy, tx, P, covered & perp.take(P[:, 0], axis=1) & perp.take(P[:, 1], axis=1), min_gap)
    # Lines that end near the frame's edge may end with the frame, not the sheet (a page off the frame).
    margin = CLOSE_EDGE * min(feat.w, feat.h)
    ends = closed[:, 1:3]
    away = ((ends[..., 0] > margin) & (ends[..., 0] < feat.w - 1 - margin)
            & (ends[..., 1] > margin) & (ends[..., 1] < feat.h - 1 - margin)).all(axis=1)
    return [q for q in quads[inside]], closed[away]


def _closed(lines: np.ndarray, ix: np.ndarray, iy: np.ndarray, tx: np.ndarray, P: np.ndarray,
            crossing: np.ndarray, min_len: float) -> np.ndarray:
    """Three sides of a sheet closed where two of them end. A sheet lying on another shows the desk
    three sides, and the fourth, over the sheet beneath, may give LSD nothing to find: a pair of lines
    (a row of ``P``) and a line crossing both between them (``crossing``: lines by pairs) make a
    quadrilateral whose fourth side joins the ends of the pair's segments away from the third line,
    where those segments reach the third and are of a length (:data:`CLOSE_RATIO`), both at least
    ``min_len``."""
    k_, p_ = np.nonzero(crossing)
    if len(k_) == 0:
        return np.zeros((0, 4, 2))
    ends = []
    for a in (P[p_, 0], P[p_, 1]):
        t = tx[a, k_]                                          # where the third line crosses a, along a
        t0, t1 = lines[a, 4], lines[a, 5]
        far = np.where(np.abs(t1 - t) > np.abs(t0 - t), t1, t0)
        n = lines[a, :2]
        ends.append(((t > t0 - 0.25 * min_len) & (t < t1 + 0.25 * min_len),    # a's segments reach the third
                     np.abs(far - t), n * lines[a, 2, None] + far[:, None] * np.stack([-n[:, 1], n[:, 0]], -1)))
    (reach_a, len_a, end_a), (reach_b, len_b, end_b) = ends
    short, long = np.minimum(len_a, len_b), np.maximum(len_a, len_b)
    ok = reach_a & reach_b & (short > min_len) & (short > CLOSE_RATIO * long)
    i_, j_ = P[p_, 0], P[p_, 1]
    corner_a = np.stack([ix[i_, k_], iy[i_, k_]], -1)
    corner_b = np.stack([ix[j_, k_], iy[j_, k_]], -1)
    return np.stack([corner_a, end_a, end_b, corner_b], 1)[ok]


def _quad_from_contour(contour: np.ndarray) -> np.ndarray | None:
    hull = cv2.convexHull(contour)
    peri = cv2.arcLength(hull, True)
    for eps in (0.01, 0.02, 0.03, 0.05, 0.08):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4:
            return approx.reshape(4, 2).astype(np.float64)
        if len(approx) < 4:
            return None
    return None


def _region_candidates(feat: _Features) -> list[np.ndarray]:
    L, a, b = cv2.split(feat.lab)
    chroma = cv2.magnitude(a, b)
    whiteness = L - chroma
    quads = []
    min_area = 0.04 * feat.w * feat.h
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))
    for channel in (L, whiteness):
        img = cv2.normalize(channel, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
        _, binary = cv2.threshold(img, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        binary = cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)
        contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for c in sorted(contours, key=cv2.contourArea, reverse=True)[:3]:
            if cv2.contourArea(c) >= min_area:
                q = _quad_from_contour(c)
                if q is not None:
                    quads.append(q)
    return quads


# --------------------------------------------------------------------------- scoring

_PROBE_OFFSETS = np.array([-3, -5, 3, 5, -2, -1, 0, 1, 2], np.float32)   # colour inside, outside; gradient


def _probe(feat: _Features, x: np.ndarray, y: np.ndarray, nx: np.ndarray, ny: np.ndarray):
    """At points (x, y) with outward normals (nx, ny), any matching shapes (float32): the colour 3-5 px
    inside and 3-5 px outside, and the strongest gradient across the normal within 2 px (the first
    of the strongest, none where none is above zero), with the gradient along it at that place."""
    lab, tensor = feat.flat
    # Flat indices of the points moved along the normal by every offset at once (offsets first).
    off = _PROBE_OFFSETS.reshape((-1,) + (1,) * np.ndim(x))
    xi = np.clip(x + off * nx + 0.5, 0, feat.w - 1).astype(np.intp)
    yi = np.clip(y + off * ny + 0.5, 0, feat.h - 1).astype(np.intp)
    at = yi * feat.w + xi
    colour = lab.take(at[:4], axis=0)          # take() is four times faster than indexing rows with an array
    inner = (colour[0] + colour[1]) / 2
    outer = (colour[2] + colour[3]) / 2
    g = tensor.take(at[4:], axis=0)
    nn, nm, mm = nx * nx, 2 * nx * ny, ny * ny
    across = nn * g[..., 0] + nm * g[..., 1] + mm * g[..., 2]
    best_n = across.max(axis=0)
    # The gradient along the normal only where the gradient across it is strongest (the first such offset).
    size = best_n.size
    at_best = g.reshape(len(g) * size, 3).take(across.reshape(len(g), size).argmax(axis=0) * size + np.arange(size), axis=0)
    at_best = at_best.reshape(best_n.shape + (3,))
    best_t = mm * at_best[..., 0] - nm * at_best[..., 1] + nn * at_best[..., 2]
    found = best_n > 0
    return inner, outer, np.sqrt(np.where(found, best_n, 0)), np.sqrt(np.maximum(np.where(found, best_t, 0), 0))


@functools.lru_cache(maxsize=8)
def _along_side(points: int) -> np.ndarray:
    """Where :func:`_score` probes a side: ``points`` places from 8 % to 92 % of the way along it (made
    once per count; read only)."""
    t = np.linspace(0.08, 0.92, points)
    t.flags.writeable = False
    return t


def _score(feat: _Features, quads: np.ndarray, points: int = 24, details: bool = False):
    """Per-candidate score (0..1) and per-side support, from steps across each side (and with
    ``details``, what they were made of, for :mod:`devices.doccam.ranking`)."""
    m = len(quads)
    p0 = quads
    p1 = next_corners(quads, 1)
    d = p1 - p0
    length = norm(d, -1, keepdims=True) + 1e-9
    tang = d / length
    centre = quads.mean(axis=1, keepdims=True)
    normal = np.stack([tang[..., 1], -tang[..., 0]], -1)
    mids = (p0 + p1) / 2
    flip = np.sign(((mids - centre) * normal).sum(-1, keepdims=True))
    flip = np.where(flip == 0, 1, flip)
    # Candidates share sides (two corners in the same order, the same way out): about half of the first
    # pass's are repeats. A side's probe and what is made of it alone depend on nothing else, so each
    # distinct side is probed once (the same numbers, element for element) and its results handed to
    # every candidate that has it.
    first, inverse = distinct_rows(np.concatenate([p0, p1, flip], -1).reshape(4 * m, 5))
    a, b = p0.reshape(-1, 2)[first], p1.reshape(-1, 2)[first]
    t = _along_side(points)
    ab = b - a
    x = (a[:, 0:1] + ab[:, 0:1] * t).astype(np.float32)                              # sides,P
    y = (a[:, 1:2] + ab[:, 1:2] * t).astype(np.float32)
    normal = normal.reshape(-1, 2)[first] * flip.reshape(-1, 1)[first]                # outward
    nx, ny = normal[:, None, 0].astype(np.float32), normal[:, None, 1].astype(np.float32)
    inner, outer, best_n, best_t = _probe(feat, x, y, nx, ny)
    step = norm(outer - inner, -1)                                                    # sides,P
    ox, oy = x + 5 * nx, y + 5 * ny
    in_frame = (ox >= 0) & (oy >= 0) & (ox <= feat.w - 1) & (oy <= feat.h - 1)
    ok = (step > STEP_MIN) & (best_n > 1.0) & (best_n > 1.2 * best_t) & in_frame
    side = ok.mean(axis=-1)
    # The page's own edges are one polarity all along (paper on one side, desk on the other).
    dL = outer[..., 0] - inner[..., 0]
    polar = np.abs(np.where(ok, np.sign(dL), 0).sum(-1)) / points
    side = np.minimum(side, polar + 0.25)
    # Paper is the brightest thing on a desk (a shadow is a uniform quad too, but darker than round it).
    lighter = median(inner[..., 0] - outer[..., 0], axis=-1) > 0
    side, polar, lighter = side[inverse].reshape(m, 4), polar[inverse].reshape(m, 4), lighter[inverse].reshape(m, 4)
    inner = inner.take(inverse, axis=0).reshape(m, 4, points, 3)
    outer = outer.take(inverse, axis=0).reshape(m, 4, points, 3)
    step = step.take(inverse, axis=0).reshape(m, 4, points)
    # Paper all round: just inside every side lies the page's blank margin, one colour.
    paper = median(inner.reshape(m, -1, 3), axis=1)
    near = norm(inner - paper[:, None, None, :], -1)
    tol = np.maximum(12.0, 0.5 * median(step.reshape(m, -1), axis=1))
    same = (near < tol[:, None, None]).mean(axis=(1, 2))
    # ... and outside it something else: a quad cut out of the page (beside a photo, between a
    # table's rules) has paper outside some side too.
    outer_paper = (norm(outer - paper[:, None, None, :], -1) < tol[:, None, None]).mean(-1)
    other = 1.0 - outer_paper.max(axis=1)
    brighter = lighter.mean(axis=1)
    score = ((0.5 * side.mean(axis=1) + 0.5 * side.min(axis=1)) * (0.4 + 0.6 * same)
             * (0.6 + 0.4 * other) * (0.7 + 0.3 * brighter))
    if details:
        return score, side, {"step": step, "polar": polar, "same": same, "other": other, "brighter": brighter,
                             "inner": inner, "outer": outer, "paper": paper,
                             "across": best_n.take(inverse, axis=0).reshape(m, 4, points),
                             "along": best_t.take(inverse, axis=0).reshape(m, 4, points)}
    return score, side


def _end_gaps(feat: _Features, quads: np.ndarray, points: int = 48) -> np.ndarray:
    """Per candidate, the longest run of a side's points without a step across it (:data:`STEP_PAPER`,
    a sheet on a sheet counts) that starts at one of its corners, as a share of the side: 0 when every
    side is a step up to its corners; a side running on over the desk or another sheet past where the
    paper's edge ends leaves a run at that end (a sheet beneath completed across the one on top).
    Points whose outer strip lies off the frame count as steps (a page the frame cuts is judged apart)."""
    p0 = quads
    p1 = next_corners(quads, 1)
    t = np.linspace(0.02, 0.98, points)
    pts = p0[:, :, None, :] + (p1 - p0)[:, :, None, :] * t[None, None, :, None]
    d = p1 - p0
    tang = d / (norm(d, -1, keepdims=True) + 1e-9)
    normal = np.stack([tang[..., 1], -tang[..., 0]], -1)
    flip = np.sign((((p0 + p1) / 2 - quads.mean(axis=1, keepdims=True)) * normal).sum(-1, keepdims=True))
    normal = normal * np.where(flip == 0, 1, flip)
    x, y = pts[..., 0].astype(np.float32), pts[..., 1].astype(np.float32)
    nx, ny = normal[..., None, 0].astype(np.float32), normal[..., None, 1].astype(np.float32)
    inner, outer, best_n, best_t = _probe(feat, x, y, nx, ny)
    step = norm(outer - inner, -1)
    ox, oy = x + 5 * nx, y + 5 * ny
    off = (ox < 0) | (oy < 0) | (ox > feat.w - 1) | (oy > feat.h - 1)
    ok = ((step > STEP_PAPER) & (best_n > 1.0)) | off                                 # m,4,P
    head = np.argmax(ok, axis=-1)                      # unsupported points before the first supported
    tail = np.argmax(ok[..., ::-1], axis=-1)
    none = ~ok.any(axis=-1)
    run = np.where(none, points, np.maximum(head, tail))
    return run.max(axis=1) / points


def _signed_area(quads: np.ndarray) -> np.ndarray:
    x, y = quads[..., 0], quads[..., 1]
    return ((x * next_corners(y, 1)).sum(1) - (y * next_corners(x, 1)).sum(1)) / 2


def _shape_ok(feat: _Features, quads: np.ndarray, min_area: float, max_aspect: float) -> np.ndarray:
    """Convex, big enough, sides not too short, proportions possible for a page (vectorised)."""
    area = np.abs(_signed_area(quads))
    d = next_corners(quads, 1) - quads
    cross = d[:, :, 0] * next_corners(d, 1)[:, :, 1] - d[:, :, 1] * next_corners(d, 1)[:, :, 0]
    convex = (cross > 0).all(1) | (cross < 0).all(1)
    sides = norm(d, -1)
    a = (sides[:, 0] + sides[:, 2]) / 2
    b = (sides[:, 1] + sides[:, 3]) / 2
    aspect = np.maximum(a, b) / np.maximum(np.minimum(a, b), 1e-6)
    short = sides.min(axis=1) > 0.1 * _small_page(min_area) * min(feat.w, feat.h)
    return convex & short & (area >= min_area * feat.w * feat.h) & (aspect <= max_aspect)


def _aspect_prior(quads: np.ndarray, aspect: float) -> np.ndarray:
    sides = norm(next_corners(quads, 1) - quads, -1)
    a = (sides[:, 0] + sides[:, 2]) / 2
    b = (sides[:, 1] + sides[:, 3]) / 2
    r = np.maximum(a, b) / np.maximum(np.minimum(a, b), 1e-6)
    return 0.7 + 0.3 * np.exp(-(np.log(r / aspect) / 0.25) ** 2)


def _outside(quad: np.ndarray, pts: np.ndarray, margin: float) -> np.ndarray:
    """Whether each point lies outside ``quad`` and more than ``margin`` from its outline (as
    ``cv2.pointPolygonTest(quad, p, True) < -margin``, for all points at once)."""
    a = quad[None, :, :].astype(np.float64)
    ab = next_corners(quad, 0)[None, :, :] - a                           # 1,4,2
    ap = pts[:, None, :] - a                                             # n,4,2
    t = np.clip((ap * ab).sum(-1) / ((ab * ab).sum(-1) + 1e-12), 0, 1)
    dist = norm(ap - t[..., None] * ab, -1).min(axis=1)
    # Even-odd rule: a ray from the point to the right crosses the outline an odd number of times inside.
    y0, y1 = a[..., 1], a[..., 1] + ab[..., 1]
    spans = (y0 > pts[:, None, 1]) != (y1 > pts[:, None, 1])
    x_cross = a[..., 0] + (pts[:, None, 1] - y0) * ab[..., 0] / np.where(ab[..., 1] == 0, 1, ab[..., 1])
    inside = (spans & (pts[:, None, 0] < x_cross)).sum(1) % 2 == 1
    return ~inside & (dist > margin)


_BEYOND_U = np.linspace(0.04, 0.96, 14)                  # _paper_beyond's grid over a quad, 14 x 14
_BEYOND_UU, _BEYOND_VV = (a.ravel()[:, None] for a in np.meshgrid(_BEYOND_U, _BEYOND_U))


def _paper_beyond(feat: _Features, big: np.ndarray, small: np.ndarray) -> bool:
    """Whether what ``big`` adds to ``small`` looks like the paper inside ``small`` rather than like
    what lies round ``big`` (the page reaching further, not a quad out onto the desk)."""
    u, uu, vv = _BEYOND_U, _BEYOND_UU, _BEYOND_VV

    def grid(q: np.ndarray) -> np.ndarray:
        return ((1 - uu) * (1 - vv) * q[0] + uu * (1 - vv) * q[1] + uu * vv * q[2] + (1 - uu) * vv * q[3])

    def colours(pts: np.ndarray) -> np.ndarray:
        return _sample(feat.lab, pts[:, 0], pts[:, 1])

    pts = grid(big)
    extra = _outside(small, pts, 2.0)
    if extra.sum() < 6:
        return False
    paper = median(colours(grid(small)), axis=0)
    each = colours(pts[extra])
    added = median(each, axis=0)
    centre = big.mean(axis=0)
    ring = centre + (big - centre) * 1.08
    around = median(colours(np.concatenate([ring[i] + (ring[(i + 1) % 4] - ring[i]) * u[:, None]
                                               for i in range(4)])), axis=0)
    d_added = float(np.linalg.norm(added - paper))
    if not (d_added < PAPER_TOL and d_added < 0.5 * float(np.linalg.norm(around - paper))):
        return False
    # Nearly all of it, not just most: a quad reaching over another sheet and then onto the desk
    # has paper for its median too.
    d_paper = norm(each - paper, 1)
    return bool(np.mean((d_paper < norm(each - around, 1)) & (d_paper < 2 * PAPER_TOL)) >= 0.85)


def scored_candidates(feat: _Features, quads: list[np.ndarray], min_area: float, max_aspect: float,
                      aspect: float, closed: np.ndarray | None = None):
    """The candidates of a plausible shape, the best :data:`SECOND_PASS` of them scored finely, and the
    best :data:`CLOSED_PASS` of the ``closed`` ones (chosen apart: they push none of the others out):
    (quads, score, side support, the score's parts), or None when there are none."""
    kept = []
    for group, keep in ((quads, SECOND_PASS), (closed, CLOSED_PASS)):
        if group is None or len(group) == 0:
            continue
        Q = np.array(group, dtype=np.float64).reshape(-1, 4, 2)
        Q = Q[_shape_ok(feat, Q, min_area, max_aspect)]
        if len(Q) > keep:
            score, _ = _score(feat, Q, points=10)
            Q = Q[np.argsort(-score)[:keep]]
        kept.append(Q)
    Q = np.concatenate(kept) if kept else np.zeros((0, 4, 2))
    if len(Q) == 0:
        return None
    score, side, parts = _score(feat, Q, points=32, details=True)
    return Q, score * _aspect_prior(Q, aspect), side, parts


def _extend_if_better(feat: _Features, found: tuple, pick: int, predicted: np.ndarray,
                      aspect: float) -> tuple[np.ndarray, float]:
    """The pick moved out along its sides (:func:`_extend`) when the ranker, weighing it among the same
    candidates, expects it to be nearer the page than the pick; else the pick. With the ranker's
    predicted IoU for what is returned."""
    Q, score, side, parts = found
    extended = _extend(feat, Q[pick])
    if np.allclose(extended, Q[pick]):
        return Q[pick], float(predicted[pick])
    # Scores are per candidate: only the extended quad needs scoring, then it joins the others.
    e_score, e_side, e_parts = _score(feat, extended[None], points=32, details=True)
    both = np.concatenate([Q, extended[None]])
    again = ranking.predict(ranking.candidate_features(
        feat, both, np.concatenate([score, e_score * _aspect_prior(extended[None], aspect)]),
        np.concatenate([side, e_side]), {k: np.concatenate([parts[k], e_parts[k]]) for k in parts}, aspect), aspect)
    return (extended, float(again[-1])) if again[-1] > again[pick] else (Q[pick], float(again[pick]))


def _select(feat: _Features, quads: list[np.ndarray], min_area: float, max_aspect: float,
            aspect: float, take_at: float = 0.0, closed: np.ndarray | None = None) -> tuple[np.ndarray | None, float, float]:
    """The pick among ``quads`` (and ``closed``, :func:`scored_candidates`): (quad, its hand score, the ranker's predicted IoU for it; 1.0 without
    the ranker), or (None, best score, 0.0), also when the best score is below ``take_at``; with the
    ranker also (None, the pick's score, 0.0) when that score is below ``take_at`` (the caller looks
    further, so weighing or extending the pick would be wasted)."""
    found = scored_candidates(feat, quads, min_area, max_aspect, aspect, closed)
    if found is None:
        return None, 0.0, 0.0
    Q, score, side, parts = found
    best = float(score.max())
    if best < take_at:                    # no pick could be taken: spare the ranker
        return None, best, 0.0
    if ranking.available(aspect):
        predicted = ranking.predict(ranking.candidate_features(feat, Q, score, side, parts, aspect), aspect)
        feat.weighed = Q, predicted
        pick = int(np.argmax(predicted))
        if best < MIN_SCORE and predicted[pick] < CONFIDENT:
            return None, best, 0.0
        if score[pick] < take_at:
            return None, float(score[pick]), 0.0
        quad, confidence = _extend_if_better(feat, found, pick, predicted, aspect)
        return quad, float(score[pick]), confidence
    if best < MIN_SCORE:
        return None, best, 0.0
    # The outermost well-supported candidate: a table or photo on the page is supported too.
    area = np.abs(_signed_area(Q))
    good = (score >= 0.85 * best) & (side.min(axis=1) >= 0.6)
    if not good.any():
        good = score >= best
    pick = int(np.argmax(np.where(good, area * (0.85 + 0.15 * score / best), -1)))
    # A row of print, a table or a photo cuts the page into quads that are supported on all sides;
    # the page itself holds them, and may be fainter on one side (lying on another sheet, in glare).
    # Prefer a clearly larger candidate that contains the pick and is still supported all round.
    rel, smin = CONTAIN_REL, CONTAIN_SIDE
    for _ in range(3):
        outer = np.flatnonzero((area > 1.12 * area[pick]) & (score >= rel * score[pick]) & (side.min(axis=1) >= smin))
        if len(outer) == 0:
            break
        slack = 0.01 * max(feat.w, feat.h)
        inside = np.array([all(cv2.pointPolygonTest(Q[j].astype(np.float32), (float(x), float(y)), True) >= -slack
                               for x, y in Q[pick]) for j in outer], bool)
        outer = outer[inside]
        outer = outer[[_paper_beyond(feat, Q[j], Q[pick]) for j in outer]]
        if len(outer) == 0:
            break
        pick = int(outer[np.argmax(score[outer] * (0.85 + 0.15 * area[outer] / area[outer].max()))])
    return Q[pick], float(score[pick]), 1.0


def _edge_ok(feat: _Features, pts: np.ndarray, normal: np.ndarray) -> np.ndarray:
    """Whether each point lies on a step across its ``normal`` (outward), as :func:`_score` counts it."""
    x, y = pts[:, 0].astype(np.float32), pts[:, 1].astype(np.float32)
    nx, ny = normal[:, 0].astype(np.float32), normal[:, 1].astype(np.float32)
    inner, outer, best_n, best_t = _probe(feat, x, y, nx, ny)
    step = norm(outer - inner, -1)
    inside = (x + 5 * nx >= 0) & (y + 5 * ny >= 0) & (x + 5 * nx <= feat.w - 1) & (y + 5 * ny <= feat.h - 1)
    return (step > STEP_MIN) & (best_n > 1.0) & (best_n > 1.2 * best_t) & inside


def _runs(feat: _Features, q: np.ndarray) -> list[tuple[np.ndarray, int] | None]:
    """For each corner and each of its two sides: how far that side goes on, on a step, past the corner
    (one batch of samples for all eight)."""
    centre = q.mean(axis=0)
    walks, pts, normals = [], [], []
    for corner in range(4):
        for other in ((corner - 1) % 4, (corner + 1) % 4):
            d = q[corner] - q[other]                     # along the side, away from the other corner
            length = float(np.linalg.norm(d))
            n_steps = int(EXTEND_MAX * length) - 1 if length >= 8 else 0
            if n_steps < 8:
                walks.append(None)
                continue
            u = d / length
            normal = np.array([u[1], -u[0]])
            if normal @ ((q[corner] + q[other]) / 2 - centre) < 0:   # outward
                normal = -normal
            steps = np.arange(1, n_steps + 1)
            walks.append((u, len(steps)))
            pts.append(q[corner] + steps[:, None] * u)
            normals.append(np.broadcast_to(normal, (len(steps), 2)))
    if not pts:
        return [None] * 8
    ok = _edge_ok(feat, np.concatenate(pts), np.concatenate(normals)).astype(np.float64)
    out, at = [], 0
    for walk in walks:
        if walk is None:
            out.append(None)
            continue
        u, n = walk
        run = np.convolve(ok[at:at + n], np.ones(8), "valid") >= 4      # windows of 8 px, half on a step
        at += n
        out.append((u, int(np.argmin(run)) if not run.all() else len(run)))
    return out


def _extend(feat: _Features, quad: np.ndarray) -> np.ndarray:
    """Corners moved out along their sides while both the side and the paper go on.

    A page lying on another sheet has a faint edge there, so the pick may stop at a row of print or a
    table instead; the page's other two edges, crossing that one, still show where the page ends."""
    q = quad.astype(np.float64).copy()
    runs = _runs(feat, q)
    for i in range(4):                          # side i runs from q[i] to q[i+1]; try moving it out
        j = (i + 1) % 4
        # Corner i walks along the side from corner i-1 (index 0 of its pair); corner j along the side
        # from corner j+1 (index 1 of its pair).
        r0, r1 = runs[2 * i], runs[2 * j + 1]
        if r0 is None or r1 is None:
            continue
        (u0, k0), (u1, k1) = r0, r1
        # As found, or both as far as the shorter run: one of the two may run on along something else.
        for e0, e1 in ((k0, k1), (min(k0, k1), min(k0, k1))):
            if e0 + e1 < 6:
                continue
            new = q.copy()
            new[i], new[j] = q[i] + e0 * u0, q[j] + e1 * u1
            if _paper_beyond(feat, new, q):
                q = new
                runs = _runs(feat, q)
                break
    return q


def _cut_by_frame(feat: _Features, quad: np.ndarray, confidence: float) -> bool:
    """Whether the pick's paper runs on to the frame's edge close by: a page the frame cuts, whose
    visible part the pick has shaped with its corners inside the frame (the corners alone miss it).

    Not when the ranker is sure of the pick (:data:`SURE_SHEET`) and each side nearest that paper is a
    step nearly all along (:data:`SURE_SIDE`): paper beyond a real edge is another sheet (one beneath
    the pick), while a page the frame cuts runs on across a side that is no edge."""
    centre = quad.mean(axis=0)
    u = np.linspace(0.1, 0.9, 9)[:, None]

    def ring(k: float) -> np.ndarray:
        q = centre + (quad - centre) * k
        return np.concatenate([q[i] + (q[(i + 1) % 4] - q[i]) * u for i in range(4)])

    paper = median(_sample(feat.lab, *ring(0.92).T), axis=0)
    around = median(_sample(feat.lab, *ring(1.08).T), axis=0)
    w, h = feat.w, feat.h
    xs, ys = np.arange(w, dtype=np.float64), np.arange(h, dtype=np.float64)
    edge = np.concatenate([np.stack([xs, np.ones(w)], 1), np.stack([xs, np.full(w, h - 2.0)], 1),
                           np.stack([np.ones(h), ys], 1), np.stack([np.full(h, w - 2.0), ys], 1)])
    colour = _sample(feat.lab, edge[:, 0], edge[:, 1])
    if CUT_PRINT > 0:       # print where the frame cuts the page: as light as the lightest point within CUT_PRINT
        light = colour[:, 0].copy()
        for at in np.split(np.arange(len(edge)), [w, 2 * w, 2 * w + h]):
            run = np.pad(light[at], CUT_PRINT, mode="edge")
            light[at] = np.max([run[i:i + len(at)] for i in range(2 * CUT_PRINT + 1)], axis=0)
        colour[:, 0] = light
    d_paper = norm(colour - paper, 1)
    paperish = (d_paper < PAPER_TOL) & (d_paper < 0.5 * norm(colour - around, 1))
    # Distance from each paper-like edge point to the pick's outline (the others are never near).
    a, b = quad[None, :, :], next_corners(quad, 0)[None, :, :]
    ab = b - a
    at = np.flatnonzero(paperish)
    pts = edge[at, None, :]
    t = np.clip(((pts - a) * ab).sum(-1) / ((ab * ab).sum(-1) + 1e-9), 0, 1)
    to_side = norm(pts - (a + t[..., None] * ab), -1)
    close = to_side.min(axis=1) < CUT_NEAR * min(w, h)
    near = np.zeros(len(edge), bool)
    near[at[close]] = True
    hit = near.astype(np.float64)
    longest = 0
    for side in np.split(hit, [w, 2 * w, 2 * w + h]):       # top, bottom, left, right: the longest run
        runs = np.convolve(side, np.ones(3), "same") > 0     # a pixel's gap (print, noise) does not break it
        edges = np.flatnonzero(np.diff(np.concatenate([[0], runs.astype(np.int8), [0]])))
        if len(edges):
            longest = max(longest, int((edges[1::2] - edges[::2]).max()))
    if longest < CUT_RUN * min(w, h):
        return False
    if confidence < SURE_SHEET:
        return True
    sides = np.unique(to_side[close].argmin(axis=1))
    return bool((_score(feat, quad[None].astype(np.float64))[1][0, sides] < SURE_SIDE).any())


# --------------------------------------------------------------------------- refinement

def _refine_sides(frame: np.ndarray, ends: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
                  half: float, points: int = 48) -> list[tuple[np.ndarray, np.ndarray] | None]:
    """For each side (a, b, outward): a line (point, direction) fitted to the strongest step across it
    (one remap for all sides; None for a side where no step is found)."""
    out: list[tuple[np.ndarray, np.ndarray] | None] = [None] * len(ends)
    todo = [i for i, (a, b, _) in enumerate(ends) if float(np.linalg.norm(b - a)) >= 8]
    if not todo:
        return out
    t = np.linspace(0.06, 0.94, points)
    along = np.arange(-2, 3, dtype=np.float64)  # average five profiles along the side
    across = np.arange(-half, half + 1, dtype=np.float64)
    bases, outwards = [], []
    maps = np.empty((2, len(todo), points, len(along), len(across)), np.float32)   # x, y: S,P,5,R
    for s_, i in enumerate(todo):
        a, b, outward = ends[i]
        d = b - a
        length = float(np.linalg.norm(d))
        tang = d / length
        base = a[None, :] + np.outer(t * length, tang)                               # P,2
        for c in (0, 1):      # each coordinate apart, written straight into the float32 maps
            maps[c, s_] = base[:, c, None, None] + along[None, :, None] * tang[c] + across[None, None, :] * outward[c]
        bases.append(base)
        outwards.append(outward)
    rows = len(todo) * points * len(along)
    map_x, map_y = maps[0].reshape(rows, len(across)), maps[1].reshape(rows, len(across))
    patch = cv2.remap(frame, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    grey = patch.astype(np.float32) @ np.array([0.114, 0.587, 0.299], np.float32) if patch.ndim == 3 else patch
    prof = grey.reshape(len(todo) * points, len(along), len(across)).mean(axis=1)
    prof = cv2.GaussianBlur(prof, (0, 0), sigmaX=1.2, sigmaY=0.01)   # along each row only
    prof = prof.reshape(len(todo), points, len(across))                          # sides, P, R
    deriv = np.zeros_like(prof)
    deriv[..., 1:-1] = (prof[..., 2:] - prof[..., :-2]) / 2
    polarity = np.sign(median(prof[..., -3:].mean(-1) - prof[..., :3].mean(-1), axis=1))
    polarity[polarity == 0] = -1.0
    signed = deriv * polarity[:, None, None]
    k = np.argmax(signed[..., 1:-1], axis=-1) + 1                                  # sides, P
    y0, y1, y2 = (np.take_along_axis(signed, (k + d)[..., None], -1)[..., 0] for d in (-1, 0, 1))
    noise = median(np.abs(deriv).reshape(len(todo), -1), axis=1) + 0.3
    good = y1 > 3 * noise[:, None]
    denom = y0 - 2 * y1 + y2
    sub = np.where(np.abs(denom) > 1e-6, 0.5 * (y0 - y2) / np.where(np.abs(denom) > 1e-6, denom, 1), 0.0)
    offset = across[k] + np.clip(sub, -0.5, 0.5)
    for s_, i in enumerate(todo):
        if good[s_].sum() < points // 4:
            continue
        pts = (bases[s_] + offset[s_, :, None] * outwards[s_])[good[s_]].astype(np.float32)
        vx, vy, x0, y0_ = cv2.fitLine(pts, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        out[i] = np.array([x0, y0_], np.float64), np.array([vx, vy], np.float64)
    return out


def _intersect(p: np.ndarray, u: np.ndarray, q: np.ndarray, v: np.ndarray) -> np.ndarray | None:
    m = np.array([[u[0], -v[0]], [u[1], -v[1]]])
    if abs(np.linalg.det(m)) < 1e-9:
        return None
    s, _ = np.linalg.solve(m, q - p)
    return p + s * u


def _refine(frame: np.ndarray, quad: np.ndarray, scale: float) -> np.ndarray:
    """Sub-pixel corners at full resolution; the coarse quad where a side cannot be found."""
    q = quad.astype(np.float64)
    for half in (max(6.0, 3.0 / scale), max(3.0, 0.8 / scale)):
        centre = q.mean(axis=0)
        ends = []
        for i in range(4):
            a, b = q[i], q[(i + 1) % 4]
            tang = (b - a) / (np.linalg.norm(b - a) + 1e-9)
            outward = np.array([tang[1], -tang[0]])
            if outward @ ((a + b) / 2 - centre) < 0:
                outward = -outward
            ends.append((a, b, outward))
        lines = _refine_sides(frame, ends, round(half))
        new = q.copy()
        for i in range(4):
            prev, cur = lines[(i - 1) % 4], lines[i]
            if prev is None or cur is None:
                continue
            corner = _intersect(prev[0], prev[1], cur[0], cur[1])
            if corner is not None and np.linalg.norm(corner - q[i]) < 3 * half:
                new[i] = corner
        q = new
    return q


# --------------------------------------------------------------------------- entry points

def find_page(frame: np.ndarray, *, min_area: float = 0.04, max_aspect: float = MAX_ASPECT,
              aspect: float = 1.414, colour_edges: bool = False) -> np.ndarray | None:
    """The page's corners in ``frame`` (BGR), top-left, top-right, bottom-right, bottom-left in frame
    pixels (float32, shape (4, 2)), or ``None`` when no page is there, or none with confidence (the
    ranker expects less than :data:`NOT_FOUND` IoU of its pick, or less than :data:`RUNNER_BELOW` with
    another outline within :data:`RUNNER_MARGIN` of it), or the pick is cut by the frame's edge
    (a corner within :data:`BORDER` of it: flattening it would give a cut-off copy).

    ``min_area`` is the smallest page as a share of the frame, ``max_aspect`` the longest to shortest
    side ratio accepted (a till receipt reaches 1:3.75), ``aspect`` the proportions preferred (A4:
    1.414; an ID card: 1.586). ``colour_edges`` also looks for the lines of edges that are steps of
    colour alone (two more LSD passes, about 12 ms CPU more on an ID card at 1920x1080: the card copy asks).
    """
    # As locate(), stopping as soon as the answer is None: a pick the ranker does not trust is not
    # refined, nor one whose corners lie at the frame's edge tested for paper there.
    picked = _pick(frame, min_area, max_aspect, aspect, colour_edges)
    if picked is None or picked[3] < NOT_FOUND:
        return None
    frame, feat, quad, confidence, share = picked
    if share >= larger.SHARE:
        return None
    if RUNNER_MARGIN > 0 and confidence < RUNNER_BELOW and confidence - _runner_up(feat, quad) < RUNNER_MARGIN:
        return None
    if OUTBACKED > 0 and _outbacked(feat, quad) >= OUTBACKED:
        return None
    if END_GAP < 1.0 and _end_gaps(feat, quad[None])[0] >= END_GAP:
        return None
    corners, gap = _placed(frame, feat, quad)
    if gap < BORDER or _cut_by_frame(feat, quad, confidence):
        return None
    return corners


@dataclass(frozen=True)
class Located:
    """What :func:`locate` found: the best candidate's corners (ordered, clipped to the frame), the
    ranker's predicted IoU for it (1.0 without the ranker) and how far its nearest corner lies from
    the frame's edge (a share of the frame's short side; negative outside the frame)."""

    corners: np.ndarray
    confidence: float
    border_gap: float
    cut: bool = False           # its paper runs on to the frame's edge close by (:func:`_cut_by_frame`)
    runs_on: float = 0.0        # two of its sides run on past its corners (:func:`devices.doccam.larger.runs_on`)
    runner_up: float = 0.0      # the ranker's best prediction for another outline (:func:`_runner_up`)


def locate(frame: np.ndarray, *, min_area: float = 0.04, max_aspect: float = MAX_ASPECT,
           aspect: float = 1.414, colour_edges: bool = False) -> Located | None:
    """The best candidate for the page whatever its confidence (:func:`find_page` decides), or None
    when there is no candidate at all."""
    picked = _pick(frame, min_area, max_aspect, aspect, colour_edges)
    if picked is None:
        return None
    frame, feat, quad, confidence, share = picked
    corners, gap = _placed(frame, feat, quad)
    return Located(corners, confidence, gap, _cut_by_frame(feat, quad, confidence), share, _runner_up(feat, quad))


def _pick(frame: np.ndarray, min_area: float, max_aspect: float,
          aspect: float, colour_edges: bool = False) -> tuple[np.ndarray, _Features, np.ndarray, float, float] | None:
    """The best candidate at working scale: (the frame as BGR, its features, the quad, the ranker's
    predicted IoU for it, how far two of its sides run on past its corners, :func:`larger.runs_on`),
    or None. A pick that runs on gives way to a trusted candidate holding it that does not
    (:func:`_holding`: the whole spread of which the ranker took one page)."""
    if frame is None or frame.ndim not in (2, 3) or min(frame.shape[:2]) < 16:
        return None
    if frame.ndim == 2:
        frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    feat = _Features(frame)
    regions = _region_candidates(feat)
    quad, score, confidence = _select(feat, regions, min_area, max_aspect, aspect, take_at=EARLY)
    # A region scoring EARLY is taken without lines only when the ranker trusts it: one it does not would
    # be "not found" without the line candidates ever weighed (one page of a spread on a plain desk).
    lines_looked = quad is None or score < EARLY or (LINES_IF_UNTRUSTED and confidence < NOT_FOUND)
    if lines_looked:
        lined, closed = _line_candidates(feat, min_area, colour_edges)
        quad, _, confidence = _select(feat, lined + regions, min_area, max_aspect, aspect, closed=closed)
    if quad is None:
        return None
    if not ranking.available(aspect):  # with the ranker, _select has weighed the extension already
        quad = _extend(feat, quad)
    share = larger.runs_on(feat.lab, quad)
    if share >= larger.SHARE and confidence >= HOLD_FROM and HOLDING and ranking.available(aspect):
        if not lines_looked:   # a region taken early: weigh the line candidates too
            lined, closed = _line_candidates(feat, min_area, colour_edges)
            _select(feat, lined + regions, min_area, max_aspect, aspect, closed=closed)
        held = _holding(feat, quad)
        if held is not None:
            quad, confidence, share = held
            feat.held = True
    return frame, feat, quad, confidence, share


def _runner_up(feat: _Features, quad: np.ndarray) -> float:
    """The ranker's best prediction for a candidate other than ``quad`` (:func:`runner_up.runner_up`
    over the candidates it weighed last), 0.0 without the ranker."""
    if feat.weighed is None:
        return 0.0
    return runner_up.runner_up(quad, *feat.weighed)


def _outbacked(feat: _Features, quad: np.ndarray) -> float:
    """How much more the ranker backs another outline than ``quad`` (:func:`runner_up.outbacked` over the
    candidates it weighed last); 0.0 without the ranker or for a pick taken by :func:`_holding`."""
    if feat.weighed is None or feat.held:
        return 0.0
    return runner_up.outbacked(quad, *feat.weighed, NOT_FOUND)


def _holding(feat: _Features, quad: np.ndarray) -> tuple[np.ndarray, float, float] | None:
    """Among the candidates the ranker weighed, the one it trusts most that holds ``quad`` (its
    corners inside, within 1 % of the frame's long side), is :data:`HOLD_AREA` times its area or more,
    is trusted at :data:`HOLD_TRUST` and does not itself run on: (quad, predicted IoU, its share)."""
    weighed = feat.weighed
    if weighed is None:
        return None
    Q, predicted = weighed
    area = np.abs(_signed_area(Q))
    slack = 0.01 * max(feat.w, feat.h)
    for j in np.argsort(-predicted):
        if predicted[j] < HOLD_TRUST:
            break
        if area[j] < HOLD_AREA * abs(float(_signed_area(quad[None])[0])):
            continue
        if _outside(Q[j], quad, slack).any():
            continue
        share = larger.runs_on(feat.lab, Q[j])
        if share < larger.SHARE:
            return Q[j], float(predicted[j]), share
    return None


def _placed(frame: np.ndarray, feat: _Features, quad: np.ndarray) -> tuple[np.ndarray, float]:
    """The pick's corners refined in the frame (ordered, clipped to it) and how far the nearest lay
    from its edge (a share of the short side; negative outside)."""
    refined = _refine(frame, quad / feat.scale, feat.scale)
    h, w = frame.shape[:2]
    gap = min(float(refined.min()), w - 1 - float(refined[:, 0].max()), h - 1 - float(refined[:, 1].max()))
    refined[:, 0] = np.clip(refined[:, 0], 0, w - 1)
    refined[:, 1] = np.clip(refined[:, 1], 0, h - 1)
    return order_corners(refined), gap / min(h, w)


def classic_find_page(frame: np.ndarray) -> np.ndarray | None:
    """The textbook recipe, for comparison: grey, blur, Canny, the largest contour with four corners."""
    h, w = frame.shape[:2]
    scale = 500.0 / h
    small = cv2.resize(frame, (round(w * scale), 500), interpolation=cv2.INTER_AREA)
    grey = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0)
    edges = cv2.Canny(grey, 75, 200)
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    for c in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
        approx = cv2.approxPolyDP(c, 0.02 * cv2.arcLength(c, True), True)
        if len(approx) == 4:
            return order_corners(approx.reshape(4, 2) / scale)
    return None
