"""Pinyin to Chinese for the touch keyboard: letters in, candidate words out, Qt-free.

Why our own and not Qt Virtual Keyboard: see ARCHITECTURE.md (its pinyin is GPL-3.0). The words and
how common each is come from jieba's dictionary (MIT), their readings from pypinyin (MIT), put
together by ``scripts/build-pinyin-words.py`` into ``kiosk/data/pinyin_words.tsv.gz``: 352,000
readings under 69,500 initials keys (``gt`` for 个体), the likely reading of each word and every
reading of a single character. The service search (kiosk/search.py) reads names to pinyin with
the same pypinyin readings; this module goes the other way.

How letters become candidates. The letters are cut into tokens, each one of

- a whole syllable (``ge``, ``shang``),
- an initial standing for any syllable that starts with it (``g``, ``sh``: ``gtgsh`` is 个体工商户),
- at the end of the letters only, the start of a syllable being typed (``getigongshangh``),

with an apostrophe (``xi'an``) forcing a cut, and no token starting with a vowel right after a bare
initial (``sha`` is never ``sh`` and ``a``). Every way of cutting the letters that reaches the end is
walked as a tree, one token deeper at a time (at most :data:`MAX_SYLLABLES`, the longest word), and at
each node the words under that node's initials key whose syllables fit the tokens are candidates,
each covering the letters up to that node; where the letters end in a syllable or its start, the
words one syllable longer are foreseen too (``getigongsha``: 个体工商户, ``yingyezhi``: 营业执照). A branch whose initials no key starts with is cut at
once (a bisection over the sorted keys), so the walk stays small. Candidates are ranked by the
letters they cover, the whole input first, then by the syllables completed from what was typed (先
before 向 for ``xian``), then by how common they are: a name or an address
that no dictionary holds as a whole (王秀英, 文三路 478 号) is composed by choosing a word for the
first letters (王 for ``wang``) and carrying on with the rest (``xiuying``: 秀英).

The file is read once, on the first lookup or ahead of it by :meth:`PinyinWords.load` on a worker
(80-130 ms to decompress; 8.7 MB of UTF-8 kept as bytes): a key's line is found by bisection over
the sorted lines, so nothing is split up front, and a key's words are parsed on first use and kept.

Measured with ``kiosk bench pinyin`` (2 cores shared with other sessions, load 3-5, Python 3.11; 205
words, every prefix of their full pinyin and of their initials a key press): full pinyin p50 0.8-1.1 ms,
p95 3.8-8.6 ms; initials p50 1.1-1.4 ms, p95 3.9-10 ms; the slowest key press 16-80 ms (a first
letter's candidates parsed cold, or the other sessions); 605 words: p95 3.1 and 3.5 ms. Every word is among the first 20 candidates of its
full pinyin; 78 of 205 of their initials alone (``zg`` is many words). Each node of the walk keeps its
300 best words only, and candidates are made for the 300 best of all: before that, p95 10-15 ms.
"""

from __future__ import annotations

import gzip
import heapq
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

WORDS_FILE = Path(__file__).resolve().parent / "data" / "pinyin_words.tsv.gz"

MAX_SYLLABLES = 7      # the longest word in the file (scripts/build-pinyin-words.py MAX_CHARACTERS)
MAX_LETTERS = 40       # letters one composition holds; more are refused (a form value is short)
MAX_NODES = 4000       # token paths walked for one input, whatever the letters
MAX_CANDIDATES = 300   # offered for one input, best first
MAX_KEPT_MATCHES = 20000  # token paths whose fitting words are kept between key presses
MAX_KEPT_GROUPS = 10000   # initials keys kept parsed (a kiosk runs for months: the caches stay bounded)
SEPARATOR = "'"
# The standard initials: each may stand for a whole syllable (abbreviated input).
INITIALS = frozenset("b p m f d t n l g k h j q x zh ch sh r z c s y w".split())
_FIRST_LETTERS = "abcdefghjklmnopqrstwxyz"  # a syllable starts with one of these


class Candidate(NamedTuple):
    text: str
    letters: int   # how many of the input's characters (letters and apostrophes) it covers
    count: int     # how common, in the dictionary's counts
    loose: int = 0  # syllables completed from the start typed (xian as xiang: 向 is 1, 先 is 0); initials are not


# (word, syllables, count): plain tuples of strings and ints, which the garbage collector stops tracking
# after its first look; as NamedTuples it walked them at every full collection (key presses of 140-170 ms
# in `kiosk bench pinyin`, 11-70 ms as plain tuples on the same loaded machine)
_Entry = tuple[str, tuple[str, ...], int]


class WordsFileError(Exception):
    """The words file is missing or not what scripts/build-pinyin-words.py writes."""


class PinyinWords:
    """The word list of ``kiosk/data/pinyin_words.tsv.gz``, read on first use (thread-safe)."""

    def __init__(self, path: Path = WORDS_FILE) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._data: bytes | None = None
        self._body = 0                     # where the first line after the header starts
        self._groups: dict[str, dict[str, tuple[_Entry, ...]]] = {}
        self._fitting: dict[tuple[tuple[str, ...], bool | None], tuple[tuple[_Entry, int], ...]] = {}
        self._key_starts: dict[str, bool] = {}
        self._syllables: frozenset[str] = frozenset()
        self._prefixes: frozenset[str] = frozenset()

    # -- loading ------------------------------------------------------------------------------------

    def load(self) -> None:
        """Read the file now (from a worker, ahead of the first key press); later calls do nothing."""
        with self._lock:
            if self._data is not None:
                return
            try:
                data = gzip.decompress(self.path.read_bytes())
            except (OSError, EOFError, gzip.BadGzipFile) as exc:
                raise WordsFileError(f"{self.path}: {exc}") from exc
            first = data.find(b"\n") + 1
            if not data.startswith(b"# OneTrip pinyin words") or first == 0:
                raise WordsFileError(f"{self.path}: not a pinyin words file")
            self._data, self._body = data, first
            try:
                syllables = {first for initial in "abcdefghijklmnopqrstuvwxyz" for first in self._group(initial)}
            except WordsFileError:
                self._data, self._groups = None, {}
                raise
            self._syllables = frozenset(syllables)
            self._prefixes = frozenset(s[:n] for s in syllables for n in range(1, len(s) + 1))

    # -- lookups ------------------------------------------------------------------------------------

    def _line_at(self, offset: int) -> tuple[int, int]:
        """The line holding byte ``offset``: (start, end)."""
        data = self._data
        start = data.rfind(b"\n", self._body, offset) + 1 or self._body
        end = data.find(b"\n", offset)
        return start, (len(data) if end < 0 else end)

    def _first_line_from(self, key: bytes) -> tuple[int, int]:
        """The first line whose key is >= ``key`` (by bisection over byte offsets): (start, end)."""
        data = self._data
        low, high = self._body, len(data)
        while low < high:
            middle = (low + high) // 2
            start, end = self._line_at(middle)
            if data[start:data.find(b"\t", start, end)] < key:
                low = end + 1
            else:
                high = start
        return self._line_at(low) if low < len(data) else (len(data), len(data))

    def _has_key_starting(self, initials: str) -> bool:
        found = self._key_starts.get(initials)
        if found is None:
            if len(self._key_starts) > MAX_KEPT_MATCHES:
                self._key_starts.clear()
            start, end = self._first_line_from(initials.encode("ascii"))
            found = self._key_starts[initials] = self._data.startswith(initials.encode("ascii"), start, end)
        return found

    def _group(self, initials: str) -> dict[str, tuple[_Entry, ...]]:
        """The words under one initials key by their first syllable, each most common first."""
        found = self._groups.get(initials)
        if found is None:
            if len(self._groups) > MAX_KEPT_GROUPS:  # the long keys go; the short ones, large and asked for most, stay
                self._groups = {key: group for key, group in self._groups.items() if len(key) <= 2}
            start, end = self._first_line_from(initials.encode("ascii"))
            fields = self._data[start:end].decode("utf-8").split("\t")
            by_first: dict[str, list[_Entry]] = {}
            if fields[0] == initials:
                try:
                    for word, syllables, count in (field.split(" ") for field in fields[1:]):
                        spelled = tuple(syllables.split(SEPARATOR))
                        by_first.setdefault(spelled[0], []).append((word, spelled, int(count)))
                except ValueError as exc:
                    raise WordsFileError(f"{self.path}: the line of {initials!r} is damaged ({exc})") from exc
            found = self._groups[initials] = {first: tuple(entries) for first, entries in by_first.items()}
        return found

    def _matches(self, tokens: tuple[str, ...], open_end: bool) -> tuple[tuple[_Entry, int], ...]:
        """The words whose syllables fit ``tokens``, each with its syllables completed from what was
        typed (Candidate.loose); kept, since the next key press asks again."""
        key = (tokens, open_end)
        found = self._fitting.get(key)
        if found is None:
            if len(self._fitting) > MAX_KEPT_MATCHES:
                self._fitting.clear()
            group = self._group("".join(t[0] for t in tokens))
            first = tokens[0]
            loose = first in INITIALS or (open_end and len(tokens) == 1)
            firsts = [s for s in group if s == first or (loose and s.startswith(first))]
            found = self._fitting[key] = _best_of(
                (entry, sum(s != t and t not in INITIALS for s, t in zip(entry[1], tokens)))
                for s in firsts for entry in group[s] if _fits(entry[1], tokens, open_end))
        return found

    def _one_more(self, tokens: tuple[str, ...]) -> tuple[tuple[_Entry, int], ...]:
        """The words one syllable longer than ``tokens`` that they begin (getigongsha: 个体工商户), that
        syllable counted as completed; kept like :meth:`_matches`."""
        key = (tokens, None)
        found = self._fitting.get(key)
        if found is None:
            initials = "".join(t[0] for t in tokens)
            found = _best_of((entry, loose + 1) for letter in _FIRST_LETTERS
                             if self._has_key_starting(initials + letter)
                             for entry, loose in self._matches_start(tokens, initials + letter))
            self._fitting[key] = found
        return found

    def _matches_start(self, tokens: tuple[str, ...], initials: str) -> list[tuple[_Entry, int]]:
        group = self._group(initials)
        first = tokens[0]
        loose = first in INITIALS
        return [(entry, sum(s != t and t not in INITIALS for s, t in zip(entry[1], tokens)))
                for s in group if s == first or (loose and s.startswith(first))
                for entry in group[s] if _fits(entry[1][:len(tokens)], tokens, True)]

    # -- candidates ---------------------------------------------------------------------------------

    def candidates(self, letters: str) -> list[Candidate]:
        """What ``letters`` (a-z, v for ü, apostrophes) may be typing, best first; [] when nothing fits."""
        self.load()
        text = letters.lower()[:MAX_LETTERS]
        if not text or any(not ("a" <= ch <= "z" or ch == SEPARATOR) for ch in text):
            return []
        text = self._segmentable_prefix(text)
        if not text:
            return []
        best: dict[str, tuple[int, int, int]] = {}  # word: (-letters, loose, -count), the least is the best
        finish = self._can_finish(text)
        budget = [MAX_NODES]
        self._walk(text, 0, (), finish, best, budget)
        ranked = heapq.nsmallest(MAX_CANDIDATES, ((*rank, word) for word, rank in best.items()))
        return [Candidate(word, -letters, -count, loose) for letters, loose, count, word in ranked]

    def _token_ends(self, text: str, i: int, after_initial: bool) -> list[int]:
        """Where a token starting at ``i`` may end, longest first. None starts with a vowel right after
        a bare initial: ``sha`` is one syllable, never ``sh`` and ``a`` (an apostrophe says otherwise)."""
        if after_initial and text[i] in "aeo":
            return []
        ends = []
        for j in range(min(len(text), i + 6), i, -1):
            piece = text[i:j]
            if SEPARATOR in piece:
                continue
            if piece in self._syllables or piece in INITIALS or (j == len(text) and piece in self._prefixes):
                ends.append(j)
        return ends

    def _bare(self, token: str) -> bool:
        return token in INITIALS and token not in self._syllables

    def _can_finish(self, text: str) -> dict[tuple[int, bool], bool]:
        """finish[i, after_initial]: the letters from i to the end can be cut into tokens."""
        finish = {(len(text), False): True, (len(text), True): True}
        for i in range(len(text) - 1, -1, -1):
            for after_initial in (False, True):
                if text[i] == SEPARATOR:
                    finish[i, after_initial] = finish[i + 1, False]
                else:
                    finish[i, after_initial] = any(finish[j, self._bare(text[i:j])]
                                                   for j in self._token_ends(text, i, after_initial))
        return finish

    def _segmentable_prefix(self, text: str) -> str:
        """``text``, or its longest start that can be cut into tokens (``wangi``: ``wang``)."""
        for end in range(len(text), 0, -1):
            if self._can_finish(text[:end])[0, False]:
                return text[:end]
        return ""

    def _walk(self, text: str, i: int, path: tuple[str, ...], finish: dict[tuple[int, bool], bool],
              best: dict[str, tuple[int, int, int]], budget: list[int]) -> None:
        after_initial = bool(path) and self._bare(path[-1])
        while i < len(text) and text[i] == SEPARATOR:
            i, after_initial = i + 1, False
        if i == len(text) or len(path) == MAX_SYLLABLES:
            return
        for j in self._token_ends(text, i, after_initial):
            token = text[i:j]
            if not finish[j, self._bare(token)] or budget[0] <= 0:
                continue
            budget[0] -= 1
            tokens = (*path, token)
            initials = "".join(t[0] for t in tokens)
            if not self._has_key_starting(initials):
                continue
            covered = j + (1 if j < len(text) and text[j] == SEPARATOR else 0)
            found = self._matches(tokens, j == len(text))
            if j == len(text) and len(tokens) >= 2 and not self._bare(token):
                found += self._one_more(tokens)
            for (word, _syllables, count), loose in found:
                rank = (-covered, loose, -count)
                old = best.get(word)
                if old is None or rank < old:
                    best[word] = rank
            self._walk(text, j, tokens, finish, best, budget)


def _best_of(matches: Iterable[tuple[_Entry, int]]) -> tuple[tuple[_Entry, int], ...]:
    """The MAX_CANDIDATES best of one node's words (fewest syllables completed, then most common): no
    word past them could be offered, all of them covering the same letters."""
    return tuple(heapq.nsmallest(MAX_CANDIDATES, matches, key=lambda match: (match[1], -match[0][2])))


def _fits(syllables: tuple[str, ...], tokens: tuple[str, ...], open_end: bool) -> bool:
    """Each syllable is its token, or starts with it where the token is an initial or the open end."""
    last = len(tokens) - 1
    for k, (syllable, token) in enumerate(zip(syllables, tokens)):
        if syllable == token:
            continue
        if not syllable.startswith(token):
            return False
        if token in INITIALS or (open_end and k == last):
            continue
        return False
    return True


class PinyinComposer:
    """The letters being typed into one field, and what choosing a candidate leaves of them."""

    def __init__(self, words: PinyinWords) -> None:
        self._words = words
        self._letters = ""
        self._candidates: list[Candidate] | None = None

    @property
    def letters(self) -> str:
        return self._letters

    def type(self, key: str) -> bool:
        """Add a letter (a-z) or an apostrophe; False (nothing added) for anything else, a leading or
        doubled apostrophe, or past :data:`MAX_LETTERS`."""
        key = key.lower()
        if len(key) != 1 or not ("a" <= key <= "z" or key == SEPARATOR) or len(self._letters) >= MAX_LETTERS:
            return False
        if key == SEPARATOR and (not self._letters or self._letters.endswith(SEPARATOR)):
            return False
        self._set(self._letters + key)
        return True

    def backspace(self) -> bool:
        """Take back the last letter; False when there was none (the field's own text is next)."""
        if not self._letters:
            return False
        self._set(self._letters[:-1])
        return True

    def clear(self) -> None:
        self._set("")

    def candidates(self) -> list[Candidate]:
        if self._candidates is None:
            self._candidates = self._words.candidates(self._letters) if self._letters else []
        return self._candidates

    def choose(self, candidate: Candidate) -> str:
        """The text to put into the field; the letters it covered leave the composition."""
        self._set(self._letters[candidate.letters:].lstrip(SEPARATOR))
        return candidate.text

    def commit_first(self) -> str:
        """The best candidate's text (the letters themselves when nothing fits); the composition empties
        only as far as that candidate covers."""
        found = self.candidates()
        if found:
            return self.choose(found[0])
        letters, self._letters = self._letters.replace(SEPARATOR, ""), ""
        self._candidates = None
        return letters

    def _set(self, letters: str) -> None:
        if letters != self._letters:
            self._letters = letters
            self._candidates = None
