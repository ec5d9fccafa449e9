"""The second page generator (``pages2``): documents on desks, for measuring the page finder only.

Built apart from :mod:`devices.doccam.scenes` (the generator the finder and its ranker were developed
and trained on) and forming its images another way (see :mod:`entry.bench.scenes2.optics`): sheets
are 3-D surfaces seen through a pinhole with lens distortion, lit in linear units, sampled by a Bayer
sensor with shot noise and written as JPEG. It must never be trained or tuned on: ``kiosk bench
docscan-train`` refuses its corpora, and ``kiosk bench docscan`` prints its version.

Kinds (one a frame, in turn, so every kind and desk appears; the manifest tags each frame):
``flat``, ``curled`` (an edge or a corner lifted), ``folded`` (reopened after folding in two or
three), ``fingers`` (a hand holding the page flat, fingers over its edges), ``spread`` (an open
booklet, truth the whole spread), ``id_card`` (ID-1, rounded corners), ``receipt`` (a thermal
strip, up to 1:3.75), ``off_frame`` (part of the page outside the frame), ``overlapping`` (the
top one of several sheets). Desks: the first generator's five (wood, cluttered, white, light grey,
dark mat) drawn anew, and granite, a checked cloth, newsprint and glass.

Ground truth: ``corners`` are the document's own top-left, top-right, bottom-right, bottom-left in
frame pixels, after the lens (points of a curled sheet's corners, which the camera may see lifted;
for a rounded card the corners of its rectangle). They may lie outside the frame. ``fully_visible``
is false when a corner is outside the frame or under a finger; then the right answer is "not found"
(a quadrilateral of what is visible is not the page), and the bench counts "nothing" as correct.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from entry.bench.scenes2 import documents, optics

NAME = "pages2"
REVISION = 1
KINDS = ("flat", "curled", "folded", "fingers", "spread", "id_card", "receipt", "off_frame", "overlapping")
DESKS = documents.DESKS
SIZES = ((1920, 1080), (2592, 1944), (1600, 1200))
MANIFEST_FORMAT = "onetrip-page-corpus"


def version() -> str:
    """``pages2/<revision>+<hash of this generator's source>``: printed by the bench, kept in manifests."""
    here = Path(__file__).resolve().parent
    return f"{NAME}/{REVISION}+{optics.source_hash(here / 'pages.py', here / 'documents.py', here / 'optics.py')}"


@dataclass
class PageScene:
    frame: np.ndarray             # BGR uint8
    corners: np.ndarray           # (4, 2) float64, the document's TL, TR, BR, BL in frame pixels
    page_mm: tuple[float, float]  # its width (TL->TR) and height
    kind: str
    desk: str
    fully_visible: bool
    conditions: list[str] = field(default_factory=list)


def _surface(kind: str, mm: tuple[float, float], rng: np.random.Generator, conditions: list[str]) -> np.ndarray:
    """The document's points (gh, gw, 3) in mm, centred, z towards the camera."""
    W, H = mm
    gw, gh = 22, int(np.clip(round(22 * H / W), 8, 60))
    u, v = np.meshgrid(np.linspace(0, 1, gw), np.linspace(0, 1, gh))
    z = np.zeros_like(u)
    if kind == "curled" or (kind in ("receipt", "flat", "overlapping", "fingers") and rng.random() < 0.3):
        which = int(rng.integers(0, 6))
        lift = rng.uniform(0.04, 0.14) * max(W, H)
        t = (u, 1 - u, v, 1 - v, (u + v) / 2, (1 - u + v) / 2)[which]
        start = rng.uniform(0.45, 0.8)
        z = z + lift * np.clip((t - start) / (1 - start), 0, 1) ** 2
        conditions.append("curl")
    if kind == "folded":
        parts = int(rng.integers(2, 4))
        along_u = rng.random() < 0.5
        t = u if along_u else v
        height = rng.uniform(0.01, 0.05) * max(W, H) * rng.choice([-1, 1])
        phase = np.abs(np.sin(np.pi * t * parts / 1.0))  # 0 at the creases
        z = z + height * (1 - phase) * (1 if parts == 2 else rng.choice([-1, 1]))
        z = z + rng.uniform(0.003, 0.012) * max(W, H) * np.sin(np.pi * t * parts) ** 2
        conditions.append("fold")
    if kind == "spread":
        d = np.abs(u - 0.5) * 2
        z = z + rng.uniform(0.03, 0.08) * W * np.sin(np.pi * np.clip(d, 0, 1)) ** 0.7 - rng.uniform(0.0, 0.02) * W
        conditions.append("gutter")
    return np.dstack([(u - 0.5) * W, (v - 0.5) * H, z])


def _shading(points: np.ndarray, light: np.ndarray) -> np.ndarray:
    """Lambertian shading (gh, gw) of the surface, 1.0 where it faces the light as a flat sheet does."""
    du = np.gradient(points, axis=1)
    dv = np.gradient(points, axis=0)
    n = np.cross(du, dv)
    n /= np.linalg.norm(n, axis=-1, keepdims=True) + 1e-9
    n *= np.sign(n[..., 2:3] + 1e-9)
    flat = max(light[2], 1e-3)
    return np.clip(0.35 + 0.65 * (n @ light) / flat, 0.3, 1.25)


def _place(cam: optics.Camera, rng: np.random.Generator, pts: np.ndarray, rot: np.ndarray, long_mm: float,
           fill: float, off_frame: bool) -> tuple[np.ndarray, float, np.ndarray]:
    """(ideal pixel grid, distance, where the origin lands) so the document spans ``fill`` of the short side."""
    size = np.array([cam.width, cam.height], np.float64)
    margin = 0.03 * size
    for _ in range(20):
        distance = cam.focal * long_mm / (fill * min(cam.width, cam.height))
        grid = optics.project(pts, rot, distance, cam.focal, np.zeros(2))
        lo, hi = grid.reshape(-1, 2).min(0), grid.reshape(-1, 2).max(0)
        if off_frame or np.all(hi - lo <= size - 2 * margin):
            break
        fill *= 0.92  # turned or tilted, it does not fit: a little farther away
    if off_frame:
        # push a side out: 12-40 % of the span beyond one edge (or two, at a corner)
        at = size / 2 - (lo + hi) / 2
        span = hi - lo
        for axis in ([0], [1], [0, 1])[int(rng.integers(0, 3))]:
            sign = rng.choice([-1, 1])
            out = rng.uniform(0.12, 0.4) * span[axis]
            at[axis] = (size[axis] - hi[axis] + out) if sign > 0 else (-lo[axis] - out)
    else:
        room = size - 2 * margin - (hi - lo)
        at = margin - lo + rng.uniform(0, 1, 2) * np.maximum(room, 0) + np.minimum(room, 0) / 2
    return grid + at, distance, at


def render(seed: int, index: int, size: tuple[int, int] | None = None, kind: str | None = None,
           desk_name: str | None = None, calm: bool = False) -> PageScene:
    """Frame ``index`` of corpus ``seed``: the same arguments always give the same frame.

    ``calm``: no cast shadow, glare or defocus (the tests' check that the truth lies where the page is)."""
    rng = np.random.default_rng([seed, index, 0x9A6E5])
    kind = kind or KINDS[index % len(KINDS)]
    desk_name = desk_name or DESKS[(index // len(KINDS)) % len(DESKS)]
    size = size or SIZES[(index // (len(KINDS) * len(DESKS))) % len(SIZES)]
    w, h = size
    conditions: list[str] = []
    cam = optics.random_camera(rng, size)
    if abs(cam.k1) > 0.06:
        conditions.append("lens")
    canvas = documents.desk(rng, desk_name, size)
    tilt = float(rng.uniform(0, 32)) if rng.random() < 0.6 else float(rng.uniform(0, 6))
    if tilt > 10:
        conditions.append("tilt")
    roll = float(rng.uniform(0, 360)) if rng.random() < 0.5 else float(rng.integers(0, 4) * 90 + rng.normal(0, 5))
    rot = optics.rotation(tilt, float(rng.uniform(0, 360)), roll)
    # what the document is
    if kind == "id_card":
        mm = (85.6, 54.0)
        texture = documents.id_card(rng)
        fill = rng.uniform(0.3, 0.6)
    elif kind == "receipt":
        mm = (80.0, float(rng.uniform(150, 300)))
        texture = documents.receipt(rng, mm)
        fill = rng.uniform(0.6, 0.95)
    elif kind == "spread":
        mm = (296.0, 210.0) if rng.random() < 0.5 else (420.0, 297.0)
        texture = documents.spread(rng, mm)
        fill = rng.uniform(0.55, 0.9)
    else:
        mm = (210.0, 297.0) if rng.random() < 0.85 else (216.0, 279.0)
        texture = documents.sheet(rng, mm)
        fill = rng.uniform(0.5, 0.95) if kind != "off_frame" else rng.uniform(0.7, 1.1)
    pts = _surface(kind, mm, rng, conditions)
    light = np.array([rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5), 1.0])
    light /= np.linalg.norm(light)
    grid, distance, at = _place(cam, rng, pts, rot, max(mm), fill, kind == "off_frame")
    corners_ideal = np.array([grid[0, 0], grid[0, -1], grid[-1, -1], grid[-1, 0]])
    if desk_name == "cluttered":
        documents.clutter(rng, canvas, corners_ideal)
    if kind == "overlapping":  # other sheets first, under the document
        for _ in range(int(rng.integers(1, 4))):
            other = documents.sheet(rng, (210.0, 297.0), 3.0)
            orot = optics.rotation(tilt, float(rng.uniform(0, 360)), roll + float(rng.uniform(-40, 40)))
            opts = _surface("flat", (210.0, 297.0), rng, [])
            ogrid = optics.project(opts, orot, distance + rng.uniform(1, 3), cam.focal, np.zeros(2))
            shift = at + rng.normal(0, 1, 2) * 0.25 * np.ptp(grid.reshape(-1, 2), axis=0)
            _draw(canvas, other, opts, ogrid + shift, light, rng)
    _draw(canvas, texture, pts, grid, light, rng)
    corners = optics.distort_points(corners_ideal, cam)
    inside = np.all((corners >= 1) & (corners <= np.array([w - 2, h - 2])), axis=1)
    fully_visible = bool(inside.all())
    if kind == "fingers":
        covered = _fingers(canvas, rng, corners_ideal)
        conditions.append("fingers")
        if covered:
            fully_visible = False
    gain = optics.light_field(rng, h, w, strength=rng.uniform(0.3, 1.2))
    canvas *= gain
    conditions.append("gradient")
    if not calm and rng.random() < 0.45:
        canvas *= optics.soft_shadow(rng, h, w)
        conditions.append("shadow")
    if not calm and rng.random() < 0.25:  # a specular highlight from a lamp, on or near the document
        c = corners_ideal.mean(0) + rng.normal(0, 0.25, 2) * np.ptp(corners_ideal, axis=0)
        r = rng.uniform(0.04, 0.12) * min(w, h)
        yy, xx = np.mgrid[0:h // 4, 0:w // 4].astype(np.float32) * 4
        spot = np.exp(-(((xx - c[0]) ** 2 + ((yy - c[1]) * rng.uniform(0.6, 1.6)) ** 2) / (2 * r * r)))
        canvas += cv2.resize(spot, (w, h))[..., None] * rng.uniform(0.4, 1.5)
        conditions.append("glare")
    canvas = optics.distort_image(canvas, cam)
    if not calm and rng.random() < 0.2:
        canvas = optics.pillbox_blur(canvas, float(rng.uniform(1.0, 3.5)) * h / 1080)
        conditions.append("defocus")
    exposure = rng.uniform(0.85, 1.2)
    noise = rng.uniform(0.5, 3.0)
    if noise > 1.8:
        conditions.append("noise")
    frame = optics.sensor(rng, canvas, exposure=exposure, noise=noise)
    return PageScene(frame, corners, mm, kind, desk_name, fully_visible, conditions)


def _draw(canvas: np.ndarray, texture: np.ndarray, pts: np.ndarray, grid: np.ndarray, light: np.ndarray,
          rng: np.random.Generator) -> None:
    """A bent document onto the canvas, shaded by its surface, with its soft shadow on what lies below."""
    H, W = canvas.shape[:2]
    gh, gw = grid.shape[:2]
    th, tw = texture.shape[:2]
    # work in the document's box (and its shadow's), not the whole frame
    pad = 0.04 * min(W, H)
    lo = np.floor(np.maximum(grid.reshape(-1, 2).min(0) - pad, 0)).astype(int)
    hi = np.ceil(np.minimum(grid.reshape(-1, 2).max(0) + pad, [W, H])).astype(int)
    if np.any(hi <= lo):
        return
    region = canvas[lo[1]:hi[1], lo[0]:hi[0]]
    h, w = region.shape[:2]
    shade = cv2.resize(_shading(pts, light).astype(np.float32), (tw, th), interpolation=cv2.INTER_LINEAR)
    lit = texture.copy()
    lit[..., :3] *= shade[..., None]
    sy, sx = np.meshgrid(np.linspace(0, th - 1, gh), np.linspace(0, tw - 1, gw), indexing="ij")
    src = np.dstack([sx, sy])
    layer = np.zeros((h, w, 4), np.float32)
    cover = np.zeros((h, w), np.float32)
    optics.warp_mesh(layer, cover, lit, src, grid - lo)
    alpha = layer[..., 3] * cover
    # the shadow the document casts: larger where it stands off the desk
    lift = float(np.clip(np.abs(pts[..., 2]).max() / 40.0, 0.1, 1.5))
    off = rng.normal(0, 1, 2) * min(W, H) * 0.004 * (1 + 3 * lift)
    m = np.float32([[1, 0, off[0]], [0, 1, off[1]]])
    drop = cv2.GaussianBlur(cv2.warpAffine(alpha, m, (w, h)), (0, 0), min(W, H) * 0.003 * (1 + 2 * lift) + 0.5)
    region *= (1 - rng.uniform(0.15, 0.4) * drop)[..., None]
    region[:] = region * (1 - alpha[..., None]) + layer[..., :3] * alpha[..., None]

def _fingers(canvas: np.ndarray, rng: np.random.Generator, corners: np.ndarray) -> bool:
    """One or two hands' fingers over the document's edges; whether one covers a corner."""
    h, w = canvas.shape[:2]
    shade = np.ones((h, w, 1), np.float32)
    layer = canvas.copy()
    centre = corners.mean(0)
    side_len = np.linalg.norm(np.roll(corners, -1, axis=0) - corners, axis=1)
    width = float(np.clip(0.075 * side_len.min(), 12, 0.09 * min(w, h)))
    covered = False
    for _ in range(int(rng.integers(1, 3))):
        side = int(rng.integers(0, 4))
        a, b = corners[side], corners[(side + 1) % 4]
        t = rng.uniform(0.08, 0.92)
        edge = a + (b - a) * t
        inward = centre - edge
        inward /= np.linalg.norm(inward) + 1e-9
        for k in range(int(rng.integers(1, 4))):  # neighbouring fingers of one hand
            along = (b - a) / (np.linalg.norm(b - a) + 1e-9)
            base = edge + along * (k - 1) * width * 1.15
            tip = base + inward * width * rng.uniform(0.6, 2.2)
            direction = -inward + rng.normal(0, 0.12, 2)
            optics.draw_finger(layer, rng, tip, direction, width, float(rng.uniform(4, 9)) * width, shade)
            d = direction / (np.linalg.norm(direction) + 1e-9)
            for c in corners:  # a corner under this finger's bar?
                rel = c - tip
                s = float(np.clip(rel @ d, 0, 9 * width))
                if np.linalg.norm(rel - s * d) < width * 0.6:
                    covered = True
    mask = np.any(layer != canvas, axis=-1, keepdims=True)
    canvas *= shade
    canvas[:] = np.where(mask, layer, canvas)
    return covered


def make_corpus(folder: Path, frames: int, seed: int, progress=None, size: tuple[int, int] | None = None) -> dict:
    """Write ``frames`` JPEG frames and ``manifest.json`` (the layout ``kiosk bench docscan`` reads);
    ``size`` fixes the frame size (default: the sizes in turn)."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for i in range(frames):
        scene = render(seed, i, size=size)
        quality = int(np.random.default_rng([seed, i, 0x1BE6]).integers(40, 96))
        name = f"p2-{i:04d}-{scene.kind}.jpg"
        (folder / name).write_bytes(optics.encode_jpeg(scene.frame, quality))
        h, w = scene.frame.shape[:2]
        entries.append({"file": name, "corners": np.round(scene.corners, 2).tolist(), "size": [w, h],
                        "background": scene.desk, "content": scene.kind, "kind": scene.kind,
                        "page_mm": list(scene.page_mm), "fully_visible": scene.fully_visible,
                        "conditions": scene.conditions + ["jpeg"], "jpeg_quality": quality})
        if progress:
            progress(i + 1, frames)
    manifest = {"format": MANIFEST_FORMAT, "generator": version(), "seed": seed, "frames": entries,
                "corners": "the document's own top-left, top-right, bottom-right, bottom-left, in frame pixels"
                           " (may lie outside the frame; fully_visible false then)"}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest
