"""Pages on desks, drawn from a seed: the simulator's frames and the benchmark's corpus.

:func:`render_scene` lays an A4 page (text, a table, a photo or a stamp) on one of five desks (wood,
a cluttered desk, white, light grey, a dark mat) as a camera above it would see it, and returns the
frame with the page's true corners. Conditions: shadows, uneven light, glare, a bowed page, camera
tilt up to 25 degrees, any rotation, blur, sensor noise (JPEG is the caller's: the corpus writes
JPEG files). Everything is deterministic for a given seed.

Since version 2 (:data:`VERSION`) it also draws other kinds of document and scene (receipts, ID
cards, two-page spreads, overlapping sheets, pages partly off the frame, fingers on the edges) and
three more desks (:data:`DESKS`): see :mod:`devices.doccam.scene_extras`. ``kind="page"`` on the
first five desks draws what version 1 drew for the same seed. Version 3 draws half the ID cards
on a light desk darker than the desk (:func:`devices.doccam.scene_extras.card_stock`, from a random
stream of its own): every other frame is version 2's, byte for byte.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from devices.doccam import scene_extras as extras
from devices.doccam.geometry import A4_MM

VERSION = "scenes/3"
BACKGROUNDS = ("wood", "cluttered", "white", "light_grey", "dark_mat")
DESKS = BACKGROUNDS + extras.NEW_DESKS
KINDS = extras.KINDS
CONTENTS = ("text", "table", "photo", "stamp")
CONDITIONS = ("shadow", "uneven_light", "glare", "bowed", "tilt", "rotation", "blur", "noise")
PAGE_PX = (1240, 1754)  # A4 at 150 dpi: the page is drawn once at this size and then projected

_LINES = ("根据《中华人民共和国行政许可法》的规定，申请人应当如实提交有关材料。",
          "本人承诺所提交的材料真实、有效，如有虚假愿承担相应法律责任。",
          "经办窗口：综合受理窗口（一窗受理）　办理时限：3 个工作日",
          "The applicant declares that the information given is true and complete.",
          "申请事项：营业执照变更登记　统一社会信用代码：91330106MA2XXXXX0X",
          "联系地址：杭州市西湖区文三路 000 号　联系电话：0571-8800 0000",
          "Materials: identity card copy, application form, lease contract (2 pages).")


@dataclass
class Scene:
    frame: np.ndarray            # BGR uint8
    corners: np.ndarray          # (4, 2) float32: the page's own TL, TR, BR, BL in frame pixels
    background: str
    content: str
    conditions: list[str] = field(default_factory=list)
    page_mm: tuple[float, float] = A4_MM
    kind: str = "page"
    fully_visible: bool = True     # False when part of the document lies outside the frame


@functools.lru_cache(maxsize=1)
def _fonts() -> tuple:
    from common.fonts import cjk_font_path

    path = str(cjk_font_path())
    return (ImageFont.truetype(path, 54), ImageFont.truetype(path, 30), ImageFont.truetype(path, 24))


@functools.lru_cache(maxsize=8)
def page_image(content: str, variant: int = 0) -> np.ndarray:
    """An A4 page (BGR, :data:`PAGE_PX`) with a title, lines of text and one feature."""
    rng = np.random.default_rng(1000 + 17 * CONTENTS.index(content) + variant)
    w, h = PAGE_PX
    img = Image.new("RGB", (w, h), (252, 252, 250))
    draw = ImageDraw.Draw(img)
    title, body, small = _fonts()
    draw.text((150, 120), ("申请材料", "登记表", "现场照片", "证明")[CONTENTS.index(content)] + "（样例）",
              font=title, fill=(15, 15, 15))
    y = 230
    feature_top, feature_h = 560 + int(rng.integers(0, 200)), 560
    while y < h - 150:
        if feature_top <= y < feature_top + feature_h and content != "text":
            y = feature_top + feature_h + 40
            continue
        line = _LINES[int(rng.integers(0, len(_LINES)))]
        draw.text((150, y), line[: int(rng.integers(20, len(line) + 1))], font=body, fill=(25, 25, 30))
        y += 46
    if content == "table":
        rows, cols = 8, 4
        x0, x1 = 150, w - 150
        for r in range(rows + 1):
            yy = feature_top + r * feature_h // rows
            draw.line((x0, yy, x1, yy), fill=(30, 30, 30), width=3)
        for c in range(cols + 1):
            xx = x0 + c * (x1 - x0) // cols
            draw.line((xx, feature_top, xx, feature_top + feature_h), fill=(30, 30, 30), width=3)
        for r in range(rows):
            for c in range(cols):
                draw.text((x0 + c * (x1 - x0) // cols + 14, feature_top + r * feature_h // rows + 18),
                          ("项目", "数量", "金额", "备注")[c] if r == 0 else f"{int(rng.integers(1, 9999))}",
                          font=small, fill=(20, 20, 20))
    elif content == "photo":
        ph = np.zeros((feature_h // 8, (w - 300) // 8, 3), np.float32)
        yy, xx = np.mgrid[0:ph.shape[0], 0:ph.shape[1]].astype(np.float32)
        for _ in range(6):
            cy, cx = rng.uniform(0, ph.shape[0]), rng.uniform(0, ph.shape[1])
            colour = rng.uniform(20, 230, 3)
            weight = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * rng.uniform(8, 30) ** 2))[..., None]
            ph = ph * (1 - weight) + colour * weight
        ph = cv2.resize(ph, (w - 300, feature_h), interpolation=cv2.INTER_CUBIC)
        img.paste(Image.fromarray(np.clip(ph, 0, 255).astype(np.uint8)), (150, feature_top))
    elif content == "stamp":
        cx, cy, r = w - 420, feature_top + feature_h // 2, 200
        red = (40, 40, 210)[::-1]
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=12)
        star = [(cx + 70 * np.cos(a) * (1 if i % 2 == 0 else 0.4), cy + 70 * np.sin(a) * (1 if i % 2 == 0 else 0.4))
                for i, a in enumerate(np.linspace(-np.pi / 2, 1.5 * np.pi, 10, endpoint=False))]
        draw.polygon(star, fill=red)
        draw.text((cx - 150, cy + 90), "政务服务专用章", font=body, fill=red)
        draw.text((150, feature_top + 200), "特此证明。", font=title, fill=(20, 20, 20))
    return cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)


def _desk(background: str, size: tuple[int, int], rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """The desk (float32 BGR) and the page's brightness on it."""
    if background in extras.NEW_DESKS:
        return extras.desk(background, size, rng)
    w, h = size
    sw, sh = w // 4, h // 4
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    page_level = float(rng.uniform(232, 246))  # auto-exposure keeps paper just under white
    if background in ("wood", "cluttered") and (background == "wood" or rng.random() < 0.5):
        angle = rng.uniform(0, np.pi)
        t = xx * np.cos(angle) + yy * np.sin(angle)
        warp = cv2.GaussianBlur(rng.normal(0, 1, (sh, sw)).astype(np.float32), (0, 0), 12) * 60
        grain = np.sin((t + warp) * rng.uniform(0.15, 0.5)) * 0.5 + 0.5
        base = np.array([rng.uniform(40, 90), rng.uniform(80, 130), rng.uniform(120, 190)], np.float32)
        desk = base * (0.84 + 0.2 * grain[..., None])
    elif background == "white":
        level = page_level - rng.uniform(8, 24)
        tint = rng.uniform(-4, 4, 3)
        desk = np.full((sh, sw, 3), level, np.float32) + tint
    elif background == "light_grey" or background == "cluttered":
        level = rng.uniform(180, 218)
        desk = np.full((sh, sw, 3), level, np.float32) + rng.uniform(-6, 6, 3)
    else:  # dark_mat, sometimes with a cutting mat's grid
        desk = np.full((sh, sw, 3), rng.uniform(25, 65), np.float32) + rng.uniform(-10, 15, 3)
        if rng.random() < 0.5:
            step = int(rng.integers(20, 40))
            desk[::step, :, :] += 35
            desk[:, ::step, :] += 35
    texture = cv2.GaussianBlur(rng.normal(0, 1, (sh, sw)).astype(np.float32), (0, 0), 2) * rng.uniform(1, 4)
    desk = desk + texture[..., None]
    return cv2.resize(desk, (w, h), interpolation=cv2.INTER_LINEAR), page_level


def empty_desk(seed: int, size: tuple[int, int] = (1920, 1080), background: str = "wood") -> np.ndarray:
    """A desk with no page on it (BGR uint8): what the camera sees between two citizens."""
    desk, _ = _desk(background, size, np.random.default_rng(seed))
    return np.clip(desk, 0, 255).astype(np.uint8)


def _clutter(desk: np.ndarray, page_quad: np.ndarray, rng: np.random.Generator, page_level: float) -> None:
    """Pens, cups, other sheets and a keyboard or phone, drawn on the desk around (and under) the page."""
    h, w = desk.shape[:2]
    centre = page_quad.mean(axis=0)
    scale = np.linalg.norm(page_quad[2] - page_quad[0])
    for _ in range(int(rng.integers(1, 3))):  # other sheets, often partly under the page
        sw, sh = scale * rng.uniform(0.4, 0.6), scale * rng.uniform(0.5, 0.8)
        c = centre + rng.normal(0, 1, 2) * scale * 0.45
        box = cv2.boxPoints(((float(c[0]), float(c[1])), (float(sw), float(sh)), float(rng.uniform(0, 180))))
        level = page_level - rng.uniform(0, 12)
        cv2.fillConvexPoly(desk, box.astype(np.int32), (level, level, level - rng.uniform(0, 8)), cv2.LINE_AA)
        for k in range(int(rng.integers(4, 12))):  # its lines of text
            f = 0.1 + 0.07 * k
            if f > 0.9:
                break
            p0 = box[0] + (box[3] - box[0]) * f + (box[1] - box[0]) * 0.1
            p1 = p0 + (box[1] - box[0]) * rng.uniform(0.4, 0.8)
            cv2.line(desk, tuple(map(int, p0)), tuple(map(int, p1)), (60, 60, 60), max(1, int(scale / 400)))
    for _ in range(int(rng.integers(1, 4))):  # pens
        p = np.array([rng.uniform(0, w), rng.uniform(0, h)])
        d = rng.normal(0, 1, 2)
        d = d / np.linalg.norm(d) * scale * rng.uniform(0.2, 0.4)
        colour = tuple(float(v) for v in rng.uniform(0, 200, 3))
        cv2.line(desk, tuple(map(int, p)), tuple(map(int, p + d)), colour, max(3, int(scale / 80)), cv2.LINE_AA)
    for _ in range(int(rng.integers(0, 3))):  # cups, seen from above
        c = (int(rng.uniform(0, w)), int(rng.uniform(0, h)))
        r = int(scale * rng.uniform(0.1, 0.16))
        colour = tuple(float(v) for v in rng.uniform(30, 230, 3))
        cv2.circle(desk, c, r, colour, -1, cv2.LINE_AA)
        cv2.circle(desk, c, int(r * 0.8), tuple(v * 0.5 for v in colour), -1, cv2.LINE_AA)
    if rng.random() < 0.6:  # a keyboard or a phone
        kw, kh = (scale * 0.9, scale * 0.3) if rng.random() < 0.6 else (scale * 0.15, scale * 0.3)
        c = centre + rng.normal(0, 1, 2) * scale * 0.6
        box = cv2.boxPoints(((float(c[0]), float(c[1])), (float(kw), float(kh)), float(rng.uniform(-30, 30))))
        cv2.fillConvexPoly(desk, box.astype(np.int32), (45, 45, 48), cv2.LINE_AA)
        if kw > kh:
            for i in range(1, 15):
                for j in range(1, 5):
                    p = box[0] + (box[1] - box[0]) * i / 15 + (box[3] - box[0]) * j / 5
                    cv2.circle(desk, tuple(map(int, p)), max(2, int(scale / 120)), (90, 90, 95), -1)


def _page_corners(size: tuple[int, int], rng: np.random.Generator, tilt_deg: float, rotation_deg: float,
                  page_mm: tuple[float, float] = A4_MM, span: tuple[float, float] = (0.5, 0.93),
                  margin_share: float = 0.02) -> np.ndarray:
    """The page's corners as a camera above the desk sees it: turned on the desk, the camera tilted;
    its long side ``span`` of the frame's short side, at least ``margin_share`` of it from the edges."""
    w, h = size
    pw, ph = page_mm
    local = np.array([[-pw / 2, -ph / 2, 0], [pw / 2, -ph / 2, 0], [pw / 2, ph / 2, 0], [-pw / 2, ph / 2, 0]])
    r = np.deg2rad(rotation_deg)
    rot = np.array([[np.cos(r), -np.sin(r), 0], [np.sin(r), np.cos(r), 0], [0, 0, 1]])
    axis_angle = rng.uniform(0, 2 * np.pi)
    axis = np.array([np.cos(axis_angle), np.sin(axis_angle), 0.0]) * np.deg2rad(tilt_deg)
    tilt, _ = cv2.Rodrigues(axis)
    pts = local @ rot.T @ tilt.T
    distance = 600.0  # mm from the camera to the page, about a desk camera's height
    proj = pts[:, :2] / (distance + pts[:, 2:3])
    for attempt in range(50):
        long_side = rng.uniform(*span) * min(w, h) * (0.97 ** attempt if page_mm != A4_MM else 1.0)  # a spread may need to
        k = long_side / (max(pw, ph) / distance)
        quad = proj * k
        extent = quad.max(axis=0) - quad.min(axis=0)
        margin = margin_share * min(w, h)
        room = np.array([w, h]) - extent - 2 * margin
        if np.all(room > 0):
            offset = np.array([margin, margin]) - quad.min(axis=0) + rng.uniform(0, 1, 2) * room
            return (quad + offset).astype(np.float32)
    raise RuntimeError("could not place the page")  # pragma: no cover - 50 tries always fit


def _place_page(frame: np.ndarray, page: np.ndarray, corners: np.ndarray, bow: float,
                shadow: float, rng: np.random.Generator, mask: np.ndarray | None = None) -> None:
    """Project ``page`` onto ``frame`` (float32, in place) at ``corners``, bowed by ``bow`` pixels;
    ``mask`` (uint8, the page's size) is its outline where it is not a rectangle."""
    h, w = frame.shape[:2]
    ph, pw = page.shape[:2]
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    Hinv = cv2.getPerspectiveTransform(corners, src)
    step = 4
    gy, gx = np.mgrid[0:h:step, 0:w:step].astype(np.float64)
    top = corners[1] - corners[0]
    normal = np.array([-top[1], top[0]]) / (np.linalg.norm(top) + 1e-9)

    def inverse(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        d = Hinv[2, 0] * x + Hinv[2, 1] * y + Hinv[2, 2]
        return (Hinv[0, 0] * x + Hinv[0, 1] * y + Hinv[0, 2]) / d, (Hinv[1, 0] * x + Hinv[1, 1] * y + Hinv[1, 2]) / d

    u, v = inverse(gx, gy)
    if bow:
        for _ in range(2):
            disp = bow * np.sin(np.pi * np.clip(u / pw, 0, 1))
            u, v = inverse(gx - disp * normal[0], gy - disp * normal[1])
    map_x = cv2.resize(u.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    map_y = cv2.resize(v.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    warped = cv2.remap(page, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    alpha = cv2.remap(np.full(page.shape[:2], 255, np.uint8) if mask is None else mask, map_x, map_y, cv2.INTER_LINEAR,
                      borderMode=cv2.BORDER_CONSTANT, borderValue=0)[..., None].astype(np.float32) / 255.0
    if shadow:
        off = rng.normal(0, 1, 2) * min(w, h) * 0.006
        m = np.float32([[1, 0, off[0]], [0, 1, off[1]]])
        drop = cv2.warpAffine(alpha[..., 0], m, (w, h))
        drop = cv2.GaussianBlur(drop, (0, 0), min(w, h) * 0.004 + 1)
        frame *= (1 - shadow * drop)[..., None]
    frame *= 1 - alpha
    frame += warped.astype(np.float32) * alpha


def render_scene(seed: int, size: tuple[int, int] = (1920, 1080), background: str | None = None,
                 content: str | None = None, calm: bool = False, kind: str = "page") -> Scene:
    """One frame of a document on a desk, drawn from ``seed``: frame, true corners, and what is in it.

    ``kind``: one of :data:`KINDS` (see :mod:`devices.doccam.scene_extras`); ``calm``: no shadow,
    glare, blur or noise (the simulator's still, sharp page)."""
    rng = np.random.default_rng(seed)
    background = background or BACKGROUNDS[int(rng.integers(0, len(BACKGROUNDS)))]
    content = content or CONTENTS[int(rng.integers(0, len(CONTENTS)))]
    w, h = size
    conditions: list[str] = []
    tilt = float(rng.uniform(0, 25)) if rng.random() < 0.7 else float(rng.uniform(0, 4))
    if tilt > 8:
        conditions.append("tilt")
    if rng.random() < 0.5:
        rotation = float(rng.uniform(0, 360))
    else:
        rotation = float(rng.integers(0, 4) * 90 + rng.normal(0, 6))
    if abs((rotation + 45) % 90 - 45) > 10:
        conditions.append("rotation")
    if kind == "page":
        page_mm, corners = A4_MM, _page_corners(size, rng, tilt, rotation)
    else:
        page_mm = extras.document_mm(kind, rng)
        corners = _page_corners(size, rng, tilt, rotation, page_mm, extras.SPAN[kind], rng.uniform(0.006, 0.03))
    if kind == "off_frame":
        corners = extras.push_off_frame(corners, size, rng)
    desk, page_level = _desk(background, size, rng)
    if background == "cluttered":
        _clutter(desk, corners, rng, page_level)
    if kind == "overlapping":
        for other in extras.other_sheets(corners, size, rng):
            sheet = page_image(CONTENTS[int(rng.integers(0, len(CONTENTS)))], int(rng.integers(0, 2)))
            level = page_level - rng.uniform(0, 10)
            _place_page(desk, np.clip(sheet * (level / 252.0), 0, 255).astype(np.uint8), other, 0.0,
                        float(rng.uniform(0.06, 0.25)), rng)
    mask = None
    if kind == "receipt":
        page = extras.receipt_image(page_mm[1], rng).astype(np.float32)
    elif kind == "id_card":
        page, mask = extras.card_image(rng)
        page = page.astype(np.float32) * (page_level / 245.0)
    elif kind == "spread":
        page = extras.spread_image(page_image(content, 0), page_image(CONTENTS[(CONTENTS.index(content) + 1) % 4], 1),
                                   rng).astype(np.float32)
    else:
        page = page_image(content, int(rng.integers(0, 2))).astype(np.float32)
    page = page * (page_level / 252.0) + rng.uniform(-3, 3, 3).astype(np.float32)
    if kind == "id_card":   # since version 3 half the cards on a light desk are darker than it
        page = extras.card_stock(page, desk, corners, np.random.default_rng([seed, extras.STOCK_STREAM]))
    page = np.clip(page, 0, 255).astype(np.uint8)
    bow = 0.0
    if rng.random() < 0.35 and kind != "id_card":
        bow = float(rng.choice([-1, 1]) * rng.uniform(0.005, 0.02) * np.linalg.norm(corners[1] - corners[0]))
        conditions.append("bowed")
    _place_page(desk, page, corners, bow, float(rng.uniform(0.06, 0.25)), rng, mask)
    if kind == "fingers":
        extras.fingers(desk, corners, rng)
    frame = desk
    yy, xx = np.mgrid[0:h // 8, 0:w // 8].astype(np.float32)
    yy, xx = yy / (h / 8), xx / (w / 8)
    if not calm and rng.random() < 0.45:  # light from one side, and a vignette
        gain = 1 + rng.uniform(-0.25, 0.25) * (xx - 0.5) + rng.uniform(-0.25, 0.25) * (yy - 0.5)
        gain -= rng.uniform(0, 0.35) * ((xx - 0.5) ** 2 + (yy - 0.5) ** 2)
        frame *= cv2.resize(np.minimum(gain, 1.0), (w, h))[..., None]
        conditions.append("uneven_light")
    if not calm and rng.random() < 0.4:  # the shadow of an arm or of the camera's head
        mask = np.zeros((h // 8, w // 8), np.float32)
        c = np.array([rng.uniform(0, w / 8), rng.uniform(0, h / 8)])
        pts = c + rng.normal(0, 1, (5, 2)) * min(w, h) / 8 * 0.35
        cv2.fillConvexPoly(mask, cv2.convexHull(pts.astype(np.int32)), 1.0)
        mask = cv2.GaussianBlur(mask, (0, 0), rng.uniform(1, 6))
        frame *= (1 - rng.uniform(0.2, 0.5) * cv2.resize(mask, (w, h)))[..., None]
        conditions.append("shadow")
    if not calm and rng.random() < 0.35:  # glare: a specular spot, often on the page
        c = corners.mean(axis=0) + rng.normal(0, 1, 2) * np.linalg.norm(corners[2] - corners[0]) * 0.25
        r = rng.uniform(0.03, 0.09) * min(w, h)
        ay, ax = (np.mgrid[0:h // 4, 0:w // 4].astype(np.float32) * 4)
        spot = np.exp(-(((ax - c[0]) / r) ** 2 + ((ay - c[1]) / (r * rng.uniform(0.5, 1.5))) ** 2))
        frame += cv2.resize(spot, (w, h))[..., None] * rng.uniform(120, 300)
        conditions.append("glare")
    if not calm and rng.random() < 0.4:
        if rng.random() < 0.6:
            frame = cv2.GaussianBlur(frame, (0, 0), rng.uniform(0.8, 2.5) * h / 1080)
        else:
            k = int(rng.integers(5, 16))
            kernel = np.zeros((k, k), np.float32)
            kernel[k // 2, :] = 1.0 / k
            rot = cv2.getRotationMatrix2D((k / 2 - 0.5, k / 2 - 0.5), rng.uniform(0, 180), 1.0)
            kernel = cv2.warpAffine(kernel, rot, (k, k))
            frame = cv2.filter2D(frame, -1, kernel / max(kernel.sum(), 1e-6))
        conditions.append("blur")
    if not calm and rng.random() < 0.5:
        sigma = rng.uniform(2, 7)
        luma = rng.normal(0, sigma, (h, w, 1)).astype(np.float32)
        frame += luma + rng.normal(0, sigma * 0.4, (h, w, 3)).astype(np.float32)
        conditions.append("noise")
    out = np.clip(frame, 0, 255).astype(np.uint8)
    visible = bool(((corners >= 0) & (corners <= np.array([w - 1, h - 1]))).all())
    return Scene(out, corners, background, content, conditions, page_mm, kind, visible)
