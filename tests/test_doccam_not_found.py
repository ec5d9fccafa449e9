"""find_page on what the first generator's version 2 added: a receipt's long strip, an ID card looked
for as the ID-card copy asks, and "not found" rather than a quadrilateral for a page cut by the
frame's edge or a pick the ranker does not trust (issue 21 item 2). Small frames, no timing."""

import cv2
import numpy as np

from devices.doccam import detect, larger
from devices.doccam.geometry import smartdoc_iou
from devices.doccam.idcopy import find_card
from devices.doccam.scenes import render_scene
from entry.bench.docscan_corpus import corpus_frame

SIZE = (1280, 720)


def _corpus_frame(seed: int, index: int):
    """A development corpus's frame as ``kiosk bench docscan --make-corpus`` writes it, read back."""
    scene, _, _, jpeg = corpus_frame(seed, index)
    return scene, cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)


def test_a_receipt_longer_than_the_old_limit_is_found():
    scene = render_scene(2, SIZE, background="wood", kind="receipt")
    assert scene.page_mm[1] / scene.page_mm[0] > 2.6          # beyond the old max_aspect
    assert smartdoc_iou(detect.find_page(scene.frame), scene.corners, scene.page_mm) > 0.9


def test_an_id_card_is_found_with_the_card_copys_hints():
    scene = render_scene(1, SIZE, background="dark_mat", kind="id_card")
    assert smartdoc_iou(find_card(scene.frame), scene.corners, scene.page_mm) > 0.9


def test_a_page_cut_by_the_frame_is_not_found(monkeypatch):
    # trusted 0.73: since the fifteenth pass (NOT_FOUND 0.8) under NOT_FOUND too; at 0.7, as before, only
    # the edge tests withhold it, which is what this test checks
    monkeypatch.setattr(detect, "NOT_FOUND", 0.7)
    scene = render_scene(7, SIZE, background="dark_mat", kind="off_frame")
    assert not scene.fully_visible
    located = detect.locate(scene.frame)
    assert located is not None and located.confidence >= detect.NOT_FOUND   # a trusted candidate ...
    assert located.border_gap < detect.BORDER and located.cut               # ... at the edge, paper beyond
    assert detect.find_page(scene.frame) is None


def test_a_pick_the_ranker_does_not_trust_is_not_found():
    # frame 116 of development seed 5: overlapping sheets on wood, where the ranker's pick is another
    # sheet's corner (IoU 0.34) and it expects 0.57 of it
    scene, frame = _corpus_frame(5, 116)
    located = detect.locate(frame)
    assert located is not None and located.border_gap >= detect.BORDER and not located.cut
    assert located.confidence < detect.NOT_FOUND
    assert smartdoc_iou(located.corners, scene.corners, scene.page_mm) < 0.8   # it would have been wrong
    assert detect.find_page(frame) is None


def test_the_top_sheets_faint_edge_over_another_sheet_is_found(monkeypatch):
    # frame 39 of development seed 3: the top one of overlapping sheets on the checked cloth. Its edge
    # over the sheet beneath is paper on paper, a step fainter than STEP_MIN: without the faint
    # segments the ranker trusts (0.69) another sheet's quadrilateral (IoU 0.32)
    scene, frame = _corpus_frame(3, 39)
    assert smartdoc_iou(detect.find_page(frame), scene.corners, scene.page_mm) > 0.9
    monkeypatch.setattr(detect, "STEP_PAPER", detect.STEP_MIN)               # no faint segments: as before
    assert smartdoc_iou(detect.locate(frame).corners, scene.corners, scene.page_mm) < 0.8


def test_the_top_sheet_is_closed_where_its_sides_end(monkeypatch):
    # frame 116 of development seed 13: the top one of overlapping sheets on wood. Its edge over the
    # sheet beneath gives LSD no line, so no four lines make it; its other three sides, closed where
    # two of them end, do. Without the closed candidates the pick is another quadrilateral. The
    # ranker trusts the closed one 0.66: since NOT_FOUND 0.7 (eleventh pass) find_page says "not
    # found" here, one of the two right frames that threshold gives up on the development seeds.
    scene, frame = _corpus_frame(13, 116)
    located = detect.locate(frame)
    assert smartdoc_iou(located.corners, scene.corners, scene.page_mm) > 0.9
    assert located.confidence < detect.NOT_FOUND and detect.find_page(frame) is None
    monkeypatch.setattr(detect, "CLOSED_PASS", 0)
    unclosed = detect.locate(frame)
    assert unclosed is None or smartdoc_iou(unclosed.corners, scene.corners, scene.page_mm) < 0.9


def test_a_sheet_beneath_reaching_the_frames_edge_does_not_withhold_the_top_one(monkeypatch):
    # frame 81 of development seed 13: overlapping sheets on light grey, the top one picked (IoU 0.96,
    # trusted 0.93) and the sheet beneath running on to the frame's edge near it. The pick's sides
    # nearest that paper are steps all along: the paper is another sheet, not the pick's cut by the frame
    scene, frame = _corpus_frame(13, 81)
    assert scene.fully_visible
    assert smartdoc_iou(detect.find_page(frame), scene.corners, scene.page_mm) > 0.9
    monkeypatch.setattr(detect, "SURE_SHEET", 1.01)                          # the test as before
    assert detect.find_page(frame) is None


def test_a_trusted_pick_whose_paper_runs_on_across_a_side_stays_cut():
    # frame 26 of development seed 5: a page off the frame on light grey; the ranker trusts its pick
    # (0.93) with every corner inside the frame, but the page runs on to the frame's edge across the
    # pick's side nearest it, which is no step there
    scene, frame = _corpus_frame(5, 26)
    assert not scene.fully_visible
    located = detect.locate(frame)
    assert located.confidence >= detect.SURE_SHEET and located.border_gap >= detect.BORDER
    assert located.cut and detect.find_page(frame) is None


def test_one_page_of_a_spread_gives_way_to_the_whole_spread(monkeypatch):
    # frame 52 of development seed 3: an open booklet on granite. The ranker trusts one of its pages
    # (0.90, IoU 0.48 with the spread); the spread's long edges run on past that page's corners at the
    # gutter, which a sheet lying alone never shows (devices.doccam.larger). The candidate holding that
    # page which the ranker trusts most (0.95) is the whole spread, and does not run on (twelfth pass)
    scene, frame = _corpus_frame(3, 52)
    assert scene.kind == "spread" and scene.fully_visible
    located = detect.locate(frame)
    assert located.confidence >= detect.HOLD_TRUST and located.runs_on < larger.SHARE
    assert smartdoc_iou(detect.find_page(frame), scene.corners, scene.page_mm) > 0.9
    monkeypatch.setattr(detect, "HOLDING", False)                             # the eleventh pass
    located = detect.locate(frame)
    assert located.confidence >= detect.NOT_FOUND and located.border_gap >= detect.BORDER and not located.cut
    assert smartdoc_iou(located.corners, scene.corners, scene.page_mm) < 0.8     # one page: it would be wrong
    assert located.runs_on >= larger.SHARE
    assert detect.find_page(frame) is None
    monkeypatch.setattr(larger, "SHARE", 1.01)                                  # without the run-on test
    assert smartdoc_iou(detect.find_page(frame), scene.corners, scene.page_mm) < 0.8


def test_a_page_off_the_frame_does_not_give_way_to_a_candidate_holding_it(monkeypatch):
    # frame 89 of development seed 5: a page running off the frame on the dark mat, its visible part
    # picked (trusted 0.80) and running on; candidates holding it are trusted at most 0.78, under
    # HOLD_TRUST, so it stays "not found"; were NOT_FOUND enough, one of them (IoU 0.62) would be returned
    scene, frame = _corpus_frame(5, 89)
    assert not scene.fully_visible
    assert detect.locate(frame).runs_on >= larger.SHARE
    assert detect.find_page(frame) is None
    monkeypatch.setattr(detect, "HOLD_TRUST", detect.NOT_FOUND)
    assert smartdoc_iou(detect.find_page(frame), scene.corners, scene.page_mm) < 0.8


def test_the_visible_part_of_a_page_off_the_frame_is_not_found():
    # frame 103 of development seed 3: a page running off the frame on newsprint, its visible part
    # picked with all four corners inside the frame and trusted 0.88; the cut-by-frame test does not
    # catch it, but the page's two long edges run on past the pick's corners to the frame's edge
    scene, frame = _corpus_frame(3, 103)
    assert not scene.fully_visible
    located = detect.locate(frame)
    assert located.confidence >= detect.NOT_FOUND and located.border_gap >= detect.BORDER and not located.cut
    assert located.runs_on >= larger.SHARE
    assert detect.find_page(frame) is None


def _desk_with(rectangles: list[tuple[int, int, int, int]]) -> np.ndarray:
    """A dark desk (as the finder's weighted CIELAB) with white paper rectangles (x0, y0, x1, y1)."""
    bgr = np.full((270, 480, 3), (40, 60, 90), np.uint8)
    for x0, y0, x1, y1 in rectangles:
        bgr[y0:y1, x0:x1] = 235
    return detect._Features(bgr).lab


def test_runs_on_tells_a_sheet_alone_from_one_page_of_two():
    page = np.array([[140, 60], [240, 60], [240, 200], [140, 200]], np.float64)
    assert larger.runs_on(_desk_with([(140, 60, 240, 200)]), page) < 0.2
    spread = _desk_with([(140, 60, 340, 200)])         # a second page to the right, in line
    assert larger.runs_on(spread, page) >= larger.SHARE
    assert larger.runs_on(spread, np.array([[140, 60], [340, 60], [340, 200], [140, 200]], np.float64)) < 0.2


def test_a_region_taken_early_but_not_trusted_lets_the_lines_be_weighed(monkeypatch):
    # frame 136 of development seed 3: an open booklet on light grey. A region candidate scores EARLY
    # (taken before any line is looked for) but the ranker expects only 0.51 of it; the whole spread is
    # among the line candidates, which were never weighed, so the answer was "not found" (eighteenth pass)
    scene, frame = _corpus_frame(3, 136)
    assert scene.kind == "spread" and scene.fully_visible
    feat = detect._Features(frame)
    quad, score, confidence = detect._select(feat, detect._region_candidates(feat), 0.04, detect.MAX_ASPECT,
                                             1.414, take_at=detect.EARLY)
    assert quad is not None and score >= detect.EARLY and confidence < detect.NOT_FOUND
    assert smartdoc_iou(detect.find_page(frame), scene.corners, scene.page_mm) > 0.9
    monkeypatch.setattr(detect, "LINES_IF_UNTRUSTED", False)                 # as before
    located = detect.locate(frame)
    assert located.confidence < detect.NOT_FOUND
    assert detect.find_page(frame) is None


def test_a_page_off_the_frame_with_print_at_the_edge_is_cut(monkeypatch):
    # frame 138 of development seed 13: a page running off the bottom of the frame on light grey, picked
    # down to its photo's lower edge (IoU 0.59) and trusted 0.85. Where the frame cuts the page there is
    # print; read as it is, it breaks the run of paper along the frame's edge (twentieth pass)
    scene, frame = _corpus_frame(13, 138)
    assert not scene.fully_visible
    located = detect.locate(frame)
    assert detect.NOT_FOUND <= located.confidence < detect.SURE_SHEET and located.cut
    assert detect.find_page(frame) is None
    monkeypatch.setattr(detect, "CUT_PRINT", 0)                             # print read as it is: wrong
    assert not detect.locate(frame).cut
    found = detect.find_page(frame)
    assert found is not None and smartdoc_iou(found, scene.corners, scene.page_mm) < 0.8
