"""How far the page finder's pick stands above its runner-up: a close second elsewhere is a reason for "not found".

The ranker (:mod:`devices.doccam.ranking`) predicts each candidate's IoU with the page and the finder takes
the highest. Where it has two different outlines nearly level (the top sheet and the outline of two
sheets together, an ID card and the photo on it, a receipt and a column of the newsprint under it), the
pick is a coin toss between them, and a wrong outline costs the citizen more than "not found" (the
eleventh pass of docs/page-finding.md). :func:`runner_up` is the best prediction among the weighed
candidates that are another outline (their IoU with the pick, in the working image, below
:data:`DISTINCT`); :func:`devices.doccam.detect.find_page` says "not found" when the pick is not sure
(below ``detect.RUNNER_BELOW``) and the runner-up comes within ``detect.RUNNER_MARGIN`` of it.

The constants are chosen on the first generator's development seeds only (fifteenth pass of
docs/page-finding.md).
"""

from __future__ import annotations

import cv2
import numpy as np

DISTINCT = 0.8      # a candidate whose IoU with the pick is below this is another outline
BACKING = 3         # an outline's backing: the mean of the best this many predictions among its near duplicates
AMONG = 12          # ... looked for among this many candidates the ranker trusts most


def overlap(a: np.ndarray, b: np.ndarray) -> float:
    """IoU of two quadrilaterals (their convex hulls), in the plane they are drawn in."""
    ha = cv2.convexHull(a.astype(np.float32))
    hb = cv2.convexHull(b.astype(np.float32))
    inter, _ = cv2.intersectConvexConvex(ha, hb)
    union = cv2.contourArea(ha) + cv2.contourArea(hb) - inter
    return float(inter / union) if union > 0 else 0.0


def runner_up(quad: np.ndarray, candidates: np.ndarray, predicted: np.ndarray) -> float:
    """The highest ``predicted`` IoU among ``candidates`` (m x 4 x 2, the pick's plane) that are another
    outline than ``quad`` (overlap below :data:`DISTINCT`); 0.0 when there is none."""
    for j in np.argsort(-predicted):       # the first other outline, best first
        if overlap(quad, candidates[j]) < DISTINCT:
            return float(predicted[j])
    return 0.0


def backing(quad: np.ndarray, candidates: np.ndarray, predicted: np.ndarray) -> float:
    """How much the ranker backs the outline ``quad``: the mean of the :data:`BACKING` best ``predicted``
    IoUs among the :data:`AMONG` most trusted ``candidates`` that are the same outline (overlap at least
    :data:`DISTINCT`; missing ones count 0)."""
    best = np.argsort(-predicted)[:AMONG]
    same = [float(predicted[j]) for j in best if overlap(quad, candidates[j]) >= DISTINCT][:BACKING]
    return sum(same) / BACKING


def outbacked(quad: np.ndarray, candidates: np.ndarray, predicted: np.ndarray, trusted: float) -> float:
    """How far another outline's backing (:func:`backing`) stands above ``quad``'s: the pick trusted alone
    while several near duplicates of another outline, one of them trusted at ``trusted`` (an outline the
    finder would answer with on its own), are trusted nearly as much (a receipt found many times over
    against one outline of a different strip; the top sheet against the outline of two sheets together).
    Only the :data:`AMONG` most trusted candidates are looked at; 0.0 when no other outline is backed more."""
    own = backing(quad, candidates, predicted)
    lead = 0.0
    for j in np.argsort(-predicted)[:AMONG]:
        if predicted[j] < trusted or predicted[j] <= own + lead:   # a backing is at most its best prediction
            break
        if overlap(quad, candidates[j]) < DISTINCT:
            lead = max(lead, backing(candidates[j], candidates, predicted) - own)
    return lead
