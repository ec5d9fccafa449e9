"""The sandbox's cut lines (the ``drop`` and ``lose_reply`` faults) are said in one line each on its error log, not
with uvicorn's traceback: a monkey run with the faults on printed a 15-line traceback for each dropped request."""

import pytest
import requests


@pytest.mark.parametrize("fault, said", [("drop", "connection dropped mid-body"),
                                         ("lose_reply", "reply lost after the work was done")])
def test_a_cut_line_is_one_line_on_the_sandboxs_log(sandbox, caplog, fault, said):
    sandbox.faults.set(fault)
    with pytest.raises(requests.RequestException):
        requests.post(f"{sandbox.url}/api/v1/cases", json={}, timeout=5)  # cut before any signature is checked
    sandbox.faults.clear()
    assert requests.get(f"{sandbox.url}/api/v1/health", timeout=5).ok  # the server is still there
    said_on_log = [r for r in caplog.records if r.name == "uvicorn.error"]
    assert [r.getMessage() for r in said_on_log] == [f"sandbox fault: {said}"]
    assert said_on_log[0].exc_info is None and said_on_log[0].exc_text is None  # no traceback
    assert said_on_log[0].levelname == "WARNING"  # switched on by someone: no error of the sandbox's


def test_a_request_still_slow_when_the_sandbox_stops_is_one_line_too():
    """uvicorn cancels the answer of a request the ``slow`` fault still holds when the sandbox stops, and logged the
    cancellation with a traceback (``kiosk bench unanswered`` stops a hung sandbox each run)."""
    import logging

    from sandbox.server import SandboxServer

    records: list[logging.LogRecord] = []
    catch = logging.Handler(logging.WARNING)
    catch.emit = records.append  # on uvicorn's own logger: a fresh server's logging config stops it at "uvicorn"
    with SandboxServer() as sandbox:
        logging.getLogger("uvicorn.error").addHandler(catch)
        sandbox.faults.slow_s = 30
        sandbox.faults.set("slow")
        with pytest.raises(requests.Timeout):
            requests.get(f"{sandbox.url}/api/v1/health", timeout=(2, 0.5))  # the client gives up; the request stays
    logging.getLogger("uvicorn.error").removeHandler(catch)
    assert [r.getMessage() for r in records] == [
        "sandbox stopped while a request was still under way (its answer cancelled)"]
    assert records[0].exc_info is None and records[0].levelname == "WARNING"


def test_trickle_sends_the_answer_a_byte_at_a_time_at_the_pace_asked_for(sandbox):
    """The ``trickle`` fault's pace is set on the control route (the monkeys keep it within their wait); a pace
    that is not a number of seconds in range is refused."""
    import time

    answer = requests.post(f"{sandbox.url}/control/faults", timeout=5,
                           json={"fault": "trickle", "trickle_gap_s": 0.05, "trickle_for_s": 0.5})
    assert answer.ok and answer.json()["active"] == ["trickle"]
    started = time.monotonic()
    with requests.get(f"{sandbox.url}/api/v1/health", timeout=5, stream=True) as health:
        first = health.raw.read(1)
        after_first = time.monotonic() - started
        rest = health.raw.read()
    took = time.monotonic() - started
    assert after_first < 0.4 and 0.45 <= took < 3  # a byte at once, then a byte a gap for 0.5 s, the rest at once
    assert (first + rest).startswith(b'{"status":"ok"')
    for wrong in ({"trickle_gap_s": "NaN"}, {"trickle_gap_s": 0}, {"trickle_for_s": -1}, {"trickle_for_s": 1e9}):
        refused = requests.post(f"{sandbox.url}/control/faults", timeout=5, json={"fault": "trickle", **wrong})
        assert refused.status_code == 400, wrong
    sandbox.faults.clear()
