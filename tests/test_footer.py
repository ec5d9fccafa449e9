"""The footer keeps to one line where it has room (ui/main_window.py): in the demo's large-English pictures of the
company screen (sizes/1280x800-large, 1080x1920-large) the terminal's label wrapped, "Terminal" over its number,
beside a help text that had room, and the screen lost a line of height. The terminal's label no longer wraps. (The
home screen, measured here, did not show it before either: this test keeps the footer to one line from now on.)"""

from PySide6.QtCore import Qt

from entry import walkthrough as walk


def test_the_footer_is_one_line_in_large_english_at_1280x800(open_gui, qtbot):
    gui = open_gui("kiosk")
    walk.show(gui, 1280, 800)
    window = gui.window
    for choice in (window.language_button, window.elderly_button):
        qtbot.mouseClick(choice, Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    assert window.elderly and window.terminal.text().startswith("Terminal ")
    line = window.terminal.fontMetrics().height()
    assert window.terminal.height() < 1.6 * line, (window.terminal.height(), line)  # before: two lines
    assert window.help.height() < 1.6 * window.help.fontMetrics().height()
    assert window.help.isVisible() and window.terminal.geometry().left() > window.help.geometry().right()
