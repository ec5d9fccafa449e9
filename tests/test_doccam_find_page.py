"""find_page against the true corners of generated pages on every desk (no timing here)."""

import numpy as np
import pytest

from devices.doccam.detect import classic_find_page, find_page
from devices.doccam.geometry import smartdoc_iou
from devices.doccam.scenes import BACKGROUNDS, empty_desk, render_scene

SEEDS = (500, 501, 502)


@pytest.mark.parametrize("background", BACKGROUNDS)
def test_the_page_is_found_on_every_desk(background):
    ious = []
    for seed in SEEDS:
        scene = render_scene(seed, (1920, 1080), background=background)
        quad = find_page(scene.frame)
        assert quad is not None, f"{background} seed {seed}: no page"
        assert quad.shape == (4, 2) and quad.dtype == np.float32
        ious.append(smartdoc_iou(quad, scene.corners))
    assert min(ious) > 0.8, ious
    assert sum(i > 0.9 for i in ious) >= 2, ious


def test_corners_come_back_top_left_first_in_the_frame():
    scene = render_scene(502, (1920, 1080), background="dark_mat")
    quad = find_page(scene.frame)
    centre = quad.mean(axis=0)
    assert quad[0][0] < centre[0] and quad[0][1] < centre[1] + 0.25 * (quad[:, 1].max() - quad[:, 1].min())


def test_white_on_white_is_found_where_the_classic_recipe_is_not():
    scene = render_scene(502, (1920, 1080), background="white")
    assert smartdoc_iou(find_page(scene.frame), scene.corners) > 0.95
    assert smartdoc_iou(classic_find_page(scene.frame), scene.corners) < 0.9


def test_an_empty_desk_has_no_page():
    rng = np.random.default_rng(1)
    desk = np.clip(rng.normal(120, 3, (1080, 1920, 3)), 0, 255).astype(np.uint8)
    assert find_page(desk) is None


@pytest.mark.parametrize("background", ["wood", "white", "light_grey", "dark_mat"])
def test_a_desk_without_a_page_has_no_page(background):
    for seed in range(4):
        assert find_page(empty_desk(seed, (1920, 1080), background)) is None, f"{background} seed {seed}"
