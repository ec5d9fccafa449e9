"""ui/legibility.py's whole-words and clipping checks on widgets made to fail them, and to pass: what the monkeys'
``--whole-words`` and the legibility walks rely on."""

from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from ui.legibility import clipped, cut_short
from ui.widgets import ComboBox, LineEdit


def _window(qtbot, width: int = 400, height: int = 300) -> QWidget:
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(width, height)
    return window


def test_a_hint_a_label_and_a_button_too_narrow_for_their_words_are_cut_short(qtbot):
    window = _window(qtbot)
    hint, line, press = LineEdit(window), QLabel("A label whose words run on and on", window), QPushButton(window)
    hint.setPlaceholderText("A hint whose words run on and on")
    press.setText("A button whose words run on")
    for widget, y in ((hint, 0), (line, 60), (press, 120)):
        widget.setGeometry(0, y, 60, 44)
    window.show()
    said = [str(p) for p in cut_short(window)]
    assert len(said) == 3 and all("cut short" in s for s in said), said
    window.resize(1600, 300)  # room for the words at whatever size the application's style sheet gives them
    for widget in (hint, line, press):
        widget.setGeometry(widget.x(), widget.y(), 1500, 60)
    assert cut_short(window) == []


def test_a_list_box_that_ends_its_choice_in_an_ellipsis_is_read_whole(qtbot):
    window = _window(qtbot)
    box = ComboBox(window)
    box.addItem("Not within this hall's remit")
    box.setGeometry(0, 0, 90, 44)
    window.show()
    assert cut_short(window) == [] and box.shown().endswith("…")


def test_a_button_past_the_window_s_edge_is_clipped_one_in_a_scroll_area_is_not(qtbot):
    window = _window(qtbot)
    cut = QPushButton("Continue", window)
    cut.setGeometry(330, 280, 120, 44)  # its right and lower parts past the window's edge
    area = QScrollArea(window)
    area.setGeometry(0, 0, 200, 120)
    content = QWidget()
    column = QVBoxLayout(content)
    for i in range(8):
        column.addWidget(QPushButton(f"Row {i}"))
    area.setWidget(content)
    window.show()
    said = [str(p) for p in clipped(window)]
    assert len(said) == 1 and "'Continue'" in said[0] and "cut by its window" in said[0], said


def test_wrapped_and_marked_up_labels_squeezed_are_cut_short_and_given_room_are_not(qtbot):
    window = _window(qtbot, 1600, 900)
    lines = QLabel("一次性告知书：请补齐以下材料后再来办理。" * 4, window)
    lines.setWordWrap(True)
    word = QLabel("Supercalifragilisticexpialidocious", window)
    word.setWordWrap(True)
    bold = QLabel("<b>Case number</b> SQ2026120600001", window)
    two = QLabel("First line\nSecond line", window)
    lines.setGeometry(0, 0, 200, 30)   # its lines need several rows of height at this width
    word.setGeometry(0, 100, 40, 200)  # one word, no break in it, wider than the label
    bold.setGeometry(0, 320, 40, 60)
    two.setGeometry(0, 400, 400, 10)
    window.show()
    said = sorted(str(p) for p in cut_short(window))
    assert len(said) == 4 and all("cut short" in s for s in said), said
    assert any("a word of it is" in s for s in said) and any("of height at 200 px wide" in s for s in said), said
    # room for each at whatever size the application's style sheet gives the text
    lines.setGeometry(0, 0, 1500, lines.heightForWidth(1500))
    word.setGeometry(0, 100, 1500, word.heightForWidth(1500))
    bold.setGeometry(0, 320, 1500, bold.sizeHint().height())
    two.setGeometry(0, 400, 1500, two.sizeHint().height())
    assert cut_short(window) == []
