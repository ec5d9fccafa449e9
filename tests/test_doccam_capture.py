"""Quality advice, enhancement, auto-capture, ID-card copies, the verification mark, JPEG and PDF."""

import datetime as dt
import subprocess

import cv2
import numpy as np
import pytest

from devices.doccam.autocapture import AutoCapture, AutoCaptureOptions, CaptureState, Observation
from devices.doccam.camera import id_card_page
from devices.doccam.enhance import enhance, upright
from devices.doccam.idcopy import CARD_MM, card_box_px, card_sheet, find_card
from devices.doccam.marking import VERIFICATION_TEXT, mark_page
from devices.doccam.output import encode_jpeg, mm_to_px, pages_pdf
from devices.doccam.pipeline import CaptureSettings, finish_page
from devices.doccam.quality import MSG_BLURRED, MSG_GLARE, MSG_NOT_FOUND, assess
from devices.doccam.geometry import smartdoc_iou
from devices.doccam.scenes import empty_desk, page_image, render_scene


@pytest.fixture(scope="module")
def calm():
    return render_scene(502, (2592, 1944), background="dark_mat", content="text", calm=True)


def msgids(quality):
    return [a.msgid for a in quality.advice]


def test_a_sharp_page_needs_no_advice(calm):
    assert assess(calm.frame, calm.corners).advice == []


def test_blur_tells_the_user_to_hold_still(calm):
    blurred = cv2.GaussianBlur(calm.frame, (0, 0), 4)
    quality = assess(blurred, calm.corners)
    assert msgids(quality) == [MSG_BLURRED]
    assert "稳" in quality.advice[0].render("zh_CN") or quality.advice[0].render("en").startswith("Hold still")


def test_glare_tells_the_user_to_move_the_page(calm):
    frame = calm.frame.astype(np.float32)
    c = calm.corners.mean(axis=0)
    yy, xx = np.mgrid[0:frame.shape[0], 0:frame.shape[1]]
    frame += (300 * np.exp(-((xx - c[0]) ** 2 + (yy - c[1]) ** 2) / (2 * 90.0 ** 2)))[..., None]
    quality = assess(np.clip(frame, 0, 255).astype(np.uint8), calm.corners)
    assert MSG_GLARE in msgids(quality)
    assert assess(calm.frame, None).advice[0].msgid == MSG_NOT_FOUND


def test_text_mode_removes_a_shadow_and_keeps_the_print():
    page = page_image("text").copy()
    h, w = page.shape[:2]
    shade = np.ones((h, w), np.float32)
    shade[:, : w // 2] = 0.55
    shaded = (page * cv2.GaussianBlur(shade, (0, 0), 25)[..., None]).astype(np.uint8)
    out = enhance(shaded, "text")
    margin_left, margin_right = out[40:200, 40:120], out[40:200, w - 120:w - 40]
    assert abs(float(margin_left.mean()) - float(margin_right.mean())) < 6
    assert margin_left.mean() > 240
    assert (out < 80).mean() > 0.01  # the print is still black


@pytest.mark.parametrize("content", ["text", "table", "photo", "stamp"])
def test_a_page_upside_down_or_on_its_side_is_turned_upright(content):
    page = page_image(content)
    assert upright(page)[1] == 0
    for turn, code in ((180, cv2.ROTATE_180), (90, cv2.ROTATE_90_COUNTERCLOCKWISE), (270, cv2.ROTATE_90_CLOCKWISE)):
        fixed, turned = upright(cv2.rotate(page, code))
        assert turned == turn, content
        assert np.array_equal(fixed, page)


def feed(auto, t, quad, sharp=9000.0, glare=0.0):
    return auto.feed(Observation(t, quad, sharp, glare))


def test_auto_capture_fires_once_when_the_page_lies_still():
    auto = AutoCapture(AutoCaptureOptions(still_s=1.0))
    quad = np.array([[100, 100], [500, 100], [500, 700], [100, 700]], float)
    assert feed(auto, 0.0, None) is CaptureState.SEARCHING
    states = [feed(auto, t / 10, quad + (20 * t if t < 5 else 100)) for t in range(0, 25)]
    assert states.count(CaptureState.CAPTURE) == 1
    assert states.index(CaptureState.CAPTURE) >= 15  # still from t=0.5 s, one second more
    assert feed(auto, 3.0, quad + 100) is CaptureState.REMOVE
    assert feed(auto, 3.1, None) is CaptureState.SEARCHING
    states = [feed(auto, 4 + t / 10, quad) for t in range(0, 12)]
    assert states.count(CaptureState.CAPTURE) == 1  # the next page


def test_auto_capture_waits_while_blurred_or_glaring():
    auto = AutoCapture(AutoCaptureOptions(still_s=0.5))
    quad = np.array([[100, 100], [500, 100], [500, 700], [100, 700]], float)
    states = [feed(auto, t / 10, quad, sharp=100.0) for t in range(20)]
    assert CaptureState.CAPTURE not in states and auto.advice.msgid == MSG_BLURRED
    states = [feed(auto, 2 + t / 10, quad, glare=0.2) for t in range(20)]
    assert CaptureState.CAPTURE not in states and auto.advice.msgid == MSG_GLARE
    states = [feed(auto, 4 + t / 10, quad) for t in range(10)]
    assert CaptureState.CAPTURE in states


def test_id_card_sides_lie_on_a4_at_true_size():
    dpi = 300.0
    front = np.full((10, 16, 3), (40, 120, 200), np.uint8)
    back = np.full((10, 16, 3), (200, 60, 40), np.uint8)
    sheet = card_sheet(front, back, dpi)
    assert sheet.shape[:2] == (mm_to_px(297, dpi), mm_to_px(210, dpi))
    for i, colour in enumerate(((40, 120, 200), (200, 60, 40))):
        x, y, w, h = card_box_px(i, dpi)
        assert w / dpi * 25.4 == pytest.approx(CARD_MM[0], abs=0.1)
        assert h / dpi * 25.4 == pytest.approx(CARD_MM[1], abs=0.1)
        region = sheet[y:y + h, x:x + w]
        assert (region == colour).all()
        assert (sheet[y - 2, x:x + w] == 255).all() and (sheet[y + h + 1, x:x + w] == 255).all()
    page = id_card_page(front, back, CaptureSettings())
    assert (page.width, page.height) == (sheet.shape[1], sheet.shape[0]) and page.dpi == dpi
    assert page.size_mm[0] == pytest.approx(210, abs=0.2) and len(page.jpeg) <= 500_000


@pytest.mark.parametrize("seed, background", [(0, "wood"), (3, "dark_mat"), (5, "light_grey"), (7, "wood")])
def test_a_card_on_the_desk_is_found_with_its_own_proportions(seed, background):
    rng = np.random.default_rng(seed)
    frame = empty_desk(seed, (1920, 1080), background).astype(np.float32)
    card = np.full((540, 856, 3), (200, 190, 170), np.float32)      # a card: photo, lines of text
    cv2.rectangle(card, (40, 60), (300, 420), (120, 120, 140), -1)
    for k in range(6):
        cv2.line(card, (340, 80 + 60 * k), (800, 80 + 60 * k), (60, 60, 60), 6)
    width = rng.uniform(250, 420)
    box = cv2.boxPoints(((rng.uniform(500, 1400), rng.uniform(300, 780)), (width, width / 1.585),
                         rng.uniform(0, 180))).astype(np.float32)
    h = cv2.getPerspectiveTransform(np.float32([[0, 0], [856, 0], [856, 540], [0, 540]]), box)
    mask = cv2.warpPerspective(np.ones((540, 856), np.float32), h, (1920, 1080))[..., None]
    frame = frame * (1 - mask) + cv2.warpPerspective(card, h, (1920, 1080)) * mask
    frame = np.clip(frame + rng.normal(0, 3, frame.shape), 0, 255).astype(np.uint8)
    assert smartdoc_iou(find_card(frame), box, CARD_MM) > 0.9


def test_the_verification_mark_stays_red_on_a_grey_copy():
    grey = np.full((mm_to_px(297, 150), mm_to_px(210, 150)), 250, np.uint8)
    marked = mark_page(grey, 150, terminal_id="ZJ-HZ-T001", when=dt.datetime(2025, 3, 1, 10, 30))
    assert marked.ndim == 3
    assert ((marked[..., 2] > 150) & (marked[..., 1] < 90) & (marked[..., 0] < 90)).sum() > 500


def test_the_verification_mark_is_on_the_page():
    page = np.full((mm_to_px(297, 150), mm_to_px(210, 150), 3), 255, np.uint8)
    marked = mark_page(page, 150, terminal_id="ZJ-HZ-T001", when=dt.datetime(2025, 3, 1, 10, 30))
    red = (marked[..., 2] > 150) & (marked[..., 1] < 90) & (marked[..., 0] < 90)
    ys, xs = np.nonzero(red)
    assert red.sum() > 500
    assert ys.min() > page.shape[0] * 0.85 and xs.max() < page.shape[1]  # at the foot, inside the page
    assert not ((page[..., 2] > 150) & (page[..., 1] < 90)).any()
    custom = mark_page(page, 150, terminal_id="T2", when=dt.datetime(2025, 3, 1), text="与原件一致")
    assert ((custom[..., 2] > 150) & (custom[..., 1] < 90)).sum() < red.sum()  # a shorter wording
    assert VERIFICATION_TEXT.startswith("此件经与原件核对无误")


def test_pages_fit_the_budget_and_make_one_pdf(calm, tmp_path):
    settings = CaptureSettings(mode="text", mark=True, terminal_id="ZJ-HZ-T001")
    page = finish_page(calm.frame, calm.corners, settings, dt.datetime(2025, 3, 1, 10, 30))
    assert page.marked and len(page.jpeg) <= 500_000
    assert 100 <= page.dpi <= 300
    assert page.size_mm[1] == pytest.approx(297, rel=0.02)
    colour = finish_page(calm.frame, calm.corners, CaptureSettings(mode="colour"))
    noisy = np.random.default_rng(0).integers(0, 256, (3508, 2480, 3), dtype=np.uint8)  # worst case
    jpeg, quality = encode_jpeg(noisy, 500_000)
    assert len(jpeg) <= 500_000
    pdf = pages_pdf([(p.jpeg, p.width, p.height, p.dpi) for p in (page, colour)], title="材料")
    assert len(pdf) <= 2 * 500_000 + 20_000
    path = tmp_path / "pages.pdf"
    path.write_bytes(bytes(pdf))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, timeout=30).stdout
    assert "Pages:           2" in info
    size = [line for line in info.splitlines() if line.startswith("Page size")][0]
    w_pt, h_pt = (float(v) for v in size.split(":")[1].split("pts")[0].split("x"))
    assert w_pt / 72 * 25.4 == pytest.approx(210, rel=0.02) and h_pt / 72 * 25.4 == pytest.approx(297, rel=0.02)
    page.wipe()
    assert len(page.jpeg) == 0
