"""A code out of focus, read by undoing the lens's disc blur where zxing-cpp located it.

A lens focused past the code spreads each point over a disc (a pillbox, not a Gaussian); once the
disc's radius nears a module's width, dark and light modules merge and no threshold separates them,
whereas the disc's spectrum has few zeros below the module frequency, so a Wiener filter with the
right radius gives most of the contrast back. The radius is not known, but it is tied to the
module's width, and where zxing-cpp located the symbol but could not decode it
(``return_errors=True``), its corners and version give the module's width in pixels.

The pass (:func:`read`): for each such symbol (at most ``erasure.MAX_CANDIDATES``, largest first),
a crop around it with a quiet zone of 4 modules, deconvolved as a disc of ``RADII`` module widths
(:class:`devices.qr.regions.DiscDeconvolver`), read by zxing-cpp, which checks the Reed-Solomon
code. It runs in :func:`devices.qr.decoder.decode_gray` only when nothing else read the frame, after
the erasure pass: a crop of a few hundred pixels a side, 1-4 ms a radius.

Measured (docs/qr-decoding.md, "Seventh round"): on the frames the first zxing-cpp pass missed, with
the radii 0.5-1.1 module widths tried, none read wrong on codes2 dev seed 63 (160 frames) and the
first generator's dev seed 16 (122); 0.7 and 0.9 read every one that any of the four read. In the
cascade: +7 frames on codes2 dev seed 63, +2 on the first generator's dev seed 16, qr-real unchanged.
Held out it read nothing on codes2 seeds 64 and 65 (none of 9 located defocus symbols) and 1 frame
of the first generator's seed 9: a small gain, kept because it costs nothing measurable.
"""

from __future__ import annotations

from typing import Callable, Iterable

import cv2
import numpy as np

from devices.qr import erasure, regions
from devices.qr.symbol import size_of

RADII = (0.7, 0.9)  # the disc's radius in module widths, tried in turn
QUIET = 4.0  # modules of margin round the located symbol
MAX_CROP_PIXELS = 300_000  # a larger crop (a symbol filling the frame) is not tried: its DFT costs too much


def read(gray: np.ndarray, barcodes: Iterable[object], decode: Callable[[np.ndarray], list]) -> list[tuple[object, tuple[int, int]]]:
    """``decode``'s hits on the deconvolved crops around zxing-cpp's located-but-unread symbols,
    each with the crop's offset (x, y) in ``gray``; [] when none reads."""
    height, width = gray.shape[:2]
    for corners, version in erasure.candidates(barcodes):
        module = float(np.sqrt(abs(cv2.contourArea(corners)))) / size_of(version)
        x0, y0 = np.maximum(np.floor(corners.min(axis=0) - QUIET * module), 0).astype(int)
        x1, y1 = np.minimum(np.ceil(corners.max(axis=0) + QUIET * module), [width, height]).astype(int)
        if x1 - x0 < 16 or y1 - y0 < 16 or (x1 - x0) * (y1 - y0) > MAX_CROP_PIXELS:
            continue
        crop = np.ascontiguousarray(gray[y0:y1, x0:x1])
        undo = regions.DiscDeconvolver(crop)
        for radius in RADII:
            hits = decode(undo(radius * module))
            if hits:
                return [(hit, (int(x0), int(y0))) for hit in hits]
    return []
