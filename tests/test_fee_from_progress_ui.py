"""A fee left unpaid (the citizen walked away from its code, or chose to pay later) is paid at the kiosk later, from
the citizen's applications, through the screens: the case says the fee is not paid yet and offers "Pay the fee"; its
code is the open order's; once paid the case is shown again, the fee paid, its receipt printed again saying so."""

from PySide6.QtCore import Qt

from kiosk.workflows.citizen import Step
from tests.citizen_steps import to_my_case
from tests.test_payment_session import left_at_the_code, pay, receipt_lines
from ui.legibility import clipped, cut_short

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


def test_the_fee_is_said_and_whole_when_its_code_cannot_be_had_in_large_text(services, open_gui, qtbot, sandbox):
    """kiosk bench ui-monkey --ipp-printer --whole-words, seed 838: "Pay the fee" from a case in My Cases while the
    backend's answers could not be trusted (unsigned). No order, and the service not chosen in this session: the
    amount read ¥0.00, and in large text it and the notice were cut short beside the code's room."""
    number = left_at_the_code(services)
    gui = open_gui("kiosk", terminal={"idle_timeout_s": 600, "payment_poll_s": 1.0})
    window, session, screens = gui.window, gui.window.session, gui.window.view.screens
    progress = to_my_case(gui, qtbot, number)
    qtbot.mouseClick(window.elderly_button, LEFT)
    sandbox.faults.set("unsigned")
    qtbot.mouseClick(progress.pay, LEFT)
    qtbot.waitUntil(lambda: session.step is Step.PAYMENT and not session.busy and session.notice is not None,
                    timeout=10000)
    sandbox.faults.set("unsigned", False)
    qtbot.wait(50)  # the layout settles on the event loop
    payment = screens[Step.PAYMENT]
    assert session.payment is None and not payment.code.isVisible()
    assert payment.amount.text() == "¥10.00"  # the case's fee, not nothing
    assert payment.notice.text().startswith("暂时无法显示缴费二维码"), payment.notice.text()
    assert clipped(window) == [] and cut_short(window) == [], (clipped(window), cut_short(window))
    qtbot.mouseClick(window.language_button, LEFT)  # large English: longer words
    qtbot.wait(50)
    assert clipped(window) == [] and cut_short(window) == [], (clipped(window), cut_short(window))
    assert gui.window.size().toTuple() == (1280, 800)
