"""The page finder's speed-ups that must not change a number (sixteenth pass of docs/page-finding.md):
the array helpers against numpy's own, and the line merging's bands of directions at their edges."""

from types import SimpleNamespace

import numpy as np
import pytest

from devices.doccam import detect
from devices.doccam.vectors import next_corners, norm, previous_corners


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_norm_is_numpys_norm_to_the_last_bit(dtype):
    rng = np.random.default_rng(3)
    for shape, axis in (((50, 4, 32, 3), -1), ((1500, 2), 1), ((7, 4, 2), -1), ((3, 5), 0)):
        a = (rng.normal(size=shape) * 100).astype(dtype)
        assert np.array_equal(norm(a, axis), np.linalg.norm(a, axis=axis))
        kept = norm(a, axis, keepdims=True)
        assert kept.dtype == dtype and np.array_equal(kept, np.linalg.norm(a, axis=axis, keepdims=True))


def test_next_and_previous_corners_are_np_roll():
    quads = np.arange(5 * 4 * 2, dtype=np.float64).reshape(5, 4, 2)
    assert np.array_equal(next_corners(quads, 1), np.roll(quads, -1, axis=1))
    assert np.array_equal(previous_corners(quads, 1), np.roll(quads, 1, axis=1))
    assert np.array_equal(next_corners(quads[0], 0), np.roll(quads[0], -1, axis=0))
    assert next_corners(quads, 1)[0, 3].tolist() == quads[0, 0].tolist()   # the fourth corner's next is the first


def _segment(x0, y0, x1, y1, step=20.0):
    return [x0, y0, x1, y1, step]


def test_segments_either_side_of_a_band_edge_still_make_one_line():
    feat = SimpleNamespace(w=480, h=270)
    # Two pieces of one nearly vertical edge, tilted 0.6 and 0.3 degrees either way: their normals' directions
    # are 179.4 and 0.3 degrees, in the last band of directions and the first (modulo 180).
    segs = np.array([_segment(200, 50, 201, 150), _segment(201, 150, 200.5, 250)], np.float32)
    assert {detect._merge_band(*n) for n in ((-100 / np.hypot(100, 1), 1 / np.hypot(100, 1)),
                                             (-100 / np.hypot(100, 0.5), -0.5 / np.hypot(100, 0.5)))} == {29, 0}
    lines = detect._merge_lines(segs, feat)
    assert len(lines) == 1 and lines[0, 5] - lines[0, 4] > 190     # one line over both pieces (200 px)
    # A band edge inside the range (6 degrees): 5.5 and 6.5 degree normals, 1 degree apart, merge too.
    t1, t2 = np.deg2rad(5.5), np.deg2rad(6.5)
    d1, d2 = np.array([-np.sin(t1), np.cos(t1)]) * 100, np.array([-np.sin(t2), np.cos(t2)]) * 100
    p = np.array([100.0, 60.0])
    segs = np.array([_segment(*p, *(p + d1)), _segment(*(p + d1), *(p + d1 + d2))], np.float32)
    assert len(detect._merge_lines(segs, feat)) == 1
    # Four degrees apart is beyond the 3 degrees that merge: two lines.
    t2 = np.deg2rad(9.5)
    d2 = np.array([-np.sin(t2), np.cos(t2)]) * 100
    segs = np.array([_segment(*p, *(p + d1)), _segment(*(p + d1), *(p + d1 + d2))], np.float32)
    assert len(detect._merge_lines(segs, feat)) == 2
