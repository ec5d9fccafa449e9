"""devices.qr.erasure: codes with a thumb over them read by Reed-Solomon erasure decoding, and
nothing (never a wrong text) from a code damaged beyond what its check codewords restore."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import segno

from devices.qr import decode, decoder, erasure, reed_solomon, segments, symbol

DARK, LIGHT = 25, 235


def _symbol(text: str, *, error: str = "m", version: int | None = None, px: int = 6, mode: str | None = None,
            encoding: str | None = None, eci: bool = False, inverted: bool = False) -> tuple[np.ndarray, np.ndarray, int]:
    """A segno code drawn at ``px`` pixels a module on a 4-module quiet zone, turned by 8 degrees
    (the grid must be sampled through a transform), and its corners and version."""
    qr = segno.make_qr(text, error=error, version=version, mode=mode, encoding=encoding, eci=eci, boost_error=False)
    matrix = np.array(qr.matrix, bool)
    n = matrix.shape[0]
    dark, light = (LIGHT, DARK) if inverted else (DARK, LIGHT)
    image = cv2.resize(np.where(matrix, dark, light).astype(np.uint8), (n * px, n * px), interpolation=cv2.INTER_NEAREST)
    margin = 8 * px
    image = cv2.copyMakeBorder(image, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=light)
    side = image.shape[0]
    turn = cv2.getRotationMatrix2D((side / 2, side / 2), 8.0, 1.0)
    image = cv2.warpAffine(image, turn, (side, side), flags=cv2.INTER_LINEAR, borderValue=light)
    square = np.array([[margin, margin], [margin + n * px, margin], [margin + n * px, margin + n * px],
                       [margin, margin + n * px]], np.float32)
    corners = cv2.transform(square[None], turn)[0].astype(np.float32)
    return image, corners, qr.version


def _thumb(image: np.ndarray, corners: np.ndarray, width: float, height: float, grey: int = 160) -> np.ndarray:
    """A grey ellipse at the code's centre, its half-axes ``width`` and ``height`` of the code's side."""
    out = image.copy()
    centre = corners.mean(axis=0)
    side = float(np.linalg.norm(corners[1] - corners[0]))
    cv2.ellipse(out, (int(centre[0]), int(centre[1])), (int(side * width), int(side * height)), 20.0, 0, 360, grey, -1)
    return out


def _failed(gray: np.ndarray) -> list:
    failed: list = []
    assert decoder._zxing(gray, failed=failed) == []  # zxing-cpp alone does not read it
    return failed


@pytest.mark.parametrize("text, options", [
    ("https://zwfw.example.gov.cn/q?id=330106199001011234", {}),  # bytes
    ("0123456789" * 4, {}),  # numeric
    ("OTR1:SQ2026112700042 ABC", {}),  # alphanumeric and byte
    ("こんにちは、世界", {"mode": "kanji"}),  # Shift_JIS kanji mode
    ("浙江省杭州市", {"mode": "hanzi"}),  # GB2312 hanzi mode (GB/T 18284)
    ("Grüße aus Köln", {"encoding": "iso-8859-1", "eci": True}),  # an ECI
    ("办事大厅", {"encoding": "utf-8", "eci": True}),
    ("办事大厅 UTF-8 without ECI", {}),
    ("v7 and up carry version information " * 3, {"version": 8}),
    ("several blocks, interleaved " * 4, {"version": 10, "error": "q"}),
])
def test_a_clean_symbol_reads_to_its_text(text, options):
    image, corners, version = _symbol(text, **options)
    found = erasure.read_symbol(image, corners, version)
    assert found is not None
    assert found.text == text
    assert found.errors == 0


def test_every_version_and_level_has_its_block_layout():
    """The tables: every version's and level's data and check codewords fill its symbol exactly."""
    for version in range(1, 41):
        for level in "LMQH":
            layout = symbol.block_layout(version, level)
            assert sum(size for size, _ in layout) * 8 <= len(symbol.data_positions(version))
            assert len(symbol.data_positions(version)) - sum(size for size, _ in layout) * 8 < 8  # remainder bits
            assert len({size - k for size, k in layout}) == 1


def test_a_thumb_over_the_code_is_read_by_erasures():
    text = "ZLBID1:ZLB-8pEbQpVg6KNRB5MJQE2"
    image, corners, version = _symbol(text, error="m")
    covered = _thumb(image, corners, 0.15, 0.3)
    failed = _failed(covered)
    found = erasure.read(covered, failed)
    assert [read.text for read, _ in found] == [text]
    assert found[0][0].erasures > 0
    results = decode(covered)
    assert [(r.text, r.decoder) for r in results] == [(text, "erasure")]


def test_a_thumb_over_a_dark_mode_code_is_read():
    text = "OTR1:SQ2026112700042"
    image, corners, version = _symbol(text, error="m", inverted=True)
    covered = _thumb(image, corners, 0.12, 0.25, grey=120)
    found = erasure.read_symbol(covered, corners, version)
    assert found is not None and found.text == text and found.erasures > 0


def _wrinkled(image: np.ndarray, amplitude: float, wave: float) -> np.ndarray:
    """The image on a wrinkled cloth: each pixel moved by up to ``amplitude`` pixels along a wave of
    ``wave`` pixels (across in x, along in y), so the module grid bends and no single perspective
    transform fits it."""
    h, w = image.shape
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    mx = x + amplitude * np.sin(2 * np.pi * y / wave)
    my = y + amplitude * np.sin(2 * np.pi * x / wave + 1.3)
    return cv2.remap(image, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


WRINKLED_TEXT = "https://zwfw.example.gov.cn/q?id=330106199001011234&t=wrinkled"


@pytest.mark.parametrize("version, amplitude, wave", [(4, 2.0, 60), (6, 2.5, 60), (6, 2.0, 40)])
def test_a_wrinkled_code_reads_on_a_grid_bent_to_it(monkeypatch, version, amplitude, wave):
    """Modules of 6 px moved by a third to two fifths of a module: sampled through the corners'
    transform the symbol does not read; sampled where the grid bends, it reads to its text."""
    image, corners, version = _symbol(WRINKLED_TEXT, version=version, px=6)
    wrinkled = _wrinkled(image, amplitude, wave)
    found = erasure.read_symbol(wrinkled, corners, version)
    assert found is not None and found.text == WRINKLED_TEXT
    monkeypatch.setattr(erasure, "SAMPLINGS", (erasure._rectify,))
    assert erasure.read_symbol(wrinkled, corners, version) is None


def test_a_wrinkled_code_zxing_cannot_read_is_read_by_the_decoder():
    image, _, _ = _symbol(WRINKLED_TEXT, version=6, px=6)
    wrinkled = _wrinkled(image, 2.5, 80)
    _failed(wrinkled)
    assert [(r.text, r.decoder) for r in decode(wrinkled)] == [(WRINKLED_TEXT, "erasure")]


def test_a_flat_code_sampled_on_the_bent_grid_gives_its_modules():
    """The local search leaves a flat symbol's sampling points on its modules: every module's level
    falls on the same side of the midpoint as the plain sampling's."""
    for options in ({}, {"inverted": True}, {"version": 10, "error": "q"}):
        image, corners, version = _symbol("several blocks, interleaved " * 3, **options)
        plain = erasure._rectify(image, corners, version)
        bent = erasure._rectify_local(image, corners, version)
        mid = (DARK + LIGHT) / 2
        assert np.array_equal(plain < mid, bent < mid)


def test_a_thumb_beyond_the_check_codewords_reads_nothing():
    image, corners, version = _symbol("ZLBID1:ZLB-8pEbQpVg6KNRB5MJQE2", error="m")
    covered = _thumb(image, corners, 0.2, 0.4)
    assert erasure.read_symbol(covered, corners, version) is None
    assert erasure.read(covered, _failed(covered)) == []
    assert decode(covered) == []


def test_modules_wrong_rather_than_grey_read_nothing():
    """Damage that looks like a code (random dark and light modules, no grey to erase) over more
    than the check codewords correct: nothing, not a miscorrected text."""
    text = "ZLBID1:ZLB-8pEbQpVg6KNRB5MJQE2"
    image, corners, version = _symbol(text, error="l", px=6)
    rng = np.random.default_rng(3)
    n = symbol.size_of(version)
    noise = cv2.resize(np.where(rng.random((n, n)) < 0.5, DARK, LIGHT).astype(np.uint8), (n * 6, n * 6),
                       interpolation=cv2.INTER_NEAREST)
    flat, _, _ = _symbol(text, error="l", px=6)
    square = np.array([[0, 0], [n * 6, 0], [n * 6, n * 6], [0, n * 6]], np.float32)
    warp = cv2.getPerspectiveTransform(square, corners)
    painted = cv2.warpPerspective(noise, warp, (image.shape[1], image.shape[0]), flags=cv2.INTER_NEAREST,
                                  borderValue=0)
    region = np.zeros_like(image)
    cv2.ellipse(region, tuple(int(v) for v in corners.mean(axis=0)), (int(n * 6 * 0.2), int(n * 6 * 0.3)), 0, 0, 360, 255, -1)
    damaged = np.where(region > 0, painted, flat)
    assert erasure.read_symbol(damaged, corners, version) is None


def test_a_grid_that_is_not_there_reads_nothing():
    image, corners, version = _symbol("OTR1:SQ2026112700042")
    assert erasure.read_symbol(image, corners + np.float32(40), version) is None  # shifted off the code
    assert erasure.read_symbol(np.full_like(image, 128), corners, version) is None
    assert erasure.read_symbol(image, corners, 41) is None


def test_segments_beyond_the_data_are_refused():
    # byte mode, a count of 200 in a 1-L symbol's 19 data codewords
    data = bytes([0x4C, 0x80]) + bytes(17)
    with pytest.raises(segments.BadSegments):
        segments.parse_segments(data, 1)


def test_padding_other_than_the_standard_is_refused():
    # "A" in alphanumeric mode, terminator, then pad codewords out of turn
    bits = "0010" + "000000001" + format(10, "06b") + "0000"
    bits += "0" * (-len(bits) % 8)
    head = int(bits, 2).to_bytes(len(bits) // 8, "big")
    assert segments.parse_segments(head + bytes([0xEC, 0x11] * 8)[:19 - len(head)], 1) == (b"A", None)
    with pytest.raises(segments.BadSegments):
        segments.parse_segments(head + bytes([0x11, 0xEC] * 8)[:19 - len(head)], 1)


def test_reed_solomon_corrects_erasures_and_errors_and_refuses_beyond():
    import reedsolo

    rng = np.random.default_rng(5)
    for _ in range(40):
        nsym = int(rng.integers(7, 31))
        codec = reedsolo.RSCodec(nsym, fcr=0, prim=0x11D, generator=2)
        block = bytes(codec.encode(bytes(rng.integers(0, 256, int(rng.integers(5, 120))).tolist())))
        erased = sorted(rng.choice(len(block), int(rng.integers(1, nsym - 1)), replace=False).tolist())
        errors = [int(p) for p in rng.choice([p for p in range(len(block)) if p not in erased],
                                             (nsym - len(erased)) // 2, replace=False)]
        damaged = bytearray(block)
        for position in erased + errors:
            damaged[position] ^= int(rng.integers(1, 256))
        assert reed_solomon.rs_correct(bytes(damaged), nsym, erased) == block  # 2e + E <= n - k
        if not errors:
            continue
        too_many = erased + errors  # as erasures, fine; one more error than reach: refused or another codeword
        extra = next(p for p in range(len(block)) if p not in too_many)
        damaged[extra] ^= 0x5A
        try:
            fixed = reed_solomon.rs_correct(bytes(damaged), nsym, erased)
        except reed_solomon.Uncorrectable:
            continue
        assert fixed != block and not any(reed_solomon.syndromes(fixed, nsym))
