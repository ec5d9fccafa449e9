"""ID-card copy mode: the card's front and back on one A4 page at true size (85.6 x 54.0 mm).

Halls ask for an "ID card copy" as one A4 sheet with both sides, life size, front above back.
"""

from __future__ import annotations

import cv2
import numpy as np

from devices.doccam.detect import find_page
from devices.doccam.geometry import A4_MM, order_corners, warp_page
from devices.doccam.output import mm_to_px

CARD_MM = (85.6, 54.0)   # ISO/IEC 7810 ID-1, the resident identity card
CARD_ASPECT = CARD_MM[0] / CARD_MM[1]
CARD_HINTS = {"min_area": 0.01, "max_aspect": 2.2, "aspect": CARD_ASPECT,   # what find_page is told
              "colour_edges": True}


def find_card(frame: np.ndarray) -> np.ndarray | None:
    """The card's corners in ``frame`` (a card is small on the desk: from 1 % of the frame)."""
    return find_page(frame, **CARD_HINTS)


def flatten_card(frame: np.ndarray, quad: np.ndarray, dpi: float) -> np.ndarray:
    """The card cut out and flattened to exactly 85.6 x 54.0 mm at ``dpi``, landscape."""
    q = order_corners(quad)
    top = np.linalg.norm(q[1] - q[0])
    left = np.linalg.norm(q[3] - q[0])
    if left > top:  # the card lies on its side: start from the next corner so it comes out landscape
        q = np.roll(q, -1, axis=0)
    return warp_page(frame, q, (mm_to_px(CARD_MM[0], dpi), mm_to_px(CARD_MM[1], dpi)))


def card_sheet(front: np.ndarray, back: np.ndarray, dpi: float = 300.0) -> np.ndarray:
    """An A4 page (BGR, white) at ``dpi`` with ``front`` above ``back``, each at true card size,
    centred, 25 mm apart, with the top card 50 mm from the top edge."""
    page_w, page_h = mm_to_px(A4_MM[0], dpi), mm_to_px(A4_MM[1], dpi)
    card_w, card_h = mm_to_px(CARD_MM[0], dpi), mm_to_px(CARD_MM[1], dpi)
    sheet = np.full((page_h, page_w, 3), 255, np.uint8)
    x = (page_w - card_w) // 2
    for i, card in enumerate((front, back)):
        if card.shape[:2] != (card_h, card_w):
            card = cv2.resize(card, (card_w, card_h), interpolation=cv2.INTER_AREA)
        if card.ndim == 2:
            card = cv2.cvtColor(card, cv2.COLOR_GRAY2BGR)
        y = mm_to_px(50.0, dpi) + i * (card_h + mm_to_px(25.0, dpi))
        sheet[y:y + card_h, x:x + card_w] = card
    return sheet


def card_box_px(index: int, dpi: float) -> tuple[int, int, int, int]:
    """Where card ``index`` (0 front, 1 back) lies on the sheet: x, y, width, height in pixels."""
    page_w = mm_to_px(A4_MM[0], dpi)
    card_w, card_h = mm_to_px(CARD_MM[0], dpi), mm_to_px(CARD_MM[1], dpi)
    return (page_w - card_w) // 2, mm_to_px(50.0, dpi) + index * (card_h + mm_to_px(25.0, dpi)), card_w, card_h
