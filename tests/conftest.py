"""Shared fixtures: a real sandbox backend on loopback, a temporary data directory, a config for both."""

from __future__ import annotations

import gc
import os

from entry.offscreen import PLATFORM  # noqa: E402

# always, whatever the shell says: two monitors, the window's applicant screen on the second (entry/offscreen.py)
os.environ["QT_QPA_PLATFORM"] = PLATFORM
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

from kiosk.config import Config, load_config  # noqa: E402
from common.i18n import set_language  # noqa: E402
from sandbox.server import SandboxServer  # noqa: E402
from tests.backend_helpers import TEST_WINDOWS  # noqa: E402

# Property tests: a small budget, the same examples on every run (kiosk bench fuzz runs the same
# properties with a large budget and random seeds).
settings.register_profile("onetrip-tests", max_examples=200, deadline=None, derandomize=True, database=None,
                          print_blob=False, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "onetrip-tests"))


# The suite's one process keeps what its tests leave alive (pytest's items, the modules, hypothesis's caches): 1.84
# million objects by the end, and 13 full collections walked them all, holding every thread, the sandbox's server
# included, for 1.1-2.3 s each (gc.callbacks over a whole run, 2026-12-02); a clerk's sign-in then had no answer
# within the test client's 2 s (CI, twice). With this: the longest collection 0.19 s. As the terminal does with what
# it keeps for its life (ui/long_lived.py): collected, then set aside from the collector, every FREEZE_EVERY tests,
# before a test's fixtures are made (the last test's are gone by then).
FREEZE_EVERY = 20
_tests_started = [0]


# The files that take longest (--durations=0, 2026-12-06: 15-110 s each), handed to the suite's processes first. With
# --dist loadfile --no-loadscope-reorder (the Makefile) a process is given the next file in the collection's order
# when it is nearly done with one; xdist's own order (most tests first) left a long file of few tests to run alone at
# the end while the other processes stood idle. Longest first leaves the short ones to even out the end. Only the
# suite's time depends on this list being current.
LONGEST_FIRST = ("test_never_stuck.py", "test_window_monkey.py", "test_ui_monkey.py", "test_demo.py",
                 "test_bench_ui.py", "test_bench_unanswered.py", "test_clerk_acceptance_queued.py",
                 "test_legibility.py", "test_materials_changed.py", "test_maintenance_monkey.py",
                 "test_bench_soak.py", "test_window_draft.py", "test_supervise_terminal.py",
                 "test_backend_unanswered.py")


def pytest_collection_modifyitems(items):
    rank = {name: place for place, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest as collected


@pytest.fixture(autouse=True)
def _long_lived_set_aside():
    from PySide6.QtCore import QCoreApplication

    from ui import gui_thread_gc

    app = QCoreApplication.instance()  # made by pytest-qt's qapp or by the terminal's own start
    if app is not None:
        gui_thread_gc.install(app)  # as the terminal does: no collection on a worker thread (ui/gui_thread_gc.py)
    if _tests_started[0] % FREEZE_EVERY == 0:
        gc.collect()
        gc.freeze()
    _tests_started[0] += 1
    yield


@pytest.fixture
def no_application_style(qapp):
    """An earlier test's window may leave its style on the application, and an application rule
    as specific as the host's can win over it: measure with the host's style alone, then put the
    application's back for the tests after."""
    left = qapp.styleSheet()
    qapp.setStyleSheet("")
    yield
    qapp.setStyleSheet(left)


@pytest.fixture
def sandbox():
    with SandboxServer(windows=TEST_WINDOWS) as server:
        yield server


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def make_config(data_dir: Path):
    def make(url: str = "http://127.0.0.1:9", **sections) -> Config:
        overrides = {"backend": {"url": url, "retries": 0, "connect_timeout_s": 1.0, "read_timeout_s": 2.0},
                     "paths": {"data_dir": str(data_dir)}, "logging": {"console": False},
                     "terminal": {"demo": True},  # the demo PIN unlocks (tests/test_break_glass.py: the real kind)
                     # the simulated hand lays pages briskly (a page taken after 0.4 s still, the next after 1 s);
                     # the camera driver's own default (1 s still) is tested in tests/test_doccam_device.py
                     "devices": {"document_camera": {"type": "sim", "still_s": 0.4, "page_s": 1.0}}}
        for name, values in sections.items():
            overrides.setdefault(name, {}).update(values)
        return load_config(environ={}, overrides=overrides)
    return make


@pytest.fixture(autouse=True)
def chinese_by_default():
    set_language("zh_CN")
    yield
    set_language("zh_CN")


@pytest.fixture
def services(sandbox, make_config):
    """The terminal's services (no Qt), background work run synchronously, against the sandbox."""
    from kiosk.app import build_services
    from kiosk.tasks import SyncTaskRunner

    built = build_services(make_config(sandbox.url), SyncTaskRunner())
    built.start()
    yield built
    built.stop()


@pytest.fixture
def screen_services(sandbox, make_config):
    """As ``services``, for a window with a screen facing the applicant (terminal.customer_screen = "on")."""
    from kiosk.app import build_services
    from kiosk.tasks import SyncTaskRunner

    built = build_services(make_config(sandbox.url, terminal={"customer_screen": "on"}), SyncTaskRunner())
    built.start()
    yield built
    built.stop()


@pytest.fixture
def open_gui(qapp, qtbot, sandbox, make_config):
    """Open the terminal's window in a mode, offscreen, against the sandbox; closed after the test."""
    from ui.app import Gui

    opened = []

    def open_(mode: str, **sections):
        gui = Gui(make_config(sandbox.url, **sections), mode)
        gui.window.resize(1280, 800)
        gui.window.show()
        opened.append(gui)
        qtbot.waitUntil(lambda: gui.started)  # the services start once the window has been painted
        return gui

    yield open_
    for gui in opened:
        gui.close()


@pytest.fixture(scope="module")
def pcsc_stack(tmp_path_factory):
    """A real pcscd with a vpcd reader (tests/pcsc_rig.py) for one test module: started before its first
    test, stopped after its last."""
    from tests.pcsc_rig import PcscStack, machine_pcscd

    with machine_pcscd():  # the suite's other workers wait for this module's pcscd to stop
        stack = PcscStack(tmp_path_factory.mktemp("pcsc"))
        stack.start()
        yield stack
        stack.stop()


pytest_plugins = ["pytester"]


@pytest.fixture
def terminal_log():
    """``configure(folder)``: the log set up as ``kiosk run`` sets it up (JSON lines, masked) in ``folder``; its
    handlers are taken off the root logger after the test."""
    import logging

    from common.masking import Masker
    from kiosk.logging_setup import configure_logging

    yield lambda folder: configure_logging(folder, Masker(), "INFO", console=False)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_onetrip", False):
            root.removeHandler(handler)
            handler.close()
