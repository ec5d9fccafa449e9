"""Start the Qt application for one mode: the window first, then the services it runs on."""

from __future__ import annotations

import logging
import os
import sys
import threading
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from common.i18n import N_, text
from ui import gui_thread_gc, long_lived, qt_messages, signs_of_life, stop_signals
from ui.dispatcher import Dispatcher
from ui.display import below_least, display_for
from ui.kiosk_view import KioskView
from ui.main_window import MainWindow
from ui.theme import install_font, install_palette, stylesheet

if TYPE_CHECKING:  # imported where the services are built, after the first paint under `kiosk run`
    from common.masking import Masker
    from kiosk.app import Services
    from kiosk.config import Config
    from ui.bridge import DeviceBridge

log = logging.getLogger(__name__)
RESTARTED = N_("This terminal has just restarted. If you were in the middle of something, please start again.")
COMPOSE_JOIN_S = 30.0  # closing while the services are still being built: how long to wait for them
COMPOSE_SWITCH_S = 0.001  # the interpreter's switch interval while the services are composed beside the first paint
START_FAILED = 3  # kiosk run's exit status when the services could not be built (ui.app.run_gui)


def qt_application() -> QApplication:
    qt_messages.install()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    gui_thread_gc.install(app)  # the cyclic collector never runs on a worker thread (ui/gui_thread_gc.py)
    install_font(app)
    install_palette(app)
    app.setStyleSheet(stylesheet())
    return app


def build_view(mode: str, services: Services, bridge: DeviceBridge, first: QWidget) -> QWidget:
    """The mode's working view, each screen given what it uses (a session, a desk, devices), not the
    services. The kiosk's is the view already on screen (``first``), now given its session."""
    if mode == "window":
        from ui.window_view import WindowView

        return WindowView(services.new_clerk_desk(), bridge, services.config.terminal,
                          report=services.heartbeat.also_report)
    if mode == "maintenance":
        from kiosk.logging_setup import LOG_FILE, log_dir
        from kiosk.restarts import RestartLog
        from ui.maintenance_diagnostics import DiagnosticsScreen
        from ui.maintenance_view import MaintenanceView, StatusScreen
        from ui.voice import VoiceGuide

        devices, access = services.devices, services.new_maintenance()
        status = StatusScreen(devices.all(), devices.receipt_printer, services.tasks, bridge,
                              queue_status=services.queue.status,
                              config_refused=lambda: services.heartbeat.config_refused,
                              audit_check=services.audit.check,
                              voice=VoiceGuide(services.config.voice, services.tasks),  # staff try the volume
                              record=access.record,
                              restarts=RestartLog(services.config.data_dir).recent,
                              document_printer=devices.document_printer, terminal_id=services.config.terminal.id)
        log_file = log_dir(services.config.data_dir) / LOG_FILE
        diagnostics = DiagnosticsScreen(services.heartbeat.contact, log_file, services.config, services.tasks,
                                        back=lambda: view.back_to_devices(), hall_terminals=access.hall_terminals,
                                        config_in_effect=lambda: services.heartbeat.config)
        terminal = services.config.terminal
        view = MaintenanceView(access, status, diagnostics, idle_s=terminal.maintenance_idle_timeout_s,
                               warning_s=terminal.maintenance_idle_warning_s)
        return view
    first.attach(services.new_citizen_session(), bridge, services.config.terminal,
                 backend_online=lambda: services.heartbeat.last_error is None,
                 social_security_card=services.devices.ss_card_reader.installed)
    return first


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

    The window comes first: for the kiosk its real home screen, built from Qt and the translation
    layer alone. The services (and the imports they need: the backend client, the queue, device
    drivers) are built either at once (``staged=False``: tests, the demo, benches that drive it) or,
    as ``kiosk run`` does (``staged=True``), on a thread of their own while the home screen is
    painted: the composition root is Qt-free, and the backend's first call (the enrolment) goes out
    from there at once (``Services.start_network``). The GUI thread never waits for it: once both
    the first paint and the services are done, it builds the screens on them and starts the
    devices (the document camera's driver after the heartbeat's first answer:
    devices/doccam/late.py). Either way the devices start only after the first paint
    (:class:`AfterFirstPaint`), and a window that is never shown never starts them. Started after the
    first paint instead, the composer made the terminal usable later (bench ui's ratio 3.8-4.8 in three
    runs against 3.3-4.0) and the paint no sooner (paint_ratio 1.52-1.67 against 1.51-1.61): this
    machine's noise, 190-350 ms for the bare window between runs, is larger than either effect.
    """

    def __init__(self, config: Config, mode: str, masker: Masker | None = None, *, staged: bool = False,
                 freeze_long_lived: bool | None = None, restarted: bool = False,
                 on_start_failed: Callable[[], None] | None = None) -> None:
        """``on_start_failed``: called on the GUI thread when the staged services could not be built (``kiosk run``
        ends, for ``kiosk supervise`` to start it again); without it the failure is raised there."""
        self.app = qt_application()
        self._on_start_failed = on_start_failed
        self.config, self.mode, self.masker, self.staged = config, mode, masker, staged
        self.restarted = restarted  # kiosk supervise has just started it again: home, or the window's sign-in, says so
        # a terminal process (kiosk run, and the bench that measures it) freezes what it keeps for life;
        # a test process that makes hundreds of Guis does not (their leftovers would never be collected)
        self.freeze_long_lived = staged if freeze_long_lived is None else freeze_long_lived
        self.long_lived_frozen = False  # set aside once started (and for the kiosk, warmed up)
        self.services: Services | None = None
        self.bridge: DeviceBridge | None = None
        self.dispatcher = Dispatcher()
        self._voice_tasks = None  # the voice's own thread (_voice)
        self.started = self._closed = self._painted = False
        self._composer: threading.Thread | None = None
        self._composed_services: Services | None = None  # built by the composer, not yet taken by the GUI thread
        self._early_config: Config | None = None  # remote configuration that came before the screens
        first = KioskView() if mode == "kiosk" else QWidget()
        self.window = MainWindow(first, mode, config.terminal.id, default_language=config.terminal.language)
        if staged:
            self._composer = threading.Thread(target=self._compose, name="compose-services", daemon=True)
            self._composer.start()
            self._after_paint = AfterFirstPaint(self.window, self._first_paint)
        else:
            self._attach(self._build_services())
            self._after_paint = AfterFirstPaint(self.window, self._start)

    def _build_services(self) -> Services:
        from kiosk.app import build_services
        from kiosk.tasks import ThreadTaskRunner

        return build_services(self.config, ThreadTaskRunner(self.dispatcher.post), self.masker,
                              on_config=self._remote_config, late_document_camera=self.staged,
                              device_tasks=ThreadTaskRunner(self.dispatcher.post, workers=1, name="device"),
                              print_tasks=ThreadTaskRunner(self.dispatcher.post, workers=1, name="print"),
                              desk_tasks=ThreadTaskRunner(self.dispatcher.post, workers=1, name="desk")
                              if self.mode in ("kiosk", "window") else None)

    def _compose(self) -> None:
        """On its own thread (``staged``): the services built and the network started, then handed
        to the GUI thread. A failure is raised there, where ``kiosk run``'s hook logs it."""
        interval = sys.getswitchinterval()
        # While it composes, the GUI thread paints: each of its calls into Python (an event filter, a size
        # hint) waits for the interpreter lock at most this long, not the default 5 ms.
        sys.setswitchinterval(COMPOSE_SWITCH_S)
        try:
            services: Any = self._build_services()
            services.start_network()
        except BaseException as exc:  # noqa: BLE001 - carried to the GUI thread whole
            log.exception("start-up: the services could not be built")
            failure = exc

            def fail() -> None:
                # a home screen without services answers nothing and said nobody was using it never: it stood there
                # for good (a disk that filled while the queue's key was written, tests/test_supervise_terminal.py)
                if self._on_start_failed is None:
                    raise failure
                log.error("start-up: the terminal ends, to be started again (kiosk supervise): %s",
                          type(failure).__name__)
                self._on_start_failed()

            self.dispatcher.post(fail)
            return
        finally:
            sys.setswitchinterval(interval)
        self._composed_services = services
        self.dispatcher.post(self._composed)

    def _composed(self) -> None:
        services, self._composed_services = self._composed_services, None
        if services is None or self._closed:  # close() has taken and stopped them
            return
        self._attach(services)
        if self._painted:
            self._start()

    def _first_paint(self) -> None:
        self._painted = True
        if self.services is not None:
            self._start()

    def _attach(self, services: Services) -> None:
        """The screens given what they use; on the GUI thread."""
        from kiosk.pinyin_input import PinyinWords
        from ui import pinyin_keyboard
        from ui.bridge import DeviceBridge

        self.services = services
        self.bridge = DeviceBridge(services.devices)
        pinyin_keyboard.install(PinyinWords(), services.tasks)  # pinyin for Chinese fields, words read on first use
        view = build_view(self.mode, services, self.bridge, self.window.view)
        self.window.attach(view, card_sim=rehearsal_card(services.devices.id_reader), voice=self._voice())
        if self.restarted and self.mode == "kiosk":  # whoever was halfway through is not left wondering
            from kiosk.workflows.citizen import Notice

            view.session.tell_at_home(Notice(text(RESTARTED), error=False))
        elif self.restarted and self.mode == "window":  # nor the clerk: the matter in hand was not kept
            view.desk.tell_restarted()
        if self._early_config is not None:
            self.window.apply_config(self._early_config)
            self._early_config = None

    def _voice(self):
        """The kiosk's voice guidance (ui/voice.py); its engine is chosen the first time it speaks. It synthesizes on
        a thread of its own: on the task pool, a prompt queued behind backend calls waiting out their read timeout
        (the pool's four workers are soon held when the backend does not answer), and was said that much late."""
        if self.mode != "kiosk":
            return None
        from kiosk.tasks import ThreadTaskRunner
        from ui.voice import VoiceGuide

        self._voice_tasks = ThreadTaskRunner(self.dispatcher.post, workers=1, name="voice")
        return VoiceGuide(self.services.config.voice, self._voice_tasks)

    def _start(self) -> None:
        """Devices, queue sync and heartbeat start once the window has been painted: the home screen
        first (their threads would otherwise compete with the first paint for the interpreter). What
        lives as long as the terminal is set aside from garbage collection once it exists
        (ui/long_lived.py): for the kiosk when its warm-up has built every screen."""
        if not self.started and not self._closed:
            self.started = True
            self.services.start()
            self._keep_screen_on()
            if not self.freeze_long_lived:
                return
            if isinstance(self.window.view, KioskView):
                self.window.view.warmed_up.connect(self._freeze_after_search_readings)
            elif self.mode == "window":
                self._freeze_after_document_font()
            else:  # maintenance's "Test voice" loaded the audio on the GUI thread, 126 ms (bench maintenance-monkey)
                QTimer.singleShot(0, self._warm_voice_and_freeze)

    def _keep_screen_on(self) -> None:
        """On X11, the X server's screen saver and DPMS turned off (kiosk/screen_blanking.py), on the task pool; with
        the window up, its connection keeps the settings (a server resets them when its last client leaves)."""
        display = os.environ.get("DISPLAY", "")
        if self.services.config.terminal.screen_blanking != "off" or QApplication.platformName() != "xcb" \
                or not display:
            return
        from kiosk import screen_blanking

        def done(result: tuple) -> None:
            before, after = result
            if after is None or after.blanks:
                log.warning("screen: blanking not turned off (%s)", after.said() if after else "xset could not ask")
            elif before is not None and before.blanks:
                log.info("screen: blanking turned off (was: %s)", before.said())

        self.services.tasks.run(lambda: screen_blanking.keep_on(display), done,
                                lambda exc: log.warning("screen: blanking not turned off (%s)", type(exc).__name__))

    def _freeze_after_search_readings(self) -> None:
        """The voice's audio backend is loaded (ui/voice.py ``warm_up``, on this thread), the service search's
        readings (kiosk/search.py ``preload``) are read on a worker, then what the terminal keeps for its life is set
        aside, those readings with it (done or not: the search then reads them later)."""
        from kiosk import search

        if self.window.voice is not None:
            self.window.voice.warm_up()

        def failed(exc: BaseException) -> None:
            log.warning("search: readings not preloaded (%s)", type(exc).__name__)
            self._freeze_once()

        self.services.tasks.run(search.preload, lambda _done: self._freeze_once(), failed)

    def _freeze_after_document_font(self) -> None:
        """The window's A4 documents' font (kiosk/a4_layout.py ``preload``) parsed on a worker, then the freeze,
        the font with it (done or not: the first document then parses it)."""
        from kiosk import a4_layout

        def failed(exc: BaseException) -> None:
            log.warning("documents: font not preloaded (%s)", type(exc).__name__)
            self._freeze_once()

        self.services.tasks.run(a4_layout.preload, lambda _done: self._freeze_once(), failed)

    def _warm_voice_and_freeze(self) -> None:
        """Maintenance's voice (its "Test voice") warmed up as the kiosk's is, then the freeze."""
        from ui.maintenance_view import MaintenanceView

        view = self.window.view
        voice = view.voice if isinstance(view, MaintenanceView) else None
        if voice is not None:
            voice.warm_up()
        self._freeze_once()

    def _freeze_once(self) -> None:
        if not self._closed:
            long_lived.freeze()
            self.long_lived_frozen = True

    def _remote_config(self, config: Config) -> None:
        """From the heartbeat thread: applied on the GUI thread, and only while the window stands
        (kept until the screens are built when it comes before them)."""
        self.dispatcher.post(lambda: self._apply_config(config))

    def _apply_config(self, config: Config) -> None:
        if self._closed:
            return
        if self.services is None:
            self._early_config = config
            return
        self.window.apply_config(config)

    def nobody_using(self) -> bool:
        """Nobody uses the terminal now: the kiosk at home, the window's clerk or maintenance's staff signed out
        (a planned restart waits for it: kiosk/supervisor.py). False until the screens are built."""
        if not self.started or self._closed:
            return False
        window = self.window
        if window.session is not None:
            return window.session.at_home and not window.session.busy
        if window.desk is not None:
            return not window.desk.signed_in
        access = getattr(window.view, "access", None)
        return access is not None and not access.unlocked

    def device_held(self) -> bool:
        """A device has been held by one call past ``supervisor.device_held_s`` (kiosk/held_devices.py): said with
        the signs of life, so the supervisor starts the terminal afresh once nobody uses it."""
        services = self.services
        held = None if services is None else services.held_devices
        return held is not None and held.any()

    def disk_refused(self) -> bool:
        """The disk refused the last write the terminal tried (kiosk/disk_watch.py): said with the signs of life, so
        the supervisor starts the terminal afresh once nobody uses it, and its start shows that it is out of order."""
        services = self.services
        watch = None if services is None else services.disk_watch
        return watch is not None and watch.refused

    def close(self) -> None:
        """Tear down in order: no thread may hold or emit on a Qt object once it is deleted. Once."""
        if self._closed:
            return
        self._closed = True
        if self.services is None:  # closed before the services were built (or taken from the composer)
            if self._composer is not None:
                self._composer.join(timeout=COMPOSE_JOIN_S)  # shutting down: what it built is stopped too
                composed, self._composed_services = self._composed_services, None
                if composed is not None:
                    composed.stop()
            self.window.shutdown()
            self.window.close()
            self.window.deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            return
        if self.window.session is not None:
            self.window.session.end("shutdown")
        if self.window.desk is not None:
            self.window.desk.next_applicant()
        if hasattr(self.window.view, "close_customer_screen"):
            self.window.view.close_customer_screen()
        self.services.stop()  # joins device, sync and heartbeat threads; waits for running tasks
        if self._voice_tasks is not None:
            self._voice_tasks.shutdown()  # a prompt being synthesized ends within voice.timeout_s
        from ui import pinyin_keyboard  # imported by _build already

        pinyin_keyboard.uninstall()  # the next Gui installs its own
        self.bridge.detach()
        self.window.shutdown()
        self.window.close()
        for obj in (self.window, self.bridge, self.dispatcher):
            obj.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()


def fill_screen(window: MainWindow, app: QApplication, diagonal_in: float) -> None:
    """``window`` full screen on the primary screen, and again whenever that screen's size changes or another screen
    becomes primary: a terminal started while its monitor was off (or before it woke) comes up on the X server's
    fallback mode (1024 x 768), and when the monitor came on at 1920 x 1080 the window stayed 1024 x 768 in a corner,
    as nothing but the window itself resizes it on a bare X session (tests/test_screen_change.py)."""
    watched: list = []

    def fill() -> None:
        screen = app.primaryScreen()
        if screen is None:  # every monitor gone: the window stays as it is until one comes back
            return
        if not watched or watched[0] is not screen:
            if watched:
                try:
                    watched[0].geometryChanged.disconnect(on_change)
                except (RuntimeError, TypeError):  # the screen object is gone with its monitor
                    pass
            watched[:] = [screen]
            screen.geometryChanged.connect(on_change)
        size = screen.size()
        window.set_display(display_for(size.width(), size.height(), diagonal_in, screen.physicalDotsPerInch()))
        # the screen's whole size as well as the full-screen state: a terminal's bare X session often has no window
        # manager to honour the state, and the window came up at its own size in a corner (714 x 581 of 1280 x 800,
        # tests/test_customer_screen_display.py)
        window.setGeometry(screen.geometry())
        window.showFullScreen()
        log.info("display: full screen at %dx%d", size.width(), size.height())
        least = below_least(size.width(), size.height(), window.mode)
        if least is not None:
            log.warning("display: %dx%d is below %dx%d: large text (elderly mode) grows the window past the screen, "
                        "its buttons off it (kiosk doctor)", size.width(), size.height(), *least)

    def on_change(*_args: object) -> None:
        fill()

    app.primaryScreenChanged.connect(on_change)
    fill()


def run_gui(config: Config, mode: str, masker: Masker | None = None, fullscreen: bool = True,
            restarted: bool = False) -> int:
    """``restarted``: kiosk supervise has just started the terminal again after a freeze or a crash."""
    gui = Gui(config, mode, masker, staged=True, restarted=restarted,
              on_start_failed=lambda: QCoreApplication.exit(START_FAILED))
    if fullscreen:
        fill_screen(gui.window, gui.app, config.terminal.screen_diagonal_in)
    else:
        gui.window.resize(1280, 800)
        gui.window.show()
    beats = signs_of_life.install(gui.app, gui.app.quit, gui.nobody_using, gui.device_held,  # under kiosk supervise
                                  gui.disk_refused)
    stops = stop_signals.install(gui.app, gui.app.quit)
    try:
        return gui.app.exec()
    finally:
        if beats is not None:
            beats.stop()
        gui.close()
        stops.uninstall()
        log.info("the terminal closed in order")
