"""Which candidate quadrilateral is the page: measured evidence, weighed by a small learned model.

:func:`devices.doccam.detect.find_page` makes candidates from line segments and regions and
measures each (steps across its sides, paper inside, something else outside). Weighing that
evidence by hand picked a part of the page (cut off by a shadow, a photo or the edge of the
print) or a sheet of paper beside it on about one frame in ten. Here the same evidence, with the
candidate's shape and its relation to the others, becomes a row of :data:`FEATURES`, and a set of
gradient-boosted trees (500 trees of depth 6, shipped as plain arrays in ``page_ranker.npz`` beside
this file and walked with numpy: about 4 ms a frame with the features) predicts each candidate's
IoU with the true page. ``kiosk bench docscan-train`` rebuilds the model from seeded corpora; the seeds it was
trained on are recorded in the model's folder (``page_ranker.json``) and must never be the seed
the benchmark reports.

An ID card, looked for with its own proportions by the ID-card copy, is weighed by a model of its own
(``card_ranker.npz``, ``kiosk bench docscan-train --cards``), fitted to the ID-card frames alone of
the first generator's version 3, where half the cards on a light desk are darker than it. Refit on
every frame, one model for both took a card darker than a light grey desk for its photo (IoU 0.35):
the pages, nine in ten of its rows, taught it that the document is the brighter thing. On the
development seeds the card ranker was right on 43 of 60 cards and confidently wrong on 2 where the
hand weighting that weighed cards before was right on 37 and wrong on 6 (docs/page-finding.md,
"Sixth pass").
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np

from devices.doccam.order_stats import median
from devices.doccam.vectors import next_corners, norm, previous_corners

MODEL = Path(__file__).with_name("page_ranker.npz")
MODEL_INFO = Path(__file__).with_name("page_ranker.json")
CARD_MODEL = Path(__file__).with_name("card_ranker.npz")
CARD_MODEL_INFO = Path(__file__).with_name("card_ranker.json")
TRAINED_ASPECT = 1.414     # the proportions of the pages it learned from (A4)
CARD_ASPECT = 85.6 / 54.0  # an ID card's (ISO/IEC 7810 ID-1), which the card ranker learned from

FEATURES = (
    "support_min", "support_2", "support_3", "support_max", "score", "score_rel",
    "paper_same", "outside_other", "brighter", "polar_min",
    "step_min", "step_max", "paper_L", "paper_chroma", "outer_dist_min", "outer_dist_mean",
    "log_area", "area_rel", "aspect_dev", "angle_dev", "opposite_ratio", "border_gap",
    "holds", "held_by", "texture_in", "texture_out", "lightness_sd_in",
    "across_min", "across_mean", "along_ratio", "support_mean_rel", "step_mean_rel", "across_mean_rel",
)

_U = np.linspace(0.1, 0.9, 9)
_GRID_U, _GRID_V = (a.ravel()[:, None] for a in np.meshgrid(_U, _U))


def _grid(quads: np.ndarray) -> np.ndarray:
    """Points spread over each quad (bilinear in its corners): m, 81, 2."""
    q = quads[:, None, :, :]
    u, v = _GRID_U[None], _GRID_V[None]
    return (1 - u) * (1 - v) * q[:, :, 0] + u * (1 - v) * q[:, :, 1] + u * v * q[:, :, 2] + (1 - u) * v * q[:, :, 3]


def _inside(quads: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """m x n: whether point j lies inside convex quad i (either winding)."""
    p0 = quads[:, None, :, :]                                  # m,1,4,2
    e = next_corners(quads, 1)[:, None] - p0                   # m,1,4,2
    r = pts[None, :, None, :] - p0                             # m,n,4,2
    cross = e[..., 0] * r[..., 1] - e[..., 1] * r[..., 0]      # m,n,4
    return (cross >= 0).all(-1) | (cross <= 0).all(-1)


def candidate_features(feat, quads: np.ndarray, score: np.ndarray, side: np.ndarray, parts: dict,
                       aspect: float = 1.414) -> np.ndarray:
    """One row of :data:`FEATURES` per candidate (working-scale quads, as scored by ``_score``); ``aspect``
    is the proportions looked for (A4 1.414, an ID card 1.586)."""
    m = len(quads)
    sides_sorted = np.sort(side, axis=1)
    step = median(parts["step"], axis=-1)                                      # m,4
    paper = parts["paper"]                                                     # m,3
    outer_med = median(parts["outer"], axis=2)                                 # m,4,3
    outer_dist = norm(outer_med - paper[:, None, :], -1)                       # m,4
    x, y = quads[..., 0], quads[..., 1]
    area = np.abs((x * next_corners(y, 1)).sum(1) - (y * next_corners(x, 1)).sum(1)) / 2
    d = next_corners(quads, 1) - quads
    lengths = norm(d, -1) + 1e-9
    a, b = (lengths[:, 0] + lengths[:, 2]) / 2, (lengths[:, 1] + lengths[:, 3]) / 2
    ratio = np.maximum(a, b) / np.maximum(np.minimum(a, b), 1e-6)
    u = d / lengths[..., None]
    cosang = np.abs((u * previous_corners(u, 1)).sum(-1))                      # at each corner
    angle_dev = np.degrees(np.arcsin(np.clip(cosang, 0, 1))).max(axis=1) / 90.0
    opposite = np.maximum(np.maximum(lengths[:, 0], lengths[:, 2]) / np.minimum(lengths[:, 0], lengths[:, 2]),
                          np.maximum(lengths[:, 1], lengths[:, 3]) / np.minimum(lengths[:, 1], lengths[:, 3]))
    border = np.minimum.reduce([x.min(1), y.min(1), feat.w - 1 - x.max(1), feat.h - 1 - y.max(1)])
    centres = quads.mean(axis=1)
    inside = _inside(quads, centres)
    np.fill_diagonal(inside, False)
    strong = score >= 0.5 * max(float(score.max()), 1e-6)
    holds = (inside & strong[None, :]).sum(1)                  # strong candidates lying inside this one
    held_by = (inside & strong[:, None]).sum(0)                # strong candidates this one lies inside
    # Texture: print inside a page, and what lies round it (a ring 8 % out from the centre).
    grad = feat.grad_l
    g_in = _grid(quads)
    ring = centres[:, None, :] + (quads - centres[:, None, :]) * 1.08

    def sample(img: np.ndarray, pts: np.ndarray) -> np.ndarray:   # img contiguous, h x w (x channels)
        xi = np.clip(np.rint(pts[..., 0]).astype(np.intp), 0, feat.w - 1)
        yi = np.clip(np.rint(pts[..., 1]).astype(np.intp), 0, feat.h - 1)
        return img.reshape(feat.h * feat.w, -1).take(yi * feat.w + xi, axis=0).reshape(yi.shape + img.shape[2:])

    ring_pts = np.concatenate([ring[:, k:k + 1] + (next_corners(ring, 1)[:, k:k + 1] - ring[:, k:k + 1])
                               * _U[None, :, None] for k in range(4)], axis=1)
    texture_in = (sample(grad, g_in) > 4.0).mean(1)
    texture_out = (sample(grad, ring_pts) > 4.0).mean(1)
    lightness_sd = sample(feat.lab, g_in)[..., 0].std(1) / 64.0
    best = max(float(score.max()), 1e-6)
    across = median(parts["across"], axis=-1)                                  # m,4: gradient across each side
    along = median(parts["along"], axis=-1)
    support_mean, step_mean, across_mean = side.mean(axis=1), step.mean(axis=1), across.mean(axis=1)
    rows = np.column_stack([
        sides_sorted, score, score / best,
        parts["same"], parts["other"], parts["brighter"], parts["polar"].min(axis=1),
        step.min(axis=1) / 50.0, step.max(axis=1) / 50.0, paper[:, 0] / 255.0,
        norm(paper[:, 1:], 1) / 50.0, outer_dist.min(axis=1) / 50.0, outer_dist.mean(axis=1) / 50.0,
        np.log(area / (feat.w * feat.h) + 1e-6), area / max(float(area.max()), 1e-6),
        np.abs(np.log(ratio / aspect)), angle_dev, np.log(opposite),
        border / min(feat.w, feat.h), np.minimum(holds, 8) / 8.0, np.minimum(held_by, 8) / 8.0,
        texture_in, texture_out, lightness_sd,
        across.min(axis=1) / 20.0, across_mean / 20.0, (along / (across + 1e-3)).max(axis=1),
        support_mean - support_mean.max(), step_mean / max(float(step_mean.max()), 1e-6),
        across_mean / max(float(across_mean.max()), 1e-6),
    ]).astype(np.float32)
    assert rows.shape == (m, len(FEATURES))
    return rows


def model_path(aspect: float) -> Path | None:
    """The model that weighs candidates of these proportions: the page ranker for A4's, the card
    ranker for an ID card's, none for others (weighed by hand)."""
    if abs(aspect - TRAINED_ASPECT) < 0.01:
        return MODEL
    if abs(aspect - CARD_ASPECT) < 0.01:
        return CARD_MODEL
    return None


@functools.lru_cache(maxsize=2)
def _model(path: Path) -> dict | None:
    """The trained trees as arrays, or None when the file is missing or does not fit :data:`FEATURES`;
    with them, once, the flat arrays :func:`_walk` reads (:func:`_walkable`)."""
    try:
        with np.load(path) as data:
            model = {k: data[k] for k in data.files}
        fits = int(model["n_features"]) == len(FEATURES) and model["feature"].shape == model["value"].shape
    except (OSError, ValueError, KeyError):
        return None
    return _walkable(model) if fits else None


def _walkable(m: dict) -> dict:
    """``m`` with the flat arrays :func:`_walk` reads, built once per model (building them took a fifth of
    a walk). Nodes are numbered twice their flat index (tree x width + node), so a node's children are
    at its number and its number + 1, and each child entry is the child's number; thresholds are rounded
    down to float32, the rows' own precision: a float32 value is <= a float64 threshold exactly when it
    is <= the largest float32 not above it, so every comparison goes the same way."""
    n_trees, width = m["feature"].shape
    twice = lambda a: np.repeat(a.ravel(), 2)                                 # noqa: E731 (entry 2i and 2i + 1: node i)
    base = (np.arange(n_trees) * width)[:, None]
    children = 2 * (base[..., None] + np.stack([m["right"], m["left"]], -1).astype(np.intp))   # right, left
    threshold = m["threshold"].ravel()
    rounded = threshold.astype(np.float32)
    rounded = np.where(rounded.astype(np.float64) > threshold, np.nextafter(rounded, np.float32(-np.inf)), rounded)
    return {**m, "_feature": twice(m["feature"].astype(np.intp)), "_threshold": twice(rounded), "_value": twice(m["value"]),
            "_children": children.ravel(), "_start": 2 * base}


def available(aspect: float) -> bool:
    """Whether a model can weigh candidates of these proportions (:func:`model_path`, its file there
    and sound); else they are weighed by hand."""
    path = model_path(aspect)
    return path is not None and _model(path) is not None


def predict(rows: np.ndarray, aspect: float = TRAINED_ASPECT) -> np.ndarray:
    """Predicted IoU with the true document, one per row, by the model for these proportions."""
    return from_target(_walk(_model(model_path(aspect)), rows))


def to_target(iou: np.ndarray) -> np.ndarray:
    """What the trees learn: -log(1.01 - IoU), which spreads out the high end (0.88 against 0.97 is
    the difference between a skewed copy and a straight one; 0.1 against 0.3 does not matter)."""
    return -np.log(1.01 - np.clip(iou, 0.0, 1.0))


def from_target(t: np.ndarray) -> np.ndarray:
    return 1.01 - np.exp(-t)


def _walk(m: dict, rows: np.ndarray) -> np.ndarray:
    """Every tree walked at once, level by level (a leaf points to itself and stays put)."""
    if "_children" not in m:              # as exported (train() checks its export with it)
        m = _walkable(m)
    feature, threshold, value, children = (m[k] for k in ("_feature", "_threshold", "_value", "_children"))
    rows = np.ascontiguousarray(rows, np.float32)
    start = m["_start"]
    at = np.broadcast_to(start, (len(start), len(rows))).copy()      # each row's node (twice its flat index)
    cell = np.arange(len(rows))[None, :] * rows.shape[1]
    flat_rows = rows.ravel()
    for _ in range(int(m["depth"])):     # take(): several times faster than indexing with an array
        go_left = flat_rows.take(cell + feature.take(at)) <= threshold.take(at)
        at = children.take(at + go_left)
    return float(m["init"]) + float(m["rate"]) * value.take(at).sum(axis=0)


def export(estimator, depth: int) -> dict:
    """scikit-learn's GradientBoostingRegressor as the arrays :func:`predict` walks (a leaf: threshold inf, both
    children itself)."""
    trees = [t[0].tree_ for t in estimator.estimators_]
    width = max(t.node_count for t in trees)
    shape = (len(trees), width)
    out = {"feature": np.zeros(shape, np.int16), "threshold": np.zeros(shape, np.float64),
           "left": np.zeros(shape, np.int16), "right": np.zeros(shape, np.int16), "value": np.zeros(shape, np.float32)}
    for i, t in enumerate(trees):
        n = t.node_count
        leaf = t.children_left[:n] < 0
        own = np.arange(n)
        out["feature"][i, :n] = np.where(leaf, 0, t.feature[:n])
        out["threshold"][i, :n] = np.where(leaf, np.inf, t.threshold[:n])
        out["left"][i, :n] = np.where(leaf, own, t.children_left[:n])
        out["right"][i, :n] = np.where(leaf, own, t.children_right[:n])
        out["value"][i, :n] = t.value[:n, 0, 0]
    init = float(np.ravel(estimator.init_.constant_)[0]) if hasattr(estimator.init_, "constant_") else 0.0
    out.update(init=np.float64(init), rate=np.float64(estimator.learning_rate), depth=np.int16(depth),
               n_features=np.int16(len(FEATURES)))
    return out


def train(rows: np.ndarray, targets: np.ndarray, info: dict, trees: int = 500, depth: int = 6,
          model: Path | None = None) -> None:
    """Fit gradient-boosted trees (scikit-learn, a training-time tool only) to candidate rows and their
    true IoU; write them as arrays to ``model`` (:data:`MODEL` when None), and ``info`` beside it
    (the same name, ``.json``)."""
    model = model or MODEL
    from sklearn.ensemble import GradientBoostingRegressor

    estimator = GradientBoostingRegressor(n_estimators=trees, max_depth=depth, learning_rate=0.05,
                                          subsample=0.8, random_state=0)
    estimator.fit(rows, to_target(targets))
    arrays = export(estimator, depth)
    np.savez_compressed(model, **arrays)
    check = rows[:: max(1, len(rows) // 2000)]
    if not np.allclose(_walk(arrays, check.astype(np.float32)), estimator.predict(check), atol=1e-3):
        raise RuntimeError("the exported trees do not reproduce scikit-learn's predictions")
    model.with_suffix(".json").write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    _model.cache_clear()
