"""Where a code probably is, and the image fixes that only pay on a crop around it.

The full-frame fixes of :mod:`devices.qr.decoder` cost in proportion to the frame; on a 1280x720
frame the budget allows two of them. Some fixes rescue many codes but are too dear for a whole frame:
a 2x upscale with an unsharp mask (modules of 1-2 px), a Wiener deconvolution along the direction
of a moving hand's smear, a gamma curve for a screen turned down or up, and for a dimmed screen a
stretch, a slight blur against its gain noise and a 2x upscale (:func:`denoise_up2`; without the
upscale, with a gamma curve after the blur, for a crop too large to upscale within the budget:
:func:`denoise_gamma`). Run on a crop
around the likeliest code they cost a few milliseconds.

:func:`locate` finds that crop without decoding: a QR code is the densest patch of strong edges in
a frame (a morphological gradient on the frame halved down to 240-360 px, averaged over a few module widths,
the brightest connected blobs). It costs about 1 ms and is right on most frames of the first
generator's dev corpora where the code was missed; a wrong crop costs only the time.

:func:`motion_direction` is the direction in which the crop's gradients are weakest (the structure
tensor's minor axis) and how strongly they are (0 isotropic .. 1 one direction): a smear along a
path flattens the edges across it. :func:`deconvolve_line` undoes a straight smear of a given length
in that direction by a Wiener filter (in the frequency domain, cv2.dft); the smear's length is not
estimated, a few lengths are tried instead, shortest first. :class:`DiscDeconvolver` undoes a
defocus (a disc) the same way; :mod:`devices.qr.defocus` runs it on a located symbol's crop.

Measured on the first generator's dev seeds 16 and 26 (version 2, 760 frames), on the 198 frames
the cascade before these passes missed: the crops' up2 + unsharp read 28 codes (small and tiny
modules), the deconvolution 15 (14 of them motion blur), the gamma curves 9 (dim and overexposed
screens); none wrong. Later, on dev seeds 16, 26, 36 and 46 (1520 frames): :func:`denoise_up2`
read 18 more dimmed screens (dim 17 to 35 of 80), none wrong, nothing lost. Third round (same seeds):
:func:`denoise_gamma` 13 more (dim 36 to 49), the 3x upscale of crops up to 200 px 15 (tiny and small),
a gamma of 4 instead of 2 first for an overexposed screen 7 (bright 54 to 61); none wrong, nothing lost. See
docs/qr-decoding.md, "After the changes". Sixth round (codes2 dev seed 63, where the locator's crop is
often a whole phone with the backdrop around it): a dimmed screen also recognised by the crop's
median and black (``decoder.DIM_MEDIAN``). A direction measured on the crop halved to 320 px (cheaper,
so later passes fit the budget) read 5 more dev frames but made a wrong decode on held-out codes2
seed 61, and was reverted.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

LOCATE_SIDE = 240  # the locator looks at the frame halved until its longest side is at most 1.5x this
MIN_GRADIENT = 12.0  # a blob's averaged edge strength must pass this (grey levels)
BLUR = 7  # the edges are averaged over this many pixels of the halved frame


def locate(gray: np.ndarray, limit: int = 2) -> list[tuple[int, int, int, int]]:
    """Up to ``limit`` boxes (x0, y0, x1, y1, frame pixels, padded by a third) around the densest
    patches of strong edges, densest first."""
    small = gray
    while max(small.shape) > LOCATE_SIDE * 1.5:  # halvings: far cheaper than INTER_AREA by 5 or 6
        small = cv2.pyrDown(small)
    scale = small.shape[1] / gray.shape[1]
    edges = cv2.morphologyEx(small, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8)).astype(np.float32)
    density = cv2.blur(edges, (BLUR, BLUR))
    threshold = max(float(density.mean() + 1.5 * density.std()), MIN_GRADIENT)
    mask = cv2.morphologyEx((density > threshold).astype(np.uint8), cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    # Grana's algorithm: the same labels as the default's (checked on dev crops), a third of its time on these masks
    count, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(mask, 8, cv2.CV_32S, cv2.CCL_GRANA)
    total = cv2.integral(density)  # a blob's strength: the edges summed over its bounding box
    blobs = []
    for i in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[i])
        if area < 16:
            continue
        strength = total[y + h, x + w] - total[y, x + w] - total[y + h, x] + total[y, x]
        blobs.append((float(strength), x, y, w, h))
    blobs.sort(reverse=True)
    height, width = gray.shape[:2]
    boxes = []
    for _strength, x, y, w, h in blobs[:limit]:
        pad = max(w, h) / 3 + 2
        x0, y0 = max(0, int((x - pad) / scale)), max(0, int((y - pad) / scale))
        x1, y1 = min(width, int((x + w + pad) / scale)), min(height, int((y + h + pad) / scale))
        if x1 - x0 >= 16 and y1 - y0 >= 16:
            boxes.append((x0, y0, x1, y1))
    return boxes


def stretch(gray: np.ndarray, gamma: float = 1.0) -> np.ndarray:
    """The 1st..99th percentile spread over 0..255, then a gamma curve (<1 lifts the shadows of a
    dimmed screen, >1 the highlights of an overexposed one). The percentiles come from the
    histogram and the curve is a lookup table: a sixth of the time of ``np.percentile`` and float
    arithmetic on the crop, with the same output on the dev crops."""
    counts = np.bincount(gray.ravel(), minlength=256).cumsum()
    lo = int(np.searchsorted(counts, 0.01 * counts[-1], side="right"))
    hi = int(np.searchsorted(counts, 0.99 * counts[-1], side="left"))
    values = np.clip((np.arange(256, dtype=np.float32) - lo) / max(hi - lo, 1), 0.0, 1.0)
    if gamma != 1.0:
        values = values ** gamma
    return cv2.LUT(gray, (values * 255.0).astype(np.uint8))


def denoise_up2(gray: np.ndarray) -> np.ndarray:
    """A dimmed screen's crop: stretched, smoothed against the gain noise (sigma 0.7 px) and
    upscaled 2x (cubic). Read on the first generator's dev seeds where the gamma curve alone was not."""
    return cv2.resize(cv2.GaussianBlur(stretch(gray), (0, 0), 0.7), None, fx=2.0, fy=2.0,
                      interpolation=cv2.INTER_CUBIC)


def denoise_gamma(gray: np.ndarray) -> np.ndarray:
    """A dimmed screen's crop too large to upscale within the budget: stretched, smoothed (sigma
    1 px), stretched again with a gamma of 0.5."""
    return stretch(cv2.GaussianBlur(stretch(gray), (0, 0), 1.0), 0.5)


def unsharp(gray: np.ndarray, sigma: float, amount: float) -> np.ndarray:
    return cv2.addWeighted(gray, 1.0 + amount, cv2.GaussianBlur(gray, (0, 0), sigma), -amount, 0)


def motion_direction(gray: np.ndarray) -> tuple[float, float]:
    """(angle of the smear in radians, anisotropy 0..1) from the crop's structure tensor."""
    f = gray if gray.dtype == np.uint8 else gray.astype(np.float32)  # 8 bits: the float copy's values, exactly
    gx = cv2.Sobel(f, cv2.CV_32F, 1, 0)
    gy = cv2.Sobel(f, cv2.CV_32F, 0, 1)
    jxx, jyy, jxy = float((gx * gx).mean()), float((gy * gy).mean()), float((gx * gy).mean())
    trace = jxx + jyy
    spread = math.sqrt(max(trace * trace / 4 - (jxx * jyy - jxy * jxy), 0.0))
    anisotropy = 2 * spread / (trace + 1e-6)
    return 0.5 * math.atan2(2 * jxy, jxx - jyy) + math.pi / 2, anisotropy


class LineDeconvolver:
    """Wiener filters undoing a straight smear at ``angle`` (radians) of a given length in px;
    the crop's spectrum is computed once for all the lengths tried. ``noise``: the noise-to-signal
    ratio that keeps the filter from amplifying noise where the smear erased a frequency."""

    def __init__(self, gray: np.ndarray, angle: float, noise: float = 0.01) -> None:
        self.shape = gray.shape
        h, w = gray.shape
        self.rows, self.cols = cv2.getOptimalDFTSize(h), cv2.getOptimalDFTSize(w)
        image = cv2.copyMakeBorder(gray.astype(np.float32), 0, self.rows - h, 0, self.cols - w, cv2.BORDER_REFLECT)
        self.spectrum = cv2.dft(image, flags=cv2.DFT_COMPLEX_OUTPUT)
        self.angle = angle
        self.noise = noise

    def __call__(self, length: float) -> np.ndarray:
        rows, cols = self.rows, self.cols
        kernel = np.zeros((rows, cols), np.float32)
        for t in np.linspace(-length / 2, length / 2, max(2, int(length * 2))):
            kernel[int(round(t * math.sin(self.angle))) % rows, int(round(t * math.cos(self.angle))) % cols] += 1.0
        return self._restore(kernel)

    def _restore(self, kernel: np.ndarray) -> np.ndarray:
        """The crop with the blur ``kernel`` (full DFT size, centred on (0, 0), wrapping) undone."""
        blur = cv2.dft(kernel / kernel.sum(), flags=cv2.DFT_COMPLEX_OUTPUT)
        power = blur[..., 0] ** 2 + blur[..., 1] ** 2 + self.noise
        restored = cv2.mulSpectrums(self.spectrum, blur, 0, conjB=True) / power[..., None]
        out = cv2.idft(restored, flags=cv2.DFT_SCALE | cv2.DFT_REAL_OUTPUT)[:self.shape[0], :self.shape[1]]
        return np.clip(out, 0, 255).astype(np.uint8)


class DiscDeconvolver(LineDeconvolver):
    """Wiener filters undoing a defocus: a disc of a given radius in px (the pillbox a lens out of
    focus draws, not a Gaussian); the crop's spectrum is computed once for all the radii tried."""

    def __init__(self, gray: np.ndarray, noise: float = 0.01) -> None:
        super().__init__(gray, 0.0, noise)

    def __call__(self, radius: float) -> np.ndarray:
        r = int(math.ceil(radius))
        yy, xx = np.mgrid[-r:r + 1, -r:r + 1].astype(np.float32)
        disc = np.clip(radius + 0.5 - np.sqrt(xx ** 2 + yy ** 2), 0, 1)
        kernel = np.zeros((self.rows, self.cols), np.float32)
        rows = (np.arange(-r, r + 1) % self.rows)[:, None]
        cols = (np.arange(-r, r + 1) % self.cols)[None, :]
        kernel[rows, cols] = disc
        return self._restore(kernel)
