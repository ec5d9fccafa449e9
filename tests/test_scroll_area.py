"""ui.widgets.scroll_area: the field being typed in stays in sight when the area shrinks under it (a touch keyboard
growing below the form: digits, then the pinyin keyboard's letters, in large text on a 1280x800 screen)."""

from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

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
