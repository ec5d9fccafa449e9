"""What ``codes2`` drew in a frame: each module's place in the frame, the thumb, the smear, the blur.

:func:`entry.bench.scenes2.codes.render` returns the frame and the payload only. To say what a frame
holds (``kiosk bench qr-ceiling``), :func:`redraw` runs the same ``render`` with the same seed and
listens to the generator's own steps while it draws: the module matrix and its error level
(``codes.modules``), the carrier and where the code lies on it (``codes._phone`` / ``_receipt`` /
``_paper``), the camera (``optics.random_camera``), the carrier's corners at each of the exposure's
sub-steps (``codes._warp_flat``: 8 for a moving hand, 1 otherwise), each finger's coverage
(``optics.draw_finger``, run once more on blank layers with a copy of its random generator) and the
defocus disc (``optics.pillbox_blur``). Every listener calls the generator's function unchanged and
with the same arguments, so the random draws, and the frame, are the generator's; the tests check
the frame is byte for byte ``render``'s. The generator's files are not edited: its version tag
(a hash of them) is the one the corpora carry.

Coordinates: the scene is drawn at ``codes.SUPER`` times the frame's size and averaged down, then
put through the lens's distortion; :func:`redraw` gives module centres in frame pixels after both.
"""

from __future__ import annotations

import copy
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator

import cv2
import numpy as np

from entry.bench.scenes2 import codes, optics


@dataclass
class DrawnCode:
    frame: np.ndarray          # the frame as render returns it (BGR uint8, before JPEG)
    kind: str
    matrix: np.ndarray         # (n, n) 1 dark, as drawn (an inverted dark-mode code draws its 1s light)
    level: str                 # L, M, Q or H
    centres: np.ndarray        # (steps, n, n, 2) each module's centre in frame pixels at each sub-step
    cover: np.ndarray          # (n, n, 9) fingers' coverage (0-1) at 3 x 3 points in each module
    inside: np.ndarray         # (n, n, 9) whether each of those points lies in the frame
    defocus_px: float = 0.0    # the disc's radius in frame pixels (0: none)
    scene: codes.CodeScene | None = None  # what render returned

    @property
    def mean_centres(self) -> np.ndarray:
        """(n, n, 2): each module's centre averaged over the exposure (a smeared module's middle)."""
        return self.centres.mean(axis=0)


# 3 x 3 points in a module, as fractions of its pitch from its centre
_POINTS = np.array([(dy, dx) for dy in (-1 / 3, 0, 1 / 3) for dx in (-1 / 3, 0, 1 / 3)])


@dataclass
class _Heard:
    matrix: np.ndarray | None = None
    level: str = ""
    carrier: codes.Carrier | None = None
    camera: optics.Camera | None = None
    warps: list[tuple[tuple[int, int], np.ndarray]] = field(default_factory=list)
    cover: np.ndarray | None = None   # canvas-sized finger coverage
    defocus: float = 0.0


@contextmanager
def _listening(heard: _Heard) -> Iterator[None]:
    saved = {(codes, "modules"): codes.modules, (codes, "_phone"): codes._phone, (codes, "_receipt"): codes._receipt,
             (codes, "_paper"): codes._paper, (codes, "_warp_flat"): codes._warp_flat,
             (optics, "random_camera"): optics.random_camera, (optics, "draw_finger"): optics.draw_finger,
             (optics, "pillbox_blur"): optics.pillbox_blur}

    def modules(text, error):
        heard.matrix, heard.level = saved[(codes, "modules")](text, error), error
        return heard.matrix

    def carrier_of(name):
        def made(*args, **kwargs):
            heard.carrier = saved[(codes, name)](*args, **kwargs)
            return heard.carrier
        return made

    def random_camera(*args, **kwargs):
        heard.camera = saved[(optics, "random_camera")](*args, **kwargs)
        return heard.camera

    def warp_flat(canvas, tex, corners, *args, **kwargs):
        heard.warps.append((tex.shape[:2], np.asarray(corners, np.float64).copy()))
        return saved[(codes, "_warp_flat")](canvas, tex, corners, *args, **kwargs)

    def draw_finger(layer, rng, *args, **kwargs):
        # coverage: the finger drawn on a blank layer and on a white one, with the same draws
        blank, white = np.zeros_like(layer), np.ones_like(layer)
        shape_args = args[:4]  # tip, direction, width, length: not the shade, which the real call darkens
        saved[(optics, "draw_finger")](blank, copy.deepcopy(rng), *shape_args)
        saved[(optics, "draw_finger")](white, copy.deepcopy(rng), *shape_args)
        seen = (white - blank)[..., 1]  # what of the layer below still shows: (1 - alpha)(1 - nail)
        covered = 1.0 - seen
        heard.cover = covered if heard.cover is None else np.maximum(heard.cover, covered)
        return saved[(optics, "draw_finger")](layer, rng, *args, **kwargs)

    def pillbox_blur(img, radius):
        heard.defocus = float(radius)
        return saved[(optics, "pillbox_blur")](img, radius)

    codes.modules, codes._warp_flat = modules, warp_flat
    codes._phone, codes._receipt, codes._paper = carrier_of("_phone"), carrier_of("_receipt"), carrier_of("_paper")
    optics.random_camera, optics.draw_finger, optics.pillbox_blur = random_camera, draw_finger, pillbox_blur
    try:
        yield
    finally:
        for (module, name), value in saved.items():
            setattr(module, name, value)


_render = codes.render  # the generator's, whatever drawing_corpus puts in its place


@contextmanager
def drawing_corpus(seen: Callable[[DrawnCode, int, int], None]) -> Iterator[None]:
    """While inside, ``codes.make_corpus`` draws each frame through :func:`redraw` and hands it to
    ``seen(drawn, index, step)``: the corpus written is the generator's own, file for file."""
    def render(seed, index, kind=None, size=None, step=0, easy=False):
        assert not easy
        drawn = redraw(seed, index, kind, step, size)
        seen(drawn, index, step)
        return drawn.scene

    codes.render = render
    try:
        yield
    finally:
        codes.render = _render


def _module_points(carrier: codes.Carrier, n: int, offsets: np.ndarray) -> np.ndarray:
    """(n, n, len(offsets), 2) texel points (pixel-centre convention) in each module at ``offsets``."""
    pitch = carrier.module_texels
    rows, cols = np.indices((n, n), dtype=np.float64)
    x = carrier.code_centre[0] - 0.5 + (cols[..., None] + 0.5 + offsets[None, None, :, 1] - n / 2) * pitch
    y = carrier.code_centre[1] - 0.5 + (rows[..., None] + 0.5 + offsets[None, None, :, 0] - n / 2) * pitch
    return np.stack([x, y], axis=-1)


def _to_canvas(points: np.ndarray, tex_shape: tuple[int, int], corners: np.ndarray) -> np.ndarray:
    th, tw = tex_shape
    src = np.float32([[0, 0], [tw, 0], [tw, th], [0, th]])
    m = cv2.getPerspectiveTransform(src, corners.astype(np.float32)).astype(np.float64)
    flat = points.reshape(-1, 2)
    h = np.c_[flat, np.ones(len(flat))] @ m.T
    return (h[:, :2] / h[:, 2:]).reshape(points.shape)


def _to_frame(canvas_points: np.ndarray, frame_camera: optics.Camera) -> np.ndarray:
    """Canvas pixels -> frame pixels: averaged down by SUPER (pixel centres), then the lens's distortion."""
    ideal = (canvas_points + 0.5) / codes.SUPER - 0.5
    return optics.distort_points(ideal, frame_camera)


def redraw(seed: int, index: int, kind: str | None = None, step: int = 0,
           size: tuple[int, int] | None = None) -> DrawnCode:
    """Frame ``index`` (``step`` of a motion presentation) of codes2 corpus ``seed``, with what it holds."""
    heard = _Heard()
    with _listening(heard):
        scene = _render(seed, index, kind, size=size, step=step)
    assert heard.matrix is not None and heard.carrier is not None and heard.camera is not None
    h, w = scene.frame.shape[:2]
    n = heard.matrix.shape[0]
    cam = heard.camera
    frame_camera = optics.Camera(w, h, cam.focal / codes.SUPER, cam.k1, cam.k2)
    # the code's carrier is the texture warped with a carrier-sized texture: the first warps, one a sub-step
    warps = [(shape, corners) for shape, corners in heard.warps if shape == heard.carrier.texture.shape[:2]]
    centre_texels = _module_points(heard.carrier, n, np.zeros((1, 2)))[:, :, 0]
    centres = np.stack([_to_frame(_to_canvas(centre_texels, shape, corners), frame_camera) for shape, corners in warps])
    # points inside each module, where the code is at rest (the middle of the exposure)
    middle = warps[len(warps) // 2]
    points_canvas = _to_canvas(_module_points(heard.carrier, n, _POINTS), *middle)
    points_frame = _to_frame(points_canvas, frame_camera)
    inside = ((points_frame[..., 0] >= 0) & (points_frame[..., 0] <= w - 1)
              & (points_frame[..., 1] >= 0) & (points_frame[..., 1] <= h - 1))
    cover = np.zeros(points_canvas.shape[:3])
    if heard.cover is not None:
        ch, cw = heard.cover.shape
        xs = np.clip(np.round(points_canvas[..., 0]).astype(int), 0, cw - 1)
        ys = np.clip(np.round(points_canvas[..., 1]).astype(int), 0, ch - 1)
        cover = heard.cover[ys, xs]
    return DrawnCode(scene.frame, scene.kind, heard.matrix, heard.level, centres, cover, inside, heard.defocus, scene)
