"""The second scene generators (entry.bench.scenes2): deterministic, every kind, truth that matches the
drawing, versions in the manifests; and the benches' rules about what is held out."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pytest
import zxingcpp

from entry.bench import docscan, docscan_train, qr
from entry.bench.scenes2 import codes, pages, payloads

SMALL = (480, 360)


def test_pages_are_deterministic_for_a_seed():
    a, b = pages.render(4, 3, size=SMALL), pages.render(4, 3, size=SMALL)
    assert np.array_equal(a.frame, b.frame) and np.array_equal(a.corners, b.corners)
    assert not np.array_equal(a.frame, pages.render(5, 3, size=SMALL).frame)


@pytest.mark.parametrize("kind", pages.KINDS)
def test_every_page_kind_is_drawn_with_its_truth(kind):
    scene = pages.render(2, 0, size=SMALL, kind=kind)
    assert scene.kind == kind and scene.frame.shape == (SMALL[1], SMALL[0], 3)
    assert scene.corners.shape == (4, 2) and np.all(np.isfinite(scene.corners))
    if kind == "off_frame":
        assert not scene.fully_visible
    if kind in ("flat", "spread", "id_card", "overlapping"):
        assert scene.fully_visible


@pytest.mark.parametrize("desk", pages.DESKS)
def test_every_desk_is_drawn(desk):
    scene = pages.render(6, 1, size=(320, 240), desk_name=desk)
    assert scene.desk == desk and scene.frame.shape == (240, 320, 3)


@pytest.mark.parametrize("index", range(2))
def test_a_page_lies_inside_its_true_corners(index):
    """On a dark mat, just inside each true corner is paper and just beyond it is desk."""
    scene = pages.render(9, index, size=(640, 480), kind="flat", desk_name="dark_mat", calm=True)
    grey = scene.frame.mean(axis=2)
    centre = scene.corners.mean(axis=0)
    for corner in scene.corners:
        toward = (centre - corner) / np.linalg.norm(centre - corner)
        inside = np.round(corner + toward * 8).astype(int)
        beyond = np.round(corner - toward * 8).astype(int)
        if not (0 <= beyond[0] < 640 and 0 <= beyond[1] < 480):
            continue
        assert grey[inside[1], inside[0]] > grey[beyond[1], beyond[0]] + 40


def test_the_page_corpus_manifest_names_its_generator_and_tags_kinds(tmp_path):
    manifest = pages.make_corpus(tmp_path, 2, 5, size=SMALL)
    saved = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert saved == json.loads(json.dumps(manifest))
    assert saved["generator"] == pages.version() and saved["generator"].startswith("pages2/1+")
    assert [f["kind"] for f in saved["frames"]] == list(pages.KINDS[:2])
    assert all((tmp_path / f["file"]).is_file() and "fully_visible" in f for f in saved["frames"])


def test_codes_are_deterministic_for_a_seed():
    a, b = codes.render(4, 1, size=SMALL), codes.render(4, 1, size=SMALL)
    assert np.array_equal(a.frame, b.frame) and a.texts == b.texts


@pytest.mark.parametrize("kind", codes.KINDS)
def test_every_code_kind_is_drawn(kind):
    scene = codes.render(3, 0, kind=kind, size=(320, 240))
    assert scene.kind == kind and scene.frame.shape == (240, 320, 3) and len(scene.texts) == 1


@pytest.mark.parametrize("kind", ["paper", "phone", "receipt"])
def test_an_easy_code_scene_reads_back_as_its_truth(kind):
    scene = codes.render(1, 0, kind=kind, size=(640, 480), easy=True)
    read = [r.text for r in zxingcpp.read_barcodes(scene.frame, formats=[zxingcpp.BarcodeFormat.QRCode])]
    assert read == scene.texts


def test_payloads_are_the_formats_the_kiosk_reads():
    from kiosk.payloads import PayloadKind, classify

    rng = np.random.default_rng(0)
    kinds = {classify(maker(rng)).kind for maker in (payloads.identity, payloads.receipt, payloads.licence,
                                                      payloads.payment, payloads.url) for _ in range(20)}
    assert kinds == {PayloadKind.IDENTITY_TOKEN, PayloadKind.RECEIPT, PayloadKind.LICENCE,
                     PayloadKind.PAYMENT_ORDER, PayloadKind.URL}


def test_the_code_corpus_groups_a_moving_hand_into_one_presentation(tmp_path):
    path = codes.make_corpus(tmp_path, 9, 2, size=(320, 240))
    manifest = json.loads(path.read_text(encoding="utf-8"))
    assert manifest["generator"] == codes.version() and manifest["generator"].startswith("codes2/1+")
    motion = [i for i in manifest["images"] if i["kind"] == "motion"]
    assert len(motion) == codes.FRAMES_PER_MOTION and len({i["presentation"] for i in motion}) == 1
    samples, _ = qr.load_corpus(tmp_path)
    assert len(qr.presentations(samples)) == 9
    assert "held out: never tuned on" in qr.describe(tmp_path)
    assert "NOT held out" in qr.describe(qr.REAL_CORPUS)


def test_docscan_refuses_to_call_a_trained_on_corpus_held_out(tmp_path, capsys):
    from devices.doccam import ranking
    from entry.bench.docscan_corpus import make_corpus

    trained_seed = json.loads(ranking.MODEL_INFO.read_text(encoding="utf-8"))["trained_on"][0]["seed"]
    make_corpus(tmp_path, 1, trained_seed)
    args = argparse.Namespace(dir=tmp_path, vs=None, make_corpus=None, frames=None, seed=None, generator=1,
                              limit=0, worst=0, not_held_out=False, clock="cpu")
    assert docscan.run(args) == 2
    assert "not held out" in capsys.readouterr().out
    args.not_held_out = True
    docscan.run(args)
    out = capsys.readouterr().out
    assert "NOT HELD OUT" in out
    assert "clock: CPU time of the process (time.process_time)" in out
    info = {"trained_on": [{"seed": 11, "frames": 300}, {"generator": "pages2/1+abc", "seed": 12, "frames": 9}]}
    assert docscan.held_out({"seed": 11}, info)[1]
    assert not docscan.held_out({"seed": 11, "generator": "pages2/1+def"}, info)[1]
    assert docscan.held_out({"seed": 12, "generator": "pages2/1+def"}, info)[1]


def test_the_ranker_is_never_trained_on_the_second_generator(tmp_path, capsys):
    (tmp_path / "manifest.json").write_text(json.dumps({"generator": pages.version(), "seed": 3, "frames": []}))
    assert docscan_train.run(argparse.Namespace(dirs=[tmp_path], trees=5, depth=2)) == 2
    assert "for measuring only" in capsys.readouterr().out
