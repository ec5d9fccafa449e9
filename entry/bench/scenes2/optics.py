"""The camera of the second scene generator: a pinhole with lens distortion, light, a sensor, a codec.

Written apart from the first generators (``devices/doccam/scenes.py``, ``entry.bench.qr_corpus``) and
on purpose unlike them, so a finder or decoder tuned on those meets images formed another way:

- geometry is 3-D: a surface (flat, curled, folded) is a grid of points in millimetres, seen by a
  pinhole camera with a pose, and drawn as a mesh of triangles (:func:`warp_mesh`), not by one
  homography; then the whole frame goes through radial lens distortion (:func:`distort_image`, with
  :func:`distort_points` moving the ground truth the same way);
- light is worked in linear units: a gain field (a gradient from a window, an off-centre fall-off, a
  colour cast) and soft shadows with penumbrae multiply the scene;
- the sensor samples a Bayer mosaic (demosaicked by OpenCV, with its colour fringes), adds shot noise
  that grows with the signal and read noise that does not, applies a tone curve and the phone's own
  sharpening, and the codec is JPEG at a quality the caller picks.

Everything draws from the ``numpy.random.Generator`` it is given: a seed gives the same frame.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np


def source_hash(*files: Path) -> str:
    """The first 12 hex digits of SHA-256 over the given source files (a generator's version tag)."""
    digest = hashlib.sha256()
    for f in files:
        digest.update(Path(f).read_bytes())
    return digest.hexdigest()[:12]


@dataclass
class Camera:
    width: int
    height: int
    focal: float          # pixels
    k1: float = 0.0       # radial distortion (negative: barrel)
    k2: float = 0.0

    @property
    def centre(self) -> np.ndarray:
        return np.array([self.width / 2.0, self.height / 2.0])


def random_camera(rng: np.random.Generator, size: tuple[int, int], hfov_deg: tuple[float, float] = (55, 78),
                  k1: tuple[float, float] = (-0.14, 0.03)) -> Camera:
    w, h = size
    hfov = np.deg2rad(rng.uniform(*hfov_deg))
    focal = (w / 2) / np.tan(hfov / 2)
    return Camera(w, h, float(focal), float(rng.uniform(*k1)), float(rng.uniform(-0.02, 0.02)))


def rotation(tilt_deg: float, tilt_axis_deg: float, roll_deg: float) -> np.ndarray:
    """A rotation: ``roll`` about the optical axis after a tilt of ``tilt`` about an axis in the image plane."""
    a = np.deg2rad(tilt_axis_deg)
    tilt, _ = cv2.Rodrigues(np.array([np.cos(a), np.sin(a), 0.0]) * np.deg2rad(tilt_deg))
    r = np.deg2rad(roll_deg)
    roll = np.array([[np.cos(r), -np.sin(r), 0], [np.sin(r), np.cos(r), 0], [0, 0, 1]])
    return tilt @ roll


def project(points: np.ndarray, rot: np.ndarray, distance: float, focal: float, at: np.ndarray) -> np.ndarray:
    """Ideal (undistorted) pixel positions of ``points`` (..., 3) in mm: the object turned by ``rot`` and
    set ``distance`` mm in front of the lens, its origin landing on pixel ``at``. z of the object points
    towards the camera."""
    p = points.reshape(-1, 3) @ rot.T
    z = distance - p[:, 2]
    z = np.maximum(z, 1.0)
    uv = p[:, :2] * (focal / z)[:, None] + np.asarray(at, np.float64)
    return uv.reshape(points.shape[:-1] + (2,))


def distort_points(uv: np.ndarray, cam: Camera) -> np.ndarray:
    """Where ideal pixel positions land after the lens's radial distortion."""
    c = cam.centre
    x = (np.asarray(uv, np.float64) - c) / cam.focal
    r2 = (x ** 2).sum(-1, keepdims=True)
    return c + x * (1 + cam.k1 * r2 + cam.k2 * r2 * r2) * cam.focal


def distort_image(img: np.ndarray, cam: Camera) -> np.ndarray:
    """The frame as the distorting lens draws it (each output pixel fetches its ideal position)."""
    if cam.k1 == 0 and cam.k2 == 0:
        return img
    h, w = img.shape[:2]
    gy, gx = np.mgrid[0:h, 0:w].astype(np.float32)
    c = cam.centre.astype(np.float32)
    xd, yd = (gx - c[0]) / cam.focal, (gy - c[1]) / cam.focal
    x, y = xd.copy(), yd.copy()
    for _ in range(10):  # fixed point: x * factor(x) = xd
        r2 = x * x + y * y
        factor = 1 + cam.k1 * r2 + cam.k2 * r2 * r2
        x, y = xd / factor, yd / factor
    full_x, full_y = x * cam.focal + c[0], y * cam.focal + c[1]
    return cv2.remap(img, full_x, full_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def warp_mesh(layer: np.ndarray, cover: np.ndarray, texture: np.ndarray, src: np.ndarray, dst: np.ndarray) -> None:
    """Draw ``texture`` onto ``layer`` (in place) through a mesh: ``src`` (gh, gw, 2) texture pixels go to
    ``dst`` (gh, gw, 2) frame pixels, triangle by triangle; ``cover`` (float32, h x w) gets 1 where drawn."""
    h, w = layer.shape[:2]
    gh, gw = src.shape[:2]
    tex_h, tex_w = texture.shape[:2]
    span = np.ptp(dst.reshape(-1, 2), axis=0).max()
    shrink = min(1.0, 1.6 * span / max(tex_w, tex_h, 1))
    if shrink < 0.75:  # a texture much finer than the frame would alias: reduce it first
        texture = cv2.resize(texture, (max(2, round(tex_w * shrink)), max(2, round(tex_h * shrink))),
                             interpolation=cv2.INTER_AREA)
        src = src * np.array([texture.shape[1] / tex_w, texture.shape[0] / tex_h])
    for i in range(gh - 1):
        for j in range(gw - 1):
            for tri in (((0, 0), (0, 1), (1, 1)), ((0, 0), (1, 1), (1, 0))):
                s = np.float32([src[i + a, j + b] for a, b in tri])
                d = np.float32([dst[i + a, j + b] for a, b in tri])
                x0, y0 = np.floor(d.min(0)).astype(int)
                x1, y1 = np.ceil(d.max(0)).astype(int) + 1
                x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
                if x1 <= x0 or y1 <= y0:
                    continue
                off = np.float32([x0, y0])
                m = cv2.getAffineTransform(s, d - off)
                patch = cv2.warpAffine(texture, m, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR,
                                       borderMode=cv2.BORDER_REFLECT)
                mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
                cv2.fillConvexPoly(mask, np.round((d - off) * 16).astype(np.int32), 1, cv2.LINE_8, 4)
                sel = mask.astype(bool)
                layer[y0:y1, x0:x1][sel] = patch[sel]
                cover[y0:y1, x0:x1][sel] = 1.0


def light_field(rng: np.random.Generator, h: int, w: int, strength: float = 1.0) -> np.ndarray:
    """A gain (h, w, 3) in linear units: a window's gradient, an off-centre fall-off, a colour cast."""
    sh, sw = max(2, h // 16), max(2, w // 16)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    yy, xx = yy / (sh - 1) - 0.5, xx / (sw - 1) - 0.5
    a = rng.uniform(0, 2 * np.pi)
    grad = 1 + strength * rng.uniform(0.05, 0.6) * (xx * np.cos(a) + yy * np.sin(a))
    cx, cy = rng.uniform(-0.4, 0.4, 2)
    fall = 1 - strength * rng.uniform(0.0, 0.45) * ((xx - cx) ** 2 + (yy - cy) ** 2)
    gain = np.clip(grad * fall, 0.25, 1.6)
    cast = np.array([rng.uniform(0.85, 1.1), 1.0, rng.uniform(0.85, 1.15)], np.float32)  # B, G, R
    return cv2.resize(gain, (w, h), interpolation=cv2.INTER_CUBIC)[..., None] * cast


def soft_shadow(rng: np.random.Generator, h: int, w: int, depth: tuple[float, float] = (0.25, 0.6)) -> np.ndarray:
    """A multiplicative shadow (h, w, 1): an arm, a head or a lamp's arm, with a penumbra."""
    sh, sw = max(2, h // 8), max(2, w // 8)
    mask = np.zeros((sh, sw), np.float32)
    kind = rng.integers(0, 3)
    if kind == 0:  # an arm coming in from a side: a thick band
        p0 = np.array([rng.uniform(0, sw), rng.choice([0, sh])], np.float64)
        p1 = np.array([rng.uniform(0, sw), rng.uniform(0.2, 0.8) * sh])
        cv2.line(mask, tuple(map(int, p0)), tuple(map(int, p1)), 1.0, int(rng.uniform(0.12, 0.3) * sh))
    elif kind == 1:  # a head: an ellipse
        cv2.ellipse(mask, (int(rng.uniform(0, sw)), int(rng.uniform(0, sh))),
                    (int(rng.uniform(0.15, 0.35) * sw), int(rng.uniform(0.15, 0.35) * sh)),
                    float(rng.uniform(0, 180)), 0, 360, 1.0, -1)
    else:  # a lamp's arm: a thin bar across
        y = rng.uniform(0.1, 0.9) * sh
        cv2.line(mask, (0, int(y)), (sw, int(y + rng.uniform(-0.3, 0.3) * sh)), 1.0, max(2, int(0.05 * sh)))
    mask = cv2.GaussianBlur(mask, (0, 0), rng.uniform(1.0, 5.0))
    shade = 1 - rng.uniform(*depth) * mask
    return cv2.resize(shade, (w, h), interpolation=cv2.INTER_LINEAR)[..., None]


def pillbox_blur(img: np.ndarray, radius: float) -> np.ndarray:
    """Defocus: a disc-shaped point spread (not a Gaussian), radius in pixels."""
    if radius < 0.5:
        return img
    r = int(np.ceil(radius))
    yy, xx = np.mgrid[-r:r + 1, -r:r + 1].astype(np.float32)
    disc = np.clip(radius + 0.5 - np.sqrt(xx ** 2 + yy ** 2), 0, 1)
    return cv2.filter2D(img, -1, disc / disc.sum(), borderType=cv2.BORDER_REFLECT)


def sensor(rng: np.random.Generator, linear: np.ndarray, exposure: float = 1.0, noise: float = 1.0,
           sharpen: float | None = None) -> np.ndarray:
    """Linear BGR (float, 1.0 = white paper under the key light) to the camera's 8-bit BGR frame."""
    h, w = linear.shape[:2]
    x = np.clip(linear * exposure, 0, 4).astype(np.float32)
    # an optical point spread of the lens, before the mosaic
    x = cv2.GaussianBlur(x, (0, 0), float(rng.uniform(0.45, 0.9)))
    # the Bayer mosaic (BGGR): each photosite keeps one colour
    mosaic = np.empty((h, w), np.float32)
    mosaic[0::2, 0::2] = x[0::2, 0::2, 0]
    mosaic[0::2, 1::2] = x[0::2, 1::2, 1]
    mosaic[1::2, 0::2] = x[1::2, 0::2, 1]
    mosaic[1::2, 1::2] = x[1::2, 1::2, 2]
    full_well = rng.uniform(300, 1500) / max(noise, 1e-3)  # photo-electrons at white: fewer means noisier
    electrons = rng.poisson(np.clip(mosaic, 0, 4) * full_well).astype(np.float32)
    mosaic = electrons / full_well + rng.normal(0, 0.004 * noise, mosaic.shape).astype(np.float32)
    raw = np.clip(mosaic, 0, 1) ** (1 / 2.2) * 255  # tone curve: roughly sRGB
    raw8 = np.clip(raw + 0.5, 0, 255).astype(np.uint8)
    # OpenCV names Bayer patterns by the second row's first two sites: BGGR here is its "RG" code
    out = cv2.cvtColor(raw8, cv2.COLOR_BayerRG2BGR)
    amount = float(rng.uniform(0.2, 0.9)) if sharpen is None else sharpen
    if amount > 0:  # the phone's or webcam's own sharpening, with its halos
        soft = cv2.GaussianBlur(out, (0, 0), 1.2)
        out = cv2.addWeighted(out, 1 + amount, soft, -amount, 0)
    return out


def encode_jpeg(frame: np.ndarray, quality: int) -> bytes:
    ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise RuntimeError("could not encode the frame as JPEG")
    return data.tobytes()


def skin(rng: np.random.Generator) -> np.ndarray:
    """A skin colour, linear BGR."""
    tone = rng.uniform(0, 1)
    light = np.array([0.42, 0.55, 0.78]) * (1 - tone) + np.array([0.10, 0.16, 0.28]) * tone
    return (light * rng.uniform(0.9, 1.1, 3)).astype(np.float32)


def draw_finger(layer: np.ndarray, rng: np.random.Generator, tip: np.ndarray, direction: np.ndarray,
                width: float, length: float, shade: np.ndarray | None = None) -> None:
    """A finger (linear BGR float layer, in place): a rounded bar from ``tip`` back along ``direction``,
    shaded across its width, with a nail; ``shade`` (h, w, 1) gets its soft shadow when given."""
    H, W = layer.shape[:2]
    d = np.asarray(direction, np.float64)
    d = d / (np.linalg.norm(d) + 1e-9)
    tip = np.asarray(tip, np.float64)
    base = tip + d * length
    pad = width * 1.5
    lo = np.floor(np.maximum(np.minimum(tip, base) - pad, 0)).astype(int)
    hi = np.ceil(np.minimum(np.maximum(tip, base) + pad, [W, H])).astype(int)
    if np.any(hi <= lo):
        return
    region = layer[lo[1]:hi[1], lo[0]:hi[0]]
    h, w = region.shape[:2]
    t, b = tip - lo, base - lo
    colour = skin(rng)
    mask = np.zeros((h, w), np.uint8)
    cv2.line(mask, tuple(np.round(t).astype(int)), tuple(np.round(b).astype(int)), 255, max(2, int(width)), cv2.LINE_AA)
    cv2.circle(mask, tuple(np.round(t).astype(int)), max(1, int(width / 2)), 255, -1, cv2.LINE_AA)
    if shade is not None:
        off = np.array([rng.uniform(0.1, 0.4), rng.uniform(0.1, 0.4)]) * width
        m = np.float32([[1, 0, off[0]], [0, 1, off[1]]])
        drop = cv2.GaussianBlur(cv2.warpAffine(mask, m, (w, h)).astype(np.float32) / 255, (0, 0), max(1.0, width * 0.2))
        shade[lo[1]:hi[1], lo[0]:hi[0]] *= (1 - 0.55 * drop)[..., None]
    alpha = mask.astype(np.float32)[..., None] / 255
    # rounder toward the edges: darker across the width
    dist = cv2.distanceTransform((mask > 127).astype(np.uint8), cv2.DIST_L2, 3)
    roundness = np.clip(dist / max(width / 2, 1), 0, 1)[..., None] ** 0.5
    body = colour * (0.55 + 0.5 * roundness)
    region[:] = region * (1 - alpha) + body * alpha
    nail_c = tuple(np.round(t + d * width * 0.45).astype(int))
    angle = float(np.degrees(np.arctan2(d[1], d[0])))
    nail = np.zeros((h, w), np.uint8)
    cv2.ellipse(nail, nail_c, (max(1, int(width * 0.35)), max(1, int(width * 0.28))), angle, 0, 360, 255, -1, cv2.LINE_AA)
    na = nail.astype(np.float32)[..., None] / 255 * 0.6
    region[:] = region * (1 - na) + np.minimum(colour * 1.35 + 0.08, 1.0) * na
