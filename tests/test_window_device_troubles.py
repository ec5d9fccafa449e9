"""The window names the devices not working now (ui/device_troubles.py), so the clerk knows before a decision's papers
fail to print: its A4 printer a real CUPS queue whose printer is a loopback address switched off and on
(entry/bench/own_queue.py)."""

import time

import pytest
from PySide6.QtCore import Qt

from common.i18n import text
from devices.health import DeviceState, Health
from tests import window_steps
from entry.bench.own_queue import OwnQueue
from ui import device_troubles
from ui.device_troubles import DeviceTroubles, whole


@pytest.fixture
def queue():
    own = OwnQueue()
    yield own
    own.remove()


def test_the_clerk_sees_the_a4_printer_named_while_it_cannot_be_reached(open_gui, qtbot, queue, monkeypatch):
    monkeypatch.setattr(device_troubles, "GRACE_S", 2.0)  # the simulated camera starts within about 1 s
    gui = open_gui("window", devices={"document_printer": {"type": "cups", "printer": queue.name, "timeout_s": 10,
                                                           "check_every_s": 1, "reach_s": 0.5}})
    view = window_steps.signed_in(gui, qtbot)
    line = view.troubles.widget
    shown = lambda: line.text().replace("\u2060", "")  # noqa: E731 (the name kept whole: ui/device_troubles.whole)
    qtbot.waitUntil(lambda: line.isVisible() and shown() == "⚠ 暂不能使用：A4 文书打印机", timeout=10000)
    assert "文\u2060书\u2060打\u2060印\u2060机" in line.text()
    assert line.parent() is not None and view.desk_screen.isAncestorOf(line)
    assert line.toolTip() == "A4 文书打印机：文档打印机连接不上，请联系大厅工作人员。"
    qtbot.mouseClick(gui.window.language_button, Qt.MouseButton.LeftButton)
    assert shown() == "⚠ Not working now: A4 document printer"
    assert line.toolTip() == ("A4 document printer: The document printer cannot be reached. Please ask the hall staff "
                              "for help.")  # why, for the clerk whose desk printer it is
    queue.listen()  # switched on again
    qtbot.waitUntil(lambda: not line.isVisible(), timeout=10000)


def health(device: str, state: DeviceState, reason: str | None, since: float) -> Health:
    return Health(device, state, text(reason) if reason else None, {}, since)


def test_a_trouble_is_named_once_it_has_lasted_and_a_device_not_opened_yet_never(qapp):
    now = time.monotonic()
    troubles = DeviceTroubles([health("document_camera", DeviceState.OFFLINE, None, now - 60),  # not opened yet
                               health("receipt_printer", DeviceState.READY, None, now - 60)])
    assert troubles.named(now) == [] and not troubles.widget.isVisibleTo(troubles.widget.parentWidget())
    troubles.follow(health("receipt_printer", DeviceState.OFFLINE, "The receipt printer is not connected.", now))
    assert troubles.named(now + 1) == []  # a moment: a printer switched off and on, a camera connecting
    assert troubles.named(now + device_troubles.GRACE_S) == ["receipt_printer"]
    troubles.follow(health("document_camera", DeviceState.ERROR, "held", now - 10))
    troubles.follow(health("qr_scanner", DeviceState.ERROR, "not ours", now - 10))  # not this terminal's: ignored
    assert troubles.named(now + 10) == ["document_camera", "receipt_printer"]
    troubles.follow(health("receipt_printer", DeviceState.BUSY, None, now))
    assert troubles.named(now + 10) == ["document_camera"]


def test_a_devices_name_is_kept_whole_within_its_words():
    """Qt breaks Chinese between any two characters: "A4 文书打印|机" in large text. A word joiner between two
    characters of a word forbids it; a space still lets the line break there."""
    assert whole("A4 文书打印机") == "A\u20604 文\u2060书\u2060打\u2060印\u2060机"
    assert whole("Receipt printer") == "\u2060".join("Receipt") + " " + "\u2060".join("printer")
    assert whole("") == "" and whole("x") == "x"
