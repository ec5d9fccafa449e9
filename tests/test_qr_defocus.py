"""The defocus pass of devices.qr.decode: a located symbol's crop deconvolved as a disc blur or a
straight smear, or upscaled when its modules are 1-2 px."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from devices.qr import decode, decoder, defocus, regions
from devices.qr.decoder import _zxing
from entry.bench.qr_ceiling import jpeg_quality
from entry.bench.scenes2 import codes, optics


def _corpus_frame(seed: int, index: int, step: int = 0) -> tuple[np.ndarray, codes.CodeScene]:
    """The frame as the corpus holds it: drawn, then JPEG at the corpus's quality."""
    scene = codes.render(seed, index, step=step)
    jpeg = np.frombuffer(optics.encode_jpeg(scene.frame, jpeg_quality(seed, index, step)), np.uint8)
    return cv2.imdecode(jpeg, cv2.IMREAD_COLOR), scene


def test_a_disc_blur_is_undone():
    """A code blurred by a disc of 0.9 module widths, which zxing-cpp cannot read, reads with that disc undone."""
    module = 6
    matrix = codes.modules("OTR1:SQ2026112700042", "M")
    image = np.kron(np.pad(1 - matrix, 4, constant_values=1), np.ones((module, module), np.uint8)).astype(np.float32)
    blurred = optics.pillbox_blur(image * 200 + 30, 0.9 * module)
    blurred = np.clip(blurred + np.random.default_rng(0).normal(0, 1.0, blurred.shape), 0, 255).astype(np.uint8)
    restored = regions.DiscDeconvolver(blurred)(0.9 * module)
    assert _zxing(blurred) == []
    assert [hit.text for hit in _zxing(restored)] == ["OTR1:SQ2026112700042"]
    ideal = image * 200 + 30
    assert np.abs(restored - ideal).mean() < np.abs(blurred - ideal).mean()


def test_a_defocused_codes2_frame_reads_only_with_the_pass(monkeypatch):
    """codes2 dev seed 63, frame 129: a phone out of focus (a disc of about 0.9 module widths).
    zxing-cpp locates it but cannot decode it; nothing else in the cascade reads it."""
    frame, scene = _corpus_frame(63, 129)
    assert scene.kind == "defocus"
    results = decode(frame)
    assert [r.text for r in results] == scene.texts
    assert results[0].decoder == "zxing:defocus"
    box = results[0].corners
    assert 0 <= box[:, 0].min() and box[:, 0].max() <= frame.shape[1] and box[:, 1].max() <= frame.shape[0]
    monkeypatch.setattr(decoder, "DEFOCUS", False)
    assert decode(frame) == []


def test_the_pass_tries_nothing_where_nothing_was_located():
    gray = np.full((240, 320), 128, np.uint8)
    failed: list = []
    assert _zxing(gray, failed=failed) == [] and failed == []
    assert defocus.read(gray, failed, _zxing) == []


@pytest.mark.parametrize("index, step, kind, name, setting, off", [
    (224, 1, "motion", "zxing:defocus-smear", "SMEAR_ANISOTROPY", 99.0),  # a smear of 1.5 module widths
    (47, 0, "small", "zxing:located-up2", "SMALL_MIN_MODULE", 2.0),  # modules under 2 px
    (57, 0, "defocus", "zxing:defocus", "RADII", (0.7, 0.9)),  # a disc of about 1 module width
])
def test_codes2_frames_read_only_with_their_restoration(monkeypatch, index, step, kind, name, setting, off):
    """codes2 dev seed 63's frames that zxing-cpp locates and nothing else in the cascade reads."""
    frame, scene = _corpus_frame(63, index, step)
    assert scene.kind == kind
    results = decode(frame)
    assert [r.text for r in results] == scene.texts and results[0].decoder == name
    box = results[0].corners  # in the frame's pixels, the upscaled crop's scale undone
    assert 0 <= box.min() and box[:, 0].max() <= frame.shape[1] and box[:, 1].max() <= frame.shape[0]
    modules = math.sqrt(cv2.contourArea(box)) / scene.module_px  # the symbol's side in modules
    assert min(abs(modules / codes.modules(scene.texts[0], level).shape[0] - 1) for level in "LMQH") < 0.1
    monkeypatch.setattr(defocus, setting, off)
    assert decode(frame) == []


def test_a_smear_is_undone_along_the_crops_own_direction():
    """A code smeared 2 module widths at 60 degrees, which zxing-cpp cannot read, reads once a smear of
    that length along the direction measured on the crop is undone."""
    module = 6
    matrix = codes.modules("OTR1:SQ2026112700042", "M")
    image = np.kron(np.pad(1 - matrix, 4, constant_values=1), np.ones((module, module), np.uint8)).astype(np.float32)
    kernel = np.zeros((31, 31), np.float32)
    for t in np.linspace(-module, module, 8 * module):
        kernel[int(round(15 + t * math.sin(math.radians(60)))), int(round(15 + t * math.cos(math.radians(60))))] += 1
    blurred = cv2.filter2D(image * 200 + 30, -1, kernel / kernel.sum(), borderType=cv2.BORDER_REFLECT)
    blurred = np.clip(blurred + np.random.default_rng(0).normal(0, 1.0, blurred.shape), 0, 255).astype(np.uint8)
    assert _zxing(blurred) == []
    angle, anisotropy = regions.motion_direction(blurred)
    assert anisotropy >= defocus.SMEAR_ANISOTROPY
    assert [hit.text for hit in _zxing(regions.LineDeconvolver(blurred, angle)(2 * module))] == ["OTR1:SQ2026112700042"]

