"""A list that opens says so: the window's lists (service, refusal reason) draw a chevron in the accent colour a
clerk sees at a glance, grey when the list is disabled (the style's own arrow was 5 px, over the border's corner)."""

import numpy as np
from PySide6.QtWidgets import QComboBox

from ui import theme

ACCENT, GREY = (0x15, 0x65, 0xC0), (0x6B, 0x77, 0x8A)


def _arrow_box(combo: QComboBox, colour: tuple[int, int, int]) -> tuple[int, int]:
    """The width and height of the pixels of ``colour`` in the list's right-hand part, inside its border."""
    image = combo.grab().toImage()
    pixels = np.array([[image.pixelColor(x, y).getRgb()[:3] for x in range(image.width())]
                       for y in range(image.height())], dtype=int)
    right = pixels[4:-4, image.width() - 60:-4]  # inside the border, which is the same grey
    ys, xs = np.nonzero(np.abs(right - np.array(colour)).sum(axis=2) < 60)
    return (int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)) if len(xs) else (0, 0)


def test_a_list_shows_a_chevron_grey_when_disabled(qtbot):
    combo = QComboBox()
    qtbot.addWidget(combo)
    combo.setStyleSheet(theme.stylesheet())
    combo.addItem("不属于本机关职权范围")
    combo.resize(400, 56)
    combo.show()
    qtbot.waitExposed(combo)
    width, height = _arrow_box(combo, ACCENT)
    assert width >= 12 and height >= 6, (width, height)
    combo.setEnabled(False)
    assert _arrow_box(combo, ACCENT) == (0, 0) and _arrow_box(combo, GREY)[0] >= 12
