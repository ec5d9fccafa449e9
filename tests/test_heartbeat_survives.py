"""The heartbeat thread survives any exception (issue 13, item 5): it logs it with context, backs off, goes on."""

import logging
import threading

from kiosk.backend.client import BackendClient
from kiosk.heartbeat import Heartbeat
from tests.backend_helpers import TERMINAL, client_for

WAIT_S = 10.0


def _queue_status() -> dict:
    return {"queue": {"depth": 0, "oldest_age_s": 0.0}}


def _reported(sandbox) -> bool:
    seen = sandbox.store.terminal(TERMINAL)
    return bool(seen) and "free_disk_mb" in seen


def _wait_for(condition, timeout_s: float = WAIT_S) -> bool:
    done = threading.Event()
    for _ in range(int(timeout_s / 0.02)):
        if condition():
            return True
        done.wait(0.02)
    return condition()


def test_a_status_source_that_raises_does_not_stop_the_heartbeat(sandbox, make_config, caplog):
    calls = []

    def flaky_status() -> dict:
        calls.append(1)
        if len(calls) <= 2:
            raise RuntimeError("queue status: database is locked")
        return _queue_status()

    beat = Heartbeat(client_for(sandbox.url), make_config(sandbox.url, terminal={"id": TERMINAL}), [],
                     status_extra=flaky_status, interval_s=0.02)
    with caplog.at_level(logging.ERROR, logger="kiosk.heartbeat"):
        beat.start()
        try:
            assert _wait_for(lambda: _reported(sandbox)), "the heartbeat stopped after an exception"
        finally:
            beat.stop()
    assert len(calls) >= 3
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert failures and "database is locked" in failures[0].exc_text and "enrolled" in failures[0].getMessage()


def test_an_on_config_that_raises_does_not_stop_the_heartbeat(sandbox, make_config, caplog):
    beats = []
    sandbox.remote_config["terminal"]["idle_timeout_s"] = 45

    def broken_apply(config) -> None:
        raise ValueError("the view is gone")

    beat = Heartbeat(client_for(sandbox.url), make_config(sandbox.url, terminal={"id": TERMINAL}), [],
                     status_extra=lambda: beats.append(1) or _queue_status(), on_config=broken_apply, interval_s=0.02)
    with caplog.at_level(logging.ERROR, logger="kiosk.heartbeat"):
        beat.start()
        try:
            assert _wait_for(lambda: len(beats) >= 3), "the heartbeat stopped after on_config raised"
        finally:
            beat.stop()
    assert "the view is gone" in caplog.text


class ExplodingClient(BackendClient):
    """The real client, with one call that fails the way a bug would: not a BackendError."""

    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, **kw)
        self.explosions = 0

    def heartbeat(self, status: dict) -> dict:
        if self.explosions < 2:
            self.explosions += 1
            raise KeyError("config")
        return super().heartbeat(status)


def test_an_unexpected_error_from_the_backend_client_does_not_stop_the_heartbeat(sandbox, make_config):
    real = client_for(sandbox.url)
    client = ExplodingClient(real._config, TERMINAL, backoff_s=0.01)
    beat = Heartbeat(client, make_config(sandbox.url, terminal={"id": TERMINAL}), [], status_extra=_queue_status,
                     interval_s=0.02)
    beat.start()
    try:
        assert _wait_for(lambda: _reported(sandbox)), "the heartbeat stopped after the client raised KeyError"
    finally:
        beat.stop()
    assert client.explosions == 2 and beat.enrolled
