"""The signature pad: strokes sent as a finger would (mouse events through QTest), undo and clear,
a dot that is not a signature, and the PNG sent with the case (decoded with PIL)."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from PySide6.QtCore import QPoint
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.signature import MIN_SIZE, PNG_MAX, SignaturePad
from ui.theme import Theme, stylesheet

# A signature-like zigzag across the pad: about 400 x 90 px of ink.
NAME = [(100 + 20 * i, 120 + (45 if i % 2 else -45)) for i in range(21)]
UNDERLINE = [(110, 190), (300, 195), (480, 188)]


@pytest.fixture
def pad(qtbot):
    host = QWidget()
    layout = QVBoxLayout(host)
    pad = SignaturePad()
    layout.addWidget(pad)
    qtbot.addWidget(host)
    host.resize(900, 320)
    host.show()
    qtbot.waitExposed(host)
    yield pad
    del host


def decode(png: bytes) -> Image.Image:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(png)).convert("L")


def test_a_drawn_signature_makes_a_png_with_ink_where_the_strokes_went(pad, qtbot):
    assert pad.is_empty()
    with qtbot.waitSignal(pad.changed, timeout=1000):
        pad.draw_stroke(NAME)
    assert not pad.is_empty() and pad.stroke_count() == 1
    image = decode(pad.to_png())
    # Cropped to the ink (400 x 90 plus the pen and a margin), black on white.
    assert 400 < image.width < 460 and 90 < image.height < 150
    dark = [(x, y) for x in range(image.width) for y in range(image.height) if image.getpixel((x, y)) < 96]
    assert len(dark) > 500
    assert image.getpixel((0, 0)) == 255 and image.getpixel((image.width - 1, image.height - 1)) == 255
    # The zigzag's first peak: the stroke starts at the top left of the ink, high on the left edge.
    xs = [x for x, _ in dark]
    ys = [y for _, y in dark]
    assert min(xs) < 25 and max(xs) > image.width - 25 and min(ys) < 25 and max(ys) > image.height - 25
    # The middle of the first rising segment, (110, 120) on the pad: the ink's top left corner (100, 75)
    # lies at the margin plus half the pen (about 14 px) in the image, so look near (24, 59).
    mid = (110 - 100 + 14, 120 - 75 + 14)
    assert min(image.getpixel((mid[0] + dx, mid[1])) for dx in range(-4, 5)) < 96


def test_a_finger_on_the_touch_screen_draws_one_stroke(pad, qtbot):
    finger = QTest.createTouchDevice()
    touch = QTest.touchEvent(pad, finger)
    touch.press(0, QPoint(100, 100), pad).commit()
    for x in range(110, 410, 10):
        QTest.touchEvent(pad, finger).move(0, QPoint(x, 100 + x % 40), pad).commit()
    with qtbot.waitSignal(pad.changed, timeout=1000):
        QTest.touchEvent(pad, finger).release(0, QPoint(410, 120), pad).commit()
    assert pad.stroke_count() == 1 and not pad.is_empty()  # one stroke: no second one from mouse events
    image = decode(pad.to_png())
    assert 300 < image.width < 360 and image.getextrema()[0] < 64


def test_the_png_is_cropped_and_shrunk_to_800_by_300_at_most(pad, qtbot):
    pad.parentWidget().resize(1200, 500)
    qtbot.waitUntil(lambda: pad.width() >= 1100)
    pad.draw_stroke([(20, 40), (600, 420), (1150, 60)])
    image = decode(pad.to_png())
    assert image.width <= PNG_MAX[0] and image.height <= PNG_MAX[1]
    assert image.width == PNG_MAX[0] or image.height == PNG_MAX[1]  # shrunk evenly, one side at the limit
    assert image.getextrema()[0] < 64


def test_undo_takes_back_the_last_stroke_and_clear_takes_all(pad, qtbot):
    pad.draw_stroke(NAME)
    one = decode(pad.to_png()).size
    pad.draw_stroke(UNDERLINE)
    assert pad.stroke_count() == 2 and decode(pad.to_png()).size != one
    with qtbot.waitSignal(pad.changed, timeout=1000):
        pad.undo()
    assert pad.stroke_count() == 1 and decode(pad.to_png()).size == one
    with qtbot.waitSignal(pad.changed, timeout=1000):
        pad.clear()
    assert pad.is_empty() and pad.stroke_count() == 0
    blank = decode(pad.to_png())
    assert blank.getextrema() == (255, 255)


def test_a_tap_or_a_tiny_scribble_is_not_a_signature(pad):
    pad.draw_stroke([(300, 100)])
    assert pad.stroke_count() == 1 and pad.is_empty()
    pad.draw_stroke([(300, 100), (310, 105), (302, 112), (312, 118), (304, 122)])
    assert pad.stroke_count() == 2 and pad.is_empty()
    pad.draw_stroke([(200, 100), (260, 110), (320, 100)])  # now a real line across
    assert not pad.is_empty()


def test_the_pad_and_its_buttons_fit_the_kiosk_window_in_both_text_sizes(qtbot, no_application_style):
    heights = {}
    for elderly in (False, True):
        host = QWidget()
        host.setStyleSheet(stylesheet(Theme(elderly=elderly)))
        column = QVBoxLayout(host)
        column.setContentsMargins(48, 32, 48, 32)
        title = QLabel("Please sign")
        title.setObjectName("title")
        column.addWidget(title)
        pad = SignaturePad()
        column.addWidget(pad, 1)
        row = QHBoxLayout()
        for name in ("Back", "Clear", "Continue"):
            row.addWidget(QPushButton(name))
        column.addLayout(row)
        qtbot.addWidget(host)
        host.ensurePolished()  # the host's style on every child now, not at the first show
        need = host.minimumSizeHint()
        heights[elderly] = need.height()
        # The window's header and footer take about 110 px of the 800.
        assert need.width() <= 1280 and need.height() <= 800 - 110, (elderly, need)
        assert pad.minimumSize() == MIN_SIZE
    assert heights[True] > heights[False]  # large text did apply
