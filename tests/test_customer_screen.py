"""The window's customer-facing screen (ui/customer_screen.py), driven through the widgets against the sandbox."""

import datetime as dt

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QListWidget

from common.domain import RatingReason
from common.options import ConfigError
from kiosk.workflows.clerk import Desk
from tests.window_steps import checking


@pytest.fixture
def gui(open_gui):
    return open_gui("window", terminal={"customer_screen": "on"})


def _said(item) -> str:
    """A material as the applicant's screen gives it: its mark (drawn as an icon) and its line."""
    return item.data(Qt.ItemDataRole.AccessibleTextRole)


def _signed_in_with_applicant(gui, qtbot, service="GT-001"):
    return checking(gui, qtbot, service)


def _accepted(view, screen, qtbot):
    """All materials checked, Accept, and the applicant signs on their screen (GT-001 asks for a signature)."""
    for row in range(screen.materials.count()):
        screen.materials.item(row).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    customer = view.customer
    if customer is not None:
        assert view.desk.step is Desk.CHECKING and customer.pad.isVisible() and not customer.signed.isEnabled()
        customer.pad.draw_stroke([(100, 150), (200, 100), (300, 180), (420, 120)])
        qtbot.mouseClick(customer.signed, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.step is Desk.DONE and not view.desk.busy, timeout=10000)


def _everything_shown(widget) -> str:
    """Every text a widget of the customer screen holds, shown or hidden."""
    texts = [widget.windowTitle()]
    texts += [w.text() for w in widget.findChildren(QLabel)]
    texts += [w.text() for w in widget.findChildren(QLineEdit)]
    texts += [w.text() for w in widget.findChildren(QAbstractButton)]
    for lst in widget.findChildren(QListWidget):
        texts += [lst.item(row).text() for row in range(lst.count())]
    return "\n".join(texts)


def _the_applicants_traces(desk) -> list[str]:
    identity = desk.identity
    return [identity.name, identity.id_number, identity.masked_name, identity.masked_id]


def test_the_applicant_sees_the_service_and_materials_and_rates_on_their_screen(gui, qtbot, sandbox):
    view, screen = _signed_in_with_applicant(gui, qtbot)
    customer = view.customer
    assert customer is not None and customer.isVisible() and customer.isWindow()
    assert customer.clerk.text() == f"{view.desk.staff['name']}为您服务。" and "XH0001" not in customer.clerk.text()
    assert "张**" in customer.applicant.text() and view.desk.identity.id_number not in customer.applicant.text()
    assert "个体工商户" in customer.service.text()
    assert customer.materials.count() == 4
    assert _said(customer.materials.item(0)) == "○ 个体工商户登记（备案）申请书（必交）"
    assert not customer.materials.item(0).flags() & Qt.ItemFlag.ItemIsUserCheckable  # read-only on this side
    screen.materials.item(0).setCheckState(Qt.CheckState.Checked)  # the clerk checks: the applicant sees it
    assert _said(customer.materials.item(0)).startswith("✓ ")
    for row in range(screen.materials.count()):
        screen.materials.item(row).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)  # the service asks for the applicant's signature
    assert view.desk.step is Desk.CHECKING and "签名" in screen.notice.text()
    assert customer.pad.isVisible() and customer.sign_hint.isVisible()
    # what they sign: the form as the clerk typed it, in the materials' place (kiosk.forms.answers_shown)
    assert [customer.materials.item(i).text() for i in range(customer.materials.count())] == [
        "个体工商户名称：示例便利店", "经营范围：日用百货零售", "联系电话：13800000001"]
    assert customer.materials.isVisible() and "请核对" in customer.sign_hint.text()
    assert not customer.signed.isEnabled()  # nothing drawn yet
    customer.pad.draw_stroke([(100, 150), (200, 100), (300, 180), (420, 120)])
    qtbot.mouseClick(customer.signed, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.step is Desk.DONE and not view.desk.busy, timeout=10000)
    number = view.desk.result
    # the signature went with the case, as the kiosk's does
    assert [row[0] for row in sandbox.store.attachments(number)] == ["signature.png"]
    assert not customer.pad.isVisible() and customer.pad.is_empty()
    assert customer.decision.isVisible() and number in customer.decision.text() and "受理" in customer.decision.text()
    # the applicant rates on their side; the clerk's window no longer shows the panel
    assert customer.rating.isVisible() and not screen.rating.isVisible()
    qtbot.mouseClick(customer.rating.level_buttons[2], Qt.MouseButton.LeftButton)
    reason = customer.rating.reason_buttons[RatingReason.STAFF_ATTITUDE]
    assert reason.isVisible() and not screen.rating.isVisible()
    customer.rating.comment.setText("没有解释清楚")
    qtbot.mouseClick(reason, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: customer.thanks.isVisible(), timeout=5000)
    assert not customer.rating.isVisible() and customer.thanks.text() == "感谢您的评价。"
    stored = sandbox.store.evaluations.by_key("case_number", number)
    assert (stored["level"], stored["reason_code"], stored["comment"], stored["channel"]) == \
        (2, "staff_attitude", "没有解释清楚", "window")
    traces = _the_applicants_traces(view.desk) + [number, "没有解释清楚", "日用百货零售"]
    qtbot.mouseClick(screen.next, Qt.MouseButton.LeftButton)
    shown = _everything_shown(customer)
    assert [t for t in traces if t in shown] == []
    assert customer.materials.count() == 0 and not customer.rating.isVisible() and not customer.thanks.isVisible()
    assert customer.applicant.text() == "请将身份证放在读卡器上。"


def test_a_sign_out_or_another_card_leaves_nothing_of_the_last_applicant(gui, qtbot):
    view, screen = _signed_in_with_applicant(gui, qtbot)
    customer = view.customer
    qtbot.mouseClick(screen.issue, Qt.MouseButton.LeftButton)  # a one-time notice: rated by its number
    qtbot.waitUntil(lambda: view.desk.step is Desk.DONE and not view.desk.busy, timeout=10000)
    number = view.desk.result
    assert number in customer.decision.text() and "一次性告知" in customer.decision.text()
    qtbot.mouseClick(customer.rating.level_buttons[1], Qt.MouseButton.LeftButton)
    customer.rating.comment.setText("等了很久")  # words typed, the evaluation not yet given
    traces = _the_applicants_traces(view.desk) + [number, "等了很久"]
    gui.services.devices.id_reader.remove_card()
    gui.services.devices.id_reader.place_card("resident_long_term")  # another applicant's card: the matter ends
    qtbot.waitUntil(lambda: view.desk.result == "", timeout=5000)
    qtbot.waitUntil(lambda: view.desk.identity is not None, timeout=5000)
    assert view.desk.identity.id_number != traces[1]
    shown = _everything_shown(customer)
    assert [t for t in traces if t in shown] == [] and view.desk.identity.masked_name in shown
    assert customer.decision.text() == "" and customer.rating.comment.text() == ""
    traces = _the_applicants_traces(view.desk)
    qtbot.mouseClick(screen.sign_out, Qt.MouseButton.LeftButton)
    assert view.desk.step is Desk.SIGNED_OUT
    shown = _everything_shown(customer)
    assert [t for t in traces if t in shown] == [] and customer.clerk.text() == ""
    assert customer.greeting.text() == "本窗口暂停服务"


def test_the_customer_screen_follows_the_windows_language(gui, qtbot):
    view, screen = _signed_in_with_applicant(gui, qtbot)
    gui.window.toggle_language()
    customer = view.customer
    assert customer.greeting.text() == "Welcome"
    assert _said(customer.materials.item(0)) == "○ Registration application form (required)"
    _accepted(view, screen, qtbot)
    assert customer.decision.text() == f"Accepted. Your case number is {view.desk.result}."
    assert [b.text() for b in customer.rating.level_buttons.values()][0] == "Very satisfied"


def test_the_customer_screen_fits_1280x800_in_large_english_with_the_keyboard_open(gui, qtbot):
    view, screen = _signed_in_with_applicant(gui, qtbot)
    customer = view.customer
    assert customer.size().toTuple() == (1280, 800)
    gui.window.toggle_language()
    _accepted(view, screen, qtbot)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    assert customer.size().toTuple() == (1280, 800)
    qtbot.mouseClick(customer.rating.level_buttons[1], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(customer.rating.add_words, Qt.MouseButton.LeftButton)
    assert customer.rating.keyboard.isVisible() and not customer.decision.isVisible()
    customer.rating.comment.setText("x" * 200)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    assert customer.size().toTuple() == (1280, 800)
    assert customer.minimumSizeHint().height() <= 800 and customer.minimumSizeHint().width() <= 1280
    qtbot.mouseClick(customer.rating.words_done, Qt.MouseButton.LeftButton)
    assert customer.rating.reason_buttons[RatingReason.STAFF_ATTITUDE].isVisible() and customer.decision.isVisible()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    assert customer.size().toTuple() == (1280, 800)


def test_without_a_customer_screen_the_clerk_shows_the_rating(open_gui, qtbot):
    gui = open_gui("window")
    view, screen = _signed_in_with_applicant(gui, qtbot)
    assert view.customer is None
    _accepted(view, screen, qtbot)
    assert screen.rating.isVisible()


def test_a_customer_screen_setting_that_is_neither_on_nor_off_is_refused_by_name(make_config):
    assert make_config().terminal.customer_screen == "off"  # the default: the clerk's window alone
    with pytest.raises(ConfigError, match=r"\[terminal\] customer_screen: 'yes' is not one of off, on"):
        make_config(terminal={"customer_screen": "yes"})


def test_a_signature_asked_for_and_not_given_is_gone_with_the_applicant(gui, qtbot, sandbox):
    view, screen = _signed_in_with_applicant(gui, qtbot)
    customer = view.customer
    gui.window.toggle_language()  # large English: the longest lines
    for row in range(screen.materials.count()):
        screen.materials.item(row).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    customer.pad.draw_stroke([(100, 150), (300, 180)])
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    assert customer.size().toTuple() == (1280, 800)  # the pad fits the panel
    qtbot.mouseClick(screen.next, Qt.MouseButton.LeftButton)  # the applicant leaves without signing
    assert customer.pad.is_empty() and not customer.pad.isVisible() and not view.desk.signature_asked
    assert view.desk.signature is None and view.desk.result == ""


def test_a_refusal_is_shown_to_the_applicant_as_not_accepted_and_rated_there(gui, qtbot, sandbox):
    view, screen = _signed_in_with_applicant(gui, qtbot, "GJJ-004")
    customer = view.customer
    row = screen.refusal
    row.reason.setCurrentIndex(row.reason.findData("other"))
    row.note.insert("该事项已在办理中")
    qtbot.mouseClick(row.refuse, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.step is Desk.DONE and not view.desk.busy, timeout=10000)
    number = view.desk.result
    assert customer.decision.text().startswith(f"不予受理（办件编号 {number}）")
    assert customer.rating.isVisible() and not screen.rating.isVisible()
    qtbot.mouseClick(customer.rating.level_buttons[3], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: customer.thanks.isVisible(), timeout=5000)
    assert sandbox.store.evaluations.by_key("case_number", number)["level"] == 3


def test_the_applicant_is_told_what_a_notice_kept_of_theirs_for_the_next_visit(gui, qtbot, sandbox):
    from tests.test_window_scan_ui import _scan

    view, screen = _signed_in_with_applicant(gui, qtbot, "JZ-002")  # no saved application of the resident's
    customer = view.customer
    assert not customer.keep_draft.isVisible()  # nothing provided yet: nothing a notice would keep
    _scan(view, screen, qtbot, 0)  # one paper brought; the rest to come
    assert customer.keep_draft.isVisible() and customer.keep_draft.isChecked()  # theirs to say, on their screen
    assert customer.keep_draft.text() == "保存我已提供的材料，供下次办理"
    qtbot.mouseClick(screen.issue, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.step is Desk.DONE and not view.desk.busy, timeout=10000)
    assert view.desk.draft_kept is not None, view.desk.notice
    assert not customer.keep_draft.isVisible()
    said = customer.decision.text()
    until = (dt.datetime.now().astimezone() + dt.timedelta(days=30)).date().isoformat()  # the sandbox's period
    assert "一次性告知书" in said and f"今天提供的材料保存至 {until}" in said and customer.decision.isVisible()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    assert customer.size().toTuple() == (1280, 800)
    qtbot.mouseClick(screen.next, Qt.MouseButton.LeftButton)
    assert view.desk.draft_kept is None and customer.decision.text() == ""


def test_the_applicant_keeps_nothing_with_a_tap_on_their_own_screen(gui, qtbot, sandbox):
    from tests.test_window_scan_ui import _scan

    view, screen = _signed_in_with_applicant(gui, qtbot, "JZ-002")
    customer = view.customer
    _scan(view, screen, qtbot, 0)
    qtbot.mouseClick(customer.keep_draft, Qt.MouseButton.LeftButton)  # the applicant would rather nothing were kept
    assert not view.desk.keep_draft and not screen.keep_draft.isChecked()  # the clerk sees their answer
    qtbot.mouseClick(screen.issue, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.step is Desk.DONE and not view.desk.busy, timeout=10000)
    assert "按您的选择，本次申请的内容均未保存" in customer.decision.text()
    assert sandbox.store.drafts(view.desk.identity.id_number) == []
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    assert customer.size().toTuple() == (1280, 800)
