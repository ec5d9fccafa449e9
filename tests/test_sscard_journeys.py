"""The social security card identifies a citizen at the kiosk and an applicant at the window, like the
ID card: read by the real PC/SC driver over the simulated reader (devices/sscard/sim.py), shown on the
screens, carried to the sandbox as ``card_type: social_security`` and consents as
``method: social_security_card``. Driven through the widgets."""

from PySide6.QtCore import Qt

from common.domain import ApplyAs
from entry.walkthrough import provide_materials
from kiosk.workflows.citizen import Step
from kiosk.workflows.clerk import Desk
from tests.citizen_steps import FORMS
from tests.test_window_ui import _signed_in_with_applicant as signed_in_with_applicant

LEFT = Qt.MouseButton.LeftButton


def test_a_social_security_card_starts_a_citizens_session_and_applies(open_gui, qtbot, sandbox):
    gui = open_gui("kiosk")
    session, screens = gui.window.session, gui.window.view.screens
    assert "插入社会保障卡" in screens[Step.HOME].hint.text()  # the home screen invites the card too
    reader = gui.services.devices.ss_card_reader
    reader.place_card("resident")  # at the home screen: the consent comes first, as with the ID card
    qtbot.waitUntil(lambda: session.step is Step.CONSENT, timeout=5000)
    qtbot.mouseClick(screens[Step.CONSENT].agree, LEFT)
    qtbot.waitUntil(lambda: session.step is Step.IDENTIFIED, timeout=5000)
    identity_screen = screens[Step.IDENTIFIED]
    assert identity_screen.fields["name"][1].text() == "张**"
    assert identity_screen.fields["id"][1].text() == "3301**********1236"
    id_number = session.identity.id_number
    qtbot.waitUntil(lambda: bool(sandbox.store.consents(id_number)), timeout=5000)  # recorded in the background
    consents = sandbox.store.consents(id_number)
    assert [(c["scope"], c["method"]) for c in consents] == [("identity", "social_security_card")]

    qtbot.mouseClick(identity_screen.next, LEFT)
    qtbot.waitUntil(lambda: session.step is Step.CHOOSE_SERVICE, timeout=5000)
    qtbot.mouseClick(screens[Step.CHOOSE_SERVICE].buttons["GT-001"], LEFT)
    qtbot.mouseClick(screens[Step.GUIDE].apply, LEFT)
    qtbot.mouseClick(screens[Step.WHO].options[ApplyAs.MYSELF], LEFT)
    form = screens[Step.FORM]
    for name, value in FORMS["GT-001"].items():
        form.rows[name].edit.setText(value)
    qtbot.mouseClick(form.next, LEFT)
    qtbot.waitUntil(lambda: session.step is Step.LICENCE_CONSENT, timeout=5000)
    provide_materials(gui, None, "")  # licences, scanned pages and the signature, by taps
    qtbot.mouseClick(screens[Step.CONFIRM].confirm, LEFT)
    qtbot.waitUntil(lambda: session.step is Step.DONE, timeout=10000)
    body = sandbox.store.case_body(screens[Step.DONE].number.text())
    assert (body["applicant"]["card_type"], body["applicant"]["name"]) == ("social_security", "张测试")
    reader.remove_card()
    qtbot.mouseClick(screens[Step.DONE].finish, LEFT)
    assert session.step is Step.HOME and session.identity is None


def test_an_expired_social_security_card_is_refused_in_plain_words(open_gui, qtbot):
    gui = open_gui("kiosk")
    session, screens = gui.window.session, gui.window.view.screens
    qtbot.mouseClick(screens[Step.HOME].card_button, LEFT)
    qtbot.mouseClick(screens[Step.CONSENT].agree, LEFT)
    assert session.step is Step.READ_CARD
    gui.services.devices.ss_card_reader.place_card("expired")
    qtbot.waitUntil(lambda: session.notice is not None, timeout=5000)
    assert session.step is Step.READ_CARD and session.identity is None
    assert "社会保障卡已过有效期" in screens[Step.READ_CARD].notice.text()


def test_the_window_identifies_the_applicant_by_social_security_card(open_gui, qtbot, sandbox):
    gui = open_gui("window")
    view, screen = signed_in_with_applicant(gui, qtbot, "GT-001", reader="ss_card_reader")
    assert "张**" in screen.applicant.text()
    for row in range(screen.materials.count()):
        screen.materials.item(row).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(screen.accept, LEFT)
    qtbot.waitUntil(lambda: view.desk.step is Desk.DONE and not view.desk.busy, timeout=10000)
    body = sandbox.store.case_body(view.desk.result)
    assert body["applicant"]["card_type"] == "social_security"


def test_a_terminal_without_the_reader_says_so_and_invites_only_the_id_card(open_gui, qtbot):
    gui = open_gui("kiosk", devices={"ss_card_reader": {"type": "none"}})
    devices = gui.services.devices
    assert devices.ss_card_reader not in devices.all()  # not in maintenance, the heartbeat or self-tests
    session, screens = gui.window.session, gui.window.view.screens
    assert "社会保障卡" not in screens[Step.HOME].hint.text()  # the home screen's hint names the ID card only
    qtbot.mouseClick(screens[Step.HOME].card_button, LEFT)
    qtbot.mouseClick(screens[Step.CONSENT].agree, LEFT)
    assert screens[Step.READ_CARD].title.text() == "请将身份证放在读卡区"
    assert "社会保障卡" not in screens[Step.READ_CARD].hint.text()
