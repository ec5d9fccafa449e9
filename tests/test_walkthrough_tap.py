"""The walkthrough's finger (entry/walkthrough.py ``tap``): a button a screen has just added is shown on the event
loop's next turn, and the tap waits for it rather than failing the walk; one that never shows still fails plainly."""

import pytest
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from entry.walkthrough import WalkError, tap


def test_a_button_just_added_to_a_shown_screen_is_tapped_once_it_shows(qtbot):
    screen = QWidget()
    layout = QVBoxLayout(screen)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitExposed(screen)
    taps = []
    fresh = QPushButton("licence")
    fresh.clicked.connect(lambda: taps.append("tapped"))
    layout.addWidget(fresh)
    assert not fresh.isVisible()  # QLayout shows it later, on the next turn of the event loop
    tap(fresh, "licence button")
    assert taps == ["tapped"]


def test_a_button_that_never_shows_fails_the_walk_in_plain_words(qtbot):
    screen = QWidget()
    hidden = QPushButton("licence", screen)
    qtbot.addWidget(screen)
    screen.show()
    hidden.hide()
    with pytest.raises(WalkError, match="the licence button is not on the screen"):
        tap(hidden, "licence button")
