"""The minimal failing examples the fuzzing found (kiosk bench fuzz, tests/test_fuzz_*.py), kept as plain tests."""

import dataclasses
import datetime as dt

import pytest

from common import provisional
from devices.idcard import errors as e
from devices.idcard.samples import sample_identity
from devices.idcard.text_block import encode_text_block, parse_text_block
from kiosk.payloads import PayloadKind, classify, is_case_number

TODAY = dt.date(2026, 6, 1)


def test_a_2023_card_keeps_the_blank_where_its_english_name_continues_in_the_second_field():
    # identity_round_trips: 'A A AAA AAA AAAA AAAAAAA AAAAAAAAA A' came back without its 35th character.
    card = dataclasses.replace(sample_identity("foreigner_2023"), name_en="A" * 34 + " B")
    assert parse_text_block(encode_text_block(card), today=TODAY).name_en == "A" * 34 + " B"


def test_a_2017_number_with_a_full_width_digit_is_refused():
    # text_block_parses_or_card_error: 'AAA０00000010100' passed the 2017 number check (isdigit() takes ０).
    card = sample_identity("foreigner_2017")  # USA330185061513
    card = dataclasses.replace(card, id_number="USA\uff1330185061513")
    with pytest.raises(e.InvalidIdNumberError):
        parse_text_block(encode_text_block(card), today=TODAY)


@pytest.mark.parametrize("digit", ["\uff13", "\u0663"])  # full-width and Arabic-Indic three: int() takes both
def test_an_18_character_number_with_digits_of_another_script_is_refused(digit):
    card = sample_identity("resident")  # 330106199003071236: its check character holds for any script's 3
    card = dataclasses.replace(card, id_number="3" + digit + card.id_number[2:])
    with pytest.raises(e.InvalidIdNumberError):
        parse_text_block(encode_text_block(card), today=TODAY)


def test_a_date_in_full_width_digits_is_refused():
    block = encode_text_block(sample_identity("resident"))
    block[188:204] = "２０２００５０１".encode("utf-16-le")  # valid from
    with pytest.raises(e.ImpossibleDateError):
        parse_text_block(block, today=TODAY)


@pytest.mark.parametrize("value", ["SQ000\uff11010100000", "SQ\u0662\u0660\u0662\u0666112700042"])
def test_a_case_number_in_digits_of_another_script_is_not_one(value):
    # validators_answer_any_text: 'SQ000１010100000' was a case number (\d and strptime take １).
    assert not is_case_number(value)
    assert classify(f"OTR1:{value}").kind is PayloadKind.REJECTED


@pytest.mark.parametrize("value", ["P-0-000\uff110101-00000-0", "P-0-000\uff110101-0000-00000-0"])
def test_a_provisional_number_in_digits_of_another_script_is_refused_without_raising(value):
    # validators_answer_any_text: 'P-0-000１0101-00000-0' made is_valid raise ValueError.
    assert provisional.is_valid(value) is False


@pytest.mark.parametrize("value", ["P-0-20000101-00001-J", "P-0-20000101-0000-00001-N"])
def test_a_provisional_number_with_a_trailing_newline_is_refused(value):
    # validators_answer_any_text: 'P-0-20000101-00001-J\n' was valid ($ matches before a final newline).
    assert provisional.is_valid(value)
    assert not provisional.is_valid(value + "\n")


def test_a_card_whose_name_is_one_of_the_parser_s_own_words_is_not_called_a_leak():
    # text_block_parses_or_card_error (seed 4811): a name field reading "date" beside an impossible birth date was
    # taken for card text carried by the detail "birth_date is not a calendar date". The property now spares the
    # parser's own words; a name it does not say is still caught.
    from entry.bench.fuzz_properties import _personal_texts, text_block_parses_or_card_error

    block = encode_text_block(dataclasses.replace(sample_identity("resident"), name="date"))
    block[36:52] = "20230230".encode("utf-16-le")  # birth date: 30 February
    with pytest.raises(e.ImpossibleDateError, match="birth_date is not a calendar date"):
        parse_text_block(block, today=TODAY)
    text_block_parses_or_card_error(bytes(block))
    runs = _personal_texts(bytes(block))
    assert "date" not in runs and any("20230230" in run for run in runs)  # the fields beside it still searched
