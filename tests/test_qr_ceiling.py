"""kiosk bench qr-ceiling: what a codes2 frame holds, read from the generator's own drawing (dev seed 63)."""

from __future__ import annotations

import cv2
import numpy as np

from entry.bench import qr_ceiling
from entry.bench.scenes2 import code_geometry, codes

SEED = 63  # codes2's development seed; frames 12-23 are 640x480
PAPER, MOTION, OCCLUSION = 19, 20, 22


def _gray(drawn: code_geometry.DrawnCode) -> np.ndarray:
    return cv2.cvtColor(drawn.frame, cv2.COLOR_BGR2GRAY).astype(np.float32)


def test_the_redrawn_frame_is_the_generators():
    drawn = code_geometry.redraw(SEED, PAPER)
    assert drawn.kind == "paper"
    assert np.array_equal(drawn.frame, codes.render(SEED, PAPER).frame)
    n = drawn.matrix.shape[0]
    assert (n - 17) % 4 == 0 and drawn.level in "LMQH"
    assert drawn.centres.shape == (1, n, n, 2)


def test_module_centres_land_on_their_modules():
    drawn = code_geometry.redraw(SEED, PAPER)
    gray, dark = _gray(drawn), drawn.matrix.astype(bool)
    nothing_lost = np.zeros(dark.shape, bool)
    assert qr_ceiling.grid_reading(gray, drawn.mean_centres, dark, nothing_lost).mean() < 0.01  # tilted: 2.1-3 px
    pitch = np.linalg.norm(drawn.mean_centres[0, 1] - drawn.mean_centres[0, 0])
    shifted = drawn.mean_centres + np.array([pitch / 2, pitch / 2])
    assert qr_ceiling.grid_reading(gray, shifted, dark, nothing_lost).mean() > 0.1
    result = qr_ceiling.judge(drawn, gray, "paper")
    assert result.grid_read and not result.lost_bits_over and result.lost_modules == 0


def test_a_thumb_hides_the_modules_under_it():
    drawn = code_geometry.redraw(SEED, OCCLUSION)
    assert drawn.kind == "occlusion" and drawn.cover.max() > 0.9
    hidden = (drawn.cover >= qr_ceiling.COVERED).all(axis=-1)
    assert 0 < hidden.sum() < hidden.size
    # the frame is skin where the thumb hides a module: the same colour over dark and light modules
    gray = _gray(drawn)
    levels = qr_ceiling._sample(gray, drawn.mean_centres, 0.0)
    dark = drawn.matrix.astype(bool)
    visible = ~drawn.cover.any(axis=-1) & drawn.inside.all(axis=-1)
    assert abs(levels[hidden & dark].mean() - levels[hidden & ~dark].mean()) < \
        abs(levels[visible & dark].mean() - levels[visible & ~dark].mean()) / 3


def test_a_code_all_hidden_is_beyond_any_decoder():
    drawn = code_geometry.redraw(SEED, PAPER)
    drawn.cover[:] = 1.0
    result = qr_ceiling.judge(drawn, _gray(drawn), "paper, covered")
    assert result.lost_bits_over and result.lost_words_over and not result.grid_read


def test_a_moving_hand_smears_less_frame_by_frame():
    first, last = code_geometry.redraw(SEED, MOTION, step=0), code_geometry.redraw(SEED, MOTION, step=3)
    assert first.kind == "motion" and first.centres.shape[0] == 8  # the exposure's sub-steps
    smear_first = qr_ceiling.judge(first, _gray(first), "step 0").smear_modules
    smear_last = qr_ceiling.judge(last, _gray(last), "step 3").smear_modules
    assert smear_first[1] > 1.5 * smear_last[1] > 0


def test_the_bench_misses_are_read_from_its_listing(tmp_path):
    listing = tmp_path / "bench.txt"
    listing.write_text("ours missed or misread:\n  c2-0000-phone.jpg: 0/1 decoded, 0 wrong\n"
                       "  c2-0008-motion-1.jpg: 1/1 decoded, 1 wrong\n  c2-0009-defocus.jpg: 1/1 decoded, 0 wrong\n")
    assert qr_ceiling.read_misses(listing) == {"c2-0000-phone.jpg", "c2-0008-motion-1.jpg"}


def test_writing_the_corpus_while_judging_writes_the_generators_files(tmp_path):
    judged = []
    with code_geometry.drawing_corpus(lambda drawn, index, step: judged.append((index, step, drawn.kind))):
        codes.make_corpus(tmp_path / "with", scenes=2, seed=SEED, size=(320, 240))
    codes.make_corpus(tmp_path / "plain", scenes=2, seed=SEED, size=(320, 240))
    assert judged == [(0, 0, "phone"), (1, 0, "phone_moire")]
    for name in ("c2-0000-phone.jpg", "c2-0001-phone_moire.jpg", "manifest.json"):
        assert (tmp_path / "with" / name).read_bytes() == (tmp_path / "plain" / name).read_bytes()
    assert codes.render is code_geometry._render
