"""Pinyin to Chinese (kiosk/pinyin_input.py) over the shipped word list: whole pinyin, initials, a
syllable being typed, the apostrophe, and names and addresses composed word by word because no
dictionary holds them whole; the word file's failures."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from kiosk.pinyin_input import MAX_LETTERS, WORDS_FILE, PinyinComposer, PinyinWords, WordsFileError

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = (ROOT / "sandbox" / "data" / "services.json").read_text(encoding="utf-8")
# A personal name with a common surname, one with a compound surname, and a Hangzhou street address.
NAME, COMPOUND_NAME, ADDRESS = "王秀英", "欧阳秀兰", "西湖区文三路"


@pytest.fixture(scope="module")
def words():
    return PinyinWords()


def compose(words: PinyinWords, letters: str, choices: list[str]) -> str:
    """Type ``letters``, then take each of ``choices`` from the candidates in turn, as a person taps them."""
    composer = PinyinComposer(words)
    for letter in letters:
        assert composer.type(letter)
    typed = ""
    for choice in choices:
        found = [c for c in composer.candidates() if c.text == choice]
        assert found, f"{choice} not offered for {composer.letters!r}: {[c.text for c in composer.candidates()[:20]]}"
        typed += composer.choose(found[0])
    assert composer.letters == ""
    return typed


def texts(words: PinyinWords, letters: str, first: int = 10) -> list[str]:
    return [c.text for c in words.candidates(letters)[:first]]


def test_whole_pinyin_gives_the_whole_phrase_first(words):
    found = words.candidates("getigongshanghu")
    assert found[0].text == "个体工商户" and found[0].letters == len("getigongshanghu")
    assert compose(words, "getigongshanghu", ["个体工商户"]) == "个体工商户"


def test_initials_give_the_phrase_among_the_whole_matches(words):
    whole = [c.text for c in words.candidates("gtgsh") if c.letters == len("gtgsh")]
    assert whole[0] == "个体工商户"  # a hall word before 高抬贵手 (scripts/build-pinyin-words.py HALL_COUNT)
    assert compose(words, "gtgsh", ["个体工商户"]) == "个体工商户"


def test_a_syllable_being_typed_and_mixed_initials_still_find_the_phrase(words):
    assert texts(words, "getigongshangh", 1) == ["个体工商户"]
    assert texts(words, "getigongsha", 1) == ["个体工商户"]  # one syllable more, foreseen
    assert texts(words, "yingyezhi", 1) == ["营业执照"]
    assert all(c.letters == len("getigongsh") for c in words.candidates("getigongsh") if c.text == "个体工商户")
    assert texts(words, "getigsh", 1) == ["个体工商户"]
    assert "个体" in texts(words, "geti", 3)


def test_a_full_syllable_comes_before_a_longer_one_it_starts_and_the_apostrophe_cuts(words):
    xian = words.candidates("xian")
    assert xian[0].text in {"先", "现", "县", "线", "见"} and xian[0].loose == 0
    assert texts(words, "xi'an", 1) == ["西安"]


def test_a_name_that_no_dictionary_holds_is_composed_from_its_surname_and_given_name(words):
    assert NAME not in CATALOGUE and COMPOUND_NAME not in CATALOGUE
    assert NAME not in texts(words, "wangxiuying", 300)
    assert texts(words, "wangxiuying", 1) == ["王"]  # the surname covers the first syllable
    assert compose(words, "wangxiuying", ["王", "秀英"]) == NAME
    assert compose(words, "ouyangxiulan", ["欧阳", "秀", "兰"]) == COMPOUND_NAME  # 秀兰: no word, two characters


def test_a_hangzhou_street_address_is_composed_from_its_district_and_its_road(words):
    assert ADDRESS not in CATALOGUE
    assert texts(words, "xihuquwensanlu", 1) == ["西湖区"]
    assert compose(words, "xihuquwensanlu", ["西湖区", "文三路"]) == ADDRESS
    assert compose(words, "hangzhoushi", ["杭州市"]) == "杭州市"


def test_letters_that_cannot_be_pinyin_give_what_their_start_can(words):
    assert words.candidates("") == [] and words.candidates("ii") == [] and words.candidates("ge1") == []
    assert texts(words, "wangi", 1) == ["王"]  # the stray i is left for the citizen to fix


def test_the_composer_takes_letters_and_apostrophes_only_and_backspace_takes_them_back(words):
    composer = PinyinComposer(words)
    assert not composer.type("'") and not composer.type("1") and not composer.type("中")
    for letter in "xi'":
        assert composer.type(letter)
    assert not composer.type("'")  # no doubled cut
    assert composer.type("an") is False and composer.letters == "xi'"
    assert composer.type("a") and composer.type("n") and composer.candidates()[0].text == "西安"
    assert composer.backspace() and composer.letters == "xi'a"
    composer.clear()
    assert not composer.backspace() and composer.candidates() == []
    for _ in range(MAX_LETTERS + 5):
        composer.type("a")
    assert len(composer.letters) == MAX_LETTERS


def test_space_takes_the_first_candidate_and_leaves_the_rest_to_type_on(words):
    composer = PinyinComposer(words)
    for letter in "wangxiuying":
        composer.type(letter)
    assert composer.commit_first() == "王" and composer.letters == "xiuying"
    assert composer.commit_first() == "秀英" and composer.letters == ""
    for letter in "ii":
        composer.type(letter)
    assert composer.commit_first() == "ii" and composer.letters == ""  # nothing fits: the letters as typed


def test_the_word_file_names_its_sources_and_their_licences():
    with gzip.open(WORDS_FILE, "rt", encoding="utf-8") as f:
        header = f.readline()
    assert "jieba" in header and "pypinyin" in header and header.count("(MIT)") == 2


def test_a_missing_or_foreign_word_file_is_one_clear_error(tmp_path):
    with pytest.raises(WordsFileError, match="missing.gz"):
        PinyinWords(tmp_path / "missing.gz").candidates("ge")
    foreign = tmp_path / "foreign.gz"
    foreign.write_bytes(gzip.compress(b"gt\t\xe4\xb8\xaa\xe4\xbd\x93 ge'ti 1\n"))
    with pytest.raises(WordsFileError, match="not a pinyin words file"):
        PinyinWords(foreign).load()
    broken = tmp_path / "broken.gz"
    broken.write_bytes(b"not gzip at all")
    with pytest.raises(WordsFileError):
        PinyinWords(broken).load()
    damaged = tmp_path / "damaged.gz"
    damaged.write_bytes(gzip.compress("# OneTrip pinyin words\ng\t个 ge 9\ngt\t个体 ge'ti many\n".encode()))
    words = PinyinWords(damaged)
    assert [c.text for c in words.candidates("ge")] == ["个"]
    with pytest.raises(WordsFileError, match="'gt' is damaged"):
        words.candidates("geti")
