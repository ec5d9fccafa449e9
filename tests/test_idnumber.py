import pytest

from common.idnumber import check_character, complete, is_valid


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014", "33010619900307123" + check_character("33010619900307123")])
def test_valid_numbers(number):
    assert is_valid(number)


@pytest.mark.parametrize("number", ["110105194912310021", "11010519491331002X", "1101051949123100", "11010519491231002Y", ""])
def test_invalid_numbers(number):
    assert not is_valid(number)


def test_complete_and_bad_input():
    assert complete("11010519491231002") == "11010519491231002X"
    with pytest.raises(ValueError):
        check_character("12345")
