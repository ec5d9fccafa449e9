"""Every timeout of the terminal lives in one table (kiosk/timeouts.py): the configuration declares each
from it, checks each against it wherever the value comes from, the code reads the configured value, and
docs/timeouts.md is the table as written from it."""

import dataclasses
import math
from pathlib import Path

import pytest

from common.options import ConfigError
from kiosk.config import _SECTIONS, Config, apply_remote, load_config, merge, remote_keys
from kiosk.timeouts import BY_KEY, TIMEOUTS, markdown

ROOT = Path(__file__).resolve().parents[1]


def config_fields():
    return {f"{name}.{f.name}": f for name, cls in _SECTIONS.items() for f in dataclasses.fields(cls)}


def test_the_document_is_the_table():
    assert (ROOT / "docs" / "timeouts.md").read_text(encoding="utf-8") == markdown(), \
        "regenerate it: python -m kiosk.timeouts > docs/timeouts.md"


def test_every_timeout_of_the_configuration_is_declared_from_the_table():
    fields = config_fields()
    timed = {key for key in fields if key.endswith("_s")}
    assert timed == set(BY_KEY), "a *_s key declared outside kiosk/timeouts.py, or a row with no key"
    for row in TIMEOUTS:
        f = fields[row.key]
        assert (f.default, f.metadata["min"], f.metadata["max"], f.metadata["remote"], f.metadata["doc"]) == \
            (row.default, row.minimum, row.maximum, row.remote, row.purpose), row.key
        assert row.minimum <= row.default <= row.maximum, row.key


def test_the_table_says_which_the_backend_may_set_and_the_contract_lists_them():
    timed_remote = {key for key in remote_keys() if key.endswith("_s")}
    assert timed_remote == {row.key for row in TIMEOUTS if row.remote}
    payloads = (ROOT / "docs" / "api" / "payloads.md").read_text(encoding="utf-8")
    for key in remote_keys():
        assert f"`{key}`" in payloads, f"docs/api/payloads.md does not list the remote key {key}"


def test_the_warning_before_a_session_ends_is_never_under_20_seconds():
    assert BY_KEY["terminal.idle_warning_s"].minimum >= 20


def section(row, value):
    name, key = row.key.split(".")
    return {name: {key: value}}


BAD = [("nan", math.nan, "NaN and infinity are refused"), ("negative", -1.0, "below the minimum"),
       ("too large", None, "above the maximum"), ("text", "soon", "expected a number")]


@pytest.mark.parametrize("row", TIMEOUTS, ids=lambda row: row.key)
@pytest.mark.parametrize("what,value,said", BAD, ids=[b[0] for b in BAD])
def test_a_wrong_timeout_is_refused_naming_the_key(row, what, value, said):
    if value is None:
        value = row.maximum + 1
    name, key = row.key.split(".")
    with pytest.raises(ConfigError) as site:
        merge(Config(), section(row, value), "site.toml")
    assert f"site.toml: [{name}] {key}" in str(site.value) and said in str(site.value)
    with pytest.raises(ConfigError) as remote:
        apply_remote(Config(), section(row, value), environ={})
    told = said if row.remote else "cannot be set remotely"
    assert f"[{name}] {key}" in str(remote.value) and told in str(remote.value)


def test_the_environment_is_checked_against_the_table_too():
    with pytest.raises(ConfigError, match=r"\[terminal\] idle_warning_s: 5.0 is below the minimum 20"):
        load_config(environ={"KIOSK_TERMINAL__IDLE_WARNING_S": "5"})


def test_the_queue_takes_its_times_from_the_configuration(make_config):
    from kiosk.backend.client import BackendClient
    from kiosk.queue_setup import build_queue

    config = make_config(queue={"base_delay_s": 0.5, "idle_poll_s": 1.5, "max_delay_s": 40, "retention_every_s": 9})
    backend = BackendClient(config.backend, config.terminal.id)
    queue = build_queue(config, backend)
    try:
        policy = queue.sync.policy
        assert (policy.base_delay_s, policy.idle_poll_s, policy.max_delay_s, policy.retention_every_s) == \
            (0.5, 1.5, 40, 9)
    finally:
        queue.close()
        backend.close()


def test_the_kiosk_view_and_its_payment_screen_take_their_times_from_the_configuration(open_gui):
    from kiosk.workflows.citizen import Step

    gui = open_gui("kiosk", terminal={"online_check_s": 0.5, "payment_poll_s": 1.5})
    assert gui.window.view.online_check.interval() == 500
    assert gui.window.view.screens[Step.PAYMENT].poll.interval() == 1500


def test_the_staff_pin_lockout_lasts_as_configured(open_gui, qtbot):
    from tests.maintenance_steps import enter_pin

    gui = open_gui("maintenance", terminal={"pin_lockout_s": 15})
    view = gui.window.view
    pin = view.pin
    for _ in range(5):
        enter_pin(view, qtbot, "111")
    enter_pin(view, qtbot, gui.services.config.terminal.staff_pin)  # the right PIN, refused while locked
    assert gui.window.view.currentWidget() is pin
    assert "15 秒后再试" in pin.notice.text()


def test_the_client_waits_between_retries_as_configured(sandbox, make_config):
    from common.backend_errors import ServerError
    from kiosk.backend.client import BackendClient

    def waits(**backend):
        sleeps = []
        config = make_config(sandbox.url, backend={"retries": 2, **backend})
        client = BackendClient(config.backend, config.terminal.id, sleep=sleeps.append)
        try:
            with pytest.raises(ServerError):
                client.catalogue()
        finally:
            client.close()
        return sleeps

    sandbox.faults.set("error")
    first, second = waits(retry_delay_s=0.2)
    assert 0.1 <= first <= 0.3 and 0.2 <= second <= 0.6  # doubled per retry, with jitter
    assert waits(retry_delay_s=8, max_retry_after_s=1) == [1.0, 1.0]  # never longer than the cap


def test_a_device_call_gives_up_after_the_configured_wait(make_config):
    """The document camera hangs (the simulator's fault): the capture fails after device_calls.capture_s."""
    import time

    from devices.errors import DeviceTimeoutError
    from kiosk.app import build_devices

    config = make_config(device_calls={"capture_s": 1, "receipt_print_s": 7})
    devices = build_devices(config)
    assert devices.receipt_printer.call_timeouts.receipt_print_s == 7
    camera = devices.document_camera
    camera.start()
    try:
        camera.inject("hang")
        started = time.monotonic()
        with pytest.raises(DeviceTimeoutError):
            camera.capture()
        assert 0.9 <= time.monotonic() - started < 3  # not the default 10 s
    finally:
        camera.clear("hang")
        camera.stop()
