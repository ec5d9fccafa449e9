"""The defocus pass of devices.qr.decode: a located symbol's crop deconvolved as a disc blur."""

from __future__ import annotations

import cv2
import numpy as np

from devices.qr import decode, decoder, regions
from devices.qr.decoder import _zxing
from entry.bench.qr_ceiling import jpeg_quality
from entry.bench.scenes2 import codes, optics


def _corpus_frame(seed: int, index: int) -> tuple[np.ndarray, codes.CodeScene]:
    """The frame as the corpus holds it: drawn, then JPEG at the corpus's quality."""
    scene = codes.render(seed, index)
    jpeg = np.frombuffer(optics.encode_jpeg(scene.frame, jpeg_quality(seed, index, 0)), np.uint8)
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
    from devices.qr import defocus
    assert defocus.read(gray, failed, _zxing) == []
