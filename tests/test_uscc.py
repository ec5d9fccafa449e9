"""GB 32100-2015 unified social credit codes: the character set and the check character."""

import pytest

from common.uscc import CHARSET, check_character, is_valid, normalise, problem

# Codes as printed on business licences, and the sandbox's seeded companies.
PUBLISHED = ["91350100M000100Y43", "91440300708461136T", "914403001922038216", "91110000802100433B"]
SEEDED = ["91330106MA2H7Q3K8C", "91330102MA2J4R8L6C", "91330106MAK3B6W14D", "92330106MAK2N5D90C"]


@pytest.mark.parametrize("code", PUBLISHED + SEEDED)
def test_real_codes_pass(code):
    assert problem(code) == "" and is_valid(code)


def test_character_set_excludes_i_o_z_s_v():
    assert len(CHARSET) == 31 and not set("IOZSV") & set(CHARSET)


@pytest.mark.parametrize("code", PUBLISHED + SEEDED)
def test_every_single_character_error_is_detected(code):
    missed = [(i, ch) for i in range(18) for ch in CHARSET
              if ch != code[i] and is_valid(code[:i] + ch + code[i + 1:])]
    assert missed == []


def test_adjacent_transpositions_of_different_characters_are_mostly_detected():
    code = PUBLISHED[0]
    swaps = [code[:i] + code[i + 1] + code[i] + code[i + 2:] for i in range(17) if code[i] != code[i + 1]]
    assert sum(is_valid(s) for s in swaps) == 0


def test_problems_while_typing():
    code = SEEDED[0]
    assert [problem(code[:n]) for n in (0, 5, 17)] == ["short", "short", "short"]
    assert problem(code + "1") == "long"
    assert problem(code[:17] + "O") == "character"
    assert problem("91A3") == "division"
    assert problem(code[:17] + ("0" if code[17] != "0" else "1")) == "check"


def test_normalise_and_bad_input():
    assert normalise(" 9133 0106ma2h7q3k8c ") == SEEDED[0]
    assert check_character(SEEDED[0][:17]) == "C"
    with pytest.raises(ValueError):
        check_character("9133010")
    with pytest.raises(ValueError):
        check_character("91330106MA2H7Q3KI")
