"""Electronic licences at the window through the widgets (ui/licence_row.py, ui/customer_screen.py), against the
sandbox on loopback: the applicant agrees on their screen, the clerk's list marks the material a licence can stand
for, one tap uses it, the accepted case carries the reference; declined, nothing is fetched; after the next
applicant nothing remains; the window fits 1280x800 in large English."""

import pytest
from PySide6.QtCore import QPoint, QRect, Qt

from devices.idcard.samples import sample_identity
from kiosk.workflows.clerk import Desk
from tests.window_steps import checking

HOLDER = sample_identity("resident").id_number


@pytest.fixture
def gui(open_gui):
    return open_gui("window", terminal={"customer_screen": "on"})


def _checking(gui, qtbot, service="SB-003"):
    return checking(gui, qtbot, service)


def _licence_consents(sandbox):
    return [c for c in sandbox.store.consents(HOLDER) if c["scope"] == "licences"]


def test_agreed_on_the_customer_screen_one_tap_uses_the_licence_and_the_case_carries_it(gui, qtbot, sandbox):
    view, screen = _checking(gui, qtbot)
    row, customer = screen.licences, view.customer
    assert row.isVisible() and row.fetch.isVisible() and not row.use.isVisible()
    qtbot.mouseClick(row.fetch, Qt.MouseButton.LeftButton)
    assert customer.consent_agree.isVisible() and not customer.materials.isVisible()
    assert "居民身份证" in customer.consent_body.text() and _licence_consents(sandbox) == []
    assert customer.consent_title.text() == "是否调取您的电子证照？"
    qtbot.mouseClick(customer.consent_agree, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.licence_consent == "agreed" and not view.desk.busy, timeout=10000)
    assert [c["method"] for c in _licence_consents(sandbox)] == ["id_card"]
    assert not customer.consent_agree.isVisible() and customer.materials.isVisible()
    assert screen.materials.item(0).text().endswith("可用电子证照）")  # the list says a licence can stand for it
    screen.materials.setCurrentRow(0)
    assert row.use.isVisible() and row.use.isEnabled()
    qtbot.mouseClick(row.use, Qt.MouseButton.LeftButton)
    assert screen.materials.item(0).checkState() == Qt.CheckState.Checked
    assert "已用电子证照" in screen.materials.item(0).text() and "已用电子证照" in customer.materials.item(0).text()
    qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.step is Desk.DONE and not view.desk.busy, timeout=15000)
    body = sandbox.store.case_body(view.desk.result)
    assert body["material_licences"] == {"M1": "EL000004"} and body["e_licences"] == ["EL000004"]
    qtbot.mouseClick(screen.next, Qt.MouseButton.LeftButton)
    assert view.desk.offered == {} and view.desk.licence_consent == ""
    assert not row.isVisible() and customer.consent_body.text() == "" and screen.materials.count() == 0


def test_declined_on_the_customer_screen_fetches_nothing(gui, qtbot, sandbox):
    view, screen = _checking(gui, qtbot)
    qtbot.mouseClick(screen.licences.fetch, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.customer.consent_decline, Qt.MouseButton.LeftButton)
    assert view.desk.licence_consent == "declined" and view.desk.offered == {} and _licence_consents(sandbox) == []
    assert not screen.licences.use.isVisible() and "电子证照" not in screen.materials.item(0).text()


def _asked(gui, qtbot, sandbox):
    view, screen = _checking(gui, qtbot)
    qtbot.mouseClick(screen.licences.fetch, Qt.MouseButton.LeftButton)
    assert view.desk.licence_consent == "asked" and view.customer.consent_row.isVisible()
    return view, screen


def _question_gone(view):
    customer = view.customer
    return (view.desk.licence_consent == "" and not customer.consent_row.isVisible()
            and not customer.consent_title.isVisible() and customer.consent_title.text() == ""
            and customer.consent_body.text() == "")


def test_the_clerk_cancels_an_unanswered_question_records_nothing_and_can_ask_again(gui, qtbot, sandbox):
    view, screen = _asked(gui, qtbot, sandbox)
    row = screen.licences
    assert row.withdraw.isVisible() and row.withdraw.isEnabled() and row.withdraw.text() == "撤回询问"
    qtbot.mouseClick(row.withdraw, Qt.MouseButton.LeftButton)
    assert _question_gone(view) and view.customer.materials.isVisible()  # the materials take their room back
    assert _licence_consents(sandbox) == [] and view.desk._matter_case().application.consents == []
    assert not row.withdraw.isVisible() and not row.declined.isVisible()
    assert row.fetch.isVisible() and row.fetch.isEnabled() and view.desk.step is Desk.CHECKING
    qtbot.mouseClick(row.fetch, Qt.MouseButton.LeftButton)  # asked again: the same question, answered this time
    assert view.customer.consent_agree.isVisible()
    qtbot.mouseClick(view.customer.consent_agree, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.licence_consent == "agreed" and not view.desk.busy, timeout=10000)
    assert [c["method"] for c in _licence_consents(sandbox)] == ["id_card"]


@pytest.mark.parametrize("ending", ["next_applicant", "sign_out", "sign_out_idle"])
def test_an_unanswered_question_leaves_the_applicants_screen_when_the_matter_ends(gui, qtbot, sandbox, ending):
    view, _screen = _asked(gui, qtbot, sandbox)
    getattr(view.desk, ending)()
    assert view.desk.identity is None and _question_gone(view)
    assert not view.customer.consent_agree.isVisible() and _licence_consents(sandbox) == []


def test_another_card_while_the_question_is_open_is_refused_and_the_question_stays_its_holders(gui, qtbot, sandbox):
    """A card read during the checking is refused (the desk serves one matter at a time), so the open question is
    still the applicant's in hand; it goes with their matter as above."""
    view, _screen = _asked(gui, qtbot, sandbox)
    holder = view.desk.identity
    other = sample_identity("resident_long_term")
    other_id = other.masked_id
    assert other_id and other_id != holder.masked_id
    view.desk.card_read(other)
    assert view.desk.identity is holder and view.desk.licence_consent == "asked"
    assert view.customer.consent_row.isVisible() and other_id not in view.customer.applicant.text()
    view.desk.next_applicant()
    assert _question_gone(view)


def test_the_licence_row_fits_1280x800_in_large_english_beside_a_hand_over(gui, qtbot):
    gui.window.toggle_language()
    gui.window.toggle_elderly()
    view, screen = _checking(gui, qtbot, "GJJ-004")  # a licence is ready for the sample resident: the hand-over shows
    qtbot.waitUntil(lambda: screen.handover.isVisible(), timeout=5000)
    qtbot.mouseClick(screen.licences.fetch, Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    customer = view.customer
    assert gui.window.size().toTuple() == (1280, 800) and customer.size().toTuple() == (1280, 800)
    for widget in (customer.consent_title, customer.consent_body, customer.consent_agree, customer.consent_decline,
                   screen.licences.declined, screen.licences.withdraw):  # the question on the applicant's screen, the clerk's way out
        assert widget.isVisible(), widget
        placed = QRect(widget.mapTo(widget.window(), QPoint(0, 0)), widget.size())
        assert widget.window().rect().contains(placed), (widget, placed)
    qtbot.mouseClick(customer.consent_agree, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.licence_consent == "agreed" and not view.desk.busy, timeout=10000)
    screen.materials.setCurrentRow(0)
    qtbot.wait(50)  # the layout settles on the event loop
    assert gui.window.size().toTuple() == (1280, 800)
    assert view.customer.size().toTuple() == (1280, 800)
    for widget in (screen.licences.use, screen.scan.scan, screen.materials, screen.refusal,
                   screen.accept, screen.notice):
        assert widget.isVisible(), widget
        placed = QRect(widget.mapTo(gui.window, QPoint(0, 0)), widget.size())
        assert gui.window.rect().contains(placed), (widget, placed)


def test_without_a_customer_screen_the_clerk_records_the_answer_heard_aloud(open_gui, qtbot, sandbox):
    gui = open_gui("window")
    view, screen = _checking(gui, qtbot)
    row = screen.licences
    assert view.customer is None
    qtbot.mouseClick(row.fetch, Qt.MouseButton.LeftButton)
    assert row.agreed.isVisible() and row.declined.isVisible() and not row.fetch.isVisible()
    qtbot.mouseClick(row.withdraw, Qt.MouseButton.LeftButton)  # asked aloud, then withdrawn: nothing recorded
    assert view.desk.licence_consent == "" and row.fetch.isVisible() and not row.agreed.isVisible()
    qtbot.mouseClick(row.fetch, Qt.MouseButton.LeftButton)
    assert "居民身份证" in screen.notice.text() and _licence_consents(sandbox) == []  # the words to say aloud
    qtbot.mouseClick(row.agreed, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.licence_consent == "agreed" and not view.desk.busy, timeout=10000)
    assert [c["method"] for c in _licence_consents(sandbox)] == ["clerk_witnessed"]
    screen.materials.setCurrentRow(0)
    qtbot.mouseClick(row.use, Qt.MouseButton.LeftButton)
    assert view.desk.licence_used("M1") is not None
    assert view.desk.sign_out_idle()  # the idle sign-out drops them as the button does
    assert view.desk.licence_consent == "" and view.desk.offered == {} and view.desk.checklist is None
