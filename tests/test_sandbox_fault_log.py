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
