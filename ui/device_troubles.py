"""The window's line naming the devices that cannot work now, so the clerk knows before a decision's papers fail to
print or a scan fails: "⚠ Not working now: A4 document printer, Receipt printer". The line, in the window's footer
(it was under the applicant, where the desk's left column had no room left for it: ui/window_view.py), only names
them: two lines at most. Names that take more at the line's width are counted instead ("⚠ Not working now: 3
devices": three names took 141 px of the left column's 128 in large English beside a company's row, kiosk bench
window-monkey --whole-words, seed 857). Its tooltip names each and says why, a device on a line ("A4 document
printer: The document printer is out of paper. ..."), for a clerk whose own desk printer wants paper.

A device counts once its trouble has lasted ``GRACE_S``: a camera connecting at start-up or a printer busy a moment
is not named, nor one not opened yet (devices/health.Health.out_of_order)."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from shiboken6 import Shiboken

from common.i18n import _, ngettext
from devices.health import Health
from kiosk.diagnostics import KIND_LABELS, LIST_SEPARATOR
from ui.widgets import label

GRACE_S = 5.0  # a trouble shorter than this is not named
RECHECK_MS = 1000  # while a trouble waits out its grace, the line is looked at again this often
TWO_LINES = "⚠ X\nX"  # the most the line's names may take: its height for two lines, measured in its own font


def whole(name: str) -> str:
    """A device's name never parted within a word at a line's end: Qt breaks Chinese between any two characters
    ("A4 文书打印|机" in large text); a word joiner (U+2060) between two characters of a word forbids it."""
    joined = []
    for char, after in zip(name, name[1:] + " "):
        joined.append(char + ("\u2060" if not char.isspace() and not after.isspace() else ""))
    return "".join(joined)


class DeviceTroubles(QObject):
    """A label (``widget``) fed each device's health; hidden while every device works."""

    def __init__(self, healths: list[Health]) -> None:
        super().__init__()
        self.widget = label("notice", align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.widget.hide()
        self._named_text = self._counted_text = ""
        self.widget.installEventFilter(self)  # a new width: the names or the count, again
        self._healths = {health.device: health for health in healths}
        self._timer = QTimer(self.widget)
        self._timer.setInterval(RECHECK_MS)
        self._timer.timeout.connect(self.refresh)
        self.refresh()

    def follow(self, health: Health) -> None:
        if health.device in self._healths:  # a device of this terminal's (one not installed is never told)
            self._healths[health.device] = health
            if Shiboken.isValid(self._timer):  # a change told as the window closes, its line gone: nothing to show
                self.refresh()

    def named(self, now: float | None = None) -> list[str]:
        """The devices in trouble past their grace, by kind, as staff call them."""
        now = time.monotonic() if now is None else now
        return [device for device, health in self._healths.items()
                if health.out_of_order and now - health.since >= GRACE_S]

    def refresh(self) -> None:
        named = self.named()
        waiting = sum(health.out_of_order for health in self._healths.values()) > len(named)  # within their grace
        if waiting and not self._timer.isActive():
            self._timer.start()
        elif not waiting:
            self._timer.stop()
        if named:
            devices = _(LIST_SEPARATOR).join(whole(_label(name)) for name in named)
            self._named_text = "⚠ " + _("Not working now: {devices}").format(devices=devices)
            self._counted_text = "⚠ " + ngettext("Not working now: {count} device", "Not working now: {count} devices",
                                                 len(named)).format(count=len(named))
            self._fit()
            reasons = [(name, self._healths[name].reason) for name in named]
            self.widget.setToolTip("\n".join(_("{device}: {reason}").format(device=_label(name), reason=reason.render())
                                             for name, reason in reasons if reason is not None))
        self.widget.setVisible(bool(named))

    def _fit(self) -> None:
        """The names, or the count where the names take more than two lines at the line's width (its height is the
        layout's to give: the width alone decides, so the choice never swings)."""
        line = self.widget
        if not self._named_text:
            return
        width = line.width()
        if width <= 0:
            line.setText(self._named_text)
            return
        line.setText(TWO_LINES)  # measured, never shown: the text is chosen before the event loop paints
        two_lines = line.heightForWidth(width)
        line.setText(self._named_text)
        if line.heightForWidth(width) > two_lines:
            line.setText(self._counted_text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is getattr(self, "widget", None) and event.type() == QEvent.Type.Resize and (
                event.size().width() != event.oldSize().width()):
            self._fit()
        return False


def _label(device: str) -> str:
    """The device's name as staff call it (its kind's label), in the language shown."""
    return _(KIND_LABELS[device]) if device in KIND_LABELS else device
