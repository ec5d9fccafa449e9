"""Quadrilateral geometry for the document camera: corner order, areas, SmartDoc IoU, page size.

Pure functions over numpy arrays; no I/O, no state.
"""

from __future__ import annotations

import cv2
import numpy as np

A4_MM = (210.0, 297.0)
MM_PER_INCH = 25.4


def order_corners(quad: np.ndarray) -> np.ndarray:
    """The four corners as top-left, top-right, bottom-right, bottom-left in the frame (float32, (4, 2)).

    Clockwise on screen (y grows downwards), starting from the corner nearest the frame's top-left
    direction as seen from the quad's centre, so a page turned by any angle still gets one order.
    """
    pts = np.asarray(quad, dtype=np.float64).reshape(4, 2)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise on screen: angle grows with y pointing down
    # Start at the corner whose direction from the centre is closest to "up-left" (-135 degrees).
    d = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    start = int(np.argmin(np.abs(np.angle(np.exp(1j * (d + 3 * np.pi / 4))))))
    return np.roll(pts, -start, axis=0).astype(np.float32)


def polygon_area(poly: np.ndarray) -> float:
    """Signed-free area of a simple polygon (shoelace)."""
    p = np.asarray(poly, dtype=np.float64).reshape(-1, 2)
    x, y = p[:, 0], p[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2.0)


def is_convex(quad: np.ndarray) -> bool:
    p = np.asarray(quad, dtype=np.float64).reshape(4, 2)
    cross = []
    for i in range(4):
        a, b, c = p[i], p[(i + 1) % 4], p[(i + 2) % 4]
        cross.append((b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]))
    cross = np.array(cross)
    return bool(np.all(cross > 0) or np.all(cross < 0))


def _rect(width: float, height: float) -> np.ndarray:
    return np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float64)


def _clip_area(subject: np.ndarray, width: float, height: float) -> float:
    """Area of ``subject`` (any simple polygon, either winding) inside the rectangle [0,w]x[0,h]."""
    poly = [tuple(p) for p in subject]
    for axis, bound, keep_less in ((0, 0.0, False), (0, width, True), (1, 0.0, False), (1, height, True)):
        if not poly:
            return 0.0
        out = []
        for i, cur in enumerate(poly):
            prev = poly[i - 1]
            cur_in = cur[axis] <= bound if keep_less else cur[axis] >= bound
            prev_in = prev[axis] <= bound if keep_less else prev[axis] >= bound
            if cur_in != prev_in:
                t = (bound - prev[axis]) / (cur[axis] - prev[axis])
                out.append((prev[0] + t * (cur[0] - prev[0]), prev[1] + t * (cur[1] - prev[1])))
            if cur_in:
                out.append(cur)
        poly = out
    return polygon_area(np.array(poly)) if len(poly) >= 3 else 0.0


def smartdoc_iou(found: np.ndarray | None, truth: np.ndarray, page_size: tuple[float, float] = A4_MM) -> float:
    """Jaccard index as in the ICDAR 2015 SmartDoc challenge (0.0 for no answer).

    ``truth`` holds the page's own top-left, top-right, bottom-right, bottom-left corners in the
    frame. Both quadrilaterals are mapped into the page's plane (a ``page_size`` rectangle) by the
    homography of the true corners, where the overlap is measured; so a page seen at a slant
    counts every part of the paper alike. The order of ``found``'s corners does not matter.
    """
    if found is None:
        return 0.0
    w, h = page_size
    truth = np.asarray(truth, dtype=np.float64).reshape(4, 2)
    H = cv2.getPerspectiveTransform(truth.astype(np.float32), _rect(w, h).astype(np.float32))
    q = np.asarray(found, dtype=np.float64).reshape(4, 2)
    homog = np.hstack([q, np.ones((4, 1))]) @ H.T
    if np.any(homog[:, 2] <= 1e-9):  # part of the answer lies beyond the page plane's horizon
        return 0.0
    mapped = homog[:, :2] / homog[:, 2:3]
    found_area = polygon_area(mapped)
    inter = _clip_area(mapped, w, h)
    union = w * h + found_area - inter
    return float(inter / union) if union > 0 else 0.0


def page_size_px(quad: np.ndarray, aspect: float | None = None) -> tuple[int, int]:
    """Width and height (pixels) of the flattened page: its sides' lengths as seen, at the given
    height/width ``aspect`` when the page's true shape is known (A4: 1.414)."""
    q = np.asarray(quad, dtype=np.float64).reshape(4, 2)
    top, bottom = np.linalg.norm(q[1] - q[0]), np.linalg.norm(q[2] - q[3])
    left, right = np.linalg.norm(q[3] - q[0]), np.linalg.norm(q[2] - q[1])
    width, height = max(top, bottom), max(left, right)
    if aspect:
        if height / max(width, 1e-6) >= 1.0:
            height = max(height, width * aspect)
            width = height / aspect
        else:
            width = max(width, height * aspect)
            height = width / aspect
    return max(1, int(round(width))), max(1, int(round(height)))


def warp_page(frame: np.ndarray, quad: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The page inside ``quad`` (TL, TR, BR, BL) flattened to ``size`` = (width, height)."""
    w, h = size
    dst = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    H = cv2.getPerspectiveTransform(np.asarray(quad, dtype=np.float32).reshape(4, 2), dst)
    return cv2.warpPerspective(frame, H, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
