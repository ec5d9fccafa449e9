"""The page finder's speed-ups that must not change a number (sixteenth and seventeenth passes of
docs/page-finding.md): the array helpers against numpy's own, the line merging's bands of directions at their
edges, and candidates scored together (their shared sides probed once) as each is scored alone."""

from types import SimpleNamespace

import cv2
import numpy as np
import pytest

from devices.doccam import detect, vectors
from devices.doccam.vectors import distinct_rows, next_corners, norm, previous_corners


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_norm_is_numpys_norm_to_the_last_bit(dtype):
    rng = np.random.default_rng(3)
    for shape, axis in (((50, 4, 32, 3), -1), ((1500, 2), 1), ((7, 4, 2), -1), ((3, 5), 0), ((40000, 3), 1),
                        ((200, 4, 10, 3), 3), ((30000, 2), -1), ((50, 4), -1)):
        a = (rng.normal(size=shape) * 100).astype(dtype) ** 3     # cubes: sums of squares over a wide range
        assert np.array_equal(norm(a, axis), np.linalg.norm(a, axis=axis))
        a = (rng.normal(size=shape) * 100).astype(dtype)
        assert np.array_equal(norm(a, axis), np.linalg.norm(a, axis=axis))
        kept = norm(a, axis, keepdims=True)
        assert kept.dtype == dtype and np.array_equal(kept, np.linalg.norm(a, axis=axis, keepdims=True))
    strided = (rng.normal(size=(500, 4)) * 100).astype(dtype)[:, 1:]     # columns 1-3 of each row, not contiguous
    assert np.array_equal(norm(strided, 1), np.linalg.norm(strided, axis=1))


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


def test_distinct_rows_groups_rows_equal_bit_for_bit():
    rng = np.random.default_rng(5)
    rows = (rng.normal(size=(40, 5)) * 300)[rng.integers(0, 40, 300)]
    rows[:3] = [0.0, 1.0, 2.0, 3.0, 1.0]
    rows[3] = [-0.0, 1.0, 2.0, 3.0, 1.0]                    # a zero of the other sign: another row's bits
    first, inverse = distinct_rows(rows)
    assert np.array_equal(rows[first][inverse].view(np.uint64), rows.view(np.uint64))
    assert len(first) == len({r.tobytes() for r in rows}) == len(np.unique(rows, axis=0)) + 1
    assert inverse[0] == inverse[1] == inverse[2] != inverse[3]


def test_distinct_rows_when_different_rows_share_a_code(monkeypatch):
    # Multipliers of zero give every row the same code: the check against the rows finds it and the
    # rows themselves are sorted instead.
    monkeypatch.setattr(vectors, "_MIX", tuple(np.uint64(0) for _ in vectors._MIX))
    rows = np.array([[1.0, 2.0], [3.0, 4.0], [1.0, 2.0], [5.0, 6.0]])
    first, inverse = vectors.distinct_rows(rows)
    assert len(first) == 3 and inverse[0] == inverse[2] and len(set(inverse.tolist())) == 3
    assert np.array_equal(rows[first][inverse], rows)


def _page_frame():
    frame = np.full((540, 960, 3), (60, 90, 120), np.uint8)
    cv2.fillConvexPoly(frame, np.array([[200, 90], [730, 110], [710, 470], [190, 450]], np.int32), (235, 238, 240))
    cv2.rectangle(frame, (300, 200), (600, 330), (40, 40, 40), 3)
    return frame


def test_scoring_shared_sides_once_gives_each_candidate_what_it_gets_alone():
    feat = detect._Features(_page_frame())
    page = np.array([[100, 45], [365, 55], [355, 235], [95, 225]], np.float64)
    quads = [page, page[::-1].copy(), page + [0, 0.5], page.copy()]
    for k in range(4):                               # one corner moved: two sides shared with the page
        q = page.copy(); q[k] += (7, -4); quads.append(q)
    quads.append(np.roll(page, 1, axis=0))           # the same sides, numbered from another corner
    quads.append(np.array([[150, 100], [300, 100], [300, 165], [150, 165]], np.float64))
    quads = np.array(quads)
    for points, details in ((10, False), (32, True)):
        together = detect._score(feat, quads, points=points, details=details)
        for i in range(len(quads)):
            alone = detect._score(feat, quads[i:i + 1], points=points, details=details)
            assert np.array_equal(together[0][i], alone[0][0]) and np.array_equal(together[1][i], alone[1][0])
            if details:
                for key, value in together[2].items():
                    assert np.array_equal(value[i], alone[2][key][0]), key
    assert together[0][0] > 0.5 and np.array_equal(together[0][0], together[0][3])
