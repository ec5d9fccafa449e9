"""A QR symbol placed from the finder patterns this package finds, and read module by module.

zxing-cpp reads nothing it cannot locate, and the erasure pass (:mod:`devices.qr.erasure`) starts
only from a symbol zxing-cpp located with a version. A thumb over one finder pattern, a glare or a
dimmed screen often leaves zxing-cpp without a symbol while :func:`devices.qr.finder.finder_candidates`
still sees two or three of the finders. This module places the module grid from them and hands it
to the erasure reader (its sampling, its grey erasures and its Reed-Solomon check):

1. **Layouts**: three candidates at a right angle (:func:`devices.qr.finder._corner_score`: the
   symbol's top-left, top-right and bottom-left finders), the likeliest first; then, when none of
   those read, two candidates of about one size as two finders of a symbol whose third is hidden:
   an edge (top-left and top-right, or top-left and bottom-left; the third a quarter turn away)
   or the diagonal (top-right and bottom-left; the top-left a quarter turn from their midpoint).
   Only the symbol's own orientation (top-right a clockwise quarter turn from bottom-left seen
   from top-left) is kept.
2. **Version**: for each layout, each version whose module pitch would be 1.5 px or more and
   within 0.7-1.3x a seventh of the finders' measured size; the grid through the three finder
   centres (an affine map) is sampled at the centre of each function-pattern module (finders,
   separators, timing, alignment, the dark module; a hidden finder's corner left out) and scored
   by the share that has its colour. The best-scoring (layout, version) at MIN_AGREE or more is
   read (TOP_TRIPLES, TOP_PAIRS).
3. **Fit**: three finder centres fix an affine map, but a phone held at an angle is drawn in
   perspective (codes2 dev seed 63: up to 2 modules off at the far corner). The bottom-right
   alignment pattern (versions 2 and up) and a hidden finder are looked for by template matching
   within SEARCH modules of where the affine map puts them, on the region warped to PX px a module;
   four points give the perspective, three an affine map from the points found.
4. **Read**: :func:`devices.qr.erasure.read_symbol` on the fitted corners (the affine ones when
   neither pattern is found), on its flat grid only (the bent grid read no more on the dev seeds).
   Its checks (format information, every block corrected with two check codewords to spare, the
   segments and standard padding) are what keep a wrong layout from giving a wrong text.

Measured (docs/qr-decoding.md, "Tenth round").
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

import cv2
import numpy as np

from devices.qr import erasure, finder
from devices.qr.symbol import known_modules, size_of

log = logging.getLogger(__name__)

MAX_VERSION = 15
MIN_PITCH = 1.5  # px a module
# the module pitch against a seventh of the finders' measured size (0.81-0.99 on the dev reads)
PITCH_RANGE = (0.7, 1.3)
MIN_AGREE = 0.75  # share of the function-pattern modules that must have their colour
# (layout, version) pairs read, the best-scoring first: for three finders, and for two (where the
# pair's two readings, the hidden finder on one side or the other, often score alike)
TOP_TRIPLES = 1
TOP_PAIRS = 1
PX = 4  # px a module of the warped region the patterns are matched on
SEARCH = 3.0  # modules either way of the affine map's guess
MIN_FINDER_MATCH = 0.4  # normalised correlation for a hidden finder ...
MIN_ALIGN_MATCH = 0.3  # ... and for the alignment pattern
PAIRS = True  # two finders and a hidden third tried when no triple reads
PAIR_CANDIDATES = 8


@dataclass(frozen=True)
class Layout:
    """Where a symbol's three finder centres would be (image px); ``hidden`` the one inferred
    (0 top-left, 1 top-right, 2 bottom-left; -1 none), ``side`` the finders' measured size."""
    tl: np.ndarray
    tr: np.ndarray
    bl: np.ndarray
    hidden: int
    side: float


def _quarter(vector: np.ndarray) -> np.ndarray:
    """``vector`` turned a clockwise quarter on screen (y down)."""
    return np.array([-vector[1], vector[0]])


def _clockwise(tl: np.ndarray, tr: np.ndarray, bl: np.ndarray) -> bool:
    return float((tr[0] - tl[0]) * (bl[1] - tl[1]) - (tr[1] - tl[1]) * (bl[0] - tl[0])) > 0


def triples(found: list[tuple[float, float, float]], limit: int = 4) -> list[Layout]:
    """Three candidates at a right angle, the likeliest first."""
    scored = []
    for i in range(len(found)):
        for j in range(len(found)):
            for k in range(j + 1, len(found)):
                if i in (j, k):
                    continue
                score = finder._corner_score(found[i], found[j], found[k])
                if score is None:
                    continue
                a, b, c = (np.array(found[n][:2], np.float64) for n in (i, j, k))
                tr, bl = (b, c) if _clockwise(a, b, c) else (c, b)
                scored.append((score, Layout(a, tr, bl, -1, (found[i][2] + found[j][2] + found[k][2]) / 3)))
    scored.sort(key=lambda item: item[0])
    return [layout for _, layout in scored[:limit]]


def pairs(found: list[tuple[float, float, float]]) -> list[Layout]:
    """Two candidates as two finders of a symbol whose third is hidden: six ways a pair (of the
    PAIR_CANDIDATES largest)."""
    found = found[:PAIR_CANDIDATES]
    out = []
    for i in range(len(found)):
        for j in range(i + 1, len(found)):
            a, b = np.array(found[i][:2], np.float64), np.array(found[j][:2], np.float64)
            sa, sb = found[i][2], found[j][2]
            side = (sa + sb) / 2
            span = float(np.linalg.norm(b - a))
            if max(sa, sb) > finder.SIZE_RATIO * min(sa, sb):
                continue
            if not 1.6 * side <= span <= finder.MAX_SPAN_FINDERS * side:
                continue
            for tl, other in ((a, b), (b, a)):
                out.append(Layout(tl, other, tl + _quarter(other - tl), 2, side))  # bottom-left hidden
                out.append(Layout(tl, tl - _quarter(other - tl), other, 1, side))  # top-right hidden
            for tr, bl in ((a, b), (b, a)):
                out.append(Layout((tr + bl) / 2 - _quarter((tr - bl) / 2), tr, bl, 0, side))  # top-left hidden
    return [layout for layout in out if _clockwise(layout.tl, layout.tr, layout.bl)]


def _finder_modules(n: int) -> list[tuple[float, float]]:
    return [(3.5, 3.5), (n - 3.5, 3.5), (3.5, n - 3.5)]  # (x, y) in modules: TL, TR, BL centres


@functools.lru_cache(maxsize=128)
def _known_points(version: int, hidden: int) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) module centres of the function-pattern modules and whether each is dark, the hidden
    finder's corner (with its separator) left out."""
    n = size_of(version)
    dark, light = known_modules(version)
    keep = dark | light
    if hidden >= 0:
        r, c = ((0, 0), (0, n - 8), (n - 8, 0))[hidden]
        keep[r:r + 8, c:c + 8] = False
    rows, cols = np.nonzero(keep)
    return np.stack([cols + 0.5, rows + 0.5], axis=1).astype(np.float32), dark[rows, cols]


def _affine(layout: Layout, n: int) -> np.ndarray:
    return cv2.getAffineTransform(np.float32(_finder_modules(n)), np.float32([layout.tl, layout.tr, layout.bl]))


@functools.lru_cache(maxsize=256)
def _scan_points(versions: tuple[int, ...], hidden: int) -> tuple[np.ndarray, ...]:
    """The function-pattern modules of each of ``versions``, one after another: (u, v) their centres
    as fractions of the finder-centre spans (0 at the top-left finder's centre, 1 at the other two),
    whether each is dark, which version's each is (an index into ``versions``), and per version
    how many modules and how many dark ones."""
    coords, darks, which = [], [], []
    for i, version in enumerate(versions):
        points, dark = _known_points(version, hidden)
        coords.append((points - 3.5) / (size_of(version) - 7))
        darks.append(dark)
        which.append(np.full(len(dark), i))
    dark = np.concatenate(darks)
    which_all = np.concatenate(which)
    counts = np.bincount(which_all, minlength=len(versions)).astype(np.float64)
    dark_counts = np.bincount(which_all, weights=dark, minlength=len(versions))
    return np.concatenate(coords), dark, which_all, counts, dark_counts


def agreements(gray: np.ndarray, layout: Layout, versions: tuple[int, ...]) -> np.ndarray:
    """For each of ``versions``, the share of its function-pattern modules that have their colour
    on the affine grid through the finder centres (one pixel at each centre; light and dark either
    way round). All versions in one pass: this runs for every layout."""
    coords, dark, which, counts, dark_counts = _scan_points(versions, layout.hidden)
    across, down = layout.tr - layout.tl, layout.bl - layout.tl
    x = coords[:, 0] * across[0] + coords[:, 1] * down[0] + (layout.tl[0] + 0.5)
    y = coords[:, 0] * across[1] + coords[:, 1] * down[1] + (layout.tl[1] + 0.5)
    x = np.clip(x, 0, gray.shape[1] - 1).astype(np.intp)
    y = np.clip(y, 0, gray.shape[0] - 1).astype(np.intp)
    levels = gray[y, x].astype(np.float64)
    dark_mean = np.bincount(which, weights=levels * dark, minlength=len(versions)) / np.maximum(dark_counts, 1)
    light_mean = (np.bincount(which, weights=levels, minlength=len(versions)) - dark_mean * dark_counts) / np.maximum(
        counts - dark_counts, 1)
    seen_dark = (levels < ((dark_mean + light_mean) / 2)[which]) ^ (dark_mean > light_mean)[which]
    share = np.bincount(which, weights=seen_dark == dark, minlength=len(versions)) / counts
    return np.where(np.abs(light_mean - dark_mean) >= 20, share, 0.0)


def _template(pattern: str) -> np.ndarray:
    """A finder (with its light separator) or an alignment pattern (with a light ring round it),
    PX px a module; 1 light, 0 dark."""
    if pattern == "finder":
        t = np.ones((9, 9), np.float32)
        t[1:8, 1:8] = 0
        t[2:7, 2:7] = 1
        t[3:6, 3:6] = 0
    else:
        t = np.ones((7, 7), np.float32)
        t[1:6, 1:6] = 0
        t[2:5, 2:5] = 1
        t[3, 3] = 0
    return cv2.resize(t, (t.shape[1] * PX, t.shape[0] * PX), interpolation=cv2.INTER_NEAREST)


_TEMPLATES = {name: _template(name) for name in ("finder", "alignment")}


def _match(gray: np.ndarray, affine: np.ndarray, centre: tuple[float, float], pattern: str) -> tuple[np.ndarray, float]:
    """The pattern's centre (image px) within SEARCH modules of ``centre`` (modules) under ``affine``,
    and its normalised correlation (either polarity)."""
    template = _TEMPLATES[pattern]
    half = template.shape[0] / PX / 2 + SEARCH
    side = int(round(2 * half * PX))
    to_image = np.vstack([affine, [0, 0, 1]]) @ np.array([[1 / PX, 0, centre[0] - half], [0, 1 / PX, centre[1] - half],
                                                          [0, 0, 1]])
    window = cv2.warpAffine(gray, to_image[:2], (side, side), flags=cv2.WARP_INVERSE_MAP | cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
    scores = np.abs(cv2.matchTemplate(window, template, cv2.TM_CCOEFF_NORMED))
    _, score, _, (x, y) = cv2.minMaxLoc(scores)
    found = to_image @ np.array([x + template.shape[1] / 2, y + template.shape[0] / 2, 1.0])
    return found[:2], float(score)


def corners(layout: Layout, version: int) -> np.ndarray:
    """The symbol's corners (TL, TR, BR, BL, quiet zone excluded) on the affine grid."""
    n = size_of(version)
    return cv2.transform(np.float32([[[0, 0], [n, 0], [n, n], [0, n]]]), _affine(layout, n))[0]


def fitted_corners(gray: np.ndarray, layout: Layout, version: int) -> np.ndarray | None:
    """The corners from the seen finders plus the alignment pattern and a hidden finder where
    they are found: a perspective map from four points, an affine one from three; None with fewer."""
    n = size_of(version)
    modules = _finder_modules(n)
    affine = _affine(layout, n)
    centres = [layout.tl, layout.tr, layout.bl]
    src = [modules[i] for i in range(3) if i != layout.hidden]
    dst = [centres[i] for i in range(3) if i != layout.hidden]
    if layout.hidden >= 0:
        found, score = _match(gray, affine, modules[layout.hidden], "finder")
        if score >= MIN_FINDER_MATCH:
            src.append(modules[layout.hidden])
            dst.append(found)
    if version >= 2:
        found, score = _match(gray, affine, (n - 6.5, n - 6.5), "alignment")
        if score >= MIN_ALIGN_MATCH:
            src.append((n - 6.5, n - 6.5))
            dst.append(found)
    square = np.float32([[[0, 0], [n, 0], [n, n], [0, n]]])
    if len(src) == 4:
        return cv2.perspectiveTransform(square, cv2.getPerspectiveTransform(np.float32(src), np.float32(dst)))[0]
    if len(src) == 3:
        return cv2.transform(square, cv2.getAffineTransform(np.float32(src), np.float32(dst)))[0]
    return None


def _versions(layout: Layout) -> list[int]:
    span = float(np.linalg.norm(layout.tr - layout.tl) + np.linalg.norm(layout.bl - layout.tl)) / 2
    out = []
    for version in range(1, MAX_VERSION + 1):
        pitch = span / (size_of(version) - 7)
        if pitch < MIN_PITCH:
            break
        if PITCH_RANGE[0] * layout.side / 7 <= pitch <= PITCH_RANGE[1] * layout.side / 7:
            out.append(version)
    return out


def _read_layouts(gray: np.ndarray, layouts: list[Layout], top: int) -> tuple[erasure.ErasureRead, np.ndarray] | None:
    scored = []
    for layout in layouts:
        versions = tuple(_versions(layout))
        if versions:
            scored.extend(zip(agreements(gray, layout, versions), versions, [layout] * len(versions)))
    scored.sort(key=lambda item: -item[0])
    for agree, version, layout in scored[:top]:
        if agree < MIN_AGREE:
            break
        placed = fitted_corners(gray, layout, version)
        if placed is None:
            placed = corners(layout, version)
        try:
            found = erasure.read_symbol(gray, placed, version, bent=False)
        except (ValueError, cv2.error):  # a degenerate quadrilateral
            log.debug("grid read failed on corners %s", placed.tolist(), exc_info=True)
            continue
        if found is not None:
            return found, placed
    return None


def read(gray: np.ndarray, found: list[tuple[float, float, float]]) -> list[tuple[erasure.ErasureRead, np.ndarray]]:
    """The symbol placed from finder candidates ``found`` ((x, y, side) in ``gray``'s pixels), read
    with erasures, with its corners; [] when none reads with certainty."""
    hit = _read_layouts(gray, triples(found), TOP_TRIPLES)
    if hit is None and PAIRS:
        hit = _read_layouts(gray, pairs(found), TOP_PAIRS)
    return [hit] if hit is not None else []
