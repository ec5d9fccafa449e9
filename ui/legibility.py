"""Measure what a citizen sees: type size, touch target size, contrast and line spacing of every visible
widget of a window, from the window's own pixels (a stylesheet read misses translucent backgrounds).

Used by tests/test_legibility.py on every screen of the journeys, in both text sizes and both
languages. The numbers are the 适老化 rules' and WCAG 2.2's (ui/theme.py says which is which):

- type: in elderly mode every text at least 18 pt at the screen's real size (ui/display.py), and the
  largest on the screen at least 30 pt;
- touch targets: every enabled control at least 44 x 44 px, 60 x 60 px in elderly mode;
- contrast: text at least 4.5:1 against what is behind it, borders of inputs at least 3:1 against
  the page around them (disabled controls are exempt, as WCAG 1.4.3 and 1.4.11 say);
- line spacing: wrapped text at least 1.3 times its size, from the rows the text fills;
- whole words: a field's hint (shown while it is empty), a list's choice, a button's words and a label's text (one
  line or wrapped, plain or marked up) fit in the room they are drawn in (Qt cuts a hint with "…" and clips the
  others without a sign);
- whole controls: no button, field or list box shown only in part, cut by the window's edge or its parent (a scroll
  area's are scrolled to by a finger).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontInfo, QImage, Qt as GuiQt
from PySide6.QtWidgets import (QAbstractButton, QAbstractScrollArea, QComboBox, QLabel, QLineEdit, QListWidget,
                               QPushButton, QStyle, QStyleOptionComboBox, QStyleOptionFrame, QWidget)

from ui.display import Display

MIN_TEXT_CONTRAST = 4.5
MIN_BORDER_CONTRAST = 3.0
ELDERLY_MIN_PT, ELDERLY_LARGEST_PT = 18.0, 30.0
MIN_LINE_SPACING = 1.3
TOUCH_PX = {False: 44, True: 60}
BUTTON_BORDER_PX = 3  # ui/theme.py: 2 px, 3 px with the focus


@dataclass(frozen=True)
class Problem:
    widget: str      # its class, object name and text, to find it
    what: str        # which number it misses, and by how much

    def __str__(self) -> str:
        return f"{self.widget}: {self.what}"


def _linear(channel: np.ndarray) -> np.ndarray:
    s = channel / 255.0
    return np.where(s <= 0.04045, s / 12.92, ((s + 0.055) / 1.055) ** 2.4)


def luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG 2 relative luminance of colours (..., 3)."""
    rgb = np.asarray(rgb, dtype=np.float64)
    return 0.2126 * _linear(rgb[..., 0]) + 0.7152 * _linear(rgb[..., 1]) + 0.0722 * _linear(rgb[..., 2])


def ratio(la: np.ndarray | float, lb: np.ndarray | float) -> np.ndarray:
    return (np.maximum(la, lb) + 0.05) / (np.minimum(la, lb) + 0.05)


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    return float(ratio(luminance(a), luminance(b)))


def text_contrast(pixels: np.ndarray) -> tuple[float, float]:
    """The contrast of the text against its background, and the background's luminance: the background is the
    commonest colour, the text the colour furthest from it among those common enough to be glyph strokes,
    not antialiasing."""
    flat = pixels.reshape(-1, 3).astype(np.uint32)
    packed, counts = np.unique((flat[:, 0] << 16) | (flat[:, 1] << 8) | flat[:, 2], return_counts=True)
    colours = np.stack([(packed >> 16) & 255, (packed >> 8) & 255, packed & 255], axis=1)
    background = luminance(colours[np.argmax(counts)])
    floor = max(3, min(counts.sum() // 1000, 40))
    common = colours[counts >= floor]
    return float(ratio(luminance(common), background).max()), float(background)


def _name(widget: QWidget) -> str:
    shown = ""
    if isinstance(widget, (QLabel, QAbstractButton, QLineEdit)):
        shown = (widget.text() or getattr(widget, "placeholderText", lambda: "")())[:30].replace("\n", " ")
    elif isinstance(widget, QComboBox):
        shown = widget.currentText()[:30]
    return f"{type(widget).__name__}#{widget.objectName() or '-'} '{shown}'"


def _has_text(widget: QWidget) -> bool:
    if isinstance(widget, QLabel):
        return bool(widget.text().strip()) and widget.pixmap().isNull()
    if isinstance(widget, QAbstractButton):
        return bool(widget.text().strip())
    if isinstance(widget, QLineEdit):
        return bool(widget.text() or widget.placeholderText())
    if isinstance(widget, QListWidget):
        return widget.count() > 0
    return isinstance(widget, QComboBox)


def _interactive(widget: QWidget) -> bool:
    return isinstance(widget, (QAbstractButton, QLineEdit, QComboBox)) and widget.isEnabled()


def measure(window: QWidget, display: Display, elderly: bool, headline: bool = True) -> list[Problem]:
    """Every problem of the window as shown now (call after the event loop settled). ``headline``: in elderly mode
    the screen's largest text is a headline of 30 pt (a kiosk's screens; the clerk's desk has none)."""
    image = _array(window.grab().toImage())
    bounds = QRect(0, 0, image.shape[1], image.shape[0])
    problems: list[Problem] = []
    largest_pt = 0.0
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.width() <= 0 or widget.height() <= 0:
            continue
        seen = widget.visibleRegion().boundingRect()  # clipped by a scroll area's viewport, as on the screen
        if seen.isEmpty():
            continue
        # partly scrolled out of sight: a long text is measured on the part shown; a control where it is shown whole
        partly = seen.width() < widget.width() or seen.height() < widget.height()
        if partly and not isinstance(widget, QLabel):
            continue
        rect = QRect(widget.mapTo(window, seen.topLeft()), seen.size()).intersected(bounds)
        if rect.isEmpty():
            continue
        name = _name(widget)
        if _interactive(widget):
            floor = TOUCH_PX[elderly]
            if widget.width() < floor or widget.height() < floor:
                problems.append(Problem(name, f"touch target {widget.width()}x{widget.height()} px, under "
                                              f"{floor}x{floor}"))
        if not _has_text(widget):
            continue
        pt = display.pt(QFontInfo(widget.font()).pixelSize())
        largest_pt = max(largest_pt, pt)
        if elderly and pt < ELDERLY_MIN_PT - 0.05:
            problems.append(Problem(name, f"text {pt:.1f} pt, under {ELDERLY_MIN_PT:.0f} pt"))
        if widget.isEnabled():
            inner = rect.adjusted(3, 3, -3, -3) if rect.width() > 12 and rect.height() > 12 else rect
            found, background = text_contrast(_crop(image, inner))
            if found < MIN_TEXT_CONTRAST and not partly:  # a sliver of a label may hold no text at all
                problems.append(Problem(name, f"text contrast {found:.2f}:1, under {MIN_TEXT_CONTRAST}:1"))
            if isinstance(widget, (QLineEdit, QComboBox, QListWidget)):
                problems += _border(widget, name, image, rect)
            if isinstance(widget, QLabel) and widget.wordWrap():
                problems += _line_spacing(widget, name, image, rect, background)
        problems += _cut_short(widget, name)
    problems += clipped(window)
    if elderly and headline and largest_pt < ELDERLY_LARGEST_PT - 0.05:
        problems.append(Problem("the screen", f"its largest text is {largest_pt:.1f} pt, under "
                                              f"{ELDERLY_LARGEST_PT:.0f} pt"))
    return problems


def clipped(window: QWidget) -> list[Problem]:
    """Controls (buttons, fields, list boxes) shown only in part, cut by the window's edge or a parent too small for
    them, not by a scroll area (which a finger scrolls): a button whose lower half is missing."""
    problems: list[Problem] = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, (QAbstractButton, QLineEdit, QComboBox)) or not widget.isVisibleTo(window):
            continue
        if widget.width() <= 0 or widget.height() <= 0 or _in_scroll_area(widget, window):
            continue
        seen = widget.visibleRegion().boundingRect()
        if not seen.isEmpty() and (seen.width() < widget.width() or seen.height() < widget.height()):
            problems.append(Problem(_name(widget), f"shown {seen.width()}x{seen.height()} of "
                                                   f"{widget.width()}x{widget.height()} px: cut by its window or "
                                                   "parent"))
    return problems


def _in_scroll_area(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def cut_short(window: QWidget) -> list[Problem]:
    """The hints, list boxes' choices, buttons' and labels' words of the window cut short as shown now: the
    whole-words part of :func:`measure` alone, without reading pixels (cheap enough for a monkey's every step)."""
    problems: list[Problem] = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.width() <= 0 or widget.height() <= 0:
            continue
        seen = widget.visibleRegion().boundingRect()
        if seen.isEmpty() or seen.width() < widget.width() or seen.height() < widget.height():
            continue  # scrolled partly out of sight: measured where it is shown whole
        problems += _cut_short(widget, _name(widget))
    return problems


def _array(image: QImage) -> np.ndarray:
    """The picture as an (h, w, 3) array of RGB."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height = image.width(), image.height()
    raw = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.bytesPerLine() * height)
    bgra = raw.reshape(height, image.bytesPerLine() // 4, 4)[:, :width]
    return bgra[..., 2::-1].copy()


def _crop(image: np.ndarray, rect: QRect) -> np.ndarray:
    return image[max(0, rect.top()):rect.bottom() + 1, max(0, rect.left()):rect.right() + 1]


def _border(widget: QWidget, name: str, image: np.ndarray, rect: QRect) -> list[Problem]:
    """The field's edge against the page just outside it, along the middle of its left and top sides."""
    if rect.left() < 2 or rect.top() < 2:
        return []
    y, x = rect.center().y(), rect.center().x()
    outside = luminance(np.array([image[y, rect.left() - 2], image[rect.top() - 2, x]]))
    edge = luminance(np.concatenate([image[y, rect.left():rect.left() + 4], image[rect.top():rect.top() + 4, x]]))
    best = float(ratio(edge[:, None], outside[None, :]).max())
    if best < MIN_BORDER_CONTRAST:
        return [Problem(name, f"border contrast {best:.2f}:1, under {MIN_BORDER_CONTRAST}:1")]
    return []


def _line_spacing(widget: QLabel, name: str, image: np.ndarray, rect: QRect, background: float) -> list[Problem]:
    """Rows with ink, grouped into text lines; the pitch from one line's top to the next against the type size."""
    px = QFontInfo(widget.font()).pixelSize()
    if rect.height() < 2.2 * px:
        return []  # one line: nothing to space
    inked = (ratio(luminance(_crop(image, rect)), background) >= 2.0).any(axis=1)
    gap = max(2, int(0.3 * px))  # a blank run shorter than this is inside a line (the dot of an i, a 丶)
    starts, blank = [], gap
    for i, on in enumerate(inked):
        if on and blank >= gap:
            starts.append(i)
        blank = 0 if on else blank + 1
    if len(starts) < 2:
        return []
    pitch = min(b - a for a, b in zip(starts, starts[1:]))  # between paragraphs it is larger: the least is a line's
    # a line's first inked row depends on its glyphs (a Chinese line's tops are level; Latin has ascenders): 1 px
    if pitch < MIN_LINE_SPACING * px - 1:
        return [Problem(name, f"line spacing {pitch / px:.2f}, under {MIN_LINE_SPACING}")]
    return []


def _cut_short(widget: QWidget, name: str) -> list[Problem]:
    """A field's hint wider than the room QLineEdit gives it (its contents rectangle less 2 px a side, where the hint
    is cut with "…" to its advance), a list's choice wider than its box's text part (cut without a sign: Qt does
    not elide it), a label's text not all inside it (:func:`_label_cut_short`), or a button's words, in ink, wider
    than the button within its border (they may run into its padding: Qt draws them whole there)."""
    if isinstance(widget, QLineEdit) and not widget.text() and widget.placeholderText():
        option = QStyleOptionFrame()
        widget.initStyleOption(option)
        room = widget.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, widget).width()
        margins = widget.textMargins()
        room -= margins.left() + margins.right() + 4
        drawn = widget.fontMetrics().horizontalAdvance(widget.placeholderText())
    elif isinstance(widget, QComboBox) and widget.currentText() and not getattr(widget, "elides", False):
        option = QStyleOptionComboBox()
        widget.initStyleOption(option)
        room = widget.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                             QStyle.SubControl.SC_ComboBoxEditField, widget).width() - 2
        drawn = widget.fontMetrics().boundingRect(widget.currentText()).width()
    elif isinstance(widget, QLabel) and widget.text() and widget.pixmap().isNull():
        return _label_cut_short(widget, name)
    elif isinstance(widget, QPushButton) and widget.text() and "\n" not in widget.text():
        room = widget.width() - 2 * BUTTON_BORDER_PX
        if not widget.icon().isNull():
            room -= widget.iconSize().width() + 4
        drawn = widget.fontMetrics().boundingRect(widget.text().replace("&&", "&")).width()
    else:
        return []
    if drawn > room:
        return [Problem(name, f"its words are {drawn} px wide in {room} px: cut short")]
    return []


def _label_cut_short(label: QLabel, name: str) -> list[Problem]:
    """A label's text laid out as Qt lays it out (plain or markup, on one line or wrapped at the label's width) and
    not all inside the label: a line running past its right edge, or the last lines below its bottom (a wrapped
    label given less height than its width needs). One line of plain text is measured by its advance; the rest by
    the label's own size hint (one line or lines broken at newlines) or height for its width (wrapped): what Qt
    asks of the layout to show it whole."""
    plain = label.textFormat() == Qt.TextFormat.PlainText or (
        label.textFormat() == Qt.TextFormat.AutoText and not GuiQt.mightBeRichText(label.text()))
    if not label.wordWrap() and plain and "\n" not in label.text():
        room = label.contentsRect().width() - 2 * label.margin()
        drawn = label.fontMetrics().horizontalAdvance(label.text())
        if drawn > room:
            return [Problem(name, f"its words are {drawn} px wide in {room} px: cut short")]
        return []
    if label.wordWrap():
        widest = label.minimumSizeHint().width()  # its longest word, which no line break helps
        if widest > label.width() + 1:
            return [Problem(name, f"a word of it is {widest} px wide in {label.width()} px: cut short")]
        needed = label.heightForWidth(label.width())
        if needed > label.height() + 1:
            return [Problem(name, f"its lines need {needed} px of height at {label.width()} px wide, shown in "
                                  f"{label.height()} px: cut short")]
        return []
    hint = label.sizeHint()
    if hint.width() > label.width() + 1 or hint.height() > label.height() + 1:
        return [Problem(name, f"its lines need {hint.width()}x{hint.height()} px, shown in "
                              f"{label.width()}x{label.height()} px: cut short")]
    return []
