"""Start the Qt application for one mode on a built set of services."""

from __future__ import annotations

import logging
import sys
from typing import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QtMsgType, QTimer, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.app import Services, build_services
from kiosk.config import Config
from common.masking import Masker
from kiosk.tasks import ThreadTaskRunner
from ui.bridge import DeviceBridge, Dispatcher
from ui.kiosk_view import KioskView
from ui.main_window import MainWindow
from ui.maintenance_view import MaintenanceView, StatusScreen
from ui.theme import install_font, stylesheet
from ui.window_view import WindowView

log = logging.getLogger(__name__)


def _qt_message(mode: QtMsgType, context, message: str) -> None:
    """Qt's own warnings go to the log, not to the console a citizen might see."""
    level = logging.WARNING if mode in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg) else logging.DEBUG
    log.log(level, "qt: %s", message)


def qt_application() -> QApplication:
    qInstallMessageHandler(_qt_message)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    install_font(app)
    app.setStyleSheet(stylesheet())
    return app


def build_view(mode: str, services: Services, bridge: DeviceBridge) -> QWidget:
    """The mode's view, each screen given what it uses (a session, a desk, devices), not the services."""
    if mode == "window":
        return WindowView(services.new_clerk_desk(), bridge)
    if mode == "maintenance":
        devices = services.devices
        status = StatusScreen(devices.all(), devices.receipt_printer, services.tasks, bridge,
                              queue_status=services.queue.outbox.status,
                              config_refused=lambda: services.heartbeat.config_refused)
        return MaintenanceView(services.config.terminal.staff_pin, status)
    return KioskView(services.new_citizen_session(), bridge, services.config.terminal.idle_timeout_s)


def rehearsal_card(reader):
    """A simulated reader takes F2/F3 (place and remove the sample card); a real one is left alone."""
    return reader if hasattr(reader, "place_card") else None


class AfterFirstPaint(QObject):
    """Calls ``then`` once, on the GUI thread, after ``widget``'s first paint has been drawn."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._then)  # after this paint and its children's, not inside it
        return False


class Gui:
    """The services, the bridge and the window, built together and torn down together.

    The services start after the window's first paint (:class:`AfterFirstPaint`); a window that
    is never shown never starts them.
    """

    def __init__(self, config: Config, mode: str, masker: Masker | None = None) -> None:
        self.app = qt_application()
        self.dispatcher = Dispatcher()
        self.window: MainWindow | None = None
        self.services: Services = build_services(config, ThreadTaskRunner(self.dispatcher.post), masker,
                                                 on_config=self._remote_config)
        self.bridge = DeviceBridge(self.services.devices)
        self.window = MainWindow(build_view(mode, self.services, self.bridge), mode, config.terminal.id,
                                 default_language=config.terminal.language,
                                 card_sim=rehearsal_card(self.services.devices.id_reader))
        self.started = self._closed = False
        self._after_paint = AfterFirstPaint(self.window, self._start)

    def _start(self) -> None:
        """Devices, queue sync and heartbeat start once the window has been painted: the home screen
        first (their threads would otherwise compete with the first paint for the interpreter)."""
        if not self.started and not self._closed:
            self.started = True
            self.services.start()

    def _remote_config(self, config: Config) -> None:
        """From the heartbeat thread: applied on the GUI thread, and only while the window stands."""
        self.dispatcher.post(lambda: self.window is not None and self.window.apply_config(config))

    def close(self) -> None:
        """Tear down in order: no thread may hold or emit on a Qt object once it is deleted."""
        self._closed = True
        if self.window.session is not None:
            self.window.session.end("shutdown")
        if self.window.desk is not None:
            self.window.desk.next_applicant()
        self.services.stop()  # joins device, sync and heartbeat threads; waits for running tasks
        self.bridge.detach()
        self.window.shutdown()
        self.window.close()
        for obj in (self.window, self.bridge, self.dispatcher):
            obj.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()


def run_gui(config: Config, mode: str, masker: Masker | None = None, fullscreen: bool = True) -> int:
    gui = Gui(config, mode, masker)
    if fullscreen:
        gui.window.showFullScreen()
    else:
        gui.window.resize(1280, 800)
        gui.window.show()
    try:
        return gui.app.exec()
    finally:
        gui.close()
