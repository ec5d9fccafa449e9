"""``kiosk bench search``: one keystroke's service search, over the sandbox's catalogue and a synthetic one.

Each size is indexed once (:class:`kiosk.search.ServiceIndex`, timed as "build"), then typed into as a
citizen would: for seeded target services, every prefix of the code, the initials, the full pinyin,
the Chinese name and the English name is one keystroke, one timed ``search`` call. The synthetic
catalogue is seeded (the same names every run): Chinese names made of service-hall words, polyphones
among them (行, 长, 重, 还), with English names, codes and categories to match. The target must be
found by its whole query (the last keystroke); a miss is reported and fails the bench.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import time
from pathlib import Path

from entry.bench import percentile

TARGET_MS = 5.0
SANDBOX_SERVICES = Path(__file__).resolve().parents[2] / "sandbox" / "data" / "services.json"

# (Chinese, English) words of service names; several hold polyphonic characters.
_SUBJECTS = [
    ("个体工商户", "individual business"), ("企业", "company"), ("居住证", "residence permit"),
    ("社会保险", "social insurance"), ("住房公积金", "housing provident fund"), ("不动产", "real estate"),
    ("机动车", "motor vehicle"), ("驾驶证", "driving licence"), ("银行账户", "bank account"),
    ("行政许可", "administrative licence"), ("长期护理", "long-term care"), ("重点人群", "priority group"),
    ("还款", "repayment"), ("营业执照", "business licence"), ("户口", "household register"),
    ("残疾人证", "disability certificate"), ("高龄津贴", "old-age allowance"), ("婚姻", "marriage"),
    ("出生", "birth"), ("完税", "tax payment"), ("医疗保险", "medical insurance"), ("养老金", "pension"),
    ("食品经营", "food business"), ("药品", "medicines"), ("排水", "drainage"), ("燃气", "gas supply"),
]
_ACTIONS = [
    ("设立登记", "registration"), ("变更登记", "change of registration"), ("注销", "closure"),
    ("申领", "application"), ("补领", "replacement"), ("换发", "renewal"), ("证明打印", "record print"),
    ("信息查询", "query"), ("提取", "withdrawal"), ("转移", "transfer"), ("备案", "filing"),
    ("年度报告", "annual report"), ("延续", "extension"), ("行程核验", "travel check"),
]
_QUALIFIERS = [("", ""), ("（线上）", " (online)"), ("（异地）", " (other city)"), ("（首次）", " (first time)"),
               ("（重新办理）", " (again)"), ("（代办）", " (by an agent)")]
_PLACES = [("", ""), ("市级", ", city"), ("区级", ", district"), ("街道", ", subdistrict"),
           ("开发区", ", development zone")]
_CATEGORIES = ["market", "public_security", "social_security", "housing", "natural_resources", "health",
               "transport", "civil_affairs", "tax", "water", "energy"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--size", type=int, default=2000, help="services in the synthetic catalogue")
    parser.add_argument("--targets", type=int, default=40, help="services typed for, per catalogue")
    parser.add_argument("--seed", type=int, default=1)


def synthetic_catalogue(size: int, seed: int) -> list:
    """``size`` distinct services (at most 10,920), the same for the same seed."""
    from common.domain import ServiceItem

    rng = random.Random(seed)
    names = list(itertools.product(_SUBJECTS, _ACTIONS, _QUALIFIERS))
    rng.shuffle(names)
    names = [((place + s[0] + a[0] + q[0]), f"{s[1].capitalize()} {a[1]}{q[1]}{place_en}")
             for place, place_en in _PLACES for s, a, q in names][:size]
    items = []
    for number, (name_zh, name_en) in enumerate(names, 1):
        prefix = "".join(rng.choice("ABCDEFGHJKLMNPQRSTWXYZ") for _ in range(rng.choice((2, 3))))
        items.append(ServiceItem(code=f"{prefix}-{number:04d}", name_zh=name_zh, name_en=name_en,
                                 category=rng.choice(_CATEGORIES)))
    return items


def _queries(item) -> list[str]:
    """What a citizen might type for ``item``: code, initials, full pinyin, Chinese name, English name."""
    from pypinyin import Style, lazy_pinyin

    syllables = [s for s in lazy_pinyin(item.name_zh, style=Style.NORMAL, errors="ignore") if s.isalpha()]
    return [item.code, "".join(s[0] for s in syllables), "".join(syllables), item.name_zh, item.name_en]


def _measure(label: str, items: list, targets: int, seed: int) -> tuple[float, int]:
    from kiosk.search import ServiceIndex

    start = time.perf_counter()
    index = ServiceIndex(items)
    build_ms = (time.perf_counter() - start) * 1000
    rng = random.Random(seed)
    chosen = rng.sample(items, min(targets, len(items)))
    times, misses, hits = [], [], 0
    for item in chosen:
        for query in _queries(item):
            found = []
            for end in range(1, len(query) + 1):
                start = time.perf_counter()
                found = index.search(query[:end], lang="zh")
                times.append((time.perf_counter() - start) * 1000)
                hits += len(found)
            if item not in found:
                misses.append(f"{item.code} {query!r}")
    p50, p95 = percentile(times, 50), percentile(times, 95)
    print(f"{label}: {len(items)} services, index built in {build_ms:.0f} ms; {len(times)} keystrokes: "
          f"p50 {p50:.3f} ms, p95 {p95:.3f} ms, max {max(times):.3f} ms; "
          f"{hits / len(times):.1f} results a keystroke; {len(chosen) * 5 - len(misses)}/{len(chosen) * 5} "
          f"whole queries found their service", flush=True)
    for miss in misses:
        print(f"  not found: {miss}")
    return p95, len(misses)


def run(args: argparse.Namespace) -> int:
    from kiosk.backend.codec import service_from_json

    sandbox = [service_from_json(obj) for obj in json.loads(SANDBOX_SERVICES.read_text(encoding="utf-8"))]
    results = [_measure("sandbox", sandbox, args.targets, args.seed),
               _measure("synthetic", synthetic_catalogue(args.size, args.seed), args.targets, args.seed)]
    ok = all(p95 < TARGET_MS and misses == 0 for p95, misses in results)
    print(f"verdict: every p95 under {TARGET_MS:.0f} ms and every service found" if ok else
          f"verdict: a p95 at or over {TARGET_MS:.0f} ms, or a service not found")
    return 0 if ok else 1
