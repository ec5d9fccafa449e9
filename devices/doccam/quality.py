"""Is this capture good enough? Sharpness (variance of the Laplacian), glare, and what to tell the user.

The advice is a translatable :class:`~common.i18n.Text`, shown by the UI as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from devices.doccam.geometry import warp_page
from common.i18n import N_, Text, text

MSG_NOT_FOUND = N_("Page not found. Lay the page flat under the camera.")
MSG_BLURRED = N_("Hold still: the picture is blurred.")
MSG_GLARE = N_("Too much glare. Turn the page a little or move it out of the bright light.")
MSG_MOVING = N_("Hold still...")
MSG_READY = N_("Page found. Keep it still.")

SHARPNESS_MIN = 4000.0    # variance of the Laplacian on the page at 500 px high (see sharpness())
GLARE_MAX = 0.01          # share of the page washed out to white in blobs
ASSESS_HEIGHT = 1000


@dataclass
class Quality:
    found: bool
    sharpness: float = 0.0
    glare: float = 0.0
    advice: list[Text] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.found and not self.advice


def sharpness(grey: np.ndarray) -> float:
    """Variance of the Laplacian: high for crisp print, low for a blurred or moving page.

    Measured on the page at 500 pixels high after a 3x3 median, so sensor noise does not pass for
    detail and the number compares across cameras and distances.
    """
    h, w = grey.shape[:2]
    k = 500.0 / h
    small = cv2.resize(grey, (max(1, round(w * k)), 500), interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(cv2.medianBlur(small, 3), cv2.CV_64F, ksize=3).var())


def glare_share(page_bgr: np.ndarray) -> float:
    """The share of the page burnt out to white in blobs (a lamp's reflection), not white paper.

    Paper is bright but not saturated in every channel; glare is, and in a patch, not in specks.
    """
    hsv = cv2.cvtColor(page_bgr, cv2.COLOR_BGR2HSV)
    paper = float(np.median(hsv[..., 2]))
    level = min(254.0, max(250.0, paper + 6.0))
    burnt = ((hsv[..., 2] >= level) & (hsv[..., 1] <= 25)).astype(np.uint8)
    size = max(3, page_bgr.shape[0] // 150)
    burnt = cv2.morphologyEx(burnt, cv2.MORPH_OPEN, np.ones((size, size), np.uint8))
    return float(burnt.mean())


def page_view(frame: np.ndarray, quad: np.ndarray, height: int = ASSESS_HEIGHT) -> np.ndarray:
    """The page flattened to a fixed height, so sharpness compares across cameras and distances."""
    width = max(1, round(height / 1.414))
    return warp_page(frame, quad, (width, height))


def assess(frame: np.ndarray, quad: np.ndarray | None, *, sharpness_min: float = SHARPNESS_MIN,
           glare_max: float = GLARE_MAX) -> Quality:
    """How good a capture of the page in ``quad`` would be, and what the user should fix."""
    if quad is None:
        return Quality(False, advice=[text(MSG_NOT_FOUND)])
    view = page_view(frame, quad)
    grey = cv2.cvtColor(view, cv2.COLOR_BGR2GRAY)
    sharp = sharpness(grey)
    glare = glare_share(view)
    advice = []
    if sharp < sharpness_min:
        advice.append(text(MSG_BLURRED))
    if glare > glare_max:
        advice.append(text(MSG_GLARE))
    return Quality(True, sharp, glare, advice)
