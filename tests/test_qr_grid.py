"""devices.qr.grid: a symbol placed from the finder patterns this package finds (two of them when a
thumb hides the third), read with erasures; never a wrong text."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import segno

from devices.qr import decode, decoder, finder, grid
from devices.qr.symbol import function_mask

DATA = Path(__file__).parent / "data" / "qr-dev16"
DARK, LIGHT = 25, 235
PX = 4  # px a module: the finder test's 15 px neighbourhood finds stones up to 5 px a module


def _matrix(text: str, error: str, version: int) -> np.ndarray:
    return np.array(segno.make_qr(text, error=error, version=version, boost_error=False).matrix, bool)


def _drawn(matrix: np.ndarray, turn: float = 8.0) -> tuple[np.ndarray, np.ndarray]:
    """``matrix`` (True dark) drawn at PX px a module on an 8-module quiet zone, turned by ``turn``
    degrees; the image and the symbol's corners (TL, TR, BR, BL)."""
    n = matrix.shape[0]
    image = cv2.resize(np.where(matrix, DARK, LIGHT).astype(np.uint8), (n * PX, n * PX),
                       interpolation=cv2.INTER_NEAREST)
    margin = 8 * PX
    image = cv2.copyMakeBorder(image, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=LIGHT)
    side = image.shape[0]
    rotation = cv2.getRotationMatrix2D((side / 2, side / 2), turn, 1.0)
    image = cv2.warpAffine(image, rotation, (side, side), flags=cv2.INTER_LINEAR, borderValue=LIGHT)
    square = np.float32([[0, 0], [n, 0], [n, n], [0, n]]) * PX + margin
    return image, cv2.transform(square[None], rotation)[0]


def _finder_centre(corners: np.ndarray, n: int, which: int) -> np.ndarray:
    across, down = (corners[1] - corners[0]) / n, (corners[3] - corners[0]) / n
    x, y = ((3.5, 3.5), (n - 3.5, 3.5), (3.5, n - 3.5))[which]
    return corners[0] + x * across + y * down


@pytest.mark.parametrize("hidden", [0, 1, 2])  # top-left, top-right, bottom-left
@pytest.mark.parametrize("text, version, error", [
    ("OTR1:SQ2026112700042 ABC thumb", 3, "m"),
    ("https://zwfw.example.gov.cn/q?id=3301061990", 4, "q"),
])
def test_a_thumb_over_one_finder_is_read_from_the_other_two(monkeypatch, hidden, text, version, error):
    """(decode's gate, zxing-cpp having seen a finder, opens on some of these only: off here.)"""
    monkeypatch.setattr(decoder, "GRID_WHEN_LOCATED", False)
    matrix = _matrix(text, error, version)
    image, corners = _drawn(matrix)
    n = matrix.shape[0]
    centre = _finder_centre(corners, n, hidden)
    cv2.circle(image, (int(centre[0]), int(centre[1])), int(5.5 * PX), 150, -1)  # a grey thumb over the finder
    assert decoder._zxing(image) == []
    results = decode(image)
    assert [(r.text, r.decoder) for r in results] == [(text, "grid")]
    assert np.abs(results[0].corners - corners).max() < 1.5 * PX  # placed where it is
    found = finder.candidates_in(image)
    assert grid.triples(found) == []  # two finders seen, not three
    assert [read.text for read, _ in grid.read(image, found)] == [text]


def test_without_the_stage_the_thumbed_code_is_not_read(monkeypatch):
    matrix = _matrix("OTR1:SQ2026112700042 ABC thumb", "m", 3)
    image, corners = _drawn(matrix)
    centre = _finder_centre(corners, matrix.shape[0], 0)
    cv2.circle(image, (int(centre[0]), int(centre[1])), int(5.5 * PX), 150, -1)
    monkeypatch.setattr(decoder, "GRID", False)
    assert decode(image) == []


def test_the_alignment_pattern_corrects_a_phone_held_at_an_angle():
    """In perspective the three finder centres' affine map misses the far corner by modules; the
    alignment pattern found near it gives the perspective."""
    matrix = _matrix("perspective " * 4, "m", 5)
    image, corners = _drawn(matrix, turn=0.0)
    side = image.shape[0]
    square = np.float32([[0, 0], [side, 0], [side, side], [0, side]])
    tilted = np.float32([[0, 0], [side, 30], [side - 20, side - 10], [25, side]])
    view = cv2.getPerspectiveTransform(square, tilted)
    image = cv2.warpPerspective(image, view, (side, side), borderValue=LIGHT)
    truth = cv2.perspectiveTransform(corners[None], view)[0]
    n = matrix.shape[0]
    centres = [cv2.perspectiveTransform(np.float32([[[x * PX + 8 * PX, y * PX + 8 * PX]]]), view)[0, 0]
               for x, y in ((3.5, 3.5), (n - 3.5, 3.5), (3.5, n - 3.5))]
    layout = grid.Layout(*(np.float64(c) for c in centres), hidden=-1, side=7.0 * PX)
    version = 5
    assert np.abs(grid.corners(layout, version) - truth).max() > 1.5 * PX
    fitted = grid.fitted_corners(image, layout, version)
    assert fitted is not None and np.abs(fitted - truth).max() < 0.5 * PX


def test_finder_patterns_round_random_modules_give_no_text():
    """A symbol's function patterns with random modules inside: layouts are found and sampled, but
    no block corrects, so nothing is returned (never a wrong text)."""
    matrix = _matrix("OTR1:SQ2026112700042 ABC thumb", "m", 3)
    rng = np.random.default_rng(7)
    data = ~function_mask(3)
    for _ in range(5):
        scrambled = matrix.copy()
        scrambled[data] = rng.random(int(data.sum())) < 0.5
        image, _ = _drawn(scrambled)
        found = finder.candidates_in(image)
        assert grid.triples(found)
        assert grid.read(image, found) == []


def test_an_occluded_frame_of_the_first_generator_reads_only_with_the_stage(monkeypatch):
    """First generator dev seed 16, frame 164: a thumb over the bottom-left finder; zxing-cpp sees a
    finder but places no symbol."""
    frame = cv2.imread(str(DATA / "0164-occlusion.png"))
    text = "OTL1:LIC-SQ2026112844030:PHCFVSR6"
    assert [(r.text, r.decoder) for r in decode(frame)] == [(text, "grid")]
    monkeypatch.setattr(decoder, "GRID", False)
    assert decode(frame) == []
