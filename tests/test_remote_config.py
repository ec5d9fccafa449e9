"""Every key the backend may set takes effect live, each checked by what it changes, not by the
stored value alone. The backend is the sandbox (real HTTP); the heartbeat carries the keys."""

from __future__ import annotations

import logging
import time

import pytest
from PySide6.QtWidgets import QApplication

from common.backend_errors import OfflineError, ServerError
from common.i18n import language
from kiosk.config import remote_keys
from kiosk.workflows.citizen import Step
from kiosk.workflows.clerk import Desk

TESTED = {"terminal.language", "terminal.idle_timeout_s", "terminal.idle_warning_s",
          "terminal.window_idle_timeout_s", "terminal.window_idle_warning_s", "terminal.maintenance_idle_timeout_s",
          "terminal.maintenance_idle_warning_s", "backend.connect_timeout_s",
          "backend.read_timeout_s", "backend.retries", "queue.max_delay_s", "logging.level",
          "terminal.queue_categories", "terminal.queue_poll_s"}


def send(services, sandbox, section: str, key: str, value) -> None:
    """The backend changes a key; two beats (enrol, then a heartbeat) bring it to the terminal."""
    sandbox.remote_config.setdefault(section, {})[key] = value
    assert services.heartbeat.beat_once()
    assert services.heartbeat.beat_once()


def test_every_remote_key_has_a_test_here():
    assert set(remote_keys()) == TESTED


def test_read_timeout_applies_to_the_next_call(services, sandbox):
    sandbox.faults.slow_s = 1.5
    send(services, sandbox, "backend", "read_timeout_s", 0.3)
    assert services.backend.timeout[1] == 0.3
    sandbox.faults.set("slow")
    started = time.monotonic()
    with pytest.raises(OfflineError):
        services.backend.health()
    assert time.monotonic() - started < 1.4  # gave up at the new timeout, not the sandbox's 1.5 s


def test_connect_timeout_applies(services, sandbox):
    send(services, sandbox, "backend", "connect_timeout_s", 0.7)
    assert services.backend.timeout[0] == 0.7


def test_retries_apply_to_the_next_call(services, sandbox, monkeypatch):
    """Counted on the wire: each try is a real request that the sandbox answers 500."""
    send(services, sandbox, "backend", "retries", 3)
    session = services.backend._session
    tries = []
    real_request = session.request
    monkeypatch.setattr(session, "request", lambda *a, **kw: tries.append(a[1]) or real_request(*a, **kw))
    sandbox.faults.set("error")
    with pytest.raises(ServerError):
        services.backend.catalogue()
    assert len(tries) == 4  # one try and the three retries the backend asked for


def test_max_delay_caps_the_sync_backoff(services, sandbox):
    send(services, sandbox, "queue", "max_delay_s", 7)
    assert services.queue.sync.policy.max_delay_s == 7
    assert max(services.queue.sync.delay(attempts) for attempts in range(1, 40)) <= 7


def test_log_level_applies(services, sandbox):
    root = logging.getLogger()
    before = root.level
    try:
        send(services, sandbox, "logging", "level", "WARNING")
        assert root.level == logging.WARNING
        assert not root.isEnabledFor(logging.INFO)
    finally:
        root.setLevel(before)


def quiet_heartbeat(gui) -> None:
    """The heartbeat's own thread stopped (its first beat done, what it posted applied), so the test's beats are
    the only ones: a beat of its still under way could post the old configuration after the test's new one
    (the idle-warning test failed 1 run in 6 so)."""
    gui.services.heartbeat.stop()
    QApplication.processEvents()


def test_idle_timeout_applies_to_the_kiosk_view(open_gui, sandbox, qtbot):
    gui = open_gui("kiosk", terminal={"idle_timeout_s": 60})
    quiet_heartbeat(gui)
    sandbox.remote_config["terminal"]["idle_timeout_s"] = 25
    assert gui.services.heartbeat.beat_once() and gui.services.heartbeat.beat_once()
    qtbot.waitUntil(lambda: gui.window.view.idle.interval() == 25_000, timeout=3000)


def test_idle_warning_applies_to_the_next_countdown(open_gui, sandbox, qtbot):
    gui = open_gui("kiosk", terminal={"idle_timeout_s": 60})
    view = gui.window.view
    quiet_heartbeat(gui)
    sandbox.remote_config["terminal"]["idle_warning_s"] = 25
    assert gui.services.heartbeat.beat_once() and gui.services.heartbeat.beat_once()
    # the new warning reached the window, and the sandbox's idle timeout with it
    qtbot.waitUntil(lambda: view.warning_s == 25, timeout=3000)
    assert view.idle.interval() == 90_000
    view.set_second_ms(10)  # a shorter second; the configured times stand
    gui.services.devices.id_reader.place_card("resident")
    qtbot.waitUntil(lambda: gui.window.session.step is Step.CONSENT, timeout=5000)
    with qtbot.waitSignal(view.warning.started, timeout=3000) as started:
        view.idle.start()
    assert started.args == [25]


def test_window_idle_times_apply_to_the_window(open_gui, sandbox, qtbot):
    """The window's idle time and its countdown, set by the backend: the running idle timer starts again with the
    new time, and the next countdown is the new one."""
    gui = open_gui("window", terminal={"window_idle_timeout_s": 300, "window_idle_warning_s": 30})
    quiet_heartbeat(gui)
    view = gui.window.view
    view.sign_in.staff_id.setText("XH0001")
    view.sign_in.password.setText("demo-XH0001")
    view.sign_in.sign_in.click()
    qtbot.waitUntil(lambda: view.desk.step is Desk.WAITING, timeout=5000)
    assert view.idle.idle.isActive() and view.idle.idle.interval() == 300_000
    sandbox.remote_config["terminal"].update(window_idle_timeout_s=45, window_idle_warning_s=25)
    assert gui.services.heartbeat.beat_once() and gui.services.heartbeat.beat_once()
    qtbot.waitUntil(lambda: view.idle.idle.interval() == 45_000, timeout=3000)
    assert view.idle.idle.isActive()
    assert gui.window.view.desk.step is Desk.WAITING  # nothing else of the desk touched
    with qtbot.waitSignal(view.idle.warning.started, timeout=3000) as started:
        view.idle._idle_up()  # the idle time up: the countdown the backend set
    assert started.args == [25]


def test_maintenance_idle_times_apply_to_hall_staff(open_gui, sandbox, qtbot):
    """Maintenance's idle time and its countdown, set by the backend, as the window's: the running idle timer
    starts again with the new time, the next countdown is the new one, and nothing else of maintenance changes."""
    gui = open_gui("maintenance", terminal={"maintenance_idle_timeout_s": 180, "maintenance_idle_warning_s": 30})
    quiet_heartbeat(gui)
    view = gui.window.view
    view.sign_in.staff_id.setText("XH0004")
    view.sign_in.password.setText("demo-XH0004")
    view.sign_in.sign_in.click()
    qtbot.waitUntil(lambda: view.access.unlocked, timeout=5000)
    assert view.idle.idle.isActive() and view.idle.idle.interval() == 180_000
    sandbox.remote_config["terminal"].update(maintenance_idle_timeout_s=60, maintenance_idle_warning_s=20)
    assert gui.services.heartbeat.beat_once() and gui.services.heartbeat.beat_once()
    qtbot.waitUntil(lambda: view.idle.idle.interval() == 60_000, timeout=3000)
    assert view.idle.idle.isActive() and view.access.actor == "XH0004"
    with qtbot.waitSignal(view.idle.warning.started, timeout=3000) as started:
        view.idle._idle_up()  # the idle time up: the countdown the backend set
    assert started.args == [20]


def test_the_queue_s_categories_and_poll_apply_to_the_window(open_gui, sandbox, qtbot):
    """The categories a window serves and how often it counts, set by the backend: the running poll starts again
    with the new time, the waiting is counted again at once for the new categories, the next call names them."""
    for category in ("A", "A", "B"):
        sandbox.store.queue.take(category, None, "DISPENSER")
    gui = open_gui("window", terminal={"window_number": 3, "queue_categories": "A", "queue_poll_s": 15})
    quiet_heartbeat(gui)
    view = gui.window.view
    view.sign_in.staff_id.setText("XH0001")
    view.sign_in.password.setText("demo-XH0001")
    view.sign_in.sign_in.click()
    qtbot.waitUntil(lambda: view.desk.step is Desk.WAITING and view.desk.queue_waiting == 2, timeout=5000)
    poll = view.desk_screen.queue.poll
    assert poll.isActive() and poll.interval() == 15_000 and view.desk.queue_categories == ("A",)
    sandbox.remote_config["terminal"].update(queue_categories="B", queue_poll_s=5)
    assert gui.services.heartbeat.beat_once() and gui.services.heartbeat.beat_once()
    qtbot.waitUntil(lambda: poll.interval() == 5_000 and view.desk.queue_waiting == 1, timeout=3000)
    assert poll.isActive() and view.desk.queue_categories == ("B",)
    view.desk.call_next()
    qtbot.waitUntil(lambda: view.desk.called_ticket is not None, timeout=5000)
    assert view.desk.called_ticket.number == "B001" and view.desk.step is Desk.WAITING


def test_language_applies_at_home_and_after_the_citizen_in_front(open_gui, sandbox, qtbot):
    gui = open_gui("kiosk")
    quiet_heartbeat(gui)
    window, session = gui.window, gui.window.session
    assert language() == "zh_CN"
    sandbox.remote_config["terminal"]["language"] = "en"
    assert gui.services.heartbeat.beat_once() and gui.services.heartbeat.beat_once()
    qtbot.waitUntil(lambda: language() == "en", timeout=3000)
    assert window.view.screens[Step.HOME].card_button.text() != "刷身份证办理"

    # A citizen switches to Chinese; the hall's default comes back when they are done, not before.
    window.language_button.click()
    assert language() == "zh_CN"
    window.view.screens[Step.HOME].card_button.click()
    assert session.step is Step.CONSENT and language() == "zh_CN"
    session.finish()
    qtbot.waitUntil(lambda: session.step is Step.HOME, timeout=3000)
    assert language() == "en"
