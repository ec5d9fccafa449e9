"""A QR code with a thumb over it, read by Reed-Solomon erasure decoding.

zxing-cpp corrects errors only: a block of n codewords with n-k check codewords survives
(n-k)/2 wrong codewords. A thumb, a sticker or a fold does not make modules wrong at random; it
makes them *unreadable*, neither dark nor light, and a decoder that knows where the unreadable
codewords are (erasures) corrects twice as many: ``2 * errors + erasures <= n - k`` per block
(ISO/IEC 18004 annex on error correction; the RS code is over GF(256) with polynomial 0x11d and
the generator's first root alpha^0).

The pass (:func:`read`): zxing-cpp's ``return_errors=True`` hands back the symbols it located but
could not decode, with their four corners. From those corners this module samples the module grid
(3 x 3 points in each module's centre, through a perspective transform), checks the version (version information, v7 and up)
and the format information (BCH(15,5), either copy, a bit under a thumb left out of the distance),
marks as erased each module that is neither dark nor light against the levels of the finder
patterns (a grey or skin-coloured blob), or that lies in a run of such grey, unmasks, reads the
codewords in the standard placement order, de-interleaves them into blocks and corrects each
block with its erasures (``reedsolo``). A symbol that does not read so is sampled once more on a
grid bent to it (a wrinkled T-shirt, a crumpled sheet: :func:`_rectify_local`). Then the segments (numeric, alphanumeric, byte, kanji,
GB2312 hanzi, ECI) become the payload's bytes, and :mod:`devices.qr.text` decides their text as
for any other code.

The symbol's layout is :mod:`devices.qr.symbol`, the block correction :mod:`devices.qr.reed_solomon`
and the segments :mod:`devices.qr.segments`; this module samples, erases and puts them together.

No wrong text: a result is accepted only if every block decodes with redundancy to spare
(``2 * errors + erasures <= n - k - SPARE``), the corrected codewords are a codeword, the segments
parse to the end and the padding after the terminator is the standard one; else nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Iterable

import cv2
import numpy as np

from devices.qr import text as qrtext
from devices.qr.reed_solomon import Uncorrectable, rs_correct
from devices.qr.segments import BadSegments, parse_segments
from devices.qr.symbol import (block_indexes, block_layout, data_positions, known_modules, mask_pattern, read_format,
                               size_of, version_agrees)

log = logging.getLogger(__name__)

SAMPLES = 3  # points a side sampled in each module
_OFFSETS = np.linspace(0.2, 0.6, SAMPLES, dtype=np.float32)  # as a warp to 5 px a module sampled them (centred: 1-2 fewer on dev)
SPARE = 2  # check codewords each block must have left after its errors and erasures
# A module whose level lies within GREY_BAND * contrast of the dark/light midpoint is erased.
GREY_BAND = 0.25
# ... and so is one in a 3x3 patch of like modules at least UNIFORM_OFF * contrast from both levels.
UNIFORM_OFF = 0.14
UNIFORM_SPREAD = 0.08
MIN_MODULE_PX = 2.0  # a candidate's modules must be at least this wide
MAX_CANDIDATES = 2  # located-but-unread symbols tried per frame (each ~1 ms when it fails)
# A symbol that does not read on its flat grid is sampled again with the grid bent locally
# (_rectify_local): warped to LOCAL_PX pixels a module, each sampling point moved a pixel at a time
# in LOCAL_STEPS, judged over patches of that many modules a side (chosen on qr-real's wrinkled
# T-shirts and on wrinkled synthetic codes, tests/test_qr_erasure.py).
LOCAL_PX = 6
LOCAL_STEPS = (7, 5)


@dataclass(frozen=True)
class ErasureRead:
    text: str
    raw: bytes  # the payload's bytes, ECI designators left out
    erasures: int  # codewords erased over all blocks
    errors: int  # codewords corrected that were not erased


class _Reject(Exception):
    """The symbol cannot be read with certainty."""


# -- sampling -----------------------------------------------------------------------------------

def _rectify(gray: np.ndarray, corners: np.ndarray, version: int) -> np.ndarray:
    """Each module's level: the mean of SAMPLES x SAMPLES points in it (at _OFFSETS of its width), the
    points mapped into the frame through the perspective transform from the grid to ``corners``
    (TL, TR, BR, BL of the symbol, quiet zone excluded). Only those points are sampled: warping the
    whole grid cost 4x as much."""
    n = size_of(version)
    square = np.array([[0, 0], [n, 0], [n, n], [0, n]], np.float32)
    transform = cv2.getPerspectiveTransform(square, corners.astype(np.float32))
    steps = (np.arange(n, dtype=np.float32)[:, None] + _OFFSETS[None, :]).ravel()
    u, v = np.meshgrid(steps, steps)
    points = cv2.perspectiveTransform(np.stack([u, v], axis=-1).reshape(-1, 1, 2), transform).reshape(len(steps), len(steps), 2)
    sampled = cv2.remap(gray, points[..., 0], points[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return sampled.reshape(n, SAMPLES, n, SAMPLES).astype(np.float32).mean(axis=(1, 3))


def _rectify_local(gray: np.ndarray, corners: np.ndarray, version: int) -> np.ndarray:
    """Each module's level where the symbol is not flat (a wrinkled T-shirt, a bent card): the grid
    moved locally. The symbol is warped to LOCAL_PX pixels a module and each module's sampling point
    starts at its centre. In each of LOCAL_STEPS, every point may move a pixel (a sixth of a
    module) in any of eight directions or stay; the move kept for a module is the one that puts the
    points of the patch of modules around it (the step's size a side), each moved the same way,
    furthest from the dark/light midpoint on average: a point on a module's edge is grey, one in
    its middle dark or light. The patches shrink from step to step, so the grid bends smoothly and
    follows a fold further than one large move could without jumping a module (on a wrinkled
    synthetic code a single move of up to a third of a module read fewer). On a flat code the
    points stay about the centres and the levels are those of :func:`_rectify`."""
    n = size_of(version)
    side = n * LOCAL_PX
    square = np.array([[0, 0], [side, 0], [side, side], [0, side]], np.float32)
    transform = cv2.getPerspectiveTransform(square, corners.astype(np.float32))
    canvas = cv2.warpPerspective(gray, transform, (side, side), flags=cv2.WARP_INVERSE_MAP | cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_REPLICATE)
    canvas = cv2.blur(canvas.astype(np.float32), (3, 3))
    rows = np.repeat((np.arange(n) * LOCAL_PX + LOCAL_PX // 2)[:, None], n, axis=1)
    cols = rows.T.copy()
    dark, light = known_modules(version)
    mid = (float(np.median(canvas[rows, cols][dark])) + float(np.median(canvas[rows, cols][light]))) / 2
    dy, dx = (d.ravel()[:, None, None] for d in np.meshgrid([-1, 0, 1], [-1, 0, 1], indexing="ij"))
    for patch in LOCAL_STEPS:
        moved_rows = np.clip(rows[None] + dy, 0, side - 1)  # (move, row, column)
        moved_cols = np.clip(cols[None] + dx, 0, side - 1)
        levels = canvas[moved_rows, moved_cols]
        # one box filter over every move at once (a channel each)
        sharpness = cv2.blur(np.abs(levels - mid).transpose(1, 2, 0), (patch, patch), borderType=cv2.BORDER_REFLECT)
        best = sharpness.reshape(n, n, -1).argmax(axis=2)[None]
        rows = np.take_along_axis(moved_rows, best, 0)[0]
        cols = np.take_along_axis(moved_cols, best, 0)[0]
    return canvas[rows, cols]


SAMPLINGS = (_rectify, _rectify_local)  # in turn, until one reads


def _levels(means: np.ndarray, version: int) -> tuple[float, float]:
    dark, light = known_modules(version)
    d = float(np.median(means[dark]))
    lt = float(np.median(means[light]))
    return d, lt


def _erasures(means: np.ndarray, dark: float, light: float, band: float) -> np.ndarray:
    contrast = light - dark
    mid = (dark + light) / 2
    grey = np.abs(means - mid) < band * contrast
    off = np.minimum(np.abs(means - dark), np.abs(means - light)) > UNIFORM_OFF * contrast
    # a 3x3 patch of modules within UNIFORM_SPREAD * contrast of each other: a blob, not a code
    high = cv2.dilate(means, np.ones((3, 3), np.uint8))
    low = cv2.erode(means, np.ones((3, 3), np.uint8))
    flat = (high - low) < UNIFORM_SPREAD * contrast
    blob = cv2.dilate((flat & off).astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool) & off
    return grey | blob


# -- codewords and blocks ----------------------------------------------------------------------


def _codewords(modules: np.ndarray, doubt: np.ndarray, version: int, mask: int) -> tuple[np.ndarray, np.ndarray]:
    """The codewords in placement order (unmasked) and each one's doubt: the sum of its modules'."""
    positions = data_positions(version)
    count = len(positions) // 8
    rows, cols = positions[:count * 8, 0], positions[:count * 8, 1]
    bits = modules[rows, cols] ^ mask_pattern(mask, modules.shape[0])[rows, cols]
    words = np.packbits(bits.astype(np.uint8))
    return words, doubt[rows, cols].reshape(count, 8).sum(axis=1)


def correct(words: np.ndarray, doubt: np.ndarray, version: int, level: str) -> tuple[bytes, int, int]:
    """The data codewords, de-interleaved and corrected block by block; (data, erasures, errors).

    A block's codewords with doubt (a module under a blob) are erased, the most doubtful first, at
    most ``n - k - SPARE`` of them; the rest are trusted (a codeword the blob's edge grazes is often
    right; erasing two fewer to leave room for one error read nothing more on the dev seeds, and
    reedsolo's error search is the slow part). A block with far more doubtful
    codewords than it can erase is not tried (more than cap/6 + 1 over: the most a block read on
    the dev seeds had was 4 over 24); the worst
    block goes first, so a hopeless symbol costs one block. Raises _Reject when a block cannot be
    corrected with SPARE check codewords left over."""
    layout = block_layout(version, level)
    ecc = layout[0][0] - layout[0][1]
    cap = ecc - SPARE
    blocks = block_indexes(layout)
    ranked = []
    for indexes in blocks:
        scores = doubt[indexes]
        ranked.append([int(j) for j in np.argsort(-scores, kind="stable") if scores[j] > 0])
    fixed: dict[int, bytes] = {}
    erasures = errors = 0
    for b in sorted(range(len(blocks)), key=lambda b: -len(ranked[b])):
        doubtful = ranked[b]
        if len(doubtful) - cap > cap // 6 + 1:
            raise _Reject(f"block {b}: {len(doubtful)} doubtful codewords, {ecc} check codewords")
        received = bytes(int(words[i]) for i in blocks[b])
        erased = doubtful[:cap]
        try:
            candidate = rs_correct(received, ecc, erased, max_errors=(cap - len(erased)) // 2)
        except Uncorrectable as why:
            raise _Reject(f"block {b}: {len(doubtful)} doubtful codewords, {ecc} check codewords: {why}") from None
        gone = set(erased)
        wrong = sum(1 for j in range(len(received)) if j not in gone and candidate[j] != received[j])
        if 2 * wrong + len(erased) > cap:
            raise _Reject(f"block {b}: {wrong} errors and {len(erased)} erasures, {ecc} check codewords")
        fixed[b] = candidate
        erasures += len(erased)
        errors += wrong
    data = b"".join(fixed[b][:k] for b, (_, k) in enumerate(layout))
    return data, erasures, errors


# -- the pass -----------------------------------------------------------------------------------

def read_symbol(gray: np.ndarray, corners: np.ndarray, version: int, bent: bool = True) -> ErasureRead | None:
    """The symbol of ``version`` whose corners (TL, TR, BR, BL) are given, read with erasures
    (``bent``: if the flat grid does not read, on a grid bent to it too)."""
    if not 1 <= version <= 40:
        return None
    for sample in SAMPLINGS if bent else SAMPLINGS[:1]:
        found = _read_levels(sample(gray, corners, version), version)
        if found is not None:
            return found
    return None


def _read_levels(means: np.ndarray, version: int) -> ErasureRead | None:
    """The symbol read from its modules' levels, or None."""
    dark, light = _levels(means, version)
    inverted = dark > light  # dark mode: light modules on a dark screen
    if abs(light - dark) < 20:
        return None
    modules = (means < (dark + light) / 2) ^ inverted
    known_dark, known_light = known_modules(version)
    agree = (modules[known_dark].sum() + (~modules[known_light]).sum()) / (known_dark.sum() + known_light.sum())
    if agree < 0.85:  # the grid is not where the corners say
        return None
    lo, hi = min(dark, light), max(dark, light)
    erased = _erasures(means, lo, hi, GREY_BAND)
    # a module's doubt: 1 under a blob, plus how near the midpoint it is (0 at a level, 1 there)
    closeness = 1 - np.clip(np.abs(means - (lo + hi) / 2) / ((hi - lo) / 2), 0, 1)
    doubt = np.where(erased, 1 + closeness, 0.0)
    try:
        return _read(modules, erased, doubt, version)
    except (_Reject, BadSegments) as why:
        log.debug("erasure read of a v%d symbol: %s", version, why)
    return None


def _read(modules: np.ndarray, erased: np.ndarray, doubt: np.ndarray, version: int) -> ErasureRead:
    if not version_agrees(modules, erased, version):
        raise _Reject("version information")
    found = read_format(modules, erased)
    if found is None:
        raise _Reject("format information")
    level, mask = found
    words, scores = _codewords(modules, doubt, version, mask)
    data, erasures, errors = correct(words, scores, version, level)
    raw, eci_text = parse_segments(data, version)
    # no ECI: the text layer weighs the standard's ISO 8859-1 against UTF-8 and the CJK sets, as it
    # does for zxing-cpp's reads of such codes
    text = eci_text if eci_text is not None else qrtext.reconcile(raw, raw.decode("iso-8859-1"))
    return ErasureRead(text, raw, erasures, errors)


def candidates(barcodes: Iterable[object], min_module: float = MIN_MODULE_PX) -> list[tuple[np.ndarray, int]]:
    """(corners, version) of zxing-cpp's located-but-unread QR codes (model 2; not Micro QR or
    rMQR) with modules at least ``min_module`` px wide, largest first, without near-duplicates."""
    found: list[tuple[float, np.ndarray, int]] = []
    for barcode in barcodes:
        if getattr(barcode, "valid", True):
            continue
        extra = getattr(barcode, "extra", None) or {}
        version = str(extra.get("Version", ""))
        if not version.isdigit():
            continue
        p = barcode.position  # type: ignore[attr-defined]
        corners = np.array([[p.top_left.x, p.top_left.y], [p.top_right.x, p.top_right.y],
                            [p.bottom_right.x, p.bottom_right.y], [p.bottom_left.x, p.bottom_left.y]], np.float32)
        area = abs(float(cv2.contourArea(corners)))
        if int(version) > 40 or area < (min_module * size_of(int(version))) ** 2:
            continue  # modules too small to tell grey from dark or light (or a version that is not)
        side = np.sqrt(area)
        if any(int(version) == v and np.abs(corners - c).max() < 0.05 * side for _, c, v in found):
            continue  # the same symbol found twice (zxing-cpp tries several ways)
        found.append((area, corners, int(version)))
    found.sort(key=lambda item: -item[0])
    return [(corners, version) for _, corners, version in found[:MAX_CANDIDATES]]


def read(gray: np.ndarray, barcodes: Iterable[object]) -> list[tuple[ErasureRead, np.ndarray]]:
    """Erasure reads of zxing-cpp's failed symbols (``return_errors=True``) on ``gray``, with
    their corners; [] when none reads with certainty."""
    out = []
    for corners, version in candidates(barcodes):
        try:
            result = read_symbol(gray, corners, version)
        except (ValueError, cv2.error):  # a degenerate quadrilateral
            log.debug("erasure read failed on corners %s", corners.tolist(), exc_info=True)
            continue
        if result is not None and all(result.raw != r.raw for r, _ in out):
            out.append((result, corners))
    return out
