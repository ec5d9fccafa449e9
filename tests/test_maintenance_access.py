"""Named staff at maintenance (issue 20 item 3): the window's sign-in with the maintenance role, the cached
offline verifier for its configured time, and every maintenance action audited under the staff id."""

from __future__ import annotations

import time

import pytest

from kiosk.staff_sign_in import NoOfflineSignInError, RoleMissingError, StaffSignIn, WrongStaffSecretError
from tests.maintenance_steps import LEFT, MAINTENANCE_STAFF, sign_in, signed_in


def actions(gui) -> list[tuple[str, str]]:
    return [(e["actor"], e["action"]) for e in gui.services.audit.recent]


def test_staff_sign_in_to_maintenance_and_every_action_is_audited_under_their_id(open_gui, qtbot):
    gui = open_gui("maintenance")
    view = gui.window.view
    signed_in(view, qtbot)
    status = view.status
    qtbot.waitUntil(lambda: ("XH0004", "audit_check") in actions(gui), timeout=10000)  # the check on unlock
    qtbot.mouseClick(status.self_test, LEFT)
    qtbot.mouseClick(status.test_print, LEFT)
    qtbot.mouseClick(status.test_voice, LEFT)
    qtbot.waitUntil(lambda: status.notice.text() == "测试页已打印。", timeout=10000)
    qtbot.mouseClick(status.sign_out, LEFT)
    assert view.currentWidget() is view.sign_in and view.sign_in.staff_id.text() == ""
    mine = [action for actor, action in actions(gui) if actor == "XH0004"]
    assert mine == ["maintenance_sign_in", "audit_check", "self_tests", "test_print", "voice_test",
                    "maintenance_sign_out"]
    assert all(actor == "XH0004" for actor, _a in actions(gui))
    qtbot.waitUntil(lambda: not gui.services.audit.has_unsent(), timeout=10000)  # and the backend holds them


def test_staff_sign_in_on_the_touch_keyboard(open_gui, qtbot):
    """A kiosk in maintenance has no keyboard at hand: the id and password are typed on the screen's keys."""
    gui = open_gui("maintenance")
    view = gui.window.view
    qtbot.mouseClick(view.sign_in.staff_id, LEFT)
    view.keyboard.type_text("XH0004")
    qtbot.mouseClick(view.sign_in.password, LEFT)
    view.keyboard.type_text("demo-XH0004")
    assert view.sign_in.staff_id.text() == "XH0004" and view.sign_in.password.text() == "demo-XH0004"
    qtbot.mouseClick(view.sign_in.sign_in, LEFT)
    qtbot.waitUntil(lambda: view.currentWidget() is view.status, timeout=10000)
    assert view.access.actor == "XH0004"


def test_a_clerk_without_the_maintenance_role_is_refused_in_plain_words(open_gui, qtbot):
    gui = open_gui("maintenance")
    view = gui.window.view
    sign_in(view, qtbot, "XH0001", "demo-XH0001")
    assert view.currentWidget() is view.sign_in
    assert view.sign_in.notice.text() == "该工作人员账号没有设备维护权限，请找有此权限的同事或本厅管理员。"
    assert not view.access.unlocked and actions(gui) == []


def test_the_window_refuses_staff_without_the_clerk_role(services):
    from kiosk.workflows.clerk import Desk

    desk = services.new_clerk_desk()
    desk.sign_in(*MAINTENANCE_STAFF)
    assert desk.step is Desk.SIGNED_OUT and desk.notice.message.render("en").startswith("This staff account has no "
                                                                                         "clerk role")


class Clock:
    def __init__(self) -> None:
        self.now = time.time()  # the sandbox limits its verifiers from the real time

    def __call__(self) -> float:
        return self.now


def test_offline_sign_in_holds_for_its_configured_time_and_not_after(services, sandbox):
    clock = Clock()
    staff = StaffSignIn(services.backend, offline_for_s=3600, clock=clock)
    with pytest.raises(WrongStaffSecretError):
        staff.sign_in("XH0004", "wrong", role="maintenance")
    assert not staff.sign_in(*MAINTENANCE_STAFF, role="maintenance").get("offline")
    sandbox.faults.set("down")
    clock.now += 3599
    session = staff.sign_in(*MAINTENANCE_STAFF, role="maintenance")
    assert session["offline"] and session["staff_id"] == "XH0004" and session["roles"] == ["maintenance"]
    with pytest.raises(WrongStaffSecretError):
        staff.sign_in("XH0004", "demo-XH0001", role="maintenance")
    with pytest.raises(RoleMissingError):  # the cached roles are asked too
        staff.sign_in(*MAINTENANCE_STAFF, role="clerk")
    with pytest.raises(NoOfflineSignInError):  # nobody else has a verifier here
        staff.sign_in("XH0001", "demo-XH0001", role="clerk")
    clock.now += 1
    with pytest.raises(NoOfflineSignInError):
        staff.sign_in(*MAINTENANCE_STAFF, role="maintenance")


def test_a_tls_handshake_that_fails_signs_in_offline_as_an_outage_does(services, sandbox, tmp_path, monkeypatch):
    """A clock gone back years (a flat clock battery) fails every handshake with the backend: nothing is sent, so the
    cached verifier serves as in an outage; before, the clerk was told the terminal was not authorised. The failure
    is a real one: a TLS sandbox whose certificate starts tomorrow."""
    import datetime as dt

    from common.backend_errors import TlsError
    from sandbox.server import SandboxServer
    from tests.test_backend_contract import _certificate, client_for

    now = dt.datetime.now(dt.timezone.utc)
    cert, key = _certificate(tmp_path, now + dt.timedelta(days=1), now + dt.timedelta(days=30))
    with SandboxServer(ssl_certfile=str(cert), ssl_keyfile=str(key)) as server:
        with pytest.raises(TlsError) as failed:
            client_for(server.url, ca_bundle=str(cert)).staff_sign_in(*MAINTENANCE_STAFF)
    staff = StaffSignIn(services.backend, offline_for_s=3600)
    assert not staff.sign_in(*MAINTENANCE_STAFF, role="maintenance").get("offline")

    def handshake_fails(*_args):
        raise failed.value

    monkeypatch.setattr(services.backend, "staff_sign_in", handshake_fails)
    session = staff.sign_in(*MAINTENANCE_STAFF, role="maintenance")
    assert session["offline"] and session["staff_id"] == "XH0004"
    with pytest.raises(NoOfflineSignInError):  # nobody else has a verifier here
        staff.sign_in("XH0001", "demo-XH0001", role="clerk")


def test_the_backends_own_limit_on_the_verifier_wins_over_a_longer_configured_time(services, sandbox):
    clock = Clock()
    staff = StaffSignIn(services.backend, offline_for_s=10 * 86400, clock=clock)  # the sandbox's limit: 7 days
    staff.sign_in(*MAINTENANCE_STAFF, role="maintenance")
    sandbox.faults.set("down")
    clock.now += 6 * 86400
    assert staff.sign_in(*MAINTENANCE_STAFF, role="maintenance")["offline"]
    clock.now += 2 * 86400
    with pytest.raises(NoOfflineSignInError):
        staff.sign_in(*MAINTENANCE_STAFF, role="maintenance")


def test_maintenance_signs_in_offline_through_its_screen_after_an_online_sign_in(open_gui, sandbox, qtbot):
    gui = open_gui("maintenance")
    view = gui.window.view
    signed_in(view, qtbot)
    qtbot.mouseClick(view.status.sign_out, LEFT)
    sandbox.faults.set("down")
    sign_in(view, qtbot, "XH0004", "wrong")
    assert view.currentWidget() is view.sign_in and view.sign_in.notice.text() == "工号或密码错误。"
    signed_in(view, qtbot)
    assert view.access.staff["offline"]
    assert ("XH0004", "maintenance_sign_in") in actions(gui)


def test_offline_without_a_cached_verifier_says_so(open_gui, sandbox, qtbot):
    gui = open_gui("maintenance")
    sandbox.faults.set("down")
    view = gui.window.view
    sign_in(view, qtbot)
    assert view.currentWidget() is view.sign_in
    assert view.sign_in.notice.text().startswith("暂时无法连接政务服务系统，且该工号近期未在本机联网登录过")


def test_a_restart_during_an_outage_keeps_the_offline_sign_in_sealed_on_disk(services, sandbox, tmp_path):
    """The verifier outlives the process (kiosk/staff_verifiers.py): sealed with the queue key in a 0600 file,
    never the secret or the name in clear; a file sealed under another key is deleted, not believed."""
    from offline_queue.crypto import Sealer
    from kiosk.staff_verifiers import VerifierFile

    clock = Clock()
    path = tmp_path / "staff" / "verifiers.sealed"
    sealer = services.queue.outbox.sealer
    first = StaffSignIn(services.backend, offline_for_s=3600, clock=clock, kept=VerifierFile(path, sealer))
    session = first.sign_in(*MAINTENANCE_STAFF, role="maintenance")
    raw = path.read_bytes()
    assert (path.stat().st_mode & 0o777) == 0o600
    assert MAINTENANCE_STAFF[1].encode() not in raw and session["name"].encode("utf-8") not in raw
    assert b"XH0004" not in raw and b"pbkdf2" not in raw
    sandbox.faults.set("down")
    clock.now += 1800
    restarted = StaffSignIn(services.backend, offline_for_s=3600, clock=clock, kept=VerifierFile(path, sealer))
    again = restarted.sign_in(*MAINTENANCE_STAFF, role="maintenance")
    assert again["offline"] and again["staff_id"] == "XH0004" and again["name"] == session["name"]
    with pytest.raises(WrongStaffSecretError):
        restarted.sign_in("XH0004", "wrong", role="maintenance")
    other_key = StaffSignIn(services.backend, offline_for_s=3600, clock=clock,
                            kept=VerifierFile(path, Sealer(b"k" * 32)))
    with pytest.raises(NoOfflineSignInError):
        other_key.sign_in(*MAINTENANCE_STAFF, role="maintenance")
    assert not path.exists() and list(path.parent.iterdir()) == []


def test_staff_print_an_a4_test_page_and_see_it_printed_or_why_not(open_gui, qtbot):
    """After loading paper or clearing a jam, staff print a test page on the A4 printer from maintenance: the page
    says which terminal sent it when, in Chinese and English; audited under the staff id. A jam said in its words."""
    import subprocess

    gui = open_gui("maintenance")
    view = gui.window.view
    signed_in(view, qtbot)
    status = view.status
    assert status.test_a4.isVisible() and status.test_a4.text() == "A4 测试打印"
    printer = gui.services.devices.document_printer
    printer.inject("jam")
    qtbot.mouseClick(status.test_a4, LEFT)
    qtbot.waitUntil(lambda: status.notice.text() == "文档打印机卡纸，请联系大厅工作人员。", timeout=10000)
    printer.inject("clear")
    qtbot.mouseClick(status.test_a4, LEFT)
    qtbot.waitUntil(lambda: status.notice.text() == "A4 测试页已打印。", timeout=10000)
    (page,) = sorted(printer.output_dir.glob("*test-page.pdf"))
    said = " ".join(subprocess.run(["pdftotext", str(page), "-"], capture_output=True, text=True,
                                   timeout=30).stdout.split())
    terminal = gui.services.config.terminal.id
    assert "A4 打印机测试页 · A4 printer test page" in said
    assert f"终端编号：{terminal} Terminal: {terminal}" in said and "打印时间：" in said and "Printed at: " in said
    assert [action for actor, action in actions(gui) if actor == "XH0004"].count("test_print_a4") == 2


def test_a_terminal_without_an_a4_printer_offers_no_a4_test_print(open_gui, qtbot):
    gui = open_gui("maintenance", devices={"document_printer": {"type": "none"}})
    view = gui.window.view
    signed_in(view, qtbot)
    assert not view.status.test_a4.isVisible() and view.status.test_print.isVisible()
