"""devices.qr.decode on real photos, on synthetic camera frames, and on garbage (never raises)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from devices.qr import decode
from devices.qr.decoder import to_gray
from devices.qr.tracking import TrackingDecoder
from entry.bench.qr import load_corpus
from entry.bench.qr_corpus import make_corpus, make_frame, qr_matrix, render

CORPUS = Path(__file__).resolve().parent / "data" / "qr-real"  # see its README, LICENSE and NOTICE


@pytest.mark.parametrize("name", ["zxing/qrcode-1/1.png", "zxing/qrcode-3/10.png", "zxing/qrcode-5/01.png",
                                  "zxing/qrcode-6/1.png", "zxing-cpp/qrcode-2/33.png",
                                  "zxing/qrcode-2/12.png"])  # 12: only a fix pass (upscaled, global threshold) reads it
def test_real_photos_decode_to_their_expected_text(name):
    path = CORPUS / name
    expected = path.with_suffix(".txt").read_bytes().decode("utf-8")
    results = decode(cv2.imread(str(path)))
    assert [r.text for r in results] == [expected]


@pytest.mark.parametrize("name", ["zxing/qrcode-4/08.png", "zxing/qrcode-4/32.png"])
def test_a_code_on_a_wrinkled_t_shirt_is_read_on_a_bent_grid(name):
    """zxing-cpp locates these and fails on them; the erasure pass reads them only with its grid bent
    to the wrinkles (devices.qr.erasure._rectify_local)."""
    path = CORPUS / name
    expected = path.with_suffix(".txt").read_bytes().decode("utf-8")
    assert [(r.text, r.decoder) for r in decode(cv2.imread(str(path)))] == [(expected, "erasure")]


def test_results_carry_raw_bytes_and_corners_in_frame_pixels():
    frame = np.full((600, 800, 3), 200, np.uint8)
    code = render(qr_matrix("OTR1:SQ2026112700042", "utf-8", False, "M"), 5.0)
    y, x = 150, 300
    frame[y:y + code.shape[0], x:x + code.shape[1]] = code[:, :, None]
    (result,) = decode(frame)
    assert result.text == "OTR1:SQ2026112700042" and result.raw == b"OTR1:SQ2026112700042"
    assert result.corners.dtype == np.float32 and result.corners.shape == (4, 2)
    quiet = 4 * 5.0
    top_left = result.corners[0]
    assert abs(top_left[0] - (x + quiet)) < 6 and abs(top_left[1] - (y + quiet)) < 6
    bottom_right = result.corners[2]
    assert abs(bottom_right[0] - (x + code.shape[1] - quiet)) < 6


@pytest.mark.parametrize("seed, condition", [(1, "darkmode"), (2, "rotation"), (3, "tilt"), (4, "multi"),
                                             (5, "jpeg"), (6, "glare"), (7, "lowcontrast")])
def test_synthetic_frames_decode(seed, condition):
    frame, texts, extra = make_frame(np.random.default_rng(seed), condition)
    if "jpeg_quality" in extra:
        _, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, extra["jpeg_quality"]])
        frame = cv2.imdecode(data, cv2.IMREAD_COLOR)
    found = {r.text for r in decode(frame, budget_ms=None)}
    assert found == set(texts)


def test_grayscale_and_bgra_frames_are_accepted():
    code = render(qr_matrix("ZLBID1:ZLB-Q5M2K7XP4DWR8N3TY6HJ9VCB", "utf-8", False, "M"), 4.0)
    gray = np.pad(code, 40, constant_values=240)
    bgra = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGRA)
    as_float = gray.astype(np.float64) / 255.0
    for frame in (gray, bgra, as_float, gray[:, :, None], gray.astype(np.uint16) * 257):
        assert [r.text for r in decode(frame)] == ["ZLBID1:ZLB-Q5M2K7XP4DWR8N3TY6HJ9VCB"]


GARBAGE = {
    "empty": np.zeros((0, 0, 3), np.uint8),
    "one pixel": np.zeros((1, 1, 3), np.uint8),
    "one row": np.zeros((1, 640), np.uint8),
    "5x5": np.zeros((5, 5), np.uint8),
    "noise": np.random.default_rng(0).integers(0, 256, (480, 640, 3), dtype=np.uint8),
    "noise gray": np.random.default_rng(1).integers(0, 256, (720, 1280), dtype=np.uint8),
    "white": np.full((480, 640, 3), 255, np.uint8),
    "black": np.zeros((480, 640), np.uint8),
    "int64": np.random.default_rng(2).integers(-1000, 1000, (100, 100), dtype=np.int64),
    "float with nan and inf": np.array([[np.nan, np.inf] * 50] * 100, dtype=np.float32),
    "bool": np.ones((64, 64), bool),
    "complex": np.ones((64, 64), np.complex64),
    "4-d": np.zeros((2, 2, 2, 2), np.uint8),
    "2 channels": np.zeros((64, 64, 2), np.uint8),
    "strided": np.random.default_rng(3).integers(0, 256, (400, 400, 3), dtype=np.uint8)[::3, ::2],
    "object": np.array([[None] * 20] * 20, dtype=object),
    "strings": np.array([["a"] * 20] * 20),
}


@pytest.mark.parametrize("name", list(GARBAGE))
def test_garbage_frames_give_no_result_and_never_raise(name):
    assert decode(GARBAGE[name]) == []


@pytest.mark.parametrize("thing", [None, "frame", b"\x89PNG", [[0, 1], [1, 0]], 3.5])
def test_things_that_are_not_arrays_give_no_result(thing):
    assert decode(thing) == []
    assert to_gray(thing) is None


def test_tracking_decoder_looks_where_the_last_code_was():
    frame = np.full((720, 1280, 3), 180, np.uint8)
    code = render(qr_matrix("OTL1:LIC-SQ2026112500003:K7Q2M4XA", "utf-8", False, "Q"), 3.0)
    frame[400:400 + code.shape[0], 900:900 + code.shape[1]] = code[:, :, None]
    tracker = TrackingDecoder()
    first = tracker.decode(frame)
    assert [r.text for r in first] == ["OTL1:LIC-SQ2026112500003:K7Q2M4XA"]
    assert tracker.roi is not None and tracker.full_decodes == 1
    second = tracker.decode(frame)
    assert [r.text for r in second] == ["OTL1:LIC-SQ2026112500003:K7Q2M4XA"]
    assert tracker.roi_hits == 1
    np.testing.assert_allclose(second[0].corners, first[0].corners, atol=2.0)
    empty = np.full_like(frame, 180)
    for _ in range(tracker.keep_frames):
        assert tracker.decode(empty) == []
    assert tracker.roi is None


def test_the_synthetic_corpus_is_seeded_and_loads_as_a_manifest(tmp_path):
    make_corpus(tmp_path / "a", count=3, seed=11)
    make_corpus(tmp_path / "b", count=3, seed=11)
    for name in ("0000-clean.png", "0001-tilt.png", "0002-rotation.png"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    samples, skipped = load_corpus(tmp_path / "a")
    assert skipped == 0 and [s.group for s in samples] == ["clean", "tilt", "rotation"]
    assert [s.name for s in samples] == ["0000-clean.png", "0001-tilt.png", "0002-rotation.png"]
    assert all(len(s.texts) == 1 for s in samples)


def test_the_real_corpus_loads_with_its_expected_texts():
    samples, skipped = load_corpus(CORPUS)
    assert len(samples) == 316 and skipped == 5
    assert all(s.texts[0] for s in samples)
    # the bench names each image under its folder: both halves hold a qrcode-4/05
    names = {s.name for s in samples}
    assert {"zxing/qrcode-4/05.png", "zxing-cpp/qrcode-4/05.webp"} <= names and len(names) == 316
