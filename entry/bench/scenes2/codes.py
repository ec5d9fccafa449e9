"""The second code generator (``codes2``): QR codes held up to the kiosk, for measuring decoders only.

Built apart from :mod:`entry.bench.qr_corpus` (the corpus the decoder cascade was tuned on), and
forming images another way (:mod:`entry.bench.scenes2.optics`): the code is a carrier in 3-D (a
phone, a thermal receipt, a printed form) seen through a pinhole with lens distortion, drawn at twice
the frame's resolution and averaged down (so a screen's pixel grid aliases into moire as a camera's
does), lit and exposed in linear units, sampled by a Bayer sensor with shot noise, written as JPEG.

Kinds (in turn; the manifest tags each image): ``phone`` (an app's screen: subpixels, bezel, a hand),
``phone_moire`` (held where a display pixel is about a camera pixel), ``phone_glare`` (a window and a
lamp reflected in the glass), ``phone_dark`` (dark mode: light modules on dark, or a dimmed card),
``phone_dim`` (brightness turned down), ``phone_bright`` (turned up: clipped and blooming),
``receipt`` (a curled thermal strip, dots and fading), ``paper`` (a printed form, tilted),
``motion`` (a moving hand: a presentation of several frames, each smeared along the hand's path in
its exposure), ``defocus`` (too close: a disc blur), ``occlusion`` (a thumb over the code),
``small`` (far away, long payloads: modules of 1-2.3 pixels).

Truth: ``texts``, the exact payloads. A presentation (``presentation`` in the manifest) groups the
frames of one showing; the bench reports frames and presentations apart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from entry.bench.scenes2 import documents, optics, payloads

NAME = "codes2"
REVISION = 1
KINDS = ("phone", "phone_moire", "phone_glare", "phone_dark", "phone_dim", "phone_bright", "receipt", "paper",
         "motion", "defocus", "occlusion", "small")
SIZES = ((1280, 720), (640, 480), (1920, 1080))
FRAMES_PER_MOTION = 4
MANIFEST_FORMAT = "onetrip-qr-corpus"
SUPER = 2  # the scene is drawn at twice the frame's size and averaged down


def version() -> str:
    here = Path(__file__).resolve().parent
    files = ("codes.py", "payloads.py", "documents.py", "optics.py")
    return f"{NAME}/{REVISION}+{optics.source_hash(*(here / f for f in files))}"


@dataclass
class CodeScene:
    frame: np.ndarray
    texts: list[str]
    kind: str
    module_px: float
    conditions: list[str] = field(default_factory=list)


@dataclass
class Carrier:
    texture: np.ndarray      # BGRA sRGB uint8
    mm_per_texel: float
    module_texels: float     # one module's width in texels
    code_centre: np.ndarray  # (x, y) in texels


def modules(text: str, error: str) -> np.ndarray:
    """The code's modules (1 dark), without a quiet zone; UTF-8 for anything beyond Latin-1."""
    import segno

    encoding = None if text.isascii() else "utf-8"
    return np.array(segno.make_qr(text, error=error, encoding=encoding, boost_error=False).matrix, np.uint8)


# --------------------------------------------------------------------------- carriers (sRGB uint8 BGRA textures)

def _code_image(matrix: np.ndarray, module: int, dark=(0, 0, 0), light=(255, 255, 255), quiet: int = 4) -> np.ndarray:
    m = np.pad(matrix, quiet)
    img = np.repeat(np.repeat(m, module, 0), module, 1)
    out = np.empty(img.shape + (3,), np.uint8)
    out[:] = light
    out[img == 1] = dark
    return out


def _phone(rng: np.random.Generator, matrix: np.ndarray, dark_mode: bool) -> Carrier:
    """A phone showing the code, three texels a display pixel each way."""
    width = int(rng.choice([540, 720, 828]))  # logical pixels: finer grids average out anyway
    height = int(width * rng.uniform(2.0, 2.22))
    bezel = int(width * rng.uniform(0.02, 0.05))
    screen = np.empty((height, width, 3), np.uint8)
    screen[:] = (18, 18, 18) if dark_mode else (246, 246, 246)
    head = (int(rng.uniform(120, 220)), int(rng.uniform(80, 140)), int(rng.uniform(10, 60)))
    cv2.rectangle(screen, (0, 0), (width, int(0.12 * height)), head, -1)
    documents._text(screen, (int(0.06 * width), int(0.05 * height)), "浙里办 · 亮证", int(0.05 * width), (250, 250, 250))
    n = matrix.shape[0] + 8
    module = max(2, int(width * rng.uniform(0.55, 0.78) / n))  # apps draw whole display pixels a module
    inverted = dark_mode and rng.random() < 0.5
    card_light = (255, 255, 255) if not dark_mode else tuple(int(v) for v in [rng.uniform(150, 200)] * 3)
    code = _code_image(matrix, module, (235, 235, 235) if inverted else (0, 0, 0), (20, 20, 20) if inverted else card_light)
    cy = int(0.2 * height)
    cx = (width - code.shape[1]) // 2
    card = (cx - module * 2, cy - module * 2, cx + code.shape[1] + module * 2, cy + code.shape[0] + module * 8)
    cv2.rectangle(screen, card[:2], card[2:], (40, 40, 40) if dark_mode else (255, 255, 255), -1)
    screen[cy:cy + code.shape[0], cx:cx + code.shape[1]] = code
    documents._text(screen, (cx, cy + code.shape[0] + module * 2), "请向工作人员出示", int(0.045 * width),
                    (200, 200, 200) if dark_mode else (60, 60, 60))
    body = np.empty((height + 2 * bezel, width + 2 * bezel, 3), np.uint8)
    body[:] = (10, 10, 12) if rng.random() < 0.7 else tuple(int(v) for v in rng.uniform(150, 220, 3))
    body[bezel:bezel + height, bezel:bezel + width] = screen
    # subpixels: three texels a display pixel each way; columns R, G, B; a dimmer gap row
    tex = np.repeat(np.repeat(body, 3, 0), 3, 1)
    lit = tex[3 * bezel:3 * (bezel + height), 3 * bezel:3 * (bezel + width)]  # a view: edited in place
    for col, keep in enumerate((2, 1, 0)):
        for channel in range(3):
            if channel != keep:
                lit[:, col::3, channel] = 0
    lit[2::3] = (lit[2::3].astype(np.uint16) * 90 >> 8).astype(np.uint8)
    alpha = np.zeros(tex.shape[:2], np.uint8)
    r = int(0.12 * tex.shape[1])
    cv2.rectangle(alpha, (r, 0), (tex.shape[1] - r, tex.shape[0]), 255, -1)
    cv2.rectangle(alpha, (0, r), (tex.shape[1], tex.shape[0] - r), 255, -1)
    for c in ((r, r), (tex.shape[1] - r, r), (r, tex.shape[0] - r), (tex.shape[1] - r, tex.shape[0] - r)):
        cv2.circle(alpha, c, r, 255, -1, cv2.LINE_AA)
    centre = np.array([bezel + cx + code.shape[1] / 2, bezel + cy + code.shape[0] / 2]) * 3
    return Carrier(np.dstack([tex, alpha]), rng.uniform(64, 72) / tex.shape[1], 3.0 * module, centre)


def _receipt(rng: np.random.Generator, matrix: np.ndarray) -> Carrier:
    """A thermal receipt at 8 dots a millimetre: round dots, some missing, grey and fading print."""
    dots = int(rng.integers(2, 5))
    n = matrix.shape[0] + 8
    width = max(int(72 * 8), n * dots + 40)
    height = int(width * rng.uniform(1.4, 2.2))
    paper = np.empty((height, width, 3), np.uint8)
    paper[:] = (int(rng.uniform(236, 250)), int(rng.uniform(236, 250)), int(rng.uniform(226, 242)))
    grey = int(rng.uniform(20, 90))
    documents._text(paper, (20, 20), "政务服务中心  受理回执", 34, (grey, grey, grey))
    y = 80
    for _ in range(int(rng.integers(3, 7))):
        documents._text(paper, (20, y), payloads._draw(rng, payloads.HANZI, int(rng.integers(6, 16))), 26, (grey, grey, grey))
        y += 36
    m = np.pad(matrix, 4)
    # a texel is one dot of the head (0.125 mm); a worn heating element skips a dot now and then
    ink = np.kron(m, np.ones((dots, dots), np.uint8)) * 255
    ink[rng.random(ink.shape) < 0.03] = 0
    ink = cv2.GaussianBlur(ink, (0, 0), 0.6)
    x0 = (width - ink.shape[1]) // 2
    y0 = min(y + 20, height - ink.shape[0] - 10)
    region = paper[y0:y0 + ink.shape[0], x0:x0 + ink.shape[1]].astype(np.float32)
    a = ink.astype(np.float32)[..., None] / 255 * rng.uniform(0.6, 0.95)
    paper[y0:y0 + ink.shape[0], x0:x0 + ink.shape[1]] = (region * (1 - a) + grey * a).astype(np.uint8)
    centre = np.array([x0 + ink.shape[1] / 2, y0 + ink.shape[0] / 2])
    return Carrier(np.dstack([paper, np.full(paper.shape[:2], 255, np.uint8)]), 0.125, float(dots), centre)


def _paper(rng: np.random.Generator, matrix: np.ndarray) -> Carrier:
    """A printed form (laser print at 12 texels a millimetre) with the code in a corner."""
    w, h = int(148 * 12), int(105 * 12)
    img = np.empty((h, w, 3), np.uint8)
    img[:] = (int(rng.uniform(235, 252)),) * 3
    module_mm = rng.uniform(0.5, 1.0)
    n = matrix.shape[0] + 8
    module = max(2, int(module_mm * 12))
    code = _code_image(matrix, module, (25, 25, 25), tuple(img[0, 0]))
    if code.shape[0] > h - 40 or code.shape[1] > w - 40:
        module = max(2, (min(h, w) - 60) // n)
        code = _code_image(matrix, module, (25, 25, 25), tuple(img[0, 0]))
    y = 30
    while y < h - 40:
        documents._text(img, (30, y), documents._phrase(rng, 3), 40, (30, 30, 30))
        y += 60
    x0, y0 = w - code.shape[1] - 30, h - code.shape[0] - 30
    img[y0:y0 + code.shape[0], x0:x0 + code.shape[1]] = code
    centre = np.array([x0 + code.shape[1] / 2, y0 + code.shape[0] / 2])
    return Carrier(np.dstack([img, np.full(img.shape[:2], 255, np.uint8)]), 1 / 12, float(module), centre)


# --------------------------------------------------------------------------- the scene

def _backdrop(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """What lies behind the carrier: the hall, a coat, a counter, out of focus (linear BGR)."""
    sw, sh = max(8, w // 8), max(8, h // 8)
    small = cv2.resize(rng.uniform(0.02, 0.5, (4, 6, 3)).astype(np.float32), (sw, sh), interpolation=cv2.INTER_CUBIC)
    for _ in range(int(rng.integers(2, 6))):
        c = (int(rng.uniform(0, sw)), int(rng.uniform(0, sh)))
        axes = (int(rng.uniform(0.05, 0.3) * sw), int(rng.uniform(0.05, 0.3) * sh))
        cv2.ellipse(small, c, axes, float(rng.uniform(0, 180)), 0, 360, tuple(float(v) for v in rng.uniform(0, 0.8, 3)), -1)
    small = cv2.GaussianBlur(small, (0, 0), 0.02 * sw)
    return np.clip(cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR), 0, 1)


def _pose(rng: np.random.Generator, kind: str) -> np.ndarray:
    tilt = float(rng.uniform(0, 40 if kind in ("paper", "receipt") else 30))
    roll = float(rng.uniform(-25, 25)) if rng.random() < 0.7 else float(rng.uniform(0, 360))
    return optics.rotation(tilt, float(rng.uniform(0, 360)), roll)


def _warp_flat(canvas: np.ndarray, tex: np.ndarray, corners: np.ndarray, emission: float | None,
               glass: np.ndarray | None = None) -> np.ndarray:
    """Warp a flat BGRA sRGB texture to ``corners`` on the linear canvas; return its alpha (h, w)."""
    h, w = canvas.shape[:2]
    th, tw = tex.shape[:2]
    src = np.float32([[0, 0], [tw, 0], [tw, th], [0, th]])
    m = cv2.getPerspectiveTransform(src, corners.astype(np.float32))
    warped = cv2.warpPerspective(tex, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    alpha = warped[..., 3].astype(np.float32) / 255
    colour = (warped[..., :3].astype(np.float32) / 255) ** 2.2
    if emission is not None:
        colour *= emission
    canvas[:] = canvas * (1 - alpha[..., None]) + colour * alpha[..., None]
    return alpha


def render(seed: int, index: int, kind: str | None = None, size: tuple[int, int] | None = None,
           step: int = 0, easy: bool = False) -> CodeScene:
    """Image ``index`` of corpus ``seed`` (``step`` of a motion presentation: the same code and hand).

    ``easy``: modules of 5 pixels, held nearly square, no hand, glare, defocus or strong noise (what
    any decoder must read: the tests' check that the truth and the drawing agree)."""
    kind = kind or KINDS[index % len(KINDS)]
    rng = np.random.default_rng([seed, index, 0xC0DE5])
    size = size or SIZES[(index // len(KINDS)) % len(SIZES)]
    w, h = size
    W, H = w * SUPER, h * SUPER
    conditions: list[str] = []
    text = payloads.any_payload(rng, long=(kind == "small"))
    error = "LMQH"[int(rng.integers(0, 4))] if kind != "small" else "LM"[int(rng.integers(0, 2))]
    matrix = modules(text, error)
    n = matrix.shape[0]
    cam = optics.random_camera(rng, (W, H), hfov_deg=(50, 70), k1=(-0.1, 0.03))
    canvas = _backdrop(rng, W, H)
    if kind.startswith("phone") or kind in ("receipt", "paper"):
        carrier = kind.split("_")[0]
    else:
        carrier = ("phone", "phone", "phone", "receipt", "paper")[int(rng.integers(0, 5))]
    dark_mode = kind == "phone_dark"
    made = _phone(rng, matrix, dark_mode) if carrier == "phone" else (
        _receipt(rng, matrix) if carrier == "receipt" else _paper(rng, matrix))
    tex, mm_per_texel = made.texture, made.mm_per_texel
    # how big a module should come out in the frame (pixels)
    module_px = {"small": rng.uniform(1.0, 2.3), "phone_moire": rng.uniform(3.5, 8.0), "defocus": rng.uniform(3.5, 7.0)}.get(
        kind, rng.uniform(2.6, 7.0))
    code_mm = made.module_texels * mm_per_texel
    if easy:
        module_px = 5.0
    # the whole code (and its quiet zone) in the frame, with room for a tilt: the truth must be readable
    module_px = float(min(module_px, 0.75 * min(w, h) / (n + 8)))
    rot = _pose(rng, kind) if not easy else optics.rotation(float(rng.uniform(0, 8)), 0.0, float(rng.uniform(-8, 8)))
    distance = code_mm * cam.focal / (module_px * SUPER)
    th, tw = tex.shape[:2]
    corners3 = np.array([[-tw / 2, -th / 2, 0], [tw / 2, -th / 2, 0], [tw / 2, th / 2, 0], [-tw / 2, th / 2, 0]]) * mm_per_texel
    code_centre = (made.code_centre - np.array([tw / 2, th / 2])) * mm_per_texel
    # the code's centre somewhere in the middle of the frame
    room = np.maximum(np.array([W, H]) - 1.3 * (n + 8) * module_px * SUPER, 0)
    target = np.array([W, H]) / 2 + rng.uniform(-0.5, 0.5, 2) * room
    centre_px = optics.project(np.array([[*code_centre, 0.0]]), rot, distance, cam.focal, np.zeros(2))[0]
    at = target - centre_px
    frames_of_motion = FRAMES_PER_MOTION if kind == "motion" else 1
    velocity = rng.normal(0, 1, 2)
    velocity = velocity / (np.linalg.norm(velocity) + 1e-9) * rng.uniform(8, 30) * SUPER * (1 - step / frames_of_motion)
    spin = float(rng.uniform(-4, 4)) * (1 - step / frames_of_motion)
    emission = None
    if carrier == "phone":
        level = {"phone_dim": rng.uniform(0.06, 0.2), "phone_bright": rng.uniform(2.2, 4.0)}.get(kind, rng.uniform(0.5, 1.3))
        emission = level / 0.31  # the subpixel pattern passes about 0.31 of a white pixel's light
    # the carrier: at rest, or smeared along its path during the exposure
    sub = 8 if kind == "motion" else 1
    layer = np.zeros_like(canvas)
    cover = np.zeros(canvas.shape[:2], np.float32)
    start = at - (velocity * (FRAMES_PER_MOTION - 1 - step) * 1.5 if kind == "motion" else 0)
    for k in range(sub):
        t = (k / max(sub - 1, 1) - 0.5) if sub > 1 else 0.0
        turn = optics.rotation(0, 0, spin * t) @ rot
        corners = optics.project(corners3, turn, distance, cam.focal, start + velocity * t)
        part = np.zeros_like(canvas)
        a = _warp_flat(part, tex, corners, emission)
        layer += part
        cover += a
    layer /= sub
    cover /= sub
    canvas[:] = canvas * (1 - cover[..., None]) + layer
    if kind == "motion":
        conditions.append(f"motion step {step}")
    if carrier == "phone":
        conditions.append("screen")
        glass = cover
        if not easy and (kind == "phone_glare" or rng.random() < 0.15):
            _glare(rng, canvas, glass)
            conditions.append("glare")
        if kind == "phone_bright":
            bright = np.clip(canvas - 1.0, 0, None)
            canvas += cv2.GaussianBlur(bright, (0, 0), 3 * SUPER) * 0.8  # bloom
    else:
        conditions.append(carrier)
    hand_shade = np.ones(canvas.shape[:2] + (1,), np.float32)
    if carrier == "phone" and kind != "motion" and not easy and rng.random() < 0.6:  # fingers round the phone's edge
        c = optics.project(corners3, rot, distance, cam.focal, at)
        side = int(rng.integers(0, 4))
        a_, b_ = c[side], c[(side + 1) % 4]
        edge = a_ + (b_ - a_) * rng.uniform(0.3, 0.8)
        inward = c.mean(0) - edge
        inward /= np.linalg.norm(inward) + 1e-9
        width = module_px * SUPER * n * rng.uniform(0.3, 0.45)
        optics.draw_finger(canvas, rng, edge + inward * width * 0.4, -inward, width, width * 5, hand_shade)
    if kind == "occlusion" and not easy:  # a thumb over the code itself
        width = module_px * SUPER * n * rng.uniform(0.28, 0.45)
        d = rng.normal(0, 1, 2)
        d /= np.linalg.norm(d) + 1e-9
        tip = target + d * module_px * SUPER * n * rng.uniform(0.05, 0.3)
        optics.draw_finger(canvas, rng, tip, d, width, width * 8, hand_shade)
        conditions.append("thumb")
    canvas *= hand_shade
    canvas *= optics.light_field(rng, H, W, strength=rng.uniform(0.2, 1.0))
    frame_lin = cv2.resize(canvas, (w, h), interpolation=cv2.INTER_AREA)
    frame_lin = optics.distort_image(frame_lin, optics.Camera(w, h, cam.focal / SUPER, cam.k1, cam.k2))
    if kind == "defocus" and not easy:
        frame_lin = optics.pillbox_blur(frame_lin, float(module_px * rng.uniform(0.45, 1.0)))
        conditions.append("defocus")
    exposure = rng.uniform(0.8, 1.2)
    if kind == "phone_dim":
        exposure *= rng.uniform(1.0, 2.0)  # the camera opens up a little for the dark screen
    noise = rng.uniform(0.6, 2.5) if kind not in ("phone_dim",) else rng.uniform(2.0, 4.0)
    if easy:
        noise = 0.5
    # the sensor's noise differs from frame to frame of one presentation
    frame = optics.sensor(np.random.default_rng([seed, index, step, 0x5E]), frame_lin, exposure=exposure, noise=noise)
    return CodeScene(frame, [text], kind, float(module_px), conditions)


def _glare(rng: np.random.Generator, canvas: np.ndarray, glass: np.ndarray) -> None:
    """A window (a soft bright band) and a lamp (a hot spot) reflected in the phone's glass."""
    h, w = canvas.shape[:2]
    yy, xx = np.mgrid[0:h // 4, 0:w // 4].astype(np.float32) * 4
    a = rng.uniform(0, np.pi)
    t = xx * np.cos(a) + yy * np.sin(a)
    band = np.exp(-((t - rng.uniform(0.2, 0.8) * (w + h) / 2) / (rng.uniform(0.03, 0.12) * w)) ** 2) * rng.uniform(0.3, 1.2)
    c = np.array([rng.uniform(0.3, 0.7) * w, rng.uniform(0.3, 0.7) * h])
    spot = np.exp(-((xx - c[0]) ** 2 + (yy - c[1]) ** 2) / (2 * (rng.uniform(0.02, 0.07) * w) ** 2)) * rng.uniform(1.0, 4.0)
    light = cv2.resize(band + spot, (w, h))
    canvas += (light * glass)[..., None] * np.array([1.0, 1.0, rng.uniform(0.9, 1.1)], np.float32)


def make_corpus(directory: Path, scenes: int = 240, seed: int = 61, size: tuple[int, int] | None = None) -> Path:
    """Write ``scenes`` presentations (kinds in turn; a motion one is several frames) as JPEG files, and
    ``manifest.json`` in the layout ``kiosk bench qr`` reads, with the generator's version."""
    directory.mkdir(parents=True, exist_ok=True)
    images = []
    for i in range(scenes):
        kind = KINDS[i % len(KINDS)]
        steps = FRAMES_PER_MOTION if kind == "motion" else 1
        for step in range(steps):
            scene = render(seed, i, kind, size=size, step=step)
            quality = int(np.random.default_rng([seed, i, step, 0x1BE6]).integers(45, 96))
            name = f"c2-{i:04d}-{kind}" + (f"-{step}" if steps > 1 else "") + ".jpg"
            (directory / name).write_bytes(optics.encode_jpeg(scene.frame, quality))
            images.append({"file": name, "texts": scene.texts, "condition": kind, "kind": kind,
                           "presentation": f"s{i:04d}", "step": step, "module_px": round(scene.module_px, 2),
                           "size": [scene.frame.shape[1], scene.frame.shape[0]],
                           "conditions": scene.conditions + ["jpeg"], "jpeg_quality": quality})
    manifest = {"format": MANIFEST_FORMAT, "version": 1, "generator": version(), "seed": seed, "images": images}
    path = directory / "manifest.json"
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
