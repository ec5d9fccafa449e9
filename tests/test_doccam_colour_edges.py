"""An ID card whose edge is a step of colour more than of lightness (a tinted card on a light grey
desk): the card copy asks find_page for colour_edges, and LSD then also looks at a* and b*
(twelfth pass of docs/page-finding.md). Development frames of the first generator; no timing."""

import cv2
import numpy as np
import pytest

from devices.doccam import detect
from devices.doccam.geometry import smartdoc_iou
from devices.doccam.idcopy import CARD_HINTS, find_card
from entry.bench.docscan_corpus import corpus_frame


def _corpus_frame(seed: int, index: int):
    scene, _, _, jpeg = corpus_frame(seed, index)
    return scene, cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)


@pytest.mark.parametrize("seed, index", [(5, 23), (5, 135)])
def test_a_tinted_card_on_a_light_grey_desk_is_found_by_its_colour_edges(seed, index):
    scene, frame = _corpus_frame(seed, index)
    assert scene.kind == "id_card" and scene.background == "light_grey"
    assert CARD_HINTS["colour_edges"]
    assert smartdoc_iou(find_card(frame), scene.corners, scene.page_mm) > 0.9
    # Lightness alone gives no line for its sides: nothing (or not the card) without them.
    without = detect.find_page(frame, **dict(CARD_HINTS, colour_edges=False))
    assert without is None or smartdoc_iou(without, scene.corners, scene.page_mm) < 0.9


def test_colour_edges_add_segments_and_keep_the_lightness_ones():
    _, frame = _corpus_frame(5, 23)
    feat = detect._Features(frame)
    plain = detect._segments(feat)
    coloured = detect._segments(feat, colour_edges=True)
    assert len(coloured) > len(plain)
    rows = {tuple(np.round(r, 3)) for r in coloured.tolist()}
    assert all(tuple(np.round(r, 3)) in rows for r in plain.tolist())
