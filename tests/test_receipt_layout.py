"""Every receipt kind on every printer profile in both languages, read back from the bytes as the printer prints them.

Issue 18 item 4: no number broken across lines, no line starting with closing punctuation (or ending
with opening punctuation), no line wider than its columns as the printer counts them, and the raster
QR code with its quiet zone, decoded by the terminal's own QR decoder.
"""

import datetime as dt
import unicodedata

import numpy as np
import pytest

from common import provisional
from common.domain import (Application, Company, CompanyRole, Identity, MaterialKind, MaterialRequirement, Receipt,
                           ServiceItem)
from common.i18n import set_language
from common.masking import mask_id_number, mask_name
from devices.qr.decoder import decode
from devices.receipt.base import EscposReceiptPrinter
from devices.receipt.escpos import PROFILES, QUIET_ZONE, encode
from devices.receipt.linebreak import CLOSING, OPENING, char_columns, display_width, lay_out, wrap
from devices.receipt.transports import TcpTransport
from devices.receipt.virtual import render
from kiosk.receipts import acceptance_receipt, citizen_receipt, one_time_notice
from kiosk.submission import Outcome

ID_NUMBER = "33010619900101123X"
MASKED_ID = mask_id_number(ID_NUMBER)
# The longest provisional number there can be: a 16-character terminal id, a series, 5 digits: 40 characters.
LONGEST_TERMINAL = "ZJ-HZ-XIHU-T0001"
PROVISIONAL = provisional.make(LONGEST_TERMINAL, dt.date(2026, 11, 30), 42, series=1_000_000)
CASE = "SQ2026113000042"
NOTICE = "GZ2026113000007"
SERVICE = ServiceItem(
    "GT-003", "“个体工商户”经营者变更登记（含名称、经营场所、经营范围……）",
    "Change of the operator of an individually-owned business (“getihu”), name and premises included",
    "business", legal_basis="《促进个体工商户发展条例》第十二条、《市场主体登记管理条例实施细则》第三十一条",
    fee_yuan=10.0, promised_days=3,
    materials=(
        MaterialRequirement("M1", "变更登记申请书（经营者签字）", "Application for change (signed by the operator)",
                            kind=MaterialKind.ORIGINAL, pages=2,
                            obtain="市场监督管理局政务服务窗口——或者“浙里办”下载 / the market regulation window, "
                                   "or download it from the Zheliban app"),
        MaterialRequirement("M2", "经营场所使用证明", "Proof of the right to use the premises", required=False,
                            condition="经营场所变更的 / when the premises change", e_licence_type="property"),
    ))
APPLICANT = Identity(ID_NUMBER, "欧阳娜娜")
NAME = mask_name(APPLICANT.name)
NOW = dt.datetime(2026, 11, 30, 9, 41)


COMPANY = Company("91330106MA2H7Q3K8C", "杭州市西湖区示例便利店（个体工商户）",
                  "Hangzhou Xihu Example Convenience Store (individual business)", "", "张*",
                  CompanyRole.AUTHORISED_HANDLER)  # a long name, in both languages


def _receipt(number: str, **kw) -> Receipt:
    return Receipt(number, SERVICE.code, SERVICE.name_zh, SERVICE.name_en, NAME, MASKED_ID, LONGEST_TERMINAL, NOW,
                   promised_days=3, fee_yuan=10.0, **kw)


def _documents(lang, profile):
    """(kind, document, the numbers it prints) for every receipt kind."""
    set_language(lang)  # the test print speaks the active language, as the maintenance screen sets it
    outcome = Outcome(PROVISIONAL, True, PROVISIONAL, 3)
    application = Application(SERVICE, APPLICANT, LONGEST_TERMINAL)
    printer = EscposReceiptPrinter("p", TcpTransport("127.0.0.1", 9, timeout_s=1), profile)
    return [
        ("citizen", citizen_receipt(_receipt(CASE, fee_paid=True), lang), [CASE, MASKED_ID, LONGEST_TERMINAL]),
        ("offline", citizen_receipt(_receipt(PROVISIONAL, provisional=True), lang), [PROVISIONAL, MASKED_ID]),
        ("reprint", citizen_receipt(_receipt(CASE, reprint=True), lang), [CASE, MASKED_ID]),
        ("window", acceptance_receipt(outcome, application, "王小明", lang), [PROVISIONAL, MASKED_ID]),
        ("window, a company's", acceptance_receipt(outcome, Application(SERVICE, APPLICANT, LONGEST_TERMINAL,
                                                                        company=COMPANY), "王小明", lang),
         [PROVISIONAL, MASKED_ID, COMPANY.credit_code]),
        ("notice", one_time_notice(NOTICE, SERVICE, NAME, list(SERVICE.materials), LONGEST_TERMINAL, lang),
         [NOTICE, LONGEST_TERMINAL]),
        ("notice, a company's", one_time_notice(NOTICE, SERVICE, NAME, list(SERVICE.materials), LONGEST_TERMINAL, lang,
                                                COMPANY), [NOTICE, COMPANY.credit_code]),
        ("provisional notice", one_time_notice("", SERVICE, NAME, list(SERVICE.materials), LONGEST_TERMINAL, lang),
         [LONGEST_TERMINAL]),
        ("notice, the application kept", one_time_notice(NOTICE, SERVICE, NAME, list(SERVICE.materials),
                                                         LONGEST_TERMINAL, lang, kept_until=dt.date(2027, 1, 4)),
         [NOTICE, "2027-01-04"]),
        ("notice, nothing kept", one_time_notice(NOTICE, SERVICE, NAME, list(SERVICE.materials), LONGEST_TERMINAL,
                                                 lang, kept_nothing=True), [NOTICE]),
        ("test print", printer.test_page(), [str(profile.columns)]),
    ]


def _raster(data: bytes) -> np.ndarray:
    """The image of the first GS v 0 raster in ``data``, as sent: 255 white, 0 dark."""
    at = data.index(b"\x1dv0\x00")
    wb, h = data[at + 4] | data[at + 5] << 8, data[at + 6] | data[at + 7] << 8
    bits = np.unpackbits(np.frombuffer(data, np.uint8, wb * h, at + 8)).reshape(h, wb * 8)
    return np.where(bits == 1, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("profile_name", list(PROFILES))
def test_every_receipt_reads_right(profile_name, lang):
    profile = PROFILES[profile_name]
    for kind, document, numbers in _documents(lang, profile):
        data = encode(document, profile)
        page = render(data, profile)
        where = f"{kind} on {profile_name} in {lang}"
        assert page.cut and page.unknown_commands == 0, where
        assert page.printer_wrapped == 0, where
        for line, columns in zip(page.lines, page.columns):
            assert display_width(line) <= columns, (where, line)
            body = line.lstrip(" ")
            assert not body or body[0] not in CLOSING, (where, line)
            assert not body or body[-1] not in OPENING, (where, line)
        for number in numbers:
            assert any(number in line for line in page.lines), (where, number, page.lines)
        if kind.startswith(("notice", "provisional notice", "test print")):
            continue
        payload = f"OTR1:{numbers[0]}"
        if profile.native_qr:
            assert page.qr_codes == [payload], where
        else:
            raster = _raster(data)
            module = document.elements[[type(e).__name__ for e in document.elements].index("Qr")].module
            quiet = QUIET_ZONE * module
            assert (raster[:quiet] == 255).all() and (raster[-quiet:] == 255).all(), where
            assert (raster[:, :quiet] == 255).all() and (raster[:, -quiet:] == 255).all(), where
            assert (raster[quiet:-quiet, quiet:-quiet] == 0).any(), where
            assert [r.text for r in decode(raster, budget_ms=None)] == [payload], where
            assert [r.text for r in decode(np.asarray(page.image), budget_ms=None)] == [payload], where


def test_the_longest_provisional_number_prints_whole_in_the_small_font_on_58mm():
    assert len(PROVISIONAL) == 40
    profile = PROFILES["58mm"]
    data = encode(citizen_receipt(_receipt(PROVISIONAL, provisional=True), "zh_CN"), profile)
    assert b"\x1bM\x01" + PROVISIONAL.encode() + b"\n\x1bM\x00" in data  # on a line of its own, font B
    page = render(data, profile)
    line = page.lines.index(PROVISIONAL)
    assert page.columns[line] == profile.small_columns
    # a number that fits font A stays in it, on the line after its label when the label leaves no room
    assert lay_out("临时编号：P-ZJ-HZ-T001-20261130-00042-D", 32, 42) == [
        lay_out("临时编号：", 32)[0], lay_out("P-ZJ-HZ-T001-20261130-00042-D", 32)[0]]


def test_columns_are_the_printers_gb18030_count():
    for ch in "“”‘’—·…※°§№→":
        assert unicodedata.east_asian_width(ch) == "A" and char_columns(ch) == 2, ch
    for ch in "汉字，。：（）「」￥Ａ":
        assert unicodedata.east_asian_width(ch) in "WF" and char_columns(ch) == 2, ch
    for ch in "Az09 -*()":
        assert char_columns(ch) == 1
    for ch in "é¥€“汉ｶ":  # a one-byte code is one column, every longer one two
        assert char_columns(ch) == min(2, len(ch.encode("gb18030"))), ch
    assert display_width("办理事项：“个体工商户”经营者变更") == 34
    assert wrap("办理事项：“个体工商户”经营者变更", 32) == ["办理事项：“个体工商户”经营者变", "更"]


@pytest.mark.parametrize("text, columns, lines", [
    ("一二三四五。六", 10, ["一二三四", "五。六"]),               # 。 never starts a line: 五 moves down with it
    ("一二三“四五”六", 8, ["一二三", "“四五”", "六"]),            # “ never ends a line, ” never starts one
    ("申请人：张**（3301**********1236）", 32, ["申请人：张**", "（3301**********1236）"]),
    ("see P-ZJ-HZ-T001-20261130-00042-D now", 16,              # no small font given: split at a hyphen
     ["see", "P-ZJ-HZ-T001-", "20261130-00042-D", "now"]),
    ("   Where to get it: the street office", 19, ["   Where to get it:", "   the street", "   office"]),
])
def test_line_breaks(text, columns, lines):
    assert wrap(text, columns) == lines


def test_the_virtual_printer_wraps_a_line_too_long_as_a_printer_does():
    profile = PROFILES["58mm"]
    page = render(b"\x1b@\x1c&" + ("经营者变更" * 4).encode("gb18030") + b"\n" + b"\x1bM\x01" + b"x" * 42 + b"\n",
                  profile)
    assert page.lines == ["经营者变更经营者变更经营者变更经", "营者变更", "x" * 42]
    assert page.columns == [32, 32, 42]
    assert page.printer_wrapped == 1


@pytest.mark.parametrize("lang, said", [("zh_CN", "（复印件，"), ("en", " (copy, ")])
def test_the_notice_lists_each_material_in_its_languages_punctuation(lang, said):
    """The thermal notice read "1. 购房合同 (复印件, 4 页)"; the A4 documents share its wording (kiosk.materials)."""
    copy = next(m for m in SERVICE.materials if m.kind is MaterialKind.COPY)
    index = SERVICE.materials.index(copy) + 1
    texts = [e.text for e in one_time_notice(NOTICE, SERVICE, "张*", list(SERVICE.materials), "T1", lang).elements
             if hasattr(e, "text")]
    line = next(t for t in texts if t.startswith(f"{index}. {copy.name(lang)}"))
    assert said in line and (("(" in line) is (lang == "en")), line
