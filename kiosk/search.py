"""Finding a service: categories, and search as you type by Chinese, pinyin, initials, English and code.

Qt-free, so the kiosk and the window terminal share it. Build a :class:`ServiceIndex` once per
catalogue (the pinyin of every name is worked out then, ~0.6 ms per service) and call
:meth:`ServiceIndex.search` on every keystroke; :func:`search` and :func:`categories` are the
one-off forms.

A query matches, after NFKC (full-width ``ＧＴ－００１`` is ``GT-001``) and case folding:

- the code, ignoring punctuation: ``gt-001``, ``GT001``, ``gt`` (and digits inside it, ``001``);
- the Chinese name as a substring (``工商``);
- the English name, each query word the start of a word in it (``business reg``);
- the full pinyin without tones, spaces or apostrophes (``getigongshanghu``, ``ge ti gong``, ``getig``),
  from the start of the name or from a later syllable (``gongshang``);
- the initials, one letter a syllable (``gtgsh``, ``gtg``), ``v`` for ``ü``.

Polyphonic characters: pypinyin's heteronym mode gives every reading (``行`` is xing, hang, heng) and
its phrase dictionary the likely one (银行 is yin hang). Each name is indexed in its likely reading
and in the others, fewest changes from the likely one first, at most :data:`MAX_READINGS` spellings
a name, so a 30-character name full of polyphones cannot blow the index up.

Ranking, best first, one place a service: exact code, code prefix, name prefix (Chinese or English),
initials prefix, pinyin prefix, substring (Chinese name, English words, code), then pinyin or initials
from a later syllable; within a rank alphabetically in the citizen's language (pinyin for zh), then in
catalogue order. Deterministic: the same catalogue and query give the same list.

How it is fast: every searchable key (codes, names, English words, each spelling's pinyin and
initials, and their tails from each later syllable) sits in a sorted list, so a prefix test is two
bisections and a slice, whatever the catalogue's size; only the Chinese name and the code are
scanned for substrings, two short strings.

Measured with ``kiosk bench search`` (2 shared cores, Python 3.11, pypinyin 0.55; every prefix of a
service's code, initials, pinyin, Chinese and English name is a keystroke): over the sandbox's 15
services p50 0.03 ms, p95 0.04-0.06 ms a keystroke; over a synthetic 2,000-service catalogue p50
0.07 ms, p95 0.4 ms, max 4-5 ms (a first letter matching a thousand services; one 23 ms outlier
under other processes' load). Building the index: ~0.2 s for 15 services (importing pypinyin is most
of it) and ~1.2 s for 2,000, ~13 MB (tracemalloc) for 2,000; build it once, off the GUI thread.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from common.domain import ServiceItem

log = logging.getLogger(__name__)

MAX_READINGS = 32  # spellings indexed per name (likely reading first); bounds build time and memory
MAX_LATER_READINGS = 8  # of which matched from a later syllable too (each adds a key per syllable)

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_SYLLABLE = re.compile(r"[a-z]+")
_WORD = re.compile(r"[0-9a-z]+")
_NOT_ALNUM = re.compile(r"[^0-9a-z]")
_PINYIN_QUERY = re.compile(r"[0-9a-z]+")  # digits for a name's own numbers and Latin words
_WHOLE = "\x01"  # marks a syllable that is a Latin word or number: kept whole in the initials
_PINYIN_SEPARATORS = re.compile(r"[\s'’\-·]+")

# Ranks, best first.
EXACT_CODE, CODE_PREFIX, NAME_PREFIX, INITIALS_PREFIX, PINYIN_PREFIX, SUBSTRING, LATER_SYLLABLE = range(7)


class CategoryCount(NamedTuple):
    category: str  # the catalogue's key (``market``); "" for services without one
    count: int


def _fold(text: str) -> str:
    """Width- and case-insensitive form: NFKC then casefold; ü as v, as pinyin keyboards type it.

    Control and unassigned characters go (NUL separates keys in :class:`_Substrings`)."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("ü", "v")
    return "".join(ch for ch in folded if not unicodedata.category(ch).startswith("C"))


def preload() -> None:
    """Import pypinyin and read one name (~0.3 s; from a worker, once the terminal is up). Its readings are
    192,828 objects (lists, mostly) that live for the terminal's life: loaded before ui/long_lived.py sets what
    exists aside from the garbage collector, they are set aside with it. Loaded later, by the first citizen's
    catalogue, every full collection walked them on the GUI thread: 33-46 ms each on an idle terminal, against none
    now (tests/test_long_lived_search.py's terminal, 2026-12-04). On a worker it still holds every other thread once,
    for 132-140 ms (reading the readings' compiled module holds the interpreter lock; three runs): as it did in the
    first citizen's catalogue load before, now a few seconds after start-up, when the warm-up is done."""
    syllable_readings("行")


def syllable_readings(name: str) -> list[list[str]]:
    """Per syllable, its readings (likely one first): one entry per Han character, one per Latin word.

    A Latin word or number (``5G`` in 5G基站) is one reading of itself, whole in the initials too."""
    from pypinyin import Style, pinyin  # ~0.2 s on first import: only when an index is built

    out: list[list[str]] = []
    position = 0
    for run in _HAN.finditer(name):
        out += [[_WHOLE + w] for w in _WORD.findall(_fold(name[position:run.start()]))]
        in_context = pinyin(run.group(), style=Style.NORMAL, heteronym=True)
        for char, likely in zip(run.group(), in_context):
            alone = pinyin(char, style=Style.NORMAL, heteronym=True)[0]
            readings = list(dict.fromkeys(r for r in map(_fold, [*likely, *alone]) if _SYLLABLE.fullmatch(r)))
            if readings:
                out.append(readings)
        position = run.end()
    out += [[_WHOLE + w] for w in _WORD.findall(_fold(name[position:]))]
    return out


def _spellings(syllables: list[list[str]], limit: int) -> Iterator[tuple[str, ...]]:
    """Readings of the whole name, fewest departures from the likely reading first, at most ``limit``."""
    likely = [r[0] for r in syllables]
    polyphones = [i for i, r in enumerate(syllables) if len(r) > 1]
    produced = 0
    for changes in range(len(polyphones) + 1):
        for positions in itertools.combinations(polyphones, changes):
            for others in itertools.product(*(syllables[i][1:] for i in positions)):
                spelling = list(likely)
                for i, reading in zip(positions, others):
                    spelling[i] = reading
                yield tuple(spelling)
                produced += 1
                if produced >= limit:
                    return


@dataclass(frozen=True)
class _Names:
    """One service's searchable forms, folded."""

    code: str                       # alphanumerics only: gt001
    zh: str                         # without spaces
    en: str
    en_words: tuple[str, ...]
    spellings: tuple[tuple[str, ...], ...]  # syllables of each reading of the Chinese name, likely first
    initials: tuple[tuple[str, ...], ...]   # the same, each syllable's initial (a Latin word whole)


def _names(item: ServiceItem) -> _Names:
    try:
        syllables = syllable_readings(item.name_zh)
    except Exception:  # a name pypinyin cannot read must not cost the catalogue its search
        log.warning("search: no pinyin for service %s; it is found by code, Chinese and English only",
                    item.code, exc_info=True)
        syllables = []
    en = " ".join(_fold(item.name_en).split())
    spellings = tuple(_spellings(syllables, MAX_READINGS)) if syllables else ()
    return _Names(code=_NOT_ALNUM.sub("", _fold(item.code)), zh="".join(_fold(item.name_zh).split()), en=en,
                  en_words=tuple(_WORD.findall(en)),
                  spellings=tuple(tuple(s.lstrip(_WHOLE) for s in spelling) for spelling in spellings),
                  initials=tuple(tuple(s[1:] if s[0] == _WHOLE else s[0] for s in spelling)
                                 for spelling in spellings))


class _Prefixes:
    """Sorted keys, each with its service's number: the services with a key starting with q, by bisection."""

    def __init__(self, pairs: Iterable[tuple[str, int]]) -> None:
        ordered = sorted(set(pairs))
        self.keys = [key for key, _ in ordered]
        self.ids = [number for _, number in ordered]

    def starting(self, q: str) -> set[int]:
        low = bisect.bisect_left(self.keys, q)
        return set(self.ids[low:bisect.bisect_left(self.keys, q + "\U0010ffff", low)])


class _Substrings:
    """One string of every service's key, for a substring search that costs one scan."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.text = "".join("\0" + key for key in keys)
        self.starts = list(itertools.accumulate((len(key) + 1 for key in keys[:-1]), initial=0)) if keys else []

    def containing(self, q: str) -> set[int]:
        found: set[int] = set()
        at = self.text.find(q)
        while at >= 0:
            number = bisect.bisect_right(self.starts, at) - 1
            found.add(number)
            following = number + 1
            if following == len(self.starts):
                break
            at = self.text.find(q, self.starts[following])
        return found


class _Query:
    def __init__(self, text: str) -> None:
        folded = _fold(text).strip()
        self.text = " ".join(folded.split())          # for names: inner runs of space as one
        self.compact = "".join(folded.split())          # for the Chinese name
        # for codes, when the query has no Chinese in it: "gt-001", "GT001", "gt"
        self.code = "" if _HAN.search(folded) else _NOT_ALNUM.sub("", folded)
        self.words = tuple(_WORD.findall(folded))       # for English
        letters = _PINYIN_SEPARATORS.sub("", folded)
        self.pinyin = letters if _PINYIN_QUERY.fullmatch(letters) else ""


class ServiceIndex:
    """A catalogue made searchable; build once per catalogue, search on every keystroke."""

    def __init__(self, items: Iterable[ServiceItem]) -> None:
        self.items: tuple[ServiceItem, ...] = tuple(items)
        names = [_names(item) for item in self.items]
        numbered = list(enumerate(names))
        self._codes: dict[str, set[int]] = {}
        for i, n in numbered:
            self._codes.setdefault(n.code, set()).add(i)
        self._code_prefixes = _Prefixes((n.code, i) for i, n in numbered)
        self._name_prefixes = _Prefixes(itertools.chain(((n.zh, i) for i, n in numbered),
                                                        ((n.en, i) for i, n in numbered)))
        self._initials = _Prefixes(("".join(initials), i) for i, n in numbered for initials in n.initials)
        self._pinyin = _Prefixes(("".join(spelling), i) for i, n in numbered for spelling in n.spellings)
        # from a later syllable: the tails of each spelling, so "gongshang" is a prefix of one
        self._later_pinyin = _Prefixes(("".join(spelling[k:]), i) for i, n in numbered
                                       for spelling in n.spellings[:MAX_LATER_READINGS]
                                       for k in range(1, len(spelling)))
        self._later_initials = _Prefixes(("".join(initials[k:]), i) for i, n in numbered
                                         for initials in n.initials[:MAX_LATER_READINGS]
                                         for k in range(1, len(initials)))
        self._en_words = _Prefixes((word, i) for i, n in numbered for word in n.en_words)
        self._zh = _Substrings([n.zh for n in names])
        self._code_text = _Substrings([n.code for n in names])
        self._sort_keys = {"en": [n.en for n in names],
                           "zh": [" ".join(n.spellings[0]) if n.spellings else n.zh for n in names]}
        self._by_category: dict[str, set[int]] = {}
        for i, item in enumerate(self.items):
            self._by_category.setdefault(item.category, set()).add(i)

    def categories(self) -> list[CategoryCount]:
        return categories(self.items)

    def search(self, query: str, *, category: str | None = None, lang: str = "zh") -> list[ServiceItem]:
        """Services matching ``query``, best first; nothing for a blank or unmatched query, never an error."""
        if not isinstance(query, str):
            return []
        q = _Query(query)
        if not any(ch.isalnum() for ch in q.compact):  # blank, or punctuation alone
            return []
        allowed = None if category is None else self._by_category.get(category, set())
        sort_keys = self._sort_keys["en" if lang == "en" else "zh"]
        taken: set[int] = set()
        hits: list[tuple[int, str, int]] = []
        for rank, numbers in self._matches(q):
            new = numbers - taken if allowed is None else (numbers & allowed) - taken
            taken |= new
            hits += [(rank, sort_keys[i], i) for i in new]
        hits.sort()
        return [self.items[i] for _, _, i in hits]

    def _matches(self, q: _Query) -> Iterator[tuple[int, set[int]]]:
        """(rank, services) best rank first; a service may come again under a worse rank."""
        if q.code:
            yield EXACT_CODE, self._codes.get(q.code, set())
            yield CODE_PREFIX, self._code_prefixes.starting(q.code)
        yield NAME_PREFIX, self._name_prefixes.starting(q.compact) | self._name_prefixes.starting(q.text)
        if q.pinyin:
            yield INITIALS_PREFIX, self._initials.starting(q.pinyin)
            yield PINYIN_PREFIX, self._pinyin.starting(q.pinyin)
        yield SUBSTRING, self._zh.containing(q.compact)
        if q.words:
            yield SUBSTRING, set.intersection(*(self._en_words.starting(w) for w in q.words))
        if len(q.code) >= 2:
            yield SUBSTRING, self._code_text.containing(q.code)
        if len(q.pinyin) >= 2:
            yield LATER_SYLLABLE, self._later_initials.starting(q.pinyin) | self._later_pinyin.starting(q.pinyin)


def categories(items: Iterable[ServiceItem]) -> list[CategoryCount]:
    """Each category with its number of services, in the order the catalogue first names it."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.category] = counts.get(item.category, 0) + 1
    return [CategoryCount(name, count) for name, count in counts.items()]


def search(items: ServiceIndex | Sequence[ServiceItem], query: str, *, category: str | None = None,
           lang: str) -> list[ServiceItem]:
    """One search; pass a :class:`ServiceIndex` to keep the index between keystrokes."""
    index = items if isinstance(items, ServiceIndex) else ServiceIndex(items)
    return index.search(query, category=category, lang=lang)
