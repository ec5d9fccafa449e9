"""The kiosk's stack of screens lays out the screen shown alone: a change of screen does not ask the
hidden screens for their sizes (with QStackedWidget it asked all 26, 14 ms a change; ui/page_stack.py)."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from ui.page_stack import PageStack


class CountingPage(QWidget):
    """A page that counts how often its size is asked for."""

    def __init__(self, height: int) -> None:
        super().__init__()
        self.asked = 0
        self._height = height
        QVBoxLayout(self).addWidget(QLabel("a page"))

    def sizeHint(self) -> QSize:  # noqa: N802
        self.asked += 1
        return QSize(300, self._height)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        self.asked += 1
        return QSize(200, self._height)


def test_only_the_page_shown_is_asked_and_sized(qtbot):
    window = QMainWindow()
    stack = PageStack()
    window.setCentralWidget(stack)
    qtbot.addWidget(window)
    pages = [CountingPage(100 + 10 * i) for i in range(6)]
    for page in pages:
        stack.addWidget(page)
    window.resize(640, 480)
    window.show()
    qtbot.waitExposed(window)
    changes: list[int] = []
    stack.currentChanged.connect(changes.append)
    for page in pages:
        page.asked = 0
    stack.setCurrentWidget(pages[3])
    qtbot.waitUntil(lambda: pages[3].geometry() == stack.rect())
    window.layout().activate()
    assert pages[3].isVisible() and not any(p.isVisible() for p in pages if p is not pages[3])
    assert stack.currentWidget() is pages[3] and changes == [3]
    assert all(p.asked == 0 for p in pages if p is not pages[3])  # the hidden pages were not asked
    assert window.minimumSizeHint().height() >= 130  # the shown page's minimum is the window's
    assert stack.largest_minimum() == QSize(200, 150)  # what the largest page needs, for the fit checks
    window.resize(700, 520)
    qtbot.waitUntil(lambda: pages[3].size() == stack.size())
    stack.removeWidget(pages[3])
    assert stack.currentWidget() is pages[0] and pages[0].isVisible() and stack.count() == 5
    assert stack.indexOf(pages[3]) == -1 and stack.widget(4) is pages[5]


def test_a_page_whose_needs_grow_grows_the_window_minimum(qtbot):
    window = QMainWindow()
    stack = PageStack()
    window.setCentralWidget(stack)
    qtbot.addWidget(window)
    page = QWidget()
    column = QVBoxLayout(page)
    column.addWidget(QLabel("first line"))
    stack.addWidget(page)
    window.show()
    qtbot.waitExposed(window)
    before = window.minimumSizeHint().height()
    tall = QLabel("a tall line")
    tall.setMinimumHeight(before + 200)
    column.addWidget(tall)  # the page's layout changes: Qt tells the stack, which tells the window
    qtbot.waitUntil(lambda: window.minimumSizeHint().height() > before + 200)


def test_a_page_style_reaches_the_page_shown_at_once_and_each_hidden_page_before_it_is_seen(qtbot):
    window = QMainWindow()
    stack = PageStack()
    window.setCentralWidget(stack)
    qtbot.addWidget(window)
    pages = [CountingPage(100) for _ in range(4)]
    for page in pages:
        stack.addWidget(page)
    band = QLabel("not a page", stack)  # another child of the stack (the kiosk's idle warning)
    window.show()
    qtbot.waitExposed(window)
    sheet = "QLabel { font-size: 40px; }"
    stack.set_page_style(sheet)
    # at once: the page shown and the stack's other children; the hidden pages not yet (each on its own turn)
    assert pages[0].styleSheet() == sheet and band.styleSheet() == sheet
    assert [page.styleSheet() for page in pages[1:]] == ["", "", ""]
    stack.setCurrentWidget(pages[2])  # shown before its turn came: styled as it is shown
    assert pages[2].styleSheet() == sheet
    qtbot.waitUntil(lambda: all(page.styleSheet() == sheet for page in pages), timeout=3000)
    late = CountingPage(100)
    stack.addWidget(late)  # a screen built afterwards gets the style too
    assert late.styleSheet() == sheet
    stack.set_page_style("")  # back to the application's style
    qtbot.waitUntil(lambda: all(page.styleSheet() == "" for page in [*pages, late]), timeout=3000)
    assert band.styleSheet() == ""
