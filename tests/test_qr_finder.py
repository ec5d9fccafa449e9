"""devices.qr.finder: the code's own box inside a locator's crop, and the decoder's pass on it."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from devices.qr import decode, decoder, finder, regions
from entry.bench.scenes2 import codes

DATA = Path(__file__).parent / "data" / "codes2-dev63"
PHONE_DIM = ("c2-0196-phone_dim.jpg", "OTP1:PO202605135E3ABBCBA3:43363.06")
PHONE_BRIGHT = ("c2-0005-phone_bright.jpg",
                "https://mapi.zjzwfw.gov.cn/web/mgop/gov-open/zj/?id=2152451242970817&from=kiosk")


def _inside(box: tuple[int, int, int, int], points: np.ndarray) -> bool:
    x0, y0, x1, y1 = box
    return bool((points[:, 0] >= x0).all() and (points[:, 0] <= x1).all()
                and (points[:, 1] >= y0).all() and (points[:, 1] <= y1).all())


def _phone(matrix: np.ndarray, module: int, dark_mode: bool) -> tuple[np.ndarray, np.ndarray]:
    """A code on a screen inside a bezel on a textured desk; (image, the code's corners)."""
    code = np.kron(np.pad(1 - matrix, 4, constant_values=1), np.ones((module, module), np.uint8))
    code = (code * 255).astype(np.uint8)
    if dark_mode:
        code = 255 - code
    rng = np.random.default_rng(1)
    image = rng.integers(60, 200, (900, 1200), dtype=np.uint8)  # the desk
    image = cv2.GaussianBlur(image, (0, 0), 3)
    cv2.rectangle(image, (300, 80), (900, 860), 20, -1)  # the phone's bezel
    cv2.rectangle(image, (330, 140), (870, 800), 10 if dark_mode else 245, -1)  # its screen
    y, x = 200, 420
    image[y:y + code.shape[0], x:x + code.shape[1]] = code
    quiet = 4 * module
    corners = np.array([[x + quiet, y + quiet], [x + code.shape[1] - quiet, y + code.shape[0] - quiet]], np.float32)
    return image, corners


def test_the_box_round_a_code_on_a_phone_is_the_code_not_the_phone():
    matrix = codes.modules("OTP1:PO20260131DE699C0680:98.18", "M")
    for dark_mode in (False, True):
        image, corners = _phone(matrix, 4, dark_mode)
        boxes = finder.code_boxes(image)
        assert boxes, f"dark mode {dark_mode}: no box"
        x0, y0, x1, y1 = boxes[0]
        assert _inside(boxes[0], corners)
        code_area = float(np.prod(corners[1] - corners[0]))
        assert (x1 - x0) * (y1 - y0) < 2.5 * code_area  # the code and its quiet zone, not the phone


def test_the_three_finders_of_a_clean_code_are_found_where_they_are():
    """Modules of 3 px: a stone (3 modules) narrower than the threshold's neighbourhood (BLOCK); a
    wider stone's flat middle is not dark to a mean threshold, and the finder is missed."""
    module, quiet = 3, 4
    matrix = codes.modules("OTR1:SQ2026112700042", "M")
    size = matrix.shape[0]
    image = np.kron(np.pad(1 - matrix, quiet, constant_values=1), np.ones((module, module), np.uint8)) * 255
    found = finder.finder_candidates(image.astype(np.uint8))
    corners = ((3.5, 3.5), (size - 3.5, 3.5), (3.5, size - 3.5))  # the finders' centres, in modules
    centres = [((quiet + cx) * module, (quiet + cy) * module) for cx, cy in corners]
    assert len(found) == 3
    for cx, cy in centres:
        x, y, side = min(found, key=lambda f: abs(f[0] - cx) + abs(f[1] - cy))
        assert abs(x - cx) <= module and abs(y - cy) <= module
        assert abs(side - 7 * module) <= 1.5 * module


def test_halving_the_crop_keeps_the_box_in_its_pixels():
    matrix = codes.modules("OTR1:SQ2026112700042", "M")
    image, corners = _phone(matrix, 6, False)
    boxes = finder.code_boxes(image, max_side=500)  # looked for on the image halved to 600x450
    assert boxes and _inside(boxes[0], corners)


def test_a_dimmed_phone_of_codes2_reads_only_in_the_code_s_own_box(monkeypatch):
    """codes2 dev seed 63, frame 196: the locator's crop is the whole 640x480 frame; the code is a
    dimmed screen's, 220 px a side, read once its own box gets the dim passes."""
    name, text = PHONE_DIM
    frame = cv2.imread(str(DATA / name))
    gray = decoder.to_gray(frame)
    crop_box = regions.locate(gray, 1)[0]
    x0, y0, x1, y1 = crop_box
    boxes = finder.code_boxes(np.ascontiguousarray(gray[y0:y1, x0:x1]), max_side=decoder.FINDER_SIDE)
    assert boxes
    bx0, by0, bx1, by1 = boxes[0]
    assert (bx1 - bx0) * (by1 - by0) < 0.5 * (x1 - x0) * (y1 - y0)
    results = decode(frame)
    assert [r.text for r in results] == [text]
    assert _inside((x0 + bx0 - 2, y0 + by0 - 2, x0 + bx1 + 2, y0 + by1 + 2), results[0].corners)
    monkeypatch.setattr(decoder, "FINDER", False)
    assert decode(frame) == []


def test_an_overexposed_phone_of_codes2_reads_only_in_the_code_s_own_box(monkeypatch):
    """codes2 dev seed 63, frame 5: a screen turned up; the locator's crop is about 500x470 px round a
    code of 120; the gamma curve reads it on the code's box, not on the crop."""
    name, text = PHONE_BRIGHT
    frame = cv2.imread(str(DATA / name))
    assert [r.text for r in decode(frame)] == [text]
    monkeypatch.setattr(decoder, "FINDER", False)
    assert decode(frame) == []
