"""A case the service system refused when it arrived is said "Returned" (已退回) among the citizen's applications and
on its progress screen, as the backend words it, not 不予受理: that is a window's formal decision not to accept, with
its legal reason and the citizen's remedies (kiosk/refusal_reasons.py). Through the screens, against the sandbox."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from common.backend_errors import RejectedError
from common.provisional import make
from kiosk.workflows.citizen import Step
from tests.backend_helpers import client_for
from tests.citizen_steps import to_my_case
from tests.queue_helpers import payload


def test_a_case_returned_on_arrival_is_said_so_not_as_a_formal_refusal(open_gui, qtbot, sandbox):
    client = client_for(sandbox.url)
    number = make("T-TEST", dt.date(2026, 12, 5), 1)
    body, key = payload(client, number)
    with pytest.raises(RejectedError, match="materials_missing"):  # no material brought: refused on arrival
        client.submit_payload(dict(body, counter_checked=[]), key)
    gui = open_gui("kiosk")
    progress = to_my_case(gui, qtbot, number)
    assert progress.status.text() == "已退回" and "不予受理" not in progress.status.text()
    qtbot.mouseClick(progress.back, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: gui.window.session.step is Step.MY_CASES, timeout=5000)
    listed = gui.window.view.screens[Step.MY_CASES].buttons[number].text()
    assert listed.endswith("已退回") and "缺少必交材料" in listed and "不予受理" not in listed
