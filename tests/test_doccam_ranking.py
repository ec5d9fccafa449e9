"""The page ranker: the shipped model, and the tree walk that stands in for scikit-learn at run time."""

import json

import numpy as np

from devices.doccam import ranking


def test_the_shipped_model_fits_the_features_and_never_saw_the_reporting_seed():
    assert ranking.available(ranking.TRAINED_ASPECT)
    info = json.loads(ranking.MODEL_INFO.read_text("utf-8"))
    assert info["features"] == list(ranking.FEATURES)
    assert 7 not in [source["seed"] for source in info["trained_on"]]
    assert sum(source["frames"] for source in info["trained_on"]) >= 500


def test_an_id_card_has_a_ranker_of_its_own_other_proportions_none():
    assert ranking.available(85.6 / 54.0) and ranking.model_path(85.6 / 54.0) == ranking.CARD_MODEL
    assert not ranking.available(2.0)           # a receipt looked for as such: weighed by hand
    info = json.loads(ranking.CARD_MODEL_INFO.read_text("utf-8"))
    assert info["features"] == list(ranking.FEATURES)
    assert all(source["seed"] != 7 and source["generator"] == "scenes/3" for source in info["trained_on"])
    assert sum(source["frames"] for source in info["trained_on"]) >= 80   # ID-card frames only
    rows = np.zeros((3, len(ranking.FEATURES)), np.float32)
    assert not np.allclose(ranking.predict(rows, ranking.CARD_ASPECT), ranking.predict(rows))   # two models


def test_the_walk_follows_each_tree_to_its_leaf_and_adds_them_up():
    # Two trees of depth 2 over 3 features. Tree 0: f0 <= 0.5 ? (f1 <= 1 ? 10 : 20) : 30.
    # Tree 1: f2 <= -1 ? 1 : (leaf 2, reached at depth 1 and staying put).
    inf = np.inf
    model = {
        "feature": np.array([[0, 1, 0, 0, 0], [2, 0, 0, 0, 0]], np.int16),
        "threshold": np.array([[0.5, 1.0, inf, inf, inf], [-1.0, inf, inf, 0, 0]], np.float64),
        "left": np.array([[1, 3, 2, 3, 4], [1, 1, 2, 3, 4]], np.int16),
        "right": np.array([[2, 4, 2, 3, 4], [2, 1, 2, 3, 4]], np.int16),
        "value": np.array([[0, 0, 30, 10, 20], [0, 1, 2, 0, 0]], np.float32),
        "init": np.float64(0.5), "rate": np.float64(0.1), "depth": np.int16(2), "n_features": np.int16(3),
    }
    rows = np.array([[0.0, 0.0, -5.0], [0.0, 2.0, 0.0], [1.0, 0.0, 0.0]], np.float32)
    expected = 0.5 + 0.1 * np.array([10 + 1, 20 + 2, 30 + 2])
    assert np.allclose(ranking._walk(model, rows), expected)


def test_a_broken_model_file_falls_back_to_the_hand_weighting(tmp_path, monkeypatch):
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a model")
    partial = tmp_path / "partial.npz"
    np.savez(partial, feature=np.zeros((2, 3), np.int16))   # arrays missing
    try:
        for broken in (garbage, partial, tmp_path / "missing.npz"):
            monkeypatch.setattr(ranking, "MODEL", broken)
            monkeypatch.setattr(ranking, "CARD_MODEL", broken)
            ranking._model.cache_clear()
            assert not ranking.available(ranking.TRAINED_ASPECT), broken.name
            assert not ranking.available(ranking.CARD_ASPECT), broken.name
    finally:
        monkeypatch.undo()
        ranking._model.cache_clear()
    assert ranking.available(ranking.TRAINED_ASPECT) and ranking.available(ranking.CARD_ASPECT)


def test_the_walk_compares_as_the_float64_thresholds_do():
    # Thresholds that lie between two float32 values, and one that is a float32 value: rows just either side of
    # them, and on them, go the same way as with the float64 thresholds (rounded down to float32 once per model).
    below = float(np.float32(0.1))                       # 0.1 as float32 lies above 0.1
    above = float(np.nextafter(np.float32(0.1), np.float32(1)))
    exact = 0.25
    inf = np.inf
    model = {
        "feature": np.array([[0, 0, 0], [1, 0, 0], [2, 0, 0]], np.int16),
        "threshold": np.array([[0.1, inf, inf], [(below + above) / 2, inf, inf], [exact, inf, inf]], np.float64),
        "left": np.array([[1, 1, 2], [1, 1, 2], [1, 1, 2]], np.int16),
        "right": np.array([[2, 1, 2], [2, 1, 2], [2, 1, 2]], np.int16),
        "value": np.array([[0, 1, 100], [0, 10, 1000], [0, 100000, 1000000]], np.float32),
        "init": np.float64(0.0), "rate": np.float64(1.0), "depth": np.int16(1), "n_features": np.int16(3),
    }
    values = [np.nextafter(np.float32(0.1), np.float32(0)), np.float32(0.1), np.float32(above), np.float32(0.25),
              np.nextafter(np.float32(0.25), np.float32(1))]
    rows = np.array([[v, v, v] for v in values], np.float32)
    expected = [sum(leaf if float(v) <= t else far for t, leaf, far in
                    ((0.1, 1, 100), ((below + above) / 2, 10, 1000), (exact, 100000, 1000000))) for v in values]
    assert ranking._walk(model, rows).tolist() == expected
    assert expected[1] == 100 + 10 + 100000      # float32(0.1) > 0.1: right in tree 0, left in tree 1
