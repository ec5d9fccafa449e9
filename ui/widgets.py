"""Small building blocks shared by the screens."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Callable

from PySide6 import QtGui
from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtWidgets import (QAbstractScrollArea, QApplication, QComboBox, QHBoxLayout, QLabel, QLayout, QLineEdit,
                               QPushButton, QScrollArea, QScroller, QScrollerProperties, QStyle, QStyleOptionComboBox,
                               QStylePainter, QVBoxLayout, QWidget, QWidgetItem)

if TYPE_CHECKING:
    from kiosk.workflows.citizen import Notice



LINE_HEIGHT_PERCENT = 130  # the 适老化 rules' line spacing, for text that wraps
LONGEST_UNBROKEN = 24  # characters of a run without a break opportunity before a wrapped label may break it
_WIDE = ("W", "F")  # East Asian Width, with _IDEOGRAPHIC: a character Qt's line breaking breaks beside (UAX #14 "ID")
_IDEOGRAPHIC = ("Lo", "So")  # letters (ideographs, kana, hangul) and symbols (emoji); never punctuation: "。" or "）"
# may not begin a line, and two hundred of them typed as a note would stand unbroken
_NO_BREAK_BEFORE = ("Mn", "Mc", "Me", "Cf", "Cs")  # combining marks and format characters (ZWJ, selectors) stay on
LINE_SPACED = '<div style="line-height:{percent}%">{body}</div>'
SPACED_PARAGRAPH = '<p style="line-height:{percent}%">'


class Label(QLabel):
    """A label whose wrapped text is set with line spacing 1.3 (rich text: Qt's labels have no line-height of their
    own). ``text()`` gives back what was set."""

    def __init__(self) -> None:
        super().__init__()
        self._plain = ""

    def setText(self, value: str) -> None:  # noqa: N802 (Qt's name)
        self._plain = value
        if not self.wordWrap() or not value:
            super().setText(value)
            return
        if QtGui.Qt.mightBeRichText(value):  # a paragraph is a block of its own: it takes no spacing from the div
            body = value.replace("<p>", SPACED_PARAGRAPH.format(percent=LINE_HEIGHT_PERCENT))
        else:
            # each line's leading spaces kept (rich text collapses them): a line set in under the one above it, a
            # missing material's place under its name, stood flush at the edge
            body = "<br>".join(_indent_kept(line) for line in escape(breakable(value)).split("\n"))
        spaced = LINE_SPACED.format(percent=LINE_HEIGHT_PERCENT, body=body)  # markup around the caller's text
        super().setText(spaced)

    def text(self) -> str:
        return self._plain

    def clear(self) -> None:
        """Emptied through ``setText``: QLabel's own ``clear`` left ``text()`` giving the old text back."""
        self.setText("")


def _indent_kept(line: str) -> str:
    """An escaped line with its leading spaces as non-breaking ones, which rich text keeps."""
    body = line.lstrip(" ")
    return "&nbsp;" * (len(line) - len(body)) + body


def breakable(value: str) -> str:
    """``value`` with a zero-width space after every LONGEST_UNBROKEN characters of a run without a space, where a
    wrapped label may break it: Qt breaks lines only where Unicode allows, and a word longer than the line (200
    "x" an applicant gave as their words) set the label's minimum width, and the window's, past the screen
    (2,434 px: kiosk bench window-monkey, seed 13). A wide letter or symbol (a Chinese character, an emoji) ends a
    run: Qt breaks beside it anyway, and counted into one, a Chinese sentence had a break put into the record number it
    names ("（HO-e|b4ddea08171）", the window's hand-over notice in large Chinese). A combining mark or a joiner is
    never parted from the character before it."""
    import unicodedata

    out, run = [], 0
    for index, char in enumerate(value):
        out.append(char)
        if char.isspace() or char == "\u200b" or (unicodedata.east_asian_width(char) in _WIDE
                                                   and unicodedata.category(char) in _IDEOGRAPHIC):
            run = 0
            continue
        if run >= LONGEST_UNBROKEN and unicodedata.category(char) not in _NO_BREAK_BEFORE \
                and value[index - 1] != "\u200d":
            out.insert(-1, "\u200b")
            run = 0
        run += 1
    return "".join(out)


class Button(QPushButton):
    """A push button that says its state in words, not colour alone: a checked one carries a tick.
    ``text()`` gives back what was set."""

    TICK = "✓ "

    def __init__(self) -> None:
        super().__init__()
        self._plain = ""
        self.toggled.connect(lambda _on: self._show())

    def setText(self, value: str) -> None:  # noqa: N802 (Qt's name)
        self._plain = value
        self._show()

    def text(self) -> str:
        return self._plain

    def _show(self) -> None:
        super().setText(self.TICK + self._plain if self.isCheckable() and self.isChecked() and self._plain
                        else self._plain)


def neutral(*buttons: QPushButton) -> None:
    """Choices the terminal must not lean toward (consent, the rating's levels): none takes the focus, whose frame
    would draw one apart from the others."""
    for widget in buttons:
        widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)


def label(name: str = "", wrap: bool = True, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter) -> QLabel:
    widget = Label()
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    widget.setAlignment(align)
    return widget


def button(name: str = "", handler=None) -> QPushButton:
    widget = Button()
    if name:
        widget.setObjectName(name)
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    if handler is not None:
        widget.clicked.connect(handler)
    return widget


def enable_swipe(area: QAbstractScrollArea) -> None:
    """Let a finger drag the list: kinetic scrolling on the viewport, the scrollbar stays.

    Touch screens deliver mouse events too, so the left-button gesture serves both a finger and a mouse."""
    viewport = area.viewport()
    QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    scroller = QScroller.scroller(viewport)
    properties = scroller.scrollerProperties()
    # Pass a press to the button under the finger at once (Qt holds it back 0.25 s by default, so a
    # quick tap could be lost); a drag still scrolls.
    properties.setScrollMetric(QScrollerProperties.ScrollMetric.MousePressEventDelay, 0)
    scroller.setScrollerProperties(properties)


def button_row(left: QPushButton, right: QPushButton) -> QHBoxLayout:
    """Back on the left, the way forward on the right."""
    row = QHBoxLayout()
    row.addWidget(left)
    row.addStretch(1)
    row.addWidget(right)
    return row


class KeyboardRow(QLayout):
    """Back, the touch keyboard and the way forward side by side where the screen is wide enough (the keyboard
    then costs no extra height); on a narrow screen (a portrait kiosk) the keyboard above, back and forward
    under it at either side."""

    SPACING = 16

    def __init__(self, back: QWidget, keyboard: QWidget, forward: QWidget) -> None:
        super().__init__()
        self._items = [QWidgetItem(w) for w in (back, keyboard, forward)]
        self._cached: tuple[QSize, QSize, QSize] | None = None
        for widget in (back, keyboard, forward):
            self.addChildWidget(widget)

    # QLayout's protocol over the three fixed items
    def addItem(self, item) -> None:  # noqa: N802 (Qt's name)
        raise TypeError("a keyboard row holds its three widgets only")

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):  # noqa: N802
        return None  # the row keeps its widgets for its screen's life

    def _hints(self) -> tuple[QSize, QSize, QSize]:
        """The three widgets' size hints, kept until Qt invalidates the layout (a widget's hint or
        visibility changed): a stacked view asks every screen's height for a width on each step shown,
        many times, and each question crossed into Python and asked the keyboard's whole grid again."""
        if self._cached is None:
            self._cached = tuple(item.sizeHint() if not item.isEmpty() else QSize(0, 0) for item in self._items)
        return self._cached

    def invalidate(self) -> None:
        self._cached = None
        super().invalidate()

    def _keyboard_width(self, width: int) -> int:
        """The keyboard's width between back and forward in a row ``width`` wide: its hint, or less down to its
        minimum (large English's Back and Continue left it 2 px short of its hint, and the row stacked: 90 px
        taller, it pushed Back and Continue off a 1280 x 800 screen); None when even that does not fit."""
        back, keyboard, forward = self._hints()
        least = self._items[1].minimumSize().width() if not self._items[1].isEmpty() else 0
        return self._between(width, back, keyboard, forward, least)

    def _between(self, width: int, back: QSize, keyboard: QSize, forward: QSize, least: int) -> int | None:
        room = width - back.width() - forward.width() - self._gap(back) - self._gap(forward)
        return min(keyboard.width(), room) if room >= least else None

    def _gap(self, side: QSize) -> int:
        """The spacing beside the keyboard on a side with a button; none where the button is hidden: both counted,
        the services' search keys (their forward hidden) stood 15 px short of Back's side in large text on a
        1024 x 768 kiosk and went under it, the list of matches 94 px shorter."""
        return self.SPACING if side.width() > 0 else 0

    def _side_by_side(self, width: int) -> bool:
        return self._keyboard_width(width) is not None

    def _height(self, side_by_side: bool, keyboard: QSize | None = None) -> int:
        back, shown, forward = self._hints()
        keyboard = shown if keyboard is None else keyboard
        buttons = max(back.height(), forward.height())
        return max(buttons, keyboard.height()) if side_by_side else keyboard.height() + self.SPACING + buttons

    @property
    def keyboard(self) -> QWidget:
        return self._items[1].widget()

    def height_with_keyboard(self, width: int) -> int:
        """The row's height at ``width`` with its keyboard shown, whether it is shown now or not (a screen asks it
        before it lets the keys take their room)."""
        back, _shown, forward = self._hints()
        keys = self._items[1].widget()
        hint = keys.sizeHint()
        return self._height(self._between(width, back, hint, forward, keys.minimumSizeHint().width()) is not None,
                            hint)

    def sizeHint(self) -> QSize:  # noqa: N802
        back, keyboard, forward = self._hints()
        return QSize(back.width() + keyboard.width() + forward.width() + 2 * self.SPACING, self._height(True))

    def minimumSize(self) -> QSize:  # noqa: N802
        back, keyboard, forward = self._hints()
        return QSize(max(keyboard.width(), back.width() + forward.width() + self.SPACING), self._height(True))

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._height(self._side_by_side(width))

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        back, keyboard, forward = self._hints()
        b_item, k_item, f_item = self._items
        if self._side_by_side(rect.width()):
            bottom = rect.bottom() + 1
            b_item.setGeometry(QRect(rect.left(), bottom - back.height(), back.width(), back.height()))
            f_item.setGeometry(QRect(rect.right() + 1 - forward.width(), bottom - forward.height(), forward.width(),
                                     forward.height()))
            width = self._keyboard_width(rect.width())
            left = min(max(rect.left() + (rect.width() - width) // 2, rect.left() + back.width() + self._gap(back)),
                       rect.right() + 1 - forward.width() - self._gap(forward) - width)  # centred, clear of them
            k_item.setGeometry(QRect(left, bottom - keyboard.height(), width, keyboard.height()))
            return
        width = min(keyboard.width(), rect.width())
        k_item.setGeometry(QRect(rect.left() + (rect.width() - width) // 2, rect.top(), width, keyboard.height()))
        row = rect.top() + keyboard.height() + self.SPACING
        b_item.setGeometry(QRect(rect.left(), row, back.width(), back.height()))
        f_item.setGeometry(QRect(rect.right() + 1 - forward.width(), row, forward.width(), forward.height()))


def keyboard_row(back: QPushButton, keyboard: QWidget, forward: QPushButton) -> KeyboardRow:
    return KeyboardRow(back, keyboard, forward)


class TitleWithNotice(QHBoxLayout):
    """A screen's title with its notice beside it, for a screen whose fields scroll above a touch keyboard: in the
    scrolling part the notice sat below the fields, out of sight (the principal's "does not match the register"), and
    a line of its own made the screen taller than 1280x800 in large text (kiosk bench ui-monkey). The title has two
    fifths of the width: at one third a long service name took four lines in large English, beside a notice, and left
    the form's field a sliver above the keyboard (a saved application resumed at its form, GJJ-004)."""

    TITLE_SHARE, NOTICE_SHARE = 2, 3

    def __init__(self, title: QLabel, notice: "NoticeLabel", *after: QWidget) -> None:
        super().__init__()
        self.title, self.notice, self._after = title, notice, after
        self._put_away: list[QWidget] = []  # what stand_aside hid, to show again
        title.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.addWidget(title, self.TITLE_SHARE)
        self.addWidget(notice, self.NOTICE_SHARE)
        for widget in after:
            self.addWidget(widget)

    def height_with_notice(self, width: int, notice: bool = True) -> int:
        """The heading's height at ``width`` with its notice shown, whether it is shown now or not (a screen asks it
        before it lets the keys take their room); or with no notice, the title alone beside what follows it. Both as
        though the heading had not stood aside."""
        spacing = max(self.spacing(), 0)
        margins = self.contentsMargins()
        after = [w for w in self._after if not w.isHidden() or w in self._put_away]
        rest = (width - margins.left() - margins.right() - sum(w.sizeHint().width() for w in after)
                - spacing * (len(after) + (1 if notice else 0)))
        title_width = rest * self.TITLE_SHARE // (self.TITLE_SHARE + self.NOTICE_SHARE) if notice else rest
        heights = [height_for(self.title, title_width)]
        if notice:
            heights.append(height_for(self.notice, rest - title_width))
        return max(heights + [w.sizeHint().height() for w in after]) + margins.top() + margins.bottom()

    def stand_aside(self, aside: bool) -> None:
        """The title and what follows it hidden, so that the part between the heading and the keys has its height
        (the notice is its screen's to show or hide); or shown again as they were."""
        if aside and not self._put_away:
            self._put_away = [w for w in (self.title, *self._after) if not w.isHidden()]
            for widget in self._put_away:
                widget.hide()
        elif not aside and self._put_away:
            put_away, self._put_away = self._put_away, []
            for widget in put_away:
                widget.show()

    @property
    def stood_aside(self) -> bool:
        return bool(self._put_away)


def caption_of(field: QWidget, within: QWidget) -> QLabel | None:
    """The shown label of ``within`` whose buddy ``field`` is: the words saying what the field is for."""
    return next((c for c in within.findChildren(QLabel) if c.buddy() is field and c.isVisible()), None)


def restyle_as(widget: QWidget, name: str, value: bool) -> None:
    """A dynamic property the stylesheet selects on (``QLabel[headline="true"]``) set, and the widget styled again
    at once: Qt reads such a selector only when it polishes the widget."""
    widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def height_for(widget: QWidget, width: int) -> int:
    """The widget's height at ``width`` where it has one that depends on it, else its size hint's."""
    height = widget.heightForWidth(width) if widget.hasHeightForWidth() else -1
    return height if height >= 0 else widget.sizeHint().height()


def title_with_notice(title: QLabel, notice: "NoticeLabel", *after: QWidget) -> TitleWithNotice:
    return TitleWithNotice(title, notice, *after)


def column_host(spacing: int = 12) -> tuple[QWidget, QVBoxLayout]:
    """A widget and its column, for the part of a screen that scrolls (room on the right for the bar)."""
    host = QWidget()
    column = QVBoxLayout(host)
    column.setContentsMargins(0, 0, 16, 0)
    column.setSpacing(spacing)
    return host, column


class FocusKeepingScrollArea(QScrollArea):
    """Keeps the field being typed in within sight when the area shrinks: a touch keyboard that grows under it
    (digits, then the pinyin keyboard's letters in large text) left the field cut in half below the fold."""

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        focused, content = self.focusWidget() or QApplication.focusWidget(), self.widget()
        if focused is not None and content is not None and content.isAncestorOf(focused):
            self.keep_in_sight(focused)

    def keep_in_sight(self, widget: QWidget, margin: int = 8) -> None:
        """The whole widget in sight where it fits (its top where it does not), with its caption (the label whose
        buddy it is) above it where both fit. ``ensureWidgetVisible`` brings only a line edit's text cursor into
        sight, which leaves the field cut through the middle; the field alone left its caption cut in half at the
        top when the keyboard grew (the principal's name in large text: the citizen saw a box and half a line)."""
        content = self.widget()
        top = widget.mapTo(content, widget.rect().topLeft()).y()
        bottom = top + widget.height()
        caption = caption_of(widget, content)
        if caption is not None:
            above = caption.mapTo(content, caption.rect().topLeft()).y()
            if bottom - above <= self.viewport().height():
                top = min(top, above)
        half = (bottom - top) // 2
        room = max(0, self.viewport().height() // 2 - half)
        self.ensureVisible(0, top + half, 0, half + min(margin, room))


class FittingScrollArea(FocusKeepingScrollArea):
    """A scroll area that asks for its content's whole height at its width (Qt's asks for the height at the
    content's own preferred width, too little for wrapped lines), and scrolls only where the screen has less."""

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint, content = super().sizeHint(), self.widget()
        if content is not None and content.hasHeightForWidth():
            hint.setHeight(content.heightForWidth(self.viewport().width()) + 2 * self.frameWidth())
        return hint

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # the lines wrap anew: another height


class _VisibilityFollower(QObject):
    def __init__(self, follower: QWidget, leader: QWidget) -> None:
        super().__init__(leader)
        self._follower = follower

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.ShowToParent:
            self._follower.show()
        elif event.type() == QEvent.Type.HideToParent:
            self._follower.hide()
        return False


def follow_visibility(follower: QWidget, leader: QWidget) -> None:
    """``follower`` (a scroll area around ``leader``) shown and hidden as ``leader`` is shown and hidden (told to:
    Qt's ShowToParent and HideToParent come whether or not the follower is visible itself)."""
    leader.installEventFilter(_VisibilityFollower(follower, leader))
    follower.setVisible(not leader.isHidden())


class NoticeArea(FittingScrollArea):
    """A notice in a box of its own that asks for the notice's whole height up to ``lines`` lines, and scrolls the
    rest: the lines a long notice asked for beyond them were taken from a list beside it (the window's materials, cut
    to a sliver in large English), and where the screen had no room at all they were cut short."""

    def __init__(self, lines: int) -> None:
        super().__init__()
        self._lines = lines

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint, notice = super().sizeHint(), self.widget()
        if notice is not None:
            box = notice.height() - notice.contentsRect().height()  # its padding and border
            pitch = notice.fontMetrics().lineSpacing() * LINE_HEIGHT_PERCENT / 100
            # and a quarter line: the marked-up text rounds each line's height up (four lines of large English measured
            # 167 px where four pitches are 161); the scroll bar says there is more
            hint.setHeight(min(hint.height(), round((self._lines + 0.25) * pitch) + box + 2 * self.frameWidth()))
        return hint


def notice_area(notice: "NoticeLabel", lines: int = 4) -> NoticeArea:
    """``notice`` in a :class:`NoticeArea`, shown and hidden with it."""
    area = _holding(NoticeArea(lines), notice)
    follow_visibility(area, notice)
    return area


def scroll_area(content: QWidget, fit: bool = False) -> QScrollArea:
    """A page part that scrolls down by swiping; never sideways; the field typed in stays in sight. ``fit``: it
    asks for the whole of its content's height, scrolling only what the screen has no room for."""
    return _holding(FittingScrollArea() if fit else FocusKeepingScrollArea(), content)


def _holding(area: QScrollArea, content: QWidget) -> QScrollArea:
    """``area`` holding ``content``: its width followed, no frame, scrolled down by swiping, never sideways."""
    area.setWidgetResizable(True)
    area.setWidget(content)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    enable_swipe(area)
    return area


class LineEdit(QLineEdit):
    """The terminal's line edit. Qt's ``clear()`` is an edit like any other, which ``undo()`` reverses: the words
    cleared stayed in the field's undo history, and Ctrl+Z, or "Undo" in its context menu, gave one person's words
    (a principal's ID number and name, a holder's number, a comment) back to the next; the monkeys' widget check now
    reads that history. Here ``clear()`` empties the text with ``setText``, which also empties the history."""

    def clear(self) -> None:
        self.setText("")

    def forget_history(self) -> None:
        """Keep the text, empty the undo history: a person's words emptied by an edit (Backspace over the whole
        field) left the field as empty as the terminal wants it, so it was never cleared, and Ctrl+Z gave them back
        to the next person (a credit code at the window, window-monkey seed 776)."""
        if self.isUndoAvailable() or self.isRedoAvailable():
            blocked = self.blockSignals(True)  # the same text: nobody is told of a change
            try:
                self.setText(self.text())
            finally:
                self.blockSignals(blocked)


class ComboBox(QComboBox):
    """The terminal's list box. Qt draws its choice clipped at the box's edge without a sign ("Reason for not a", a
    window in large English); here a choice too long for the box ends in "…", and the list, opened, shows every
    choice whole. ui/legibility.py takes an eliding box's choice as read. No tooltip holds it: a tooltip set while
    painting would keep one applicant's choice while the box, hidden, is not painted again."""

    elides = True

    def shown(self, option: QStyleOptionComboBox | None = None) -> str:
        """The choice as the box draws it at its present size: whole, or cut to end in "…"."""
        if option is None:
            option = QStyleOptionComboBox()
            self.initStyleOption(option)
        room = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                           QStyle.SubControl.SC_ComboBoxEditField, self).width() - 2
        return self.fontMetrics().elidedText(option.currentText, Qt.TextElideMode.ElideRight, room)

    def paintEvent(self, _event: QtGui.QPaintEvent) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        option.currentText = self.shown(option)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)


def forget_histories(root: QWidget) -> None:
    """Empty the undo history of every line edit under ``root``, at a person's end: what they typed is gone from
    each field however it was emptied (``LineEdit.forget_history``)."""
    for edit in root.findChildren(LineEdit):
        edit.forget_history()


def forget_clipboard(only_ours: bool = False) -> None:
    """Empty the clipboard (a person copied their words with Ctrl+C, or "Copy" in a field's context menu): they are
    not left there for the next. ``only_ours``: only when what it holds came from this terminal, as the platform
    says (the window, on a clerk's PC whose other programs' clipboard is theirs; some platforms, offscreen among
    them, never say so); the kiosk runs nothing else and always empties it."""
    from PySide6.QtGui import QGuiApplication

    clipboard = QGuiApplication.clipboard()
    if clipboard is not None and (clipboard.ownsClipboard() or not only_ours):
        clipboard.clear()


def field_edit(name: str = "field") -> QLineEdit:
    edit = LineEdit()
    edit.setObjectName(name)
    edit.setMinimumHeight(56)
    return edit


class FocusWatch(QObject):
    """Calls ``on_focus(widget)`` when a watched field takes the focus or is touched, ``on_leave(widget)``
    when it loses the focus (install it on each field with installEventFilter).

    A touch counts on its own: a window that is not the active one (another window was shown and
    hidden, a system dialog came and went) gets no focus events, yet the citizen's tap on a field
    must still send the keyboard's keys there."""

    def __init__(self, on_focus: Callable[[QObject], None], on_leave: Callable[[QObject], None] | None = None) -> None:
        super().__init__()
        self._on_focus, self._on_leave = on_focus, on_leave

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in (QEvent.Type.FocusIn, QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            self._on_focus(watched)
        elif event.type() == QEvent.Type.FocusOut and self._on_leave is not None:
            self._on_leave(watched)
        return False


class TouchWatch(QObject):
    """Calls ``on_touch(widget)`` when a watched widget is touched or clicked (not when it takes the focus)."""

    def __init__(self, on_touch: Callable[[QObject], None]) -> None:
        super().__init__()
        self._on_touch = on_touch

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            self._on_touch(watched)
        return False


class NoticeLabel(Label):
    """Shows a session's notice in red (error), amber (look for yourself) or green (information), each with its sign
    (colour is never the only signal); hidden when there is none. ``text()`` is the message."""

    LOOKS = {"notice": "⚠ ", "check": "ⓘ ", "info": "✓ "}  # object name (ui/theme.py): sign

    def __init__(self, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setAlignment(align)
        self.shown: Notice | None = None  # the notice shown, to show again in another language
        self.hide()

    def show_notice(self, notice: Notice | None) -> None:
        """Show ``notice``; None hides the label and empties it (a hidden message, which may quote a case
        number, is not kept for the next citizen)."""
        self.shown = notice
        if notice is None:
            self.hide()
            self.clear()
            return
        look = "notice" if notice.error else "check" if notice.check else "info"
        self.setObjectName(look)
        self.style().unpolish(self)
        self.style().polish(self)
        # polish renews the colours; the padding (the label's frame) comes only with a style change: without it
        # every notice's text touched its box (contentsRect 0 px in)
        QApplication.sendEvent(self, QEvent(QEvent.Type.StyleChange))
        message = notice.message.render()
        super().setText(self.LOOKS[look] + message)
        self._plain = message
        self.show()


class Screen(QWidget):
    """A full-window page. ``refresh`` re-reads everything, so a language switch is just a refresh."""

    def __init__(self) -> None:
        super().__init__()
        self.layout_ = QVBoxLayout(self)
        self._compact = self._narrow = self._short = False
        self._air()

    def forget(self) -> None:
        """The session ended: drop anything a citizen typed into this screen, and the last notice it showed them
        (it may quote their case number); scroll back to the top."""
        for area in self.findChildren(QAbstractScrollArea):
            for bar in (area.verticalScrollBar(), area.horizontalScrollBar()):
                bar.setValue(bar.minimum())
        for notice in self.findChildren(NoticeLabel):
            notice.show_notice(None)

    def compact(self) -> None:
        """Less air, for a screen that carries the touch keyboard."""
        self._compact = True
        self._air()

    def narrow(self, on: bool, short: bool = False) -> None:
        """On a narrow landscape screen (``ui.theme.narrow``: 1024 x 768, 1280 x 720) a compact screen's margins above
        and below are less again: an agent's form with the keyboard open was 7 px short of 768. On a short one (less
        than 768 px high) the others' too: the fee's screen pressed its words together at 720."""
        self._narrow, self._short = on, short
        self._air()

    @property
    def is_narrow(self) -> bool:
        return self._narrow

    def _air(self) -> None:
        if self._compact:
            self.layout_.setContentsMargins(32, 4 if self._narrow else 12, 32, 4 if self._narrow else 12)
            self.layout_.setSpacing(8)
        else:
            self.layout_.setContentsMargins(48, 16 if self._short else 32, 48, 16 if self._short else 32)
            self.layout_.setSpacing(10 if self._short else 16)


def clear_layout(layout) -> None:
    """Take every item out of ``layout`` and delete its widgets: hidden at once, freed by Qt later
    (a widget only handed to deleteLater stays on screen until the event loop runs)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.hide()
            widget.deleteLater()

    def refresh(self, session) -> None:  # pragma: no cover - each screen overrides
        raise NotImplementedError
