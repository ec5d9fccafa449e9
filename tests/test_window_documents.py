"""The window's A4 documents read back from the PDF as a printer gets it: poppler's pdftotext for the words,
pdffonts for the embedded Chinese font, pdftoppm and the terminal's QR decoder for the acceptance notice's code."""

import dataclasses
import datetime as dt
import subprocess
from pathlib import Path

import cv2
import pytest

from common.domain import Company, CompanyRole, MaterialKind, MaterialRequirement, ServiceItem
from common.masking import mask_id_number, mask_name
from devices.qr.decoder import decode
from kiosk.refusal_reasons import Refusal, RefusalReason
from kiosk.window_documents import AcceptanceNotice, Matter, OneTimeNoticeA4, RefusalDecision, job_title, render

ID_NUMBER = "33010619900101123X"
NAME = "张测试"
SERVICE = ServiceItem(
    "GJJ-004", "住房公积金提取（购房）", "Housing provident fund withdrawal (home purchase)", "housing",
    legal_basis="《住房公积金管理条例》第二十四条", promised_days=5,
    materials=(
        MaterialRequirement("M1", "居民身份证", "Resident ID card", kind=MaterialKind.ORIGINAL),
        MaterialRequirement("M2", "购房合同", "Home purchase contract", pages=4),
        MaterialRequirement("M3", "购房发票", "Home purchase invoice"),
    ))
MATTER = Matter("330106-XH-01", "XH0001", SERVICE, mask_name(NAME), mask_id_number(ID_NUMBER),
                dt.datetime(2026, 12, 2, 10, 30))


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True,
                          timeout=30).stdout


def assert_masked(words: str) -> None:
    assert ID_NUMBER not in words and NAME not in words
    assert "3301**********123X" in words and "张*" in words


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_acceptance_notice_names_the_case_the_materials_the_clerk_and_the_hall(lang, tmp_path):
    doc = AcceptanceNotice(MATTER, "SQ2026120200042", False, SERVICE.materials[:2])
    words = pdf_text(render(doc, lang), tmp_path)
    assert_masked(words)
    for field in ("SQ2026120200042", "XH0001", "330106-XH-01", "2026-12-02", SERVICE.name(lang),
                  SERVICE.materials[0].name(lang), SERVICE.materials[1].name(lang)):
        assert field in words, field
    assert SERVICE.materials[2].name(lang) not in words  # not received: not listed
    expected = {"zh_CN": ("受理通知书", "已收取材料", "承诺5个工作日内办结"),
                "en": ("AcceptanceNotice", "Materialsreceived", "Promisedwithin5workingdays")}[lang]
    flat = "".join(words.split())
    assert all(part in flat for part in expected), expected
    first = SERVICE.materials[0]  # each material in the language's own punctuation
    said = {"zh_CN": f"1.{first.name(lang)}（", "en": f"1.{''.join(first.name(lang).split())}("}[lang]
    assert said in flat and ("，" in flat.split(said)[1][:12]) == (lang == "zh_CN"), flat


def test_the_clerk_is_named_with_the_staff_id_and_the_id_alone_is_said_to_be_one(tmp_path):
    import dataclasses

    named = dataclasses.replace(MATTER, clerk_name="陈示范")
    flat = "".join(pdf_text(render(AcceptanceNotice(named, "SQ2026120200042", False, []), "zh_CN"), tmp_path).split())
    assert "受理人：陈示范（工号XH0001）" in flat  # as the thermal receipt names the clerk, with the id
    flat = "".join(pdf_text(render(AcceptanceNotice(MATTER, "SQ2026120200042", False, []), "zh_CN"), tmp_path).split())
    assert "受理人：工号XH0001" in flat


def test_a_service_done_on_the_spot_says_so_in_a_sentence(tmp_path):
    import dataclasses

    matter = dataclasses.replace(MATTER, service=dataclasses.replace(SERVICE, promised_days=0))
    flat = "".join(pdf_text(render(AcceptanceNotice(matter, "SQ2026120200042", False, []), "zh_CN"),
                            tmp_path).split())
    assert "即办件，当场办结" in flat  # not a bare "即办" on a line of its own


@pytest.mark.parametrize("lang, name", [("zh_CN", "杭州示例科技有限公司"), ("en", "HangzhouExampleTechnology")])
def test_a_companys_matter_names_the_company_with_its_credit_code(lang, name, tmp_path):
    company = Company("91330106MA2H7Q3K8C", "杭州示例科技有限公司", "Hangzhou Example Technology Co., Ltd.", "", "吴*",
                      CompanyRole.AUTHORISED_HANDLER)
    matter = dataclasses.replace(MATTER, company=company)
    for doc in (AcceptanceNotice(matter, "SQ2026120200042", False, ()), OneTimeNoticeA4(matter, "GZ1", ()),
                RefusalDecision(matter, "SQ2026120200042", Refusal.of(RefusalReason.NOT_OUR_REMIT))):
        flat = "".join(pdf_text(render(doc, lang), tmp_path).split())
        assert name in flat and "91330106MA2H7Q3K8C" in flat, type(doc).__name__
        assert_masked(pdf_text(render(doc, lang), tmp_path))  # the person who applies for it, masked as ever
    assert "91330106MA2H7Q3K8C" not in "".join(pdf_text(render(AcceptanceNotice(MATTER, "SQ1", False, ()), lang),
                                                        tmp_path).split())  # a person's matter names none


def test_the_acceptance_notice_carries_the_case_s_code_and_embeds_its_font(tmp_path):
    path = tmp_path / "acceptance.pdf"
    path.write_bytes(render(AcceptanceNotice(MATTER, "SQ2026120200042", False, ()), "zh_CN"))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True, timeout=30).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all(row[-5] == "yes" for row in rows), fonts  # every font embedded
    subprocess.run(["pdftoppm", "-r", "100", "-gray", "-png", "-singlefile", str(path), str(tmp_path / "page")],
                   check=True, timeout=60)
    page = cv2.imread(str(tmp_path / "page.png"), cv2.IMREAD_GRAYSCALE)
    assert page.shape[:2] == (1170, 827)  # A4 at 100 dpi
    assert [r.text for r in decode(page, budget_ms=None)] == ["OTR1:SQ2026120200042"]  # as the receipt's


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_one_time_notice_on_a4_lists_what_is_missing_under_its_number(lang, tmp_path):
    doc = OneTimeNoticeA4(MATTER, "GZ2026120200007", SERVICE.materials[1:])
    words = pdf_text(render(doc, lang), tmp_path)
    assert_masked(words)
    listed = [line.strip() for line in words.splitlines() if line.strip()[:2] in ("1.", "2.", "3.")]
    assert len(listed) == 2 and SERVICE.materials[1].name(lang) in listed[0] and \
        SERVICE.materials[2].name(lang) in listed[1]
    assert "GZ2026120200007" in words and "《住房公积金管理条例》第二十四条" in words
    assert ("一次性告知书" if lang == "zh_CN" else "One-Time Notice") in words


def test_the_notice_on_a4_says_until_when_the_application_is_kept_or_that_nothing_is(tmp_path):
    import datetime as dt

    kept = pdf_text(render(OneTimeNoticeA4(MATTER, "GZ1", SERVICE.materials[1:], dt.date(2027, 1, 4)), "zh_CN"),
                    tmp_path)
    assert "保存至 2027-01-04" in kept.replace("\n", ""), kept
    nothing = pdf_text(render(OneTimeNoticeA4(MATTER, "GZ1", SERVICE.materials[1:], kept_nothing=True), "en"),
                       tmp_path)
    assert "Nothing you provided today is kept" in " ".join(nothing.split()), nothing
    plain = pdf_text(render(OneTimeNoticeA4(MATTER, "GZ1", SERVICE.materials[1:]), "en"), tmp_path)
    assert "kept" not in plain  # a copy made from the record says nothing of it


def test_a_notice_without_a_number_says_it_is_provisional(tmp_path):
    words = pdf_text(render(OneTimeNoticeA4(MATTER, "", SERVICE.materials[1:]), "zh_CN"), tmp_path)
    assert "无（临时告知书）" in words and job_title(OneTimeNoticeA4(MATTER, "", ())) == "notice-provisional"


@pytest.mark.parametrize("reason, zh", [
    (RefusalReason.NOT_OUR_REMIT, "不属于本机关职权范围"),
    (RefusalReason.NOT_ELIGIBLE, "不符合"),
    (RefusalReason.NOT_LICENSING, "不需要取得行政许可"),
])
def test_the_refusal_decision_gives_the_reason_and_the_applicant_s_remedies(reason, zh, tmp_path):
    words = pdf_text(render(RefusalDecision(MATTER, "SQ2026120200043", Refusal.of(reason)), "zh_CN"), tmp_path)
    flat = "".join(words.split())  # a sentence wraps anywhere in Chinese
    assert_masked(words)
    assert "不予受理决定书" in words and "SQ2026120200043" in words and zh in flat
    assert "行政复议" in flat and "60日" in flat and "行政诉讼" in flat and "6个月" in flat
    assert "330106-XH-01" in words and "2026-12-02" in words and "XH0001" in words


def test_the_refusal_in_english_and_the_clerk_s_own_reason(tmp_path):
    refusal = Refusal.of(RefusalReason.OTHER, "  the matter   is already\nbeing handled ")
    assert refusal.complete() and not Refusal.of(RefusalReason.OTHER, "   ").complete()
    words = " ".join(pdf_text(render(RefusalDecision(MATTER, "SQ1", refusal), "en"), tmp_path).split())
    assert "Decision Not to Accept" in words and "Other reason: the matter is already being handled" in words
    assert "administrative reconsideration within 60 days" in words and "within 6 months" in words
    assert refusal.legal_reason().startswith("其他理由") and "the matter is already being handled" in \
        refusal.legal_reason()
