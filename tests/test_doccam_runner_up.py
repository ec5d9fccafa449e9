"""The page finder's runner-up test (fifteenth pass of docs/page-finding.md): a pick the ranker is not
sure of, with another outline trusted nearly as much, is "not found" (issue 21 item 2). No timing."""

import numpy as np

from devices.doccam import runner_up

SHEET = np.array([[100, 100], [300, 100], [300, 250], [100, 250]], np.float64)


def test_overlap_of_quadrilaterals():
    assert runner_up.overlap(SHEET, SHEET) == 1.0
    assert runner_up.overlap(SHEET, SHEET[::-1]) == 1.0                      # either winding
    assert runner_up.overlap(SHEET, SHEET + [400, 0]) == 0.0
    half = np.array([[100, 100], [200, 100], [200, 250], [100, 250]], np.float64)
    assert abs(runner_up.overlap(SHEET, half) - 0.5) < 1e-6


def test_the_runner_up_is_the_best_other_outline():
    near = SHEET + [3, 2]                                                    # the same outline, moved a little
    other = SHEET + [150, 0]                                                 # another, overlapping by a fifth
    far = SHEET + [0, 300]
    candidates = np.stack([SHEET, near, other, far])
    assert runner_up.runner_up(SHEET, candidates, np.array([0.9, 0.88, 0.7, 0.8])) == 0.8
    assert runner_up.runner_up(SHEET, candidates, np.array([0.9, 0.88, 0.85, 0.8])) == 0.85
    assert runner_up.runner_up(SHEET, candidates[:2], np.array([0.9, 0.88])) == 0.0

