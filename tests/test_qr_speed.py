"""The sixteenth round's speed changes to devices.qr give the same values as the code they replace."""

from __future__ import annotations

import cv2
import numpy as np
from devices.qr import decoder, finder, regions
from entry.bench.qr_corpus import qr_matrix, render

TEXT = "OTR1:SQ2026112700042"


def _images() -> list[np.ndarray]:
    rng = np.random.default_rng(16)
    code = np.pad(render(qr_matrix(TEXT, "utf-8", False, "M"), 3.0), 24, constant_values=235).astype(np.uint8)
    noisy = np.clip(code.astype(np.float32) + rng.normal(0, 25, code.shape), 0, 255).astype(np.uint8)
    out = [code, 255 - code, noisy, cv2.GaussianBlur(noisy, (0, 0), 2)]
    out += [rng.integers(0, 256, (int(h), int(w)), dtype=np.uint8) for h, w in rng.integers(16, 400, (6, 2))]
    return out


def _candidates_two_thresholds(gray: np.ndarray) -> list:
    """finder_candidates as it was: one adaptive threshold a polarity."""
    out = []
    for polarity in (cv2.THRESH_BINARY_INV, cv2.THRESH_BINARY):
        dark = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, polarity, finder.BLOCK, 2)
        _, _, rings, _ = cv2.connectedComponentsWithStats(255 - dark, connectivity=4)
        x, y, w, h, area = (rings[1:, i].astype(np.float32) for i in range(5))
        fill = area / np.maximum(w * h, 1)
        ok = (np.minimum(w, h) >= finder.MIN_RING_PX) & (np.maximum(w, h) <= 1.6 * np.minimum(w, h))
        ok &= (fill > 0.35) & (fill < 0.85)
        cx, cy = x + w / 2, y + h / 2
        for dx, dy in ((0.0, 0.0), (-0.18, 0.0), (0.18, 0.0), (0.0, -0.18), (0.0, 0.18)):
            ix = np.clip((cx + dx * w).astype(np.int32), 0, gray.shape[1] - 1)
            iy = np.clip((cy + dy * h).astype(np.int32), 0, gray.shape[0] - 1)
            ok &= dark[iy, ix] > 0
        for i in np.flatnonzero(ok):
            out.append((float(cx[i]), float(cy[i]), float((w[i] + h[i]) / 2 * 7 / 5)))
    return finder._merged(out)


def test_finder_candidates_from_one_threshold_are_those_of_two():
    for image in _images():
        assert finder.finder_candidates(image) == _candidates_two_thresholds(image)
    assert len(finder.finder_candidates(_images()[0])) == 3  # the clean code's three finders


def test_the_percentiles_from_the_histogram_are_numpys():
    for image in _images():
        strided = image[::2, ::2]
        expected = np.percentile(strided, (1, 50, 99))
        assert np.array_equal(np.percentile(decoder._sorted_levels(strided), (1, 50, 99)), expected)


def test_the_direction_from_eight_bits_is_the_float_copys():
    for image in _images():
        assert regions.motion_direction(image) == regions.motion_direction(image.astype(np.float32))


def test_grana_labels_the_locators_mask_as_the_default_does():
    rng = np.random.default_rng(3)
    for _ in range(20):
        mask = (cv2.blur(rng.random((180, 320)).astype(np.float32), (7, 7)) > 0.55).astype(np.uint8)
        default = cv2.connectedComponentsWithStats(mask)
        grana = cv2.connectedComponentsWithStatsWithAlgorithm(mask, 8, cv2.CV_32S, cv2.CCL_GRANA)
        assert default[0] == grana[0]
        assert np.array_equal(default[1], grana[1]) and np.array_equal(default[2], grana[2])


def test_no_region_pass_is_cheaper_than_a_gamma_curve():
    """The skip of a crop no pass fits relies on this: every crop's cheapest pass is a gamma curve's estimate."""
    rng = np.random.default_rng(7)
    crops = _images() + [np.full((300, 300), 30, np.uint8), np.full((150, 150), 245, np.uint8)]
    smeared = cv2.filter2D(_images()[0], -1, np.full((1, 9), 1 / 9, np.float32))
    crops += [smeared, rng.integers(0, 60, (600, 500), dtype=np.uint8)]
    for crop in crops:
        estimates = [estimate for _scale, estimate, _run in decoder._region_passes(crop)]
        cheapest = decoder.PASS_OVERHEAD_MS + decoder.GAMMA_MS_PER_MEGAPIXEL * (crop.size / 1e6)
        assert min(estimates) == cheapest


def test_the_whole_frames_unsharp_mask_still_runs_after_the_region_passes_by_default():
    assert decoder.SHARPEN_AFTER_REGIONS is True
