"""ui.widgets.scroll_area: the field being typed in stays in sight when the area shrinks under it (a touch keyboard
growing below the form: digits, then the pinyin keyboard's letters, in large text on a 1280x800 screen)."""

from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from ui.widgets import scroll_area


def test_the_focused_field_stays_in_sight_when_the_area_shrinks(qtbot):
    content = QWidget()
    column = QVBoxLayout(content)
    edits = [QLineEdit(f"field {i}") for i in range(8)]
    for edit in edits:
        edit.setMinimumHeight(60)
        column.addWidget(edit)
    window = QWidget()
    area = scroll_area(content)
    QVBoxLayout(window).addWidget(area)
    qtbot.addWidget(window)
    window.resize(500, 420)
    window.show()
    qtbot.waitExposed(window)
    typed_in = edits[4]
    typed_in.setFocus()
    area.ensureWidgetVisible(typed_in)  # as a screen does when a field takes the focus

    def in_sight() -> bool:
        top = typed_in.mapTo(area.viewport(), typed_in.rect().topLeft()).y()
        return top >= 0 and top + typed_in.height() <= area.viewport().height()

    assert in_sight()
    window.resize(500, 200)  # the keyboard below grew: the area is less than half as tall
    qtbot.waitUntil(lambda: area.viewport().height() < 200, timeout=3000)
    qtbot.waitUntil(in_sight, timeout=3000)


def _captioned_form(qtbot, room: int):
    """Eight captioned fields in a scroll area, the sixth typed in; the area then made ``room`` px taller than the
    sixth caption, its spacing and its field together (their height depends on the stylesheet an earlier test left
    on the application, so it is measured)."""
    content = QWidget()
    column = QVBoxLayout(content)
    column.setSpacing(6)
    rows = []
    for i in range(8):
        caption, edit = QLabel(f"caption {i}"), QLineEdit(f"field {i}")
        caption.setMinimumHeight(30)
        edit.setMinimumHeight(60)
        caption.setBuddy(edit)
        column.addWidget(caption)
        column.addWidget(edit)
        rows.append((caption, edit))
    window = QWidget()
    area = scroll_area(content)
    outer = QVBoxLayout(window)
    outer.setContentsMargins(0, 0, 0, 0)  # the viewport as tall as the window
    outer.addWidget(area)
    qtbot.addWidget(window)
    window.resize(500, 600)
    window.show()
    qtbot.waitExposed(window)
    caption, edit = rows[5]
    edit.setFocus()
    area.keep_in_sight(edit)
    both = _span(area, edit)[1] - _span(area, caption)[0]
    height = both + room
    window.resize(500, height)  # the keyboard below grew
    qtbot.waitUntil(lambda: area.viewport().height() == height, timeout=3000)
    return window, area, caption, edit


def _span(area, widget) -> tuple[int, int]:
    top = widget.mapTo(area.viewport(), widget.rect().topLeft()).y()
    return top, top + widget.height()


def test_the_caption_above_the_focused_field_stays_in_sight_with_it(qtbot):
    """The principal's name in large text: the field in sight, its caption cut in half at the top of the area."""
    _window, area, caption, edit = _captioned_form(qtbot, 4)  # room for both, not for a margin of 8 px either side
    height = area.viewport().height()
    qtbot.waitUntil(lambda: _span(area, caption)[0] >= 0 and _span(area, edit)[1] <= height, timeout=3000)


def test_the_field_wins_where_it_and_its_caption_do_not_both_fit(qtbot):
    _window, area, caption, edit = _captioned_form(qtbot, -6)
    height = area.viewport().height()
    qtbot.waitUntil(lambda: _span(area, edit)[0] >= 0 and _span(area, edit)[1] <= height, timeout=3000)
    assert _span(area, caption)[0] < 0  # the caption gave way
