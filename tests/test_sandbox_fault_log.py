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
