import pytest
from PySide6.QtCore import Qt

from kiosk.workflows.clerk import Desk


@pytest.fixture
def gui(open_gui):
    return open_gui("window")


def test_clerk_signs_in_reads_a_card_and_issues_a_notice(gui, qtbot):
    view = gui.window.view
    assert view.currentWidget() is view.sign_in
    view.sign_in.staff_id.setText("XH0001")
    view.sign_in.password.setText("demo-XH0001")
    view.sign_in.submit()
    qtbot.waitUntil(lambda: view.desk.step is Desk.WAITING, timeout=5000)
    gui.services.devices.id_reader.place_card("resident")
    qtbot.waitUntil(lambda: view.desk.identity is not None, timeout=5000)
    screen = view.desk_screen
    assert "张**" in screen.applicant.text()
    screen.services.setCurrentIndex(screen.services.findData("GT-001"))
    screen._service_chosen(screen.services.currentIndex())
    assert screen.materials.count() == 4 and not screen.accept.isEnabled() and screen.issue.isEnabled()
    screen.materials.item(0).setCheckState(Qt.CheckState.Checked)
    assert view.desk.provided["M1"]
    screen.issue.click()
    qtbot.waitUntil(lambda: view.desk.step is Desk.DONE, timeout=10000)
    assert view.desk.result.startswith("GZ") and screen.notice.isVisible()
