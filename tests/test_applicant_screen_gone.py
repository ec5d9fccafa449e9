"""A window configured with a screen facing the applicant whose monitor is not connected (switched off, unplugged,
broken): the window works as one without that screen and says so to the clerk (kiosk/workflows/
clerk_applicant_screen.py). The offscreen platform here has two monitors (entry/offscreen.py); the monitor's going
is told the way ui/customer_screen.py tells it, past its grace. That a real monitor's unplugging and return reach
that call, and that the applicant's window is then hidden, is tested under Xvfb in
tests/test_customer_screen_display.py."""

from PySide6.QtCore import Qt

from devices.idcard.samples import sample_identity
from kiosk.workflows.clerk import Desk
from tests.window_steps import checking

HOLDER = sample_identity("resident").id_number


def _all_checked(screen) -> None:
    for row in range(screen.materials.count()):
        screen.materials.item(row).setCheckState(Qt.CheckState.Checked)


def _troubles(view) -> str:
    return view.troubles.widget.text().replace("\u2060", "") if view.troubles.widget.isVisibleTo(view) else ""


def test_the_applicants_screen_is_on_the_second_monitor_full_screen(open_gui, qtbot):
    gui = open_gui("window", terminal={"customer_screen": "on"})
    customer = gui.window.view.customer
    assert customer.screen().name() == "customer" and customer.isFullScreen() and customer.isVisible()
    assert customer.geometry().getRect() == (800, 0, 1280, 800)
    assert gui.window.view.desk.screen_present and _troubles(gui.window.view) == ""


def test_a_signature_asked_on_a_screen_that_went_is_withdrawn_and_the_case_accepted_without_it(open_gui, qtbot,
                                                                                              sandbox):
    gui = open_gui("window", terminal={"customer_screen": "on"})
    view, screen = checking(gui, qtbot, "GT-001")  # GT-001 asks for the applicant's signature
    _all_checked(screen)
    qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    assert view.desk.signature_asked and view.customer.pad.isVisible()
    view.applicant_screen_changed(False)  # unplugged while the applicant was to sign
    assert not view.desk.signature_asked and view.desk.step is Desk.CHECKING
    assert screen.notice.text() == "对客屏未连接，申请人无法在屏上签名。请再次点击“受理”，不经签名受理本件。"
    assert "对客屏" in _troubles(view)  # named with the devices not working now, at once: it had its grace
    assert "口头" in view.troubles.widget.toolTip()  # and what the clerk does without it
    assert screen.accept.isEnabled()
    qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.step is Desk.DONE and not view.desk.busy, timeout=15000)
    names = [row[0] for row in sandbox.store.attachments(view.desk.result)]
    assert "signature.png" not in names
    assert screen.rating.isVisible()  # the applicant rates on the clerk's screen


def test_the_licence_question_asked_on_a_screen_that_went_goes_on_aloud_and_is_witnessed(open_gui, qtbot, sandbox):
    gui = open_gui("window", terminal={"customer_screen": "on"})
    view, screen = checking(gui, qtbot, "SB-003")
    row = screen.licences
    qtbot.mouseClick(row.fetch, Qt.MouseButton.LeftButton)
    assert view.desk.licence_consent == "asked"
    view.applicant_screen_changed(False)
    assert view.desk.licence_consent == "witnessing"
    assert "居民身份证" in screen.notice.text()  # the words the clerk reads out
    assert row.agreed.isVisible() and row.declined.isVisible()
    qtbot.mouseClick(row.agreed, Qt.MouseButton.LeftButton)  # heard aloud
    qtbot.waitUntil(lambda: view.desk.licence_consent == "agreed" and not view.desk.busy, timeout=10000)
    methods = [c["method"] for c in sandbox.store.consents(HOLDER) if c["scope"] == "licences"]
    assert methods == ["clerk_witnessed"]  # not the card's: the applicant did not answer on a screen


def test_the_monitor_back_the_next_question_is_asked_on_it(open_gui, qtbot):
    gui = open_gui("window", terminal={"customer_screen": "on"})
    view = gui.window.view
    view.applicant_screen_changed(False)
    view, screen = checking(gui, qtbot, "GT-001")
    assert _troubles(view)
    _all_checked(screen)
    qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)  # no screen: accepted unsigned at once
    qtbot.waitUntil(lambda: view.desk.step is Desk.DONE and not view.desk.busy, timeout=15000)
    assert not view.desk.signature_asked and screen.rating.isVisible()
    view.applicant_screen_changed(True)
    assert _troubles(view) == "" and not screen.rating.isVisible()  # rated on the applicant's screen again
    qtbot.mouseClick(screen.next, Qt.MouseButton.LeftButton)
    view, screen = checking(gui, qtbot, "GT-001")
    _all_checked(screen)
    qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    assert view.desk.signature_asked and view.customer.pad.isVisible() and view.desk.step is Desk.CHECKING


def test_the_hall_hears_of_the_applicants_monitor_with_the_devices(open_gui, qtbot, sandbox):
    """The heartbeat reports it as a device (``Heartbeat.also_report``): the hall's list of terminals names it."""
    from kiosk.diagnostics import hall_terminal_text
    from kiosk.heartbeat import Heartbeat

    gui = open_gui("window", terminal={"customer_screen": "on"})
    view, heartbeat = gui.window.view, gui.services.heartbeat
    assert isinstance(heartbeat, Heartbeat)
    mine = lambda: [d for d in heartbeat.status()["devices"] if d["name"] == "customer_screen"]  # noqa: E731
    assert mine() == [{"name": "customer_screen", "state": "ready", "reason": ""}]
    view.applicant_screen_changed(False)
    assert [(d["state"], d["reason"].startswith("The applicant's screen is not connected")) for d in mine()] == [
        ("offline", True)]
    assert heartbeat.beat_once() and heartbeat.beat_once()  # the first enrols, the second beats
    client, config = gui.services.backend, gui.services.config
    token = client.staff_sign_in("XH0004", "demo-XH0004")["token"]  # maintenance's staff
    mine = next(t for t in client.hall_terminals(config.terminal.hall_id, token) if t.terminal_id == config.terminal.id)
    line = hall_terminal_text(mine, config.backend.heartbeat_interval_s).render()
    assert "对客屏：离线" in line, line  # among the devices not ready, as staff call them


def test_the_question_goes_on_aloud_when_the_monitor_goes_while_a_page_is_being_scanned(open_gui, qtbot):
    """The clerk may scan while the licence question is open on the applicant's screen: the desk is busy with the page
    when the monitor goes. The question still goes on aloud (it stayed on a hidden screen, and the clerk had only
    "Cancel the question"); the scan's answer is the desk's next notice."""
    gui = open_gui("window", terminal={"customer_screen": "on"})
    view, screen = checking(gui, qtbot, "SB-003")
    qtbot.mouseClick(screen.licences.fetch, Qt.MouseButton.LeftButton)
    desk = view.desk
    assert desk.licence_consent == "asked" and desk.can_scan()
    desk.busy = True  # the page's capture in flight on the camera's worker (the desk's state while it is)
    view.applicant_screen_changed(False)
    assert desk.licence_consent == "witnessing" and desk.busy  # the scan is not cut short
    desk.busy = False
    desk._changed()
    assert screen.licences.agreed.isVisible() and screen.licences.declined.isVisible()


def test_a_part_the_ui_reports_that_raises_is_left_out_and_the_heartbeat_goes(open_gui, caplog):
    gui = open_gui("window", terminal={"customer_screen": "on"})
    heartbeat = gui.services.heartbeat

    def broken():
        raise RuntimeError("a bug")

    heartbeat.also_report(broken)
    names = [d["name"] for d in heartbeat.status()["devices"]]
    assert "customer_screen" in names and "id_reader" in names  # the devices and the screen, without the broken part
    assert "could not be read" in caplog.text


def test_words_the_applicant_typed_on_a_screen_that_went_are_on_the_clerks_and_go_with_the_rating(open_gui, qtbot,
                                                                                                  sandbox):
    gui = open_gui("window", terminal={"customer_screen": "on"})
    view, screen = checking(gui, qtbot, "JZ-002")
    qtbot.mouseClick(screen.issue, Qt.MouseButton.LeftButton)  # nothing brought: the one-time notice
    qtbot.waitUntil(lambda: view.desk.step is Desk.DONE and not view.desk.busy, timeout=10000)
    number, customer = view.desk.result, view.customer
    qtbot.mouseClick(customer.rating.level_buttons[1], Qt.MouseButton.LeftButton)  # very dissatisfied: why?
    qtbot.mouseClick(customer.rating.add_words, Qt.MouseButton.LeftButton)
    customer.rating.comment.setText("等了一个小时")  # on the applicant's touch keyboard, when the monitor goes
    view.applicant_screen_changed(False)
    clerks = screen.rating
    assert clerks.isVisible() and clerks.comment.text() == "等了一个小时"  # the clerk types on for them, or not
    reason = next(iter(clerks.reason_buttons))
    qtbot.mouseClick(clerks.reason_buttons[reason], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: sandbox.store.evaluations.by_key("notice_number", number) is not None, timeout=10000)
    given = sandbox.store.evaluations.by_key("notice_number", number)
    assert given["level"] == 1 and given["comment"] == "等了一个小时", given
