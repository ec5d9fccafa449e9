"""What lies on the desk in the second page generator: sheets, booklets, ID cards, receipts, and the desks.

Textures are linear BGR float32 with an alpha channel (B, G, R, A), at a few pixels a millimetre;
:mod:`entry.bench.scenes2.pages` bends them and sets them before the camera. Drawn here from scratch
(text through PIL with the project's CJK font, everything else with OpenCV), in layouts the first
generator does not have: forms of boxes, letters with a red letterhead, two columns, handwriting,
booklet spreads with a gutter, cards with a guilloche and rounded corners, thermal receipts.
"""

from __future__ import annotations

import functools

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

STYLES = ("form", "letter", "columns", "handwritten", "table")

_PHRASES = ("申请人", "身份证号码", "联系电话", "住所地址", "办理事项", "受理编号", "经办人签字", "日期",
            "不动产权证书", "营业执照", "社会保障卡", "户口簿", "结婚证", "出生医学证明", "委托书",
            "本人对以上内容的真实性负责", "请用黑色签字笔填写", "以下由窗口工作人员填写",
            "Application for", "Name", "Date of birth", "Address", "Signature", "Reference No.")


@functools.lru_cache(maxsize=8)
def _font(px: int) -> ImageFont.FreeTypeFont:
    from common.fonts import cjk_font_path

    return ImageFont.truetype(str(cjk_font_path()), px)


def _linear(bgr8: np.ndarray) -> np.ndarray:
    return (bgr8.astype(np.float32) / 255.0) ** 2.2


def _with_alpha(bgr: np.ndarray, alpha: np.ndarray | None = None) -> np.ndarray:
    a = np.ones(bgr.shape[:2], np.float32) if alpha is None else alpha.astype(np.float32)
    return np.dstack([bgr.astype(np.float32), a])


def _paper(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """Paper (sRGB 8-bit BGR): a tint, fibres, a little unevenness."""
    tint = np.array([rng.uniform(228, 250), rng.uniform(234, 252), rng.uniform(236, 253)])
    if rng.random() < 0.2:  # recycled or yellowed
        tint = tint - np.array([rng.uniform(10, 30), rng.uniform(2, 10), 0])
    fibre = cv2.resize(rng.normal(0, 1, (h // 6 + 1, w // 6 + 1)).astype(np.float32), (w, h)) * rng.uniform(0.5, 2.5)
    img = tint[None, None, :] + fibre[..., None]
    return np.clip(img, 0, 255).astype(np.uint8)


def _text(img: np.ndarray, xy: tuple[int, int], words: str, px: int, colour=(25, 25, 25)) -> None:
    """Draw ``words`` onto the BGR uint8 ``img`` in place."""
    font = _font(px)
    x0, y0 = int(xy[0]), int(xy[1])
    right = min(img.shape[1], x0 + int(font.getlength(words)) + 2)
    bottom = min(img.shape[0], y0 + int(px * 1.4) + 2)
    if right <= x0 or bottom <= y0:
        return
    patch = Image.fromarray(np.ascontiguousarray(img[y0:bottom, x0:right, ::-1]))
    ImageDraw.Draw(patch).text((0, 0), words, font=font, fill=tuple(int(c) for c in colour[::-1]))
    img[y0:bottom, x0:right] = np.asarray(patch)[..., ::-1]


def _phrase(rng: np.random.Generator, n: int = 3) -> str:
    return " ".join(_PHRASES[int(i)] for i in rng.integers(0, len(_PHRASES), n))


def sheet(rng: np.random.Generator, mm: tuple[float, float], px_per_mm: float = 4.0, style: str | None = None) -> np.ndarray:
    """A printed sheet ``mm`` (width, height) with a layout of ``style``."""
    w, h = int(mm[0] * px_per_mm), int(mm[1] * px_per_mm)
    img = _paper(rng, w, h)
    style = style or STYLES[int(rng.integers(0, len(STYLES)))]
    k = px_per_mm
    margin = int(rng.uniform(15, 28) * k)
    ink = tuple(int(v) for v in rng.uniform(10, 60, 3))
    y = margin
    if style == "letter":  # a red letterhead band and a rule
        cv2.rectangle(img, (margin, y), (w - margin, y + int(12 * k)), (40, 40, 190), -1)
        _text(img, (margin + int(4 * k), y + int(2 * k)), "浙江省政务服务中心", int(7 * k), (250, 250, 250))
        y += int(20 * k)
    _text(img, (margin, y), _phrase(rng, 2), int(rng.uniform(5, 8) * k), ink)
    y += int(14 * k)
    line_h = int(rng.uniform(5.5, 8) * k)
    if style in ("form", "table"):
        rows = int(rng.integers(6, 14))
        cols = 2 if style == "form" else int(rng.integers(3, 6))
        x_edges = np.linspace(margin, w - margin, cols + 1).astype(int)
        row_h = int(rng.uniform(9, 16) * k)
        for r in range(rows):
            if y + row_h > h - margin:
                break
            for c in range(cols):
                cv2.rectangle(img, (x_edges[c], y), (x_edges[c + 1], y + row_h), ink, max(1, int(0.3 * k)))
                if c == 0 or style == "table":
                    _text(img, (x_edges[c] + int(2 * k), y + int(2 * k)), _phrase(rng, 1), int(4 * k), ink)
            y += row_h
    columns = 2 if style == "columns" else 1
    col_w = (w - 2 * margin - (columns - 1) * int(8 * k)) // columns
    start = y + int(6 * k)
    for c in range(columns):
        y = start
        x = margin + c * (col_w + int(8 * k))
        while y < h - margin - line_h:
            if style == "handwritten":
                pts = [(x, y + line_h // 2)]
                for _ in range(int(rng.integers(8, 30))):
                    last = pts[-1]
                    pts.append((last[0] + int(rng.uniform(0.8, 2.5) * k), y + line_h // 2 + int(rng.normal(0, 1.2 * k))))
                    if pts[-1][0] > x + col_w:
                        break
                cv2.polylines(img, [np.array(pts, np.int32)], False, (120, 40, 20), max(1, int(0.4 * k)), cv2.LINE_AA)
            else:
                chars = max(4, int(col_w / (line_h * 0.9) * rng.uniform(0.5, 1.0)))
                _text(img, (x, y), "".join(_phrase(rng, 4).split())[:chars], int(line_h * 0.75), ink)
            y += int(line_h * rng.uniform(1.3, 1.7))
            if rng.random() < 0.08:
                y += line_h  # a paragraph break
    if rng.random() < 0.4:  # a red stamp
        c = (int(rng.uniform(0.55, 0.85) * w), int(rng.uniform(0.6, 0.9) * h))
        cv2.circle(img, c, int(20 * k), (50, 50, 200), max(1, int(1.2 * k)), cv2.LINE_AA)
    return _with_alpha(_linear(img))


def spread(rng: np.random.Generator, mm: tuple[float, float], px_per_mm: float = 3.5) -> np.ndarray:
    """An open booklet: two pages side by side and the shadow of the gutter between them."""
    half = (mm[0] / 2, mm[1])
    left, right = sheet(rng, half, px_per_mm), sheet(rng, half, px_per_mm)
    both = np.concatenate([left, right], axis=1)
    w = both.shape[1]
    x = np.abs(np.arange(w, dtype=np.float32) - w / 2) / (w / 2)
    gutter = 1 - rng.uniform(0.3, 0.6) * np.exp(-x / rng.uniform(0.02, 0.06))
    both[..., :3] *= gutter[None, :, None]
    return both


def _rounded_alpha(w: int, h: int, radius: int) -> np.ndarray:
    a = np.zeros((h, w), np.uint8)
    r = max(1, radius)
    cv2.rectangle(a, (r, 0), (w - 1 - r, h - 1), 255, -1)
    cv2.rectangle(a, (0, r), (w - 1, h - 1 - r), 255, -1)
    for cx, cy in ((r, r), (w - 1 - r, r), (w - 1 - r, h - 1 - r), (r, h - 1 - r)):
        cv2.circle(a, (cx, cy), r, 255, -1, cv2.LINE_AA)
    return a.astype(np.float32) / 255


def id_card(rng: np.random.Generator, mm: tuple[float, float] = (85.6, 54.0), px_per_mm: float = 10.0) -> np.ndarray:
    """An ID-1 card: a pale guilloche, a photo, lines of text, rounded corners (alpha)."""
    w, h = int(mm[0] * px_per_mm), int(mm[1] * px_per_mm)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.array(rng.uniform(190, 245, 3), np.float32)
    f = rng.uniform(0.02, 0.06)
    wave = np.sin(xx * f + 6 * np.sin(yy * f * 0.7)) * np.cos(yy * f * 1.3)
    img = np.clip(base + wave[..., None] * rng.uniform(6, 18), 0, 255).astype(np.uint8)
    k = px_per_mm
    px, py = int(rng.uniform(0.6, 0.66) * w), int(0.18 * h)
    cv2.rectangle(img, (px, py), (px + int(24 * k), py + int(30 * k)), tuple(int(v) for v in rng.uniform(90, 200, 3)), -1)
    cv2.ellipse(img, (px + int(12 * k), py + int(12 * k)), (int(6 * k), int(8 * k)), 0, 0, 360, (60, 80, 110), -1)
    for i in range(5):
        _text(img, (int(6 * k), int((8 + i * 8) * k)), _phrase(rng, 1), int(3.5 * k), (30, 30, 30))
    return _with_alpha(_linear(img), _rounded_alpha(w, h, int(3.2 * k)))


def receipt(rng: np.random.Generator, mm: tuple[float, float], px_per_mm: float = 6.0) -> np.ndarray:
    """A thermal receipt: bluish-white paper, grey print that fades, a torn bottom edge kept straight."""
    w, h = int(mm[0] * px_per_mm), int(mm[1] * px_per_mm)
    img = np.full((h, w, 3), 0, np.uint8)
    img[:] = np.array([rng.uniform(238, 252), rng.uniform(236, 250), rng.uniform(228, 245)]).astype(np.uint8)
    k = px_per_mm
    grey = int(rng.uniform(40, 110))
    y = int(6 * k)
    _text(img, (int(8 * k), y), "政务服务中心 回执", int(5 * k), (grey, grey, grey))
    y += int(9 * k)
    while y < h - int(8 * k):
        _text(img, (int(4 * k), y), _phrase(rng, 2)[: int(rng.integers(6, 16))], int(3.2 * k), (grey, grey, grey))
        y += int(4.6 * k)
    fade = np.linspace(1, rng.uniform(0.5, 1), w, dtype=np.float32)[None, :, None]
    lin = _linear(img)
    lin = 1 - (1 - lin) * fade  # print fades toward one side
    return _with_alpha(lin)


# --------------------------------------------------------------------------- desks

DESKS = ("wood", "cluttered", "white", "light_grey", "dark_mat", "granite", "checked_cloth", "newsprint", "glass")


def desk(rng: np.random.Generator, name: str, size: tuple[int, int]) -> np.ndarray:
    """The desk as linear BGR float32 (h, w, 3)."""
    w, h = size
    sw, sh = w // 4, h // 4
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    if name in ("wood", "cluttered"):
        planks = int(rng.integers(2, 6))
        along = rng.random() < 0.5
        coord, across = (xx, yy) if along else (yy, xx)
        plank = np.floor(across / (across.max() + 1) * planks)
        stretch = cv2.GaussianBlur(rng.normal(0, 1, (sh, sw)).astype(np.float32),
                                   (0, 0), sigmaX=40 if along else 2, sigmaY=2 if along else 40)
        grain = 0.5 + 0.5 * np.sin(across * rng.uniform(0.4, 1.2) + stretch * 40 + plank * 3)
        tone = np.array([rng.uniform(0.03, 0.12), rng.uniform(0.08, 0.22), rng.uniform(0.18, 0.45)], np.float32)
        per_plank = 1 + 0.15 * np.sin(plank * 2.3 + rng.uniform(0, 6))
        img = tone * (0.75 + 0.35 * grain[..., None]) * per_plank[..., None]
        if name == "cluttered" and rng.random() < 0.5:
            img = np.full((sh, sw, 3), rng.uniform(0.35, 0.6), np.float32) * rng.uniform(0.9, 1.1, 3)
        axis = 0 if along else 1
        seams = np.diff(plank, axis=axis, prepend=np.take(plank, [0], axis=axis)) != 0
        img[seams] *= 0.5
    elif name == "white":
        img = np.full((sh, sw, 3), rng.uniform(0.62, 0.82), np.float32) * rng.uniform(0.97, 1.03, 3)
    elif name == "light_grey":
        img = np.full((sh, sw, 3), rng.uniform(0.35, 0.55), np.float32) * rng.uniform(0.96, 1.04, 3)
    elif name == "dark_mat":
        img = np.full((sh, sw, 3), rng.uniform(0.01, 0.05), np.float32) * np.array([1.0, rng.uniform(1, 2.5), 1.0], np.float32)
        step = int(rng.integers(8, 18))
        img[::step, :] += 0.05
        img[:, ::step] += 0.05
    elif name == "granite":
        speck = rng.random((sh, sw)).astype(np.float32)
        grey = np.where(speck > 0.85, rng.uniform(0.5, 0.8), rng.uniform(0.05, 0.25)).astype(np.float32)
        img = cv2.GaussianBlur(grey, (0, 0), 0.7)[..., None] * rng.uniform(0.9, 1.1, 3).astype(np.float32)
    elif name == "checked_cloth":
        period = int(rng.integers(10, 30))
        a = ((xx // period) % 2).astype(np.float32)
        b = ((yy // period) % 2).astype(np.float32)
        colour = np.array(rng.uniform(0.05, 0.5, 3), np.float32)
        img = 0.85 - (a + b)[..., None] * (0.85 - colour) / 2
    elif name == "newsprint":
        img8 = np.full((sh * 2, sw * 2, 3), int(rng.uniform(175, 215)), np.uint8)
        y = 4
        while y < sh * 2 - 10:
            _text(img8, (4, y), _phrase(rng, 12) * 3, 10, (60, 60, 60))
            y += int(rng.integers(12, 16))
        img = cv2.resize(_linear(img8), (sw, sh), interpolation=cv2.INTER_AREA)
    else:  # glass: a dark top with the room mirrored in it as soft streaks
        img = np.full((sh, sw, 3), rng.uniform(0.01, 0.04), np.float32)
        a = rng.uniform(0, np.pi)
        t = xx * np.cos(a) + yy * np.sin(a)
        streak = np.exp(-((t - rng.uniform(0, sw)) / rng.uniform(10, 40)) ** 2)
        img = img + streak[..., None] * rng.uniform(0.05, 0.25)
    img = cv2.resize(img.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    grain = rng.normal(0, 1, (h // 2, w // 2)).astype(np.float32)
    img *= 1 + 0.04 * cv2.resize(grain, (w, h))[..., None]
    return np.clip(img, 0, 1.5)


def clutter(rng: np.random.Generator, canvas: np.ndarray, keep_out: np.ndarray) -> None:
    """Pens, a phone, a mug, sticky notes and a stapler on the desk (linear, in place), avoiding the
    quadrilateral ``keep_out``'s centre so the document lies over or beside them."""
    h, w = canvas.shape[:2]
    size = float(np.linalg.norm(keep_out[2] - keep_out[0]))
    for _ in range(int(rng.integers(3, 8))):
        what = int(rng.integers(0, 5))
        c = np.array([rng.uniform(0, w), rng.uniform(0, h)])
        colour = tuple(float(v) for v in rng.uniform(0.01, 0.7, 3))
        angle = float(rng.uniform(0, 180))
        if what == 0:  # a pen
            d = np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle))]) * size * rng.uniform(0.15, 0.3)
            cv2.line(canvas, tuple(map(int, c - d)), tuple(map(int, c + d)), colour, max(3, int(size / 110)), cv2.LINE_AA)
        elif what == 1:  # a phone, face down or dark
            box = cv2.boxPoints(((float(c[0]), float(c[1])), (size * 0.16, size * 0.33), angle))
            cv2.fillConvexPoly(canvas, box.astype(np.int32), (0.02, 0.02, 0.025), cv2.LINE_AA)
        elif what == 2:  # a mug from above
            r = int(size * rng.uniform(0.07, 0.11))
            cv2.circle(canvas, tuple(map(int, c)), r, colour, -1, cv2.LINE_AA)
            cv2.circle(canvas, tuple(map(int, c)), int(r * 0.82), (0.02, 0.03, 0.05), -1, cv2.LINE_AA)
        elif what == 3:  # sticky notes: paper-bright squares
            s = size * rng.uniform(0.08, 0.12)
            box = cv2.boxPoints(((float(c[0]), float(c[1])), (s, s), angle))
            note = (rng.uniform(0.2, 0.5), rng.uniform(0.6, 0.85), rng.uniform(0.7, 0.9))
            cv2.fillConvexPoly(canvas, box.astype(np.int32), note, cv2.LINE_AA)
        else:  # a stapler
            box = cv2.boxPoints(((float(c[0]), float(c[1])), (size * 0.25, size * 0.06), angle))
            cv2.fillConvexPoly(canvas, box.astype(np.int32), colour, cv2.LINE_AA)
