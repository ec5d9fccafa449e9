"""One start-up sample of ``kiosk bench ui``, run as a fresh process: ``python -c SOURCE SIDE [URL DATA_DIR]``.

The parent runs this file's source with ``-c`` (not ``-m``), so the bare side imports nothing but
PySide6: no package ``__init__`` of ours is loaded on either side before the measurement starts.
Both sides record, with ``time.monotonic()`` (one clock for the whole machine), when the first
paint event reaches the widget that matters, through the same event filter:

- ``bare``: a QApplication and a QMainWindow whose central widget is a plain QWidget;
- ``terminal``: the real :class:`ui.app.Gui` in kiosk mode on simulated devices against the
  sandbox at URL, shown as ``kiosk run --windowed`` shows it; the widget is the real home screen.
  It also records when the terminal became usable: every device started, the two the home screen
  invites a citizen to use (ID card reader, QR scanner) READY, and the backend's answer to the
  terminal's first call known (enrolled, or failed: the terminal knows it is offline); and when
  every device was READY (the document camera's first frame comes last).

It prints one JSON line of marks and exits; ``cpu_*`` marks are the process's CPU time (all threads)
at the same moments, which a loaded machine inflates less than the wall clock.
"""

import json
import os
import sys
import time


def _main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    side = sys.argv[1]
    from PySide6.QtCore import QEvent, QObject, Qt, QTimer
    marks: dict[str, float] = {}

    class FirstPaint(QObject):
        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint and "paint" not in marks:
                marks["paint"] = time.monotonic()
                marks["cpu_paint"] = time.process_time()
            return False

    first_paint = FirstPaint()
    if side == "bare":
        from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

        app = QApplication(sys.argv[:1])
        window = QMainWindow()
        window.setCentralWidget(QWidget())
        window.centralWidget().installEventFilter(first_paint)
        window.resize(1280, 800)
        window.show()
        usable = all_ready = lambda: "paint" in marks  # noqa: E731 - a bare window is usable once painted
        close = window.close
    else:
        from kiosk.config import load_config
        from ui.app import Gui

        url, data_dir = sys.argv[2], sys.argv[3]
        config = load_config(overrides={"backend": {"url": url}, "paths": {"data_dir": data_dir},
                                        "logging": {"console": False}})
        gui = Gui(config, "kiosk", staged=True)  # as `kiosk run` starts it: the home screen, then the services
        app = gui.app
        gui.window.view.home.installEventFilter(first_paint)
        gui.window.resize(1280, 800)
        gui.window.show()

        def ready(devices) -> bool:
            from devices.health import DeviceState

            return all(d.health.state is DeviceState.READY for d in devices)

        def usable() -> bool:
            if "paint" not in marks or not gui.started:
                return False
            devices, heartbeat = gui.services.devices, gui.services.heartbeat
            # what the home screen invites a citizen to use: the ID card reader and the QR scanner
            return ready((devices.id_reader, devices.qr_scanner)) and (
                heartbeat.enrolled or heartbeat.last_error is not None)

        def all_ready() -> bool:
            return gui.started and ready(gui.services.devices.all())
        close = gui.close

    def check() -> None:
        if "usable" not in marks and usable():
            marks["usable"] = time.monotonic()
            marks["cpu_usable"] = time.process_time()
        if "all_ready" not in marks and all_ready():
            marks["all_ready"] = time.monotonic()
        if "usable" in marks and "all_ready" in marks:
            poll.stop()
            app.quit()

    poll = QTimer()
    poll.setTimerType(Qt.TimerType.PreciseTimer)
    poll.timeout.connect(check)
    poll.start(1)
    QTimer.singleShot(60_000, app.quit)  # a terminal that never becomes usable still ends the sample
    app.exec()
    print(json.dumps(marks), flush=True)
    close()


if __name__ == "__main__":
    _main()
