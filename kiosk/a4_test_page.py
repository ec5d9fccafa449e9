"""The A4 printer's test page, printed from maintenance ("Test A4 print"): staff who loaded paper, cleared a jam or
changed the toner see a page come out whole, and which terminal sent it when. In Chinese and English on one page,
as staff of either read it. Pure (no device, no Qt); blocking: call it from the task runner."""

from __future__ import annotations

import datetime as dt

from common.i18n import N_, text
from kiosk.a4_layout import Para, page_pdf

TITLE = N_("A4 printer test page")
LINES = (N_("Terminal: {terminal}"), N_("Printed at: {time}"),
         N_("If this page came out whole and clear, the A4 printer works."))
LANGUAGES = ("zh_CN", "en")


def page(terminal_id: str, now: dt.datetime) -> bytes:
    """The page: its title in both languages, then each line in Chinese and in English."""
    when = now.strftime("%Y-%m-%d %H:%M:%S")
    title = " · ".join(text(TITLE).render(language) for language in LANGUAGES)
    paras = [Para(text(line, terminal=terminal_id, time=when).render(language), space_before=6.0 if first else 0.0)
             for line in LINES for first, language in zip((True, False), LANGUAGES)]
    return page_pdf(title, paras, pdf_title="onetrip-test-page")
