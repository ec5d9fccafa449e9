"""The window calls queue tickets (kiosk/workflows/clerk_queue.py) against the sandbox, background work run
synchronously: called in order and audited, called again, a no-show, served when the matter ends, a lost answer
retried without skipping anyone, and the desk going on without the queue."""

import pytest

from common.options import ConfigError
from devices.idcard.samples import sample_identity
from kiosk.workflows.clerk import Desk


@pytest.fixture
def services(sandbox, make_config):
    from kiosk.app import build_services
    from kiosk.tasks import SyncTaskRunner

    built = build_services(make_config(sandbox.url, terminal={"window_number": 3}), SyncTaskRunner())
    built.start()
    yield built
    built.stop()


@pytest.fixture
def desk(services):
    desk = services.new_clerk_desk()
    desk.sign_in("XH0001", "demo-XH0001")
    assert desk.staff is not None, desk.notice
    return desk


def take(sandbox, n: int, category: str = "A") -> list[str]:
    return [sandbox.store.queue.take(category, None, "DISPENSER")[0]["ticket_number"] for _ in range(n)]


def statuses(sandbox) -> dict[str, str]:
    with sandbox.store.tx() as db:
        return {row["number"]: row["status"] for row in db.execute("SELECT number, status FROM queue_tickets")}


def actions(services) -> list[str]:
    services.audit.flush()
    return [e["action"] for e in services.audit.recent]


def test_call_next_calls_in_order_and_the_matter_s_end_serves_the_ticket(desk, services, sandbox):
    take(sandbox, 3)
    desk.count_waiting()
    assert desk.queue_waiting == 3 and desk.can_call() and not desk.can_recall()
    desk.call_next()
    assert desk.called_ticket.number == "A001" and desk.called_ticket.window == 3 and desk.queue_waiting == 2
    assert desk.notice.message.render("zh_CN") == "A001 号已呼叫到 3 号窗口。" and not desk.notice.error
    assert actions(services)[-1] == "ticket_called" and services.audit.recent[-1]["detail"] == "A001 window 3"
    desk.card_read(sample_identity("resident"))  # the holder came: the clerk reads their card
    assert desk.identity is not None and not desk.can_mark_no_show() and desk.can_recall()
    desk.choose_service("SB-003")
    desk.call_next()  # the matter ends (as "Next applicant"), then the next ticket
    assert desk.identity is None and desk.service is None and desk.called_ticket.number == "A002"
    assert statuses(sandbox) == {"A001": "served", "A002": "called", "A003": "waiting"}
    trail = actions(services)
    assert trail[-3:] == ["applicant_done", "ticket_served", "ticket_called"]
    desk.next_applicant()  # the clerk ends the matter without calling: served too
    assert desk.called_ticket is None and statuses(sandbox)["A002"] == "served"


def test_call_again_and_no_show(desk, services, sandbox):
    take(sandbox, 2)
    desk.call_next()
    desk.call_again()
    assert desk.called_ticket.calls == 2 and "A001 号已再次呼叫" in desk.notice.message.render("zh_CN")
    assert actions(services)[-1] == "ticket_recalled"
    desk.no_show()
    assert desk.called_ticket is None and statuses(sandbox)["A001"] == "no_show"
    assert actions(services)[-1] == "ticket_no_show"
    desk.call_next()
    assert desk.called_ticket.number == "A002"
    desk.call_next()  # no one waits: A002 served, nothing called
    assert desk.called_ticket is None and desk.queue_waiting == 0
    assert desk.notice.message.render("en") == "No one is waiting in the queue." and not desk.notice.error
    assert statuses(sandbox) == {"A001": "no_show", "A002": "served"}


def test_a_lost_answer_then_call_next_again_calls_the_same_ticket(desk, sandbox):
    take(sandbox, 2)
    sandbox.faults.set("lose_reply")
    desk.call_next()
    sandbox.faults.clear()
    assert desk.called_ticket is None and desk.notice.error and not desk.queue_busy
    assert "cannot be reached" in desk.notice.message.render("en")
    assert statuses(sandbox) == {"A001": "called", "A002": "waiting"}  # called, the window never heard
    desk.call_next()
    assert desk.called_ticket.number == "A001" and statuses(sandbox)["A002"] == "waiting"  # nobody skipped


def test_categories_changed_by_the_backend_after_a_lost_answer_the_call_is_asked_again_as_it_was(desk, sandbox):
    """The remote configuration (ui/main_window.py apply_config) changes the window's categories between a call whose
    answer was lost and the clerk's tap again: the same call is asked again, under its key with its categories, so
    the ticket it called is not skipped; the next call names the new categories."""
    take(sandbox, 1, "A")
    take(sandbox, 2, "B")
    sandbox.faults.set("lose_reply")
    desk.call_next()
    sandbox.faults.clear()
    assert desk.called_ticket is None and statuses(sandbox)["A001"] == "called"
    desk.set_queue_categories(("B",))
    assert desk.queue_categories == ("B",) and desk.queue_waiting == 2  # counted again at once: B's only
    desk.call_next()
    assert desk.called_ticket.number == "A001"  # the call the window never heard, not a second one
    desk.call_next()
    assert desk.called_ticket.number == "B001" and statuses(sandbox)["A001"] == "served"


def test_without_the_queue_the_clerk_serves_a_walk_in_by_the_card(desk, sandbox):
    take(sandbox, 1)
    sandbox.faults.set("down")
    desk.call_next()
    assert desk.called_ticket is None and desk.notice.error
    assert desk.notice.message.render("zh_CN").startswith("叫号系统暂时无法连接，未叫号。请读取窗口前申请人的身份证")
    desk.count_waiting()
    assert desk.queue_waiting is None  # not known, rather than a stale count
    sandbox.faults.clear()
    desk.card_read(sample_identity("resident"))
    assert desk.identity is not None and desk.step is Desk.WAITING  # the walk-in is served as before


def test_signed_out_the_ticket_is_served_and_nothing_of_the_queue_stays(desk, services, sandbox):
    take(sandbox, 1)
    desk.call_next()
    desk.sign_out()
    assert desk.called_ticket is None and desk.queue_waiting is None and desk._call_key is None
    assert statuses(sandbox) == {"A001": "served"} and not desk.can_call()


def test_a_window_without_a_number_calls_nothing(sandbox, make_config):
    from kiosk.app import build_services
    from kiosk.tasks import SyncTaskRunner

    take(sandbox, 1)
    plain = build_services(make_config(sandbox.url), SyncTaskRunner())  # window_number 0, the default
    try:
        desk = plain.new_clerk_desk()
        desk.sign_in("XH0001", "demo-XH0001")
        assert not desk.calls_tickets and not desk.can_call()
        desk.call_next()
        assert desk.called_ticket is None and statuses(sandbox) == {"A001": "waiting"}
    finally:
        plain.stop()


def test_the_window_number_is_checked_by_name(make_config):
    assert make_config().terminal.window_number == 0
    with pytest.raises(ConfigError, match=r"\[terminal\] window_number"):
        make_config(terminal={"window_number": 1000})


def test_a_count_that_comes_back_after_a_sign_out_is_dropped(sandbox, make_config):
    """kiosk bench window-monkey, seed 4: the window's poll asked, the clerk signed out, the count came back."""
    from kiosk.app import build_services
    from kiosk.tasks import SyncTaskRunner

    class HoldingRunner(SyncTaskRunner):  # synchronous, but while holding each task waits for the test
        holding = False
        held: list = []

        def run(self, fn, on_done, on_error):
            if self.holding:
                self.held.append((fn, on_done))
            else:
                super().run(fn, on_done, on_error)

    take(sandbox, 2)
    runner = HoldingRunner()
    built = build_services(make_config(sandbox.url, terminal={"window_number": 3}), runner)
    try:
        desk = built.new_clerk_desk()
        desk.sign_in("XH0001", "demo-XH0001")
        runner.holding = True
        desk.count_waiting()
        count, on_counted = runner.held[0]
        desk.sign_out()
        on_counted(count())  # the count of 2 arrives at a desk nobody is signed in at
        assert desk.staff is None and desk.queue_waiting is None
    finally:
        built.stop()


def test_a_window_of_some_categories_calls_and_counts_those_only(sandbox, make_config):
    """Window 5 serves B (企业开办) only: the A taken before its B are neither called there nor counted."""
    from kiosk.app import build_services
    from kiosk.tasks import SyncTaskRunner

    take(sandbox, 3, "A")
    take(sandbox, 2, "B")
    built = build_services(make_config(sandbox.url, terminal={"window_number": 5, "queue_categories": "B"}),
                           SyncTaskRunner())
    try:
        desk = built.new_clerk_desk()
        desk.sign_in("XH0001", "demo-XH0001")
        desk.count_waiting()
        assert desk.queue_waiting == 2
        desk.call_next()
        assert desk.called_ticket.number == "B001" and desk.queue_waiting == 1
        assert statuses(sandbox)["A001"] == "waiting"
    finally:
        built.stop()


def test_a_window_of_two_categories_calls_the_oldest_of_either(sandbox, make_config):
    from kiosk.app import build_services
    from kiosk.tasks import SyncTaskRunner

    take(sandbox, 1, "B")
    take(sandbox, 1, "A")
    built = build_services(make_config(sandbox.url, terminal={"window_number": 3, "queue_categories": "A,B"}),
                           SyncTaskRunner())
    try:
        desk = built.new_clerk_desk()
        desk.sign_in("XH0001", "demo-XH0001")
        desk.call_next()
        assert desk.called_ticket.number == "B001" and desk.queue_waiting == 1
    finally:
        built.stop()


@pytest.mark.parametrize("bad", ["b", "A B", "AB", "A,,B", ",A", "A,", "1"])
def test_the_queue_categories_are_checked_by_name(make_config, bad):
    assert make_config().terminal.queue_categories == ""
    with pytest.raises(ConfigError, match=r"\[terminal\] queue_categories: .* is not queue category letters"):
        make_config(terminal={"queue_categories": bad})


def test_a_count_from_before_a_call_is_followed_by_a_fresh_one(sandbox, make_config):
    """tests/test_window_queue_ui.py, once in five runs: the sign-in's count was on its way when "Call next" was
    tapped; the call's own count was not asked (one at a time), and the earlier 12 stood for a poll's length."""
    from kiosk.app import build_services
    from kiosk.tasks import SyncTaskRunner

    class HoldingRunner(SyncTaskRunner):
        holding = False
        held: list = []

        def run(self, fn, on_done, on_error):
            if self.holding:
                self.held.append((fn, on_done))
            else:
                super().run(fn, on_done, on_error)

    take(sandbox, 3)
    runner = HoldingRunner()
    built = build_services(make_config(sandbox.url, terminal={"window_number": 3}), runner)
    try:
        desk = built.new_clerk_desk()
        desk.sign_in("XH0001", "demo-XH0001")
        runner.holding = True
        desk.count_waiting()  # the sign-in's count, on its way
        count, on_counted = runner.held[0]
        before_the_call = count()
        runner.holding = False
        desk.call_next()
        assert desk.called_ticket.number == "A001"
        on_counted(before_the_call)  # 3, from before the call, arrives after it
        assert desk.queue_waiting == 2
    finally:
        built.stop()
