import numpy as np
import pytest

from devices.doccam.geometry import order_corners, page_size_px, smartdoc_iou

A4 = np.array([[0, 0], [210, 0], [210, 297], [0, 297]], float)


def test_identical_quads_have_iou_one_in_any_corner_order():
    assert smartdoc_iou(A4, A4) == pytest.approx(1.0)
    assert smartdoc_iou(np.roll(A4, 2, axis=0)[::-1], A4) == pytest.approx(1.0)


def test_known_overlaps():
    half = np.array([[0, 0], [105, 0], [105, 297], [0, 297]], float)
    assert smartdoc_iou(half, A4) == pytest.approx(0.5)
    shifted = A4 + [105, 0]
    assert smartdoc_iou(shifted, A4) == pytest.approx(1 / 3)
    assert smartdoc_iou(A4 + [500, 0], A4) == 0.0
    assert smartdoc_iou(None, A4) == 0.0


def test_iou_is_measured_in_the_pages_own_plane():
    # The page seen at a slant (a trapezoid): an answer that is the same trapezoid scores 1, and
    # a quarter of the paper missing counts as a quarter whatever its size in the frame.
    H = np.array([[1.0, 0.2, 10], [0.0, 1.1, 20], [0.0004, 0.0008, 1.0]])
    def project(p):
        q = np.hstack([p, np.ones((len(p), 1))]) @ H.T
        return q[:, :2] / q[:, 2:]
    truth = project(A4)
    assert smartdoc_iou(truth, truth) == pytest.approx(1.0)
    three_quarters = project(np.array([[0, 0], [210, 0], [210, 222.75], [0, 222.75]], float))
    assert smartdoc_iou(three_quarters, truth) == pytest.approx(0.75, abs=1e-6)


def test_corners_are_ordered_clockwise_from_top_left():
    quad = np.array([[100, 90], [10, 100], [0, 10], [90, 0]], float)
    ordered = order_corners(quad)
    assert ordered.dtype == np.float32 and ordered.shape == (4, 2)
    assert ordered.tolist() == [[0, 10], [90, 0], [100, 90], [10, 100]]


def test_flattened_size_keeps_the_paper_proportions():
    w, h = page_size_px(np.array([[0, 0], [700, 0], [700, 1000], [0, 1000]], float), aspect=297 / 210)
    assert h / w == pytest.approx(297 / 210, rel=0.01)
    assert h >= 1000
