"""A device's message said to the clerk (kiosk/staff_words.py): the sentence sending its reader to the hall's staff
dropped in both languages, in every wording the catalogue has, and nothing else changed."""

import pytest

from common.i18n import text
from devices.receipt.base import PaperOutError
from kiosk.staff_words import for_staff, staff_message
from scripts import catalogues


def test_the_receipt_printer_out_of_paper_said_to_the_clerk():
    said = staff_message(PaperOutError())
    assert said.render("en") == "The receipt printer is out of paper."
    assert said.render("zh_CN") == "凭条打印机缺纸。"


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_every_message_that_sends_its_reader_to_the_staff_loses_that_sentence_and_only_that(lang):
    po = catalogues.read(catalogues.po_path(lang)).entries
    sending = [mid for mid in po if mid.endswith("Please ask the hall staff for help.")]
    assert len(sending) >= 10
    for mid in sending:
        full, shorter = text(mid).render(lang), for_staff(text(mid)).render(lang)
        assert shorter != full and full.startswith(shorter[:-1]) and shorter.endswith(("." if lang == "en" else "。"))
        assert "staff" not in shorter and "工作人员" not in shorter, (mid, shorter)


def test_a_message_without_that_sentence_is_left_as_it_is():
    said = text("The document printer has a paper jam.")
    assert for_staff(said).render("en") == said.render("en")
    assert for_staff(text("Please ask the hall staff for help.")).render("en") == "Please ask the hall staff for help."
