"""A fee left unpaid (the citizen walked away from its code, or chose to pay later) is paid at the kiosk later, from
the citizen's applications, through the screens: the case says the fee is not paid yet and offers "Pay the fee"; its
code is the open order's; once paid the case is shown again, the fee paid, its receipt printed again saying so."""

from PySide6.QtCore import Qt

from kiosk.workflows.citizen import Step
from tests.citizen_steps import to_my_case
from tests.test_payment_session import left_at_the_code, pay, receipt_lines

LEFT = Qt.MouseButton.LeftButton


def test_the_fee_is_paid_from_the_case_on_the_progress_screen(services, open_gui, qtbot, sandbox):
    number = left_at_the_code(services)  # at another terminal of the hall, without Qt
    gui = open_gui("kiosk", terminal={"idle_timeout_s": 600, "payment_poll_s": 1.0})
    session, screens = gui.window.session, gui.window.view.screens
    progress = to_my_case(gui, qtbot, number)
    listed = screens[Step.MY_CASES].buttons[number].text()
    assert listed.endswith(" · 提交成功 · 费用未缴"), listed  # found among the applications by it
    assert "费用¥10.00：尚未缴纳" in progress.next.text()
    assert progress.pay.isVisible() and progress.pay.text() == "缴纳费用"
    qtbot.mouseClick(progress.pay, LEFT)
    qtbot.waitUntil(lambda: session.step is Step.PAYMENT and session.payment is not None, timeout=10000)
    payment = screens[Step.PAYMENT]
    assert number in payment.what.text() and payment.code.isVisible() and payment.amount.text() == "¥10.00"
    pay(sandbox, session.payment.order_id)
    qtbot.waitUntil(lambda: session.step is Step.PROGRESS and not session.busy, timeout=10000)
    assert "费用已缴纳" in progress.notice.text()
    assert "费用¥10.00：已缴纳" in progress.next.text() and not progress.pay.isVisible()
    assert "费用￥10.00：已缴纳" in "".join(receipt_lines(gui.services))
    assert gui.window.size().toTuple() == (1280, 800)
