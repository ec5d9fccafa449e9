import logging

from devices.receipt.sim import SimReceiptPrinter
from kiosk.heartbeat import Heartbeat
from tests.backend_helpers import TERMINAL, client_for


def test_enrols_then_reports_health_and_takes_remote_config(sandbox, make_config, tmp_path):
    config = make_config(sandbox.url, terminal={"id": TERMINAL})
    printer = SimReceiptPrinter("receipt_printer", tmp_path)
    printer.start()
    printer.inject("paper_out")
    try:
        printer.self_test()  # the printer notices the empty roll
        applied = []
        beat = Heartbeat(client_for(sandbox.url), config, [printer], on_config=applied.append)
        sandbox.remote_config["terminal"]["idle_timeout_s"] = 45
        assert beat.beat_once() and beat.enrolled
        assert applied and applied[-1].terminal.idle_timeout_s == 45.0
        assert beat.beat_once()
        seen = sandbox.store.terminal(TERMINAL)
        assert seen["devices"] == [{"name": "receipt_printer", "state": "error",
                                    "reason": "The receipt printer is out of paper. Please ask the hall staff for help."}]
        assert seen["free_disk_mb"] > 0
    finally:
        printer.stop()


def test_a_remote_key_that_is_not_listed_is_refused_and_the_beat_goes_on(sandbox, make_config, caplog):
    config = make_config(sandbox.url, terminal={"id": TERMINAL})
    applied = []
    beat = Heartbeat(client_for(sandbox.url), config, [], on_config=applied.append)
    sandbox.remote_config["backend"] = {"url": "http://elsewhere"}
    with caplog.at_level(logging.WARNING):
        assert beat.beat_once()
    assert applied == [] and "cannot be set remotely" in caplog.text


def test_backend_down_is_logged_not_raised(sandbox, make_config):
    beat = Heartbeat(client_for(sandbox.url), make_config(sandbox.url), [])
    sandbox.faults.set("error")
    assert not beat.beat_once() and beat.last_error is not None


def test_a_refused_remote_configuration_is_reported_back_and_not_applied(sandbox, make_config):
    config = make_config(sandbox.url, terminal={"id": TERMINAL, "idle_timeout_s": 60})
    applied = []
    beat = Heartbeat(client_for(sandbox.url), config, [], on_config=applied.append)
    sandbox.remote_config["terminal"]["idle_timeout_s"] = float("nan")
    assert beat.beat_once() and beat.beat_once()
    assert applied == []
    assert "[terminal] idle_timeout_s" in beat.config_refused
    assert "idle_timeout_s" in sandbox.store.terminal(TERMINAL)["config_refused"]
    sandbox.remote_config["terminal"]["idle_timeout_s"] = 45
    assert beat.beat_once() and beat.beat_once()
    assert applied[-1].terminal.idle_timeout_s == 45.0 and beat.config_refused == ""
    assert sandbox.store.terminal(TERMINAL)["config_refused"] == ""
