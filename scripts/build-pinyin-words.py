#!/usr/bin/env python3
"""Write kiosk/data/pinyin_words.tsv.gz, the word list the touch keyboard's pinyin input reads.

Pinyin to Chinese needs words with their readings and how common each is. The words and their
frequencies come from jieba's dictionary (jieba 0.42.1, ``jieba/dict.txt``, MIT licence: 349,046
entries counted over a large general corpus, names and places of every size included, 文三路 and
西湖区 among them); each word's reading comes from pypinyin (MIT), through the same function the
service search uses (kiosk.search.syllable_readings): the likely reading of a word in context
(银行 is yin hang), every reading of a single character (行: xing, hang, heng), each reading after the
first at a tenth of the character's count. A few words of the service hall that jieba's general
dictionary lacks are added with the count of a common word (HALL_WORDS, HALL_COUNT).

The file is UTF-8 text, gzipped. The first line names the sources. Then one line per initials key
(the first letter of each syllable, ``gt`` for 个体), sorted: the key, then its words, most common
first, each ``word<space>syllables joined by '<space>count``, separated by tabs:

    gt	个体 ge'ti 2407	国体 guo'ti 171	...

so the input method can read the file in one pass and split a key's words only when first asked.

Usage (about two minutes; jieba only needed here: pip install 'onetrip[dictionary]'):
    .venv/bin/python scripts/build-pinyin-words.py [--dict PATH/TO/jieba/dict.txt]
"""

from __future__ import annotations

import argparse
import gzip
import importlib.metadata
import importlib.util
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.search import syllable_readings  # noqa: E402  (the repository's root on the path first)

OUT = ROOT / "kiosk" / "data" / "pinyin_words.tsv.gz"
HAN = re.compile(r"[\u4e00-\u9fff]+")
SYLLABLE = re.compile(r"[a-z]+")
MAX_CHARACTERS = 7  # longer entries are rare set phrases; a citizen composes them from shorter words
HALL_COUNT = 20000  # a hall word comes before a general word of its length: 个体工商户 before 高抬贵手 for gtgsh
OTHER_READING_SHARE = 10  # a character's second and later readings count a tenth of its first

# Words a citizen types at a service hall's forms that jieba's general dictionary does not hold.
HALL_WORDS = (
    "个体工商户", "营业执照", "统一社会信用代码", "法定代表人", "经营场所", "经营范围", "注册资本", "实缴资本",
    "身份证号码", "户口簿", "居住证", "社会保障卡", "住房公积金", "不动产登记", "不动产权证书", "结婚证",
    "出生医学证明", "办事指南", "一次告知", "电子证照", "个人独资企业", "农民专业合作社", "食品经营许可证",
)


def jieba_dict(given: str | None) -> Path:
    if given:
        return Path(given)
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        sys.exit("jieba is not installed: pip install 'onetrip[dictionary]', or pass --dict PATH/TO/dict.txt")
    return Path(spec.origin).parent / "dict.txt"


def readings(word: str) -> list[tuple[tuple[str, ...], int]]:
    """(syllables, share of the count) for each reading kept: a word's likely one, a character's all."""
    per_character = syllable_readings(word)
    if len(per_character) != len(word) or not all(all(SYLLABLE.fullmatch(r) for r in rs) for rs in per_character):
        return []
    if len(word) == 1:
        return [((reading,), 1 if i == 0 else OTHER_READING_SHARE) for i, reading in enumerate(per_character[0])]
    return [(tuple(rs[0] for rs in per_character), 1)]


def build(dict_path: Path) -> dict[str, list[tuple[int, str, str]]]:
    counts: dict[str, int] = {}
    for line in dict_path.read_text(encoding="utf-8").splitlines():
        word, count, *_tag = line.split(" ")
        if HAN.fullmatch(word) and len(word) <= MAX_CHARACTERS:
            counts[word] = max(counts.get(word, 0), int(count))
    for word in HALL_WORDS:
        counts.setdefault(word, HALL_COUNT)
    groups: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for number, (word, count) in enumerate(counts.items()):
        for syllables, share in readings(word):
            groups["".join(s[0] for s in syllables)].append((-max(1, count // share), word, "'".join(syllables)))
        if number % 20000 == 0:
            print(f"{number:7d} / {len(counts)}", file=sys.stderr)
    return groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dict", help="jieba's dict.txt (default: the installed jieba's)")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()
    source = jieba_dict(args.dict)
    groups = build(source)
    jieba_version = re.search(r"__version__ = '([^']+)'", (source.parent / "__init__.py").read_text(encoding="utf-8"))
    header = (f"# OneTrip pinyin words, written by scripts/build-pinyin-words.py: words and counts from jieba "
              f"{jieba_version.group(1) if jieba_version else '(version unknown)'} dict.txt (MIT), readings from pypinyin {importlib.metadata.version('pypinyin')} (MIT)")
    lines = [header]
    for key in sorted(groups):
        entries = sorted(groups[key])
        lines.append(key + "\t" + "\t".join(f"{word} {syllables} {-count}" for count, word, syllables in entries))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(out, "wb", compresslevel=9, mtime=0) as f:  # mtime 0: the same input, the same bytes
        f.write(("\n".join(lines) + "\n").encode("utf-8"))
    print(f"{out}: {sum(len(g) for g in groups.values())} readings under {len(groups)} keys, "
          f"{out.stat().st_size} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
