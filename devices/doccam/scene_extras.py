"""What the first scene generator (:mod:`devices.doccam.scenes`) draws besides one A4 page on five desks.

Added for issue 21 item 2, in that generator's own way (a flat document projected by a homography
onto a desk drawn at a quarter of the frame's resolution): kinds of document and of scene it never
drew, and three desks with texture the page finder had never met.

Kinds (:data:`KINDS`): ``page`` (the A4 page as before), ``receipt`` (an 80 mm thermal strip,
150-300 mm long, so 1:1.9 to 1:3.75), ``id_card`` (ID-1, 85.6 x 54 mm, rounded corners, small on the
desk), ``spread`` (an open A4 or A5 booklet, two pages and the gutter's shading; the truth is the
whole spread), ``overlapping`` (the top one of two to four A4 sheets), ``off_frame`` (12-40 % of the
page's area outside the frame: "not found" is the right answer) and ``fingers`` (one or two fingers
holding the page down over its edges, away from the corners).

Desks (:data:`NEW_DESKS`): a checked tablecloth, newsprint and granite-like speckle.

Since the generator's version 3, half the ID cards on a light desk are darker than the desk
(:func:`card_stock`): before, every card was lighter than its desk, and a ranker fitted to them learned
that the card is the brighter thing (it took a darker card's photo for the card).
"""

from __future__ import annotations

import functools

import cv2
import numpy as np
from PIL import Image, ImageDraw

KINDS = ("page", "receipt", "id_card", "spread", "overlapping", "off_frame", "fingers")
NEW_DESKS = ("checks", "newsprint", "granite")
CARD_MM = (85.6, 54.0)
# The document's long side as a share of the frame's short side (before the camera's tilt).
SPAN = {"page": (0.5, 0.93), "receipt": (0.55, 0.95), "id_card": (0.2, 0.42), "spread": (0.45, 0.7),
        "overlapping": (0.4, 0.7), "off_frame": (0.55, 0.95), "fingers": (0.5, 0.9)}
PX_PER_MM = 150 / 25.4


def document_mm(kind: str, rng: np.random.Generator) -> tuple[float, float]:
    """The document's width and height in millimetres (the image's own orientation)."""
    if kind == "receipt":
        return 80.0, float(rng.uniform(150, 300))
    if kind == "id_card":
        return CARD_MM
    if kind == "spread":
        return (420.0, 297.0) if rng.random() < 0.4 else (296.0, 210.0)
    return 210.0, 297.0


def _font(size: int):
    from PIL import ImageFont

    from common.fonts import cjk_font_path

    return ImageFont.truetype(str(cjk_font_path()), size)


_fonts = functools.lru_cache(maxsize=8)(_font)


def receipt_image(length_mm: float, rng: np.random.Generator) -> np.ndarray:
    """A thermal till receipt (BGR), 80 mm wide: a header, items, dashed rules and a total, in grey print."""
    w, h = round(80 * PX_PER_MM), round(length_mm * PX_PER_MM)
    paper = int(rng.integers(244, 253))
    img = Image.new("RGB", (w, h), (paper, paper, paper - int(rng.integers(0, 5))))
    draw = ImageDraw.Draw(img)
    ink = (int(rng.integers(40, 90)),) * 3
    big, small = _fonts(30), _fonts(20)
    y = 40
    draw.text((w // 2 - 120, y), "政务服务中心", font=big, fill=ink)
    y += 60
    while y < h - 80:
        r = rng.random()
        if r < 0.12:
            for x in range(30, w - 30, 14):
                draw.line((x, y + 10, x + 7, y + 10), fill=ink, width=2)
            y += 26
            continue
        text = ("复印费", "打印 A4", "证件照", "快递费", "合计", "收款", "流水号 20261201")[int(rng.integers(0, 7))]
        draw.text((30, y), text, font=small, fill=ink)
        draw.text((w - 120, y), f"{rng.uniform(0.5, 60):.2f}", font=small, fill=ink)
        y += 30
    return cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)


def card_image(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """An identity card's face (BGR) and its mask (uint8, rounded corners of radius 3.18 mm)."""
    w, h = round(CARD_MM[0] * PX_PER_MM * 1.5), round(CARD_MM[1] * PX_PER_MM * 1.5)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    tint = np.array([rng.uniform(200, 245), rng.uniform(200, 240), rng.uniform(170, 235)], np.float32)
    wave = 6 * np.sin(xx / rng.uniform(6, 14) + 3 * np.sin(yy / 40))
    face = tint + wave[..., None] - 20 * (xx / w)[..., None]
    img = Image.fromarray(np.clip(face, 0, 255).astype(np.uint8)[..., ::-1].copy())
    draw = ImageDraw.Draw(img)
    font = _fonts(22)
    if rng.random() < 0.5:  # the photo side: text on the left, a portrait on the right
        for i, label in enumerate(("姓名 张三", "性别 男  民族 汉", "出生 1980 年 1 月 1 日", "住址 浙江省杭州市")):
            draw.text((40, 40 + 50 * i), label, font=font, fill=(40, 40, 40))
        draw.rectangle((w - 230, 40, w - 40, h - 90), fill=tuple(int(v) for v in rng.uniform(150, 220, 3)))
        draw.ellipse((w - 190, 80, w - 80, 220), fill=(120, 140, 180))
        draw.text((40, h - 60), "公民身份号码 330106198001010000", font=font, fill=(30, 30, 30))
    else:                   # the emblem side
        draw.ellipse((40, 40, 200, 200), fill=(40, 40, 200))
        draw.text((240, 70), "中华人民共和国", font=_fonts(40), fill=(20, 20, 20))
        draw.text((240, 140), "居民身份证", font=_fonts(52), fill=(20, 20, 20))
        draw.text((240, h - 90), "有效期限 2020.01.01-2040.01.01", font=font, fill=(30, 30, 30))
    mask = np.zeros((h, w), np.uint8)
    r = round(3.18 * PX_PER_MM * 1.5)
    cv2.rectangle(mask, (r, 0), (w - 1 - r, h - 1), 255, -1)
    cv2.rectangle(mask, (0, r), (w - 1, h - 1 - r), 255, -1)
    for cx, cy in ((r, r), (w - 1 - r, r), (w - 1 - r, h - 1 - r), (r, h - 1 - r)):
        cv2.circle(mask, (cx, cy), r, 255, -1, cv2.LINE_AA)
    return cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR), mask


STOCK_STREAM = 0x57C3   # the card stock's random stream: render_scene's own stream is left as it was
DARK_SHARE = 0.5        # of the cards on a light desk, this share is darker than the desk
LIGHT_DESK = 120.0      # a desk this bright (0-255) round the card, or brighter, is a light one
DARKER = (0.55, 0.95)   # a darker card's median brightness against the desk's round it


def card_stock(card: np.ndarray, desk: np.ndarray, corners: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The card (float32 BGR, as drawn) or, on a light desk, with :data:`DARK_SHARE` odds, the card on
    darker stock with a tint of colour: its median brightness a share :data:`DARKER` of the desk's under
    its corners (``desk`` float32 BGR, the frame's size). A card as dark as its desk or darker is real: a
    worn card on a white counter, a grey desk under a bright lamp."""
    dark, share, tint = rng.random() < DARK_SHARE, rng.uniform(*DARKER), rng.uniform(0.8, 1.15, 3)
    u = np.linspace(0.05, 0.95, 7)
    uu, vv = (a.ravel()[:, None] for a in np.meshgrid(u, u))
    q = corners.astype(np.float64)
    pts = (1 - uu) * (1 - vv) * q[0] + uu * (1 - vv) * q[1] + uu * vv * q[2] + (1 - uu) * vv * q[3]
    h, w = desk.shape[:2]
    xi, yi = np.clip(pts[:, 0].astype(int), 0, w - 1), np.clip(pts[:, 1].astype(int), 0, h - 1)
    level = float(np.median(desk[yi, xi].mean(axis=1)))
    if not dark or level < LIGHT_DESK:
        return card
    own = float(np.median(card.mean(axis=2)))
    return card * (share * level / max(own, 1.0)) * (tint / tint.mean()).astype(np.float32)


def spread_image(left: np.ndarray, right: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Two pages side by side, halved, with the gutter's shading between them."""
    h, w = left.shape[0] // 2, left.shape[1] // 2
    both = np.hstack([cv2.resize(left, (w, h), interpolation=cv2.INTER_AREA),
                      cv2.resize(right, (w, h), interpolation=cv2.INTER_AREA)]).astype(np.float32)
    x = np.arange(2 * w, dtype=np.float32)
    depth = rng.uniform(0.15, 0.45)
    shade = 1 - depth * np.exp(-((x - w) / (w * rng.uniform(0.03, 0.08))) ** 2)
    both *= shade[None, :, None]
    both[:, w - 1:w + 1] *= 0.6
    return np.clip(both, 0, 255).astype(np.uint8)


def desk(background: str, size: tuple[int, int], rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """One of :data:`NEW_DESKS` (float32 BGR, full size) and the page's brightness on it."""
    w, h = size
    page_level = float(rng.uniform(232, 246))
    if background == "checks":   # gingham: stripes of one colour both ways, darker where they cross
        sw, sh = w // 2, h // 2
        yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
        a = rng.uniform(0, np.pi)
        period = rng.uniform(0.02, 0.06) * sw
        u, v = xx * np.cos(a) + yy * np.sin(a), -xx * np.sin(a) + yy * np.cos(a)
        band_u = ((u % period) < period / 2).astype(np.float32)
        band_v = ((v % period) < period / 2).astype(np.float32)
        colour = np.array(rng.choice([[60, 60, 200], [170, 90, 40], [70, 140, 60], [40, 40, 40]]), np.float32)
        ground = np.array([rng.uniform(215, 245)] * 3, np.float32)
        k = 0.5 * (band_u + band_v)[..., None]
        cloth = ground * (1 - k) + colour * k
        cloth = cv2.GaussianBlur(cloth, (0, 0), 0.8)
    elif background == "newsprint":  # columns of grey print, headlines and a photo on greyish paper
        sw, sh = w // 2, h // 2
        ground = rng.uniform(195, 225)
        cloth = np.full((sh, sw, 3), ground, np.float32) + np.array([-6, 0, 4], np.float32)
        ink = ground - rng.uniform(90, 140)
        col_w = int(sw * rng.uniform(0.14, 0.24))
        pitch = int(rng.integers(5, 8))
        for x0 in range(int(rng.integers(0, col_w)) - col_w, sw, col_w + 10):
            y = int(rng.integers(0, 3 * pitch))
            while y < sh:
                if rng.random() < 0.04:    # a headline or a photo
                    tall = int(rng.integers(3, 12)) * pitch
                    cloth[y:y + tall, max(x0, 0):max(x0 + col_w, 0)] = ink + (rng.uniform(0, 80) if tall > 5 * pitch else 0)
                    y += tall + pitch
                    continue
                words = np.cumsum(rng.integers(3, 16, 40))
                gaps = np.zeros(col_w, bool)
                gaps[words[words < col_w]] = True
                row = np.where(np.convolve(gaps, np.ones(2), "same") > 0, ground, ink)
                lo = max(x0, 0)
                hi = min(x0 + col_w, sw)
                if hi > lo:
                    cloth[y:y + 2, lo:hi] = row[lo - x0:hi - x0, None]
                y += pitch
        cloth = cv2.GaussianBlur(cloth, (0, 0), 0.6)
    else:  # granite: flecks at two scales, dark and light, on a grey or pinkish ground
        sw, sh = w // 2, h // 2
        ground = np.array([rng.uniform(90, 170)] * 3, np.float32) + rng.uniform(-10, 20, 3).astype(np.float32)
        fine = cv2.GaussianBlur(rng.normal(0, 1, (sh, sw)).astype(np.float32), (0, 0), 0.8)
        coarse = cv2.GaussianBlur(rng.normal(0, 1, (sh, sw)).astype(np.float32), (0, 0), 2.5)
        flecks = 120 * np.clip(fine * 4 - 0.8, 0, 1) - 90 * np.clip(-coarse * 8 - 1.2, 0, 1) + 12 * coarse * 3
        cloth = ground + flecks[..., None]
    return cv2.resize(cloth, (w, h), interpolation=cv2.INTER_LINEAR), page_level


def _outside_share(quad: np.ndarray, size: tuple[int, int]) -> float:
    w, h = size
    frame = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    inside, _ = cv2.intersectConvexConvex(quad.astype(np.float32), frame)
    return 1.0 - float(inside) / max(float(cv2.contourArea(quad.astype(np.float32))), 1e-6)


def push_off_frame(corners: np.ndarray, size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """The document moved out over the frame's edge until 12-40 % of it lies outside."""
    target = rng.uniform(0.12, 0.40)
    a = rng.uniform(0, 2 * np.pi)
    d = np.array([np.cos(a), np.sin(a)])
    lo, hi = 0.0, float(max(size))
    for _ in range(40):  # the share outside grows with the distance moved: bisect
        mid = (lo + hi) / 2
        if _outside_share(corners + mid * d, size) < target:
            lo = mid
        else:
            hi = mid
    return (corners + hi * d).astype(np.float32)


def other_sheets(corners: np.ndarray, size: tuple[int, int], rng: np.random.Generator) -> list[np.ndarray]:
    """Where one to three other A4 sheets lie, each overlapping the top page's place."""
    centre = corners.mean(axis=0)
    out = []
    for _ in range(int(rng.integers(1, 4))):
        k = rng.uniform(0.85, 1.1)
        turn = np.deg2rad(rng.uniform(-40, 40) if rng.random() < 0.7 else rng.uniform(0, 360))
        rot = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
        span = np.linalg.norm(corners[2] - corners[0])
        shift = rng.normal(0, 1, 2)
        shift = shift / np.linalg.norm(shift) * span * rng.uniform(0.25, 0.6)
        out.append((((corners - centre) * k) @ rot.T + centre + shift).astype(np.float32))
    return out


def fingers(frame: np.ndarray, corners: np.ndarray, rng: np.random.Generator) -> None:
    """One or two fingers (float32 BGR frame, in place) over the document's edges, away from its corners."""
    centre = corners.mean(axis=0)
    span = float(np.linalg.norm(corners[2] - corners[0]))
    sides = rng.permutation(4)[: int(rng.integers(1, 3))]
    for side in sides:
        a, b = corners[side], corners[(side + 1) % 4]
        p = a + (b - a) * rng.uniform(0.25, 0.75)
        inward = centre - p
        inward /= np.linalg.norm(inward) + 1e-9
        turn = np.deg2rad(rng.uniform(-30, 30))
        inward = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]]) @ inward
        width = span * rng.uniform(0.035, 0.055)
        tip = p + inward * span * rng.uniform(0.03, 0.1)
        base = p - inward * span * rng.uniform(0.2, 0.5)
        skin = np.array([rng.uniform(120, 175), rng.uniform(145, 190), rng.uniform(190, 235)], np.float32)
        layer = np.zeros(frame.shape[:2], np.float32)
        cv2.line(layer, tuple(map(int, base)), tuple(map(int, tip)), 1.0, int(width), cv2.LINE_AA)
        core = np.zeros_like(layer)
        cv2.line(core, tuple(map(int, base)), tuple(map(int, tip)), 1.0, max(1, int(width * 0.5)), cv2.LINE_AA)
        core = cv2.GaussianBlur(core, (0, 0), width * 0.2 + 1)
        shade = (0.75 + 0.25 * core)[..., None]
        cv2.circle(layer, tuple(map(int, tip)), int(width / 2), 1.0, -1, cv2.LINE_AA)
        nail = np.zeros_like(layer)
        cv2.circle(nail, tuple(map(int, tip - inward * width * 0.35)), max(1, int(width * 0.3)), 1.0, -1, cv2.LINE_AA)
        colour = skin * shade + 25 * nail[..., None]
        layer = layer[..., None]
        frame *= 1 - layer
        frame += colour * layer
