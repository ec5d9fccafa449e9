"""kiosk.search over the sandbox's catalogue, decoded as the client decodes it (speed is `kiosk bench search`)."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from common.domain import ServiceItem
from kiosk.backend.codec import service_from_json
from kiosk.search import CategoryCount, ServiceIndex, categories, search

SERVICES = Path(__file__).resolve().parent.parent / "sandbox" / "data" / "services.json"


@pytest.fixture(scope="module")
def catalogue() -> list[ServiceItem]:
    return [service_from_json(obj) for obj in json.loads(SERVICES.read_text(encoding="utf-8"))]


@pytest.fixture(scope="module")
def index(catalogue) -> ServiceIndex:
    return ServiceIndex(catalogue)


def codes(items) -> list[str]:
    return [item.code for item in items]


@pytest.mark.parametrize("query", ["gtgsh", "getigongshanghu", "GETIGONGSHANGHU", "ge ti gong shang hu",
                                   "getig", "gtg", "个体工商户", "工商户"])
def test_the_issues_examples_find_the_individual_business_first(index, query):
    found = index.search(query, lang="zh")
    assert found and found[0].code == "GT-001" and found[0].name_zh.startswith("个体工商户"), codes(found)


@pytest.mark.parametrize("query", ["GT-001", "gt-001", "GT001", "gt001", "ＧＴ－００１", "ｇｔ００１", " GT-001 "])
def test_a_code_in_any_spelling_finds_its_service_alone(index, query):
    assert codes(index.search(query, lang="zh")) == ["GT-001"]


def test_a_code_prefix_or_its_digits_find_the_service(index):
    assert codes(index.search("jz", lang="zh")) == ["JZ-002"]
    assert codes(index.search("JSZ", lang="zh")) == ["JSZ-010"]
    assert codes(index.search("010", lang="zh")) == ["JSZ-010"]


def test_english_words_match_from_their_start_in_any_order(index):
    assert codes(index.search("Individual business", lang="en")) == ["GT-001"]
    assert codes(index.search("business indiv", lang="en")) == ["GT-001"]
    assert set(codes(index.search("licence", lang="en"))) == {"YZ-007", "JSZ-010"}
    assert index.search("usiness", lang="en") == []  # a word's middle is not a match


def test_pinyin_from_a_later_syllable_and_initials_inside_a_name(index):
    assert codes(index.search("gongjijin", lang="zh")) == ["GJJ-004"]  # 住房公积金
    assert codes(index.search("zfgjj", lang="zh")) == ["GJJ-004"]
    assert codes(index.search("hukou", lang="zh"))[0] == "HK-015"
    assert "GJJ-004" not in codes(index.search("angg", lang="zh"))  # not across a syllable's middle


def test_every_reading_of_a_polyphone_is_indexed():
    bank = ServiceItem(code="YH-001", name_zh="银行开户", name_en="Bank account", category="finance")
    walk = ServiceItem(code="XZ-002", name_zh="行走辅助", name_en="Walking aid", category="civil_affairs")
    index = ServiceIndex([bank, walk])
    assert codes(index.search("yinhang", lang="zh")) == ["YH-001"]  # the phrase's reading
    assert codes(index.search("yinxing", lang="zh")) == ["YH-001"]  # a citizen's misreading still finds it
    assert codes(index.search("xingzou", lang="zh")) == ["XZ-002"]
    assert codes(index.search("hangzou", lang="zh")) == ["XZ-002"]
    assert codes(index.search("yh", lang="zh")) == ["YH-001"]
    assert codes(index.search("yx", lang="zh")) == ["YH-001"]  # yin xing's initials


def test_a_name_full_of_polyphones_stays_bounded():
    name = "行长重还长行重还" * 4  # 32 polyphones: 2**32 readings if nothing bounded them
    item = ServiceItem(code="ZZ-999", name_zh=name, name_en="", category="x")
    index = ServiceIndex([item])
    assert len(index._pinyin.keys) <= 32
    assert codes(index.search("hangzhang", lang="zh")) == ["ZZ-999"]


def test_ranking_in_the_sandbox_catalogue(index):
    # "g": three code prefixes (GJJ, GL, GT), ordered by pinyin for zh (gao ling, ge ti, zhu fang), by English for en
    assert codes(index.search("g", lang="zh")) == ["GL-012", "GT-001", "GJJ-004"]
    assert codes(index.search("g", lang="en")) == ["GJJ-004", "GT-001", "GL-012"]
    # the code CS-006 before anything else; 出生 (chu sheng) is the same service
    assert codes(index.search("cs", lang="zh")) == ["CS-006"]
    # every 登记 service, by Chinese or by pinyin from a later syllable, in pinyin order
    both = ["BDC-005", "CS-006", "GT-001", "HY-011", "QY-008"]
    assert codes(index.search("登记", lang="zh")) == both == codes(index.search("dengji", lang="zh"))
    # a name's start (企业...) before a substring elsewhere (营业执照...)
    assert codes(index.search("企业", lang="zh")) == ["QY-008"]
    assert codes(index.search("业", lang="zh")) == ["QY-008", "YZ-007"]  # both inside: qi ye before ying ye


def test_ranks_are_in_the_documented_order():
    def item(code, zh, en=""):
        return ServiceItem(code=code, name_zh=zh, name_en=en, category="c")

    items = [item("XX-007", "平安"),                # an from a later syllable (ping an)
             item("XX-006", "税务", "Tax annual"),  # an English word's start
             item("XX-005", "安全"),                # pinyin prefix (an quan)
             item("XX-004", "爱你"),                # initials prefix (ai ni)
             item("YY-003", "年检", "Annual check"),  # the English name's start
             item("AN-001", "其他"),                # code prefix
             item("AN", "别的")]                    # exact code
    assert codes(ServiceIndex(items).search("an", lang="zh")) == [
        "AN", "AN-001", "YY-003", "XX-004", "XX-005", "XX-006", "XX-007"]


def test_the_category_filter(index):
    market = index.search("登记", category="market", lang="zh")
    assert codes(market) == ["GT-001", "QY-008"]
    assert index.search("gtgsh", category="tax", lang="zh") == []
    assert index.search("gtgsh", category="no-such-category", lang="zh") == []


def test_categories_in_catalogue_order_with_counts(catalogue, index):
    found = categories(catalogue)
    assert found[0] == CategoryCount("market", 3)
    assert sum(c.count for c in found) == len(catalogue) == 15
    assert [c.category for c in found] == list(dict.fromkeys(item.category for item in catalogue))
    assert index.categories() == found
    assert categories([]) == []


@pytest.mark.parametrize("query", ["", "   ", "\t\n", "xyzzy", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "!!!", "％％",
                                   "\x00", "\ud800", "nan", "NaN", "'", "gtgsh" * 200, "🙂", "\\", "a" * 10000])
def test_empty_and_nonsense_queries_return_nothing_and_never_raise(index, query):
    assert index.search(query, lang="zh") == []
    assert index.search(query, category="market", lang="en") == []


@pytest.mark.parametrize("query", [None, 42, math.nan, b"gtgsh"])
def test_a_query_that_is_not_text_returns_nothing(index, query):
    assert index.search(query, lang="zh") == []  # type: ignore[arg-type]


def test_the_one_off_form_matches_the_index(catalogue, index):
    assert search(catalogue, "gtgsh", lang="zh") == index.search("gtgsh", lang="zh")
    assert search(index, "社保", lang="zh") == index.search("社保", lang="zh")


def test_the_order_comes_from_the_names_not_the_catalogues_order(catalogue):
    first = ServiceIndex(catalogue).search("j", lang="zh")
    again = ServiceIndex(list(reversed(catalogue))).search("j", lang="zh")
    assert first == again and len(first) > 1


def test_a_catalogue_of_odd_names_is_still_searchable():
    items = [ServiceItem(code="", name_zh="", name_en="", category=""),
             ServiceItem(code="??", name_zh="（）、。", name_en="—", category=""),
             ServiceItem(code="5G-1", name_zh="5G基站备案", name_en="5G base station filing", category="")]
    index = ServiceIndex(items)
    assert codes(index.search("5gjz", lang="zh")) == ["5G-1"]
    assert codes(index.search("jizhan", lang="zh")) == ["5G-1"]
    assert index.search("（", lang="zh") == []  # punctuation alone matches nothing
    assert categories(items) == [CategoryCount("", 3)]


def test_kiosk_bench_search_reports_both_catalogues():
    result = subprocess.run([sys.executable, "-m", "entry", "bench", "search", "--size", "200", "--targets", "3"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode in (0, 1), result.stderr  # 1 = a p95 over target on a loaded machine; not a crash
    rows = re.findall(r"^(sandbox|synthetic): (\d+) services, index built in \d+ ms; (\d+) keystrokes: "
                      r"p50 (\d+\.\d+) ms, p95 (\d+\.\d+) ms, max \d+\.\d+ ms; .*; (\d+)/(\d+) whole queries found",
                      result.stdout, re.M)
    assert [(r[0], r[1]) for r in rows] == [("sandbox", "15"), ("synthetic", "200")], result.stdout
    for _, _, keystrokes, p50, p95, found, asked in rows:
        assert int(keystrokes) > 0 and 0 < float(p50) <= float(p95)
        assert found == asked == "15"  # 3 services x 5 ways to type each, all found
