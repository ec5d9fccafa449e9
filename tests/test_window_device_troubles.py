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
    assert line.parent() is not None and line.parent().objectName() == "footer"  # the window's, every screen's
    desk_bottom = view.desk_screen.mapTo(gui.window, view.desk_screen.rect().bottomLeft()).y()
    assert line.mapTo(gui.window, line.rect().topLeft()).y() > desk_bottom  # under the desk, in the footer
    assert line.toolTip() == "A4 文书打印机：文档打印机连接不上，请联系大厅工作人员。"
    qtbot.mouseClick(gui.window.language_button, Qt.MouseButton.LeftButton)
    assert shown() == "⚠ Not working now: A4 document printer"
    assert line.toolTip() == ("A4 document printer: The document printer cannot be reached. Please ask the hall staff "
                              "for help.")  # why, for the clerk whose desk printer it is
    qtbot.mouseClick(view.desk_screen.sign_out, Qt.MouseButton.LeftButton)
    assert view.currentWidget() is view.sign_in and line.isVisible()  # said at the sign-in too
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


def test_three_devices_in_trouble_in_large_english_beside_a_company_s_matter_are_not_cut_short(open_gui, qtbot):
    """kiosk bench window-monkey --whole-words, seed 857, step 205: the A4 printer, the receipt printer and the
    document camera out of order, in large English, the applicant's company row shown: the line naming them needed
    141 px of the left column's 128 and was cut short. In the footer now, three are named in two lines; names that
    take more are counted, each named in the tooltip."""
    from ui.legibility import cut_short

    gui = open_gui("window", terminal={"customer_screen": "on"})
    for choice in (gui.window.language_button, gui.window.elderly_button):
        qtbot.mouseClick(choice, Qt.MouseButton.LeftButton)
    view, screen = window_steps.checking(gui, qtbot, "BDC-005")  # companies may apply: the company row shows
    assert screen.licences.company.isVisible()
    now = time.monotonic()
    troubles = view.troubles
    reasons = {"document_printer": "The document printer is out of paper.",
               "receipt_printer": "The receipt printer's cover is open.",
               "document_camera": "The document camera is not connected."}
    for device, reason in reasons.items():
        troubles.follow(health(device, DeviceState.ERROR, reason, now - 60))
    qtbot.wait(50)  # the layout settles on the event loop
    line = troubles.widget
    gui.window.resize(1280, 800)  # as a full screen holds it: the first layout, before the line's width was known,
    qtbot.wait(50)  # asked for the names' height; a window in a test grows for it and keeps the size
    assert [p for p in cut_short(gui.window) if "Not working" in p.widget] == []
    assert gui.window.size().toTuple() == (1280, 800)  # the names need 1280 x 843
    assert line.isVisible() and line.text().replace("\u2060", "") == (
        "⚠ Not working now: Document camera, Receipt printer, A4 document printer")
    assert [p for p in cut_short(gui.window) if "Not working" in p.widget] == []
    for device in ("id_reader", "qr_scanner"):  # five: more than two lines' worth, counted
        troubles.follow(health(device, DeviceState.ERROR, "Not connected.", now - 60))
    qtbot.wait(50)
    gui.window.resize(1280, 800)
    qtbot.wait(50)
    assert line.text() == "⚠ Not working now: 5 devices" and gui.window.size().toTuple() == (1280, 800)
    for device in ("id_reader", "qr_scanner"):
        troubles.follow(health(device, DeviceState.READY, None, now))
    assert sorted(line.toolTip().splitlines()) == ["A4 document printer: The document printer is out of paper.",
                                                   "Document camera: The document camera is not connected.",
                                                   "Receipt printer: The receipt printer's cover is open."]
    troubles.follow(health("document_camera", DeviceState.READY, None, now))
    troubles.follow(health("receipt_printer", DeviceState.READY, None, now))
    gui.window.resize(1280, 800)
    qtbot.wait(50)
    assert line.text().replace("\u2060", "") == "⚠ Not working now: A4 document printer"  # one: named
    assert [p for p in cut_short(gui.window) if "Not working" in p.widget] == []
    assert gui.window.size().toTuple() == (1280, 800)
