"""Staff see the offline queue in maintenance: what waits, what is damaged or held, and a moved-aside database."""

import pytest

from common.backend_errors import RejectedError
from offline_queue import staff_reasons
from tests.maintenance_steps import signed_in
from ui.maintenance_view import QUEUE_LINES_MAX_PX

BODY = {"application_id": "d" * 32, "applicant": {"id_number": "330106199003071236", "name": "张测试"}}


@pytest.fixture
def gui(open_gui):
    return open_gui("maintenance")


def test_the_maintenance_status_shows_the_queue_and_a_moved_aside_database(gui, qtbot):
    # What maintenance shows, not delivery: the sync worker stopped first, or it may take an item
    # between its enqueue and the state the test gives it (it did, in CI: quarantined, then sent, refused, dead)
    gui.services.queue.sync.stop()
    box = gui.services.queue.outbox
    box.quarantine(box.enqueue(BODY, "key-00000001", "A"), "test: damaged")
    box.hold(box.enqueue(BODY, "key-00000002", "B", "P-ZJ-HZ-T001-20261201-00041-C"),
             staff_reasons.stored("number_taken", number="P-ZJ-HZ-T001-20261201-00041-C"))
    refusal = RejectedError(code="principal_not_registered", status=422, message_zh="被代办人身份证号码与姓名不符",
                            message_en="The ID number and name of the person you act for do not match")
    box.mark_dead(box.enqueue(BODY, "key-00000003", "C", "P-ZJ-HZ-T001-20261201-00042-D"),
                  staff_reasons.refused(refusal))
    box.recovered_from = box.root / "corrupt-20261127-120000-abcdef"
    view = gui.window.view
    signed_in(view, qtbot)
    line = view.status.queue_line
    qtbot.waitUntil(lambda: "已损坏 1" in line.text(), timeout=10000)
    assert "待工作人员处理 1" in line.text()
    # the reasons in the language shown: the backend's own words, ours translated (they were English text)
    assert "P-ZJ-HZ-T001-20261201-00042-D：服务系统已退回（被代办人身份证号码与姓名不符（422 principal_not_registered）" \
        in line.text()
    assert "P-ZJ-HZ-T001-20261201-00041-C：待工作人员处理（已暂停：服务系统在临时编号" in line.text()
    assert "The ID number" not in line.text() and "held:" not in line.text()
    assert "330106199003071236" not in line.text() and "张测试" not in line.text()
    assert "kiosk queue import" in line.text() and "corrupt-20261127-120000-abcdef" in line.text()
    # the lines wrap within the screen and get their room, up to QUEUE_LINES_MAX_PX, before they scroll (they were
    # cut at the right edge, in an area squeezed to a line and a half under the device table)
    area = view.status.queue_area
    qtbot.waitUntil(lambda: line.width() <= area.viewport().width(), timeout=3000)
    assert area.viewport().height() >= min(line.height(), QUEUE_LINES_MAX_PX) - 2, (area.viewport().height(), line.height())
    assert area.viewport().height() >= 3 * line.fontMetrics().lineSpacing()
    gui.window.toggle_language()
    try:
        qtbot.waitUntil(lambda: "Offline queue" in line.text(), timeout=10000)
        assert "do not match (422 principal_not_registered)" in line.text() and "被代办人" not in line.text()
        assert "held: the backend holds another application under provisional number" in line.text()
    finally:
        gui.window.toggle_language()
    listed = {item.provisional_number: item.last_error for item in box.items(("dead", "held"))}
    assert listed["P-ZJ-HZ-T001-20261201-00042-D"].startswith("The ID number and name")  # the console's, in English
