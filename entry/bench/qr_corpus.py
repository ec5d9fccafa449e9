"""A seeded synthetic corpus of camera frames with QR codes, for ``kiosk bench qr``.

``kiosk bench qr --make-corpus DIR [--count N] [--seed S]`` writes ``DIR/NNNN-<condition>.png``
(or ``.jpg`` for the JPEG condition) and ``DIR/manifest.json``::

    {"format": "onetrip-qr-corpus", "version": 1, "seed": 6, "images": [
        {"file": "0000-tilt.png", "texts": ["OTR1:SQ2026112700042"], "condition": "tilt"}, ...]}

``texts`` lists every code in the image (its exact text). The same seed and count give the same
images byte for byte on the same OpenCV and segno versions. The images are not committed.

Conditions are what a hall's cameras see: codes held at an angle (tilt, rotation), far away
(small modules), moving (motion blur) or out of focus (blur), over-compressed streams (JPEG),
glare on glossy paper or glass, dim print (low contrast), sensor noise, phone screens (pixel grid,
moire, dark mode), a thumb over part of the code, and several codes in one frame.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import cv2
import numpy as np

CONDITIONS = ("clean", "tilt", "rotation", "small", "blur", "motion", "jpeg", "glare", "lowcontrast",
              "noise", "screen", "darkmode", "occlusion", "multi",
              # version 2: harsher conditions the decoder is developed on (see VERSION)
              "defocus", "tiny", "dim", "bright", "smear")
# 1: the first 14 conditions; 2 adds a disc defocus of 0.4-1 module, 1.0-1.6 px modules, a dimmed
# and an overexposed phone screen, and a hand's smear along a curved, slowing path. 3 draws a phone
# screen's modules at the module size: version 2 drew them about three times too large (the code was
# rendered at 3x before ``_screen`` tripled it into subpixels and shrank it by a third), so most
# screen codes ran off the frame. Every other frame of a seed is drawn as version 2 drew it.
VERSION = 3

_HANZI = "办事大厅居民身份证营业执照不动产登记社保医保公积金户籍迁移出生证明结婚离婚护照港澳通行证驾驶证行驶证税务发票企业开办变更注销浙江省杭州市西湖区文三路号楼单元室张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗"
_KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんアイウエオカキクケコサシスセソ"
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_TOKEN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


def _pick(rng: np.random.Generator, alphabet: str, n: int) -> str:
    return "".join(alphabet[i] for i in rng.integers(0, len(alphabet), n))


def payload(rng: np.random.Generator) -> tuple[str, str, bool]:
    """(text, encoding, eci): the payloads a hall sees, ours and others'."""
    kind = int(rng.integers(0, 12))
    date = f"2026{int(rng.integers(1, 13)):02d}{int(rng.integers(1, 29)):02d}"
    if kind == 0:
        return f"OTR1:SQ{date}{int(rng.integers(0, 100000)):05d}", "utf-8", False
    if kind == 1:
        return f"OTR1:P-ZJ-HZ-T{int(rng.integers(1, 999)):03d}-{date}-{int(rng.integers(0, 99999)):05d}-{_pick(rng, _B32, 1)}", "utf-8", False
    if kind == 2:
        return f"OTL1:LIC-SQ{date}{int(rng.integers(0, 100000)):05d}:{_pick(rng, _B32, 8)}", "utf-8", False
    if kind in (3, 4):
        return f"ZLBID1:ZLB-{_pick(rng, _TOKEN, int(rng.integers(16, 64)))}", "utf-8", False
    if kind == 5:
        return f"OTP1:PO{date}{_pick(rng, '0123456789ABCDEF', 8)}:{int(rng.integers(1, 2000))}.{int(rng.integers(0, 100)):02d}", "utf-8", False
    if kind == 6:
        return f"https://www.zjzwfw.gov.cn/zjservice/item/detail/index.do?id={_pick(rng, '0123456789', 12)}", "utf-8", False
    if kind == 7:  # Chinese, UTF-8 without ECI (what phones write)
        return _pick(rng, _HANZI, int(rng.integers(2, 12))), "utf-8", False
    if kind == 8:  # Chinese, UTF-8 with ECI 26
        return "姓名:" + _pick(rng, _HANZI, int(rng.integers(2, 4))) + ";事项:" + _pick(rng, _HANZI, 6), "utf-8", True
    if kind == 9:  # Chinese in GB18030 with ECI, as some older hall systems print
        return "受理:" + _pick(rng, _HANZI, int(rng.integers(4, 14))), "gb18030", True
    if kind == 10:  # Japanese, Shift_JIS
        return _pick(rng, _KANA, int(rng.integers(3, 12))), "shift_jis", False
    return "WIFI:T:WPA;S:Hall-Guest;P:" + _pick(rng, _TOKEN, 12) + ";;", "utf-8", False


def qr_matrix(text: str, encoding: str, eci: bool, error: str) -> np.ndarray:
    """The code's modules as a uint8 array (1 = dark), with a 4-module quiet zone."""
    import segno

    qr = segno.make_qr(text, encoding=encoding, eci=eci, error=error, boost_error=False)
    return np.array(qr.matrix, dtype=np.uint8)


def render(matrix: np.ndarray, module_px: float, dark: int = 20, light: int = 245) -> np.ndarray:
    """The code drawn at ``module_px`` pixels a module, with a 4-module quiet zone (grey)."""
    quiet = np.pad(matrix, 4, constant_values=0)
    size = max(21, int(round(quiet.shape[0] * module_px)))
    big = cv2.resize(quiet * 255, (size, size), interpolation=cv2.INTER_NEAREST)
    return np.where(big > 127, dark, light).astype(np.uint8)


def _background(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    base = rng.integers(60, 200, 3).astype(np.float32)
    noise = cv2.resize(rng.normal(0, 18, (h // 16 + 1, w // 16 + 1, 3)).astype(np.float32), (w, h))
    grad = np.linspace(-25, 25, w, dtype=np.float32)[None, :, None]
    return np.clip(base + noise + grad, 0, 255).astype(np.uint8)


def _place(frame: np.ndarray, code: np.ndarray, rng: np.random.Generator, *, angle: float = 0.0,
           tilt: float = 0.0, center: tuple[float, float] | None = None) -> None:
    """Warp the grey ``code`` into ``frame`` (BGR) by a rotation and a perspective tilt."""
    h, w = frame.shape[:2]
    s = code.shape[0]
    src = np.float32([[0, 0], [s, 0], [s, s], [0, s]])
    if center is None:
        margin = s * 0.75
        center = (float(rng.uniform(margin, max(margin + 1, w - margin))), float(rng.uniform(margin, max(margin + 1, h - margin))))
    cx, cy = center
    half = s / 2
    pts = np.float32([[-half, -half], [half, -half], [half, half], [-half, half]])
    if tilt:
        # pull one side in: a code held at an angle to the camera
        side = int(rng.integers(0, 4))
        k = 1.0 - tilt
        for i in (side, (side + 1) % 4):
            pts[i] *= k
    a = math.radians(angle)
    rot = np.float32([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    dst = pts @ rot.T + np.float32([cx, cy])
    m = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(cv2.cvtColor(code, cv2.COLOR_GRAY2BGR), m, (w, h), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((s, s), 255, np.uint8), m, (w, h), flags=cv2.INTER_LINEAR)
    alpha = (mask.astype(np.float32) / 255.0)[:, :, None]
    frame[:] = (warped * alpha + frame * (1 - alpha)).astype(np.uint8)


def _motion_kernel(length: int, angle: float) -> np.ndarray:
    k = np.zeros((length, length), np.float32)
    k[length // 2, :] = 1.0
    m = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), angle, 1.0)
    k = cv2.warpAffine(k, m, (length, length))
    return k / max(k.sum(), 1e-6)


def _smear_kernel(rng: np.random.Generator, length: float) -> np.ndarray:
    """A moving hand's exposure: a curved path of ``length`` px, walked slower towards its end."""
    size = int(math.ceil(length)) * 2 + 3
    k = np.zeros((size, size), np.float32)
    a = float(rng.uniform(0, 2 * math.pi))
    bend = float(rng.uniform(-0.6, 0.6))
    c = size / 2 - 0.5
    steps = 60
    for i in range(steps):
        t = i / (steps - 1)
        d = length * (1 - (1 - t) ** 2) - length / 2  # decelerating: more time spent near the end
        x = c + d * math.cos(a + bend * t)
        y = c + d * math.sin(a + bend * t)
        x0, y0 = int(math.floor(x)), int(math.floor(y))
        fx, fy = x - x0, y - y0
        for dx, dy, wgt in ((0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)), (0, 1, (1 - fx) * fy), (1, 1, fx * fy)):
            if 0 <= y0 + dy < size and 0 <= x0 + dx < size:
                k[y0 + dy, x0 + dx] += wgt
    return k / max(float(k.sum()), 1e-6)


def _disc_kernel(radius: float) -> np.ndarray:
    r = max(0.5, radius)
    n = int(math.ceil(r)) * 2 + 1
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float32) - n // 2
    k = np.clip(r + 0.5 - np.sqrt(xx * xx + yy * yy), 0, 1)
    return (k / k.sum()).astype(np.float32)


def _screen(code: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A phone screen: the code on a pixel grid (RGB subpixels), photographed a little off-grid.

    Each pixel of ``code`` is a display pixel of three subpixels, and a display pixel comes out at
    0.93-1.11 camera pixels: the grid and the sensor beat against each other (moire), and a module
    keeps the size ``code`` was drawn at.
    """
    s = code.shape[0]
    sub = 3
    big = cv2.resize(code, (s * sub, s * sub), interpolation=cv2.INTER_NEAREST)
    rgb = np.zeros((s * sub, s * sub, 3), np.uint8)
    for c in range(3):
        rgb[:, c::sub, c] = big[:, c::sub]
    rgb = cv2.GaussianBlur(rgb, (3, 3), 0)
    scale = float(rng.uniform(0.31, 0.37))  # not a divisor of the grid: moire
    small = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
    return cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)


def make_frame(rng: np.random.Generator, condition: str) -> tuple[np.ndarray, list[str], dict]:
    """One frame (BGR) for ``condition``, the texts of its codes, and JPEG options if any."""
    w, h = (1280, 720) if rng.random() < 0.4 else (640, 480)
    frame = _background(rng, w, h)
    count = int(rng.integers(2, 4)) if condition == "multi" else 1
    texts: list[str] = []
    centers = [((i + 0.5) * w / count, h / 2 + float(rng.uniform(-h / 8, h / 8))) for i in range(count)]
    for i in range(count):
        text, encoding, eci = payload(rng)
        while text in texts:
            text, encoding, eci = payload(rng)
        texts.append(text)
        error = "LMQH"[int(rng.integers(0, 4))]
        matrix = qr_matrix(text, encoding, eci, error)
        n = matrix.shape[0] + 8
        if condition == "small":
            module = float(rng.uniform(1.3, 2.2))
        elif condition == "tiny":
            module = float(rng.uniform(1.0, 1.6))
        elif condition == "multi":
            module = min(float(rng.uniform(2.5, 4.0)), (w / count * 0.8) / n, h * 0.7 / n)
        else:
            module = min(float(rng.uniform(3.0, 6.0)), h * 0.75 / n)
        dark, light = (20, 240)
        if condition == "lowcontrast":
            mid = float(rng.uniform(90, 170))
            span = float(rng.uniform(22, 40))
            dark, light = int(mid - span / 2), int(mid + span / 2)
        if condition == "dim":  # a phone turned down to 5-20% of paper white
            light = int(rng.integers(14, 50))
            dark = int(rng.integers(2, max(3, light // 4)))
        if condition == "bright":  # a phone turned up: white clips, black glows grey
            dark, light = int(rng.integers(120, 200)), 255
        code = render(matrix, module, dark, light)
        if condition == "bright":  # blooming: the clipped white spills into the dark modules
            bloom = cv2.GaussianBlur(code.astype(np.float32), (0, 0), module * float(rng.uniform(0.3, 0.6)))
            code = np.clip(np.maximum(code.astype(np.float32), bloom * 1.15), 0, 255).astype(np.uint8)
        if condition == "darkmode":
            code = 255 - code
        if condition == "screen":
            code = _screen(render(matrix, module, 10, 235), rng)
            if rng.random() < 0.5:
                code = 255 - code  # a dark-mode app
        angle = float(rng.uniform(-8, 8))
        tilt = 0.0
        if condition == "rotation":
            angle = float(rng.uniform(0, 360))
        if condition == "tilt":
            tilt = float(rng.uniform(0.15, 0.35))
            angle = float(rng.uniform(-20, 20))
        if condition == "occlusion":
            s = code.shape[0]
            q = 4 * s / n  # quiet zone width
            inner = s - 2 * q
            ow, oh = inner * float(rng.uniform(0.12, 0.2)), inner * float(rng.uniform(0.25, 0.4))
            x0 = q + inner * float(rng.uniform(0.35, 0.6))
            y0 = q + inner * float(rng.uniform(0.3, 0.5))
            cv2.ellipse(code, (int(x0), int(y0 + oh / 2)), (int(ow), int(oh)), float(rng.uniform(-30, 30)),
                        0, 360, int(rng.integers(120, 200)), -1)  # a thumb
        _place(frame, code, rng, angle=angle, tilt=tilt, center=centers[i] if count > 1 else None)
    extra: dict = {}
    if condition == "blur":
        sigma = float(rng.uniform(1.2, 2.4))
        frame = cv2.GaussianBlur(frame, (0, 0), sigma)
    if condition == "motion":
        frame = cv2.filter2D(frame, -1, _motion_kernel(int(rng.integers(5, 12)), float(rng.uniform(0, 180))))
    if condition == "defocus":  # out of focus: a disc of 0.4-1 module's radius
        frame = cv2.filter2D(frame, -1, _disc_kernel(module * float(rng.uniform(0.4, 1.0))))
    if condition == "smear":
        frame = cv2.filter2D(frame, -1, _smear_kernel(rng, module * float(rng.uniform(1.5, 3.5))))
    if condition == "tiny":  # the lens's own softness at this scale
        frame = cv2.GaussianBlur(frame, (0, 0), float(rng.uniform(0.3, 0.6)))
    if condition == "glare":
        gx, gy = float(rng.uniform(0.3, 0.7)) * w, float(rng.uniform(0.3, 0.7)) * h
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        r = float(rng.uniform(0.08, 0.18)) * w
        glow = np.exp(-(((xx - gx) ** 2) + ((yy - gy) ** 2) * 2.0) / (2 * r * r)) * float(rng.uniform(150, 230))
        frame = np.clip(frame.astype(np.float32) + glow[:, :, None], 0, 255).astype(np.uint8)
    if condition == "noise":
        frame = np.clip(frame.astype(np.float32) + rng.normal(0, float(rng.uniform(18, 35)), frame.shape), 0, 255).astype(np.uint8)
    if condition == "dim":  # the sensor's gain turned up for a dark screen
        frame = np.clip(frame.astype(np.float32) * 0.5 + rng.normal(0, float(rng.uniform(2, 5)), frame.shape), 0, 255).astype(np.uint8)
    if condition in ("screen", "lowcontrast", "glare", "defocus", "smear", "tiny", "bright"):
        frame = np.clip(frame.astype(np.float32) + rng.normal(0, 4, frame.shape), 0, 255).astype(np.uint8)
    if condition == "jpeg":
        extra["jpeg_quality"] = int(rng.integers(8, 25))
    return frame, texts, extra


def make_corpus(directory: Path, count: int = 280, seed: int = 6) -> Path:
    """Write ``count`` frames (conditions in turn) and ``manifest.json`` into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    images = []
    for i in range(count):
        condition = CONDITIONS[i % len(CONDITIONS)]
        frame, texts, extra = make_frame(rng, condition)
        if "jpeg_quality" in extra:
            name = f"{i:04d}-{condition}.jpg"
            ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, extra["jpeg_quality"]])
        else:
            name = f"{i:04d}-{condition}.png"
            ok, data = cv2.imencode(".png", frame)
        if not ok:
            raise RuntimeError(f"could not encode {name}")
        (directory / name).write_bytes(data.tobytes())
        images.append({"file": name, "texts": texts, "condition": condition})
    manifest = {"format": "onetrip-qr-corpus", "version": 1, "seed": seed, "images": images,
                "generator": f"qr_corpus/{VERSION} (entry.bench.qr_corpus, the first generator)"}
    path = directory / "manifest.json"
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
