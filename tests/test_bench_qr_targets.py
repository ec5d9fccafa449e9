"""``kiosk bench qr --vs`` prints issue 21's targets with the figures measured, PASS or FAIL, and exits 1 on a FAIL."""

import json

from entry.bench import qr
from entry.bench.qr import Score, describe, target_lines


def _score(name, codes, decoded, wrong, p95_ms):
    return Score(name, codes=codes, decoded=decoded, wrong=wrong, times_ms=[1.0] * 19 + [p95_ms] * 2)


def test_a_synthetic_corpus_meets_every_target():
    lines = target_lines([_score("devices.qr.decode", 400, 350, 0, 20.0), _score("pyzbar", 400, 200, 20, 30.0),
                          _score("zxing-cpp", 400, 290, 0, 6.0)], synthetic=True)
    assert lines == [
        "rate >= 85% of frames: 87.5% PASS",
        "lead >= 5 points over the best single decoder (zxing-cpp, 72.5%): +15.0 PASS",
        "wrong decodes 0: 0 PASS",
        "p95 <= 4x zxing-cpp's (20.00 / 6.00 ms): 3.3x PASS",
    ]


def test_the_real_photos_fail_where_they_fall_short():
    lines = target_lines([_score("devices.qr.decode", 316, 300, 6, 30.0), _score("zxing-cpp", 316, 290, 5, 6.0)],
                         synthetic=False, presented=None)
    assert lines == [
        "rate >= 95% of frames: 94.9% FAIL",
        "lead >= 3 points over the best single decoder (zxing-cpp, 91.8%): +3.2 PASS",
        "wrong decodes no more than the best single decoder's (5): 6 FAIL",
        "p95 <= 4x zxing-cpp's (30.00 / 6.00 ms): 5.0x FAIL",
    ]


def test_presentations_get_their_own_lines():
    scores = [_score("devices.qr.decode", 300, 155, 0, 10.0), _score("zxing-cpp", 300, 140, 0, 4.0)]
    lines = target_lines(scores, synthetic=True, presented={"devices.qr.decode": 63.3, "zxing-cpp": 57.1})
    assert "rate >= 85% of presentations: 63.3% FAIL" in lines
    assert "lead over the best single decoder, presentations (57.1%): +6.2 PASS" in lines


def test_the_first_generator_s_seeds_say_whether_they_were_tuned_on(tmp_path):
    def said(seed):
        (tmp_path / "manifest.json").write_text(json.dumps({"generator": "qr_corpus/3 (x)", "seed": seed, "images": []}))
        return describe(tmp_path)

    assert "NOT held out" in said(16)
    assert said(qr.HELD_OUT_SEED).endswith("never looked into)") and "NOT" not in said(qr.HELD_OUT_SEED)
    assert "never looked at" in said(1234)


def test_codes2_s_development_seed_is_not_called_held_out(tmp_path):
    def said(seed):
        (tmp_path / "manifest.json").write_text(json.dumps({"generator": "codes2/1+x", "seed": seed, "images": []}))
        return describe(tmp_path)

    assert "NOT held out" in said(63)
    assert "held out: never tuned on" in said(64) and "NOT" not in said(64)


def test_the_bench_exits_1_when_a_target_fails(tmp_path, capsys):
    import argparse

    import cv2
    from entry.bench.qr_corpus import qr_matrix, render

    cv2.imwrite(str(tmp_path / "a.png"), render(qr_matrix("OTR1:SQ2026112700042", "utf-8", False, "M"), 4.0))
    (tmp_path / "a.txt").write_text("OTR1:SQ2026112700042", encoding="utf-8")
    parser = argparse.ArgumentParser()
    qr.add_arguments(parser)
    status = qr.run(parser.parse_args([str(tmp_path), "--vs"]))
    out = capsys.readouterr().out
    # every decoder reads the one clean code: no lead over the best single decoder
    assert "lead >= 3 points over the best single decoder" in out and "+0.0 FAIL" in out
    assert status == 1
