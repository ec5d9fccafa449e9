import io
import json
import logging

import pytest

from kiosk.logging_setup import configure_logging
from common.masking import Masker, mask_id_number, mask_name


def test_masked_forms():
    assert mask_id_number("33010619900307123X") == "3301**********123X"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳小明") == "欧***"
    assert mask_name("John Smith") == "J*** S****"


def test_masker_replaces_numbers_phones_and_registered_names():
    masker = Masker()
    masker.add_name("张测试")
    line = masker.mask("张测试 33010619900307123X called from 13812345678, old id 330106900307123")
    assert line == "张** 3301**********123X called from 138****5678, old id 3301*******7123"
    masker.forget_names()
    assert masker.mask("张测试") == "张测试"


def test_longer_digit_runs_are_not_mistaken_for_ids():
    assert Masker().mask("order 1234567890123456789012") == "order 1234567890123456789012"


@pytest.fixture
def logged(tmp_path):
    masker, console = Masker(), io.StringIO()
    path = configure_logging(tmp_path, masker, "DEBUG", console=True, stream=console)
    yield masker, path, console
    for handler in list(logging.getLogger().handlers):
        if getattr(handler, "_onetrip", False):
            logging.getLogger().removeHandler(handler)
            handler.close()


def test_nothing_reaches_file_or_console_unmasked(logged):
    masker, path, console_stream = logged
    masker.add_name("李样例")
    log = logging.getLogger("test.masking")
    log.info("card read for %s (%s), phone %s", "李样例", "330102195506122467", "+8613912345678")
    try:
        raise ValueError("bad record for 330102195506122467")
    except ValueError:
        log.exception("failed for 李样例")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    console = console_stream.getvalue()
    for output in (text, console):
        assert "330102195506122467" not in output
        assert "李样例" not in output
        assert "13912345678" not in output
        assert "3301**********2467" in output
        assert "李**" in output
    entries = [json.loads(line) for line in text.splitlines()]
    assert entries[0]["msg"] == "card read for 李** (3301**********2467), phone +86139****5678"
    assert "ValueError" in entries[1]["exc"] and "3301**********2467" in entries[1]["exc"]
