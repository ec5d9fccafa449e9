"""A wrapped label keeps a line's leading spaces (ui/widgets.py Label): it is set as rich text for its line spacing,
and rich text collapsed them, so a missing material's place stood flush under its name instead of set in."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from ui.widgets import label


def _ink_left_edges(image: QImage) -> list[int]:
    """For each band of rows with dark pixels (a line of text), the leftmost dark pixel's x."""
    edges, current = [], None
    for y in range(image.height()):
        xs = [x for x in range(image.width()) if QColor(image.pixel(x, y)).lightness() < 128]
        if xs:
            current = min(xs) if current is None else min(current, min(xs))
        elif current is not None:
            edges.append(current)
            current = None
    return edges + ([current] if current is not None else [])


def test_a_line_set_in_with_spaces_stays_set_in(qtbot):
    shown = label("", align=Qt.AlignmentFlag.AlignLeft)
    qtbot.addWidget(shown)
    shown.setWordWrap(True)
    shown.setStyleSheet("background: white; color: black; font-size: 20px;")
    shown.setText("Home purchase contract\n        Where to get it: kept by you")
    assert shown.text() == "Home purchase contract\n        Where to get it: kept by you"  # as set
    shown.resize(600, 120)
    image = shown.grab().toImage()
    first, second = _ink_left_edges(image)[:2]
    assert second >= first + 20, (first, second)  # eight spaces of a 20 px font: well over 20 px in
