"""The first scene generator's added kinds and desks (devices.doccam.scene_extras): truth that matches
the picture, what is off the frame said so, the A4 page drawn as before, and (version 3) ID cards
darker than a light desk."""

import numpy as np
import pytest

from devices.doccam import scene_extras
from devices.doccam.scenes import DESKS, KINDS, render_scene

SIZE = (640, 360)


def _patch(frame: np.ndarray, p: np.ndarray) -> float:
    """The frame's mean brightness in 5x5 px round p."""
    x, y = int(round(p[0])), int(round(p[1]))
    return float(frame[y - 2:y + 3, x - 2:x + 3].mean())


def _at(frame: np.ndarray, corners: np.ndarray, u: float, v: float) -> float:
    """:func:`_patch` at (u, v) of the document (bilinear in its corners)."""
    q = corners.astype(np.float64)
    return _patch(frame, (1 - u) * (1 - v) * q[0] + u * (1 - v) * q[1] + u * v * q[2] + (1 - u) * v * q[3])


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "off_frame"])
def test_each_kind_lies_where_its_truth_says(kind):
    scene = render_scene(11, SIZE, background="dark_mat", content="text", calm=True, kind=kind)
    assert scene.kind == kind and scene.fully_visible
    assert scene.frame.shape == (SIZE[1], SIZE[0], 3)
    inside = [_at(scene.frame, scene.corners, u, v) for u, v in ((0.1, 0.1), (0.9, 0.1), (0.9, 0.9), (0.1, 0.9))]
    c = scene.corners.mean(axis=0)
    beyond = [c + (q - c) * 1.25 for q in scene.corners] if kind != "overlapping" else []  # not onto another sheet
    outside = [_patch(scene.frame, p) for p in beyond if np.all((p > 4) & (p < np.array(SIZE) - 4))]
    assert min(inside) > 140, (kind, inside)           # the document's paper near each corner
    assert all(o < 110 for o in outside), (kind, outside)  # the dark mat beyond them
    w, h = scene.page_mm
    top, side = np.linalg.norm(scene.corners[1] - scene.corners[0]), np.linalg.norm(scene.corners[3] - scene.corners[0])
    assert 0.6 < (top / side) / (w / h) < 1.6     # the truth's proportions are the document's


def test_a_page_off_the_frame_says_so_and_is_partly_outside():
    for seed in range(2):
        scene = render_scene(seed, SIZE, kind="off_frame")
        assert not scene.fully_visible
        outside = scene_extras._outside_share(scene.corners, SIZE)
        assert 0.11 < outside < 0.41, outside


def test_every_new_desk_is_drawn_and_a_receipt_is_long():
    for desk in DESKS[5:]:
        scene = render_scene(3, SIZE, background=desk, kind="receipt")
        assert scene.background == desk and scene.frame.std() > 10
        assert 1.85 <= scene.page_mm[1] / scene.page_mm[0] <= 3.75


def test_some_cards_on_a_light_desk_are_darker_than_it_and_nothing_else_changed(monkeypatch):
    def card_on(seed: int, desk: str) -> tuple[np.ndarray, float, float]:
        scene = render_scene(seed, SIZE, background=desk, content="text", calm=True, kind="id_card")
        card = np.median([_at(scene.frame, scene.corners, u, v) for u in (0.2, 0.5, 0.8) for v in (0.2, 0.5, 0.8)])
        c = scene.corners.mean(axis=0)
        beyond = [c + (q - c) * 1.3 for q in scene.corners]  # round the card, where it is in the frame
        round_it = [_patch(scene.frame, p) for p in beyond if np.all((p > 4) & (p < np.array(SIZE) - 4))]
        return scene.frame, float(card), float(np.median(round_it))

    drawn = {(seed, desk): card_on(seed, desk) for seed in range(8) for desk in ("light_grey", "white", "dark_mat")}
    monkeypatch.setattr(scene_extras, "DARK_SHARE", 0.0)     # every card as version 2 drew it
    darker = 0
    for (seed, desk), (frame, card, desk_level) in drawn.items():
        if np.array_equal(frame, card_on(seed, desk)[0]):
            continue
        assert desk != "dark_mat" and card < desk_level, (seed, desk, card, desk_level)
        darker += 1
    assert 4 <= darker <= 12, darker           # about half of the 16 on a light desk
