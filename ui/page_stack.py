"""A stack of pages, one shown at a time, laid out as the page shown alone.

QStackedWidget's layout asks every page, shown or not, for its size hints and its height for a width
each time the page shown changes: with the kiosk's 26 screens built, a change of screen cost the GUI
thread 14 ms where it cost 5 ms with two (kiosk bench ui's stall, measured 2026-12-01). Here only
the page shown is laid out and asked; the others wait hidden, at the stack's size, until shown.

It keeps the part of QStackedWidget's interface the views use: ``addWidget``, ``removeWidget``,
``indexOf``, ``count``, ``widget``, ``currentWidget``, ``setCurrentWidget`` and ``currentChanged``.
A page must fit the screen when it is the one shown; ``largest_minimum`` tells what the largest
page needs, for the checks that every screen fits.

A style sheet for every page (``set_page_style``: large text) is applied at once to the page shown
and the stack's other children, and to each hidden page on its own turn of the event loop, or when
it is shown if that comes first. Set on the application, it restyled every widget of every built
screen in one go: 330-360 ms of the GUI thread for one tap on the large-text button.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QSizePolicy, QWidget


class PageStack(QWidget):
    currentChanged = Signal(int)  # noqa: N815 (QStackedWidget's name)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pages: list[QWidget] = []
        self._current: QWidget | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._sheet = ""  # set_page_style's; "" leaves each page to the application's style sheet
        self._stale: list[QWidget] = []  # hidden pages not restyled yet
        self._restyle_next = QTimer(self)
        self._restyle_next.setSingleShot(True)
        self._restyle_next.timeout.connect(self._restyle_one)

    def addWidget(self, page: QWidget) -> int:  # noqa: N802 (QStackedWidget's name)
        if page in self._pages:
            return self._pages.index(page)
        page.setParent(self)
        page.setGeometry(self.rect())
        self._pages.append(page)
        self._restyle(page)  # built after a style was set: styled before it is first polished
        if self._current is None:
            self._show(page)
        else:
            page.hide()
        return len(self._pages) - 1

    def removeWidget(self, page: QWidget) -> None:  # noqa: N802
        if page not in self._pages:
            return
        self._pages.remove(page)
        if page in self._stale:
            self._stale.remove(page)
        page.hide()
        page.setParent(None)
        if page is self._current:
            self._current = None
            if self._pages:
                self._show(self._pages[0])

    def indexOf(self, page: QWidget) -> int:  # noqa: N802
        return self._pages.index(page) if page in self._pages else -1

    def count(self) -> int:
        return len(self._pages)

    def widget(self, index: int) -> QWidget | None:
        return self._pages[index] if 0 <= index < len(self._pages) else None

    def currentWidget(self) -> QWidget | None:  # noqa: N802
        return self._current

    def setCurrentWidget(self, page: QWidget) -> None:  # noqa: N802
        if page not in self._pages:
            raise ValueError("not a page of this stack")
        if page is not self._current:
            self._show(page)

    def set_page_style(self, sheet: str) -> None:
        """``sheet`` for every page and the stack's other children (see the module's note)."""
        self._sheet = sheet
        for child in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child not in self._pages:
                self._restyle(child)
        if self._current is not None:
            self._restyle(self._current)
        self._stale = [page for page in self._pages if page is not self._current]
        self._restyle_next.start(0)

    def _restyle(self, widget: QWidget) -> None:
        if widget.styleSheet() != self._sheet:
            widget.setStyleSheet(self._sheet)

    def _restyle_one(self) -> None:
        if self._stale:
            self._restyle(self._stale.pop())
        if self._stale:
            self._restyle_next.start(0)

    def _show(self, page: QWidget) -> None:
        if page in self._stale:
            self._stale.remove(page)
        self._restyle(page)
        previous, self._current = self._current, page
        page.setGeometry(self.rect())
        page.show()
        page.raise_()
        if previous is not None:
            focus = self.focusWidget()
            previous.hide()
            if focus is not None and previous.isAncestorOf(focus):
                page.setFocus()  # the keyboard focus follows into the page shown
        self.updateGeometry()  # the stack's hints are the page's now
        self.currentChanged.emit(self._pages.index(page))

    def event(self, event: QEvent) -> bool:
        """A page's hints changed (Qt tells the parent of a widget whose geometry hints changed, and a
        stack without a layout must pass it on): the window's layout asks again."""
        if event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().event(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if self._current is not None:
            self._current.setGeometry(self.rect())

    def sizeHint(self) -> QSize:  # noqa: N802
        return self._current.sizeHint() if self._current is not None else QSize(0, 0)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self._current.minimumSizeHint() if self._current is not None else QSize(0, 0)

    def largest_minimum(self) -> QSize:
        """What the largest page needs (each page's minimum size hint, widest and tallest): what a
        QStackedWidget would ask of its window for every page at once."""
        need = QSize(0, 0)
        for page in self._pages:
            need = need.expandedTo(page.minimumSizeHint().expandedTo(page.minimumSize()))
        return need
