"""A ticked material in a list carries a tick, not the colour alone (ui/theme.py): on a selected row, which is blue
itself, a box filled with the accent colour was all that told a clerk the material was in hand."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from ui.theme import TICK, Theme, stylesheet


def _indicator_pixels(qtbot, checked: bool) -> tuple[int, int]:
    """(white, other) pixels in the check box's corner of a selected row."""
    listing = QListWidget()
    listing.setStyleSheet(stylesheet(Theme()))
    item = QListWidgetItem("Resident ID card", listing)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    listing.setCurrentRow(0)
    listing.resize(400, 200)
    qtbot.addWidget(listing)
    listing.show()
    qtbot.waitExposed(listing)
    row = listing.visualItemRect(item)
    image = listing.viewport().grab().toImage()
    box = range(row.left() + 2, row.left() + row.height())  # the box sits at the row's start, as wide as high
    colours = [QColor(image.pixel(x, y)) for x in box for y in range(row.top() + 4, row.bottom() - 4)]
    white = sum(1 for c in colours if min(c.red(), c.green(), c.blue()) > 235)
    return white, len(colours) - white


def test_the_tick_image_loads():
    image = QImage(TICK)
    assert not image.isNull() and image.width() > 0


def test_a_checked_material_on_a_selected_row_shows_a_white_tick(qtbot):
    white, _other = _indicator_pixels(qtbot, checked=True)
    assert white >= 10  # the tick's strokes (the box and the row are blue)
