"""The window's queue row (ui/queue_row.py) and the call on the customer screen, driven through the widgets
against the sandbox; the window at 1280x800 in large English with the queue shown."""

import pytest
from PySide6.QtCore import QPoint, QRect, Qt

from kiosk.workflows.clerk import Desk
from tests import window_steps


@pytest.fixture
def gui(open_gui):
    return open_gui("window", terminal={"window_number": 3, "customer_screen": "on"})


def take(sandbox, n: int) -> None:
    for _ in range(n):
        sandbox.store.queue.take("A", None, "DISPENSER")


def signed_in(gui, qtbot):
    view = window_steps.signed_in(gui, qtbot)
    return view, view.desk_screen


def test_the_clerk_calls_a_ticket_and_the_applicant_sees_where_to_go(gui, qtbot, sandbox):
    take(sandbox, 2)
    view, screen = signed_in(gui, qtbot)
    row, customer = screen.queue, view.customer
    qtbot.waitUntil(lambda: row.call_next.text() == "叫下一号（2 人等候）", timeout=5000)
    assert row.isVisible() and row.call_next.isEnabled()
    assert not row.call_again.isVisible() and not row.no_show.isVisible()
    qtbot.mouseClick(row.call_next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.queue_waiting == 1 and view.desk.called_ticket is not None, timeout=5000)
    assert screen.applicant.text() == "已叫 A001 号，1 人等候。请持号人将身份证放在读卡器上。"  # "Call next" is hidden
    assert customer.called.isVisible() and customer.called.text() == "请 A001 号到 3 号窗口"
    assert screen.notice.text() == "A001 号已呼叫到 3 号窗口。"
    assert row.call_again.isEnabled() and row.no_show.isEnabled() and not row.call_next.isVisible()
    assert (row.call_again.text(), row.no_show.text()) == ("重新呼叫", "过号")
    qtbot.mouseClick(row.call_again, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.notice.text() == "A001 号已再次呼叫。", timeout=5000)
    gui.services.devices.id_reader.place_card("resident")  # the holder came: served by their card
    qtbot.waitUntil(lambda: view.desk.identity is not None, timeout=5000)
    assert not customer.called.isVisible() and not row.no_show.isVisible()  # someone came
    assert row.call_next.isVisible() and row.call_next.text() == "叫下一号（1 人等候）"
    qtbot.mouseClick(screen.next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.called_ticket is None and not view.desk.queue_busy, timeout=5000)
    assert customer.called.text() == "" and not customer.called.isVisible()
    qtbot.mouseClick(row.call_next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.called_ticket is not None and row.no_show.isVisible(), timeout=5000)
    assert view.desk.called_ticket.number == "A002"
    qtbot.mouseClick(row.no_show, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.called_ticket is None and not view.desk.queue_busy, timeout=5000)
    assert screen.notice.text() == "A002 号未到，已过号；请点“叫下一号”。"
    with sandbox.store.tx() as db:
        assert dict(db.execute("SELECT number, status FROM queue_tickets").fetchall()) == {"A001": "served",
                                                                                           "A002": "no_show"}


def test_the_queue_row_fits_1280x800_in_large_english(gui, qtbot, sandbox):
    gui.window.toggle_language()
    gui.window.toggle_elderly()
    take(sandbox, 12)
    view, screen = signed_in(gui, qtbot)
    row = screen.queue
    qtbot.mouseClick(row.call_next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.queue_waiting == 11 and row.no_show.isVisible(), timeout=5000)
    assert screen.applicant.text() == ("Ticket A001 called, 11 waiting. Ask its holder to place their ID card on the "
                                       "reader.")  # how many wait, while "Call next" is hidden
    assert view.customer.called.text() == "Ticket A001, please come to window 3"
    assert (row.no_show.text(), row.call_again.text()) == ("No-show", "Recall")

    def assert_fits(*widgets):
        qtbot.wait(50)  # the layout settles on the event loop
        assert gui.window.size().toTuple() == (1280, 800)
        for widget in widgets:
            assert widget.isVisible()
            placed = QRect(widget.mapTo(gui.window, QPoint(0, 0)), widget.size())
            assert gui.window.rect().contains(placed), (widget, placed)

    assert_fits(row.call_again, row.no_show, screen.applicant, screen.notice, screen.next, screen.sign_out)
    assert screen.applicant.heightForWidth(screen.applicant.width()) <= screen.applicant.height()  # no line cut
    gui.services.devices.id_reader.place_card("resident")
    qtbot.waitUntil(lambda: view.desk.identity is not None and row.call_next.isVisible(), timeout=5000)
    assert row.call_next.text() == "Call next (11 waiting)"
    assert_fits(row.call_next, screen.applicant, screen.next, screen.sign_out)


def test_the_backend_away_the_row_says_so_and_a_walk_in_is_served(gui, qtbot, sandbox):
    take(sandbox, 1)
    view, screen = signed_in(gui, qtbot)
    row = screen.queue
    qtbot.waitUntil(lambda: view.desk.queue_waiting == 1, timeout=5000)
    sandbox.faults.set("down")
    qtbot.mouseClick(row.call_next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.notice.text().startswith("叫号系统暂时无法连接"), timeout=10000)
    assert row.call_next.isEnabled() and view.desk.called_ticket is None
    sandbox.faults.clear()
    gui.services.devices.id_reader.place_card("resident")
    qtbot.waitUntil(lambda: view.desk.identity is not None and screen.services.isEnabled(), timeout=5000)


def test_a_window_without_a_number_shows_no_queue(open_gui, qtbot):
    gui = open_gui("window")
    view, screen = signed_in(gui, qtbot)
    assert not screen.queue.isVisible() and not screen.queue.poll.isActive()
