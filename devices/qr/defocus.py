"""A located symbol that zxing-cpp could not read, restored as a lens or a hand blurred it.

A lens focused past the code spreads each point over a disc (a pillbox, not a Gaussian); once the
disc's radius nears a module's width, dark and light modules merge and no threshold separates them,
whereas the disc's spectrum has few zeros below the module frequency, so a Wiener filter with the
right radius gives most of the contrast back. The radius is not known, but it is tied to the
module's width, and where zxing-cpp located the symbol but could not decode it
(``return_errors=True``), its corners and version give the module's width in pixels.

The pass (:func:`read`): for each such symbol (at most ``erasure.MAX_CANDIDATES``, largest first),
a crop around it with a quiet zone of 4 modules, read by zxing-cpp (which checks the Reed-Solomon
code) after, in turn:

1. a disc of ``RADII`` module widths undone (:class:`devices.qr.regions.DiscDeconvolver`);
2. where the crop's gradients are one-sided (a smear: ``regions.motion_direction``'s anisotropy at
   least ``SMEAR_ANISOTROPY``; 0.04-0.16 on located symbols that are not smeared), a straight smear
   of ``SMEARS`` module widths along the crop's own direction undone; each length reads in a
   window about 1/8 module wide, hence the fine steps;
3. for a symbol of 1-2 px modules (``SMALL_MIN_MODULE`` up to ``erasure.MIN_MODULE_PX``, which the
   erasure reader leaves out), nothing of the above: its crop upscaled 2x (cubic), sharpened
   (unsharp mask, sigma 2, amount 2) and read with zxing-cpp's global binariser.

It runs in :func:`devices.qr.decoder.decode_gray` only when nothing else read the frame, after
the erasure pass: a crop of a few hundred pixels a side, 1-4 ms a radius or a length.

Measured (docs/qr-decoding.md, "Seventh round", "Twelfth round", "Fourteenth round"): the disc of
0.7 and 0.9 read +7 frames on codes2 dev seed 63 and +2 on the first generator's dev seed 16; the
radius 1.0, the smear and the small modules +7 more on seed 63 (2, 2 and 3 frames), none on seed
16, none wrong; held out (twelfth round) +1 frame on codes2 seed 64, +2 on 65, +1 code on the first
generator's seed 9.
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

import cv2
import numpy as np

from devices.qr import erasure, regions
from devices.qr.symbol import size_of

RADII = (0.7, 0.9, 1.0)  # the disc's radius in module widths, tried in turn
SMEAR_ANISOTROPY = 0.2  # a crop at least this one-sided is also deconvolved along its smear
SMEARS = tuple(0.625 + 0.125 * step for step in range(12))  # the smear's length in module widths, 0.625-2.0
SMALL_MIN_MODULE = 1.0  # symbols with modules from this wide up to erasure.MIN_MODULE_PX: the 2x upscale
SMALL_SCALE = 2.0
QUIET = 4.0  # modules of margin round the located symbol
MAX_CROP_PIXELS = 300_000  # a larger crop (a symbol filling the frame; upscaled: once upscaled) is not tried


Hit = tuple[object, tuple[int, int], float]  # a decoder's hit, its crop's offset (x, y), the crop's scale


def read(gray: np.ndarray, barcodes: Iterable[object], decode: Callable[..., list]) -> list[Hit]:
    """``decode``'s hits on the restored crops around zxing-cpp's located-but-unread symbols, each
    with the crop's offset (x, y) in ``gray`` and the scale its corners are at; [] when none reads.
    ``decode(image, name, **options)``: zxing-cpp, ``name`` the restoration, ``options`` its own."""
    for scale, (x0, y0), run in passes(gray, barcodes):
        hits = run(decode)
        if hits:
            return [(hit, (x0, y0), scale) for hit in hits]
    return []


def passes(gray: np.ndarray, barcodes: Iterable[object]) -> Iterator[tuple[float, tuple[int, int], Callable]]:
    """(scale, the crop's offset, run(decode)) of each restoration, in the order :func:`read` tries
    them; a crop's deconvolver is made by the first restoration of its kind that runs."""
    import zxingcpp

    height, width = gray.shape[:2]
    for corners, version in erasure.candidates(barcodes, SMALL_MIN_MODULE):
        module = float(np.sqrt(abs(cv2.contourArea(corners)))) / size_of(version)
        x0, y0 = np.maximum(np.floor(corners.min(axis=0) - QUIET * module), 0).astype(int)
        x1, y1 = np.minimum(np.ceil(corners.max(axis=0) + QUIET * module), [width, height]).astype(int)
        small = module < erasure.MIN_MODULE_PX
        scale = SMALL_SCALE if small else 1.0
        if x1 - x0 < 16 or y1 - y0 < 16 or (x1 - x0) * (y1 - y0) * scale * scale > MAX_CROP_PIXELS:
            continue
        crop = np.ascontiguousarray(gray[y0:y1, x0:x1])
        where = (int(x0), int(y0))
        if small:
            yield scale, where, lambda decode, crop=crop: decode(
                regions.unsharp(cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC), 2.0, 2.0),
                "zxing:located-up2", binarizer=zxingcpp.Binarizer.GlobalHistogram)
            continue
        disc: list = []
        for radius in RADII:
            def undo_disc(decode, r=radius * module, crop=crop, disc=disc) -> list:
                if not disc:
                    disc.append(regions.DiscDeconvolver(crop))
                return decode(disc[0](r), "zxing:defocus")
            yield 1.0, where, undo_disc
        angle, anisotropy = regions.motion_direction(crop)
        if anisotropy >= SMEAR_ANISOTROPY:
            line: list = []
            for length in SMEARS:
                def undo_smear(decode, n=length * module, crop=crop, angle=angle, line=line) -> list:
                    if not line:
                        line.append(regions.LineDeconvolver(crop, angle))
                    return decode(line[0](n), "zxing:defocus-smear")
                yield 1.0, where, undo_smear
