"""``decode(frame)``: every QR code in a camera frame, by a cascade of two decoders and image fixes.

Why this cascade (the measurements are in docs/qr-decoding.md; ``kiosk bench qr --vs``):

1. zxing-cpp (QR only) on the greyscale frame. It is the best single decoder on real photos and
   the fastest by far when told to look for QR codes only; it already tries rotations, inverted
   (dark-mode) symbols and downscaled copies of large frames, and reads every code of a frame
   with several.
2. Only when it found nothing, fixes that each rescued codes it missed, in order of codes rescued
   per millisecond, stopping at the first hit: a global binariser (glare, low contrast); the region
   passes (:mod:`devices.qr.regions`: on a crop around the densest patch of edges, a Wiener
   deconvolution along a smear, for a dimmed screen a smoothed 2x upscale against its gain noise,
   a gamma curve for a dimmed or overexposed screen, a 2x upscale with an unsharp mask for 1-2 px
   modules and on small crops a 3x one for modules near 1 px, a wide unsharp mask); 2x upscaling of frames up to 800 px;
   an unsharp mask (blur); zbar in binary mode (it reads some damaged codes zxing-cpp does not; on
   a frame shrunk to 800 px, as it is slow); CLAHE; an adaptive threshold; a median filter (moire,
   noise). Frames no larger than a crop (320 px) get the region passes last, on the whole frame.
   Passes that produced a wrong text on the real corpus are left out.
3. The fixes' cost is bounded by a budget that grows with the frame's pixels, counted in
   estimated (not measured) milliseconds, so a frame gets the same passes whatever the load.
4. Only when all of that read nothing: the symbols the first zxing-cpp pass located but could not
   correct are read with Reed-Solomon erasures (:mod:`devices.qr.erasure`: a thumb's grey modules
   erased, so a block corrects twice as many), 2-4 ms a symbol; frames already read never pay it.
   Then the same symbols, each on a crop round it, restored (:mod:`devices.qr.defocus`: a lens's
   disc of 0.7-1.0 module widths undone, a straight smear along the crop's own direction undone, or
   modules of 1-2 px upscaled), 1-4 ms a try. Before
   both, when the locator's first crop is larger than FINDER_MIN_CROP (a phone and its backdrop),
   the code's own box inside it from its finder patterns (:mod:`devices.qr.finder`) gets the passes
   again, its histogram now the code's and small enough for the upscales. Last, where zxing-cpp's
   first pass saw a finder-like pattern but placed no QR symbol: the symbol placed from two or three
   finder candidates of that crop (:mod:`devices.qr.grid`: a thumb over the third) and read by the
   erasure reader.

Text is never taken from a decoder's own guess: zbar hands over raw bytes (binary mode),
zxing-cpp its ``bytes`` and ECI-aware ``text``, and :mod:`devices.qr.text` decides. Both decoders
check the Reed-Solomon code; a result is returned only if its decoder called it valid.

``decode`` never raises on a bad frame (empty, 1x1, wrong dtype, NaN): it returns ``[]``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable, Iterator

import cv2
import numpy as np

from devices.qr import defocus, erasure, finder, grid
from devices.qr import regions
from devices.qr import text as qrtext
from devices.qr import zbar

log = logging.getLogger(__name__)

# Frames up to this size (longer side) are upscaled 2x in the fixes; larger ones rely on the region passes.
SMALL_FRAME = 800
# zbar's time grows with pixels and texture; it sees the frame shrunk to this size at most.
ZBAR_MAX_SIDE = 800
# No fix pass starts once the estimated time spent passes BUDGET_BASE_MS + BUDGET_MS_PER_MEGAPIXEL
# * megapixels (see decode_gray): 3.5 ms for a 240x240 crop, 5.5 ms for 640x480, 10.4 ms for 1280x720
# (a region pass starts only if it also ends within it).
BUDGET_BASE_MS = 3.0
BUDGET_MS_PER_MEGAPIXEL = 8.0
PASS_OVERHEAD_MS = 0.1
BASE_MS_PER_MEGAPIXEL = 2.5  # the first zxing-cpp pass
AUTO = -1.0
# Frames up to this size (a tracker's crop, a small photo) are one region: no locating.
CROP_SIDE = 320


def REGIONS() -> list:  # a marker in _fix_passes: the region passes go here
    return []
# The region passes: on at most REGION_LIMIT crops from regions.locate; crops up to
# REGION_UPSCALE_SIDE px are upscaled. Costs per megapixel of the frame (locating) or of the crop.
REGION_LIMIT = 2
REGION_UPSCALE_SIDE = 400
TINY_CROP_SIDE = 200  # crops up to this size (a code of 1-2 px modules) also get a 3x upscale
LOCATE_MS_PER_MEGAPIXEL = 1.2
# The gamma curves, the cheapest region pass per megapixel; one of them always runs on a crop. A crop where
# even one would overrun the budget gets none, so it is not measured (direction, percentiles) either.
GAMMA_MS_PER_MEGAPIXEL = 11.0
ANISOTROPY_MS_PER_MEGAPIXEL = 6.0
# A crop whose gradients are this one-sided (regions.motion_direction) is deconvolved along the
# smear, with these lengths in px (the smear's length is not estimated; shortest first).
MOTION_ANISOTROPY = 0.25
SMEAR_LENGTHS = (7.0, 10.0, 4.0, 14.0)
DIM_HIGH = 110
# ... or, as the crop around a dimmed phone often holds a bright backdrop too (codes2), its median
# below DIM_MEDIAN with its 1st percentile (the screen's black) below DIM_FLOOR. None: that test off.
DIM_MEDIAN: float | None = 100
DIM_FLOOR = 25
BRIGHT_LOW = 75
# The whole frame's unsharp mask (a fix pass) after the region passes have run one on a crop. False: skipped
# there (its estimate still counted, so the passes after it are the same): on the dev corpora it read only frames
# whose crops got none, and it is the dearest pass at the first generator's p95 (about 3 ms on 1280x720); but on
# first-generator seed 26 one frame it read is then read by another pass, so it changes an answer: not used
# (docs/qr-decoding.md, "Sixteenth round").
SHARPEN_AFTER_REGIONS = True
# After the erasure pass, a located symbol deconvolved as a defocus (devices.qr.defocus). False: off.
DEFOCUS = True
# After the budgeted passes, when the locator's first crop is larger than FINDER_MIN_CROP (a phone
# and its backdrop rather than a code), the code's own box from its finder patterns
# (devices.qr.finder, looked for on the crop halved to FINDER_SIDE at most) gets the passes again,
# like the erasure pass outside the budget. False: off.
FINDER = True
FINDER_MIN_CROP = 480
FINDER_SIDE = 500
FINDER_MAX_AREA = 0.7  # a code box is read only if it is at most this share of the crop
# Last, when nothing read the frame: the symbol placed from the finder candidates in the locator's
# first crop (the whole frame up to CROP_SIDE) and read module by module (devices.qr.grid). Only
# where zxing-cpp's first pass saw a finder-like pattern (it hands back a located-but-unread result)
# but placed no QR symbol with a version (GRID_WHEN_LOCATED; False: on every frame nothing read).
# False: off.
GRID = True
GRID_WHEN_LOCATED = True
BRIGHT_GAMMA = 4.0  # an overexposed screen's crop: its grey blacks pushed down (2 read fewer on dev seeds)


@dataclass(frozen=True)
class QrResult:
    text: str
    raw: bytes = field(repr=False)
    corners: np.ndarray = field(repr=False, compare=False)  # float32 (4, 2): TL, TR, BR, BL in frame pixels
    decoder: str = ""  # which pass found it (for the benchmark and the log)


# -- input --------------------------------------------------------------------------------------

def to_gray(frame: object) -> np.ndarray | None:
    """An 8-bit, C-contiguous greyscale copy of ``frame`` (BGR, BGRA, grey, any numeric dtype), or None."""
    if not isinstance(frame, np.ndarray) or frame.size == 0:
        return None
    image = frame
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (3, 4)):
        return None
    if image.shape[0] < 8 or image.shape[1] < 8:
        return None
    if image.dtype != np.uint8:
        image = _to_uint8(image)
        if image is None:
            return None
    if image.ndim == 3:
        code = cv2.COLOR_BGR2GRAY if image.shape[2] == 3 else cv2.COLOR_BGRA2GRAY
        image = cv2.cvtColor(np.ascontiguousarray(image), code)
    return np.ascontiguousarray(image)


def _to_uint8(image: np.ndarray) -> np.ndarray | None:
    if image.dtype == np.bool_:
        return image.astype(np.uint8) * 255
    if not (np.issubdtype(image.dtype, np.integer) or np.issubdtype(image.dtype, np.floating)):
        return None
    values = image.astype(np.float32)
    values = np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)
    if np.issubdtype(image.dtype, np.floating) and float(values.max(initial=0.0)) <= 1.0:
        values = values * 255.0  # floats in 0..1
    elif image.dtype in (np.uint16, np.int32, np.uint32, np.int64, np.uint64) and float(values.max(initial=0)) > 255:
        values = values * (255.0 / float(values.max()))
    return np.clip(values, 0, 255).astype(np.uint8)


# -- the two decoders ---------------------------------------------------------------------------

@dataclass
class _Hit:
    text: str
    raw: bytes
    corners: np.ndarray  # in the coordinates of the image the decoder saw
    decoder: str


def _zxing(gray: np.ndarray, name: str = "zxing", failed: list | None = None, **options: object) -> list[_Hit]:
    """zxing-cpp's valid reads; with ``failed``, the symbols it located but could not decode are
    appended to it (for :mod:`devices.qr.erasure`)."""
    import zxingcpp

    try:
        found = zxingcpp.read_barcodes(gray, formats=[zxingcpp.BarcodeFormat.QRCode],
                                       text_mode=zxingcpp.TextMode.Plain, return_errors=failed is not None,
                                       **options)
    except Exception:  # a binding error on an odd image must not reach the camera loop
        log.debug("zxing-cpp failed", exc_info=True)
        return []
    hits = []
    for barcode in found:
        if not barcode.valid:
            if failed is not None:
                failed.append(barcode)
            continue
        raw = bytes(barcode.bytes)
        p = barcode.position
        corners = np.array([[p.top_left.x, p.top_left.y], [p.top_right.x, p.top_right.y],
                            [p.bottom_right.x, p.bottom_right.y], [p.bottom_left.x, p.bottom_left.y]],
                           dtype=np.float32)
        hits.append(_Hit(qrtext.reconcile(raw, barcode.text), raw, corners, name))
    return hits


def _zbar(gray: np.ndarray, name: str = "zbar") -> list[_Hit]:
    try:
        found = zbar.scan(gray)
    except Exception:  # pyzbar raises ValueError / PyZbarError on some images
        log.debug("zbar failed", exc_info=True)
        return []
    hits = []
    for symbol in found:
        points = np.array(symbol.points, dtype=np.float32).reshape(-1, 2)
        hits.append(_Hit(qrtext.decode_bytes(symbol.data), symbol.data, _quad(points), name))
    return hits


def _quad(points: np.ndarray) -> np.ndarray:
    """zbar's QR location (TL, BL, BR, TR) as TL, TR, BR, BL; any other polygon by its bounding box."""
    if points.shape == (4, 2):
        return points[[0, 3, 2, 1]].copy()
    if len(points) == 0:
        return np.zeros((4, 2), np.float32)
    x0, y0 = points.min(axis=0)
    x1, y1 = points.max(axis=0)
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)


# -- the cascade --------------------------------------------------------------------------------

def _scaled(image: np.ndarray, scale: float) -> np.ndarray:
    if scale == 1.0:
        return image
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=interpolation)


def _fix_passes(gray: np.ndarray,
                sharpened: list | None = None) -> Iterator[tuple[float, float, Callable[[], list[_Hit]]]]:
    """(scale the pass sees the frame at, its estimated ms, run) for the fixes, in order of codes
    rescued per ms. Estimates: ``PASS_OVERHEAD_MS + cost * megapixels``, costs measured with
    ``kiosk bench qr`` on frames where nothing is found (the worst case) on one 2-core machine.
    ``sharpened``: filled by the region passes with the unsharp masks they ran (see SHARPEN_AFTER_REGIONS)."""
    import zxingcpp

    global_bin = zxingcpp.Binarizer.GlobalHistogram
    longest = max(gray.shape)
    mp = gray.size / 1e6

    def cost(per_mp: float) -> float:
        return PASS_OVERHEAD_MS + per_mp * mp

    # A global threshold instead of zxing-cpp's local one: glare gradients, low contrast.
    yield 1.0, cost(1.2), lambda: _zxing(gray, "zxing:global", binarizer=global_bin)
    # The region passes (a crop around the likeliest code): small modules, smears, exposure. A
    # frame no larger than a crop gets them last, on the whole of it.
    if longest > CROP_SIDE:
        yield 1.0, 0.0, REGIONS
    # Small modules: upscale (zxing-cpp samples modules at the centre; 2-3 px modules blur out).
    # Frames above SMALL_FRAME were upscaled 1.5x before the region passes: they read more per ms.
    if longest <= SMALL_FRAME:  # the upscale made once, when the first of its passes runs (the budget may
        up: list[np.ndarray] = []  # stop the cascade before it)

        def upscaled() -> np.ndarray:
            if not up:
                up.append(_scaled(gray, 2.0))
            return up[0]
        yield 2.0, cost(3.5), lambda: _zxing(upscaled(), "zxing:up2:global", binarizer=global_bin)
        yield 2.0, cost(5.5), lambda: _zxing(upscaled(), "zxing:up2")
    # Blur and defocus: unsharp mask; not run (its estimate still counted) where the region passes have
    # already sharpened the likeliest code's crop, unless SHARPEN_AFTER_REGIONS.
    def sharpen() -> list[_Hit]:
        if sharpened and not SHARPEN_AFTER_REGIONS:
            return []
        return _zxing(cv2.addWeighted(gray, 2.0, cv2.GaussianBlur(gray, (0, 0), 2), -1.0, 0), "zxing:sharpen")
    yield 1.0, cost(6.0), sharpen
    # zbar reads some damaged codes zxing-cpp does not (finder patterns broken by glare or print).
    cap = min(1.0, ZBAR_MAX_SIDE / longest)
    yield cap, cost(35.0 * cap * cap), lambda: _zbar(_scaled(gray, cap), "zbar")
    # Uneven light: local contrast equalisation, then adaptive threshold.
    yield 1.0, cost(9.0), lambda: _zxing(cv2.createCLAHE(2.0, (8, 8)).apply(gray), "zxing:clahe")
    yield 1.0, cost(4.3), lambda: _zxing(cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C,
                                                               cv2.THRESH_BINARY, 51, 5), "zxing:adaptive")
    # Moire and noise: a median filter.
    yield 1.0, cost(2.1), lambda: _zxing(cv2.medianBlur(gray, 3), "zxing:median")
    if longest <= CROP_SIDE:
        yield 1.0, 0.0, REGIONS


def _region_passes(crop: np.ndarray,
                   sharpened: list | None = None) -> Iterator[tuple[float, float, Callable[[], list[_Hit]]]]:
    """(scale, estimated ms, run) of the fixes on a crop around a likely code, in order of codes
    rescued per ms on the first generator's dev seeds (see :mod:`devices.qr.regions`). The unsharp
    masks that run are appended to ``sharpened``."""
    mp = crop.size / 1e6

    def cost(per_mp: float) -> float:
        return PASS_OVERHEAD_MS + per_mp * mp

    def unsharp_read(image: Callable[[], np.ndarray], name: str) -> list[_Hit]:
        if sharpened is not None:
            sharpened.append(name)
        return _zxing(image(), name)

    angle, anisotropy = regions.motion_direction(crop)
    if anisotropy >= MOTION_ANISOTROPY:  # a smear: Wiener deconvolution along it
        deconvolve: list[regions.LineDeconvolver] = []  # the crop's spectrum, made by the first length run

        def run(length: float) -> list[_Hit]:
            if not deconvolve:
                deconvolve.append(regions.LineDeconvolver(crop, angle))
            return _zxing(deconvolve[0](length), f"zxing:deconvolve{length:g}")
        for length in SMEAR_LENGTHS:
            yield 1.0, cost(50.0), lambda length=length: run(length)
    # A screen turned down (the crop's 99th percentile below DIM_HIGH, or its median below
    # DIM_MEDIAN and its 1st percentile below DIM_FLOOR) or up (its 1st above BRIGHT_LOW and white
    # clipped): the gamma curve for it goes first.
    low, middle, high = np.percentile(_sorted_levels(crop[::2, ::2]), (1, 50, 99))
    dim = high < DIM_HIGH or (DIM_MEDIAN is not None and middle < DIM_MEDIAN and low < DIM_FLOOR)
    gamma = 0.5 if dim else BRIGHT_GAMMA if (low > BRIGHT_LOW and high >= 250) else 1.0
    if gamma == 0.5:  # a dimmed screen's gain noise: smoothed and upscaled before the gamma curve,
        # or (a crop too large for that within the budget) smoothed between two stretches
        yield 2.0, cost(30.0), lambda: _zxing(regions.denoise_up2(crop), "zxing:region-denoise")
        yield 1.0, cost(17.0), lambda: _zxing(regions.denoise_gamma(crop), "zxing:region-denoise-gamma")
    if gamma != 1.0:
        yield 1.0, cost(GAMMA_MS_PER_MEGAPIXEL), lambda: _zxing(regions.stretch(crop, gamma),
                                                              f"zxing:region-gamma{gamma:g}")
    if max(crop.shape) <= REGION_UPSCALE_SIDE:  # 1-2 px modules
        yield 2.0, cost(40.0), lambda: unsharp_read(lambda: regions.unsharp(_scaled(crop, 2.0), 2.0, 2.0),
                                                    "zxing:region-up2-sharpen")
    if max(crop.shape) <= TINY_CROP_SIDE:  # modules near 1 px: 3x and a stronger unsharp mask
        yield 3.0, cost(55.0), lambda: unsharp_read(lambda: regions.unsharp(_scaled(crop, 3.0), 2.0, 3.0),
                                                    "zxing:region-up3-sharpen")
    yield 1.0, cost(14.0), lambda: unsharp_read(lambda: regions.unsharp(crop, 3.0, 2.0), "zxing:region-sharpen")
    for other in (2.0, 0.5):
        if other != gamma:
            yield 1.0, cost(GAMMA_MS_PER_MEGAPIXEL), lambda other=other: _zxing(regions.stretch(crop, other),
                                                                                f"zxing:region-gamma{other:g}")


_LEVELS = np.arange(256, dtype=np.uint8)


def _sorted_levels(gray: np.ndarray) -> np.ndarray:
    """``gray``'s values sorted, from its histogram: the same values, so the same percentiles, in
    less than half the time ``np.percentile`` takes to partition the strided crop itself."""
    return np.repeat(_LEVELS, np.bincount(gray.ravel(), minlength=256))


def _boxed_passes(code: np.ndarray) -> Iterator[tuple[float, Callable[[], list[_Hit]]]]:
    """(scale, run) on a crop boxed by the code's finder patterns: zxing-cpp with its own and the
    global binariser (the crop's histogram is now the code's, not the backdrop's), the 2x upscales,
    CLAHE, a median filter and an unsharp mask, then the region passes; in order of cost."""
    import zxingcpp

    global_bin = zxingcpp.Binarizer.GlobalHistogram
    yield 1.0, lambda: _zxing(code, "zxing:finder")
    yield 1.0, lambda: _zxing(code, "zxing:finder-global", binarizer=global_bin)
    if max(code.shape) <= REGION_UPSCALE_SIDE:
        up = _scaled(code, 2.0)
        yield 2.0, lambda: _zxing(up, "zxing:finder-up2:global", binarizer=global_bin)
        yield 2.0, lambda: _zxing(up, "zxing:finder-up2")
    yield 1.0, lambda: _zxing(cv2.createCLAHE(2.0, (8, 8)).apply(code), "zxing:finder-clahe")
    yield 1.0, lambda: _zxing(cv2.medianBlur(code, 3), "zxing:finder-median")
    yield 1.0, lambda: _zxing(cv2.addWeighted(code, 2.0, cv2.GaussianBlur(code, (0, 0), 2), -1.0, 0),
                              "zxing:finder-sharpen")
    for scale, _estimate, run in _region_passes(code):
        yield scale, run


def _decode_finder_boxes(gray: np.ndarray, crop_box: tuple[int, int, int, int], offset: tuple[float, float],
                         seen: dict[str, QrResult], found: list) -> None:
    """The codes boxed by finder patterns inside the locator's crop ``crop_box`` of ``gray``;
    ``found`` the crop's finder candidates."""
    x0, y0, x1, y1 = crop_box
    crop = np.ascontiguousarray(gray[y0:y1, x0:x1])
    for bx0, by0, bx1, by1 in finder.code_boxes(crop, found=found):
        if (bx1 - bx0) * (by1 - by0) > FINDER_MAX_AREA * crop.size:
            continue
        code = np.ascontiguousarray(crop[by0:by1, bx0:bx1])
        for scale, run in _boxed_passes(code):
            _to_results(run(), scale, (offset[0] + x0 + bx0, offset[1] + y0 + by0), seen)
            if seen:
                return


def _decode_regions(gray: np.ndarray, offset: tuple[float, float], spent: float, budget_ms: float | None,
                    seen: dict[str, QrResult], located: list, sharpened: list | None = None) -> float:
    """The region passes on the locator's crops; the crops are appended to ``located``, the unsharp
    masks run to ``sharpened``."""
    if max(gray.shape) <= CROP_SIDE:
        boxes = [(0, 0, gray.shape[1], gray.shape[0])]
    else:
        spent += PASS_OVERHEAD_MS + LOCATE_MS_PER_MEGAPIXEL * gray.size / 1e6
        boxes = regions.locate(gray, REGION_LIMIT)
        located.extend(boxes)
    for x0, y0, x1, y1 in boxes:
        crop = np.ascontiguousarray(gray[y0:y1, x0:x1])
        where = (offset[0] + x0, offset[1] + y0)
        spent += PASS_OVERHEAD_MS + ANISOTROPY_MS_PER_MEGAPIXEL * crop.size / 1e6
        if budget_ms is not None and spent + PASS_OVERHEAD_MS + GAMMA_MS_PER_MEGAPIXEL * (crop.size / 1e6) > budget_ms:
            continue  # no pass of this crop fits (every one costs at least a gamma curve's estimate)
        for scale, estimate, run in _region_passes(crop, sharpened):
            if budget_ms is not None and spent + estimate > budget_ms:
                continue  # a pass that would overrun is skipped; a cheaper one may still fit
            spent += estimate
            _to_results(run(), scale, where, seen)
            if seen:
                return spent
    return spent


def _to_results(hits: list[_Hit], scale: float, offset: tuple[float, float], seen: dict[str, QrResult]) -> None:
    for hit in hits:
        if hit.text in seen:
            continue
        corners = hit.corners / np.float32(scale) + np.array(offset, np.float32)
        seen[hit.text] = QrResult(hit.text, hit.raw, corners.astype(np.float32), hit.decoder)


def budget_for(gray: np.ndarray) -> float:
    """Estimated milliseconds after which no fix pass starts: the passes' cost grows with the pixels."""
    return BUDGET_BASE_MS + BUDGET_MS_PER_MEGAPIXEL * gray.size / 1e6


def decode_gray(gray: np.ndarray, *, offset: tuple[float, float] = (0.0, 0.0),
                budget_ms: float | None = AUTO) -> list[QrResult]:
    """The cascade on an 8-bit greyscale image; corners shifted by ``offset`` (for crops).

    ``budget_ms``: no fix pass starts once the estimated time spent exceeds this (``AUTO``:
    :func:`budget_for`; None: run them all). In a camera loop the next frame, 30-60 ms later, is a
    better bet than more passes on this one, and a kiosk must answer at the camera's pace. The
    estimate, not the clock, decides, so a frame gets the same passes on a busy machine as on an
    idle one and results do not depend on load.
    """
    if budget_ms == AUTO:
        budget_ms = budget_for(gray)
    spent = PASS_OVERHEAD_MS + BASE_MS_PER_MEGAPIXEL * gray.size / 1e6
    seen: dict[str, QrResult] = {}
    failed: list = []
    located: list = []  # the locator's crops, once the region passes ran
    sharpened: list = []  # the unsharp masks the region passes ran
    _to_results(_zxing(gray, failed=failed), 1.0, offset, seen)
    if seen:
        return list(seen.values())
    for scale, estimate, run in _fix_passes(gray, sharpened):
        if budget_ms is not None and spent > budget_ms:
            break
        if run is REGIONS:
            spent = _decode_regions(gray, offset, spent, budget_ms, seen, located, sharpened)
        else:
            spent += estimate
            _to_results(run(), scale, offset, seen)
        if seen:
            break
    candidates: dict = {}  # the locator's first crop and its finder candidates, looked for once
    if not seen and FINDER and max(gray.shape) > FINDER_MIN_CROP:  # the code inside a phone's crop
        box = _first_crop(gray, located)
        if box is not None and max(box[2] - box[0], box[3] - box[1]) > FINDER_MIN_CROP:
            _decode_finder_boxes(gray, box, offset, seen, _candidates(gray, box, candidates))
    if not seen and failed:  # a symbol zxing-cpp located but could not correct: a thumb over it?
        hits = [_Hit(found.text, found.raw, corners, "erasure") for found, corners in erasure.read(gray, failed)]
        _to_results(hits, 1.0, offset, seen)
    if not seen and failed and DEFOCUS:  # ... or out of focus?
        for hit, (x, y), scale in defocus.read(gray, failed, _zxing):
            _to_results([hit], scale, (offset[0] + x, offset[1] + y), seen)
    if not seen and GRID and (not GRID_WHEN_LOCATED or (failed and not erasure.candidates(failed))):
        # zxing-cpp saw a finder but placed no symbol: a thumb over another, a glare, a dim screen?
        box = _first_crop(gray, located)
        if box is not None:
            _decode_grid(gray, box, offset, seen, _candidates(gray, box, candidates))
    return list(seen.values())


def _first_crop(gray: np.ndarray, located: list) -> tuple[int, int, int, int] | None:
    """The locator's first crop (the whole frame up to CROP_SIDE), or None."""
    if max(gray.shape) <= CROP_SIDE:
        return (0, 0, gray.shape[1], gray.shape[0])
    return (located or regions.locate(gray, 1) or [None])[0]


def _candidates(gray: np.ndarray, box: tuple[int, int, int, int], cache: dict) -> list:
    """The finder candidates in crop ``box`` of ``gray`` (crop pixels), halved to FINDER_SIDE."""
    if box not in cache:
        x0, y0, x1, y1 = box
        cache[box] = finder.candidates_in(np.ascontiguousarray(gray[y0:y1, x0:x1]), FINDER_SIDE)
    return cache[box]


def _decode_grid(gray: np.ndarray, box: tuple[int, int, int, int], offset: tuple[float, float],
                 seen: dict[str, QrResult], found: list) -> None:
    x0, y0, x1, y1 = box
    crop = np.ascontiguousarray(gray[y0:y1, x0:x1])
    hits = [_Hit(read.text, read.raw, corners, "grid") for read, corners in grid.read(crop, found)]
    _to_results(hits, 1.0, (offset[0] + x0, offset[1] + y0), seen)


def decode(frame: np.ndarray, *, budget_ms: float | None = AUTO) -> list[QrResult]:
    """Every QR code in ``frame`` (BGR or greyscale ``numpy.ndarray``); ``[]`` for none or a bad frame."""
    try:
        gray = to_gray(frame)
        if gray is None:
            return []
        return decode_gray(gray, budget_ms=budget_ms)
    except Exception:  # the camera loop must survive any frame
        log.exception("QR decode failed on a frame of shape %s", getattr(frame, "shape", None))
        return []
