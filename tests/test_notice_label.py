"""A notice's text stands off its box (ui/widgets.py NoticeLabel, ui/theme.py): the label is built hidden and named
("notice" or "info") only when its first notice comes, and restyling it renewed its colours but not its padding, so
every notice's text touched its box's edge, at the kiosk and at the window."""

import pytest
from PySide6.QtWidgets import QVBoxLayout, QWidget

from common.i18n import text
from kiosk.workflows.citizen import Notice
from ui.theme import Theme, stylesheet
from ui.widgets import NoticeLabel


@pytest.mark.parametrize("error", [True, False])
@pytest.mark.parametrize("elderly", [False, True])
def test_the_first_notice_has_its_padding(qtbot, error, elderly):
    page = QWidget()
    page.setStyleSheet(stylesheet(Theme(elderly=elderly)))
    notice = NoticeLabel()
    QVBoxLayout(page).addWidget(notice)
    qtbot.addWidget(page)
    page.show()
    notice.show_notice(Notice(text("Something went wrong. Please try again or ask the hall staff."), error=error))
    inner = notice.contentsRect()
    assert notice.isVisible()
    assert inner.left() >= 8 and inner.top() >= 4  # before: 0 and 0
    assert notice.width() - inner.right() >= 8


def test_a_notice_after_the_other_kind_keeps_its_padding(qtbot):
    page = QWidget()
    page.setStyleSheet(stylesheet(Theme()))
    notice = NoticeLabel()
    QVBoxLayout(page).addWidget(notice)
    qtbot.addWidget(page)
    page.show()
    notice.show_notice(Notice(text("Something went wrong. Please try again or ask the hall staff."), error=False))
    notice.show_notice(None)
    notice.show_notice(Notice(text("Something went wrong. Please try again or ask the hall staff."), error=True))
    assert notice.objectName() == "notice" and notice.contentsRect().left() >= 8
