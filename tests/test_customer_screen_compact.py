"""The applicant's screen on a 7-inch evaluation pad (1024 x 600, ``ui.display.APPLICANT_LEAST``): laid out compact
(ui/customer_screen.py ``fit``), every state a matter goes through holds the pad in large text in both languages:
the window keeps its size (a top-level window grows to what its layout needs: 1,110 x 625 px before) and no button is
pressed below its height (200 characters of words repeated above the reasons took four lines and did)."""

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QAbstractButton

from kiosk.workflows.clerk import Desk
from tests.test_window_scan_ui import _scan
from tests.window_steps import checking
from ui.display import APPLICANT_LEAST, below_applicant_least, below_design
from ui.rating import ELLIPSIS

PAD = APPLICANT_LEAST
WORDS = {"en": "The clerk was kind but the wait was far too long, please open more windows at noon. " * 3,
         "zh": "窗口工作人员态度很好但是等待时间太长了希望以后能增加窗口数量" * 4}


def on_a_pad(gui, qtbot, service: str, lang: str):
    """The window with the applicant's screen sized as the pad, in large text (always) and ``lang``, ``service``
    being checked."""
    if lang == "en":
        gui.window.toggle_language()
    view, screen = checking(gui, qtbot, service)
    customer = view.customer
    assert below_design(*PAD) and below_applicant_least(*PAD) is None
    assert customer.suit(*PAD)  # as place() does on a monitor of that size (tests/test_customer_screen_display.py)
    customer.showNormal()
    customer.resize(*PAD)
    holds(customer, "the matter's materials")
    return view, screen, customer


def holds(customer, state: str) -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    QCoreApplication.processEvents()
    assert customer.size().toTuple() == PAD, (state, customer.size().toTuple())
    placed = []
    for widget in customer.findChildren(QAbstractButton):
        if widget.isVisible():
            assert widget.height() >= widget.minimumSizeHint().height(), (state, widget.text(), widget.height())
            rect = widget.rect().translated(widget.mapTo(customer, widget.rect().topLeft()))
            assert customer.rect().contains(rect), (state, widget.text())
            assert not any(rect.intersects(other) for other in placed), (state, widget.text(), "pressed together")
            placed.append(rect)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_signing_deciding_and_rating_with_words_hold_the_pad(open_gui, qtbot, lang):
    view, screen, customer = on_a_pad(open_gui("window", terminal={"customer_screen": "on"}), qtbot, "GT-001", lang)
    for row in range(screen.materials.count()):
        screen.materials.item(row).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    assert customer.pad.isVisible()
    holds(customer, "signing")
    customer.pad.draw_stroke([(100, 150), (200, 100), (300, 180), (420, 120)])
    qtbot.mouseClick(customer.signed, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.step is Desk.DONE and not view.desk.busy, timeout=10000)
    assert customer.decision.isVisible() and not customer.greeting.isVisible()  # the rating takes the greeting's room
    holds(customer, "decided")
    qtbot.mouseClick(customer.rating.level_buttons[1], Qt.MouseButton.LeftButton)
    holds(customer, "asked why")
    qtbot.mouseClick(customer.rating.add_words, Qt.MouseButton.LeftButton)
    customer.rating.comment.setText(WORDS[lang])
    assert customer.rating.keyboard.isVisible()
    holds(customer, "typing")
    qtbot.mouseClick(customer.rating.words_done, Qt.MouseButton.LeftButton)
    words = customer.rating.words
    assert words.isVisible() and words.text().endswith(ELLIPSIS)  # cut to two lines; the desk has them whole
    kept = view.desk.rating.comment
    assert kept.startswith(words.text()[:-1].rstrip()) and len(kept) > len(words.text())
    holds(customer, "asked why, with words")
    qtbot.mouseClick(customer.rating.reason_buttons[next(iter(customer.rating.reason_buttons))],
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: customer.thanks.isVisible(), timeout=5000)
    holds(customer, "thanked")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_licence_question_holds_the_pad(open_gui, qtbot, lang):
    view, screen, customer = on_a_pad(open_gui("window", terminal={"customer_screen": "on"}), qtbot, "SB-003", lang)
    qtbot.mouseClick(screen.licences.fetch, Qt.MouseButton.LeftButton)
    assert customer.consent_row.isVisible()
    holds(customer, "the licence question")
    assert not customer.greeting.isVisible() and customer.applicant.isVisible()  # the question takes its room
    qtbot.mouseClick(customer.consent_decline, Qt.MouseButton.LeftButton)
    assert view.desk.licence_consent == "declined" and customer.materials.isVisible()
    holds(customer, "the materials again")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_notice_that_keeps_what_was_provided_holds_the_pad(open_gui, qtbot, lang):
    view, screen, customer = on_a_pad(open_gui("window", terminal={"customer_screen": "on"}), qtbot, "JZ-002", lang)
    _scan(view, screen, qtbot, 0)
    assert customer.keep_draft.isVisible()
    holds(customer, "keep what was provided")
    qtbot.mouseClick(screen.issue, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.desk.step is Desk.DONE and not view.desk.busy, timeout=10000)
    assert customer.decision.isVisible()
    holds(customer, "the notice, rated")


def test_the_pad_is_the_least_the_applicants_screen_is_laid_out_for():
    assert below_applicant_least(1024, 600) is None and below_applicant_least(1280, 720) is None
    assert below_applicant_least(800, 480) == PAD and below_applicant_least(1024, 599) == PAD
