"""The touch keys give way to a notice they do not fit beside, until a field is touched.

A screen whose fields scroll between a heading (its title with the session's notice beside it) and the
keyboard row (Back, the keys, Continue) is laid out for 1280 x 800. In large English a long notice takes
five lines beside the title; with the keys stacked over Back and Continue, the screen then needs more than
its height, and Qt pushes Back and Continue off the bottom (the company screen needed 772 px of its 657:
``kiosk bench ui-monkey --whole-words``, seed 807; the principal's "No person is registered..." with the ID
keys, 7 px; a backend's refusal of 500 characters, 150 px). No screen may lose its way forward, and the
notice is what the citizen must read first, so the keys give way: the notice is shown and the keys are
hidden until the citizen touches a field to type again; then the keys come back and the notice, read, is
set aside. A new notice starts over. Where the two fit, nothing changes.

With no notice in sight, the title gives way in its turn to the field being typed in: where the heading, the
field with its caption and the keys do not fit, the title (and what is beside it, the applicant's line) stands
aside while the keys are up, and the field's caption takes the title's type: the screen keeps its headline (the
适老化 rules' largest text of 30 pt in large text), and the headline says what to type. In large text the pinyin
keys left a Chinese field 48-71 px on a 1024 x 768 screen (the field cut, its caption out of sight) and 100 px at
1280 x 800 (the residence address's caption out of sight): the citizen typed into a box without the words saying
what it was for.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QLabel, QWidget
from shiboken6 import Shiboken

from ui.widgets import (FocusKeepingScrollArea, KeyboardRow, Screen, TitleWithNotice, TouchWatch, caption_of,
                        height_for, restyle_as)


class KeysGiveWay(QObject):
    """For ``screen`` with ``heading`` above its scrolling fields and ``keys`` under them. ``room(width)``: the
    height the fields need at the least (the field being typed in, with its caption); ``wanted()``: whether the
    keys are wanted at all (the company screen's are not once the company is found); ``shown_for()``: what the
    fit was made for, a tuple compared item by item by identity (a new one starts over; the notice shown by
    default). The screen calls :meth:`watch` on each field a touch on which brings the keys back, and :meth:`fit`
    after each refresh; a resize or a layout request fits again by itself."""

    def __init__(self, screen: Screen, heading: TitleWithNotice, keys: KeyboardRow, room: Callable[[int], int], *,
                 wanted: Callable[[], bool] = lambda: True, shown_for: Callable[[], tuple] | None = None) -> None:
        super().__init__(screen)
        self._screen, self._heading, self._keys = screen, heading, keys
        self._room, self._wanted = room, wanted
        self._shown_for = shown_for or (lambda: (heading.notice.shown,))
        self._fitted_for: tuple = ()
        self._asked = False  # a field was touched since the notice came: the keys are wanted back
        self._headline: QLabel | None = None  # the caption in the title's type while the title stands aside
        self._touch = TouchWatch(lambda _field: self._ask())
        screen.installEventFilter(self)

    def watch(self, field: QWidget) -> None:
        field.installEventFilter(self._touch)
        field.installEventFilter(self)  # typed in or left: its caption leads, where the title stands aside, or not

    def _ask(self) -> None:
        self._asked = True
        self.fit()

    def fits(self, notice: bool = True) -> bool:
        """Whether the heading with its notice (or without one), the fields' least room and the keyboard row with its
        keys fit the screen's height."""
        screen = self._screen
        if screen.width() <= 0 or screen.height() <= 0:
            return True
        layout = screen.layout_
        margins, spacing = layout.contentsMargins(), max(layout.spacing(), 0)
        width = screen.width() - margins.left() - margins.right()
        between = [layout.itemAt(i) for i in range(layout.count())]
        between = [item for item in between if item.layout() not in (self._heading, self._keys) and not item.isEmpty()]
        fields = max(self._room(width), sum(item.minimumSize().height() + spacing for item in between) - spacing)
        need = (margins.top() + self._heading.height_with_notice(width, notice) + spacing + fields + spacing
                + self._keys.height_with_keyboard(width) + margins.bottom())
        return need <= screen.height()

    def fit(self) -> None:
        """The keys shown when wanted, unless a notice would not fit beside them: then the notice is shown and the
        keys wait for a touch on a field; once touched, the keys are shown and a notice that does not fit is set
        aside (read already: the citizen is typing again). With no notice in sight and the keys up, the title stands
        aside where it leaves the field being typed in too little room."""
        shown_for, notice = self._shown_for(), self._heading.notice
        if len(shown_for) != len(self._fitted_for) or any(a is not b for a, b in zip(shown_for, self._fitted_for)):
            self._fitted_for, self._asked = shown_for, False
        keys, set_aside = self._wanted() or self._asked, False
        if keys and notice.shown is not None and not self.fits():
            set_aside, keys = self._asked, self._asked
        shown = notice.shown is not None and not set_aside
        notice.setVisible(shown)
        self._keys.keyboard.setVisible(keys)
        target = self._keys.keyboard.target  # being typed in: the keys' field has the focus (not a choice since)
        aside = keys and not shown and target is not None and target is self._screen.focusWidget() \
            and not self.fits(notice=False)
        self._heading.stand_aside(aside)
        self._lead(self._caption_typed_in() if aside else None)

    def _caption_typed_in(self) -> QLabel | None:
        field = self._keys.keyboard.target
        return caption_of(field, self._screen) if field is not None else None

    def _lead(self, caption: QLabel | None) -> None:
        """``caption`` in the title's type, the one that had it before in its own again."""
        if caption is self._headline:
            return
        for label, lead in ((self._headline, False), (caption, True)):
            if label is not None and Shiboken.isValid(label):
                restyle_as(label, "headline", lead)
        self._headline = caption
        QTimer.singleShot(0, self, self._keep_in_sight)  # laid out in the new type: the field and its caption in sight

    def _keep_in_sight(self) -> None:
        field = self._keys.keyboard.target if Shiboken.isValid(self._screen) else None
        area = field.parentWidget() if field is not None else None
        while area is not None and not isinstance(area, FocusKeepingScrollArea):
            area = area.parentWidget()
        if area is not None:
            area.keep_in_sight(field)

    @property
    def headline(self) -> QLabel | None:
        """The caption leading in the title's place, if any."""
        return self._headline if self._headline is not None and Shiboken.isValid(self._headline) else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self._screen and event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Resize):
            self.fit()  # a text, a style or the size changed what the parts need
        elif watched is not self._screen and event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            QTimer.singleShot(0, self, self.fit)  # once the keys type into it: another field's caption to lead
        return False


def field_room(caption: QWidget, field: QWidget, width: int, spacing: int) -> int:
    """The least room of a field with its caption above it, in a column ``width`` wide."""
    return height_for(caption, width) + max(spacing, 0) + field.sizeHint().height()
