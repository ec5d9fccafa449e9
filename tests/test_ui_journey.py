"""The kiosk window, offscreen, driven like a citizen would, against the sandbox backend."""

from pathlib import Path

import pytest

from devices.receipt.virtual import render
from common.i18n import language
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from common.domain import ApplyAs, RatingReason
from kiosk.forms import Keyboard
from entry.walkthrough import provide_materials
from kiosk.workflows.citizen import Step
from tests.citizen_steps import place_card_and_agree
from ui.voice import screen_prompt


@pytest.fixture
def gui(open_gui):
    return open_gui("kiosk", terminal={"idle_timeout_s": 10})


def test_citizen_journey_end_to_end(gui, qtbot, sandbox):
    window, session = gui.window, gui.window.session
    screens = window.view.screens
    assert window.view.currentWidget() is screens[Step.HOME]
    assert screens[Step.HOME].card_button.text() == "刷身份证办理"

    qtbot.mouseClick(screens[Step.HOME].card_button, qtbot_button())
    assert window.view.currentWidget() is screens[Step.CONSENT]
    assert "读取" in screens[Step.CONSENT].points[0].text()
    qtbot.mouseClick(screens[Step.CONSENT].agree, qtbot_button())
    assert window.view.currentWidget() is screens[Step.READ_CARD]

    gui.services.devices.id_reader.place_card("resident")
    qtbot.waitUntil(lambda: session.step is Step.IDENTIFIED, timeout=5000)
    identity_screen = screens[Step.IDENTIFIED]
    assert identity_screen.fields["name"][1].text() == "张**"
    assert identity_screen.fields["id"][1].text() == "3301**********1236"

    qtbot.mouseClick(identity_screen.next, qtbot_button())
    qtbot.waitUntil(lambda: session.step is Step.CHOOSE_SERVICE, timeout=5000)
    services_screen = screens[Step.CHOOSE_SERVICE]
    assert "个体工商户设立登记" in services_screen.buttons["GT-001"].text()

    qtbot.mouseClick(services_screen.buttons["GT-001"], qtbot_button())
    guide = screens[Step.GUIDE]
    assert window.view.currentWidget() is guide
    assert "促进个体工商户发展条例" in guide.body.text() and "法定时限15个工作日" in guide.body.text()
    qtbot.mouseClick(guide.apply, qtbot_button())
    who = screens[Step.WHO]
    assert who.options[ApplyAs.MYSELF].isVisible() and who.options[ApplyAs.AGENT].isVisible()
    assert not who.options[ApplyAs.COMPANY].isVisible()  # GT-001 is for natural persons
    qtbot.mouseClick(who.options[ApplyAs.MYSELF], qtbot_button())

    form = screens[Step.FORM]
    assert window.view.currentWidget() is form and set(form.rows) == {"business_name", "business_scope", "phone"}
    qtbot.mouseClick(form.next, qtbot_button())  # nothing typed yet: each required field says so
    assert session.step is Step.FORM and form.rows["phone"].message.isVisible()
    assert form.rows["phone"].message.text() == "请填写此项"
    form.rows["business_scope"].edit.setFocus()
    commit = QInputMethodEvent()
    commit.setCommitString("日用百货零售")  # Chinese through the counter's keyboard, until pinyin input comes
    QApplication.sendEvent(form.rows["business_scope"].edit, commit)
    qtbot.mouseClick(form.rows["phone"].edit, qtbot_button())
    assert form.keyboard.kind is Keyboard.PHONE and form.keyboard.isVisible()
    for digit in "1380000000":
        qtbot.mouseClick(form.keyboard.keys[digit], qtbot_button())
    assert "11位" in form.rows["phone"].message.text()
    qtbot.mouseClick(form.keyboard.keys["1"], qtbot_button())
    assert not form.rows["phone"].message.isVisible()
    qtbot.mouseClick(form.next, qtbot_button())
    assert window.view.currentWidget() is screens[Step.LICENCE_CONSENT]
    provide_materials(gui, None, "")  # licences used, the application form scanned, signed: all by taps
    assert window.view.currentWidget() is screens[Step.CONFIRM]
    confirm = screens[Step.CONFIRM]
    assert confirm.materials.count() == 2 + 4 + 1  # two answers, four materials, the signature
    assert "收费：免费" in confirm.summary.text() and confirm.materials.item(0).text() == "经营范围：日用百货零售"
    qtbot.mouseClick(window.language_button, qtbot_button())  # in English, English punctuation (it had "Fee：Free")
    assert "Fee: Free · Time limit: " in confirm.summary.text()
    lines = [confirm.materials.item(row).text() for row in range(confirm.materials.count())]
    assert not any("：" in line for line in lines + [confirm.summary.text()]), lines
    assert lines[0].startswith("Business scope: "), lines[0]
    qtbot.mouseClick(window.language_button, qtbot_button())

    qtbot.mouseClick(screens[Step.CONFIRM].confirm, qtbot_button())
    qtbot.waitUntil(lambda: session.step is Step.DONE, timeout=10000)
    number = screens[Step.DONE].number.text()
    body = sandbox.store.case_body(number)
    assert body["form"] == {"business_scope": "日用百货零售", "phone": "13800000001"}
    assert {name for name, _mime, _sha in sandbox.store.attachments(number)} == {"M1-1.jpg", "M1-2.jpg",
                                                                                 "signature.png"}

    printer = gui.services.devices.receipt_printer
    assert Path(printer.last_png).exists()
    assert f"办件编号：{number}" in render(printer.last_bytes, printer.profile).lines

    qtbot.mouseClick(screens[Step.DONE].finish, qtbot_button())
    assert session.step is Step.HOME and session.identity is None


def test_idle_timeout_wipes_the_session(gui, qtbot):
    session = gui.window.session
    # The remote configuration from the enrolment reaches the window first: the sandbox's idle timeout.
    qtbot.waitUntil(lambda: gui.window.view.idle.interval() == 90_000, timeout=10000)
    gui.window.view.second_ms = 20  # a shorter second: idle after 200 ms, then the 20 s warning in 400 ms
    gui.window.view.set_timeouts(10, 20)
    place_card_and_agree(gui, qtbot)
    qtbot.waitUntil(lambda: session.step is Step.HOME, timeout=3000)
    assert session.identity is None


def test_a_message_at_home_is_gone_after_the_idle_time(gui, qtbot):
    """A code the kiosk cannot use, shown at the home screen, says so; the next citizen does not find it there."""
    session, home = gui.window.session, gui.window.view.screens[Step.HOME]
    qtbot.waitUntil(lambda: gui.window.view.home_notice.interval() == 60_000, timeout=10000)  # home_notice_s
    gui.window.view.set_second_ms(20)
    gui.services.devices.qr_scanner.present("https://example.com/pay")
    qtbot.waitUntil(lambda: session.notice is not None, timeout=5000)
    assert session.step is Step.HOME and gui.window.view.home_notice.isActive() and home.notice.isVisible()
    qtbot.waitUntil(lambda: session.notice is None, timeout=3000)
    assert not home.notice.isVisible()
    assert session.step is Step.HOME and not gui.window.view.warning.warning  # no countdown at home: nothing to end


def test_language_and_large_text_switch_the_whole_screen(gui, qtbot):
    home = gui.window.view.screens[Step.HOME]
    size_before = home.title.fontInfo().pixelSize()
    qtbot.mouseClick(gui.window.language_button, qtbot_button())
    assert language() == "en"
    assert home.card_button.text() == "Start with my ID card"
    assert gui.window.language_button.text() == "中文"
    qtbot.mouseClick(gui.window.elderly_button, qtbot_button())
    assert home.title.fontInfo().pixelSize() > size_before


def test_backend_down_shows_a_message_and_the_citizen_can_go_home(gui, qtbot, sandbox):
    session = gui.window.session
    place_card_and_agree(gui, qtbot)
    sandbox.faults.set("down")
    qtbot.mouseClick(gui.window.view.screens[Step.IDENTIFIED].next, qtbot_button())
    notice = gui.window.view.screens[Step.IDENTIFIED].notice
    qtbot.waitUntil(lambda: notice.isVisible(), timeout=5000)
    assert "稍后重试" in notice.text()
    qtbot.mouseClick(gui.window.view.screens[Step.IDENTIFIED].back, qtbot_button())
    assert session.step is Step.HOME


def qtbot_button():
    from PySide6.QtCore import Qt
    return Qt.MouseButton.LeftButton


def test_the_done_screen_asks_for_a_rating_and_why_when_it_is_low(gui, qtbot):
    session = gui.window.session
    place_card_and_agree(gui, qtbot)
    session.continue_to_services()
    qtbot.waitUntil(lambda: session.step is Step.CHOOSE_SERVICE, timeout=5000)
    session.choose_service("SB-003")
    session.start_application()
    session.agree_licences()
    qtbot.waitUntil(lambda: session.step is Step.MATERIALS and not session.busy, timeout=5000)
    session.use_licence("M1")
    session.materials_done()
    session.confirm()
    qtbot.waitUntil(lambda: session.step is Step.DONE, timeout=10000)
    done = gui.window.view.screens[Step.DONE]
    assert done.rate_buttons[1].isVisible() and done.rate_buttons[1].text() == "非常不满意"
    spoken = screen_prompt(done)  # voice guidance says the number kept, then asks for the rating
    assert session.receipt.case_number in spoken and "请为本次服务评价：" in spoken[-1]
    # the five levels look alike: none has the focus frame (a hint toward it), whichever the screen gives focus to
    assert not any(b.hasFocus() or b.focusPolicy() != Qt.FocusPolicy.NoFocus for b in done.rate_buttons.values())
    qtbot.mouseClick(done.rate_buttons[1], qtbot_button())
    reason = done.reason_buttons[RatingReason.LONG_WAIT]
    assert reason.isVisible() and reason.text() == "等候时间长" and not done.rate_buttons[5].isVisible()
    qtbot.mouseClick(done.rating.add_words, qtbot_button())  # a few words, on the touch keyboard
    assert done.rating.keyboard.isVisible() and not reason.isVisible() and not done.finish.isVisible()
    for _size in range(2):  # the words and the keyboard fit the kiosk's screen, in large text too
        qtbot.wait(1)  # the layouts settle
        need = gui.window.minimumSizeHint()
        assert need.width() <= 1280 and need.height() <= 800, (need, gui.window.elderly)
        qtbot.mouseClick(gui.window.elderly_button, qtbot_button())
    done.rating.comment.insert("排队太久")
    qtbot.mouseClick(done.rating.words_done, qtbot_button())
    assert reason.isVisible() and done.rating.words.text() == "排队太久" and not done.rating.keyboard.isVisible()
    qtbot.mouseClick(reason, qtbot_button())
    qtbot.waitUntil(lambda: "感谢" in done.notice.text(), timeout=5000)
    assert session.rating == 1 and not done.rate_buttons[5].isVisible()


def test_a_receipt_shown_to_the_scanner_opens_its_progress(gui, qtbot):
    session = gui.window.session
    gui.services.devices.qr_scanner.present("OTR1:SQ2026112000007")
    qtbot.waitUntil(lambda: session.step is Step.PROGRESS, timeout=5000)
    screen = gui.window.view.screens[Step.PROGRESS]
    assert screen.status.text() == "可领取或自助打印" and screen.history.count() >= 1
    qtbot.mouseClick(screen.back, qtbot_button())
    assert session.step is Step.HOME and session.progress is None


def test_a_message_at_home_once_gone_is_not_kept_hidden(gui, qtbot):
    """The home screen keeps the message it has just been given while the next session's forget runs
    (it cleared it at once); once the idle time has taken it away, the hidden label holds no text."""
    session, home = gui.window.session, gui.window.view.screens[Step.HOME]
    qtbot.waitUntil(lambda: gui.window.view.idle.interval() == 90_000, timeout=10000)
    gui.window.view.second_ms = 20
    gui.window.view.set_timeouts(10, 20)
    gui.services.devices.qr_scanner.present("https://example.com/pay")
    qtbot.waitUntil(lambda: home.notice.isVisible() and home.notice.text() != "", timeout=5000)
    qtbot.waitUntil(lambda: session.notice is None and not home.notice.isVisible(), timeout=3000)
    assert home.notice.text() == ""
