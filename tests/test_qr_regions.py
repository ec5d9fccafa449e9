"""The region passes of devices.qr.decode: locating a likely code, and the fixes run on a crop around it."""

from __future__ import annotations

import json
import math

import cv2
import numpy as np
import pytest

from devices.qr import decode, decoder, regions
from devices.qr.decoder import MOTION_ANISOTROPY, _zxing, to_gray
from entry.bench.qr_corpus import VERSION, make_corpus, make_frame, qr_matrix, render

TEXT = "OTR1:SQ2026112700042"


def _textured_frame(width: int = 1280, height: int = 720) -> np.ndarray:
    rng = np.random.default_rng(0)
    noise = cv2.resize(rng.normal(0, 15, (height // 16, width // 16)).astype(np.float32), (width, height))
    return np.clip(130 + noise, 0, 255).astype(np.uint8)


def test_locate_finds_the_code_in_a_textured_frame():
    frame = _textured_frame()
    code = render(qr_matrix(TEXT, "utf-8", False, "M"), 3.0)
    x, y = 830, 260
    frame[y:y + code.shape[0], x:x + code.shape[1]] = code
    boxes = regions.locate(frame)
    assert 1 <= len(boxes) <= 2
    x0, y0, x1, y1 = boxes[0]
    quiet = 4 * 3
    assert x0 <= x + quiet and y0 <= y + quiet
    assert x1 >= x + code.shape[1] - quiet and y1 >= y + code.shape[0] - quiet
    assert (x1 - x0) * (y1 - y0) < frame.size / 10  # a crop, not the frame


def test_locate_on_a_flat_frame_finds_nothing():
    assert regions.locate(np.full((480, 640), 128, np.uint8)) == []


def test_a_smear_is_found_along_its_direction_and_deconvolved():
    sharp = np.pad(render(qr_matrix(TEXT, "utf-8", False, "M"), 4.0), 20, constant_values=245).astype(np.uint8)
    kernel = np.zeros((9, 9), np.float32)
    kernel[4, :] = 1 / 9  # 9 px, horizontal
    smeared = cv2.filter2D(sharp, -1, kernel, borderType=cv2.BORDER_REFLECT)
    angle, anisotropy = regions.motion_direction(smeared)
    assert anisotropy >= MOTION_ANISOTROPY
    assert min(abs(math.sin(angle)), 1.0) < 0.1  # horizontal, either way
    _, isotropic = regions.motion_direction(sharp)
    assert isotropic < MOTION_ANISOTROPY
    restored = regions.LineDeconvolver(smeared, angle)(9.0)
    assert restored.shape == sharp.shape and restored.dtype == np.uint8
    inner = (slice(30, -30), slice(30, -30))
    error_before = np.abs(smeared[inner].astype(int) - sharp[inner]).mean()
    error_after = np.abs(restored[inner].astype(int) - sharp[inner]).mean()
    assert error_after < 0.7 * error_before


def test_stretch_takes_the_1st_and_99th_percentiles_of_the_crop():
    rng = np.random.default_rng(1)
    crop = np.clip(rng.normal(40, 12, (120, 90)), 0, 255).astype(np.uint8)
    lo, hi = np.percentile(crop, (1, 99))
    stretched = regions.stretch(crop)
    assert stretched.dtype == np.uint8 and stretched.shape == crop.shape
    assert (stretched[crop <= lo] == 0).all() and (stretched[crop >= hi] == 255).all()
    assert abs(float((stretched == 0).mean()) - 0.01) < 0.01 and abs(float((stretched == 255).mean()) - 0.01) < 0.01


def test_denoise_up2_doubles_the_crop_and_spreads_its_range():
    dim = np.clip(np.random.default_rng(2).normal(30, 8, (50, 70)), 0, 255).astype(np.uint8)
    out = regions.denoise_up2(dim)
    assert out.shape == (100, 140) and out.dtype == np.uint8
    assert out.std() > 2 * dim.std()  # stretched (then smoothed: pure noise loses most of it)
    assert np.abs(np.diff(out.astype(int), axis=1)).mean() < np.abs(np.diff(regions.stretch(dim).astype(int), axis=1)).mean()


def test_stretch_spreads_a_dim_range_and_gamma_bends_it():
    dim = np.linspace(5, 25, 256, dtype=np.float32).astype(np.uint8).reshape(16, 16)
    flat = regions.stretch(dim)
    assert flat.min() == 0 and flat.max() == 255
    assert regions.stretch(dim, 0.5).mean() > flat.mean() > regions.stretch(dim, 2.0).mean()


# Frames of the first generator (version 2 conditions) that plain zxing-cpp misses and one region
# pass reads; which pass depends on the cascade's order and budget.
@pytest.mark.parametrize("condition, seed, decoder", [
    ("motion", 109, "zxing:deconvolve"),         # a straight smear: Wiener deconvolution
    ("tiny", 105, "zxing:region-up2-sharpen"),   # 1.0-1.6 px modules: the crop upscaled and sharpened
    ("smear", 100, "zxing:region-sharpen"),      # a curved smear: a wide unsharp mask on the crop
    ("bright", 102, "zxing:region-gamma4"),      # an overexposed screen
    ("dim", 105, "zxing:region-gamma0.5"),       # a dimmed screen
    ("dim", 101, "zxing:region-denoise"),        # a dimmed screen's gain noise: stretched, smoothed, upscaled
])
def test_a_region_pass_reads_what_plain_zxing_misses(condition, seed, decoder):
    frame, texts, _ = make_frame(np.random.default_rng(seed), condition)
    gray = to_gray(frame)
    assert _zxing(gray) == []
    results = decode(frame)
    assert [r.text for r in results] == texts
    assert results[0].decoder.startswith(decoder)
    corners = results[0].corners
    height, width = gray.shape
    assert (corners[:, 0] >= -2).all() and (corners[:, 0] <= width + 2).all()
    assert (corners[:, 1] >= -2).all() and (corners[:, 1] <= height + 2).all()


# Third round: each pass reads a frame that the cascade without it (the patch) does not.
@pytest.mark.parametrize("condition, seed, decoder_name, without", [
    ("tiny", 114, "zxing:region-up3-sharpen", (decoder, "TINY_CROP_SIDE", 0)),    # 3x upscale of small crops
    ("small", 108, "zxing:region-up3-sharpen", (decoder, "TINY_CROP_SIDE", 0)),
    ("dim", 107, "zxing:region-denoise-gamma", (regions, "denoise_gamma", np.zeros_like)),  # large dim crops
    ("dim", 110, "zxing:region-denoise-gamma", (regions, "denoise_gamma", np.zeros_like)),
    ("bright", 110, "zxing:region-gamma4", (decoder, "BRIGHT_GAMMA", 2.0)),      # gamma 4, as it was 2
    ("bright", 123, "zxing:region-gamma4", (decoder, "BRIGHT_GAMMA", 2.0)),
])
def test_a_pass_reads_a_frame_the_cascade_without_it_does_not(condition, seed, decoder_name, without, monkeypatch):
    frame, texts, _ = make_frame(np.random.default_rng(seed), condition)
    results = decode(frame)
    assert [r.text for r in results] == texts
    assert results[0].decoder == decoder_name
    monkeypatch.setattr(*without)
    assert decode(frame) == []


def test_the_first_generator_says_its_version(tmp_path):
    path = make_corpus(tmp_path, count=1, seed=3)
    manifest = json.loads(path.read_text(encoding="utf-8"))
    assert manifest["generator"].startswith(f"qr_corpus/{VERSION} ")


def test_a_phone_screen_is_drawn_inside_the_frame(monkeypatch):
    """Version 2 drew a screen's modules three times too large, so most of its codes ran off the frame."""
    from entry.bench import qr_corpus

    placed = []
    place = qr_corpus._place
    monkeypatch.setattr(qr_corpus, "_place", lambda frame, code, rng, **kw: (placed.append((frame.shape, code.shape)), place(frame, code, rng, **kw)))
    for seed in range(12):
        make_frame(np.random.default_rng(seed), "screen")
    assert len(placed) == 12
    for (h, w, _), (size, _) in placed:
        assert size <= 0.8 * min(h, w)


def test_a_dark_screen_beside_a_bright_backdrop_gets_the_dim_passes(monkeypatch):
    """Sixth round: the crop around a codes2 phone (dev seed 63, frame 15, dark mode) holds the bright
    backdrop too, so its 99th percentile (150 in the corpus's JPEG of it) is far above DIM_HIGH; its
    median (17) and its black (1st percentile 1) say a dark screen, and the dim passes read it."""
    from entry.bench.scenes2 import codes

    scene = codes.render(63, 15)
    assert scene.kind == "phone_dark"
    results = decode(scene.frame)
    assert [r.text for r in results] == scene.texts
    assert results[0].decoder == "zxing:region-denoise-gamma"
    monkeypatch.setattr(decoder, "DIM_MEDIAN", None)
    assert decode(scene.frame) == []
