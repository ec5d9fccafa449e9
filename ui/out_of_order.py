"""The screen of a terminal that cannot write to its disk (``kiosk.disk_check``): out of order, in both languages,
for whoever walks up; why, in small type, for staff. It looks at the disk again every ``supervisor.disk_look_s``, off
the GUI thread, and ends when the disk takes writes again, for ``kiosk supervise`` to start the terminal afresh. It
keeps nothing and asks nothing."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from common.i18n import N_, text
from kiosk.disk_check import unwritable
from ui import signs_of_life, stop_signals
from ui.app import qt_application
from ui.dispatcher import Dispatcher
from ui.theme import ERROR, MUTED, PAGE, TEXT

TITLE = N_("Out of order")
SAID = N_("This terminal cannot store anything right now. Please use another terminal, or ask the hall staff.")
FOR_STAFF = N_("For staff: the terminal cannot write to its disk ({detail}). It starts again by itself once the "
               "disk takes writes; kiosk doctor says more.")


class OutOfOrder(QWidget):
    """The screen; ``check`` is asked every ``recheck_s`` and the screen closes once it says None."""

    def __init__(self, data_dir: Path, detail: str, recheck_s: float, check=unwritable) -> None:
        super().__init__()
        self.setObjectName("outOfOrder")
        self.setStyleSheet(f"#outOfOrder {{ background: {PAGE}; }}")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.lines: list[QLabel] = []
        for language in ("zh_CN", "en"):
            title = QLabel(text(TITLE).render(language))
            title.setStyleSheet(f"font-size: 48px; font-weight: bold; color: {ERROR};")
            said = QLabel(text(SAID).render(language))
            said.setStyleSheet(f"font-size: 28px; color: {TEXT};")
            for label in (title, said):
                label.setAlignment(Qt.AlignmentFlag.AlignCenter)
                label.setWordWrap(True)
                layout.addWidget(label)
                self.lines.append(label)
            layout.addSpacing(40)
        self.staff = QLabel(text(FOR_STAFF, detail=detail).render("zh_CN") + "\n"
                            + text(FOR_STAFF, detail=detail).render("en"))
        self.staff.setStyleSheet(f"font-size: 16px; color: {MUTED};")
        self.staff.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.staff.setWordWrap(True)
        layout.addStretch(1)
        layout.addWidget(self.staff)
        self._data_dir, self._check = data_dir, check
        self.writable_again = False
        self._looking = False
        self._dispatcher = Dispatcher()  # the check's answer back on the GUI thread
        self._timer = QTimer(self)
        self._timer.setInterval(int(recheck_s * 1000))
        self._timer.timeout.connect(self._look_again)
        self._timer.start()

    def _look_again(self) -> None:
        """The disk asked on a thread of its own: a failing disk's write and fsync may take minutes, and the GUI
        thread that waited would stop the signs of life (kiosk supervise would start it again and again)."""
        if self._looking:
            return
        self._looking = True

        def look() -> None:
            try:
                problem = self._check(self._data_dir)
            except Exception as exc:  # noqa: BLE001 - a bug in the check: still out of order, asked again later
                problem = f"{type(exc).__name__}: {exc}"
            self._dispatcher.post(lambda: self._looked(problem))

        threading.Thread(target=look, name="disk-check", daemon=True).start()

    def _looked(self, problem: str | None) -> None:
        self._looking = False
        if problem is None:
            self.writable_again = True
            self._timer.stop()
            self.close()


def run_out_of_order(data_dir: Path, detail: str, recheck_s: float, fullscreen: bool = True) -> int:
    """The screen until the disk takes writes again, looked at every ``recheck_s`` (then 0: ``kiosk supervise``
    starts the terminal afresh)."""
    app = qt_application()
    screen = OutOfOrder(data_dir, detail, recheck_s)
    if fullscreen:
        screen.setGeometry(app.primaryScreen().geometry())
        screen.showFullScreen()
    else:
        screen.resize(1280, 800)
        screen.show()
    app.setQuitOnLastWindowClosed(True)
    beats = signs_of_life.install(app, app.quit)  # under kiosk supervise: alive, not to be started again
    stops = stop_signals.install(app, app.quit)
    try:
        return app.exec()
    finally:
        if beats is not None:
            beats.stop()
        stops.uninstall()
