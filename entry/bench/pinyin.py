"""``kiosk bench pinyin``: one key press of the touch keyboard's pinyin input, and reading its word list.

Times :meth:`kiosk.pinyin_input.PinyinWords.load` once (the word list read cold, as on the first
Chinese field), then types as a citizen would: for a fixed set (个体工商户, names, Hangzhou addresses)
and for seeded words drawn from the word list (two to four characters, counted at least 50 times),
every prefix of the full pinyin and of the initials is one key press, one timed ``candidates`` call
on a composer that lives for that word, as the keyboard's does. The same word list serves every
word, so its caches warm as a session's would. A word is found when it is among the first
:data:`FOUND_WITHIN` candidates of its whole input (the bar's first few pages); the found share is
reported, and only the time decides the verdict.
"""

from __future__ import annotations

import argparse
import gzip
import random
import time

from entry.bench import percentile

TARGET_MS = 16.0   # one frame at 60 Hz: the bar redraws before the next key press can land
FOUND_WITHIN = 20
# (Chinese, its syllables): the phrase, two names, two Hangzhou addresses.
FIXED = [("个体工商户", "ge'ti'gong'shang'hu"), ("王秀英", "wang'xiu'ying"), ("欧阳秀兰", "ou'yang'xiu'lan"),
         ("西湖区文三路", "xi'hu'qu'wen'san'lu"), ("杭州市上城区解放路", "hang'zhou'shi'shang'cheng'qu'jie'fang'lu")]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--words", type=int, default=200, help="words drawn from the word list and typed")
    parser.add_argument("--seed", type=int, default=1)


def _drawn(count: int, seed: int) -> list[tuple[str, str]]:
    """``count`` common words of 2-4 characters with their syllables, the same for the same seed."""
    from kiosk.pinyin_input import WORDS_FILE

    pool = []
    with gzip.open(WORDS_FILE, "rt", encoding="utf-8") as f:
        next(f)
        for line in f:
            key, *entries = line.rstrip("\n").split("\t")
            if 2 <= len(key) <= 4:
                for entry in entries:
                    word, syllables, times = entry.split(" ")
                    if int(times) >= 50:
                        pool.append((word, syllables))
    pool.sort()
    return random.Random(seed).sample(pool, min(count, len(pool)))


def _typed(words, letters: str, target: str) -> tuple[list[float], bool]:
    """Each key press's time for ``letters``, and whether ``target`` is offered for the whole input."""
    from kiosk.pinyin_input import PinyinComposer

    composer = PinyinComposer(words)
    times = []
    for letter in letters:
        composer.type(letter)
        start = time.perf_counter()
        found = composer.candidates()
        times.append((time.perf_counter() - start) * 1000)
    offered = [c.text for c in found[:FOUND_WITHIN]]
    # a phrase no dictionary holds whole counts as found when its first word is offered
    return times, any(target.startswith(text) for text in offered) if target not in offered else True


def run(args: argparse.Namespace) -> int:
    from kiosk.pinyin_input import SEPARATOR, PinyinWords

    words = PinyinWords()
    start = time.perf_counter()
    words.load()
    load_ms = (time.perf_counter() - start) * 1000
    targets = FIXED + _drawn(args.words, args.seed)
    results = {"full pinyin": ([], 0), "initials": ([], 0)}
    for word, syllables in targets:
        full, initials = syllables.replace(SEPARATOR, ""), "".join(s[0] for s in syllables.split(SEPARATOR))
        for label, letters in (("full pinyin", full), ("initials", initials)):
            times, found = _typed(words, letters, word)
            results[label] = (results[label][0] + times, results[label][1] + found)
    print(f"word list read in {load_ms:.0f} ms; {len(targets)} words typed")
    worst = 0.0
    for label, (times, found) in results.items():
        p95 = percentile(times, 95)
        worst = max(worst, p95)
        print(f"{label}: {len(times)} key presses: p50 {percentile(times, 50):.2f} ms, p95 {p95:.2f} ms, "
              f"max {max(times):.2f} ms; {found}/{len(targets)} words among the first {FOUND_WITHIN} candidates")
    ok = worst < TARGET_MS
    print(f"verdict: every p95 under {TARGET_MS:.0f} ms" if ok else f"verdict: a p95 at or over {TARGET_MS:.0f} ms")
    return 0 if ok else 1

